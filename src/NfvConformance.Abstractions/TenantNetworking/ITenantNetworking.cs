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
/// real target: the API call and the wait until the resource is ACTIVE, or gone).
/// </summary>
public interface ITenantNetworking
{
    /// <summary>Gets how the service is built: encapsulation, underlay protection, routing mode and the nodes.</summary>
    TenantNetworkingInfo Info { get; }

    /// <summary>Creates a project (tenant).</summary>
    /// <param name="name">The project name (unique).</param>
    /// <returns>The project and the time until it was usable.</returns>
    TimedOperation<TenantProject> CreateProject(string name);

    /// <summary>Deletes a project and every resource it owns (an operator's clean-up).</summary>
    /// <param name="projectId">The project.</param>
    /// <returns>The time until everything was released.</returns>
    TimedOperation<string> DeleteProject(string projectId);

    /// <summary>Creates an internal tenant network, or (with <see cref="NetworkSpec.External"/>) an external provider network.</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="spec">What to create.</param>
    /// <returns>The network once it is ACTIVE on every node, and the time that took.</returns>
    TimedOperation<TenantNetwork> CreateNetwork(string projectId, NetworkSpec spec);

    /// <summary>Updates a network (name, MTU, administrative state).</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="networkId">The network.</param>
    /// <param name="update">What to change; null members stay.</param>
    /// <returns>The network once every node applies the change, and the time that took.</returns>
    TimedOperation<TenantNetwork> UpdateNetwork(string projectId, string networkId, NetworkUpdate update);

    /// <summary>Deletes a network with its subnets; fails while ports other than router interfaces use it.</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="networkId">The network.</param>
    /// <returns>The network id and the time until no node carries it any more.</returns>
    TimedOperation<string> DeleteNetwork(string projectId, string networkId);

    /// <summary>Lists the networks the project can see (its own, shared ones and external ones), filtered by tags.</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="filter">Tag filter (Neutron's <c>tags</c>, <c>tags-any</c>, <c>not-tags</c>); null for all.</param>
    /// <returns>The networks.</returns>
    IReadOnlyList<TenantNetwork> ListNetworks(string projectId, TagFilter? filter = null);

    /// <summary>Creates an IPv4 or IPv6 subnet on a network.</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="spec">What to create.</param>
    /// <returns>The subnet and the time that took.</returns>
    TimedOperation<TenantSubnet> CreateSubnet(string projectId, SubnetSpec spec);

    /// <summary>Creates a port on a network, bound to a compute node (a workload's vNIC), with an address from each subnet.</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="spec">What to create.</param>
    /// <returns>The port once it is ACTIVE, and the time that took.</returns>
    TimedOperation<TenantPort> CreatePort(string projectId, PortSpec spec);

    /// <summary>Deletes a port.</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="portId">The port.</param>
    /// <returns>The port id and the time that took.</returns>
    TimedOperation<string> DeletePort(string projectId, string portId);

    /// <summary>Lists the project's ports, filtered by tags.</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="filter">Tag filter; null for all.</param>
    /// <returns>The ports.</returns>
    IReadOnlyList<TenantPort> ListPorts(string projectId, TagFilter? filter = null);

    /// <summary>Replaces the security groups of a port.</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="portId">The port.</param>
    /// <param name="securityGroupIds">The groups (the project's own).</param>
    /// <returns>The port and the time until every node enforces the new set.</returns>
    TimedOperation<TenantPort> SetPortSecurityGroups(string projectId, string portId, IReadOnlyList<string> securityGroupIds);

    /// <summary>Creates a router, with an external gateway (source NAT) when an external network is named.</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="spec">What to create.</param>
    /// <returns>The router and the time that took.</returns>
    TimedOperation<TenantRouter> CreateRouter(string projectId, RouterSpec spec);

    /// <summary>Attaches a subnet to a router (the router takes the subnet's gateway address).</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="routerId">The router.</param>
    /// <param name="subnetId">The subnet.</param>
    /// <returns>The router and the time until every node routes for the subnet.</returns>
    TimedOperation<TenantRouter> AddRouterInterface(string projectId, string routerId, string subnetId);

    /// <summary>Deletes a router with its interfaces and the floating IPs that use it.</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="routerId">The router.</param>
    /// <returns>The router id and the time until no node routes for it.</returns>
    TimedOperation<string> DeleteRouter(string projectId, string routerId);

    /// <summary>Allocates a floating IP on an external network and associates it with a port (destination NAT).</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="externalNetworkId">The external network.</param>
    /// <param name="portId">The port (its network must be routed to the external network by one of the project's routers).</param>
    /// <returns>The floating IP and the time that took.</returns>
    TimedOperation<FloatingIp> CreateFloatingIp(string projectId, string externalNetworkId, string portId);

    /// <summary>Creates a security group; like Neutron's, a new group allows all egress and no ingress.</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="name">The group name.</param>
    /// <returns>The group and the time that took.</returns>
    TimedOperation<SecurityGroup> CreateSecurityGroup(string projectId, string name);

    /// <summary>Adds a rule to a security group.</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="securityGroupId">The group.</param>
    /// <param name="rule">The rule.</param>
    /// <returns>The group and the time until every node enforces the rule.</returns>
    TimedOperation<SecurityGroup> AddSecurityGroupRule(string projectId, string securityGroupId, SecurityGroupRule rule);

    /// <summary>Removes a rule from a security group (the rule equal to the one given).</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="securityGroupId">The group.</param>
    /// <param name="rule">The rule to remove, equal in every field to one of the group's.</param>
    /// <returns>The group and the time until no node enforces the rule any more.</returns>
    TimedOperation<SecurityGroup> RemoveSecurityGroupRule(string projectId, string securityGroupId, SecurityGroupRule rule);

