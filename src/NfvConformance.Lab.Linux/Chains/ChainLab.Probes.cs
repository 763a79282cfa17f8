// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text.Json;
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Packets;

namespace NfvConformance.Lab.Linux.Chains;

/// <summary>Probing: real packets sent from the client (or, for replies, the server) namespace, traced by the instances' records.</summary>
internal sealed partial class ChainLab
{
    private const int PayloadLength = 18;
    private const byte TcpSyn = 0x02;
    private const byte TcpAck = 0x10;

    /// <summary>Where one probe packet arrived: the source it arrived with (after any NAT) and the path code it carried.</summary>
    private const int MaxProbesPerBurst = 65000;

    private sealed record Arrival(string Source, int SourcePort, int Code);

    /// <summary>Sends probes and traces each from what every instance recorded.</summary>
    /// <param name="probes">The probes (replies send their request first, then the reply to where the request arrived from).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>One trace per probe, in order.</returns>
    public Task<IReadOnlyList<ChainPathTrace>> ProbeAsync(IReadOnlyList<ChainProbe> probes, CancellationToken cancellationToken) =>
        SteeringMode == ChainSteering.Ovs ? ProbeThroughOvsAsync(probes, cancellationToken) : ProbeOnceAsync(probes, cancellationToken);

    private async Task<IReadOnlyList<ChainPathTrace>> ProbeOnceAsync(IReadOnlyList<ChainProbe> probes, CancellationToken cancellationToken)
    {
        if (!_built || _clientSocket is null || _serverSocket is null || _plan is null)
        {
            return [.. probes.Select(_ => new ChainPathTrace(null, [], false, "no_chain_applied"))];
        }

        // What this lab cannot send as asked is refused, per probe, with the reason.
        string? Refuse(ChainProbe p) =>
            p.Defect != ProbeDefect.None ? $"the linux chain lab sends probes from the client namespace through its steering namespace, whose kernel discards a frame with defect {p.Defect} before any instance receives it"
            : p.Ttl != 64 ? string.Create(CultureInfo.InvariantCulture, $"the linux chain lab's steering namespace is a router that decrements the TTL at every pass, so a probe sent with TTL {p.Ttl} would not expire where it would on a switch fabric")
            : p.Protocol is not (ClassifierProtocol.Tcp or ClassifierProtocol.Udp) ? $"the linux chain lab probes with TCP or UDP, not {p.Protocol}"
            : null;
        if (probes.Any(p => Refuse(p) is not null))
        {
            List<ChainPathTrace> partial = [];
            foreach (ChainProbe p in probes)
            {
                partial.AddRange(Refuse(p) is { } why
                    ? [new ChainPathTrace(null, [], false, "not_sent") { Refusal = why }]
                    : await ProbeAsync([p], cancellationToken).ConfigureAwait(false));
            }

            return partial;
        }

        // Each packet gets its own IP id; the sets are cleared before the 16-bit id wraps.
        int needed = probes.Count + probes.Count(p => p.Reverse);
        if (needed > MaxProbesPerBurst)
        {
            string why = string.Create(CultureInfo.InvariantCulture, $"the linux chain lab proves each probe's path by its 16-bit IP id, so one burst holds at most {MaxProbesPerBurst} packets; {needed} were asked");
            return [.. probes.Select(_ => new ChainPathTrace(null, [], false, "not_sent") { Refusal = why })];
        }

        if (_nextId + needed > MaxProbesPerBurst)
        {
            await ClearRecordsAsync(cancellationToken).ConfigureAwait(false);
            _nextId = 1;
        }

        int[] requestIds = new int[probes.Count];
        int[] replyIds = new int[probes.Count];
        byte[] buffer = new byte[128];
        for (int i = 0; i < probes.Count; i++)
        {
            ChainProbe p = probes[i];
            requestIds[i] = _nextId++;
            int length = Build(buffer, p.SourceIp, p.DestinationIp, p.Protocol, p.SourcePort, p.DestinationPort, p.Reverse ? 64 : p.Ttl, requestIds[i], TcpSyn, Seq(p), 0);
            _clientSocket.Send(buffer.AsSpan(0, length), IPAddress.Parse(p.DestinationIp));
            Pace(i);
        }

        Dictionary<int, Arrival> atServer = await WaitForAsync(Server, requestIds, cancellationToken).ConfigureAwait(false);
        Dictionary<int, Arrival> atClient = [];
        List<int> replies = [];
        for (int i = 0; i < probes.Count; i++)
        {
            ChainProbe p = probes[i];
            if (!p.Reverse || !atServer.TryGetValue(requestIds[i], out Arrival? request))
            {
                continue;
            }

            // The reply goes to the address and port the request arrived from, as a server's would.
            replyIds[i] = _nextId++;
            int length = Build(buffer, p.DestinationIp, request.Source, p.Protocol, p.DestinationPort, request.SourcePort, p.Ttl, replyIds[i], (byte)(TcpSyn | TcpAck), 0x5000_0000u, Seq(p) + 1);
            _serverSocket.Send(buffer.AsSpan(0, length), IPAddress.Parse(request.Source));
            replies.Add(replyIds[i]);
            Pace(replies.Count);
        }

        if (replies.Count > 0)
        {
            atClient = await WaitForAsync(Client, replies, cancellationToken).ConfigureAwait(false);
        }

        Dictionary<int, List<(LabInstance Instance, int Code)>> seen = await ReadRecordsAsync(cancellationToken).ConfigureAwait(false);
        List<ChainPathTrace> traces = [];
        for (int i = 0; i < probes.Count; i++)
        {
            ChainProbe p = probes[i];
            if (!p.Reverse)
            {
                traces.Add(Trace(seen.GetValueOrDefault(requestIds[i]) ?? [], atServer.ContainsKey(requestIds[i])));
            }
            else if (replyIds[i] == 0)
            {
                ChainPathTrace request = Trace(seen.GetValueOrDefault(requestIds[i]) ?? [], false);
                traces.Add(new ChainPathTrace(request.Chain, [], false, "request_not_delivered") { DroppedAt = request.DroppedAt });
            }
            else
            {
                traces.Add(Trace(seen.GetValueOrDefault(replyIds[i]) ?? [], atClient.ContainsKey(replyIds[i])));
            }
        }

        return traces;
    }

