// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Abstractions.TenantNetworking;

/// <summary>A resource operation's result and the wall time until the resource was usable (or gone).</summary>
/// <typeparam name="T">The resource.</typeparam>
/// <param name="Result">The resource as the service returned it.</param>
/// <param name="Elapsed">Measured wall time of the whole operation.</param>
public sealed record TimedOperation<T>(T Result, TimeSpan Elapsed)
{
    /// <summary>
    /// Gets why the target cannot do what was asked (a real host without a border edge or a storage back end), or null
    /// when it was done. A refused operation changed nothing, and <see cref="Result"/> only echoes the request.
    /// </summary>
    public string? Refusal { get; init; }
}

/// <summary>How the tenant networking service is built.</summary>
/// <param name="Encapsulation">The overlay between nodes (<c>vxlan</c>, <c>geneve</c>, ...).</param>
/// <param name="UnderlayProtection">How the overlay hop is protected on the wire (<c>esp-aes-gcm-128</c>), or <c>none</c>.</param>
/// <param name="RoutingMode"><c>distributed</c> (each compute node routes) or <c>centralised</c> (network nodes route).</param>
/// <param name="Nodes">The nodes that carry the overlay.</param>
public sealed record TenantNetworkingInfo(string Encapsulation, string UnderlayProtection, string RoutingMode, IReadOnlyList<OverlayNode> Nodes)
{
    /// <summary>Gets the SDN controller the network service provisions the fabric through, or null when none is integrated.</summary>
    public string? FabricController { get; init; }

    /// <summary>
    /// Gets what the service does not offer, by name (<see cref="BorderVpnFeature"/>, <see cref="VolumesFeature"/>), each
    /// with the reason: published up front so a scenario that needs it is not applicable with that reason, and the calls
    /// that need it return a refusal rather than a fake.
    /// </summary>
    public IReadOnlyDictionary<string, string> Absent { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The name of the BGP VPN to a border-edge VRF in <see cref="Absent"/>.</summary>
    public const string BorderVpnFeature = "border-vpn";

    /// <summary>The name of volumes (Cinder) in <see cref="Absent"/>.</summary>
    public const string VolumesFeature = "volumes";
}

/// <summary>A node that terminates overlay tunnels.</summary>
/// <param name="Id">The node id (the hardware inventory's for compute nodes).</param>
/// <param name="Role"><c>compute</c>, <c>network</c> or <c>border</c> (the fabric's border edge).</param>
/// <param name="UnderlayAddress">The node's tunnel endpoint address on the underlay.</param>
public sealed record OverlayNode(string Id, string Role, string UnderlayAddress);

/// <summary>A project (tenant).</summary>
/// <param name="Id">The id.</param>
/// <param name="Name">The name.</param>
/// <param name="DefaultSecurityGroupId">The project's <c>default</c> security group (egress to anywhere, ingress from its own members).</param>
public sealed record TenantProject(string Id, string Name, string DefaultSecurityGroupId);

/// <summary>What network to create.</summary>
/// <param name="Name">The name.</param>
public sealed record NetworkSpec(string Name)
{
    /// <summary>Gets a value indicating whether this is an external (provider) network that routers use as gateway.</summary>
    public bool External { get; init; }

    /// <summary>Gets the MTU; null takes the service default.</summary>
    public int? Mtu { get; init; }
}

/// <summary>What to change on a network; null members stay as they are.</summary>
public sealed record NetworkUpdate
{
    /// <summary>Gets the new name.</summary>
    public string? Name { get; init; }

    /// <summary>Gets the new MTU (Neutron's <c>net-mtu-writable</c>).</summary>
    public int? Mtu { get; init; }

