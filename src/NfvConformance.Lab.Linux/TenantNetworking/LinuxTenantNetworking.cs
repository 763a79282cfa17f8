// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using NfvConformance.Abstractions.TenantNetworking;
using NfvConformance.Lab.Linux.Run;

namespace NfvConformance.Lab.Linux.TenantNetworking;

/// <summary>How a router translates for a floating IP; the member other than <see cref="Stateful"/> exists to show the checks fail.</summary>
internal enum FloatingIpMode
{
    /// <summary>nftables DNAT in and SNAT out, with connection tracking translating each reply back.</summary>
    Stateful,

    /// <summary>Broken: the port's outbound source is rewritten to the floating IP without connection tracking, and nothing translates the floating IP back (no DNAT), so no reply reaches the port.</summary>
    WithoutReplyTranslation,
}

/// <summary>
/// The linux target's tenant networking service (<see cref="ITenantNetworking"/>), realised in the kernel by a
/// <see cref="TenantFabric"/> of two compute nodes (namespaces joined by a VXLAN underlay): a network is a bridge per
/// node and a VXLAN on its VNI; a port is a namespace on its node's bridge, with its security groups as an nftables
/// table (connection tracking, ingress and egress rule sets, the default drops counted); a router is a namespace on
/// the first node with forwarding, and with an external gateway, nftables source NAT and floating IPs (DNAT in, SNAT
/// out); an external network has an upstream namespace at its gateway address that holds 198.51.100.0/24 (the
/// "internet" the probes' external hosts live in). Probes are real packets between sockets (UDP echo, TCP connect to
/// a listener, ICMP by <c>ping</c>) in the namespaces, and what each point saw is read from AF_PACKET taps on the
/// ports, the underlay and the external network; a drop is attributed to the nftables counter that took it. What this
/// host has no part for (a border edge with an SDN controller, a storage back end) is published in
/// <see cref="TenantNetworkingInfo.Absent"/> and refused as a value. Every name carries the run id; a project's kernel
/// parts are deleted with it, and the fabric when the last project goes.
/// </summary>
internal sealed partial class LinuxTenantNetworking : ITenantNetworking, IAsyncDisposable
{
    /// <summary>The external hosts' prefix, held by each external network's upstream namespace.</summary>
    public const string InternetPrefix = "198.51.100.0/24";

    private static readonly string[] s_nodeIds = ["linux-compute-0", "linux-compute-1"];
    private readonly TenantFabric _fabric;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, Project> _projects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Net> _networks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Subnet> _subnets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Port> _ports = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Router> _routers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Group> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Fip> _fips = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _tags = new(StringComparer.Ordinal);
    private readonly List<ResourceEvent> _events = [];
    private int _nextVni = 1000;

