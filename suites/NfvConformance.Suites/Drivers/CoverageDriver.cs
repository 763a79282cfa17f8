// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.Measurements;
using NfvConformance.Core.Evidence;
using NfvConformance.Core.Running;

namespace NfvConformance.Suites.Drivers;

/// <summary>
/// Checks that need more than one facet call per step: flow symmetry through a symmetric chain, per-instance interface
/// counters against the probes that crossed them, and frame delay variation at the NDR. Reaches the target only
/// through <see cref="IServiceChaining"/>; the chain itself is built and applied by <see cref="ServiceChainingDriver"/>.
/// </summary>
public sealed class CoverageDriver
{
    private readonly RunContext _run;
    private readonly ScenarioEvidence _evidence;
    private readonly FiguresDriver _figures;
    private readonly Dictionary<string, ChainHopCounters> _before = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _crossed = new(StringComparer.Ordinal);
    private int _probes;

    /// <summary>Creates the driver for one scenario.</summary>
    /// <param name="run">The run.</param>
    /// <param name="evidence">The scenario's evidence.</param>
    /// <param name="figures">The target figures.</param>
    public CoverageDriver(RunContext run, ScenarioEvidence evidence, FiguresDriver figures)
    {
        _run = run;
        _evidence = evidence;
        _figures = figures;
    }

    private IServiceChaining Chaining => TargetFacets.Require<IServiceChaining>(_run);

    /// <summary>
    /// Probes flows forward and then their replies, and checks each reply crossed the same instances as its request,
    /// in reverse order; the flows must have been spread over at least two instances of the group, or symmetry would be
    /// trivial.
    /// </summary>
    /// <param name="flows">The number of flows (source port varies).</param>
    /// <param name="protocol">tcp or udp.</param>
    /// <param name="source">Source address.</param>
    /// <param name="destination">Destination address.</param>
    /// <param name="port">Destination port.</param>
    /// <param name="group">The group with several instances.</param>
    /// <returns>A task.</returns>
    public async Task CheckRepliesSymmetricAsync(int flows, string protocol, string source, string destination, int port, string group)
    {
        IServiceChaining chaining = Chaining;
        ClassifierProtocol proto = ParseProtocol(protocol);
        HashSet<string> used = new(StringComparer.Ordinal);
        List<string> asymmetric = [];
        IReadOnlyList<ChainPathTrace> traces = await chaining.ProbeManyAsync([.. Enumerable.Range(0, flows).SelectMany(i => new[]
        {
            new ChainProbe(source, destination, proto, 20_000 + i, port),
            new ChainProbe(source, destination, proto, 20_000 + i, port) { Reverse = true },
        })]);
        for (int i = 0; i < flows; i++)
        {
            int sourcePort = 20_000 + i;
            ChainPathTrace forward = traces[2 * i];
            ChainPathTrace reply = traces[(2 * i) + 1];
            Check.That(forward.Delivered && reply.Delivered, $"Flow {source}:{sourcePort} -> {destination}:{port}: request delivered {forward.Delivered} ({forward.DropReason}), reply delivered {reply.Delivered} ({reply.DropReason}).");
            Check.That(forward.Hops.Count > 0, $"Flow {source}:{sourcePort} -> {destination}:{port} entered no chain; the classifier must match it.");
            string there = string.Join(" -> ", forward.Hops.Select(h => $"{h.PortPairGroup}/{h.PortPair}"));
            string back = string.Join(" -> ", reply.Hops.Reverse().Select(h => $"{h.PortPairGroup}/{h.PortPair}"));
            if (there != back)
            {
                asymmetric.Add($"{sourcePort}: request {there}, reply (reversed) {back}");
            }

            if (forward.Hops.FirstOrDefault(h => h.PortPairGroup == group) is { } hop)
            {
                used.Add(hop.PortPair);
            }
        }

        _evidence.Record(new Measurement("asymmetric_flows", asymmetric.Count, "flows"));
        _evidence.Record(new Measurement($"instances_used:{group}", used.Count, "instances"));
        Check.That(used.Count >= 2, $"All {flows} flows took {string.Join(", ", used)} at group '{group}': spread them over several instances, or symmetry is not tested.");
        Check.That(asymmetric.Count == 0, $"{asymmetric.Count} of {flows} replies did not cross the request's instances in reverse: {string.Join("; ", asymmetric.Take(5))}.");
    }

    /// <summary>Reads every instance's counters, to compare with later.</summary>
    /// <returns>A task.</returns>
    public async Task SnapshotCountersAsync()
    {
        _before.Clear();
        foreach (ChainHopCounters c in await Chaining.ReadCountersAsync())
        {
            _before.TryAdd(c.PortPair, c);
        }
    }

