// Licensed under the Apache License, Version 2.0.
using System.Net;
using System.Net.Sockets;
using NfvConformance.Abstractions.TenantNetworking;
using NfvConformance.Packets;
using NfvConformance.Emulator.TenantNetworking.Internal;

namespace NfvConformance.Emulator.TenantNetworking;

/// <summary>The forwarding path: what a frame meets from a port (or the external network) to its destination.</summary>
public sealed partial class TenantNetworkService
{
    private static readonly byte[] s_upstreamMac = [0x02, 0x00, 0x5e, 0x00, 0x53, 0x01];

    /// <summary>The distributed anycast gateway MAC of EVPN routing on every compute node.</summary>
    private static readonly byte[] s_anycastGatewayMac = [0x00, 0x00, 0x5e, 0x00, 0x01, 0x01];

    /// <inheritdoc />
    public ValueTask<ProbeResult> ProbeAsync(TenantProbe probe, CancellationToken cancellationToken = default) =>
        Completed(() => Probe(probe), cancellationToken);

    private ProbeResult Probe(TenantProbe probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        lock (_gate)
        {
            if (!IPAddress.TryParse(probe.Destination, out IPAddress? destination))
            {
                throw new TenantNetworkingException($"Probe destination '{probe.Destination}' is not an IP address.");
            }

            if (probe.PayloadBytes is < 0 or > 9000 || probe.SourcePort is < 1 or > 65535 || probe.DestinationPort is < 1 or > 65535)
            {
                throw new TenantNetworkingException($"Probe payload {probe.PayloadBytes} B, ports {probe.SourcePort}/{probe.DestinationPort}: use 0-9000 bytes and ports 1-65535.");
            }

            Leg request;
            if (probe.FromPortId is not null)
            {
                PortState source = OwnPort(probe.ProjectId, probe.FromPortId);
                request = SendFromPort(source, destination, probe.Protocol, (ushort)probe.SourcePort, (ushort)probe.DestinationPort, probe.PayloadBytes, false, probe.Fault, []);
            }
            else if (probe.ExternalNetworkId is not null && probe.ExternalSource is not null && IPAddress.TryParse(probe.ExternalSource, out IPAddress? externalSource))
            {
                NetworkState external = UsableNetwork(probe.ProjectId, probe.ExternalNetworkId);
                if (!external.External)
                {
                    throw new TenantNetworkingException($"Network {external.Id} is not external: external probes enter from an external network.");
                }

                request = ReceiveFromExternal(external, externalSource, destination, probe.Protocol, (ushort)probe.SourcePort, (ushort)probe.DestinationPort, probe.PayloadBytes, false, probe.Fault, []);
            }
            else
            {
                throw new TenantNetworkingException("A probe needs FromPortId, or ExternalNetworkId with an ExternalSource address.");
            }

            if (!request.Path.Delivered || request.Delivered is null || request.Path.DeliveredToPortId?.Contains(':', StringComparison.Ordinal) == true)
            {
                return new ProbeResult(request.Path, null);
            }

            ProbeFrames.TryFlow(request.Delivered, out FlowInfo seen);
            Leg reply = request.Path.DeliveredToPortId is { } portId
                ? SendFromPort(_ports[portId], seen.Source, probe.Protocol, seen.DestinationPort, seen.SourcePort, probe.PayloadBytes, true, UnderlayFault.None, [])
                : ReceiveFromExternal(request.External!, seen.Destination, seen.Source, probe.Protocol, seen.DestinationPort, seen.SourcePort, probe.PayloadBytes, true, UnderlayFault.None, []);
            return new ProbeResult(request.Path, reply.Path);
        }
    }

