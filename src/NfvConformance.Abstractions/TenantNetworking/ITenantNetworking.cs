// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Abstractions.TenantNetworking;

/// <summary>
/// A facet: the tenant virtual-networking service of an NFVI as a tenant and an operator observe it from outside,
/// shaped after OpenStack Neutron (projects, networks, subnets, ports, routers, floating IPs, security groups, RBAC,
/// tags), Cinder (volumes) and the notification bus, plus probes: a real frame sent from a port (or from the external
/// network) and what each point of its path saw. Every call acts as the project named by its first argument (the
/// scope of its token): a resource of another project that was not shared with it is refused with
/// <see cref="TenantAccessDeniedException"/>. Bad input throws <see cref="TenantNetworkingException"/> naming the
/// field and what to do. Each create, update and delete returns the wall time until the resource was usable (for a
/// real target: the API call and the wait until the resource is ACTIVE, or gone). Every call that reaches the service
/// is asynchronous with a <see cref="CancellationToken"/>; only <see cref="Info"/>, fixed when the service is built,
/// is a synchronous, in-memory read. What only a model of the service can do (tampering with the storage back end,
/// contention trials over a modeled uplink) is <see cref="ITenantNetworkingSimulation"/>, not here.
/// </summary>
public interface ITenantNetworking
{
    /// <summary>Gets how the service is built: encapsulation, underlay protection, routing mode and the nodes.</summary>
    TenantNetworkingInfo Info { get; }