    /// <summary>Probes flows and counts, from each probe's own trace, how many packets crossed each instance.</summary>
    /// <param name="flows">The number of flows (source port varies).</param>
    /// <param name="protocol">tcp or udp.</param>
    /// <param name="source">Source address.</param>
    /// <param name="destination">Destination address.</param>
    /// <param name="port">Destination port.</param>
    /// <returns>A task.</returns>
    public async Task ProbeAndTallyAsync(int flows, string protocol, string source, string destination, int port)
    {
        IServiceChaining chaining = Chaining;
        ClassifierProtocol proto = ParseProtocol(protocol);
        _crossed.Clear();
        for (int i = 0; i < flows; i++)
        {
            ChainPathTrace trace = await chaining.ProbeAsync(new ChainProbe(source, destination, proto, 30_000 + i, port));
            Check.That(trace.Delivered, $"Probe {i + 1} was dropped ({trace.DropReason}).");
            foreach (HopTraversal hop in trace.Hops)
            {
                _crossed[hop.PortPair] = _crossed.GetValueOrDefault(hop.PortPair) + 1;
            }
        }

        _probes = flows;
    }

    /// <summary>
    /// Checks each instance's packet counter grew by exactly the packets the traces saw cross it, its byte counter by
    /// that many frames of one size no smaller than the headers sent, and its discard counter not at all.
    /// </summary>
    /// <param name="minFrameBytes">The smallest frame the probe can be (Ethernet, IPv4 and L4 headers).</param>
    /// <returns>A task.</returns>
    public async Task CheckCountersMatchTallyAsync(int minFrameBytes)
    {
        Check.That(_probes > 0, "No probes were tallied; probe flows first.");
        Dictionary<string, ChainHopCounters> after = new(StringComparer.Ordinal);
        foreach (ChainHopCounters c in await Chaining.ReadCountersAsync())
        {
            after.TryAdd(c.PortPair, c);
        }

        foreach (string instance in _crossed.Keys)
        {
            Check.That(after.ContainsKey(instance), $"Instance {instance} was crossed by probes but has no counters.");
        }

        long frameSize = -1;
        foreach ((string instance, ChainHopCounters now) in after)
        {
            ChainHopCounters? then = _before.GetValueOrDefault(instance);
            long packets = now.Packets - (then?.Packets ?? 0);
            long bytes = now.Bytes - (then?.Bytes ?? 0);
            long drops = now.Drops - (then?.Drops ?? 0);
            long expected = _crossed.GetValueOrDefault(instance);
            _evidence.Record(new Measurement($"if_packets:{instance}", packets, "packets"));
            _evidence.Record(new Measurement($"if_octets:{instance}", bytes, "bytes"));
            _evidence.Record(new Measurement($"if_discards:{instance}", drops, "packets"));
            Check.That(packets == expected, $"Instance {instance} counted {packets} packets; the probe traces crossed it {expected} times.");
            Check.That(drops == 0, $"Instance {instance} counted {drops} discards, but every probe was delivered.");
            if (packets == 0)
            {
                Check.That(bytes == 0, $"Instance {instance} counted {bytes} bytes for no packet.");
                continue;
            }

            Check.That(bytes % packets == 0, $"Instance {instance} counted {bytes} bytes for {packets} identical probe frames: not a whole number of frames.");
            long size = bytes / packets;
            Check.That(size >= minFrameBytes, $"Instance {instance} counted {size} bytes per frame, less than the {minFrameBytes} bytes of headers the probe carries.");
            Check.That(frameSize < 0 || frameSize == size, $"Instance {instance} counted {size} bytes per probe frame, another instance {frameSize}: the same frame was counted differently.");
            frameSize = size;
        }

        Check.That(_crossed.Values.Sum() > 0, "No probe crossed any instance; the counters were not exercised.");
        _evidence.Record(new Measurement("probe_frame_bytes", frameSize, "bytes"));
    }

    /// <summary>
    /// Checks a passive (tap) instance saw a copy of every probe, byte for byte as an instance on the path saw it, while
    /// no probe's path went through it (so it could neither change nor drop the traffic it observed).
    /// </summary>
    /// <param name="tap">The tap instance.</param>
    /// <param name="onPath">An instance every probe crossed.</param>
    /// <returns>A task.</returns>
    public async Task CheckTapObservedAllAsync(string tap, string onPath)
    {
        Check.That(_probes > 0, "No probes were tallied; probe flows first.");
        Check.That(!_crossed.ContainsKey(tap), $"{_crossed.GetValueOrDefault(tap)} probes went through tap instance {tap} instead of passing it by.");
        Check.That(_crossed.GetValueOrDefault(onPath) == _probes, $"Only {_crossed.GetValueOrDefault(onPath)} of {_probes} probes crossed {onPath}.");
        Dictionary<string, ChainHopCounters> after = new(StringComparer.Ordinal);
        foreach (ChainHopCounters c in await Chaining.ReadCountersAsync())
        {
            after.TryAdd(c.PortPair, c);
        }

        Check.That(after.ContainsKey(tap) && after.ContainsKey(onPath), $"No counters for {tap} or {onPath}; instances: {string.Join(", ", after.Keys)}.");
        long tapPackets = after[tap].Packets - (_before.GetValueOrDefault(tap)?.Packets ?? 0);
        long tapBytes = after[tap].Bytes - (_before.GetValueOrDefault(tap)?.Bytes ?? 0);
        long pathBytes = after[onPath].Bytes - (_before.GetValueOrDefault(onPath)?.Bytes ?? 0);
        _evidence.Record(new Measurement($"tap_packets:{tap}", tapPackets, "packets"));
        _evidence.Record(new Measurement($"tap_octets:{tap}", tapBytes, "bytes"));
        Check.That(tapPackets == _probes, $"Tap instance {tap} observed {tapPackets} of {_probes} probes.");
        Check.That(tapBytes == pathBytes && tapBytes > 0, $"Tap instance {tap} observed {tapBytes} bytes; {onPath} on the path carried {pathBytes}.");
    }