    /// <inheritdoc />
    public ContentionResult RunContention(ContentionTrial trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        lock (_gate)
        {
            PortState victim = OwnPort(trial.VictimProjectId, trial.VictimPortId);
            PortState attacker = OwnPort(trial.AttackerProjectId, trial.AttackerPortId);
            if (victim.NodeId != attacker.NodeId)
            {
                throw new TenantNetworkingException($"Victim port is on {victim.NodeId} and attacker port on {attacker.NodeId}: put both on one compute node so they share its uplink.");
            }

            if (trial.Rounds is < 1 or > 1000 || trial.VictimLoad is <= 0 or > 10 || trial.AttackerLoad is <= 0 or > 10)
            {
                throw new TenantNetworkingException($"Contention trial of {trial.Rounds} rounds at loads {trial.VictimLoad}/{trial.AttackerLoad}: use 1-1000 rounds and loads in (0, 10] times the uplink.");
            }

            NodeAgent node = _agents[victim.NodeId];
            Flow[] flows =
            [
                new Flow(victim, Prepare(victim, IPAddress.Parse(trial.VictimDestination), 41000), trial.VictimLoad * _options.UplinkFramesPerRound),
                new Flow(attacker, Prepare(attacker, IPAddress.Parse(trial.AttackerDestination), 42000), trial.AttackerLoad * _options.UplinkFramesPerRound),
            ];

            // One queue per tenant, served round robin; or, with PerTenantQueues off, one shared FIFO with tail drop.
            Dictionary<string, Queue<int>> queues = new(StringComparer.Ordinal);
            Queue<int> shared = new();
            List<(double At, int Flow)> arrivals = [];
            // After the last round of arrivals the queues drain through the same path, so nothing queued counts as lost.
            for (int round = 0; round < trial.Rounds || queues.Values.Any(q => q.Count > 0) || shared.Count > 0; round++)
            {
                arrivals.Clear();
                for (int f = 0; f < flows.Length && round < trial.Rounds; f++)
                {
                    flows[f].Credit += flows[f].PerRound;
                    int n = (int)flows[f].Credit;
                    flows[f].Credit -= n;
                    for (int k = 0; k < n; k++)
                    {
                        arrivals.Add(((k + 0.5) / n, f));
                    }
                }

                foreach ((double _, int f) in arrivals.OrderBy(a => a.At))
                {
                    Flow flow = flows[f];
                    flow.Sent++;
                    flow.Port.TxPackets++;
                    flow.Port.TxBytes += flow.Template.Frame?.Length ?? 0;
                    Queue<int> queue = _options.PerTenantQueues
                        ? queues.TryGetValue(flow.Port.ProjectId, out Queue<int>? q) ? q : queues[flow.Port.ProjectId] = new Queue<int>()
                        : shared;
                    if (flow.Template.Frame is null)
                    {
                        flow.Drop(flow.Template.Path.DropReason);
                    }
                    else if (queue.Count >= _options.UplinkQueueFrames)
                    {
                        flow.Drop(ProbeDropReason.QueueFull);
                    }
                    else
                    {
                        queue.Enqueue(f);
                    }
                }

                int budget = _options.UplinkFramesPerRound;
                List<Queue<int>> active = _options.PerTenantQueues ? queues.Values.ToList() : [shared];
                while (budget > 0 && active.Any(q => q.Count > 0))
                {
                    foreach (Queue<int> q in active)
                    {
                        if (budget > 0 && q.TryDequeue(out int f))
                        {
                            budget--;
                            Flow flow = flows[f];
                            Leg leg = Forward(node, flow.Port.Network.Vni, flow.Template.Frame!.ToArray(), UnderlayFault.None, null);
                            if (leg.Path.Delivered)
                            {
                                flow.Delivered++;
                            }
                            else
                            {
                                flow.Drop(leg.Path.DropReason);
                            }
                        }
                    }
                }
            }

            return new ContentionResult(flows[0].Outcome(), flows[1].Outcome(), _options.UplinkFramesPerRound);
        }
    }

    private static ProbePath Dropped(ProbeDropReason reason, string detail, List<ObservedFrame>? frames) => new(false, reason, detail, frames ?? [], null);

    private static bool IsUnderlay(IPAddress address) => address.AddressFamily == AddressFamily.InterNetwork && UnderlayPrefix.Contains(address);