    private static uint Seq(ChainProbe p) => (uint)(0x1000_0000 + (p.SourcePort * 7919) + p.DestinationPort);

    // A burst longer than a veth backlog would be dropped by the kernel before any instance saw it: pace bursts.
    // Open vSwitch's userspace datapath takes every new flow to its slow path (the L4 hash and the learned pins make
    // each 5-tuple a flow of its own) and drops what overflows its AF_PACKET socket meanwhile: smaller bursts there.
    private void Pace(int sent)
    {
        int burst = SteeringMode == ChainSteering.Ovs ? OvsProbeBurst : 64;
        if (sent % burst == burst - 1)
        {
            Thread.Sleep(1);
        }
    }

    private static int Build(byte[] buffer, string source, string destination, ClassifierProtocol protocol, int sourcePort, int destinationPort, int ttl, int id, byte tcpFlags, uint sequence, uint acknowledgment)
    {
        uint src = BinaryPrimitives.ReadUInt32BigEndian(IPAddress.Parse(source).GetAddressBytes());
        uint dst = BinaryPrimitives.ReadUInt32BigEndian(IPAddress.Parse(destination).GetAddressBytes());
        Span<byte> span = buffer;
        int l4 = protocol == ClassifierProtocol.Tcp ? 20 : 8;
        byte proto = protocol switch
        {
            ClassifierProtocol.Tcp => 6,
            ClassifierProtocol.Udp => 17,
            _ => throw new ConfigurationException($"the linux chain lab probes with TCP or UDP, not {protocol}."),
        };
        int ip = FrameBuilder.WriteIpv4(span, src, dst, proto, l4 + PayloadLength, (byte)Math.Clamp(ttl, 1, 255), (ushort)id);
        if (proto == 6)
        {
            _ = FrameBuilder.WriteTcp(span[ip..], (ushort)sourcePort, (ushort)destinationPort, sequence, acknowledgment, tcpFlags);
        }
        else
        {
            _ = FrameBuilder.WriteUdp(span[ip..], (ushort)sourcePort, (ushort)destinationPort, PayloadLength);
        }

        span.Slice(ip + l4, PayloadLength).Fill((byte)'p');
        int total = ip + l4 + PayloadLength;
        FrameBuilder.FinishL4Ipv4(span[..total]);
        return total;
    }