    /// <summary>Shares a network with another project (a Neutron RBAC policy <c>access_as_shared</c>): a trust relationship.</summary>
    /// <param name="projectId">The owning project.</param>
    /// <param name="networkId">The network.</param>
    /// <param name="targetProjectId">The project trusted with it.</param>
    /// <returns>The policy and the time that took.</returns>
    TimedOperation<NetworkShare> ShareNetwork(string projectId, string networkId, string targetProjectId);

    /// <summary>
    /// Creates a BGP VPN (networking-bgpvpn) to a VRF on the fabric's border edge: the SDN controller behind the network
    /// service provisions an EVPN route-type-5 path from every compute node's tunnel endpoint to the border edge.
    /// </summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="spec">What to create.</param>
    /// <returns>The VPN (with its L3 VNI and border node) and the time that took.</returns>
    TimedOperation<BorderVpn> CreateBorderVpn(string projectId, BorderVpnSpec spec);

    /// <summary>Associates a tenant network with a BGP VPN: its workloads reach the VPN's prefixes through the border edge.</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="vpnId">The VPN.</param>
    /// <param name="networkId">The network.</param>
    /// <returns>The VPN and the time until every node forwards to it.</returns>
    TimedOperation<BorderVpn> AssociateBorderVpn(string projectId, string vpnId, string networkId);

    /// <summary>Replaces the tags of a resource the project owns (any kind: network, subnet, port, router, group, volume, floating IP).</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="resourceId">The resource.</param>
    /// <param name="tags">The tags.</param>
    /// <returns>The tags now on the resource.</returns>
    IReadOnlyList<string> SetTags(string projectId, string resourceId, IReadOnlyList<string> tags);

    /// <summary>Reports the resources a project holds and its ports' traffic counters; only the owner may ask.</summary>
    /// <param name="requesterProjectId">The calling project.</param>
    /// <param name="ownerProjectId">The project whose usage is asked for.</param>
    /// <returns>The usage.</returns>
    /// <exception cref="TenantAccessDeniedException">The caller is not the owner.</exception>
    ProjectUsage GetUsage(string requesterProjectId, string ownerProjectId);

    /// <summary>Reads the notifications about the project's resources after a sequence number.</summary>
    /// <param name="projectId">The calling project (only its own resources' events are returned).</param>
    /// <param name="afterSequence">The last sequence already read (0 for all).</param>
    /// <returns>The events in order.</returns>
    IReadOnlyList<ResourceEvent> ReadEvents(string projectId, long afterSequence);

    /// <summary>Gets the storage pool's capacity and what is allocated from it.</summary>
    StorageCapacity Storage { get; }

    /// <summary>Creates a volume (Cinder).</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="spec">What to create.</param>
    /// <returns>The volume once it is available, and the time that took.</returns>
    TimedOperation<TenantVolume> CreateVolume(string projectId, VolumeSpec spec);

    /// <summary>Attaches a volume to the workload that owns a port.</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="volumeId">The volume.</param>
    /// <param name="portId">The workload's port.</param>
    /// <returns>The volume (in-use) and the time that took.</returns>
    TimedOperation<TenantVolume> AttachVolume(string projectId, string volumeId, string portId);

    /// <summary>Writes bytes to an attached volume, as its workload would.</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="volumeId">The volume.</param>
    /// <param name="offset">The byte offset.</param>
    /// <param name="data">The bytes.</param>
    void WriteVolume(string projectId, string volumeId, long offset, ReadOnlyMemory<byte> data);

    /// <summary>Reads bytes from an attached volume, as its workload would.</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="volumeId">The volume.</param>
    /// <param name="offset">The byte offset.</param>
    /// <param name="length">How many bytes.</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="TenantNetworkingException">A stored block failed its integrity check.</exception>
    byte[] ReadVolume(string projectId, string volumeId, long offset, int length);

    /// <summary>Reads what the storage back end holds for a volume's byte range (an operator's view of the disks).</summary>
    /// <param name="volumeId">The volume.</param>
    /// <param name="offset">The byte offset.</param>
    /// <param name="length">How many bytes.</param>
    /// <returns>The bytes as stored.</returns>
    byte[] ReadVolumeBackend(string volumeId, long offset, int length);

    /// <summary>Flips one bit of what the back end holds (an attacker with access to the disks).</summary>
    /// <param name="volumeId">The volume.</param>
    /// <param name="offset">The byte offset of the bit to flip.</param>
    void TamperVolumeBackend(string volumeId, long offset);

    /// <summary>Detaches a volume.</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="volumeId">The volume.</param>
    /// <returns>The volume (available) and the time that took.</returns>
    TimedOperation<TenantVolume> DetachVolume(string projectId, string volumeId);

    /// <summary>Deletes a detached volume and returns its capacity to the pool.</summary>
    /// <param name="projectId">The calling project.</param>
    /// <param name="volumeId">The volume.</param>
    /// <returns>The volume id and the time that took.</returns>
    TimedOperation<string> DeleteVolume(string projectId, string volumeId);

    /// <summary>Sends one real frame and, unless it is dropped, the destination's answer, and reports what each point of the path saw.</summary>
    /// <param name="probe">The probe.</param>
    /// <returns>The request's path and the reply's.</returns>
    ProbeResult Probe(TenantProbe probe);

    /// <summary>
    /// Runs two flows at once from ports on one compute node to ports on another, over the node's shared uplink: a
    /// victim at a modest rate and an attacker flooding above the uplink's capacity, and counts each flow's loss.
    /// </summary>
    /// <param name="trial">The flows.</param>
    /// <returns>What each flow sent and got delivered, with drops by reason.</returns>
    ContentionResult RunContention(ContentionTrial trial);
}