    /// <summary>Gets the new administrative state.</summary>
    public bool? AdminStateUp { get; init; }
}

/// <summary>A network.</summary>
/// <param name="Id">The id.</param>
/// <param name="ProjectId">The owner.</param>
/// <param name="Name">The name.</param>
/// <param name="External">Whether it is an external network.</param>
/// <param name="SegmentationId">The overlay network identifier (VNI) or provider VLAN.</param>
/// <param name="Mtu">The MTU.</param>
/// <param name="AdminStateUp">The administrative state.</param>
/// <param name="Status"><c>ACTIVE</c> or <c>DOWN</c>.</param>
/// <param name="SubnetIds">The subnets.</param>
/// <param name="Tags">The tags.</param>
public sealed record TenantNetwork(
    string Id,
    string ProjectId,
    string Name,
    bool External,
    int SegmentationId,
    int Mtu,
    bool AdminStateUp,
    string Status,
    IReadOnlyList<string> SubnetIds,
    IReadOnlyList<string> Tags);

/// <summary>What subnet to create.</summary>
/// <param name="NetworkId">The network.</param>
/// <param name="Cidr">The prefix, IPv4 (<c>10.0.0.0/24</c>) or IPv6 (<c>fd00:1::/64</c>); the first host address is the gateway.</param>
public sealed record SubnetSpec(string NetworkId, string Cidr);

/// <summary>A subnet.</summary>
/// <param name="Id">The id.</param>
/// <param name="NetworkId">The network.</param>
/// <param name="Cidr">The prefix.</param>
/// <param name="IpVersion">4 or 6.</param>
/// <param name="GatewayIp">The gateway address.</param>
public sealed record TenantSubnet(string Id, string NetworkId, string Cidr, int IpVersion, string GatewayIp);

/// <summary>What port to create.</summary>
/// <param name="NetworkId">The network.</param>
/// <param name="NodeId">The compute node the workload runs on (<c>binding:host_id</c>).</param>
public sealed record PortSpec(string NetworkId, string NodeId)
{
    /// <summary>Gets the fixed addresses wanted (one per subnet at most); others are allocated.</summary>
    public IReadOnlyList<string> FixedIps { get; init; } = [];

    /// <summary>Gets the security groups; null takes the project's default group.</summary>
    public IReadOnlyList<string>? SecurityGroupIds { get; init; }
}

/// <summary>A port.</summary>
/// <param name="Id">The id.</param>
/// <param name="ProjectId">The owner.</param>
/// <param name="NetworkId">The network.</param>
/// <param name="NodeId">The compute node it is bound to.</param>
/// <param name="MacAddress">The MAC address.</param>
/// <param name="FixedIps">Its addresses (one per subnet).</param>
/// <param name="SecurityGroupIds">Its security groups.</param>
/// <param name="Status"><c>ACTIVE</c> or <c>DOWN</c>.</param>
/// <param name="Tags">The tags.</param>
public sealed record TenantPort(
    string Id,
    string ProjectId,
    string NetworkId,
    string NodeId,
    string MacAddress,
    IReadOnlyList<string> FixedIps,
    IReadOnlyList<string> SecurityGroupIds,
    string Status,
    IReadOnlyList<string> Tags);

/// <summary>What router to create.</summary>
/// <param name="Name">The name.</param>
public sealed record RouterSpec(string Name)
{
    /// <summary>Gets the external network for the gateway (source NAT); null for none.</summary>
    public string? ExternalNetworkId { get; init; }
}

/// <summary>A router.</summary>
/// <param name="Id">The id.</param>
/// <param name="ProjectId">The owner.</param>
/// <param name="Name">The name.</param>
/// <param name="ExternalNetworkId">The gateway's external network, or null.</param>
/// <param name="ExternalGatewayIp">The gateway's (SNAT) address on the external network, or null.</param>
/// <param name="SubnetIds">The attached subnets.</param>
public sealed record TenantRouter(string Id, string ProjectId, string Name, string? ExternalNetworkId, string? ExternalGatewayIp, IReadOnlyList<string> SubnetIds);

/// <summary>A floating IP.</summary>
/// <param name="Id">The id.</param>
/// <param name="ProjectId">The owner.</param>
/// <param name="FloatingIpAddress">The address on the external network.</param>
/// <param name="FixedIpAddress">The port address it translates to.</param>
/// <param name="PortId">The port.</param>
public sealed record FloatingIp(string Id, string ProjectId, string FloatingIpAddress, string FixedIpAddress, string PortId);

/// <summary>What BGP VPN to create.</summary>
/// <param name="Name">The name.</param>
/// <param name="RouteTarget">The route target (<c>ASN:number</c>) of the border VRF.</param>
/// <param name="RemotePrefixes">Prefixes reachable in the border VRF.</param>
public sealed record BorderVpnSpec(string Name, string RouteTarget, IReadOnlyList<string> RemotePrefixes);

/// <summary>A BGP VPN to a border-edge VRF.</summary>
/// <param name="Id">The id.</param>
/// <param name="ProjectId">The owner.</param>
/// <param name="Name">The name.</param>
/// <param name="RouteTarget">The route target.</param>
/// <param name="L3Vni">The VNI of the VRF on the overlay (EVPN symmetric routing).</param>
/// <param name="BorderNodeId">The border-edge node that terminates it.</param>
/// <param name="RemotePrefixes">Prefixes reachable through it.</param>
/// <param name="NetworkIds">Associated networks.</param>
public sealed record BorderVpn(string Id, string ProjectId, string Name, string RouteTarget, int L3Vni, string BorderNodeId, IReadOnlyList<string> RemotePrefixes, IReadOnlyList<string> NetworkIds);

/// <summary>Traffic direction seen from the port.</summary>
public enum RuleDirection
{
    /// <summary>Into the port.</summary>
    Ingress = 0,

