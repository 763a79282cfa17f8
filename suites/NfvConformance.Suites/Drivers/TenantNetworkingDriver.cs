// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Measurements;
using NfvConformance.Abstractions.TenantNetworking;
using NfvConformance.Core.Evidence;
using NfvConformance.Core.Running;

namespace NfvConformance.Suites.Drivers;

/// <summary>
/// Drives a target's tenant networking service (<see cref="ITenantNetworking"/>) the way a tenant and an operator do
/// against Neutron and Cinder: projects, networks, ports, routers, floating IPs, security groups, volumes, and probes
/// whose frames the driver decodes itself (<see cref="TenantFrameReader"/>). Scenario names (aliases) map to the ids
/// the target returns. Every project the scenario created is deleted with all its resources when the scenario ends.
/// </summary>
public sealed class TenantNetworkingDriver
{
    private readonly RunContext _run;
    private readonly ScenarioEvidence _evidence;
    private readonly FiguresDriver _figures;
    private readonly string _token = Guid.NewGuid().ToString("N")[..8];
    private readonly Dictionary<string, string> _projects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Project, TenantNetwork Network)> _networks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Project, TenantPort Port)> _ports = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Project, TenantRouter Router)> _routers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Project, SecurityGroup Group)> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Project, TenantVolume Volume)> _volumes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BorderVpn> _vpns = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FloatingIp> _floatingIps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TimeSpan> _timings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _eventMarks = new(StringComparer.Ordinal);
    private readonly List<(int Flow, ProbeResult Result)> _flows = [];
    private ITenantNetworking? _service;
    private Exception? _refusal;
    private long _allocatedMark;

    /// <summary>Creates the driver for one scenario.</summary>
    /// <param name="run">The run.</param>
    /// <param name="evidence">The scenario's evidence.</param>
    /// <param name="figures">The target figures.</param>
    /// <param name="teardown">Deletes the scenario's projects when it ends.</param>
    public TenantNetworkingDriver(RunContext run, ScenarioEvidence evidence, FiguresDriver figures, Support.ScenarioTeardown teardown)
    {
        ArgumentNullException.ThrowIfNull(teardown);
        teardown.Add(DeleteProjectsAsync);
        _run = run;
        _evidence = evidence;
        _figures = figures;
    }

    /// <summary>Gets the last probe's result.</summary>
    public ProbeResult? LastProbe { get; private set; }

    private ITenantNetworking Service => _service ??= TargetFacets.Require<ITenantNetworking>(_run);

    // Back-end tampering and uplink contention exist only in a model; the scenarios using them carry @requires:virtual-time-trials.
    private ITenantNetworkingSimulation Simulation => TargetFacets.Require<ITenantNetworkingSimulation>(_run);

    /// <summary>Creates projects (a name unique in the run is derived from each alias).</summary>
    /// <param name="aliases">Comma-separated aliases.</param>
    public async Task CreateProjectsAsync(string aliases)
    {
        foreach (string alias in Split(aliases))
        {
            _projects[alias] = (await Service.CreateProjectAsync($"{alias}-{_token}")).Result.Id;
        }
    }

    /// <summary>Creates a network with one subnet; the network operation's time is kept for later checks.</summary>
    /// <param name="project">The project alias.</param>
    /// <param name="kind">internal or external.</param>
    /// <param name="network">The network alias.</param>
    /// <param name="cidr">The subnet prefix (several comma-separated for dual stack).</param>
    public async Task CreateNetworkAsync(string project, string kind, string network, string cidr)
    {
        Check.That(kind is "internal" or "external", $"Network kind '{kind}': write internal or external.");
        string p = ProjectId(project);
        TimedOperation<TenantNetwork> created = await Service.CreateNetworkAsync(p, new NetworkSpec($"{network}-{_token}") { External = kind == "external" });
        Time($"creation of {network}", created.Elapsed);
        foreach (string prefix in Split(cidr))
        {
            await Service.CreateSubnetAsync(p, new SubnetSpec(created.Result.Id, prefix));
        }

        _networks[network] = (project, created.Result);
    }

    /// <summary>Creates a port of a project on a network, bound to a compute node.</summary>
    /// <param name="port">The port alias.</param>
    /// <param name="project">The project alias.</param>
    /// <param name="network">The network alias.</param>
    /// <param name="ordinal">first, second or third compute node.</param>
    /// <param name="sameAddressAs">A port whose address this one takes, or null.</param>
    public async Task CreatePortAsync(string port, string project, string network, string ordinal, string? sameAddressAs = null)
    {
        PortSpec spec = new(Network(network).Id, ComputeNode(ordinal));
        if (sameAddressAs is not null)
        {
            spec = spec with { FixedIps = Port(sameAddressAs).FixedIps };
        }

        _ports[port] = (project, (await Service.CreatePortAsync(ProjectId(project), spec)).Result);
    }

    /// <summary>Tries to create a port on another project's network and keeps the refusal.</summary>
    /// <param name="project">The project alias.</param>
    /// <param name="network">The network alias.</param>
    public async Task TryCreatePortAsync(string project, string network)
    {
        _refusal = null;
        try
        {
            await Service.CreatePortAsync(ProjectId(project), new PortSpec(Network(network).Id, ComputeNode("first")));
        }
        catch (TenantNetworkingException e)
        {
            _refusal = e;
        }
    }

    /// <summary>Checks the last attempt was refused for lack of access.</summary>
    public void CheckRefused()
    {
        Check.That(_refusal is TenantAccessDeniedException, _refusal is null ? "The request was accepted; it must be refused." : $"The request failed, but not as access denied: {_refusal.Message}");
        _evidence.Record(new Measurement("refused", 1, "requests"));
    }

    /// <summary>Creates a router on networks' subnets, optionally with a gateway on an external network.</summary>
    /// <param name="project">The project alias.</param>
    /// <param name="router">The router alias.</param>
    /// <param name="networks">Comma-separated network aliases.</param>
    /// <param name="external">The external network alias, or null.</param>
    public async Task CreateRouterAsync(string project, string router, string networks, string? external)
    {
        string p = ProjectId(project);
        TenantRouter r = (await Service.CreateRouterAsync(p, new RouterSpec(router) { ExternalNetworkId = external is null ? null : Network(external).Id })).Result;
        foreach (string n in Split(networks))
        {
            foreach (string subnet in (await Service.ListNetworksAsync(p)).Single(x => x.Id == Network(n).Id).SubnetIds)
            {
                r = (await Service.AddRouterInterfaceAsync(p, r.Id, subnet)).Result;
            }
        }

        _routers[router] = (project, r);
    }

    /// <summary>Deletes a router.</summary>
    /// <param name="project">The project alias.</param>
    /// <param name="router">The router alias.</param>
    public async Task DeleteRouterAsync(string project, string router)
    {
        await Service.DeleteRouterAsync(ProjectId(project), _routers[router].Router.Id);
        _routers.Remove(router);
    }

    /// <summary>Gives a port a floating IP.</summary>
    /// <param name="port">The port alias.</param>
    /// <param name="external">The external network alias.</param>
    public async Task AddFloatingIpAsync(string port, string external) =>
        _floatingIps[port] = (await Service.CreateFloatingIpAsync(ProjectId(_ports[port].Project), Network(external).Id, Port(port).Id)).Result;

    /// <summary>Creates a security group with one ingress rule, or none.</summary>
    /// <param name="project">The project alias.</param>
    /// <param name="group">The group alias.</param>
    /// <param name="protocol">tcp, udp or icmp, or null for no rule.</param>
    /// <param name="from">Lowest port.</param>
    /// <param name="to">Highest port.</param>
    /// <param name="prefix">Remote prefix.</param>
    public async Task CreateGroupAsync(string project, string group, string? protocol, int from, int to, string prefix)
    {
        string p = ProjectId(project);
        SecurityGroup g = (await Service.CreateSecurityGroupAsync(p, group)).Result;
        if (protocol is not null)
        {
            g = (await Service.AddSecurityGroupRuleAsync(p, g.Id, new SecurityGroupRule(RuleDirection.Ingress, protocol) { PortRangeMin = from, PortRangeMax = to, RemoteIpPrefix = prefix })).Result;
        }

        _groups[group] = (project, g);
    }

    /// <summary>Replaces a group's egress rules with one egress rule.</summary>
    /// <param name="group">The group alias.</param>
    /// <param name="protocol">tcp or udp.</param>
    /// <param name="from">Lowest destination port.</param>
    /// <param name="to">Highest destination port.</param>
    /// <param name="prefix">Remote (destination) prefix.</param>
    public async Task RestrictEgressAsync(string group, string protocol, int from, int to, string prefix)
    {
        (string project, SecurityGroup g) = _groups[group];
        string p = ProjectId(project);
        foreach (SecurityGroupRule rule in g.Rules.Where(r => r.Direction == RuleDirection.Egress))
        {
            g = (await Service.RemoveSecurityGroupRuleAsync(p, g.Id, rule)).Result;
        }

        g = (await Service.AddSecurityGroupRuleAsync(p, g.Id, new SecurityGroupRule(RuleDirection.Egress, protocol) { PortRangeMin = from, PortRangeMax = to, RemoteIpPrefix = prefix })).Result;
        Check.That(g.Rules.Count(r => r.Direction == RuleDirection.Egress) == 1, $"Group '{group}' has {g.Rules.Count(r => r.Direction == RuleDirection.Egress)} egress rules after the restriction; expected 1.");
        _groups[group] = (project, g);
    }

    /// <summary>Puts a port in one security group (replacing the default).</summary>
    /// <param name="port">The port alias.</param>
    /// <param name="group">The group alias.</param>
    public async Task SetGroupAsync(string port, string group)
    {
        (string project, TenantPort p) = _ports[port];
        _ports[port] = (project, (await Service.SetPortSecurityGroupsAsync(ProjectId(project), p.Id, [_groups[group].Group.Id])).Result);
    }

    /// <summary>Adds an ingress rule to a project's default group, trusting one port's address.</summary>
    /// <param name="project">The project alias.</param>
    /// <param name="protocol">The protocol.</param>
    /// <param name="port">The trusted port alias.</param>
    public async Task TrustPortInDefaultGroupAsync(string project, string protocol, string port)
    {
        string p = ProjectId(project);
        string group = (await Service.ListPortsAsync(p)).First().SecurityGroupIds[0];
        await Service.AddSecurityGroupRuleAsync(p, group, new SecurityGroupRule(RuleDirection.Ingress, protocol) { RemoteIpPrefix = $"{Port(port).FixedIps[0]}/32" });
    }

    /// <summary>Shares a network with another project (RBAC).</summary>
    /// <param name="owner">The owner alias.</param>
    /// <param name="network">The network alias.</param>
    /// <param name="target">The trusted project alias.</param>
    public async Task ShareAsync(string owner, string network, string target) => await Service.ShareNetworkAsync(ProjectId(owner), Network(network).Id, ProjectId(target));

    /// <summary>Sends one probe from a port to another port or an address.</summary>
    /// <param name="protocol">tcp, udp or icmp.</param>
    /// <param name="from">The source port alias.</param>
    /// <param name="to">A port alias, or an IP address.</param>
    /// <param name="port">The destination port number.</param>
    /// <param name="payload">Payload bytes.</param>
    /// <param name="fault">Underlay fault.</param>
    /// <param name="ipv6">Whether to address the destination port's IPv6 address.</param>
    public async Task ProbeFromPortAsync(string protocol, string from, string to, int port, int payload = 32, UnderlayFault fault = UnderlayFault.None, bool ipv6 = false)
    {
        string destination = !_ports.ContainsKey(to) ? to : ipv6 ? V6(to) : Port(to).FixedIps.First(a => !a.Contains(':', StringComparison.Ordinal));
        LastProbe = await Service.ProbeAsync(new TenantProbe(ProjectId(_ports[from].Project), destination, Protocol(protocol))
        {
            FromPortId = Port(from).Id,
            DestinationPort = port,
            PayloadBytes = payload,
            Fault = fault,
        });
        Record(LastProbe);
    }

    /// <summary>Sends a probe from a host on an external network to a port's floating IP or a router's gateway address.</summary>
    /// <param name="protocol">tcp, udp or icmp.</param>
    /// <param name="host">The external host's address.</param>
    /// <param name="external">The external network alias.</param>
    /// <param name="target">"floating IP of port X" or "gateway address of router X".</param>
    /// <param name="alias">The port or router alias.</param>
    /// <param name="port">The destination port number.</param>
    public async Task ProbeFromExternalAsync(string protocol, string host, string external, string target, string alias, int port)
    {
        (string project, string address) = target switch
        {
            "floating IP of port" => (_ports[alias].Project, _floatingIps[alias].FloatingIpAddress),
            "gateway address of router" => (_routers[alias].Project, _routers[alias].Router.ExternalGatewayIp ?? string.Empty),
            _ => throw new ConformanceCheckException($"Probe target '{target}': write 'floating IP of port' or 'gateway address of router'."),
        };
        LastProbe = await Service.ProbeAsync(new TenantProbe(ProjectId(project), address, Protocol(protocol))
        {
            ExternalNetworkId = Network(external).Id,
            ExternalSource = host,
            DestinationPort = port,
        });
        Record(LastProbe);
    }

    /// <summary>Checks the last probe was delivered to a port and its reply came back to the sender.</summary>
    /// <param name="port">The destination port alias.</param>
    public void CheckDeliveredWithReply(string port)
    {
        ProbeResult r = Last();
        Check.That(r.Request.Delivered && r.Request.DeliveredToPortId == Port(port).Id, $"The probe was not delivered to port '{port}' ({Port(port).Id}): delivered {r.Request.Delivered} to {r.Request.DeliveredToPortId ?? "-"}, {r.Request.DropReason}: {r.Request.DropDetail}.");
        Check.That(r.Reply is { Delivered: true }, $"The reply was not delivered back: {r.Reply?.DropReason}: {r.Reply?.DropDetail}.");
    }

    /// <summary>Checks the last probe's request and reply were IPv6 between the two ports' IPv6 addresses, as sent and as received.</summary>
    /// <param name="from">The source port alias.</param>
    /// <param name="to">The destination port alias.</param>
    public void CheckIpv6Between(string from, string to)
    {
        ProbeResult r = Last();
        foreach ((ProbePath path, string src, string dst) in new[] { (r.Request, from, to), (r.Reply!, to, from) })
        {
            foreach (ObservedFrame f in path.Frames.Where(f => f.Point is ObservationPoint.SourcePort or ObservationPoint.DestinationPort))
            {
                TenantFrame frame = TenantFrame.Read(f.Frame, $"frame at {f.Point}");
                Check.That(frame.IpVersion == 6 && frame.Source!.ToString() == V6(src) && frame.Destination!.ToString() == V6(dst), $"At {f.Point} the frame is IPv{frame.IpVersion} {frame.Source} -> {frame.Destination}; expected IPv6 {V6(src)} -> {V6(dst)}.");
            }
        }
    }

    /// <summary>Checks the target names the SDN controller its network service provisions the fabric through, and has a border edge.</summary>
    public void CheckFabricController()
    {
        TenantNetworkingInfo info = Service.Info;
        RequireOffered(TenantNetworkingInfo.BorderVpnFeature);
        Check.That(!string.IsNullOrWhiteSpace(info.FabricController), "The network service names no SDN fabric controller.");
        Check.That(info.Nodes.Any(n => n.Role == "border"), "The overlay has no border-edge node.");
        _evidence.Record(new Measurement($"fabric_controller:{info.FabricController}", 1, "controllers"));
    }

    /// <summary>Creates a BGP VPN to a border VRF and associates a network with it.</summary>
    /// <param name="project">The project alias.</param>
    /// <param name="vpn">The VPN alias.</param>
    /// <param name="routeTarget">The route target.</param>
    /// <param name="prefix">The border VRF's prefix.</param>
    /// <param name="network">The network alias.</param>
    public async Task CreateVpnAsync(string project, string vpn, string routeTarget, string prefix, string network)
    {
        string p = ProjectId(project);
        BorderVpn created = Granted(await Service.CreateBorderVpnAsync(p, new BorderVpnSpec(vpn, routeTarget, [prefix])), "create a BGP VPN").Result;
        _vpns[vpn] = Granted(await Service.AssociateBorderVpnAsync(p, created.Id, Network(network).Id), "associate a BGP VPN").Result;
    }

    /// <summary>
    /// Checks the last probe reached the border VRF of a VPN: routed on the source compute node (TTL one lower), one
    /// underlay hop straight from that node to the border edge on the VPN's L3 VNI, addresses unchanged.
    /// </summary>
    /// <param name="from">The source port alias.</param>
    /// <param name="vpn">The VPN alias.</param>
    public void CheckReachedVrf(string from, string vpn)
    {
        ProbeResult r = Last();
        BorderVpn v = _vpns[vpn];
        Check.That(r.Request.Delivered, $"The probe was dropped: {r.Request.DropReason}: {r.Request.DropDetail}.");
        ObservedFrame? atVrf = r.Request.Frames.LastOrDefault(f => f.Point == ObservationPoint.BorderVrf);
        Check.That(atVrf is not null, $"The probe did not reach the border VRF of '{vpn}'; it ended at {r.Request.Frames.LastOrDefault()?.Point}.");
        List<ObservedFrame> hops = r.Request.Frames.Where(f => f.Point == ObservationPoint.Underlay).ToList();
        Check.That(hops.Count == 1 && hops[0].FromNode == Port(from).NodeId && hops[0].ToNode == v.BorderNodeId, $"Underlay hops {string.Join(", ", hops.Select(h => h.Location))}: the compute node {Port(from).NodeId} must tunnel once, straight to the border edge {v.BorderNodeId}.");
        TenantFrame tep = TenantFrame.Read(r.Request.Frames.Single(f => f.Point == ObservationPoint.TunnelEndpoint).Frame, "tunnel packet");
        Check.That(tep.Vni == v.L3Vni, $"The tunnel packet carries VNI {tep.Vni}; the VPN's L3 VNI is {v.L3Vni}.");
        TenantFrame sent = TenantFrame.Read(r.Request.Frames.First(f => f.Point == ObservationPoint.SourcePort).Frame, "frame sent");
        TenantFrame got = TenantFrame.Read(atVrf.Frame, "frame in the VRF");
        Check.That(got.Source!.Equals(sent.Source) && got.Destination!.Equals(sent.Destination) && got.Ttl == sent.Ttl - 1 && got.ChecksumsValid(), $"In the VRF the frame is {got.Source} -> {got.Destination} TTL {got.Ttl}; sent {sent.Source} -> {sent.Destination} TTL {sent.Ttl}: routed once, addresses unchanged, checksums valid.");
    }

    /// <summary>Checks the last probe was dropped for a reason.</summary>
    /// <param name="reason">The expected <see cref="ProbeDropReason"/> name.</param>
    public void CheckDropped(string reason)
    {
        Check.That(Enum.TryParse(reason, out ProbeDropReason expected), $"Drop reason '{reason}' is unknown; use one of {string.Join(", ", Enum.GetNames<ProbeDropReason>())}.");
        ProbeResult r = Last();
        Check.That(!r.Request.Delivered, $"The probe was delivered to {r.Request.DeliveredToPortId ?? "the external network"}; it must be dropped as {reason}.");
        Check.That(r.Request.DropReason == expected, $"The probe was dropped as {r.Request.DropReason} ({r.Request.DropDetail}); expected {reason}.");
        Check.That(!r.Request.Frames.Any(f => f.Point == ObservationPoint.DestinationPort), "A dropped probe must not be seen at any destination port.");
    }

    /// <summary>Checks a routed probe: delivered, TTL one lower, source MAC no longer the sender's, and only one underlay hop straight between the two compute nodes on the destination network's VNI.</summary>
    /// <param name="from">The source port alias.</param>
    /// <param name="to">The destination port alias.</param>
    /// <param name="network">The destination network alias.</param>
    public void CheckDistributedRoute(string from, string to, string network)
    {
        CheckDeliveredWithReply(to);
        ProbeResult r = Last();
        TenantFrame sent = TenantFrame.Read(r.Request.Frames.First(f => f.Point == ObservationPoint.SourcePort).Frame, "frame sent");
        TenantFrame got = TenantFrame.Read(r.Request.Frames.Last(f => f.Point == ObservationPoint.DestinationPort).Frame, "frame received");
        Check.That(got.Ttl == sent.Ttl - 1, $"The received TTL is {got.Ttl}, sent {sent.Ttl}: a routed packet loses exactly one.");
        Check.That(got.SourceMac != sent.SourceMac && got.DestinationMac == Mac(Port(to).MacAddress), $"MACs at the destination {got.SourceMac} -> {got.DestinationMac}: the router's interface must be the source and port '{to}' the destination.");
        List<ObservedFrame> hops = r.Request.Frames.Where(f => f.Point == ObservationPoint.Underlay).ToList();
        string source = Port(from).NodeId;
        string destination = Port(to).NodeId;
        Check.That(source != destination, $"Ports '{from}' and '{to}' are both on {source}: place them on two compute nodes.");
        Check.That(hops.Count == 1 && hops[0].FromNode == source && hops[0].ToNode == destination, $"Underlay hops {string.Join(", ", hops.Select(h => h.Location))}: distributed routing sends the frame once, straight from {source} to {destination}.");
        HashSet<string> networkNodes = Service.Info.Nodes.Where(n => n.Role != "compute").Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        Check.That(!r.Request.Frames.Any(f => networkNodes.Contains(f.FromNode ?? string.Empty) || networkNodes.Contains(f.ToNode ?? string.Empty)), "A network node saw the frame.");
        TenantFrame tep = TenantFrame.Read(r.Request.Frames.Single(f => f.Point == ObservationPoint.TunnelEndpoint).Frame, "tunnel packet");
        Check.That(tep.Vni == Network(network).SegmentationId, $"The underlay frame carries VNI {tep.Vni}; after routing on the source node it must be network '{network}''s {Network(network).SegmentationId}.");
        _evidence.Record(new Measurement("underlay_hops", hops.Count, "hops"));
    }

    /// <summary>Sends flows, each twice, from one port to another (source port varies per flow).</summary>
    /// <param name="flows">The number of flows.</param>
    /// <param name="from">The source port alias.</param>
    /// <param name="to">The destination port alias.</param>
    public async Task SendFlowsAsync(int flows, string from, string to)
    {
        _flows.Clear();
        for (int i = 0; i < flows; i++)
        {
            for (int again = 0; again < 2; again++)
            {
                _flows.Add((i, await Service.ProbeAsync(new TenantProbe(ProjectId(_ports[from].Project), Port(to).FixedIps[0], ProbeProtocol.Udp) { FromPortId = Port(from).Id, SourcePort = 33000 + i, DestinationPort = 5001 })));
            }
        }
    }

    /// <summary>
    /// Checks every flow was delivered over one underlay hop between the two ports' nodes as VXLAN (UDP 4789, I flag) on
    /// the network's VNI, with the inner frame byte for byte what the port sent and what the destination got.
    /// </summary>
    /// <param name="network">The network alias.</param>
    public void CheckFlowsOverVxlan(string network)
    {
        Check.That(_flows.Count > 0, "No flows were sent.");
        int vni = Network(network).SegmentationId;
        foreach ((int flow, ProbeResult r) in _flows)
        {
            Check.That(r.Request.Delivered, $"Flow {flow} was dropped: {r.Request.DropReason}: {r.Request.DropDetail}.");
            ObservedFrame? tep = r.Request.Frames.FirstOrDefault(f => f.Point == ObservationPoint.TunnelEndpoint);
            Check.That(tep is not null, $"Flow {flow} crossed no underlay: put the ports on two compute nodes.");
            TenantFrame t = TenantFrame.Read(tep.Frame, "tunnel packet");
            Check.That(t.Protocol == 17 && t.DestinationPort == TenantFrame.VxlanPort && t.Vni == vni, $"Flow {flow}'s tunnel packet is protocol {t.Protocol} port {t.DestinationPort} VNI {t.Vni}; expected VXLAN (UDP 4789) with VNI {vni}.");
            byte[] sent = r.Request.Frames.First(f => f.Point == ObservationPoint.SourcePort).Frame;
            byte[] got = r.Request.Frames.Last(f => f.Point == ObservationPoint.DestinationPort).Frame;
            Check.That(t.VxlanInner.AsSpan().SequenceEqual(sent) && got.AsSpan().SequenceEqual(sent), $"Flow {flow}: the inner frame changed on the way; on one L2 network it must arrive as sent.");
        }

        _evidence.Record(new Measurement("vxlan_flows", _flows.Count / 2, "flows"));
    }

    /// <summary>Checks the outer UDP source ports on the wire spread flows and stay fixed per flow.</summary>
    /// <param name="minimum">The fewest distinct ports accepted.</param>
    public void CheckEntropy(int minimum)
    {
        Dictionary<int, HashSet<int>> perFlow = [];
        foreach ((int flow, ProbeResult r) in _flows)
        {
            TenantFrame wire = TenantFrame.Read(r.Request.Frames.First(f => f.Point == ObservationPoint.Underlay).Frame, "underlay frame");
            Check.That(wire.Protocol == 17 && wire.SourcePort is >= 49152 and <= 65535, $"Flow {flow}'s underlay frame has protocol {wire.Protocol}, source port {wire.SourcePort}: RFC 7348 section 5 puts the entropy in a UDP source port of 49152-65535.");
            (perFlow.TryGetValue(flow, out HashSet<int>? set) ? set : perFlow[flow] = []).Add(wire.SourcePort);
        }

        int distinct = perFlow.Values.SelectMany(s => s).Distinct().Count();
        _evidence.Record(new Measurement("outer_source_ports_distinct", distinct, "ports"));
        Check.That(perFlow.Values.All(s => s.Count == 1), "A flow's packets took different outer source ports: ECMP would reorder it.");
        Check.That(distinct >= minimum, $"{perFlow.Count} flows used {distinct} outer source ports; at least {minimum} are needed for the underlay's ECMP to spread them.");
    }

    /// <summary>Checks the last probe left on an external network from a translated address with valid checksums, and its reply came back to the port untranslated.</summary>
    /// <param name="external">The external network alias.</param>
    /// <param name="what">"gateway address of router" or "floating IP of port".</param>
    /// <param name="alias">The router or port alias.</param>
    /// <param name="from">The sending port alias.</param>
    public void CheckTranslatedOut(string external, string what, string alias, string from)
    {
        ProbeResult r = Last();
        Check.That(r.Request.Delivered, $"The probe was dropped: {r.Request.DropReason}: {r.Request.DropDetail}.");
        ObservedFrame? seen = r.Request.Frames.FirstOrDefault(f => f.Point == ObservationPoint.ExternalNetwork && f.Location == Network(external).Id);
        Check.That(seen is not null, $"No frame was seen on external network '{external}'.");
        string expected = what == "gateway address of router" ? _routers[alias].Router.ExternalGatewayIp ?? "?" : _floatingIps[alias].FloatingIpAddress;
        TenantFrame sent = TenantFrame.Read(r.Request.Frames.First(f => f.Point == ObservationPoint.SourcePort).Frame, "frame sent");
        TenantFrame ext = TenantFrame.Read(seen.Frame, "frame on the external network");
        Check.That(ext.Source!.ToString() == expected, $"On '{external}' the source is {ext.Source}; it must be the {what} '{alias}', {expected} (sent from {sent.Source}).");
        Check.That(ext.ChecksumsValid(), "The translated frame's IPv4 or L4 checksum is wrong: NAT must update them.");
        ProbePath? replyPath = r.Reply;
        Check.That(replyPath is { Delivered: true }, $"The reply did not come back: {r.Reply?.DropReason}: {r.Reply?.DropDetail}.");
        TenantFrame back = TenantFrame.Read(replyPath.Frames.Last(f => f.Point == ObservationPoint.DestinationPort).Frame, "reply received");
        Check.That(replyPath.DeliveredToPortId == Port(from).Id && back.Destination!.Equals(sent.Source) && back.DestinationPort == sent.SourcePort, $"The reply reached {replyPath.DeliveredToPortId} at {back.Destination}:{back.DestinationPort}; it must reach port '{from}' at {sent.Source}:{sent.SourcePort}.");
        Check.That(back.ChecksumsValid(), "The reply's checksums are wrong after the reverse translation.");
        _evidence.Record(new Measurement("translated_probes", 1, "probes"));
    }

    /// <summary>Checks an inbound probe to a floating IP reached the port at its fixed address, and the reply left from the floating IP.</summary>
    /// <param name="port">The port alias.</param>
    /// <param name="external">The external network alias.</param>
    public void CheckTranslatedIn(string port, string external)
    {
        CheckDeliveredWithReply(port);
        ProbeResult r = Last();
        TenantFrame got = TenantFrame.Read(r.Request.Frames.Last(f => f.Point == ObservationPoint.DestinationPort).Frame, "frame received");
        Check.That(got.Destination!.ToString() == Port(port).FixedIps[0] && got.ChecksumsValid(), $"The port got the frame for {got.Destination} (checksums valid: {got.ChecksumsValid()}); it must be its fixed address {Port(port).FixedIps[0]}.");
        ObservedFrame? outFrame = r.Reply!.Frames.FirstOrDefault(f => f.Point == ObservationPoint.ExternalNetwork && f.Location == Network(external).Id);
        Check.That(outFrame is not null, "The reply was not seen on the external network.");
        TenantFrame reply = TenantFrame.Read(outFrame.Frame, "reply on the external network");
        Check.That(reply.Source!.ToString() == _floatingIps[port].FloatingIpAddress && reply.ChecksumsValid(), $"The reply left from {reply.Source}; it must leave from the floating IP {_floatingIps[port].FloatingIpAddress} with valid checksums.");
    }

    /// <summary>Checks the last probe went to one port and none of another project's ports saw it.</summary>
    /// <param name="port">The intended port alias.</param>
    /// <param name="other">The other project's port with the same address.</param>
    public async Task CheckIsolatedAsync(string port, string other)
    {
        CheckDeliveredWithReply(port);
        ProbeResult r = Last();
        Check.That(!r.Request.Frames.Concat(r.Reply!.Frames).Any(f => f.Location == Port(other).Id), $"Port '{other}' of another project saw the probe.");
        long rx = (await Service.GetUsageAsync(ProjectId(_ports[other].Project), ProjectId(_ports[other].Project))).PortTraffic.Single(c => c.PortId == Port(other).Id).RxPackets;
        Check.That(rx == 0, $"Port '{other}' of project '{_ports[other].Project}' counted {rx} received frames; the other tenant's probe must not reach it.");
        int vni = TenantFrame.Read(r.Request.Frames.First(f => f.Point == ObservationPoint.TunnelEndpoint).Frame, "tunnel packet").Vni;
        Check.That(vni == Network(NetworkOf(port)).SegmentationId && vni != Network(NetworkOf(other)).SegmentationId, $"The probe crossed the underlay on VNI {vni}: it must be its own network's, distinct from the other tenant's.");
        _evidence.Record(new Measurement("other_tenant_rx_frames", rx, "frames"));
    }

    /// <summary>Probes every overlay node's underlay address from a port and checks each is dropped as unreachable.</summary>
    /// <param name="from">The port alias.</param>
    public async Task CheckUnderlayUnreachableAsync(string from)
    {
        IReadOnlyList<OverlayNode> nodes = Service.Info.Nodes;
        foreach (OverlayNode node in nodes)
        {
            await ProbeFromPortAsync("icmp", from, node.UnderlayAddress, 7);
            ProbeResult r = Last();
            Check.That(!r.Request.Delivered && r.Request.DropReason == ProbeDropReason.UnderlayUnreachable, $"A probe from port '{from}' to node {node.Id}'s underlay address {node.UnderlayAddress} was {(r.Request.Delivered ? $"delivered to {r.Request.DeliveredToPortId}" : $"dropped as {r.Request.DropReason}")}; it must be dropped as UnderlayUnreachable.");
        }

        _evidence.Record(new Measurement("underlay_addresses_probed", nodes.Count, "addresses"));
    }

    /// <summary>Checks the last probe's underlay frames are addressed between node underlay addresses only and carry no tenant address outside the tunnel.</summary>
    public void CheckUnderlayAddressing()
    {
        HashSet<string> underlay = Service.Info.Nodes.Select(n => n.UnderlayAddress).ToHashSet(StringComparer.Ordinal);
        ProbeResult r = Last();
        TenantFrame sent = TenantFrame.Read(r.Request.Frames.First(f => f.Point == ObservationPoint.SourcePort).Frame, "frame sent");
        List<ObservedFrame> wires = r.Request.Frames.Where(f => f.Point == ObservationPoint.Underlay).ToList();
        Check.That(wires.Count > 0, "The probe crossed no underlay: put the ports on two compute nodes.");
        foreach (ObservedFrame w in wires)
        {
            TenantFrame outer = TenantFrame.Read(w.Frame, "underlay frame");
            Check.That(underlay.Contains(outer.Source!.ToString()) && underlay.Contains(outer.Destination!.ToString()), $"Underlay frame {outer.Source} -> {outer.Destination}: both must be node underlay addresses ({string.Join(", ", underlay)}).");
            Check.That(!underlay.Contains(sent.Source!.ToString()) && !underlay.Contains(sent.Destination!.ToString()), "A tenant address is also an underlay address.");
        }
    }

    /// <summary>Checks the last probe's underlay frames are ESP in UDP and carry neither its payload nor its inner addresses in clear.</summary>
    public void CheckUnderlayCiphertext()
    {
        ProbeResult r = Last();
        Check.That(r.Request.Delivered, $"The probe was dropped: {r.Request.DropReason}: {r.Request.DropDetail}.");
        TenantFrame sent = TenantFrame.Read(r.Request.Frames.First(f => f.Point == ObservationPoint.SourcePort).Frame, "frame sent");
        byte[] payload = sent.Bytes.AsSpan((sent.L4Offset + 8)..sent.L3End).ToArray();
        List<ObservedFrame> wires = r.Request.Frames.Where(f => f.Point == ObservationPoint.Underlay).ToList();
        Check.That(wires.Count > 0, "The probe crossed no underlay: put the ports on two compute nodes.");
        foreach (ObservedFrame w in wires)
        {
            TenantFrame outer = TenantFrame.Read(w.Frame, "underlay frame");
            Check.That(outer.EspSpi is not null, $"The underlay frame {w.Location} is protocol {outer.Protocol} to port {outer.DestinationPort}, not ESP in UDP (RFC 3948, port 4500): it is not encrypted.");
            byte[] body = outer.Bytes.AsSpan(outer.L4Offset + 8).ToArray();
            Check.That(body.AsSpan().IndexOf(payload.AsSpan(0, Math.Min(16, payload.Length))) < 0, $"The probe's payload appears in clear on the underlay ({w.Location}).");
            Check.That(body.AsSpan().IndexOf(sent.Bytes.AsSpan(sent.L3Offset + 12, 8)) < 0, $"The probe's inner addresses appear in clear on the underlay ({w.Location}).");
        }

        _evidence.Record(new Measurement("encrypted_underlay_frames", wires.Count, "frames"));
    }

    /// <summary>Runs a flood from one project next to another's modest flow over one node's uplink.</summary>
    /// <param name="attackerProject">The attacker project alias.</param>
    /// <param name="attackerFrom">The attacker's source port.</param>
    /// <param name="attackerTo">The attacker's destination port.</param>
    /// <param name="attackerLoad">The attacker's load, in uplinks.</param>
    /// <param name="victimProject">The victim project alias.</param>
    /// <param name="victimFrom">The victim's source port.</param>
    /// <param name="victimTo">The victim's destination port.</param>
    /// <param name="victimLoad">The victim's load, in uplinks.</param>
    /// <returns>The result.</returns>
    public ContentionResult Contend(string attackerProject, string attackerFrom, string attackerTo, double attackerLoad, string victimProject, string victimFrom, string victimTo, double victimLoad)
    {
        ContentionResult result = Simulation.RunContention(new ContentionTrial(
            Port(victimFrom).Id, Port(victimTo).FixedIps[0], ProjectId(victimProject), Port(attackerFrom).Id, Port(attackerTo).FixedIps[0], ProjectId(attackerProject))
        {
            VictimLoad = victimLoad,
            AttackerLoad = attackerLoad,
            Rounds = 100,
        });
        _evidence.Record(new Measurement("victim_loss_ratio", result.Victim.LossRatio, "ratio"));
        _evidence.Record(new Measurement("attacker_loss_ratio", result.Attacker.LossRatio, "ratio"));
        _evidence.Record(new Measurement("victim_frames_sent", result.Victim.Sent, "frames"));
        _contention = result;
        return result;
    }

    /// <summary>Checks the victim's loss against the figure, and that the flood did overload the uplink.</summary>
    /// <param name="key">The loss figure.</param>
    public void CheckVictimLoss(string key)
    {
        ContentionResult r = _contention ?? throw new ConformanceCheckException("No contention trial ran.");
        Check.That(r.Attacker.DropsByReason.GetValueOrDefault(ProbeDropReason.QueueFull) > 0, $"The flood lost no frame at the uplink ({r.Attacker.Sent} sent): it did not overload it, so the check shows nothing; raise its load.");
        Check.That(r.Victim.Sent > 0, "The victim sent nothing.");
        _figures.CheckAtMost("victim_loss_percent", Math.Round(r.Victim.LossRatio * 100, 3), key);
    }

    /// <summary>Checks a network operation's time against its figure.</summary>
    /// <param name="operation">creation, update or deletion.</param>
    /// <param name="network">The network alias.</param>
    /// <param name="key">The figure.</param>
    public void CheckTime(string operation, string network, string key)
    {
        Check.That(_timings.TryGetValue($"{operation} of {network}", out TimeSpan t), $"No {operation} of network '{network}' was timed in this scenario.");
        _figures.CheckAtMost($"{operation}_of_{network}_ms", Math.Round(t.TotalMilliseconds, 3), key);
    }

    /// <summary>Changes a network's MTU; the time is kept.</summary>
    /// <param name="project">The project alias.</param>
    /// <param name="network">The network alias.</param>
    /// <param name="mtu">The MTU.</param>
    public async Task SetMtuAsync(string project, string network, int mtu)
    {
        TimedOperation<TenantNetwork> updated = await Service.UpdateNetworkAsync(ProjectId(project), Network(network).Id, new NetworkUpdate { Mtu = mtu });
        Time($"update of {network}", updated.Elapsed);
        _networks[network] = (project, updated.Result);
    }

    /// <summary>Deletes a network after the scenario's ports on it; the network deletion's time is kept.</summary>
    /// <param name="project">The project alias.</param>
    /// <param name="network">The network alias.</param>
    public async Task DeleteNetworkAsync(string project, string network)
    {
        foreach ((string alias, (string owner, TenantPort port)) in _ports.Where(p => p.Value.Port.NetworkId == Network(network).Id).ToList())
        {
            await Service.DeletePortAsync(ProjectId(owner), port.Id);
            _ports.Remove(alias);
        }

        TimedOperation<string> deleted = await Service.DeleteNetworkAsync(ProjectId(project), Network(network).Id);
        Time($"deletion of {network}", deleted.Elapsed);
    }

    /// <summary>Checks a project sees a network (or no longer does), and its MTU.</summary>
    /// <param name="project">The project alias.</param>
    /// <param name="network">The network alias.</param>
    /// <param name="listed">Whether it must be listed.</param>
    /// <param name="mtu">The MTU it must have, or null.</param>
    public async Task CheckListedAsync(string project, string network, bool listed, int? mtu = null)
    {
        TenantNetwork? seen = (await Service.ListNetworksAsync(ProjectId(project))).FirstOrDefault(n => n.Id == Network(network).Id);
        Check.That((seen is not null) == listed, $"Network '{network}' is {(seen is null ? "not " : string.Empty)}listed for project '{project}'.");
        Check.That(mtu is null || seen!.Mtu == mtu, $"Network '{network}' has MTU {seen?.Mtu}; expected {mtu}.");
        Check.That(seen is null || seen.Status == "ACTIVE", $"Network '{network}' is {seen?.Status}, not ACTIVE.");
    }

    /// <summary>Checks a port can no longer be created on a deleted network.</summary>
    /// <param name="project">The project alias.</param>
    /// <param name="network">The network alias.</param>
    public async Task CheckNoPortOnAsync(string project, string network)
    {
        try
        {
            await Service.CreatePortAsync(ProjectId(project), new PortSpec(Network(network).Id, ComputeNode("first")));
        }
        catch (TenantNetworkingException)
        {
            return;
        }

        Check.Fail($"A port was created on deleted network '{network}'.");
    }

    /// <summary>Checks two ports reach each other with a UDP probe both ways.</summary>
    /// <param name="a">A port alias.</param>
    /// <param name="b">Another port alias.</param>
    public async Task CheckReachAsync(string a, string b)
    {
        await ProbeFromPortAsync("udp", a, b, 5001);
        CheckDeliveredWithReply(b);
    }

    /// <summary>Checks an oversized probe is dropped for the MTU and a smaller one passes.</summary>
    /// <param name="over">The over-MTU payload size.</param>
    /// <param name="under">The within-MTU payload size.</param>
    /// <param name="from">The source port alias.</param>
    /// <param name="to">The destination port alias.</param>
    public async Task CheckMtuEnforcedAsync(int over, int under, string from, string to)
    {
        await ProbeFromPortAsync("udp", from, to, 5001, over);
        CheckDropped(nameof(ProbeDropReason.ExceedsMtu));
        await ProbeFromPortAsync("udp", from, to, 5001, under);
        CheckDeliveredWithReply(to);
    }

    /// <summary>Records the current events mark of a project.</summary>
    /// <param name="project">The project alias.</param>
    public async Task MarkEventsAsync(string project) =>
        _eventMarks[project] = (await Service.ReadEventsAsync(ProjectId(project), 0)).Select(e => e.Sequence).DefaultIfEmpty(0).Max();

    /// <summary>Checks the events since the mark, in order, are exactly the expected types and states.</summary>
    /// <param name="project">The project alias.</param>
    /// <param name="expected">Rows of event type and status.</param>
    public async Task CheckEventsAsync(string project, IReadOnlyList<(string Type, string Status)> expected)
    {
        IReadOnlyList<ResourceEvent> events = await Service.ReadEventsAsync(ProjectId(project), _eventMarks.GetValueOrDefault(project));
        string got = string.Join(", ", events.Select(e => $"{e.EventType}/{e.Status}"));
        string want = string.Join(", ", expected.Select(e => $"{e.Type}/{e.Status}"));
        _evidence.Record(new Measurement("notifications", events.Count, "events"));
        Check.That(got == want, $"Project '{project}' was notified of [{got}]; expected [{want}].");
        Check.That(events.Zip(events.Skip(1)).All(p => p.First.Sequence < p.Second.Sequence && p.First.Time <= p.Second.Time), "Notifications are out of order.");
    }

    /// <summary>Checks another project got no notification since its mark.</summary>
    /// <param name="project">The project alias.</param>
    public async Task CheckNoEventsAsync(string project)
    {
        IReadOnlyList<ResourceEvent> events = await Service.ReadEventsAsync(ProjectId(project), _eventMarks.GetValueOrDefault(project));
        Check.That(events.Count == 0, $"Project '{project}' was notified of another project's resources: {string.Join(", ", events.Select(e => e.EventType))}.");
    }

    /// <summary>Tags a network or port.</summary>
    /// <param name="alias">The network or port alias.</param>
    /// <param name="tags">Comma-separated tags.</param>
    public async Task TagAsync(string alias, string tags)
    {
        (string project, string id) = _networks.TryGetValue(alias, out var n) ? (n.Project, n.Network.Id) : (_ports[alias].Project, _ports[alias].Port.Id);
        IReadOnlyList<string> set = await Service.SetTagsAsync(ProjectId(project), id, Split(tags).ToList());
        Check.That(set.SequenceEqual(Split(tags)), $"Resource '{alias}' has tags [{string.Join(",", set)}] after setting [{tags}].");
    }

    /// <summary>Checks a tag filter lists exactly the expected networks of the scenario.</summary>
    /// <param name="project">The project alias.</param>
    /// <param name="kind">all, any or not.</param>
    /// <param name="tags">Comma-separated tags.</param>
    /// <param name="expected">Comma-separated network aliases, or "none".</param>
    public async Task CheckTagFilterAsync(string project, string kind, string tags, string expected)
    {
        List<string> t = Split(tags).ToList();
        TagFilter filter = kind switch
        {
            "all" => new TagFilter { All = t },
            "any" => new TagFilter { Any = t },
            "not" => new TagFilter { NotAll = t },
            _ => throw new ConformanceCheckException($"Tag filter '{kind}': write all, any or not."),
        };
        HashSet<string> mine = _networks.Values.Select(v => v.Network.Id).ToHashSet(StringComparer.Ordinal);
        string got = string.Join(",", (await Service.ListNetworksAsync(ProjectId(project), filter)).Where(n => mine.Contains(n.Id)).Select(n => _networks.First(kv => kv.Value.Network.Id == n.Id).Key).Order(StringComparer.Ordinal));
        string want = expected == "none" ? string.Empty : string.Join(",", Split(expected).Order(StringComparer.Ordinal));
        Check.That(got == want, $"Networks of '{project}' with {kind} of tags [{tags}]: [{got}]; expected [{want}].");
    }

    /// <summary>Checks a project's usage counts.</summary>
    /// <param name="project">The project alias.</param>
    /// <param name="networks">Networks.</param>
    /// <param name="subnets">Subnets.</param>
    /// <param name="ports">Ports.</param>
    /// <param name="volumes">Volumes.</param>
    public async Task CheckUsageAsync(string project, int networks, int subnets, int ports, int volumes)
    {
        ProjectUsage u = await Service.GetUsageAsync(ProjectId(project), ProjectId(project));
        string got = $"{u.Networks} networks, {u.Subnets} subnets, {u.Ports} ports, {u.Volumes} volumes";
        Check.That(u.Networks == networks && u.Subnets == subnets && u.Ports == ports && u.Volumes == volumes, $"Usage of '{project}': {got}; expected {networks} networks, {subnets} subnets, {ports} ports, {volumes} volumes.");
    }

    /// <summary>Reads the usage of a project now, to compare later.</summary>
    /// <param name="project">The project alias.</param>
    /// <returns>The per-port counters.</returns>
    public async Task<IReadOnlyDictionary<string, PortCounters>> ReadCountersAsync(string project) =>
        (await Service.GetUsageAsync(ProjectId(project), ProjectId(project))).PortTraffic.ToDictionary(c => c.PortId, StringComparer.Ordinal);

    /// <summary>Sends UDP probes and checks each port's counters grew by exactly the frames the probes' own observations show.</summary>
    /// <param name="count">Probes.</param>
    /// <param name="payload">Payload bytes.</param>
    /// <param name="from">The source port alias.</param>
    /// <param name="to">The destination port alias.</param>
    public async Task CheckCountersFollowProbesAsync(int count, int payload, string from, string to)
    {
        string project = _ports[from].Project;
        IReadOnlyDictionary<string, PortCounters> before = await ReadCountersAsync(project);
        long requestBytes = 0;
        long replyBytes = 0;
        for (int i = 0; i < count; i++)
        {
            await ProbeFromPortAsync("udp", from, to, 5001, payload);
            CheckDeliveredWithReply(to);
            requestBytes += Last().Request.Frames.First(f => f.Point == ObservationPoint.SourcePort).Frame.Length;
            replyBytes += Last().Reply!.Frames.First(f => f.Point == ObservationPoint.SourcePort).Frame.Length;
        }

        IReadOnlyDictionary<string, PortCounters> after = await ReadCountersAsync(project);
        PortCounters a0 = before[Port(from).Id], a1 = after[Port(from).Id], b0 = before[Port(to).Id], b1 = after[Port(to).Id];
        _evidence.Record(new Measurement($"tx_packets:{from}", a1.TxPackets - a0.TxPackets, "packets"));
        _evidence.Record(new Measurement($"rx_octets:{to}", b1.RxBytes - b0.RxBytes, "octets"));
        Check.That(a1.TxPackets - a0.TxPackets == count && a1.TxBytes - a0.TxBytes == requestBytes, $"Port '{from}' counted {a1.TxPackets - a0.TxPackets} frames / {a1.TxBytes - a0.TxBytes} bytes sent; the probes were {count} / {requestBytes}.");
        Check.That(b1.RxPackets - b0.RxPackets == count && b1.RxBytes - b0.RxBytes == requestBytes, $"Port '{to}' counted {b1.RxPackets - b0.RxPackets} frames / {b1.RxBytes - b0.RxBytes} bytes received; the probes were {count} / {requestBytes}.");
        Check.That(a1.RxPackets - a0.RxPackets == count && a1.RxBytes - a0.RxBytes == replyBytes, $"Port '{from}' counted {a1.RxPackets - a0.RxPackets} frames / {a1.RxBytes - a0.RxBytes} bytes received; the replies were {count} / {replyBytes}.");
    }

    /// <summary>Asks for one project's usage as another, and keeps the refusal.</summary>
    /// <param name="requester">The asking project alias.</param>
    /// <param name="owner">The owner alias.</param>
    public async Task TryReadUsageAsync(string requester, string owner)
    {
        _refusal = null;
        try
        {
            ProjectUsage leaked = await Service.GetUsageAsync(ProjectId(requester), ProjectId(owner));
            _evidence.Record(new Measurement("foreign_usage_ports_seen", leaked.Ports, "ports"));
        }
        catch (TenantNetworkingException e)
        {
            _refusal = e;
        }
    }

    /// <summary>Creates a volume and checks the pool's allocation grew by its size.</summary>
    /// <param name="project">The project alias.</param>
    /// <param name="size">GiB.</param>
    /// <param name="volume">The volume alias.</param>
    public async Task CreateVolumeAsync(string project, int size, string volume)
    {
        RequireOffered(TenantNetworkingInfo.VolumesFeature);
        long before = (await Service.GetStorageAsync()).AllocatedGiB;
        TimedOperation<TenantVolume> v = Granted(await Service.CreateVolumeAsync(ProjectId(project), new VolumeSpec($"{volume}-{_token}", size)), "create a volume");
        _volumes[volume] = (project, v.Result);
        _evidence.Record(new Measurement($"create_volume_{volume}_ms", Math.Round(v.Elapsed.TotalMilliseconds, 3), "ms"));
        long after = (await Service.GetStorageAsync()).AllocatedGiB;
        Check.That(after - before == size, $"The pool's allocation grew by {after - before} GiB for a {size} GiB volume.");
        Check.That(v.Result.Status == "available" && v.Result.SizeGiB == size, $"Volume '{volume}' is {v.Result.Status}, {v.Result.SizeGiB} GiB.");
        _allocatedMark = before;
    }

    /// <summary>Attaches a volume to a port's workload, writes a pattern and checks it reads back.</summary>
    /// <param name="volume">The volume alias.</param>
    /// <param name="port">The port alias.</param>
    /// <param name="bytes">How many bytes.</param>
    /// <param name="offset">Where.</param>
    public async Task AttachWriteReadAsync(string volume, string port, int bytes, long offset)
    {
        (string project, TenantVolume v) = _volumes[volume];
        TenantVolume attached = (await Service.AttachVolumeAsync(ProjectId(project), v.Id, Port(port).Id)).Result;
        Check.That(attached.Status == "in-use" && attached.AttachedPortId == Port(port).Id, $"Volume '{volume}' is {attached.Status}, attached to {attached.AttachedPortId ?? "nothing"}.");
        byte[] data = Pattern(bytes);
        await Service.WriteVolumeAsync(ProjectId(project), v.Id, offset, data);
        byte[] back = await Service.ReadVolumeAsync(ProjectId(project), v.Id, offset, bytes);
        Check.That(back.AsSpan().SequenceEqual(data), $"Volume '{volume}' returned other bytes than were written at {offset}.");
        _evidence.Record(new Measurement("volume_bytes_verified", bytes, "bytes"));
    }

    /// <summary>Detaches and deletes a volume and checks the pool got its capacity back.</summary>
    /// <param name="volume">The volume alias.</param>
    public async Task DetachDeleteAsync(string volume)
    {
        (string project, TenantVolume v) = _volumes[volume];
        TenantVolume detached = (await Service.DetachVolumeAsync(ProjectId(project), v.Id)).Result;
        Check.That(detached.Status == "available" && detached.AttachedPortId is null, $"Volume '{volume}' is {detached.Status} after detaching.");
        await Service.DeleteVolumeAsync(ProjectId(project), v.Id);
        _volumes.Remove(volume);
        Check.That((await Service.GetStorageAsync()).AllocatedGiB == _allocatedMark, $"The pool's allocation is {(await Service.GetStorageAsync()).AllocatedGiB} GiB after deleting the volume; it was {_allocatedMark} GiB before it was created.");
    }

    /// <summary>Checks the back end holds none of the written bytes in clear, and that a flipped bit on it fails the next read.</summary>
    /// <param name="volume">The volume alias.</param>
    /// <param name="bytes">How many bytes were written.</param>
    /// <param name="offset">Where.</param>
    public async Task CheckVolumeProtectedAsync(string volume, int bytes, long offset)
    {
        (string project, TenantVolume v) = _volumes[volume];
        byte[] stored = Simulation.ReadVolumeBackend(v.Id, offset, bytes);
        byte[] data = Pattern(bytes);
        int same = 0;
        for (int i = 0; i < bytes; i++)
        {
            same += stored[i] == data[i] ? 1 : 0;
        }

        _evidence.Record(new Measurement("backend_bytes_equal_to_plaintext", same, "bytes"));
        Check.That(same < bytes / 16, $"{same} of {bytes} bytes on the storage back end equal what the workload wrote: the volume is not encrypted at rest.");
        Simulation.TamperVolumeBackend(v.Id, offset + 7);
        try
        {
            await Service.ReadVolumeAsync(ProjectId(project), v.Id, offset, bytes);
        }
        catch (TenantNetworkingException)
        {
            return;
        }

        Check.Fail($"A bit flipped on the back end of volume '{volume}' went unnoticed: the read returned data.");
    }

    private async Task DeleteProjectsAsync()
    {
        if (_service is null)
        {
            return;
        }

        foreach (string id in _projects.Values.Reverse())
        {
            try
            {
                await _service.DeleteProjectAsync(id).ConfigureAwait(false);
            }
            catch (TenantNetworkingException)
            {
                // Already gone.
            }
        }
    }

    private ContentionResult? _contention;

    private static byte[] Pattern(int bytes)
    {
        byte[] data = new byte[bytes];
        for (int i = 0; i < bytes; i++)
        {
            data[i] = (byte)((i * 31) + 7);
        }

        return data;
    }

    private static IEnumerable<string> Split(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Mac(string formatted) => formatted.Replace(":", string.Empty, StringComparison.Ordinal).ToUpperInvariant();

    private static ProbeProtocol Protocol(string protocol) => protocol.ToLowerInvariant() switch
    {
        "udp" => ProbeProtocol.Udp,
        "tcp" => ProbeProtocol.Tcp,
        "icmp" => ProbeProtocol.Icmp,
        _ => throw new ConformanceCheckException($"Protocol '{protocol}': write tcp, udp or icmp."),
    };

    private void Record(ProbeResult r)
    {
        _evidence.Record(new Measurement("probe_delivered", r.Request.Delivered ? 1 : 0, "bool"));
    }

    private string V6(string port) =>
        Port(port).FixedIps.FirstOrDefault(a => a.Contains(':', StringComparison.Ordinal)) ?? throw new ConformanceCheckException($"Port '{port}' has no IPv6 address: give its network an IPv6 subnet.");

    // A feature the service publishes as absent makes the scenario not applicable, with the service's reason.
    private void RequireOffered(string feature)
    {
        if (Service.Info.Absent.TryGetValue(feature, out string? reason))
        {
            throw new ScenarioNotApplicableException($"target '{_run.Target.Name}' does not offer tenant {feature}: {reason}");
        }
    }

    // A refused operation (the target cannot do it, and says why) makes the scenario not applicable, never a pass.
    private TimedOperation<T> Granted<T>(TimedOperation<T> operation, string what) =>
        operation.Refusal is null ? operation : throw new ScenarioNotApplicableException($"target '{_run.Target.Name}' cannot {what}: {operation.Refusal}");

    private ProbeResult Last() => LastProbe ?? throw new ConformanceCheckException("No probe was sent in this scenario.");

    private void Time(string what, TimeSpan elapsed) => _timings[what] = elapsed;

    private string ProjectId(string alias) =>
        _projects.TryGetValue(alias, out string? id) ? id : throw new ConformanceCheckException($"No project '{alias}' in this scenario: add 'Given projects \"{alias}\"'.");

    private TenantNetwork Network(string alias) =>
        _networks.TryGetValue(alias, out var n) ? n.Network : throw new ConformanceCheckException($"No network '{alias}' in this scenario.");

    private string NetworkOf(string port) => _networks.First(n => n.Value.Network.Id == Port(port).NetworkId).Key;

    private TenantPort Port(string alias) =>
        _ports.TryGetValue(alias, out var p) ? p.Port : throw new ConformanceCheckException($"No port '{alias}' in this scenario.");

    private string ComputeNode(string ordinal)
    {
        List<OverlayNode> compute = Service.Info.Nodes.Where(n => n.Role == "compute").ToList();
        int index = ordinal switch { "first" => 0, "second" => 1, "third" => 2, _ => throw new ConformanceCheckException($"Compute node '{ordinal}': write first, second or third.") };
        return index < compute.Count
            ? compute[index].Id
            : throw new ScenarioNotApplicableException($"the target has {compute.Count} compute node(s); the scenario needs a {ordinal} one");
    }
}