    /// <summary>
    /// Opens as many distinct flows as a figure asks (one probe each; source address and port vary), all through one
    /// instance's interface, and checks every one was delivered through it; then probes the oldest flows again and
    /// checks each is still delivered through the instances it first took (it is still active, not dropped or moved).
    /// </summary>
    /// <param name="key">The figure giving the number of concurrent flows.</param>
    /// <param name="protocol">tcp or udp.</param>
    /// <param name="sourceBase">The first source address; each block of 60000 flows uses the next one.</param>
    /// <param name="destination">Destination address.</param>
    /// <param name="port">Destination port.</param>
    /// <param name="instance">The instance whose interface every flow must cross.</param>
    /// <param name="again">How many of the oldest flows to probe again.</param>
    /// <returns>A task.</returns>
    public async Task CheckConcurrentFlowsAsync(string key, string protocol, string sourceBase, string destination, int port, string instance, int again)
    {
        IServiceChaining chaining = Chaining;
        ClassifierProtocol proto = ParseProtocol(protocol);
        int flows = checked((int)_figures.Get(key).Value);
        uint first = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(System.Net.IPAddress.Parse(sourceBase).GetAddressBytes());
        string[] paths = new string[Math.Min(again, flows)];
        long delivered = 0;
        string? firstFailure = null;
        // Flows open in bursts of ConcurrentFlowBurst probes; a target that cannot prove the path of that many probes in
        // one burst refuses them (as a value) and the scenario does not apply to it.
        for (int start = 0; start < flows; start += ConcurrentFlowBurst)
        {
            ChainProbe[] burst = [.. Enumerable.Range(start, Math.Min(ConcurrentFlowBurst, flows - start)).Select(i => FlowProbe(first, i, proto, destination, port))];
            IReadOnlyList<ChainPathTrace> traces = await chaining.ProbeManyAsync(burst);
            for (int k = 0; k < burst.Length; k++)
            {
                int i = start + k;
                ChainPathTrace trace = TargetFacets.Sent(traces[k], _run);
                if (trace.Delivered && trace.Hops.Any(h => h.PortPair == instance))
                {
                    delivered++;
                }
                else
                {
                    firstFailure ??= $"flow {i + 1} ({burst[k].SourceIp}:{burst[k].SourcePort}) delivered {trace.Delivered} ({trace.DropReason}) through {string.Join(" -> ", trace.Hops.Select(h => h.PortPair))}";
                }

                if (i < paths.Length)
                {
                    paths[i] = string.Join(" -> ", trace.Hops.Select(h => h.PortPair));
                }
            }
        }

        _figures.CheckAtLeast($"concurrent_flows:{instance}", delivered, key);
        Check.That(firstFailure is null, $"{flows - delivered} of {flows} flows were not delivered through {instance}; first: {firstFailure}.");
        List<string> changed = [];
        for (int i = 0; i < paths.Length; i++)
        {
            ChainPathTrace trace = await chaining.ProbeAsync(FlowProbe(first, i, proto, destination, port));
            string path = string.Join(" -> ", trace.Hops.Select(h => h.PortPair));
            if (!trace.Delivered || path != paths[i])
            {
                changed.Add($"flow {i + 1}: {paths[i]} then {(trace.Delivered ? path : "dropped (" + trace.DropReason + ")")}");
            }
        }

        _evidence.Record(new Measurement("oldest_flows_changed", changed.Count, "flows"));
        Check.That(changed.Count == 0, $"{changed.Count} of the {paths.Length} oldest flows were dropped or moved after {flows} flows were opened: {string.Join("; ", changed.Take(5))}.");
    }

    /// <summary>How many flows the concurrent-flow check opens per burst of probes.</summary>
    private const int ConcurrentFlowBurst = 100_000;

    private static ChainProbe FlowProbe(uint first, int i, ClassifierProtocol protocol, string destination, int port)
    {
        uint address = first + (uint)(i / 60_000);
        string source = string.Create(CultureInfo.InvariantCulture, $"{address >> 24}.{(address >> 16) & 0xFF}.{(address >> 8) & 0xFF}.{address & 0xFF}");
        return new ChainProbe(source, destination, protocol, 1024 + (i % 60_000), port);
    }

    private static ClassifierProtocol ParseProtocol(string text) => text.ToLowerInvariant() switch
    {
        "tcp" => ClassifierProtocol.Tcp,
        "udp" => ClassifierProtocol.Udp,
        _ => throw new ArgumentException($"protocol '{text}' is not tcp or udp.", nameof(text)),
    };
}