    /// <summary>Creates a project (tenant).</summary>
    /// <param name="name">The project name (unique).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The project and the time until it was usable.</returns>
    ValueTask<TimedOperation<TenantProject>> CreateProjectAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Deletes a project and every resource it owns (an operator's clean-up).</summary>
    /// <param name="projectId">The project.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The time until everything was released.</returns>
    ValueTask<TimedOperation<string>> DeleteProjectAsync(string projectId, CancellationToken cancellationToken = default);

    /// <summary>Creates an internal tenant network, or (with <see cref="NetworkSpec.External"/>) an external provider network.</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="spec">What to create.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The network once it is ACTIVE on every node, and the time that took.</returns>
    ValueTask<TimedOperation<TenantNetwork>> CreateNetworkAsync(string projectId, NetworkSpec spec, CancellationToken cancellationToken = default);

    /// <summary>Updates a network (name, MTU, administrative state).</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="networkId">The network.</param>
    /// <param name="update">What to change; null members stay.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The network once every node applies the change, and the time that took.</returns>
    ValueTask<TimedOperation<TenantNetwork>> UpdateNetworkAsync(string projectId, string networkId, NetworkUpdate update, CancellationToken cancellationToken = default);

    /// <summary>Deletes a network with its subnets; fails while ports other than router interfaces use it.</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="networkId">The network.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The network id and the time until no node carries it any more.</returns>
    ValueTask<TimedOperation<string>> DeleteNetworkAsync(string projectId, string networkId, CancellationToken cancellationToken = default);

    /// <summary>Lists the networks the project can see (its own, shared ones and external ones), filtered by tags.</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="filter">Tag filter (Neutron's <c>tags</c>, <c>tags-any</c>, <c>not-tags</c>); null for all.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The networks.</returns>
    ValueTask<IReadOnlyList<TenantNetwork>> ListNetworksAsync(string projectId, TagFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary>Creates an IPv4 or IPv6 subnet on a network.</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="spec">What to create.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The subnet and the time that took.</returns>
    ValueTask<TimedOperation<TenantSubnet>> CreateSubnetAsync(string projectId, SubnetSpec spec, CancellationToken cancellationToken = default);

    /// <summary>Creates a port on a network, bound to a compute node (a workload's vNIC), with an address from each subnet.</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="spec">What to create.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The port once it is ACTIVE, and the time that took.</returns>
    ValueTask<TimedOperation<TenantPort>> CreatePortAsync(string projectId, PortSpec spec, CancellationToken cancellationToken = default);

    /// <summary>Deletes a port.</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="portId">The port.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The port id and the time that took.</returns>
    ValueTask<TimedOperation<string>> DeletePortAsync(string projectId, string portId, CancellationToken cancellationToken = default);

    /// <summary>Lists the project's ports, filtered by tags.</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="filter">Tag filter; null for all.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The ports.</returns>
    ValueTask<IReadOnlyList<TenantPort>> ListPortsAsync(string projectId, TagFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary>Replaces the security groups of a port.</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="portId">The port.</param>
    /// <param name="securityGroupIds">The groups (the project's own).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The port and the time until every node enforces the new set.</returns>
    ValueTask<TimedOperation<TenantPort>> SetPortSecurityGroupsAsync(string projectId, string portId, IReadOnlyList<string> securityGroupIds, CancellationToken cancellationToken = default);

    /// <summary>Creates a router, with an external gateway (source NAT) when an external network is named.</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="spec">What to create.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The router and the time that took.</returns>
    ValueTask<TimedOperation<TenantRouter>> CreateRouterAsync(string projectId, RouterSpec spec, CancellationToken cancellationToken = default);

    /// <summary>Attaches a subnet to a router (the router takes the subnet's gateway address).</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="routerId">The router.</param>
    /// <param name="subnetId">The subnet.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The router and the time until every node routes for the subnet.</returns>
    ValueTask<TimedOperation<TenantRouter>> AddRouterInterfaceAsync(string projectId, string routerId, string subnetId, CancellationToken cancellationToken = default);

    /// <summary>Deletes a router with its interfaces and the floating IPs that use it.</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="routerId">The router.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The router id and the time until no node routes for it.</returns>
    ValueTask<TimedOperation<string>> DeleteRouterAsync(string projectId, string routerId, CancellationToken cancellationToken = default);

    /// <summary>Allocates a floating IP on an external network and associates it with a port (destination NAT).</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="externalNetworkId">The external network.</param>
    /// <param name="portId">The port (its network must be routed to the external network by one of the project's routers).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The floating IP and the time that took.</returns>
    ValueTask<TimedOperation<FloatingIp>> CreateFloatingIpAsync(string projectId, string externalNetworkId, string portId, CancellationToken cancellationToken = default);

    /// <summary>Creates a security group; like Neutron's, a new group allows all egress and no ingress.</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="name">The group name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The group and the time that took.</returns>
    ValueTask<TimedOperation<SecurityGroup>> CreateSecurityGroupAsync(string projectId, string name, CancellationToken cancellationToken = default);

    /// <summary>Adds a rule to a security group.</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="securityGroupId">The group.</param>
    /// <param name="rule">The rule.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The group and the time until every node enforces the rule.</returns>
    ValueTask<TimedOperation<SecurityGroup>> AddSecurityGroupRuleAsync(string projectId, string securityGroupId, SecurityGroupRule rule, CancellationToken cancellationToken = default);

    /// <summary>Removes a rule from a security group (the rule equal to the one given).</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="securityGroupId">The group.</param>
    /// <param name="rule">The rule to remove, equal in every field to one of the group's.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The group and the time until no node enforces the rule any more.</returns>
    ValueTask<TimedOperation<SecurityGroup>> RemoveSecurityGroupRuleAsync(string projectId, string securityGroupId, SecurityGroupRule rule, CancellationToken cancellationToken = default);

    /// <summary>Shares a network with another project (a Neutron RBAC policy <c>access_as_shared</c>): a trust relationship.</summary>
    /// <param name="projectId">The owning project.</param>
    /// <param name="networkId">The network.</param>
    /// <param name="targetProjectId">The project trusted with it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The policy and the time that took.</returns>
    ValueTask<TimedOperation<NetworkShare>> ShareNetworkAsync(string projectId, string networkId, string targetProjectId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates a BGP VPN (networking-bgpvpn) to a VRF on the fabric's border edge: the SDN controller behind the network
    /// service provisions an EVPN route-type-5 path from every compute node's tunnel endpoint to the border edge.
    /// </summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="spec">What to create.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The VPN (with its L3 VNI and border node) and the time that took.</returns>
    ValueTask<TimedOperation<BorderVpn>> CreateBorderVpnAsync(string projectId, BorderVpnSpec spec, CancellationToken cancellationToken = default);

    /// <summary>Associates a tenant network with a BGP VPN: its workloads reach the VPN's prefixes through the border edge.</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="vpnId">The VPN.</param>
    /// <param name="networkId">The network.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The VPN and the time until every node forwards to it.</returns>
    ValueTask<TimedOperation<BorderVpn>> AssociateBorderVpnAsync(string projectId, string vpnId, string networkId, CancellationToken cancellationToken = default);

    /// <summary>Replaces the tags of a resource the project owns (any kind: network, subnet, port, router, group, volume, floating IP).</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="resourceId">The resource.</param>
    /// <param name="tags">The tags.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The tags now on the resource.</returns>
    ValueTask<IReadOnlyList<string>> SetTagsAsync(string projectId, string resourceId, IReadOnlyList<string> tags, CancellationToken cancellationToken = default);

    /// <summary>Reports the resources a project holds and its ports' traffic counters; only the owner may ask.</summary>
    /// <param name="requesterProjectId">The calling project.</param>
    /// <param name="ownerProjectId">The project whose usage is asked for.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The usage.</returns>
    /// <exception cref="TenantAccessDeniedException">The caller is not the owner.</exception>
    ValueTask<ProjectUsage> GetUsageAsync(string requesterProjectId, string ownerProjectId, CancellationToken cancellationToken = default);

    /// <summary>Reads the notifications about the project's resources after a sequence number.</summary>
    /// <param name="projectId">The calling project (only its own resources' events are returned).</param>
    /// <param name="afterSequence">The last sequence already read (0 for all).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The events in order.</returns>
    ValueTask<IReadOnlyList<ResourceEvent>> ReadEventsAsync(string projectId, long afterSequence, CancellationToken cancellationToken = default);

    /// <summary>Reads the storage pool's capacity and what is allocated from it.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The capacity.</returns>
    ValueTask<StorageCapacity> GetStorageAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates a volume (Cinder).</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="spec">What to create.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The volume once it is available, and the time that took.</returns>
    ValueTask<TimedOperation<TenantVolume>> CreateVolumeAsync(string projectId, VolumeSpec spec, CancellationToken cancellationToken = default);

    /// <summary>Attaches a volume to the workload that owns a port.</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="volumeId">The volume.</param>
    /// <param name="portId">The workload's port.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The volume (in-use) and the time that took.</returns>
    ValueTask<TimedOperation<TenantVolume>> AttachVolumeAsync(string projectId, string volumeId, string portId, CancellationToken cancellationToken = default);

    /// <summary>Writes bytes to an attached volume, as its workload would.</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="volumeId">The volume.</param>
    /// <param name="offset">The byte offset.</param>
    /// <param name="data">The bytes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    ValueTask WriteVolumeAsync(string projectId, string volumeId, long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>Reads bytes from an attached volume, as its workload would.</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="volumeId">The volume.</param>
    /// <param name="offset">The byte offset.</param>
    /// <param name="length">How many bytes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="TenantNetworkingException">A stored block failed its integrity check.</exception>
    ValueTask<byte[]> ReadVolumeAsync(string projectId, string volumeId, long offset, int length, CancellationToken cancellationToken = default);

    /// <summary>Detaches a volume.</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="volumeId">The volume.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The volume (available) and the time that took.</returns>
    ValueTask<TimedOperation<TenantVolume>> DetachVolumeAsync(string projectId, string volumeId, CancellationToken cancellationToken = default);

    /// <summary>Deletes a detached volume and returns its capacity to the pool.</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="volumeId">The volume.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The volume id and the time that took.</returns>
    ValueTask<TimedOperation<string>> DeleteVolumeAsync(string projectId, string volumeId, CancellationToken cancellationToken = default);

    /// <summary>Sends one real frame and, unless it is dropped, the destination's answer, and reports what each point of the path saw.</summary>
    /// <param name="probe">The probe.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The request's path and the reply's.</returns>
    ValueTask<ProbeResult> ProbeAsync(TenantProbe probe, CancellationToken cancellationToken = default);
}

/// <summary>
/// The simulation-only part of tenant networking: an attacker's access to the modeled storage back end and contention
/// trials run in rounds over a modeled node uplink. Only a target that models its tenant network (the emulator)
/// offers it; a real target refuses nothing here because it simply does not offer the facet. Scenarios that need it
/// carry <c>@requires:</c><see cref="Capability"/>, so they are not applicable, with the reason, on a real target.
/// The calls are instant, in-memory operations on the model, so they are synchronous.
/// </summary>
public interface ITenantNetworkingSimulation
{
    /// <summary>
    /// The feature name a target publishes on its nodes when it offers this facet (what <c>@requires:</c> tags name): the
    /// one a modeled dataplane publishes, as for <see cref="ServiceChaining.IChainTrialSimulation"/>.
    /// </summary>
    const string Capability = ServiceChaining.IChainTrialSimulation.Capability;

    /// <summary>Reads what the modeled storage back end holds for a volume's byte range (an operator's view of the disks).</summary>
    /// <param name="volumeId">The volume.</param>
    /// <param name="offset">The byte offset.</param>
    /// <param name="length">How many bytes.</param>
    /// <returns>The bytes as stored.</returns>
    byte[] ReadVolumeBackend(string volumeId, long offset, int length);

    /// <summary>Flips one bit of what the modeled back end holds (an attacker with access to the disks).</summary>
    /// <param name="volumeId">The volume.</param>
    /// <param name="offset">The byte offset of the bit to flip.</param>
    void TamperVolumeBackend(string volumeId, long offset);

    /// <summary>
    /// Runs two flows at once, in rounds of the model, from ports on one compute node to ports on another over the node's
    /// shared uplink: a victim at a modest rate and an attacker flooding above the uplink's capacity, and counts each
    /// flow's loss.
    /// </summary>
    /// <param name="trial">The flows.</param>
    /// <returns>What each flow sent and got delivered, with drops by reason.</returns>
    ContentionResult RunContention(ContentionTrial trial);
}