    /// <summary>Out of the port.</summary>
    Egress = 1,
}

/// <summary>A security group rule (Neutron's fields).</summary>
/// <param name="Direction">Ingress or egress.</param>
/// <param name="Protocol"><c>tcp</c>, <c>udp</c>, <c>icmp</c>, or null for any.</param>
public sealed record SecurityGroupRule(RuleDirection Direction, string? Protocol)
{
    /// <summary>Gets the IP version the rule applies to (4 or 6).</summary>
    public int EtherType { get; init; } = 4;

    /// <summary>Gets the lowest destination port (TCP/UDP); null for any.</summary>
    public int? PortRangeMin { get; init; }

    /// <summary>Gets the highest destination port (TCP/UDP); null for any.</summary>
    public int? PortRangeMax { get; init; }

    /// <summary>Gets the remote prefix (source for ingress, destination for egress); null for any.</summary>
    public string? RemoteIpPrefix { get; init; }

    /// <summary>Gets the remote group (the remote address must belong to one of its members); exclusive with the prefix.</summary>
    public string? RemoteGroupId { get; init; }
}

/// <summary>A security group.</summary>
/// <param name="Id">The id.</param>
/// <param name="ProjectId">The owner.</param>
/// <param name="Name">The name.</param>
/// <param name="Rules">The rules.</param>
public sealed record SecurityGroup(string Id, string ProjectId, string Name, IReadOnlyList<SecurityGroupRule> Rules);

/// <summary>A network shared with another project.</summary>
/// <param name="Id">The RBAC policy id.</param>
/// <param name="NetworkId">The network.</param>
/// <param name="OwnerProjectId">The owner.</param>
/// <param name="TargetProjectId">The project trusted with it.</param>
public sealed record NetworkShare(string Id, string NetworkId, string OwnerProjectId, string TargetProjectId);

/// <summary>A tag filter, as Neutron's list filters.</summary>
public sealed record TagFilter
{
    /// <summary>Gets tags that must all be present (<c>tags</c>).</summary>
    public IReadOnlyList<string> All { get; init; } = [];

    /// <summary>Gets tags of which one must be present (<c>tags-any</c>).</summary>
    public IReadOnlyList<string> Any { get; init; } = [];

    /// <summary>Gets tags that must not all be present (<c>not-tags</c>).</summary>
    public IReadOnlyList<string> NotAll { get; init; } = [];
}

/// <summary>The traffic counters of one port.</summary>
/// <param name="PortId">The port.</param>
/// <param name="TxPackets">Frames the port sent.</param>
/// <param name="TxBytes">Bytes the port sent.</param>
/// <param name="RxPackets">Frames delivered to the port.</param>
/// <param name="RxBytes">Bytes delivered to the port.</param>
public sealed record PortCounters(string PortId, long TxPackets, long TxBytes, long RxPackets, long RxBytes);

/// <summary>What a project holds.</summary>
/// <param name="ProjectId">The project.</param>
/// <param name="Networks">Networks it owns.</param>
/// <param name="Subnets">Subnets it owns.</param>
/// <param name="Ports">Ports it owns.</param>
/// <param name="Routers">Routers it owns.</param>
/// <param name="FloatingIps">Floating IPs it owns.</param>
/// <param name="SecurityGroups">Security groups it owns.</param>
/// <param name="Volumes">Volumes it owns.</param>
/// <param name="VolumeGiB">Their allocated size.</param>
/// <param name="PortTraffic">Per-port traffic counters.</param>
public sealed record ProjectUsage(
    string ProjectId,
    int Networks,
    int Subnets,
    int Ports,
    int Routers,
    int FloatingIps,
    int SecurityGroups,
    int Volumes,
    long VolumeGiB,
    IReadOnlyList<PortCounters> PortTraffic);

/// <summary>A notification about a resource (Neutron's <c>network.create.end</c>, Cinder's <c>volume.attach.end</c>, ...).</summary>
/// <param name="Sequence">Increasing sequence number.</param>
/// <param name="Time">When it was emitted.</param>
/// <param name="ProjectId">The owning project.</param>
/// <param name="ResourceType"><c>network</c>, <c>subnet</c>, <c>port</c>, <c>router</c>, <c>floatingip</c>, <c>security_group</c>, <c>volume</c>.</param>
/// <param name="ResourceId">The resource.</param>
/// <param name="EventType">The event type, for example <c>port.create.end</c>.</param>
/// <param name="Status">The resource's state after the change (<c>ACTIVE</c>, <c>DOWN</c>, <c>in-use</c>, <c>DELETED</c>...).</param>
public sealed record ResourceEvent(long Sequence, DateTimeOffset Time, string ProjectId, string ResourceType, string ResourceId, string EventType, string Status);

/// <summary>The storage pool.</summary>
/// <param name="TotalGiB">Capacity.</param>
/// <param name="AllocatedGiB">Allocated to volumes.</param>
public sealed record StorageCapacity(long TotalGiB, long AllocatedGiB);

/// <summary>What volume to create.</summary>
/// <param name="Name">The name.</param>
/// <param name="SizeGiB">The size.</param>
public sealed record VolumeSpec(string Name, int SizeGiB)
{
    /// <summary>Gets a value indicating whether the volume type encrypts data at rest.</summary>
    public bool Encrypted { get; init; } = true;
}

/// <summary>A volume.</summary>
/// <param name="Id">The id.</param>
/// <param name="ProjectId">The owner.</param>
/// <param name="Name">The name.</param>
/// <param name="SizeGiB">The size.</param>
/// <param name="Status"><c>available</c> or <c>in-use</c>.</param>
/// <param name="AttachedPortId">The workload port it is attached to, or null.</param>
/// <param name="Encrypted">Whether data at rest is encrypted.</param>
public sealed record TenantVolume(string Id, string ProjectId, string Name, int SizeGiB, string Status, string? AttachedPortId, bool Encrypted);

/// <summary>The probe's transport.</summary>
public enum ProbeProtocol
{
    /// <summary>UDP.</summary>
    Udp = 0,