    private Leg Prepare(PortState source, IPAddress destination, ushort sport) =>
        BuildAtSource(source, destination, ProbeProtocol.Udp, sport, 5001, 18, false, null, countTx: false);

    private Leg SendFromPort(PortState source, IPAddress destination, ProbeProtocol protocol, ushort sport, ushort dport, int payload, bool reply, UnderlayFault fault, List<ObservedFrame> obs)
    {
        Leg built = BuildAtSource(source, destination, protocol, sport, dport, payload, reply, obs);
        if (built.Frame is null)
        {
            return built;
        }

        NodeAgent node = _agents[source.NodeId];
        return built.Frame.AsSpan(0, 6).SequenceEqual(s_anycastGatewayMac)
            ? RouteToVrf(node, source.Network.Vni, built.Frame, fault, obs)
            : Forward(node, source.Network.Vni, built.Frame, fault, obs);
    }

    /// <summary>EVPN symmetric routing: the ingress node routes into the VPN's L3 VNI and tunnels straight to the border edge.</summary>
    private Leg RouteToVrf(NodeAgent at, int vni, byte[] frame, UnderlayFault fault, List<ObservedFrame>? obs)
    {
        ProbeFrames.TryFlow(frame, out FlowInfo flow);
        (IPNetwork _, string borderId, int l3Vni) = at.VrfRoutes[vni].First(r => r.Prefix.Contains(flow.Destination));
        NodeAgent border = _agents[borderId];
        ProbeFrames.SetMacs(frame, border.Mac, at.Mac);
        ProbeFrames.DecrementHop(frame, flow);
        int segment = l3Vni;
        if (!Tunnel(ref at, border, ref segment, ref frame, fault, obs, out Leg? failed))
        {
            return failed!;
        }

        BorderVpnState? vpn = _vpns.Values.FirstOrDefault(v => v.L3Vni == segment);
        if (vpn is null || !vpn.Prefixes.Any(p => p.Contains(flow.Destination)))
        {
            return new Leg(Dropped(ProbeDropReason.NoRoute, $"border {border.Id} has no VRF route for {flow.Destination} on VNI {segment}", obs), null, null);
        }

        obs?.Add(new ObservedFrame(ObservationPoint.BorderVrf, $"vrf:{vpn.RouteTarget}@{border.Id}", null, null, frame.ToArray()));
        return new Leg(new ProbePath(true, ProbeDropReason.None, string.Empty, obs ?? [], $"vrf:{vpn.RouteTarget}@{border.Id}"), frame, null);
    }

    /// <summary>Builds the frame a workload sends (its L2 next hop resolved through the node's ARP/ND responder) and applies the source port's checks.</summary>
    private Leg BuildAtSource(PortState source, IPAddress destination, ProbeProtocol protocol, ushort sport, ushort dport, int payload, bool reply, List<ObservedFrame>? obs, bool countTx = true)
    {
        NetworkState network = source.Network;
        (SubnetState subnet, IPAddress sourceIp) = source.Addresses.FirstOrDefault(a => a.Address.AddressFamily == destination.AddressFamily);
        if (subnet is null)
        {
            throw new TenantNetworkingException($"Port {source.Id} has no {(destination.AddressFamily == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} address to reach {destination}: add a subnet of that family to network {network.Id}.");
        }

        NodeAgent node = _agents[source.NodeId];
        byte[]? nextHop;
        if (subnet.Prefix.Contains(destination))
        {
            if (!node.Neighbours.TryGetValue((network.Vni, destination), out nextHop))
            {
                return new Leg(Dropped(ProbeDropReason.NoRoute, $"no port of network {network.Id} (VNI {network.Vni}) answers ARP/ND for {destination} on node {node.Id}", obs), null, null);
            }
        }
        else if (node.VrfRoutes.TryGetValue(network.Vni, out var routes) && routes.Any(r => r.Prefix.Contains(destination)))
        {
            nextHop = s_anycastGatewayMac;
        }
        else if (subnet.RouterMac is not null)
        {
            nextHop = subnet.RouterMac;
        }
        else
        {
            return new Leg(Dropped(ProbeDropReason.NoRoute, $"{destination} is off-link and subnet {subnet.Prefix} has no router", obs), null, null);
        }

        byte[] frame = ProbeFrames.Build(nextHop, source.Mac, sourceIp, destination, protocol, sport, dport, payload, reply);
        obs?.Add(new ObservedFrame(ObservationPoint.SourcePort, source.Id, null, null, frame.ToArray()));
        if (countTx)
        {
            source.TxPackets++;
            source.TxBytes += frame.Length;
        }

        if (!network.AdminStateUp || !node.Segments.TryGetValue(network.Vni, out (int Mtu, bool Up) segment) || !segment.Up)
        {
            return new Leg(Dropped(ProbeDropReason.AdminDown, $"network {network.Id} is administratively down on node {node.Id}", obs), null, null);
        }

        int l3Length = frame.Length - EthernetFields.HeaderLength;
        if (l3Length > segment.Mtu)
        {
            return new Leg(Dropped(ProbeDropReason.ExceedsMtu, $"a {l3Length}-byte packet exceeds network {network.Id}'s MTU of {segment.Mtu} on node {node.Id}", obs), null, null);
        }

        if (!Admit(source, frame, RuleDirection.Egress))
        {
            return new Leg(Dropped(ProbeDropReason.SecurityGroupEgress, $"no egress rule of port {source.Id}'s security groups admits the frame", obs), null, null);
        }

        return new Leg(new ProbePath(true, ProbeDropReason.None, string.Empty, obs ?? [], null), frame, null);
    }

