// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NfvConformance.Abstractions.TenantNetworking;
using NfvConformance.Emulator.TenantNetworking.Internal;

namespace NfvConformance.Emulator.TenantNetworking;

/// <summary>
/// The emulator's tenant networking service (<see cref="ITenantNetworking"/>): a Neutron-like control plane whose
/// every change is programmed into per-node agent tables (segments, ARP/ND responder, forwarding database, distributed
/// router ports), and a frame-level forwarding path over those tables: security groups on the parsed frames, distributed
/// routing, source and destination NAT, and a VXLAN overlay between nodes, protected by ESP/AES-GCM. Operations are
/// timed with a <see cref="Stopwatch"/> around the API call and the programming of every node.
/// </summary>
public sealed partial class TenantNetworkService : ITenantNetworking, ITenantNetworkingSimulation, IDisposable
{
    /// <summary>The id of the network node that hosts centralised SNAT (and every router when routing is centralised).</summary>
    public const string NetworkNodeId = "network-node-1";

    /// <summary>The id of the fabric's border-edge node, which terminates BGP VPNs to border VRFs.</summary>
    public const string BorderNodeId = "border-leaf-1";

    /// <summary>The underlay (tunnel endpoint) prefix.</summary>
    public static readonly IPNetwork UnderlayPrefix = IPNetwork.Parse("172.31.0.0/24");

    private const string RouterMarker = "<router>";

    private readonly object _gate = new();
    private readonly TenantNetworkingOptions _options;
    private readonly Random _random;
    private readonly OverlayTunnel _tunnel;
    private readonly Dictionary<string, NodeAgent> _agents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ProjectState> _projects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NetworkState> _networks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SubnetState> _subnets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PortState> _ports = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RouterState> _routers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FloatingIpState> _floatingIps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SecurityGroupState> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, VolumeState> _volumes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NetworkShare> _shares = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BorderVpnState> _vpns = new(StringComparer.Ordinal);
    private readonly IFabricController _controller = new EvpnFabricController();
    private readonly List<ResourceEvent> _events = [];
    private int _nextL3Vni = 50_001;
    private long _sequence;
    private int _nextVni = 1001;
    private int _nextVlan = 101;

    /// <summary>Creates the service over a set of compute nodes, plus one network node.</summary>
    /// <param name="computeNodeIds">The compute nodes (the hardware inventory's node ids).</param>
    /// <param name="options">Behaviour switches.</param>
    /// <param name="seed">Seed for ids and MAC addresses.</param>
    public TenantNetworkService(IReadOnlyList<string> computeNodeIds, TenantNetworkingOptions? options = null, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(computeNodeIds);
        if (computeNodeIds.Count == 0 || computeNodeIds.Count > 200)
        {
            throw new TenantNetworkingException($"The tenant networking service needs 1 to 200 compute nodes; {computeNodeIds.Count} were given.");
        }

        _options = options ?? new TenantNetworkingOptions();
        _random = new Random(seed);
        _tunnel = new OverlayTunnel(_options.EncryptUnderlay, _options.OuterSourcePortEntropy);
        for (int i = 0; i < computeNodeIds.Count; i++)
        {
            _agents[computeNodeIds[i]] = new NodeAgent(computeNodeIds[i], "compute", AddressMath.Add(UnderlayPrefix.BaseAddress, 10 + i), [0x52, 0x54, 0x00, 0x31, 0x00, (byte)(10 + i)]);
        }

        _agents[NetworkNodeId] = new NodeAgent(NetworkNodeId, "network", AddressMath.Add(UnderlayPrefix.BaseAddress, 2), [0x52, 0x54, 0x00, 0x31, 0x00, 0x02]);
        _agents[BorderNodeId] = new NodeAgent(BorderNodeId, "border", AddressMath.Add(UnderlayPrefix.BaseAddress, 3), [0x52, 0x54, 0x00, 0x31, 0x00, 0x03]);
    }

    /// <inheritdoc />
    public TenantNetworkingInfo Info => new(
        "vxlan",
        _tunnel.Protection,
        _options.DistributedRouting ? "distributed" : "centralised",
        _agents.Values.Select(a => new OverlayNode(a.Id, a.Role, a.Underlay.ToString())).ToList())
    {
        FabricController = _options.FabricControllerIntegrated ? _controller.Name : null,
    };

    /// <inheritdoc />
    public ValueTask<StorageCapacity> GetStorageAsync(CancellationToken cancellationToken = default) => Completed(
        () =>
        {
            lock (_gate)
            {
                return new StorageCapacity(_options.StorageCapacityGiB, _volumes.Values.Sum(v => (long)v.SizeGiB));
            }
        },
        cancellationToken);