    /// <summary>TCP (a SYN; the reply is a SYN-ACK).</summary>
    Tcp = 1,

    /// <summary>ICMP or ICMPv6 echo.</summary>
    Icmp = 2,
}

/// <summary>A fault applied to a probe on the underlay.</summary>
public enum UnderlayFault
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary>One bit of the underlay frame's payload is flipped in transit (a tampering man in the middle).</summary>
    FlipPayloadBit = 1,
}

/// <summary>One real frame to send, from a tenant port or from a host on an external network; the destination echoes it back.</summary>
/// <param name="ProjectId">The project sending (owner of the source port; for an external source, the project that owns the floating IP or router addressed).</param>
/// <param name="Destination">The destination address.</param>
/// <param name="Protocol">The transport.</param>
public sealed record TenantProbe(string ProjectId, string Destination, ProbeProtocol Protocol)
{
    /// <summary>Gets the source port; null when <see cref="ExternalNetworkId"/> is set.</summary>
    public string? FromPortId { get; init; }

    /// <summary>Gets the external network the probe enters from, with <see cref="ExternalSource"/>.</summary>
    public string? ExternalNetworkId { get; init; }

    /// <summary>Gets the external host's address.</summary>
    public string? ExternalSource { get; init; }

    /// <summary>Gets the source port number (TCP/UDP) or echo identifier.</summary>
    public int SourcePort { get; init; } = 40000;

    /// <summary>Gets the destination port number (TCP/UDP).</summary>
    public int DestinationPort { get; init; } = 7;

    /// <summary>Gets the payload size in bytes.</summary>
    public int PayloadBytes { get; init; } = 32;

    /// <summary>Gets the fault applied on the underlay.</summary>
    public UnderlayFault Fault { get; init; }
}

/// <summary>Where a frame was seen.</summary>
public enum ObservationPoint
{
    /// <summary>Leaving the source port (as the workload sent it).</summary>
    SourcePort = 0,

    /// <summary>On the underlay between two nodes (the encapsulated bytes).</summary>
    Underlay = 1,

    /// <summary>On the external network.</summary>
    ExternalNetwork = 2,

    /// <summary>
    /// The tunnel packet as the receiving node's tunnel endpoint decapsulates it, after any underlay decryption
    /// (on a Linux node: the capture after the IPsec transform); equal to the underlay frame when it is not protected.
    /// </summary>
    TunnelEndpoint = 4,

    /// <summary>Delivered into a VRF on the border edge (the frame as the VRF receives it).</summary>
    BorderVrf = 5,

    /// <summary>Arriving at the destination port (as the workload receives it).</summary>
    DestinationPort = 3,
}