    /// <summary>Forwards a frame on a segment from a node: to a router (distributed on this node, or on the network node), or over the overlay to the node of the port that owns the destination MAC.</summary>
    private Leg Forward(NodeAgent at, int vni, byte[] frame, UnderlayFault fault, List<ObservedFrame>? obs)
    {
        for (int hop = 0; hop < 8; hop++)
        {
            if (!at.Fdb.TryGetValue((vni, Macs.Key(frame)), out (string NodeId, string PortId) target))
            {
                return new Leg(Dropped(ProbeDropReason.NoRoute, $"node {at.Id} has no forwarding entry for {Macs.Format(frame.AsSpan(0, 6))} on VNI {vni}", obs), null, null);
            }

            if (_routers.TryGetValue(target.PortId, out RouterState? router))
            {
                NodeAgent routing = target.NodeId == RouterMarker ? at : _agents[target.NodeId];
                if (routing != at)
                {
                    if (!Tunnel(ref at, routing, ref vni, ref frame, fault, obs, out Leg? failed))
                    {
                        return failed!;
                    }

                    fault = UnderlayFault.None;
                }

                return Route(at, router, frame, fault, obs);
            }

            if (target.NodeId != at.Id)
            {
                if (!Tunnel(ref at, _agents[target.NodeId], ref vni, ref frame, fault, obs, out Leg? failed))
                {
                    return failed!;
                }

                fault = UnderlayFault.None;
                continue;
            }

            PortState port = _ports[target.PortId];
            if (!Admit(port, frame, RuleDirection.Ingress))
            {
                return new Leg(Dropped(ProbeDropReason.SecurityGroupIngress, $"no ingress rule of port {port.Id}'s security groups admits the frame", obs), null, null);
            }

            obs?.Add(new ObservedFrame(ObservationPoint.DestinationPort, port.Id, null, null, frame.ToArray()));
            port.RxPackets++;
            port.RxBytes += frame.Length;
            return new Leg(new ProbePath(true, ProbeDropReason.None, string.Empty, obs ?? [], port.Id), frame, null);
        }

        return new Leg(Dropped(ProbeDropReason.NoRoute, "forwarding loop", obs), null, null);
    }