    /// <inheritdoc />
    public ValueTask<TimedOperation<TenantProject>> CreateProjectAsync(string name, CancellationToken cancellationToken = default) => Timed(() =>
    {
        Require(name, nameof(name));
        if (_projects.Values.Any(p => p.Name == name))
        {
            throw new TenantNetworkingException($"A project named '{name}' exists already: pick another name.");
        }

        ProjectState project = new(NewId(), name);
        _projects[project.Id] = project;
        SecurityGroupState sg = new(NewId(), project.Id, "default");
        sg.Rules.Add(new SecurityGroupRule(RuleDirection.Egress, null) { EtherType = 4 });
        sg.Rules.Add(new SecurityGroupRule(RuleDirection.Egress, null) { EtherType = 6 });
        sg.Rules.Add(new SecurityGroupRule(RuleDirection.Ingress, null) { EtherType = 4, RemoteGroupId = sg.Id });
        sg.Rules.Add(new SecurityGroupRule(RuleDirection.Ingress, null) { EtherType = 6, RemoteGroupId = sg.Id });
        _groups[sg.Id] = sg;
        project.DefaultSecurityGroupId = sg.Id;
        Emit(project.Id, "project", project.Id, "identity.project.created", "ACTIVE");
        return new TenantProject(project.Id, name, sg.Id);
    }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<TimedOperation<string>> DeleteProjectAsync(string projectId, CancellationToken cancellationToken = default) => Timed(() =>
    {
        ProjectState project = Project(projectId);
        foreach (FloatingIpState f in _floatingIps.Values.Where(f => f.ProjectId == projectId).ToList())
        {
            RemoveFloatingIp(f);
        }

        foreach (VolumeState v in _volumes.Values.Where(v => v.ProjectId == projectId).ToList())
        {
            _volumes.Remove(v.Id);
            v.Dispose();
            Emit(v.ProjectId, "volume", v.Id, "volume.delete.end", "DELETED");
        }

        List<NetworkState> owned = _networks.Values.Where(n => n.ProjectId == projectId).ToList();
        foreach (PortState p in _ports.Values.Where(p => p.ProjectId == projectId || owned.Contains(p.Network)).ToList())
        {
            RemovePort(p);
        }

        foreach (RouterState r in _routers.Values.Where(r => r.ProjectId == projectId).ToList())
        {
            foreach (SubnetState s in r.Interfaces.ToList())
            {
                UnprogramRouterInterface(r, s);
            }

            _routers.Remove(r.Id);
            Emit(r.ProjectId, "router", r.Id, "router.delete.end", "DELETED");
        }

        foreach (BorderVpnState vpn in _vpns.Values.Where(v => v.ProjectId == projectId).ToList())
        {
            _controller.Withdraw(vpn, _agents.Values);
            _vpns.Remove(vpn.Id);
        }

        foreach (NetworkState n in owned)
        {
            RemoveNetwork(n);
        }

        foreach (NetworkState n in _networks.Values)
        {
            n.SharedWith.Remove(projectId);
        }

        foreach (SecurityGroupState g in _groups.Values.Where(g => g.ProjectId == projectId).ToList())
        {
            _groups.Remove(g.Id);
        }

        foreach (NetworkShare s in _shares.Values.Where(s => s.OwnerProjectId == projectId || s.TargetProjectId == projectId).ToList())
        {
            _shares.Remove(s.Id);
        }

        _projects.Remove(project.Id);
        Emit(projectId, "project", projectId, "identity.project.deleted", "DELETED");
        return projectId;
    }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<TimedOperation<TenantNetwork>> CreateNetworkAsync(string projectId, NetworkSpec spec, CancellationToken cancellationToken = default) => Timed(() =>
    {
        Project(projectId);
        ArgumentNullException.ThrowIfNull(spec);
        Require(spec.Name, "spec.Name");
        int mtu = spec.Mtu ?? (spec.External ? 1500 : _options.DefaultMtu);
        CheckMtu(mtu);
        int segment = spec.External ? _nextVlan++ : (_options.SharedVni ? 1000 : _nextVni++);
        NetworkState network = new(NewId(), projectId, spec.Name, spec.External, segment, mtu);
        _networks[network.Id] = network;
        if (!network.External)
        {
            foreach (NodeAgent agent in _agents.Values)
            {
                agent.Segments[network.Vni] = (mtu, true);
            }
        }

        Emit(projectId, "network", network.Id, "network.create.end", "ACTIVE");
        return network.ToContract();
    }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<TimedOperation<TenantNetwork>> UpdateNetworkAsync(string projectId, string networkId, NetworkUpdate update, CancellationToken cancellationToken = default) => Timed(() =>
    {
        ArgumentNullException.ThrowIfNull(update);
        NetworkState network = OwnNetwork(projectId, networkId);
        if (update.Mtu is int mtu)
        {
            CheckMtu(mtu);
            network.Mtu = mtu;
        }

        if (update.Name is not null)
        {
            Require(update.Name, "update.Name");
            network.Name = update.Name;
        }

        if (update.AdminStateUp is bool up)
        {
            network.AdminStateUp = up;
        }

        if (!network.External)
        {
            foreach (NodeAgent agent in _agents.Values)
            {
                agent.Segments[network.Vni] = (network.Mtu, network.AdminStateUp);
            }
        }

        Emit(projectId, "network", network.Id, "network.update.end", network.AdminStateUp ? "ACTIVE" : "DOWN");
        return network.ToContract();
    }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<TimedOperation<string>> DeleteNetworkAsync(string projectId, string networkId, CancellationToken cancellationToken = default) => Timed(() =>
    {
        NetworkState network = OwnNetwork(projectId, networkId);
        int ports = _ports.Values.Count(p => p.Network == network);
        if (ports > 0)
        {
            throw new TenantNetworkingException($"Network {networkId} still has {ports} port(s): delete them first.");
        }

        if (network.Subnets.FirstOrDefault(s => s.Router is not null) is { } routed)
        {
            throw new TenantNetworkingException($"Subnet {routed.Id} of network {networkId} is attached to router {routed.Router!.Id}: remove the router interface first.");
        }

        if (_routers.Values.FirstOrDefault(r => r.External == network) is { } gateway)
        {
            throw new TenantNetworkingException($"External network {networkId} is the gateway of router {gateway.Id}: clear the gateway first.");
        }

        RemoveNetwork(network);
        return networkId;
    }, cancellationToken);

    private IReadOnlyList<TenantNetwork> ListNetworks(string projectId, TagFilter? filter = null)
    {
        lock (_gate)
        {
            Project(projectId);
            return _networks.Values
                .Where(n => n.ProjectId == projectId || n.External || n.SharedWith.Contains(projectId))
                .Where(n => Matches(n.Tags, filter))
                .Select(n => n.ToContract())
                .ToList();
        }
    }

    /// <inheritdoc />
    public ValueTask<TimedOperation<TenantSubnet>> CreateSubnetAsync(string projectId, SubnetSpec spec, CancellationToken cancellationToken = default) => Timed(() =>
    {
        ArgumentNullException.ThrowIfNull(spec);
        NetworkState network = OwnNetwork(projectId, spec.NetworkId);
        if (!IPNetwork.TryParse(spec.Cidr, out IPNetwork prefix) || prefix.BaseAddress.Equals(IPAddress.Any))
        {
            throw new TenantNetworkingException($"Subnet CIDR '{spec.Cidr}' is not a prefix: write it as 10.0.0.0/24 or fd00:1::/64, with the host bits zero.");
        }

        int maxLength = prefix.BaseAddress.AddressFamily == AddressFamily.InterNetwork ? 29 : 125;
        if (prefix.PrefixLength > maxLength)
        {
            throw new TenantNetworkingException($"Subnet CIDR '{spec.Cidr}' is too small: use a prefix of /{maxLength} or shorter.");
        }

        if (network.Subnets.FirstOrDefault(s => s.Prefix.Contains(prefix.BaseAddress) || prefix.Contains(s.Prefix.BaseAddress)) is { } clash)
        {
            throw new TenantNetworkingException($"Subnet CIDR '{spec.Cidr}' overlaps subnet {clash.Id} ({clash.Prefix}) on network {network.Id}: pick a disjoint prefix.");
        }

        SubnetState subnet = new(NewId(), projectId, network, prefix);
        subnet.Used.Add(subnet.Gateway);
        network.Subnets.Add(subnet);
        _subnets[subnet.Id] = subnet;
        Emit(projectId, "subnet", subnet.Id, "subnet.create.end", "ACTIVE");
        return subnet.ToContract();
    }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<TimedOperation<TenantPort>> CreatePortAsync(string projectId, PortSpec spec, CancellationToken cancellationToken = default) => Timed(() =>
    {
        ArgumentNullException.ThrowIfNull(spec);
        ProjectState project = Project(projectId);
        NetworkState network = UsableNetwork(projectId, spec.NetworkId);
        if (network.External)
        {
            throw new TenantNetworkingException($"Network {network.Id} is external: workloads attach to tenant networks and reach it through a router and a floating IP.");
        }

        if (!_agents.TryGetValue(spec.NodeId, out NodeAgent? node) || node.Role != "compute")
        {
            throw new TenantNetworkingException($"'{spec.NodeId}' is not a compute node; use one of {string.Join(", ", _agents.Values.Where(a => a.Role == "compute").Select(a => a.Id))}.");
        }

        if (network.Subnets.Count == 0)
        {
            throw new TenantNetworkingException($"Network {network.Id} has no subnet: create one before ports.");
        }

        List<string> groups = (spec.SecurityGroupIds ?? [project.DefaultSecurityGroupId]).ToList();
        foreach (string g in groups)
        {
            OwnGroup(projectId, g);
        }

        PortState port = new(NewId(), projectId, network, spec.NodeId, NewMac());
        foreach (SubnetState subnet in network.Subnets)
        {
            IPAddress address = spec.FixedIps.Select(IPAddress.Parse).FirstOrDefault(subnet.Prefix.Contains) ?? NextFree(subnet);
            if (!subnet.Used.Add(address))
            {
                throw new TenantNetworkingException($"Address {address} is in use on subnet {subnet.Id}: pick another fixed IP.");
            }

            port.Addresses.Add((subnet, address));
        }

        port.SecurityGroupIds.AddRange(groups);
        _ports[port.Id] = port;
        foreach (NodeAgent agent in _agents.Values)
        {
            foreach ((SubnetState _, IPAddress address) in port.Addresses)
            {
                agent.Neighbours[(network.Vni, address)] = port.Mac;
            }

            agent.Fdb[(network.Vni, Macs.Key(port.Mac))] = (port.NodeId, port.Id);
        }

        Emit(projectId, "port", port.Id, "port.create.end", "ACTIVE");
        return port.ToContract();
    }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<TimedOperation<string>> DeletePortAsync(string projectId, string portId, CancellationToken cancellationToken = default) => Timed(() =>
    {
        PortState port = OwnPort(projectId, portId);
        if (port.FloatingIp is { } fip)
        {
            RemoveFloatingIp(fip);
        }

        RemovePort(port);
        return portId;
    }, cancellationToken);

    private IReadOnlyList<TenantPort> ListPorts(string projectId, TagFilter? filter = null)
    {
        lock (_gate)
        {
            Project(projectId);
            return _ports.Values.Where(p => p.ProjectId == projectId && Matches(p.Tags, filter)).Select(p => p.ToContract()).ToList();
        }
    }

    /// <inheritdoc />
    public ValueTask<TimedOperation<TenantPort>> SetPortSecurityGroupsAsync(string projectId, string portId, IReadOnlyList<string> securityGroupIds, CancellationToken cancellationToken = default) => Timed(() =>
    {
        ArgumentNullException.ThrowIfNull(securityGroupIds);
        PortState port = OwnPort(projectId, portId);
        foreach (string g in securityGroupIds)
        {
            OwnGroup(projectId, g);
        }

        port.SecurityGroupIds.Clear();
        port.SecurityGroupIds.AddRange(securityGroupIds);
        port.Connections.Clear();
        Emit(projectId, "port", port.Id, "port.update.end", "ACTIVE");
        return port.ToContract();
    }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<TimedOperation<TenantRouter>> CreateRouterAsync(string projectId, RouterSpec spec, CancellationToken cancellationToken = default) => Timed(() =>
    {
        ArgumentNullException.ThrowIfNull(spec);
        Project(projectId);
        Require(spec.Name, "spec.Name");
        RouterState router = new(NewId(), projectId, spec.Name, NewMac());
        if (spec.ExternalNetworkId is not null)
        {
            NetworkState external = UsableNetwork(projectId, spec.ExternalNetworkId);
            if (!external.External || external.Subnets.Count == 0)
            {
                throw new TenantNetworkingException($"Network {external.Id} is not an external network with a subnet: pass an external network as the router's gateway.");
            }

            router.External = external;
            SubnetState subnet = external.Subnets.First(s => s.IpVersion == 4);
            router.GatewayIp = NextFree(subnet);
            subnet.Used.Add(router.GatewayIp);
        }

        _routers[router.Id] = router;
        Emit(projectId, "router", router.Id, "router.create.end", "ACTIVE");
        return router.ToContract();
    }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<TimedOperation<TenantRouter>> AddRouterInterfaceAsync(string projectId, string routerId, string subnetId, CancellationToken cancellationToken = default) => Timed(() =>
    {
        RouterState router = OwnRouter(projectId, routerId);
        if (!_subnets.TryGetValue(subnetId, out SubnetState? subnet) || subnet.ProjectId != projectId)
        {
            throw new TenantAccessDeniedException($"Subnet {subnetId} is not a subnet of project {projectId}: attach one of the project's own subnets.");
        }

        if (subnet.Router is not null || subnet.Network.External)
        {
            throw new TenantNetworkingException($"Subnet {subnetId} is external or already attached to router {subnet.Router?.Id}: attach each tenant subnet to one router.");
        }

        if (router.Interfaces.FirstOrDefault(s => s.Prefix.Contains(subnet.Prefix.BaseAddress) || subnet.Prefix.Contains(s.Prefix.BaseAddress)) is { } clash)
        {
            throw new TenantNetworkingException($"Subnet {subnet.Prefix} overlaps {clash.Prefix}, already on router {routerId}: a router cannot route between overlapping subnets.");
        }

        subnet.Router = router;
        subnet.RouterMac = NewMac();
        router.Interfaces.Add(subnet);
        string where = _options.DistributedRouting ? RouterMarker : NetworkNodeId;
        foreach (NodeAgent agent in _agents.Values)
        {
            agent.Neighbours[(subnet.Network.Vni, subnet.Gateway)] = subnet.RouterMac;
            agent.Fdb[(subnet.Network.Vni, Macs.Key(subnet.RouterMac))] = (where == RouterMarker ? RouterMarker : NetworkNodeId, router.Id);
        }

        Emit(projectId, "router", router.Id, "router.interface.create", "ACTIVE");
        return router.ToContract();
    }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<TimedOperation<string>> DeleteRouterAsync(string projectId, string routerId, CancellationToken cancellationToken = default) => Timed(() =>
    {
        RouterState router = OwnRouter(projectId, routerId);
        foreach (FloatingIpState f in _floatingIps.Values.Where(f => f.Router == router).ToList())
        {
            RemoveFloatingIp(f);
        }

        foreach (SubnetState s in router.Interfaces.ToList())
        {
            UnprogramRouterInterface(router, s);
        }

        if (router.External is { } external && router.GatewayIp is { } gateway)
        {
            external.Subnets.First(s => s.IpVersion == 4).Used.Remove(gateway);
        }

        _routers.Remove(router.Id);
        Emit(projectId, "router", router.Id, "router.delete.end", "DELETED");
        return routerId;
    }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<TimedOperation<FloatingIp>> CreateFloatingIpAsync(string projectId, string externalNetworkId, string portId, CancellationToken cancellationToken = default) => Timed(() =>
    {
        NetworkState external = UsableNetwork(projectId, externalNetworkId);
        PortState port = OwnPort(projectId, portId);
        if (!external.External)
        {
            throw new TenantNetworkingException($"Network {externalNetworkId} is not external: floating IPs come from an external network.");
        }

        (SubnetState Subnet, IPAddress Address) fixedIp = port.Addresses.FirstOrDefault(a => a.Subnet.IpVersion == 4);
        if (fixedIp.Subnet?.Router is not { } router || router.External != external)
        {
            throw new TenantNetworkingException($"Port {portId}'s IPv4 subnet is not attached to a router whose gateway is network {externalNetworkId}: add the router interface and gateway first.");
        }

        if (port.FloatingIp is not null)
        {
            throw new TenantNetworkingException($"Port {portId} has floating IP {port.FloatingIp.Address} already.");
        }

        SubnetState extSubnet = external.Subnets.First(s => s.IpVersion == 4);
        IPAddress address = NextFree(extSubnet);
        extSubnet.Used.Add(address);
        FloatingIpState fip = new(NewId(), projectId, external, address, port, fixedIp.Address, router);
        port.FloatingIp = fip;
        _floatingIps[fip.Id] = fip;
        Emit(projectId, "floatingip", fip.Id, "floatingip.create.end", "ACTIVE");
        return fip.ToContract();
    }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<TimedOperation<SecurityGroup>> CreateSecurityGroupAsync(string projectId, string name, CancellationToken cancellationToken = default) => Timed(() =>
    {
        Project(projectId);
        Require(name, nameof(name));
        SecurityGroupState sg = new(NewId(), projectId, name);
        sg.Rules.Add(new SecurityGroupRule(RuleDirection.Egress, null) { EtherType = 4 });
        sg.Rules.Add(new SecurityGroupRule(RuleDirection.Egress, null) { EtherType = 6 });
        _groups[sg.Id] = sg;
        Emit(projectId, "security_group", sg.Id, "security_group.create.end", "ACTIVE");
        return sg.ToContract();
    }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<TimedOperation<SecurityGroup>> AddSecurityGroupRuleAsync(string projectId, string securityGroupId, SecurityGroupRule rule, CancellationToken cancellationToken = default) => Timed(() =>
    {
        ArgumentNullException.ThrowIfNull(rule);
        SecurityGroupState sg = OwnGroup(projectId, securityGroupId);
        if (rule.Protocol is not null and not ("tcp" or "udp" or "icmp" or "ipv6-icmp"))
        {
            throw new TenantNetworkingException($"Rule protocol '{rule.Protocol}' is not supported: use tcp, udp, icmp, ipv6-icmp or null for any.");
        }

        if (rule.EtherType is not (4 or 6))
        {
            throw new TenantNetworkingException($"Rule ethertype {rule.EtherType} is not 4 or 6.");
        }

        if ((rule.PortRangeMin is not null || rule.PortRangeMax is not null) && rule.Protocol is not ("tcp" or "udp"))
        {
            throw new TenantNetworkingException("A port range needs protocol tcp or udp.");
        }

        if (rule.PortRangeMin is int lo && rule.PortRangeMax is int hi && (lo < 1 || hi > 65535 || lo > hi))
        {
            throw new TenantNetworkingException($"Port range {lo}-{hi} is invalid: use 1 <= min <= max <= 65535.");
        }

        if (rule.RemoteIpPrefix is not null && rule.RemoteGroupId is not null)
        {
            throw new TenantNetworkingException("A rule takes a remote IP prefix or a remote group, not both.");
        }

        if (rule.RemoteIpPrefix is not null && !IPNetwork.TryParse(rule.RemoteIpPrefix, out _))
        {
            throw new TenantNetworkingException($"Remote prefix '{rule.RemoteIpPrefix}' is not a CIDR such as 10.0.0.0/24.");
        }

        if (rule.RemoteGroupId is not null)
        {
            OwnGroup(projectId, rule.RemoteGroupId);
        }

        sg.Rules.Add(rule);
        Emit(projectId, "security_group", sg.Id, "security_group_rule.create.end", "ACTIVE");
        return sg.ToContract();
    }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<TimedOperation<SecurityGroup>> RemoveSecurityGroupRuleAsync(string projectId, string securityGroupId, SecurityGroupRule rule, CancellationToken cancellationToken = default) => Timed(() =>
    {
        ArgumentNullException.ThrowIfNull(rule);
        SecurityGroupState sg = OwnGroup(projectId, securityGroupId);
        if (!sg.Rules.Remove(rule))
        {
            throw new TenantNetworkingException($"Security group {securityGroupId} has no rule {rule}: list the group and pass one of its rules.");
        }

        foreach (PortState port in _ports.Values.Where(p => p.SecurityGroupIds.Contains(sg.Id)))
        {
            port.Connections.Clear();
        }

        Emit(projectId, "security_group", sg.Id, "security_group_rule.delete.end", "ACTIVE");
        return sg.ToContract();
    }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<TimedOperation<NetworkShare>> ShareNetworkAsync(string projectId, string networkId, string targetProjectId, CancellationToken cancellationToken = default) => Timed(() =>
    {
        NetworkState network = OwnNetwork(projectId, networkId);
        Project(targetProjectId);
        network.SharedWith.Add(targetProjectId);
        NetworkShare share = new(NewId(), networkId, projectId, targetProjectId);
        _shares[share.Id] = share;
        Emit(projectId, "rbac_policy", share.Id, "rbac_policy.create.end", "ACTIVE");
        return share;
    }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<TimedOperation<BorderVpn>> CreateBorderVpnAsync(string projectId, BorderVpnSpec spec, CancellationToken cancellationToken = default) => Timed(() =>
    {
        ArgumentNullException.ThrowIfNull(spec);
        Project(projectId);
        Require(spec.Name, "spec.Name");
        string[] rt = (spec.RouteTarget ?? string.Empty).Split(':');
        if (rt.Length != 2 || !uint.TryParse(rt[0], out _) || !uint.TryParse(rt[1], out _))
        {
            throw new TenantNetworkingException($"Route target '{spec.RouteTarget}' is not ASN:number (for example 64512:100).");
        }

        List<IPNetwork> prefixes = [];
        foreach (string prefix in spec.RemotePrefixes ?? [])
        {
            if (!IPNetwork.TryParse(prefix, out IPNetwork parsed) || UnderlayPrefix.Contains(parsed.BaseAddress))
            {
                throw new TenantNetworkingException($"Remote prefix '{prefix}' is not a CIDR outside the underlay {UnderlayPrefix}: give the border VRF's prefixes, such as 192.0.2.0/24.");
            }

            prefixes.Add(parsed);
        }

        if (prefixes.Count == 0)
        {
            throw new TenantNetworkingException("A BGP VPN needs at least one remote prefix of the border VRF.");
        }

        BorderVpnState vpn = new(NewId(), projectId, spec.Name, spec.RouteTarget!, _nextL3Vni++, BorderNodeId, prefixes);
        _vpns[vpn.Id] = vpn;
        if (_options.FabricControllerIntegrated)
        {
            _controller.Provision(vpn, _agents.Values);
        }

        Emit(projectId, "bgpvpn", vpn.Id, "bgpvpn.create.end", "ACTIVE");
        return vpn.ToContract();
    }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<TimedOperation<BorderVpn>> AssociateBorderVpnAsync(string projectId, string vpnId, string networkId, CancellationToken cancellationToken = default) => Timed(() =>
    {
        BorderVpnState vpn = _vpns.GetValueOrDefault(vpnId ?? string.Empty) ?? throw new TenantNetworkingException($"No BGP VPN '{vpnId}'.");
        if (vpn.ProjectId != projectId)
        {
            throw new TenantAccessDeniedException($"Project {projectId} may not use BGP VPN {vpnId}: it belongs to another project.");
        }

        NetworkState network = OwnNetwork(projectId, networkId);
        if (network.External || vpn.Networks.Contains(network))
        {
            throw new TenantNetworkingException($"Network {networkId} is external or already associated with BGP VPN {vpnId}.");
        }

        vpn.Networks.Add(network);
        if (_options.FabricControllerIntegrated)
        {
            _controller.Provision(vpn, _agents.Values);
        }

        Emit(projectId, "bgpvpn", vpn.Id, "bgpvpn.network_association.create.end", "ACTIVE");
        return vpn.ToContract();
    }, cancellationToken);

    private IReadOnlyList<string> SetTags(string projectId, string resourceId, IReadOnlyList<string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        lock (_gate)
        {
            Project(projectId);
            OwnedResource resource = (OwnedResource?)_networks.GetValueOrDefault(resourceId)
                ?? (OwnedResource?)_subnets.GetValueOrDefault(resourceId)
                ?? (OwnedResource?)_ports.GetValueOrDefault(resourceId)
                ?? (OwnedResource?)_routers.GetValueOrDefault(resourceId)
                ?? (OwnedResource?)_groups.GetValueOrDefault(resourceId)
                ?? (OwnedResource?)_floatingIps.GetValueOrDefault(resourceId)
                ?? (OwnedResource?)_volumes.GetValueOrDefault(resourceId)
                ?? throw new TenantNetworkingException($"No resource has id '{resourceId}': tag a network, subnet, port, router, security group, floating IP or volume.");
            if (resource.ProjectId != projectId)
            {
                throw new TenantAccessDeniedException($"Project {projectId} cannot tag resource {resourceId}: it belongs to another project.");
            }

            if (tags.FirstOrDefault(t => string.IsNullOrWhiteSpace(t) || t.Length > 60 || t.Contains(',', StringComparison.Ordinal)) is { } bad)
            {
                throw new TenantNetworkingException($"Tag '{bad}' is invalid: a tag is 1-60 characters without a comma (Neutron's limit).");
            }

            resource.Tags.Clear();
            resource.Tags.AddRange(tags.Distinct(StringComparer.Ordinal));
            return resource.Tags.ToList();
        }
    }

    private ProjectUsage GetUsage(string requesterProjectId, string ownerProjectId)
    {
        lock (_gate)
        {
            Project(requesterProjectId);
            Project(ownerProjectId);
            if (requesterProjectId != ownerProjectId && !_options.UsageVisibleToAll)
            {
                throw new TenantAccessDeniedException($"Project {requesterProjectId} may not read the usage of project {ownerProjectId}: only the owner sees its resources and traffic.");
            }

            List<PortState> ports = _ports.Values.Where(p => p.ProjectId == ownerProjectId).ToList();
            List<VolumeState> volumes = _volumes.Values.Where(v => v.ProjectId == ownerProjectId).ToList();
            return new ProjectUsage(
                ownerProjectId,
                _networks.Values.Count(n => n.ProjectId == ownerProjectId),
                _subnets.Values.Count(s => s.ProjectId == ownerProjectId),
                ports.Count,
                _routers.Values.Count(r => r.ProjectId == ownerProjectId),
                _floatingIps.Values.Count(f => f.ProjectId == ownerProjectId),
                _groups.Values.Count(g => g.ProjectId == ownerProjectId),
                volumes.Count,
                volumes.Sum(v => (long)v.SizeGiB),
                ports.Select(p => new PortCounters(p.Id, p.TxPackets, p.TxBytes, p.RxPackets, p.RxBytes)).ToList());
        }
    }

    private IReadOnlyList<ResourceEvent> ReadEvents(string projectId, long afterSequence)
    {
        lock (_gate)
        {
            Project(projectId);
            return _events.Where(e => e.ProjectId == projectId && e.Sequence > afterSequence).ToList();
        }
    }

    /// <inheritdoc />
    public ValueTask<TimedOperation<TenantVolume>> CreateVolumeAsync(string projectId, VolumeSpec spec, CancellationToken cancellationToken = default) => Timed(() =>
    {
        ArgumentNullException.ThrowIfNull(spec);
        Project(projectId);
        Require(spec.Name, "spec.Name");
        if (spec.SizeGiB < 1)
        {
            throw new TenantNetworkingException($"Volume size {spec.SizeGiB} GiB: give at least 1 GiB.");
        }

        long free = _options.StorageCapacityGiB - _volumes.Values.Sum(v => (long)v.SizeGiB);
        if (spec.SizeGiB > free)
        {
            throw new TenantNetworkingException($"Volume of {spec.SizeGiB} GiB does not fit: the pool has {free} GiB free of {_options.StorageCapacityGiB}. Delete volumes or ask for less.");
        }

        VolumeState volume = new(NewId(), projectId, spec.Name, spec.SizeGiB, spec.Encrypted, spec.Encrypted && _options.VolumeEncryptionWorks);
        _volumes[volume.Id] = volume;
        Emit(projectId, "volume", volume.Id, "volume.create.end", "available");
        return volume.ToContract();
    }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<TimedOperation<TenantVolume>> AttachVolumeAsync(string projectId, string volumeId, string portId, CancellationToken cancellationToken = default) => Timed(() =>
    {
        VolumeState volume = OwnVolume(projectId, volumeId);
        PortState port = OwnPort(projectId, portId);
        if (volume.AttachedPortId is not null)
        {
            throw new TenantNetworkingException($"Volume {volumeId} is attached to the workload of port {volume.AttachedPortId}: detach it first.");
        }

        volume.AttachedPortId = port.Id;
        Emit(projectId, "volume", volume.Id, "volume.attach.end", "in-use");
        return volume.ToContract();
    }, cancellationToken);

    private void WriteVolume(string projectId, string volumeId, long offset, ReadOnlyMemory<byte> data)
    {
        lock (_gate)
        {
            Attached(projectId, volumeId).Write(offset, data.Span);
        }
    }

    private byte[] ReadVolume(string projectId, string volumeId, long offset, int length)
    {
        lock (_gate)
        {
            return Attached(projectId, volumeId).Read(offset, length);
        }
    }

    /// <inheritdoc />
    public byte[] ReadVolumeBackend(string volumeId, long offset, int length)
    {
        lock (_gate)
        {
            return (_volumes.GetValueOrDefault(volumeId) ?? throw new TenantNetworkingException($"No volume {volumeId}.")).ReadBackend(offset, length);
        }
    }

    /// <inheritdoc />
    public void TamperVolumeBackend(string volumeId, long offset)
    {
        lock (_gate)
        {
            (_volumes.GetValueOrDefault(volumeId) ?? throw new TenantNetworkingException($"No volume {volumeId}.")).Tamper(offset);
        }
    }

    /// <inheritdoc />
    public ValueTask<TimedOperation<TenantVolume>> DetachVolumeAsync(string projectId, string volumeId, CancellationToken cancellationToken = default) => Timed(() =>
    {
        VolumeState volume = OwnVolume(projectId, volumeId);
        if (volume.AttachedPortId is null)
        {
            throw new TenantNetworkingException($"Volume {volumeId} is not attached.");
        }

        volume.AttachedPortId = null;
        Emit(projectId, "volume", volume.Id, "volume.detach.end", "available");
        return volume.ToContract();
    }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<TimedOperation<string>> DeleteVolumeAsync(string projectId, string volumeId, CancellationToken cancellationToken = default) => Timed(() =>
    {
        VolumeState volume = OwnVolume(projectId, volumeId);
        if (volume.AttachedPortId is not null)
        {
            throw new TenantNetworkingException($"Volume {volumeId} is in use by the workload of port {volume.AttachedPortId}: detach it first.");
        }

        _volumes.Remove(volumeId);
        volume.Dispose();
        Emit(projectId, "volume", volume.Id, "volume.delete.end", "DELETED");
        return volumeId;
    }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<TenantNetwork>> ListNetworksAsync(string projectId, TagFilter? filter = null, CancellationToken cancellationToken = default) =>
        Completed(() => ListNetworks(projectId, filter), cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<TenantPort>> ListPortsAsync(string projectId, TagFilter? filter = null, CancellationToken cancellationToken = default) =>
        Completed(() => ListPorts(projectId, filter), cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> SetTagsAsync(string projectId, string resourceId, IReadOnlyList<string> tags, CancellationToken cancellationToken = default) =>
        Completed(() => SetTags(projectId, resourceId, tags), cancellationToken);

    /// <inheritdoc />
    public ValueTask<ProjectUsage> GetUsageAsync(string requesterProjectId, string ownerProjectId, CancellationToken cancellationToken = default) =>
        Completed(() => GetUsage(requesterProjectId, ownerProjectId), cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ResourceEvent>> ReadEventsAsync(string projectId, long afterSequence, CancellationToken cancellationToken = default) =>
        Completed(() => ReadEvents(projectId, afterSequence), cancellationToken);

    /// <inheritdoc />
    public ValueTask<byte[]> ReadVolumeAsync(string projectId, string volumeId, long offset, int length, CancellationToken cancellationToken = default) =>
        Completed(() => ReadVolume(projectId, volumeId, offset, length), cancellationToken);

    /// <inheritdoc />
    public ValueTask WriteVolumeAsync(string projectId, string volumeId, long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        Completed(() => WriteVolume(projectId, volumeId, offset, data), cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        _tunnel.Dispose();
        foreach (VolumeState v in _volumes.Values)
        {
            v.Dispose();
        }
    }

    private static void Require(string value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new TenantNetworkingException($"{name} is empty: give a name.");
        }
    }

    private static void CheckMtu(int mtu)
    {
        if (mtu is < 576 or > 9000)
        {
            throw new TenantNetworkingException($"MTU {mtu} is out of range: use 576 to 9000 bytes.");
        }
    }

    private static bool Matches(List<string> tags, TagFilter? filter) =>
        filter is null
        || ((filter.All.Count == 0 || filter.All.All(tags.Contains))
            && (filter.Any.Count == 0 || filter.Any.Any(tags.Contains))
            && (filter.NotAll.Count == 0 || !filter.NotAll.All(tags.Contains)));

    private static IPAddress NextFree(SubnetState subnet)
    {
        long hosts = subnet.IpVersion == 4 ? (1L << (32 - subnet.Prefix.PrefixLength)) - 2 : 1_000_000;
        for (long i = 2; i <= hosts; i++)
        {
            IPAddress candidate = AddressMath.Add(subnet.Prefix.BaseAddress, i);
            if (!subnet.Used.Contains(candidate))
            {
                return candidate;
            }
        }

        throw new TenantNetworkingException($"Subnet {subnet.Id} ({subnet.Prefix}) has no free address: use a larger prefix.");
    }

    // The model answers at once: a completed task, or a faulted one carrying the service's refusal (never a throw at the call).
    private static ValueTask<T> Completed<T>(Func<T> operation, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<T>(cancellationToken);
        }

        try
        {
            return ValueTask.FromResult(operation());
        }
        catch (Exception e) when (e is TenantNetworkingException or ArgumentException or InvalidOperationException)
        {
            return ValueTask.FromException<T>(e);
        }
    }

    private static ValueTask Completed(Action operation, CancellationToken cancellationToken)
    {
        ValueTask<bool> done = Completed(
            () =>
            {
                operation();
                return true;
            },
            cancellationToken);
        return done.IsCompletedSuccessfully ? ValueTask.CompletedTask : new ValueTask(done.AsTask());
    }

    // Completed at once, unless the options model a slow agent: then the wait for the agents is a real delay.
    private ValueTask<TimedOperation<T>> Timed<T>(Func<T> operation, CancellationToken cancellationToken)
    {
        Stopwatch watch = Stopwatch.StartNew();
        ValueTask<T> applied = Completed(
            () =>
            {
                lock (_gate)
                {
                    return operation();
                }
            },
            cancellationToken);
        if (!applied.IsCompletedSuccessfully)
        {
            return ValueTask.FromException<TimedOperation<T>>(applied.AsTask().Exception?.InnerException ?? new OperationCanceledException(cancellationToken));
        }

        return _options.AgentSyncDelay > TimeSpan.Zero
            ? AfterAgentSyncAsync(applied.Result, watch, cancellationToken)
            : ValueTask.FromResult(new TimedOperation<T>(applied.Result, watch.Elapsed));
    }

    private async ValueTask<TimedOperation<T>> AfterAgentSyncAsync<T>(T result, Stopwatch watch, CancellationToken cancellationToken)
    {
        // A timer may fire a fraction of a millisecond before the stopwatch has seen the whole delay: wait until it has.
        TimeSpan until = watch.Elapsed + _options.AgentSyncDelay;
        for (TimeSpan left = until - watch.Elapsed; left > TimeSpan.Zero; left = until - watch.Elapsed)
        {
            await Task.Delay(left < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : left, cancellationToken).ConfigureAwait(false);
        }

        return new TimedOperation<T>(result, watch.Elapsed);
    }

    private void Emit(string projectId, string type, string id, string eventType, string status)
    {
        if (_options.EmitNotifications)
        {
            _events.Add(new ResourceEvent(++_sequence, DateTimeOffset.UtcNow, projectId, type, id, eventType, status));
        }
    }

    private string NewId()
    {
        Span<byte> b = stackalloc byte[16];
        _random.NextBytes(b);
        b[7] = (byte)((b[7] & 0x0F) | 0x40);
        return new Guid(b).ToString();
    }

    private byte[] NewMac()
    {
        byte[] mac = [0xfa, 0x16, 0x3e, 0, 0, 0];
        _random.NextBytes(mac.AsSpan(3));
        return mac;
    }

    private ProjectState Project(string projectId) =>
        _projects.GetValueOrDefault(projectId ?? string.Empty)
        ?? throw new TenantNetworkingException($"Unknown project '{projectId}': create it with CreateProject and use the id it returns.");

    private NetworkState OwnNetwork(string projectId, string networkId)
    {
        Project(projectId);
        NetworkState network = _networks.GetValueOrDefault(networkId ?? string.Empty) ?? throw new TenantNetworkingException($"No network '{networkId}'.");
        return network.ProjectId == projectId ? network : throw new TenantAccessDeniedException($"Project {projectId} may not change network {networkId}: it belongs to another project.");
    }

    private NetworkState UsableNetwork(string projectId, string networkId)
    {
        Project(projectId);
        NetworkState network = _networks.GetValueOrDefault(networkId ?? string.Empty) ?? throw new TenantNetworkingException($"No network '{networkId}'.");
        return network.ProjectId == projectId || network.External || network.SharedWith.Contains(projectId)
            ? network
            : throw new TenantAccessDeniedException($"Project {projectId} may not use network {networkId}: it belongs to another project that has not shared it (no RBAC policy).");
    }

    private PortState OwnPort(string projectId, string portId)
    {
        Project(projectId);
        PortState port = _ports.GetValueOrDefault(portId ?? string.Empty) ?? throw new TenantNetworkingException($"No port '{portId}'.");
        return port.ProjectId == projectId ? port : throw new TenantAccessDeniedException($"Project {projectId} may not use port {portId}: it belongs to another project.");
    }

    private RouterState OwnRouter(string projectId, string routerId)
    {
        Project(projectId);
        RouterState router = _routers.GetValueOrDefault(routerId ?? string.Empty) ?? throw new TenantNetworkingException($"No router '{routerId}'.");
        return router.ProjectId == projectId ? router : throw new TenantAccessDeniedException($"Project {projectId} may not use router {routerId}: it belongs to another project.");
    }

    private SecurityGroupState OwnGroup(string projectId, string groupId)
    {
        SecurityGroupState sg = _groups.GetValueOrDefault(groupId ?? string.Empty) ?? throw new TenantNetworkingException($"No security group '{groupId}'.");
        return sg.ProjectId == projectId ? sg : throw new TenantAccessDeniedException($"Project {projectId} may not use security group {groupId}: it belongs to another project.");
    }

    private VolumeState OwnVolume(string projectId, string volumeId)
    {
        Project(projectId);
        VolumeState volume = _volumes.GetValueOrDefault(volumeId ?? string.Empty) ?? throw new TenantNetworkingException($"No volume '{volumeId}'.");
        return volume.ProjectId == projectId ? volume : throw new TenantAccessDeniedException($"Project {projectId} may not use volume {volumeId}: it belongs to another project.");
    }

    private VolumeState Attached(string projectId, string volumeId)
    {
        VolumeState volume = OwnVolume(projectId, volumeId);
        return volume.AttachedPortId is not null ? volume : throw new TenantNetworkingException($"Volume {volumeId} is not attached: a workload reads and writes only attached volumes.");
    }

    private void RemovePort(PortState port)
    {
        foreach (NodeAgent agent in _agents.Values)
        {
            foreach ((SubnetState _, IPAddress address) in port.Addresses)
            {
                if (agent.Neighbours.TryGetValue((port.Network.Vni, address), out byte[]? mac) && mac == port.Mac)
                {
                    agent.Neighbours.Remove((port.Network.Vni, address));
                }
            }

            agent.Fdb.Remove((port.Network.Vni, Macs.Key(port.Mac)));
        }

        foreach ((SubnetState subnet, IPAddress address) in port.Addresses)
        {
            subnet.Used.Remove(address);
        }

        foreach (VolumeState v in _volumes.Values.Where(v => v.AttachedPortId == port.Id))
        {
            v.AttachedPortId = null;
        }

        _ports.Remove(port.Id);
        Emit(port.ProjectId, "port", port.Id, "port.delete.end", "DELETED");
    }

    private void RemoveFloatingIp(FloatingIpState fip)
    {
        fip.Port.FloatingIp = null;
        fip.External.Subnets.First(s => s.IpVersion == 4).Used.Remove(fip.Address);
        _floatingIps.Remove(fip.Id);
        Emit(fip.ProjectId, "floatingip", fip.Id, "floatingip.delete.end", "DELETED");
    }

    private void UnprogramRouterInterface(RouterState router, SubnetState subnet)
    {
        foreach (NodeAgent agent in _agents.Values)
        {
            agent.Neighbours.Remove((subnet.Network.Vni, subnet.Gateway));
            agent.Fdb.Remove((subnet.Network.Vni, Macs.Key(subnet.RouterMac!)));
        }

        subnet.Router = null;
        subnet.RouterMac = null;
        router.Interfaces.Remove(subnet);
    }

    private void RemoveNetwork(NetworkState network)
    {
        foreach (RouterState r in _routers.Values.Where(r => r.External == network))
        {
            r.External = null;
            r.GatewayIp = null;
        }

        foreach (SubnetState s in network.Subnets)
        {
            if (s.Router is { } r)
            {
                UnprogramRouterInterface(r, s);
            }

            _subnets.Remove(s.Id);
            Emit(network.ProjectId, "subnet", s.Id, "subnet.delete.end", "DELETED");
        }

        if (!network.External && _networks.Values.Count(n => n.Vni == network.Vni && !n.External) == 1)
        {
            foreach (NodeAgent agent in _agents.Values)
            {
                agent.Segments.Remove(network.Vni);
            }
        }

        foreach (BorderVpnState vpn in _vpns.Values.Where(v => v.Networks.Remove(network)))
        {
            _controller.Provision(vpn, _agents.Values);
        }

        _networks.Remove(network.Id);
        Emit(network.ProjectId, "network", network.Id, "network.delete.end", "DELETED");
    }
}