/// <summary>A frame seen at one point of a path.</summary>
/// <param name="Point">Where.</param>
/// <param name="Location">The port id, network id or <c>node-a -&gt; node-b</c>.</param>
/// <param name="FromNode">The underlay sender (underlay only).</param>
/// <param name="ToNode">The underlay receiver (underlay only).</param>
/// <param name="Frame">The bytes, from the Ethernet header.</param>
public sealed record ObservedFrame(ObservationPoint Point, string Location, string? FromNode, string? ToNode, byte[] Frame);

/// <summary>Why a frame was dropped.</summary>
public enum ProbeDropReason
{
    /// <summary>Not dropped.</summary>
    None = 0,

    /// <summary>No ingress rule of the destination port's security groups admits it.</summary>
    SecurityGroupIngress,

    /// <summary>No egress rule of the source port's security groups admits it.</summary>
    SecurityGroupEgress,

    /// <summary>No route or no port with that address is reachable from the source network.</summary>
    NoRoute,

    /// <summary>The address belongs to the underlay (infrastructure), which tenant networks cannot reach.</summary>
    UnderlayUnreachable,

    /// <summary>The network is administratively down.</summary>
    AdminDown,

    /// <summary>The frame is larger than the network's MTU.</summary>
    ExceedsMtu,

    /// <summary>The protected underlay frame failed its integrity check.</summary>
    IntegrityFailure,

    /// <summary>A queue was full.</summary>
    QueueFull,
}

/// <summary>One direction of a probe.</summary>
/// <param name="Delivered">Whether the frame reached its destination.</param>
/// <param name="DropReason">Why not.</param>
/// <param name="DropDetail">Where and why, in words.</param>
/// <param name="Frames">What each point of the path saw, in order.</param>
/// <param name="DeliveredToPortId">The port it was delivered to (null for the external network or a drop).</param>
public sealed record ProbePath(bool Delivered, ProbeDropReason DropReason, string DropDetail, IReadOnlyList<ObservedFrame> Frames, string? DeliveredToPortId);

/// <summary>A probe's request and the destination's reply.</summary>
/// <param name="Request">The request's path.</param>
/// <param name="Reply">The reply's path, or null when the request was dropped.</param>
public sealed record ProbeResult(ProbePath Request, ProbePath? Reply);

/// <summary>Two flows sharing a compute node's uplink.</summary>
/// <param name="VictimPortId">The victim's source port.</param>
/// <param name="VictimDestination">The victim's destination address.</param>
/// <param name="VictimProjectId">The victim's project.</param>
/// <param name="AttackerPortId">The attacker's source port (another project, same node).</param>
/// <param name="AttackerDestination">The attacker's destination address.</param>
/// <param name="AttackerProjectId">The attacker's project.</param>
public sealed record ContentionTrial(
    string VictimPortId,
    string VictimDestination,
    string VictimProjectId,
    string AttackerPortId,
    string AttackerDestination,
    string AttackerProjectId)
{
    /// <summary>Gets the victim's offered load as a fraction of the uplink's capacity.</summary>
    public double VictimLoad { get; init; } = 0.1;

    /// <summary>Gets the attacker's offered load as a fraction of the uplink's capacity.</summary>
    public double AttackerLoad { get; init; } = 3.0;

    /// <summary>Gets the trial's length in uplink scheduling rounds.</summary>
    public int Rounds { get; init; } = 200;
}

/// <summary>What one flow of a contention trial sent and got delivered.</summary>
/// <param name="Sent">Frames sent.</param>
/// <param name="Delivered">Frames delivered to the destination port (parsed and counted there).</param>
/// <param name="DropsByReason">Drops by reason.</param>
public sealed record FlowOutcome(long Sent, long Delivered, IReadOnlyDictionary<ProbeDropReason, long> DropsByReason)
{
    /// <summary>Gets the lost fraction.</summary>
    public double LossRatio => Sent == 0 ? 0 : (double)(Sent - Delivered) / Sent;
}

/// <summary>The result of a contention trial.</summary>
/// <param name="Victim">The victim flow.</param>
/// <param name="Attacker">The attacker flow.</param>
/// <param name="UplinkFramesPerRound">The uplink's capacity.</param>
public sealed record ContentionResult(FlowOutcome Victim, FlowOutcome Attacker, int UplinkFramesPerRound);

/// <summary>Bad input to the tenant networking service: the message names the field and what to do.</summary>
public class TenantNetworkingException : NfvConformanceException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and what to do.</param>
    public TenantNetworkingException(string message)
        : base(message)
    {
    }
}

/// <summary>The calling project may not see or use the resource (another project's, not shared).</summary>
public sealed class TenantAccessDeniedException : TenantNetworkingException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Who asked for what, and whose it is.</param>
    public TenantAccessDeniedException(string message)
        : base(message)
    {
    }
}