    private async Task<Dictionary<int, Arrival>> WaitForAsync(string ns, IReadOnlyCollection<int> ids, CancellationToken cancellationToken)
    {
        // A probe counts as lost when nothing more has arrived for the arrival timeout: on a loaded host the last of a
        // burst can trail the first by more than the timeout, and a fixed deadline would call late ones lost. Capped.
        HashSet<int> wanted = [.. ids];
        TimeSpan quiet = SteeringMode == ChainSteering.Ovs ? OvsArrivalTimeout : ArrivalTimeout;
        DateTime start = DateTime.UtcNow, cap = start + (4 * quiet), deadline = start + quiet;
        Dictionary<int, Arrival> got = [];
        int arrived = 0;
        while (true)
        {
            got = await ReadArrivalsAsync(ns, cancellationToken).ConfigureAwait(false);
            int now = got.Keys.Count(wanted.Contains);
            if (now > arrived)
            {
                arrived = now;
                DateTime next = DateTime.UtcNow + quiet;
                deadline = next < cap ? next : cap;
            }

            if (arrived == wanted.Count || DateTime.UtcNow > deadline)
            {
                return got;
            }

            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<Dictionary<int, Arrival>> ReadArrivalsAsync(string ns, CancellationToken cancellationToken)
    {
        Dictionary<int, Arrival> got = [];
        string json = await NftQueryAsync(ns, cancellationToken, "list", "set", "ip", Table, "got").ConfigureAwait(false);
        foreach (JsonElement value in Elements(json))
        {
            JsonElement[] parts = [.. value.GetProperty("concat").EnumerateArray()];
            got[parts[0].GetInt32()] = new Arrival(parts[1].GetString()!, parts[2].GetInt32(), parts[3].GetInt32());
        }

        return got;
    }

    private async Task<Dictionary<int, List<(LabInstance Instance, int Code)>>> ReadRecordsAsync(CancellationToken cancellationToken)
    {
        Dictionary<int, List<(LabInstance, int)>> seen = [];
        foreach (LabInstance i in _instances.Values.OrderBy(i => i.Index))
        {
            string family = i.NftFamily;
            string json = await NftQueryAsync(i.ProofNamespace, cancellationToken, "list", "set", family, i.ProofTable, "seen").ConfigureAwait(false);
            foreach (JsonElement value in Elements(json))
            {
                JsonElement[] parts = [.. value.GetProperty("concat").EnumerateArray()];
                int id = parts[0].GetInt32();
                if (!seen.TryGetValue(id, out List<(LabInstance, int)>? list))
                {
                    seen[id] = list = [];
                }

                list.Add((i, parts[1].GetInt32()));
            }
        }

        return seen;
    }

    private async Task ClearRecordsAsync(CancellationToken cancellationToken)
    {
        foreach (string ns in new[] { Client, Server })
        {
            await NftAsync(ns, cancellationToken, $"flush set ip {Table} got\n").ConfigureAwait(false);
        }

        foreach (LabInstance i in _instances.Values)
        {
            await NftAsync(i.ProofNamespace, cancellationToken, $"flush set {i.NftFamily} {i.ProofTable} seen\n").ConfigureAwait(false);
        }
    }

    private static IEnumerable<JsonElement> Elements(string json)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        List<JsonElement> values = [];
        foreach (JsonElement item in doc.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (item.TryGetProperty("set", out JsonElement set) && set.TryGetProperty("elem", out JsonElement elems))
            {
                foreach (JsonElement e in elems.EnumerateArray())
                {
                    JsonElement v = e.TryGetProperty("elem", out JsonElement inner) ? inner.GetProperty("val") : e;
                    values.Add(v.Clone());
                }
            }
        }

        return values;
    }

    /// <summary>Orders what the instances recorded of one packet into its path: by the chain's place in its service graph, then the hop.</summary>
    private ChainPathTrace Trace(List<(LabInstance Instance, int Code)> records, bool delivered)
    {
        ChainPlan plan = _plan!;
        List<(LabInstance Instance, PathHop Hop, int Rank)> hops = [];
        foreach ((LabInstance instance, int code) in records)
        {
            if (plan.Codes.TryGetValue(code, out PathHop? hop))
            {
                hops.Add((instance, hop, Rank(plan, hop)));
            }
        }

        hops.Sort((a, b) => a.Rank.CompareTo(b.Rank));
        List<HopTraversal> path = [.. hops.Select(h => new HopTraversal(h.Hop.Spi, h.Hop.Si, h.Hop.Group, h.Instance.PortPair))];
        string? chain = hops.Count > 0 ? hops[0].Hop.Chain : null;
        if (delivered)
        {
            return new ChainPathTrace(chain, path, true, null);
        }

        // Not delivered: it was lost after the last instance that recorded it (or before any did).
        string? at = hops.Count > 0 ? hops[^1].Instance.PortPair : null;
        string reason = records.Count > hops.Count ? "unknown_path_code" : (at is null ? "lost_before_first_hop" : "lost");
        return new ChainPathTrace(chain, path, false, reason) { DroppedAt = at };
    }

    private static int Rank(ChainPlan plan, PathHop hop)
    {
        int depth = 0;
        string current = hop.Chain;
        for (int guard = 0; guard < 64; guard++)
        {
            string? parent = plan.GraphLinks.FirstOrDefault(l => l.Value.Contains(current, StringComparer.Ordinal)).Key;
            if (parent is null)
            {
                break;
            }

            depth++;
            current = parent;
        }

        return (depth * 1024) + (255 - hop.Si) + (hop.Reverse ? 512 : 0);
    }

    /// <summary>Reads every instance's counters: packets and bytes per path code, and drops by reason.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>One entry per chain hop instance.</returns>
    public async Task<IReadOnlyList<ChainHopCounters>> ReadCountersAsync(CancellationToken cancellationToken)
    {
        List<ChainHopCounters> result = [];
        if (_plan is null || !_built)
        {
            return result;
        }

        // Under Open vSwitch, what an instance forwarded on a hop is what the switch's rule for that instance and hop
        // matched as it came back out; drops inside the instance are still the instance's own counters.
        Dictionary<(int Index, int Code), (long Packets, long Bytes)>? openFlow = SteeringMode == ChainSteering.Ovs
            ? await ReadOvsHopCountersAsync(cancellationToken).ConfigureAwait(false)
            : null;
        foreach (LabInstance i in _instances.Values.OrderBy(i => i.Index))
        {
            Dictionary<string, (long Packets, long Bytes)> counters = await ReadInstanceCountersAsync(i, cancellationToken).ConfigureAwait(false);
            Dictionary<string, long> reasons = new(StringComparer.Ordinal);
            AddReason(reasons, "random_loss", counters.GetValueOrDefault("loss").Packets);
            AddReason(reasons, "policy", counters.GetValueOrDefault("acl").Packets);
            long discards = reasons.Values.Sum();
            foreach (PlannedChain chain in _plan.Chains)
            {
                List<PathHop> mine = [.. chain.Forward.Concat(chain.Reverse).Where(h => h.Group == i.Group)];
                if (mine.Count == 0)
                {
                    continue;
                }

                long packets = openFlow is null ? mine.Sum(h => counters.GetValueOrDefault(Code(h)).Packets) : mine.Sum(h => openFlow.GetValueOrDefault((i.Index, h.Code)).Packets);
                long bytes = openFlow is null ? mine.Sum(h => counters.GetValueOrDefault(Code(h)).Bytes) : mine.Sum(h => openFlow.GetValueOrDefault((i.Index, h.Code)).Bytes);
                result.Add(new ChainHopCounters(chain.Chain.Name, i.Group, i.PortPair, packets, bytes, discards)
                {
                    Discards = discards,
                    DropReasons = reasons,
                });
            }
        }

        return result;
    }

    /// <summary>Reads one instance's named nftables counters (per path code <c>c1</c>..., and <c>loss</c>, <c>acl</c>).</summary>
    private async Task<Dictionary<string, (long Packets, long Bytes)>> ReadInstanceCountersAsync(LabInstance i, CancellationToken cancellationToken)
    {
        string family = i.NftFamily;
        string json = await NftQueryAsync(i.ProofNamespace, cancellationToken, "list", "counters", "table", family, i.ProofTable).ConfigureAwait(false);
        Dictionary<string, (long Packets, long Bytes)> counters = new(StringComparer.Ordinal);
        using JsonDocument doc = JsonDocument.Parse(json);
        foreach (JsonElement item in doc.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (item.TryGetProperty("counter", out JsonElement c))
            {
                counters[c.GetProperty("name").GetString()!] = (c.GetProperty("packets").GetInt64(), c.GetProperty("bytes").GetInt64());
            }
        }

        return counters;
    }

    private static string Code(PathHop h) => string.Create(CultureInfo.InvariantCulture, $"c{h.Code}");

    private static void AddReason(Dictionary<string, long> reasons, string reason, long count)
    {
        if (count > 0)
        {
            reasons[reason] = count;
        }
    }
}