    /// <summary>Carries a frame from one node to another over the underlay, and receives it there.</summary>
    private bool Tunnel(ref NodeAgent at, NodeAgent to, ref int vni, ref byte[] frame, UnderlayFault fault, List<ObservedFrame>? obs, out Leg? failed)
    {
        byte[] wire = _tunnel.Encapsulate(at, to, vni, frame);
        if (fault == UnderlayFault.FlipPayloadBit)
        {
            wire[wire.Length - 24] ^= 0x01;
        }

        obs?.Add(new ObservedFrame(ObservationPoint.Underlay, $"{at.Id} -> {to.Id}", at.Id, to.Id, wire));
        DecapOutcome outcome = _tunnel.Decapsulate(wire, out byte[] tunnelPacket, out int receivedVni, out byte[] inner);
        if (outcome != DecapOutcome.Ok)
        {
            ProbeDropReason reason = outcome == DecapOutcome.IntegrityFailure ? ProbeDropReason.IntegrityFailure : ProbeDropReason.NoRoute;
            failed = new Leg(Dropped(reason, $"node {to.Id} rejected the underlay frame from {at.Id}: {outcome}", obs), null, null);
            return false;
        }

        obs?.Add(new ObservedFrame(ObservationPoint.TunnelEndpoint, to.Id, at.Id, to.Id, tunnelPacket));
        if (!to.Segments.ContainsKey(receivedVni))
        {
            failed = new Leg(Dropped(ProbeDropReason.NoRoute, $"node {to.Id} carries no segment with VNI {receivedVni}", obs), null, null);
            return false;
        }

        at = to;
        vni = receivedVni;
        frame = inner;
        failed = null;
        return true;
    }

    /// <summary>Routes a frame that reached a router's interface on a node: to another of its subnets, or north through its gateway with NAT.</summary>
    private Leg Route(NodeAgent at, RouterState router, byte[] frame, UnderlayFault fault, List<ObservedFrame>? obs)
    {
        if (!ProbeFrames.TryFlow(frame, out FlowInfo flow))
        {
            return new Leg(Dropped(ProbeDropReason.NoRoute, $"router {router.Id} got a frame it cannot parse", obs), null, null);
        }

        if (router.Interfaces.FirstOrDefault(s => s.Prefix.Contains(flow.Destination)) is { } subnet)
        {
            return RouteInto(at, subnet, frame, flow, fault, obs);
        }

        if (IsUnderlay(flow.Destination))
        {
            if (!_options.UnderlayReachableFromTenants)
            {
                return new Leg(Dropped(ProbeDropReason.UnderlayUnreachable, $"router {router.Id} has no route to the infrastructure network {UnderlayPrefix}: tenant traffic never reaches underlay addresses", obs), null, null);
            }

            NodeAgent host = _agents.Values.FirstOrDefault(a => a.Underlay.Equals(flow.Destination)) ?? at;
            obs?.Add(new ObservedFrame(ObservationPoint.DestinationPort, $"host:{host.Id}", null, null, frame.ToArray()));
            return new Leg(new ProbePath(true, ProbeDropReason.None, string.Empty, obs ?? [], $"host:{host.Id}"), frame, null);
        }

        if (router.External is null || router.GatewayIp is null || flow.Source.AddressFamily != AddressFamily.InterNetwork)
        {
            return new Leg(Dropped(ProbeDropReason.NoRoute, $"router {router.Id} has no route to {flow.Destination} (no external gateway for this address family)", obs), null, null);
        }

        FloatingIpState? fip = _floatingIps.Values.FirstOrDefault(f => f.Router == router && f.FixedIp.Equals(flow.Source));
        NodeAgent natNode = fip is not null && _options.DistributedRouting ? at : _agents[NetworkNodeId];
        if (natNode != at)
        {
            // The frame goes to the router's centralised instance on its incoming segment, as DVR's SNAT port does.
            int vni = router.Interfaces.First(s => s.Prefix.Contains(flow.Source)).Network.Vni;
            if (!Tunnel(ref at, natNode, ref vni, ref frame, fault, obs, out Leg? failed))
            {
                return failed!;
            }

            ProbeFrames.TryFlow(frame, out flow);
        }

        if (fip is not null)
        {
            ProbeFrames.RewriteSource(frame, flow, fip.Address, flow.SourcePort, _options.UpdateChecksumsOnNat);
        }
        else
        {
            ushort translated = router.NextSnatPort;
            router.NextSnatPort = (ushort)(translated >= 60_000 ? 20_000 : translated + 1);
            router.Snat[(flow.Protocol, translated)] = (flow.Source, flow.SourcePort);
            ProbeFrames.RewriteSource(frame, flow, router.GatewayIp, translated, _options.UpdateChecksumsOnNat);
        }

        ProbeFrames.DecrementHop(frame, flow);
        ProbeFrames.SetMacs(frame, s_upstreamMac, router.GatewayMac);
        obs?.Add(new ObservedFrame(ObservationPoint.ExternalNetwork, router.External.Id, null, null, frame.ToArray()));
        return new Leg(new ProbePath(true, ProbeDropReason.None, string.Empty, obs ?? [], null), frame, router.External);
    }