    public LinuxTenantNetworking(LabRun run)
    {
        _fabric = new TenantFabric(run, nodes: 2);
        Info = new TenantNetworkingInfo("vxlan", "none", "centralised", [.. s_nodeIds.Select((id, i) => new OverlayNode(id, "compute", TenantFabric.UnderlayAddress(i)))])
        {
            Absent = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [TenantNetworkingInfo.BorderVpnFeature] = "this host has no border edge and no SDN fabric controller to provision a VRF path (networking-bgpvpn needs one)",
                [TenantNetworkingInfo.VolumesFeature] = "this host offers no block-storage service (Cinder) to allocate volumes from",
            },
        };
    }

    public TenantNetworkingInfo Info { get; }

    /// <summary>Gets or sets how security groups are put on ports (a break test sets the broken mode).</summary>
    internal FabricGroupMode GroupMode { get; set; } = FabricGroupMode.Stateful;

    /// <summary>Gets or sets how routers translate for floating IPs (a break test sets the broken mode).</summary>
    internal FloatingIpMode NatMode { get; set; } = FloatingIpMode.Stateful;

    /// <summary>Gets the kernel fabric (break tests reach into it).</summary>
    internal TenantFabric Fabric => _fabric;

    public ValueTask<TimedOperation<TenantProject>> CreateProjectAsync(string name, CancellationToken cancellationToken = default) =>
        LockedAsync(cancellationToken, async () =>
        {
            Require(!string.IsNullOrWhiteSpace(name), "Project name is empty: give it a name.");
            Require(_projects.Values.All(p => p.Name != name), $"Project name '{name}' is taken: names are unique.");
            string id = NewId();
            string group = NewId();
            _projects[id] = new Project(id, name, group);
            _groups[group] = new Group(group, id, "default", [
                new SecurityGroupRule(RuleDirection.Egress, null),
                new SecurityGroupRule(RuleDirection.Egress, null) { EtherType = 6 },
                new SecurityGroupRule(RuleDirection.Ingress, null) { RemoteGroupId = group },
                new SecurityGroupRule(RuleDirection.Ingress, null) { RemoteGroupId = group, EtherType = 6 }]);
            return new TenantProject(id, name, group);
        });

    public ValueTask<TimedOperation<string>> DeleteProjectAsync(string projectId, CancellationToken cancellationToken = default) =>
        LockedAsync(cancellationToken, async () =>
        {
            OwnProject(projectId);
            foreach (Fip f in _fips.Values.Where(f => f.Project == projectId).ToList())
            {
                _fips.Remove(f.Id);
            }

            foreach (Router r in _routers.Values.Where(r => r.Project == projectId).ToList())
            {
                await RemoveRouterAsync(r, cancellationToken).ConfigureAwait(false);
            }

            foreach (Port p in _ports.Values.Where(p => p.Project == projectId).ToList())
            {
                await RemovePortAsync(p, cancellationToken).ConfigureAwait(false);
            }

            foreach (Net n in _networks.Values.Where(n => n.Project == projectId).ToList())
            {
                await RemoveNetworkAsync(n, cancellationToken).ConfigureAwait(false);
            }

            foreach (Group g in _groups.Values.Where(g => g.Project == projectId).ToList())
            {
                _groups.Remove(g.Id);
            }

            _projects.Remove(projectId);
            if (_projects.Count == 0)
            {
                await _fabric.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                await ApplyRoutersAsync(cancellationToken).ConfigureAwait(false);
            }

            return projectId;
        });

    public ValueTask<TimedOperation<TenantNetwork>> CreateNetworkAsync(string projectId, NetworkSpec spec, CancellationToken cancellationToken = default) =>
        LockedAsync(cancellationToken, async () =>
        {
            OwnProject(projectId);
            Require(spec.Mtu is null or (>= 576 and <= 1500), $"Network MTU {spec.Mtu}: use 576-1500 (the overlay carries at most 1500).");
            string id = NewId();
            int vni = ++_nextVni;
            await _fabric.AddNetworkAsync(id, cancellationToken, vni).ConfigureAwait(false);
            Net n = new(id, projectId, spec.Name, spec.External, vni) { Mtu = spec.Mtu ?? 1500 };
            _networks[id] = n;
            Emit(projectId, "network", id, "network.create.end", "ACTIVE");
            return View(n);
        });

    public ValueTask<TimedOperation<TenantNetwork>> UpdateNetworkAsync(string projectId, string networkId, NetworkUpdate update, CancellationToken cancellationToken = default) =>
        LockedAsync(cancellationToken, async () =>
        {
            Net n = OwnNetwork(projectId, networkId);
            Require(update.Mtu is null or (>= 576 and <= 1500), $"Network MTU {update.Mtu}: use 576-1500 (the overlay carries at most 1500).");
            if (update.Mtu is int mtu && mtu != n.Mtu)
            {
                await _fabric.SetNetworkMtuAsync(n.Id, mtu, cancellationToken).ConfigureAwait(false);
                n.Mtu = mtu;
            }

            if (update.AdminStateUp is bool up && up != n.AdminUp)
            {
                await _fabric.SetNetworkUpAsync(n.Id, up, cancellationToken).ConfigureAwait(false);
                n.AdminUp = up;
            }

            n.Name = update.Name ?? n.Name;
            Emit(projectId, "network", n.Id, "network.update.end", n.AdminUp ? "ACTIVE" : "DOWN");
            return View(n);
        });

    public ValueTask<TimedOperation<string>> DeleteNetworkAsync(string projectId, string networkId, CancellationToken cancellationToken = default) =>
        LockedAsync(cancellationToken, async () =>
        {
            Net n = OwnNetwork(projectId, networkId);
            Port? inUse = _ports.Values.FirstOrDefault(p => p.NetworkId == n.Id);
            Require(inUse is null, $"Network {networkId} still has port {inUse?.Id}: delete its ports first.");
            await RemoveNetworkAsync(n, cancellationToken).ConfigureAwait(false);
            return networkId;
        });

    public ValueTask<IReadOnlyList<TenantNetwork>> ListNetworksAsync(string projectId, TagFilter? filter = null, CancellationToken cancellationToken = default) =>
        ReadAsync(cancellationToken, () =>
        {
            OwnProject(projectId);
            return (IReadOnlyList<TenantNetwork>)[.. _networks.Values.Where(n => n.Project == projectId || n.External || n.SharedWith.Contains(projectId)).Where(n => Matches(n.Id, filter)).Select(View)];
        });

    public ValueTask<TimedOperation<TenantSubnet>> CreateSubnetAsync(string projectId, SubnetSpec spec, CancellationToken cancellationToken = default) =>
        LockedAsync(cancellationToken, async () =>
        {
            Net n = OwnNetwork(projectId, spec.NetworkId);
            Require(IPNetwork.TryParse(spec.Cidr, out IPNetwork prefix) && prefix.PrefixLength < (prefix.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 127 : 31), $"Subnet '{spec.Cidr}': write a prefix such as 10.0.0.0/24 or fd00:1::/64, with room for hosts.");
            Require(n.SubnetIds.All(s => _subnets[s].Prefix.BaseAddress.AddressFamily != prefix.BaseAddress.AddressFamily), $"Network {n.Id} already has an IPv{(prefix.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 6 : 4)} subnet: one per family.");
            Subnet s = new(NewId(), n.Id, projectId, prefix);
            _subnets[s.Id] = s;
            n.SubnetIds.Add(s.Id);
            if (n.External && s.Version == 4)
            {
                // The upstream: the external network's gateway, holding the external hosts' prefix.
                string ns = await _fabric.AddHostAsync(Upstream(n.Id), n.Id, s.WithLength(s.Gateway), cancellationToken).ConfigureAwait(false);
                (await Shell.RunAsync("ip", ["-n", ns, "route", "add", "local", InternetPrefix, "dev", "lo"], cancellationToken).ConfigureAwait(false)).OrThrow();
                n.UpstreamNamespace = ns;
            }

            Emit(projectId, "subnet", s.Id, "subnet.create.end", "ACTIVE");
            return View(s);
        });

    public ValueTask<TimedOperation<TenantPort>> CreatePortAsync(string projectId, PortSpec spec, CancellationToken cancellationToken = default) =>
        LockedAsync(cancellationToken, async () =>
        {
            Net n = UsableNetwork(projectId, spec.NetworkId);
            int node = Array.IndexOf(s_nodeIds, spec.NodeId);
            Require(node >= 0, $"Port node '{spec.NodeId}': use one of the compute nodes {string.Join(", ", s_nodeIds)}.");
            List<string> groups = [.. spec.SecurityGroupIds ?? [_projects[projectId].DefaultGroup]];
            groups.ForEach(g => OwnGroup(projectId, g));
            List<IPAddress> addresses = [];
            foreach (Subnet s in n.SubnetIds.Select(id => _subnets[id]))
            {
                IPAddress? wanted = spec.FixedIps.Select(IPAddress.Parse).FirstOrDefault(s.Prefix.Contains);
                IPAddress address = wanted ?? s.Allocate(InUse(n.Id));
                Require(!InUse(n.Id).Contains(address), $"Address {address} is in use on network {n.Id}: pick another fixed IP.");
                addresses.Add(address);
            }

            string id = NewId();
            string mac = string.Create(CultureInfo.InvariantCulture, $"fa:16:3e:{Random.Shared.Next(256):x2}:{Random.Shared.Next(256):x2}:{Random.Shared.Next(256):x2}");
            List<string> gateways = [.. n.SubnetIds.Select(sid => _subnets[sid].Gateway.ToString())];
            await _fabric.AddPortAsync(id, n.Id, node, mac, [.. addresses.Select(a => _subnets[n.SubnetIds.First(sid => _subnets[sid].Prefix.Contains(a))].WithLength(a))], gateways, cancellationToken).ConfigureAwait(false);
            Port p = new(id, projectId, n.Id, node, mac, addresses, groups);
            _ports[id] = p;
            if (n.Mtu != 1500)
            {
                await _fabric.SetNetworkMtuAsync(n.Id, n.Mtu, cancellationToken).ConfigureAwait(false);
            }

            await ApplyGroupsAsync(cancellationToken).ConfigureAwait(false);
            Emit(projectId, "port", id, "port.create.end", "ACTIVE");
            return View(p);
        });

    public ValueTask<TimedOperation<string>> DeletePortAsync(string projectId, string portId, CancellationToken cancellationToken = default) =>
        LockedAsync(cancellationToken, async () =>
        {
            await RemovePortAsync(OwnPort(projectId, portId), cancellationToken).ConfigureAwait(false);
            await ApplyGroupsAsync(cancellationToken).ConfigureAwait(false);
            await ApplyRoutersAsync(cancellationToken).ConfigureAwait(false);
            return portId;
        });

    public ValueTask<IReadOnlyList<TenantPort>> ListPortsAsync(string projectId, TagFilter? filter = null, CancellationToken cancellationToken = default) =>
        ReadAsync(cancellationToken, () =>
        {
            OwnProject(projectId);
            return (IReadOnlyList<TenantPort>)[.. _ports.Values.Where(p => p.Project == projectId && Matches(p.Id, filter)).Select(View)];
        });

    public ValueTask<TimedOperation<TenantPort>> SetPortSecurityGroupsAsync(string projectId, string portId, IReadOnlyList<string> securityGroupIds, CancellationToken cancellationToken = default) =>
        LockedAsync(cancellationToken, async () =>
        {
            Port p = OwnPort(projectId, portId);
            foreach (string g in securityGroupIds)
            {
                OwnGroup(projectId, g);
            }

            p.Groups = [.. securityGroupIds];
            await ApplyGroupsAsync(cancellationToken).ConfigureAwait(false);
            Emit(projectId, "port", p.Id, "port.update.end", "ACTIVE");
            return View(p);
        });

    public ValueTask<TimedOperation<TenantRouter>> CreateRouterAsync(string projectId, RouterSpec spec, CancellationToken cancellationToken = default) =>
        LockedAsync(cancellationToken, async () =>
        {
            OwnProject(projectId);
            Net? external = null;
            if (spec.ExternalNetworkId is not null)
            {
                external = _networks.GetValueOrDefault(spec.ExternalNetworkId) ?? throw new TenantNetworkingException($"Router gateway network {spec.ExternalNetworkId} does not exist.");
                Require(external.External, $"Router gateway network {external.Id} is not external: name an external network.");
                Require(external.SubnetIds.Any(s => _subnets[s].Version == 4), $"External network {external.Id} has no IPv4 subnet for the gateway address.");
            }

            string id = NewId();
            await _fabric.AddRouterAsync(id, cancellationToken).ConfigureAwait(false);
            Router r = new(id, projectId, spec.Name, external?.Id);
            _routers[id] = r;
            if (external is not null)
            {
                Subnet s = _subnets[external.SubnetIds.First(x => _subnets[x].Version == 4)];
                IPAddress gw = s.Allocate(InUse(external.Id));
                r.GatewayIp = gw;
                r.ExternalDevice = await _fabric.AttachRouterAsync(id, external.Id, s.WithLength(gw), cancellationToken).ConfigureAwait(false);
                (await Shell.RunAsync("ip", ["-n", _fabric.NamespaceOf(id), "route", "add", "default", "via", s.Gateway.ToString()], cancellationToken).ConfigureAwait(false)).OrThrow();
                await ApplyRoutersAsync(cancellationToken).ConfigureAwait(false);
            }

            Emit(projectId, "router", id, "router.create.end", "ACTIVE");
            return View(r);
        });

    public ValueTask<TimedOperation<TenantRouter>> AddRouterInterfaceAsync(string projectId, string routerId, string subnetId, CancellationToken cancellationToken = default) =>
        LockedAsync(cancellationToken, async () =>
        {
            Router r = OwnRouter(projectId, routerId);
            Subnet s = _subnets.GetValueOrDefault(subnetId) ?? throw new TenantNetworkingException($"Subnet {subnetId} does not exist.");
            Net n = UsableNetwork(projectId, s.NetworkId);
            Require(!n.External, $"Subnet {subnetId} is on an external network: name it as the router's gateway instead.");
            Require(!r.SubnetIds.Contains(subnetId), $"Router {routerId} already has an interface on subnet {subnetId}.");
            await _fabric.AttachRouterAsync(r.Id, n.Id, s.WithLength(s.Gateway), cancellationToken).ConfigureAwait(false);
            r.SubnetIds.Add(subnetId);
            if (n.Mtu != 1500)
            {
                await _fabric.SetNetworkMtuAsync(n.Id, n.Mtu, cancellationToken).ConfigureAwait(false);
            }

            Emit(projectId, "router", r.Id, "router.update.end", "ACTIVE");
            return View(r);
        });

    public ValueTask<TimedOperation<string>> DeleteRouterAsync(string projectId, string routerId, CancellationToken cancellationToken = default) =>
        LockedAsync(cancellationToken, async () =>
        {
            await RemoveRouterAsync(OwnRouter(projectId, routerId), cancellationToken).ConfigureAwait(false);
            return routerId;
        });

    public ValueTask<TimedOperation<FloatingIp>> CreateFloatingIpAsync(string projectId, string externalNetworkId, string portId, CancellationToken cancellationToken = default) =>
        LockedAsync(cancellationToken, async () =>
        {
            Port p = OwnPort(projectId, portId);
            Net external = _networks.GetValueOrDefault(externalNetworkId) is { External: true } x ? x : throw new TenantNetworkingException($"Network {externalNetworkId} is not an external network: floating IPs come from one.");
            Router r = _routers.Values.FirstOrDefault(r => r.Project == projectId && r.ExternalNetworkId == external.Id && r.SubnetIds.Any(s => _subnets[s].NetworkId == p.NetworkId))
                ?? throw new TenantNetworkingException($"No router of project {projectId} joins port {portId}'s network to {externalNetworkId}: create one with its gateway there and an interface on the port's network.");
            IPAddress fixedIp = p.Addresses.First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
            Subnet s = _subnets[external.SubnetIds.First(id => _subnets[id].Version == 4)];
            IPAddress address = s.Allocate(InUse(external.Id));
            Fip f = new(NewId(), projectId, address, fixedIp, p.Id, r.Id);
            _fips[f.Id] = f;
            await TenantFabric.AddAddressAsync(_fabric.NamespaceOf(r.Id), r.ExternalDevice!, address + "/32", cancellationToken).ConfigureAwait(false);
            await ApplyRoutersAsync(cancellationToken).ConfigureAwait(false);
            Emit(projectId, "floatingip", f.Id, "floatingip.create.end", "ACTIVE");
            return new FloatingIp(f.Id, projectId, address.ToString(), fixedIp.ToString(), p.Id);
        });

    public ValueTask<TimedOperation<SecurityGroup>> CreateSecurityGroupAsync(string projectId, string name, CancellationToken cancellationToken = default) =>
        LockedAsync(cancellationToken, async () =>
        {
            OwnProject(projectId);
            Group g = new(NewId(), projectId, name, [new SecurityGroupRule(RuleDirection.Egress, null), new SecurityGroupRule(RuleDirection.Egress, null) { EtherType = 6 }]);
            _groups[g.Id] = g;
            Emit(projectId, "security_group", g.Id, "security_group.create.end", "ACTIVE");
            return View(g);
        });

    public ValueTask<TimedOperation<SecurityGroup>> AddSecurityGroupRuleAsync(string projectId, string securityGroupId, SecurityGroupRule rule, CancellationToken cancellationToken = default) =>
        LockedAsync(cancellationToken, async () =>
        {
            Group g = OwnGroup(projectId, securityGroupId);
            Validate(rule);
            if (!g.Rules.Contains(rule))
            {
                g.Rules.Add(rule);
                await ApplyGroupsAsync(cancellationToken).ConfigureAwait(false);
            }

            Emit(projectId, "security_group", g.Id, "security_group.update.end", "ACTIVE");
            return View(g);
        });

    public ValueTask<TimedOperation<SecurityGroup>> RemoveSecurityGroupRuleAsync(string projectId, string securityGroupId, SecurityGroupRule rule, CancellationToken cancellationToken = default) =>
        LockedAsync(cancellationToken, async () =>
        {
            Group g = OwnGroup(projectId, securityGroupId);
            Require(g.Rules.Remove(rule), $"Security group {securityGroupId} has no rule {rule}: name one of its rules exactly.");
            await ApplyGroupsAsync(cancellationToken).ConfigureAwait(false);
            Emit(projectId, "security_group", g.Id, "security_group.update.end", "ACTIVE");
            return View(g);
        });

    public ValueTask<TimedOperation<NetworkShare>> ShareNetworkAsync(string projectId, string networkId, string targetProjectId, CancellationToken cancellationToken = default) =>
        LockedAsync(cancellationToken, async () =>
        {
            Net n = OwnNetwork(projectId, networkId);
            OwnProject(targetProjectId);
            n.SharedWith.Add(targetProjectId);
            await Task.CompletedTask.ConfigureAwait(false);
            return new NetworkShare(NewId(), n.Id, projectId, targetProjectId);
        });

    public ValueTask<TimedOperation<BorderVpn>> CreateBorderVpnAsync(string projectId, BorderVpnSpec spec, CancellationToken cancellationToken = default) =>
        RefuseAsync(TenantNetworkingInfo.BorderVpnFeature, new BorderVpn(string.Empty, projectId, spec.Name, spec.RouteTarget, 0, string.Empty, spec.RemotePrefixes, []), cancellationToken);

    public ValueTask<TimedOperation<BorderVpn>> AssociateBorderVpnAsync(string projectId, string vpnId, string networkId, CancellationToken cancellationToken = default) =>
        RefuseAsync(TenantNetworkingInfo.BorderVpnFeature, new BorderVpn(vpnId, projectId, string.Empty, string.Empty, 0, string.Empty, [], [networkId]), cancellationToken);

    public ValueTask<IReadOnlyList<string>> SetTagsAsync(string projectId, string resourceId, IReadOnlyList<string> tags, CancellationToken cancellationToken = default) =>
        ReadAsync(cancellationToken, () =>
        {
            string? owner = _networks.GetValueOrDefault(resourceId)?.Project ?? _ports.GetValueOrDefault(resourceId)?.Project ?? _subnets.GetValueOrDefault(resourceId)?.Project
                ?? _routers.GetValueOrDefault(resourceId)?.Project ?? _groups.GetValueOrDefault(resourceId)?.Project ?? _fips.GetValueOrDefault(resourceId)?.Project;
            Require(owner is not null, $"Resource {resourceId} does not exist.");
            Allow(owner == projectId, $"Project {projectId} may not tag resource {resourceId} of project {owner}.");
            _tags[resourceId] = [.. tags.Distinct(StringComparer.Ordinal)];
            return (IReadOnlyList<string>)[.. _tags[resourceId]];
        });

    public async ValueTask<ProjectUsage> GetUsageAsync(string requesterProjectId, string ownerProjectId, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            OwnProject(requesterProjectId);
            OwnProject(ownerProjectId);
            Allow(requesterProjectId == ownerProjectId, $"Project {requesterProjectId} may not read the usage of project {ownerProjectId}: only the owner may.");
            List<PortCounters> traffic = [];
            foreach (Port p in _ports.Values.Where(p => p.Project == ownerProjectId))
            {
                // nftables counts IP bytes; the frame adds its 14-byte Ethernet header.
                (long tp, long tb, long rp, long rb) = await _fabric.ReadAccountingAsync(p.Id, cancellationToken).ConfigureAwait(false);
                traffic.Add(new PortCounters(p.Id, tp, tb + (14 * tp), rp, rb + (14 * rp)));
            }

            return new ProjectUsage(
                ownerProjectId,
                _networks.Values.Count(n => n.Project == ownerProjectId),
                _subnets.Values.Count(s => s.Project == ownerProjectId),
                _ports.Values.Count(p => p.Project == ownerProjectId),
                _routers.Values.Count(r => r.Project == ownerProjectId),
                _fips.Values.Count(f => f.Project == ownerProjectId),
                _groups.Values.Count(g => g.Project == ownerProjectId),
                0,
                0,
                traffic);
        }
        finally
        {
            _gate.Release();
        }
    }

    public ValueTask<IReadOnlyList<ResourceEvent>> ReadEventsAsync(string projectId, long afterSequence, CancellationToken cancellationToken = default) =>
        ReadAsync(cancellationToken, () =>
        {
            OwnProject(projectId);
            return (IReadOnlyList<ResourceEvent>)[.. _events.Where(e => e.ProjectId == projectId && e.Sequence > afterSequence)];
        });

    public ValueTask<StorageCapacity> GetStorageAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(new StorageCapacity(0, 0));
    }

    public ValueTask<TimedOperation<TenantVolume>> CreateVolumeAsync(string projectId, VolumeSpec spec, CancellationToken cancellationToken = default) =>
        RefuseAsync(TenantNetworkingInfo.VolumesFeature, new TenantVolume(string.Empty, projectId, spec.Name, spec.SizeGiB, "error", null, spec.Encrypted), cancellationToken);

    public ValueTask<TimedOperation<TenantVolume>> AttachVolumeAsync(string projectId, string volumeId, string portId, CancellationToken cancellationToken = default) =>
        RefuseAsync(TenantNetworkingInfo.VolumesFeature, new TenantVolume(volumeId, projectId, string.Empty, 0, "error", null, false), cancellationToken);

    public ValueTask WriteVolumeAsync(string projectId, string volumeId, long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        throw new TenantNetworkingException($"Volume {volumeId}: {Info.Absent[TenantNetworkingInfo.VolumesFeature]}.");

    public ValueTask<byte[]> ReadVolumeAsync(string projectId, string volumeId, long offset, int length, CancellationToken cancellationToken = default) =>
        throw new TenantNetworkingException($"Volume {volumeId}: {Info.Absent[TenantNetworkingInfo.VolumesFeature]}.");

    public ValueTask<TimedOperation<TenantVolume>> DetachVolumeAsync(string projectId, string volumeId, CancellationToken cancellationToken = default) =>
        RefuseAsync(TenantNetworkingInfo.VolumesFeature, new TenantVolume(volumeId, projectId, string.Empty, 0, "error", null, false), cancellationToken);

    public ValueTask<TimedOperation<string>> DeleteVolumeAsync(string projectId, string volumeId, CancellationToken cancellationToken = default) =>
        RefuseAsync(TenantNetworkingInfo.VolumesFeature, volumeId, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _fabric.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }

    /// <summary>Renders every port's security groups and every router's NAT again (after a break test changed a mode).</summary>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    internal async Task ReapplyAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ApplyGroupsAsync(cancellationToken).ConfigureAwait(false);
            await ApplyRoutersAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static string NewId() => Guid.NewGuid().ToString();

    private static string Upstream(string networkId) => "upstream/" + networkId;

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new TenantNetworkingException(message);
        }
    }

    private static void Allow(bool condition, string message)
    {
        if (!condition)
        {
            throw new TenantAccessDeniedException(message);
        }
    }

    private static void Validate(SecurityGroupRule rule)
    {
        Require(rule.Protocol is null or "tcp" or "udp" or "icmp" or "ipv6-icmp", $"Security group rule protocol '{rule.Protocol}': write tcp, udp, icmp or none for any.");
        Require(rule.EtherType is 4 or 6, $"Security group rule ethertype {rule.EtherType}: write 4 or 6.");
        Require(rule.RemoteIpPrefix is null || rule.RemoteGroupId is null, "A security group rule names a remote prefix or a remote group, not both.");
        Require(rule.RemoteIpPrefix is null || IPNetwork.TryParse(rule.RemoteIpPrefix, out _), $"Security group rule remote prefix '{rule.RemoteIpPrefix}': write a prefix such as 10.0.0.0/24.");
        Require(rule.PortRangeMin is null or (>= 1 and <= 65535) && (rule.PortRangeMax is null || rule.PortRangeMax >= rule.PortRangeMin), $"Security group rule ports {rule.PortRangeMin}-{rule.PortRangeMax}: write 1-65535, lowest first.");
    }

    private async ValueTask<TimedOperation<T>> LockedAsync<T>(CancellationToken cancellationToken, Func<Task<T>> operation)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Stopwatch watch = Stopwatch.StartNew();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            T result = await operation().ConfigureAwait(false);
            return new TimedOperation<T>(result, watch.Elapsed);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async ValueTask<T> ReadAsync<T>(CancellationToken cancellationToken, Func<T> read)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return read();
        }
        finally
        {
            _gate.Release();
        }
    }

    private ValueTask<TimedOperation<T>> RefuseAsync<T>(string feature, T echo, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(new TimedOperation<T>(echo, TimeSpan.Zero) { Refusal = Info.Absent[feature] });
    }

    private void Emit(string projectId, string type, string id, string eventType, string status) =>
        _events.Add(new ResourceEvent(_events.Count + 1, DateTimeOffset.UtcNow, projectId, type, id, eventType, status));

    private bool Matches(string id, TagFilter? filter)
    {
        if (filter is null)
        {
            return true;
        }

        List<string> tags = _tags.GetValueOrDefault(id) ?? [];
        return filter.All.All(tags.Contains) && (filter.Any.Count == 0 || filter.Any.Any(tags.Contains)) && (filter.NotAll.Count == 0 || !filter.NotAll.All(tags.Contains));
    }

    private HashSet<IPAddress> InUse(string networkId)
    {
        HashSet<IPAddress> used = [.. _ports.Values.Where(p => p.NetworkId == networkId).SelectMany(p => p.Addresses)];
        used.UnionWith(_routers.Values.Where(r => r.ExternalNetworkId == networkId && r.GatewayIp is not null).Select(r => r.GatewayIp!));
        used.UnionWith(_fips.Values.Where(f => _routers.GetValueOrDefault(f.RouterId)?.ExternalNetworkId == networkId).Select(f => f.Address));
        return used;
    }

    private Project OwnProject(string projectId) =>
        _projects.GetValueOrDefault(projectId) ?? throw new TenantNetworkingException($"Project {projectId} does not exist: create it first.");

    private Net OwnNetwork(string projectId, string networkId)
    {
        OwnProject(projectId);
        Net n = _networks.GetValueOrDefault(networkId) ?? throw new TenantNetworkingException($"Network {networkId} does not exist.");
        Allow(n.Project == projectId, $"Network {networkId} belongs to another project; project {projectId} may not change it.");
        return n;
    }

    private Net UsableNetwork(string projectId, string networkId)
    {
        OwnProject(projectId);
        Net n = _networks.GetValueOrDefault(networkId) ?? throw new TenantNetworkingException($"Network {networkId} does not exist.");
        Allow(n.Project == projectId || n.SharedWith.Contains(projectId), $"Network {networkId} belongs to another project and is not shared with project {projectId}.");
        return n;
    }

    private Port OwnPort(string projectId, string portId)
    {
        OwnProject(projectId);
        Port p = _ports.GetValueOrDefault(portId) ?? throw new TenantNetworkingException($"Port {portId} does not exist.");
        Allow(p.Project == projectId, $"Port {portId} belongs to another project.");
        return p;
    }

    private Router OwnRouter(string projectId, string routerId)
    {
        OwnProject(projectId);
        Router r = _routers.GetValueOrDefault(routerId) ?? throw new TenantNetworkingException($"Router {routerId} does not exist.");
        Allow(r.Project == projectId, $"Router {routerId} belongs to another project.");
        return r;
    }

    private Group OwnGroup(string projectId, string groupId)
    {
        Group g = _groups.GetValueOrDefault(groupId) ?? throw new TenantNetworkingException($"Security group {groupId} does not exist.");
        Allow(g.Project == projectId, $"Security group {groupId} belongs to another project.");
        return g;
    }

    private async Task RemovePortAsync(Port p, CancellationToken cancellationToken)
    {
        foreach (Fip f in _fips.Values.Where(f => f.PortId == p.Id).ToList())
        {
            _fips.Remove(f.Id);
        }

        await _fabric.RemoveEndpointAsync(p.Id, cancellationToken).ConfigureAwait(false);
        _ports.Remove(p.Id);
        _tags.Remove(p.Id);
        Emit(p.Project, "port", p.Id, "port.delete.end", "DELETED");
    }

    private async Task RemoveRouterAsync(Router r, CancellationToken cancellationToken)
    {
        foreach (Fip f in _fips.Values.Where(f => f.RouterId == r.Id).ToList())
        {
            _fips.Remove(f.Id);
        }

        await _fabric.RemoveEndpointAsync(r.Id, cancellationToken).ConfigureAwait(false);
        _routers.Remove(r.Id);
        Emit(r.Project, "router", r.Id, "router.delete.end", "DELETED");
    }

    private async Task RemoveNetworkAsync(Net n, CancellationToken cancellationToken)
    {
        foreach (Port p in _ports.Values.Where(p => p.NetworkId == n.Id).ToList())
        {
            await RemovePortAsync(p, cancellationToken).ConfigureAwait(false);
        }

        await _fabric.RemoveEndpointAsync(Upstream(n.Id), cancellationToken).ConfigureAwait(false);
        foreach (string s in n.SubnetIds)
        {
            _subnets.Remove(s);
            foreach (Router r in _routers.Values)
            {
                r.SubnetIds.Remove(s);
            }

            Emit(n.Project, "subnet", s, "subnet.delete.end", "DELETED");
        }

        await _fabric.RemoveNetworkAsync(n.Id, cancellationToken).ConfigureAwait(false);
        _networks.Remove(n.Id);
        _tags.Remove(n.Id);
        Emit(n.Project, "network", n.Id, "network.delete.end", "DELETED");
    }

    // Every port's security groups, rendered again (a remote group's members may have changed with any port or group).
    private async Task ApplyGroupsAsync(CancellationToken cancellationToken)
    {
        foreach (Port p in _ports.Values)
        {
            List<SecurityGroupRule> rules = [.. p.Groups.Where(_groups.ContainsKey).SelectMany(g => _groups[g].Rules)];
            await _fabric.ApplySecurityGroupAsync(p.Id, Expand(rules, RuleDirection.Ingress), Expand(rules, RuleDirection.Egress), GroupMode, cancellationToken).ConfigureAwait(false);
        }
    }

    private List<FabricRule> Expand(IEnumerable<SecurityGroupRule> rules, RuleDirection direction)
    {
        List<FabricRule> expanded = [];
        foreach (SecurityGroupRule r in rules.Where(r => r.Direction == direction))
        {
            string? protocol = r.Protocol == "ipv6-icmp" ? "icmp" : r.Protocol;
            if (r.RemoteGroupId is null)
            {
                expanded.Add(new FabricRule(protocol, r.PortRangeMin, r.RemoteIpPrefix, r.PortRangeMax, r.EtherType));
                continue;
            }

            // A remote group admits the addresses of its members' ports, of the rule's family.
            System.Net.Sockets.AddressFamily family = r.EtherType == 6 ? System.Net.Sockets.AddressFamily.InterNetworkV6 : System.Net.Sockets.AddressFamily.InterNetwork;
            foreach (IPAddress a in _ports.Values.Where(p => p.Groups.Contains(r.RemoteGroupId)).SelectMany(p => p.Addresses).Where(a => a.AddressFamily == family))
            {
                expanded.Add(new FabricRule(protocol, r.PortRangeMin, $"{a}/{(r.EtherType == 6 ? 128 : 32)}", r.PortRangeMax, r.EtherType));
            }
        }

        return expanded;
    }

    // Every gateway router's NAT, rendered again: source NAT to its gateway address, and per floating IP DNAT in and SNAT out.
    private async Task ApplyRoutersAsync(CancellationToken cancellationToken)
    {
        foreach (Router r in _routers.Values.Where(r => r.ExternalDevice is not null))
        {
            string ns = _fabric.NamespaceOf(r.Id);
            string ext = r.ExternalDevice!;
            List<Fip> fips = [.. _fips.Values.Where(f => f.RouterId == r.Id)];
            List<string> lines = ["table ip nat {", "  chain pre {", "    type nat hook prerouting priority dstnat; policy accept;"];
            if (NatMode == FloatingIpMode.Stateful)
            {
                lines.AddRange(fips.Select(f => $"    iifname {ext} ip daddr {f.Address} dnat to {f.FixedIp}"));
            }

            lines.AddRange(["  }", "  chain post {", "    type nat hook postrouting priority srcnat; policy accept;"]);
            if (NatMode == FloatingIpMode.Stateful)
            {
                lines.AddRange(fips.Select(f => $"    oifname {ext} ip saddr {f.FixedIp} snat to {f.Address}"));
            }

            lines.Add($"    oifname {ext} snat to {r.GatewayIp}");
            lines.AddRange(["  }", "}"]);
            if (NatMode == FloatingIpMode.WithoutReplyTranslation)
            {
                // The break: the source is rewritten on the way out with no connection state, so nothing translates the reply back.
                lines.AddRange(["table ip stateless {", "  chain raw {", "    type filter hook prerouting priority raw; policy accept;"]);
                lines.AddRange(fips.Select(f => $"    ip saddr {f.FixedIp} notrack"));
                lines.AddRange(["  }", "  chain out {", "    type filter hook postrouting priority 100; policy accept;"]);
                lines.AddRange(fips.Select(f => $"    oifname {ext} ip saddr {f.FixedIp} ip saddr set {f.Address}"));
                lines.AddRange(["  }", "}"]);
            }

            await Shell.RunAsync("ip", ["netns", "exec", ns, "nft", "flush", "ruleset"], cancellationToken).ConfigureAwait(false);
            await _fabric.LoadAsync(ns, $"tenant/{ns}-nat.nft", lines, cancellationToken).ConfigureAwait(false);
        }
    }

    private TenantNetwork View(Net n) =>
        new(n.Id, n.Project, n.Name, n.External, n.Vni, n.Mtu, n.AdminUp, n.AdminUp ? "ACTIVE" : "DOWN", [.. n.SubnetIds], [.. _tags.GetValueOrDefault(n.Id) ?? []]);

    private static TenantSubnet View(Subnet s) => new(s.Id, s.NetworkId, s.Prefix.ToString(), s.Version, s.Gateway.ToString());

    private TenantPort View(Port p) =>
        new(p.Id, p.Project, p.NetworkId, s_nodeIds[p.Node], p.Mac, [.. p.Addresses.Select(a => a.ToString())], [.. p.Groups], "ACTIVE", [.. _tags.GetValueOrDefault(p.Id) ?? []]);

    private static TenantRouter View(Router r) => new(r.Id, r.Project, r.Name, r.ExternalNetworkId, r.GatewayIp?.ToString(), [.. r.SubnetIds]);

    private static SecurityGroup View(Group g) => new(g.Id, g.Project, g.Name, [.. g.Rules]);

    private sealed record Project(string Id, string Name, string DefaultGroup);

    private sealed record Net(string Id, string Project, string Name, bool External, int Vni)
    {
        public string Name { get; set; } = Name;

        public int Mtu { get; set; } = 1500;

        public bool AdminUp { get; set; } = true;

        public List<string> SubnetIds { get; } = [];

        public HashSet<string> SharedWith { get; } = new(StringComparer.Ordinal);

        public string? UpstreamNamespace { get; set; }
    }

    private sealed record Subnet(string Id, string NetworkId, string Project, IPNetwork Prefix)
    {
        public int Version => Prefix.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 6 : 4;

        public IPAddress Gateway => Host(1);

        public string WithLength(IPAddress address) => $"{address}/{Prefix.PrefixLength.ToString(CultureInfo.InvariantCulture)}";

        // The first free host address from the second on (the first is the gateway).
        public IPAddress Allocate(HashSet<IPAddress> used)
        {
            for (int n = 2; n < 250; n++)
            {
                IPAddress a = Host(n);
                if (!used.Contains(a))
                {
                    return a;
                }
            }

            throw new TenantNetworkingException($"Subnet {Prefix} has no free address left.");
        }

        private IPAddress Host(int n)
        {
            byte[] bytes = Prefix.BaseAddress.GetAddressBytes();
            int carry = n;
            for (int i = bytes.Length - 1; i >= 0 && carry > 0; i--)
            {
                int sum = bytes[i] + carry;
                bytes[i] = (byte)sum;
                carry = sum >> 8;
            }

            return new IPAddress(bytes);
        }
    }

    private sealed record Port(string Id, string Project, string NetworkId, int Node, string Mac, List<IPAddress> Addresses, List<string> Groups)
    {
        public List<string> Groups { get; set; } = Groups;
    }

    private sealed record Router(string Id, string Project, string Name, string? ExternalNetworkId)
    {
        public IPAddress? GatewayIp { get; set; }

        public string? ExternalDevice { get; set; }

        public List<string> SubnetIds { get; } = [];
    }

    private sealed record Group(string Id, string Project, string Name, List<SecurityGroupRule> Rules);

    private sealed record Fip(string Id, string Project, IPAddress Address, IPAddress FixedIp, string PortId, string RouterId);
}
