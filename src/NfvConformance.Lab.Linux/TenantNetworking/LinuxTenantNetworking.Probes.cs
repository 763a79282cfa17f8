// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using NfvConformance.Abstractions.TenantNetworking;
using NfvConformance.Lab.Linux.LoadBalancing;
using NfvConformance.Lab.Linux.Native;
using NfvConformance.Lab.Linux.Run;
using NfvConformance.Lab.Linux.Traffic;
using NfvConformance.Packets;

namespace NfvConformance.Lab.Linux.TenantNetworking;

/// <summary>
/// Probes: one real request from a port's namespace (or from an external host in an external network's upstream
/// namespace) to whatever holds the destination address, and its answer. Every namespace that holds the address
/// listens (so a leak to another tenant's port with the same address is seen, not assumed away); AF_PACKET taps on
/// the ports, the underlay and the external network record what each point saw; the security groups' drop counters,
/// read before and after, say which filter took a dropped frame.
/// </summary>
internal sealed partial class LinuxTenantNetworking
{
    private const int WaitMs = 500;
    private static readonly IPNetwork s_internet = IPNetwork.Parse(InternetPrefix);

    public async ValueTask<ProbeResult> ProbeAsync(TenantProbe probe, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await RunProbeAsync(probe, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<ProbeResult> RunProbeAsync(TenantProbe probe, CancellationToken cancellationToken)
    {
        OwnProject(probe.ProjectId);
        Require(IPAddress.TryParse(probe.Destination, out IPAddress? destination), $"Probe destination '{probe.Destination}': write an IP address.");
        Require(probe.PayloadBytes is >= 0 and <= 9000, $"Probe payload {probe.PayloadBytes} bytes: write 0-9000.");
        Port? from = probe.FromPortId is null ? null : OwnPort(probe.ProjectId, probe.FromPortId);
        Net? fromExternal = null;
        if (from is null)
        {
            fromExternal = _networks.GetValueOrDefault(probe.ExternalNetworkId ?? string.Empty) is { External: true, UpstreamNamespace: not null } x
                ? x
                : throw new TenantNetworkingException("A probe comes from a port (FromPortId) or from a host on an external network with a subnet (ExternalNetworkId and ExternalSource).");
            Require(IPAddress.TryParse(probe.ExternalSource, out IPAddress? src) && s_internet.Contains(src), $"External source '{probe.ExternalSource}': write an address in {InternetPrefix}.");
        }

        string sourceNs = from is null ? fromExternal!.UpstreamNamespace! : _fabric.NamespaceOf(from.Id);
        IPAddress? bindSource = from is null ? IPAddress.Parse(probe.ExternalSource!) : null;
        List<Holder> holders = Holders(destination!);
        List<Tap> taps = OpenTaps(from, holders);
        try
        {
            List<Port> watched = [.. holders.Where(h => h.Port is not null).Select(h => h.Port!).Append(from).OfType<Port>().Distinct()];
            Dictionary<string, (long In, long Out)> before = await DropCountersAsync(watched, cancellationToken).ConfigureAwait(false);
            Outcome outcome = probe.Protocol switch
            {
                ProbeProtocol.Udp => await UdpAsync(sourceNs, bindSource, destination!, holders, probe, cancellationToken).ConfigureAwait(false),
                ProbeProtocol.Tcp => await TcpAsync(sourceNs, bindSource, destination!, holders, probe, cancellationToken).ConfigureAwait(false),
                _ => await IcmpAsync(sourceNs, bindSource, destination!, probe, cancellationToken).ConfigureAwait(false),
            };
            await Task.Delay(30, cancellationToken).ConfigureAwait(false);
            List<(Tap Tap, byte[] Frame)> seen = [.. taps.SelectMany(t => t.Wire.Drain().Select(f => (t, f)))];
            Dictionary<string, (long In, long Out)> after = await DropCountersAsync(watched, cancellationToken).ConfigureAwait(false);
            return Judge(probe, destination!, from, fromExternal, holders, outcome, seen, before, after);
        }
        finally
        {
            taps.ForEach(t => t.Wire.Dispose());
        }
    }

    // Whatever holds the destination address: ports with it as a fixed IP (any project's), the port behind a floating
    // IP, the upstream of every external network for the external hosts' prefix, a node for its underlay address.
    private List<Holder> Holders(IPAddress destination)
    {
        List<Holder> holders = [.. _ports.Values.Where(p => p.Addresses.Contains(destination)).Select(p => new Holder(_fabric.NamespaceOf(p.Id), destination, p))];
        holders.AddRange(_fips.Values.Where(f => f.Address.Equals(destination) && _ports.ContainsKey(f.PortId)).Select(f => new Holder(_fabric.NamespaceOf(f.PortId), f.FixedIp, _ports[f.PortId])));
        if (s_internet.Contains(destination))
        {
            holders.AddRange(_networks.Values.Where(n => n.UpstreamNamespace is not null).Select(n => new Holder(n.UpstreamNamespace!, destination, null) { ExternalNetworkId = n.Id }));
        }

        for (int node = 0; node < _fabric.Nodes; node++)
        {
            if (TenantFabric.UnderlayAddress(node) == destination.ToString() && _networks.Count > 0)
            {
                holders.Add(new Holder(_fabric.NodeNamespace(node), destination, null) { Node = node });
            }
        }

        return holders;
    }

    private List<Tap> OpenTaps(Port? from, List<Holder> holders)
    {
        List<Tap> taps = [];
        try
        {
            foreach (Port p in holders.Where(h => h.Port is not null).Select(h => h.Port!).Append(from).OfType<Port>().Distinct())
            {
                taps.Add(new Tap(LbWire.OpenTap(_fabric.NamespaceOf(p.Id), _fabric.InterfaceOf(p.Id), p.Id), p, -1, null));
            }

            if (_networks.Count > 0)
            {
                for (int node = 0; node < _fabric.Nodes; node++)
                {
                    taps.Add(new Tap(LbWire.OpenTap(_fabric.NodeNamespace(node), TenantFabric.UnderlayDevice, s_nodeIds[node]), null, node, null));
                }
            }

            foreach (Net n in _networks.Values.Where(n => n.UpstreamNamespace is not null))
            {
                taps.Add(new Tap(LbWire.OpenTap(n.UpstreamNamespace!, _fabric.InterfaceOf(Upstream(n.Id)), n.Id), null, -1, n.Id));
            }

            return taps;
        }
        catch
        {
            taps.ForEach(t => t.Wire.Dispose());
            throw;
        }
    }

    private async Task<Dictionary<string, (long In, long Out)>> DropCountersAsync(List<Port> ports, CancellationToken cancellationToken)
    {
        Dictionary<string, (long In, long Out)> counters = new(StringComparer.Ordinal);
        foreach (Port p in ports)
        {
            (long inbound, _) = await _fabric.ReadCounterAsync(p.Id, _fabric.GroupTable, "ingress_drop", cancellationToken).ConfigureAwait(false);
            (long outbound, _) = await _fabric.ReadCounterAsync(p.Id, _fabric.GroupTable, "egress_drop", cancellationToken).ConfigureAwait(false);
            counters[p.Id] = (inbound, outbound);
        }

        return counters;
    }

    private static Socket Open(string ns, IPAddress family, SocketType type, ProtocolType protocol) =>
        NetNamespace.Run(ns, () => new Socket(family.AddressFamily, type, protocol));

    private static async Task<Outcome> UdpAsync(string sourceNs, IPAddress? bindSource, IPAddress destination, List<Holder> holders, TenantProbe probe, CancellationToken cancellationToken)
    {
        List<Socket> servers = [];
        try
        {
            foreach (Holder h in holders)
            {
                Socket s = Open(h.Namespace, h.Address, SocketType.Dgram, ProtocolType.Udp);
                servers.Add(s);
                s.Bind(new IPEndPoint(h.Address, probe.DestinationPort));
            }

            using Socket client = Open(sourceNs, destination, SocketType.Dgram, ProtocolType.Udp);
            client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            client.Bind(new IPEndPoint(bindSource ?? (destination.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any), probe.SourcePort));
            if (destination.AddressFamily == AddressFamily.InterNetworkV6)
            {
                // IPV6_MTU_DISCOVER (23) = IPV6_PMTUDISC_DO (2): never fragment, as IPv4's don't-fragment below.
                int doNotFragment = 2;
                if (Libc.setsockopt((int)client.SafeHandle.DangerousGetHandle(), 41, 23, ref doNotFragment, sizeof(int)) != 0)
                {
                    throw new TenantNetworkingException($"Cannot set IPV6_MTU_DISCOVER on the probe's socket: {Libc.LastError()}.");
                }
            }
            else
            {
                client.DontFragment = true;
            }

            try
            {
                client.SendTo(new byte[probe.PayloadBytes], new IPEndPoint(destination, probe.DestinationPort));
            }
            catch (SocketException e)
            {
                return new Outcome(-1, false, e.SocketErrorCode, e.Message);
            }

            int got = await FirstReadableAsync(servers, cancellationToken).ConfigureAwait(false);
            if (got < 0)
            {
                return new Outcome(-1, false, null, null);
            }

            byte[] buffer = new byte[65536];
            EndPoint remote = new IPEndPoint(destination.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
            int n = servers[got].ReceiveFrom(buffer, ref remote);
            servers[got].SendTo(buffer.AsSpan(0, n), remote);
            return new Outcome(got, await FirstReadableAsync([client], cancellationToken).ConfigureAwait(false) == 0, null, null);
        }
        finally
        {
            servers.ForEach(s => s.Dispose());
        }
    }

    private static async Task<Outcome> TcpAsync(string sourceNs, IPAddress? bindSource, IPAddress destination, List<Holder> holders, TenantProbe probe, CancellationToken cancellationToken)
    {
        List<Socket> listeners = [];
        try
        {
            foreach (Holder h in holders)
            {
                Socket s = Open(h.Namespace, h.Address, SocketType.Stream, ProtocolType.Tcp);
                listeners.Add(s);
                s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                s.Bind(new IPEndPoint(h.Address, probe.DestinationPort));
                s.Listen(4);
            }

            using Socket client = Open(sourceNs, destination, SocketType.Stream, ProtocolType.Tcp);
            client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            client.LingerState = new LingerOption(true, 0);
            client.Bind(new IPEndPoint(bindSource ?? (destination.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any), probe.SourcePort));
            using CancellationTokenSource limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(WaitMs);
            try
            {
                await client.ConnectAsync(new IPEndPoint(destination, probe.DestinationPort), limit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return new Outcome(-1, false, null, null);
            }
            catch (SocketException e)
            {
                return new Outcome(-1, false, e.SocketErrorCode, e.Message);
            }

            int got = await FirstReadableAsync(listeners, cancellationToken).ConfigureAwait(false);
            if (got >= 0)
            {
                using Socket accepted = listeners[got].Accept();
                accepted.LingerState = new LingerOption(true, 0);
            }

            return new Outcome(got, true, null, null);
        }
        finally
        {
            listeners.ForEach(s => s.Dispose());
        }
    }

    private static async Task<Outcome> IcmpAsync(string sourceNs, IPAddress? bindSource, IPAddress destination, TenantProbe probe, CancellationToken cancellationToken)
    {
        List<string> args = ["netns", "exec", sourceNs, "ping", "-n", "-q", "-c", "1", "-W", "1", "-s", probe.PayloadBytes.ToString(CultureInfo.InvariantCulture)];
        if (bindSource is not null)
        {
            args.AddRange(["-I", bindSource.ToString()]);
        }

        args.Add(destination.ToString());
        ShellResult r = await Shell.RunAsync("ip", args, cancellationToken).ConfigureAwait(false);
        SocketError? error = r.Stderr.Contains("too long", StringComparison.OrdinalIgnoreCase) ? SocketError.MessageSize
            : r.Stderr.Contains("not permitted", StringComparison.OrdinalIgnoreCase) ? SocketError.AccessDenied : null;
        return new Outcome(-1, r.Succeeded, error, r.Stderr.Trim());
    }

    private static async Task<int> FirstReadableAsync(List<Socket> sockets, CancellationToken cancellationToken)
    {
        long deadline = Environment.TickCount64 + WaitMs;
        do
        {
            for (int i = 0; i < sockets.Count; i++)
            {
                if (sockets[i].Poll(0, SelectMode.SelectRead))
                {
                    return i;
                }
            }

            await Task.Delay(2, cancellationToken).ConfigureAwait(false);
        }
        while (Environment.TickCount64 < deadline);
        return -1;
    }

    private ProbeResult Judge(TenantProbe probe, IPAddress destination, Port? from, Net? fromExternal, List<Holder> holders, Outcome outcome, List<(Tap Tap, byte[] Frame)> seen, Dictionary<string, (long In, long Out)> before, Dictionary<string, (long In, long Out)> after)
    {
        bool Dropped(Port p, bool inbound) => inbound ? after[p.Id].In > before[p.Id].In : after[p.Id].Out > before[p.Id].Out;
        List<(Tap Tap, byte[] Frame)> requests = [.. seen.Where(s => Is(s.Frame, probe, reply: false))];
        List<(Tap Tap, byte[] Frame)> replies = [.. seen.Where(s => Is(s.Frame, probe, reply: true))];

        // A holder port got the request if its socket did, or (when no socket could tell) its wire did and its filter let it in.
        HashSet<Port> reached = [.. holders.Where(h => h.Port is not null).Select(h => h.Port!).Distinct().Where(p =>
            !Dropped(p, inbound: true) && requests.Any(s => s.Tap.Port == p && Arrived(s.Frame, p)))];
        Holder? holder = outcome.Holder >= 0 ? holders[outcome.Holder] : null;
        if (holder?.Port is Port got)
        {
            reached.Add(got);
        }

        bool delivered = holder is not null || reached.Count > 0 || (probe.Protocol == ProbeProtocol.Icmp && outcome.Reply);
        Port? deliveredTo = holder?.Port ?? reached.FirstOrDefault();
        List<ObservedFrame> requestFrames = Observe(requests, from, reached);
        ProbePath request;
        if (delivered)
        {
            request = new ProbePath(true, ProbeDropReason.None, string.Empty, requestFrames, deliveredTo?.Id);
        }
        else
        {
            (ProbeDropReason reason, string detail) = Why(destination, from, holders, outcome, Dropped);
            request = new ProbePath(false, reason, detail, requestFrames, null);
            return new ProbeResult(request, null);
        }

        List<ObservedFrame> replyFrames = Observe(replies, deliveredTo, outcome.Reply && from is not null ? [from] : []);
        ProbePath reply = outcome.Reply
            ? new ProbePath(true, ProbeDropReason.None, string.Empty, replyFrames, from?.Id)
            : from is not null && Dropped(from, inbound: true)
                ? new ProbePath(false, ProbeDropReason.SecurityGroupIngress, $"the ingress filter of port {from.Id} (nft counter ingress_drop in {_fabric.NamespaceOf(from.Id)}) dropped the reply: no rule and no connection state admitted it", replyFrames, null)
                : new ProbePath(false, ProbeDropReason.NoRoute, $"no reply reached {(from is null ? $"the external host {probe.ExternalSource}" : $"port {from.Id}")} within {WaitMs} ms{(replies.Count > 0 ? $"; it was last seen at {replyFrames.LastOrDefault()?.Point}" : string.Empty)}", replyFrames, null);
        return new ProbeResult(request, reply);
    }

    private (ProbeDropReason Reason, string Detail) Why(IPAddress destination, Port? from, List<Holder> holders, Outcome outcome, Func<Port, bool, bool> dropped)
    {
        if (from is not null && dropped(from, false))
        {
            return (ProbeDropReason.SecurityGroupEgress, $"the egress filter of port {from.Id} (nft counter egress_drop in {_fabric.NamespaceOf(from.Id)}) dropped it{(outcome.Message is null ? string.Empty : $": {outcome.Message}")}");
        }

        if (outcome.Error == SocketError.MessageSize)
        {
            return (ProbeDropReason.ExceedsMtu, $"the kernel of the sending namespace refused it as larger than the link MTU (don't-fragment set): {outcome.Message}");
        }

        Port? filtered = holders.Select(h => h.Port).OfType<Port>().FirstOrDefault(p => dropped(p, true));
        if (filtered is not null)
        {
            return (ProbeDropReason.SecurityGroupIngress, $"the ingress filter of port {filtered.Id} (nft counter ingress_drop in {_fabric.NamespaceOf(filtered.Id)}) dropped it");
        }

        if (Enumerable.Range(0, _fabric.Nodes).Any(n => TenantFabric.UnderlayAddress(n) == destination.ToString()))
        {
            return (ProbeDropReason.UnderlayUnreachable, $"{destination} is a node's underlay address; nothing in the tenant network answered for it (no route from a tenant namespace to the underlay)");
        }

        if (from is not null && !_networks[from.NetworkId].AdminUp)
        {
            return (ProbeDropReason.AdminDown, $"network {from.NetworkId} is administratively down (its bridges are down)");
        }

        return (ProbeDropReason.NoRoute, holders.Count == 0
            ? $"no port or host holds {destination} where the probe could go{(outcome.Message is null ? string.Empty : $": {outcome.Message}")}"
            : $"nothing holding {destination} received it within {WaitMs} ms{(outcome.Message is null ? string.Empty : $": {outcome.Message}")}");
    }

    // The frames of one direction, in path order: as sent by the port, on the underlay, at the tunnel endpoint, on the external network, as received.
    private List<ObservedFrame> Observe(List<(Tap Tap, byte[] Frame)> frames, Port? sender, IEnumerable<Port> receivers)
    {
        List<ObservedFrame> observed = [];
        observed.AddRange(frames.Where(s => sender is not null && s.Tap.Port == sender && !Arrived(s.Frame, sender)).Select(s => new ObservedFrame(ObservationPoint.SourcePort, sender!.Id, null, null, s.Frame)));
        foreach ((Tap tap, byte[] frame) in frames.Where(s => s.Tap.Node >= 0))
        {
            (string? src, string? dst) = OuterAddresses(frame);
            int fromNode = Array.IndexOf(Enumerable.Range(0, _fabric.Nodes).Select(TenantFabric.UnderlayAddress).ToArray(), src);
            int toNode = Array.IndexOf(Enumerable.Range(0, _fabric.Nodes).Select(TenantFabric.UnderlayAddress).ToArray(), dst);
            string a = fromNode >= 0 ? s_nodeIds[fromNode] : src ?? "?";
            string b = toNode >= 0 ? s_nodeIds[toNode] : dst ?? "?";
            if (fromNode == tap.Node)
            {
                observed.Add(new ObservedFrame(ObservationPoint.Underlay, $"{a} -> {b}", a, b, frame));
            }
            else if (toNode == tap.Node)
            {
                observed.Add(new ObservedFrame(ObservationPoint.TunnelEndpoint, b, a, b, frame));
            }
        }

        observed.AddRange(frames.Where(s => s.Tap.ExternalNetworkId is not null).Select(s => new ObservedFrame(ObservationPoint.ExternalNetwork, s.Tap.ExternalNetworkId!, null, null, s.Frame)));
        foreach (Port p in receivers)
        {
            observed.AddRange(frames.Where(s => s.Tap.Port == p && Arrived(s.Frame, p)).Select(s => new ObservedFrame(ObservationPoint.DestinationPort, p.Id, null, null, s.Frame)));
        }

        return observed;
    }

    private static bool Arrived(byte[] frame, Port p) => LbWire.ParseMac(p.Mac).AsSpan().SequenceEqual(frame.AsSpan(0, 6));

    private static (string? Source, string? Destination) OuterAddresses(byte[] frame)
    {
        if (PacketParser.Parse(frame, out ParsedPacket p) != ParseResult.Ok || !p.IsIpv4)
        {
            return (null, null);
        }

        return (new IPAddress(frame.AsSpan(p.L3Offset + 12, 4)).ToString(), new IPAddress(frame.AsSpan(p.L3Offset + 16, 4)).ToString());
    }

    // Whether a frame (or the frame a VXLAN packet carries) is the probe's request or its reply.
    private static bool Is(byte[] frame, TenantProbe probe, bool reply)
    {
        ReadOnlySpan<byte> f = frame;
        if (PacketParser.Parse(f, out ParsedPacket p) != ParseResult.Ok)
        {
            return false;
        }

        if (p.VxlanOffset >= 0 && p.InnerOffset >= 0)
        {
            f = f[p.InnerOffset..];
            if (PacketParser.Parse(f, out p) != ParseResult.Ok)
            {
                return false;
            }
        }

        return probe.Protocol switch
        {
            ProbeProtocol.Udp => p.IpProtocol == IpProtocols.Udp && (reply ? p.SourcePort : p.DestinationPort) == probe.DestinationPort,
            ProbeProtocol.Tcp => p.IpProtocol == IpProtocols.Tcp && (reply ? p.SourcePort : p.DestinationPort) == probe.DestinationPort
                && (p.TcpFlags & 0x02) != 0 && ((p.TcpFlags & 0x10) != 0) == reply,
            _ => p.IpProtocol is IpProtocols.Icmp or IpProtocols.IcmpV6 && p.L4Offset >= 0
                && f[p.L4Offset] == (reply ? (p.IpProtocol == IpProtocols.Icmp ? 0 : 129) : (p.IpProtocol == IpProtocols.Icmp ? 8 : 128)),
        };
    }

    private sealed record Holder(string Namespace, IPAddress Address, Port? Port)
    {
        public string? ExternalNetworkId { get; init; }

        public int Node { get; init; } = -1;
    }

    private sealed record Tap(LbWire Wire, Port? Port, int Node, string? ExternalNetworkId);

    private sealed record Outcome(int Holder, bool Reply, SocketError? Error, string? Message);
}