    private Leg RouteInto(NodeAgent at, SubnetState subnet, byte[] frame, FlowInfo flow, UnderlayFault fault, List<ObservedFrame>? obs)
    {
        if (!at.Neighbours.TryGetValue((subnet.Network.Vni, flow.Destination), out byte[]? mac))
        {
            return new Leg(Dropped(ProbeDropReason.NoRoute, $"no port of subnet {subnet.Prefix} answers for {flow.Destination} on node {at.Id}", obs), null, null);
        }

        ProbeFrames.SetMacs(frame, mac, subnet.RouterMac!);
        ProbeFrames.DecrementHop(frame, flow);
        return Forward(at, subnet.Network.Vni, frame, fault, obs);
    }

    /// <summary>A frame arrives on an external network: to a floating IP (destination NAT) or to a router's gateway address (a reply of source NAT).</summary>
    private Leg ReceiveFromExternal(NetworkState external, IPAddress source, IPAddress destination, ProbeProtocol protocol, ushort sport, ushort dport, int payload, bool reply, UnderlayFault fault, List<ObservedFrame>? obs)
    {
        FloatingIpState? fip = _floatingIps.Values.FirstOrDefault(f => f.External == external && f.Address.Equals(destination));
        RouterState? router = fip?.Router ?? _routers.Values.FirstOrDefault(r => r.External == external && destination.Equals(r.GatewayIp));
        byte[] frame = ProbeFrames.Build(router?.GatewayMac ?? [0xff, 0xff, 0xff, 0xff, 0xff, 0xff], s_upstreamMac, source, destination, protocol, sport, dport, payload, reply);
        obs?.Add(new ObservedFrame(ObservationPoint.ExternalNetwork, external.Id, null, null, frame.ToArray()));
        if (router is null)
        {
            return new Leg(Dropped(ProbeDropReason.NoRoute, $"no floating IP or router gateway owns {destination} on external network {external.Id}", obs), null, null);
        }

        ProbeFrames.TryFlow(frame, out FlowInfo flow);
        NodeAgent at;
        if (fip is not null)
        {
            at = _options.DistributedRouting ? _agents[fip.Port.NodeId] : _agents[NetworkNodeId];
            ProbeFrames.RewriteDestination(frame, flow, fip.FixedIp, flow.DestinationPort, _options.UpdateChecksumsOnNat);
        }
        else
        {
            at = _agents[NetworkNodeId];
            if (!router.Snat.TryGetValue((flow.Protocol, flow.DestinationPort), out (IPAddress Address, ushort Port) original))
            {
                return new Leg(Dropped(ProbeDropReason.NoRoute, $"router {router.Id} tracks no connection for {destination}:{flow.DestinationPort}; unsolicited traffic to a source-NAT address is dropped", obs), null, null);
            }

            ProbeFrames.RewriteDestination(frame, flow, original.Address, original.Port, _options.UpdateChecksumsOnNat);
        }

        ProbeFrames.TryFlow(frame, out flow);
        SubnetState? subnet = router.Interfaces.FirstOrDefault(s => s.Prefix.Contains(flow.Destination));
        return subnet is null
            ? new Leg(Dropped(ProbeDropReason.NoRoute, $"router {router.Id} has no interface for {flow.Destination}", obs), null, null)
            : RouteInto(at, subnet, frame, flow, fault, obs);
    }

    /// <summary>Applies a port's security groups to a parsed frame in one direction, statefully unless configured otherwise.</summary>
    private bool Admit(PortState port, byte[] frame, RuleDirection direction)
    {
        if (!_options.EnforceSecurityGroups)
        {
            return true;
        }

        if (!ProbeFrames.TryFlow(frame, out FlowInfo f))
        {
            return false;
        }

        bool egress = direction == RuleDirection.Egress;
        IPAddress local = egress ? f.Source : f.Destination;
        IPAddress remote = egress ? f.Destination : f.Source;
        FlowTuple tuple = new(f.Protocol, local, egress ? f.SourcePort : f.DestinationPort, remote, egress ? f.DestinationPort : f.SourcePort);
        if (_options.StatefulSecurityGroups && port.Connections.Contains(tuple))
        {
            return true;
        }

        int family = remote.AddressFamily == AddressFamily.InterNetwork ? 4 : 6;
        foreach (string id in port.SecurityGroupIds)
        {
            if (!_groups.TryGetValue(id, out SecurityGroupState? sg))
            {
                continue;
            }

            foreach (SecurityGroupRule rule in sg.Rules)
            {
                if (rule.Direction == direction && rule.EtherType == family && RuleMatches(rule, f, remote, port.Network))
                {
                    if (_options.StatefulSecurityGroups)
                    {
                        port.Connections.Add(tuple);
                    }

                    return true;
                }
            }
        }

        return false;
    }

    private bool RuleMatches(SecurityGroupRule rule, in FlowInfo f, IPAddress remote, NetworkState network)
    {
        bool protocol = rule.Protocol switch
        {
            null => true,
            "tcp" => f.Protocol == IpProtocols.Tcp,
            "udp" => f.Protocol == IpProtocols.Udp,
            _ => f.Protocol is IpProtocols.Icmp or IpProtocols.IcmpV6,
        };
        if (!protocol)
        {
            return false;
        }

        if (rule.PortRangeMin is int lo && f.DestinationPort < lo)
        {
            return false;
        }

        if (rule.PortRangeMax is int hi && f.DestinationPort > hi)
        {
            return false;
        }

        if (rule.RemoteIpPrefix is not null && !IPNetwork.Parse(rule.RemoteIpPrefix).Contains(remote))
        {
            return false;
        }

        return rule.RemoteGroupId is null
            || _ports.Values.Any(p => p.SecurityGroupIds.Contains(rule.RemoteGroupId) && SameAddressSpace(p.Network, network) && p.Addresses.Any(a => a.Address.Equals(remote)));
    }

    /// <summary>Whether addresses of two networks mean the same hosts: the same network, or two networks joined by one router (overlapping tenant CIDRs elsewhere do not count).</summary>
    private static bool SameAddressSpace(NetworkState a, NetworkState b) =>
        a == b || a.Subnets.Any(s => s.Router is not null && b.Subnets.Any(t => t.Router == s.Router));

    /// <summary>One direction's outcome, with the frame as delivered and, for the external network, which one.</summary>
    private sealed record Leg(ProbePath Path, byte[]? Frame, NetworkState? ExternalNetwork)
    {
        public byte[]? Delivered => Path.Delivered ? Frame : null;

        public NetworkState? External => ExternalNetwork;
    }

    private sealed class Flow(PortState port, Leg template, double perRound)
    {
        private readonly Dictionary<ProbeDropReason, long> _drops = [];

        public PortState Port { get; } = port;

        public Leg Template { get; } = template;

        public double PerRound { get; } = perRound;

        public double Credit { get; set; }

        public long Sent { get; set; }

        public long Delivered { get; set; }

        public void Drop(ProbeDropReason reason) => _drops[reason] = _drops.GetValueOrDefault(reason) + 1;

        public FlowOutcome Outcome() => new(Sent, Delivered, new Dictionary<ProbeDropReason, long>(_drops));
    }
}
