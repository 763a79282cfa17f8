// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Abstractions.ServiceChaining;

/// <summary>The SFC encapsulation a chain or a service function uses (networking-sfc <c>correlation</c>).</summary>
public enum SfcCorrelation
{
    /// <summary>No SFC encapsulation (the service function is SFC-unaware); the default for a port pair.</summary>
    None = 0,

    /// <summary>MPLS labels carry the path id and index; the networking-sfc default for a port chain.</summary>
    Mpls,

    /// <summary>NSH (RFC 8300) carries the service path identifier (SPI) and service index (SI).</summary>
    Nsh,
}

/// <summary>The packet fields a port pair group hashes to spread flows over its port pairs (networking-sfc <c>lb_fields</c>).</summary>
[Flags]
public enum LoadBalanceFields
{
    /// <summary>Nothing listed: the emulator hashes the full 5-tuple (addresses, protocol, ports).</summary>
    None = 0,

    /// <summary>Ethernet source address.</summary>
    EthSrc = 1 << 0,

    /// <summary>Ethernet destination address.</summary>
    EthDst = 1 << 1,

    /// <summary>IP source address.</summary>
    IpSrc = 1 << 2,

    /// <summary>IP destination address.</summary>
    IpDst = 1 << 3,

    /// <summary>TCP source port.</summary>
    TcpSrc = 1 << 4,

    /// <summary>TCP destination port.</summary>
    TcpDst = 1 << 5,

    /// <summary>UDP source port.</summary>
    UdpSrc = 1 << 6,

    /// <summary>UDP destination port.</summary>
    UdpDst = 1 << 7,
}

/// <summary>The IP protocol a flow classifier matches.</summary>
public enum ClassifierProtocol
{
    /// <summary>Any protocol (the field is unset).</summary>
    Any = 0,

    /// <summary>TCP (6).</summary>
    Tcp = 6,

    /// <summary>UDP (17).</summary>
    Udp = 17,

    /// <summary>ICMP (1).</summary>
    Icmp = 1,
}

/// <summary>The ethertype a flow classifier matches.</summary>
public enum ClassifierEtherType
{
    /// <summary>IPv4 (the networking-sfc default).</summary>
    IPv4 = 0,

    /// <summary>IPv6.</summary>
    IPv6,
}

/// <summary>One service-function instance with its ingress and egress ports (networking-sfc <c>port_pair</c>).</summary>
/// <param name="Name">Unique name of the port pair; other resources refer to it by this name.</param>
/// <param name="Ingress">The port traffic enters the service function on.</param>
/// <param name="Egress">The port traffic leaves on; equal to <paramref name="Ingress"/> for one bidirectional port.</param>
/// <param name="ServiceFunction">The function the instance runs in the emulator (for example <c>firewall</c>, <c>nat44</c>, <c>router</c>, <c>l2</c>).</param>
public sealed record PortPair(string Name, string Ingress, string Egress, string ServiceFunction)
{
    /// <summary>Gets the load share of this pair inside its group; non-negative, default 1, 0 takes no new flows.</summary>
    public int Weight { get; init; } = 1;

    /// <summary>Gets the SFC encapsulation the service function understands (<c>service_function_parameters.correlation</c>).</summary>
    public SfcCorrelation Correlation { get; init; } = SfcCorrelation.None;

    /// <summary>Gets the I/O mode the instance's ports are attached with; it sets the hop's cost model.</summary>
    public AccelerationMode Acceleration { get; init; } = AccelerationMode.KernelVirtio;

    /// <summary>Gets the device the ports are attached to (networking-sfc requires both on the same device); null means the pair's own name.</summary>
    public string? Device { get; init; }

    /// <summary>Gets where the pair was defined (<c>file:line</c>), used as the subject of validation errors; null when built in code.</summary>
    public string? Origin { get; init; }
}

/// <summary>A set of equivalent service-function instances forming one hop (networking-sfc <c>port_pair_group</c>).</summary>
/// <param name="Name">Unique name of the group.</param>
/// <param name="PortPairs">Names of the port pairs; flows are spread over them by hash and stay on their instance.</param>
public sealed record PortPairGroup(string Name, IReadOnlyList<string> PortPairs)
{
    /// <summary>Gets the fields hashed to pick an instance; <see cref="LoadBalanceFields.None"/> means the full 5-tuple.</summary>
    public LoadBalanceFields LbFields { get; init; }

    /// <summary>Gets a value indicating whether the group is a passive tap (copies go to the function, traffic goes on).</summary>
    public bool TapEnabled { get; init; }

    /// <summary>Gets names of groups this hop must run before when both are in a chain (VPP <c>runs_before</c>).</summary>
    public IReadOnlyList<string> RunsBefore { get; init; } = [];

    /// <summary>Gets names of groups this hop must run after when both are in a chain (VPP <c>runs_after</c>).</summary>
    public IReadOnlyList<string> RunsAfter { get; init; } = [];

    /// <summary>Gets where the group was defined (<c>file:line</c>); null when built in code.</summary>
    public string? Origin { get; init; }
}

/// <summary>Which packets enter a chain (networking-sfc <c>flow_classifier</c>). Unset fields are wildcards.</summary>
/// <param name="Name">Unique name of the classifier.</param>
public sealed record FlowClassifier(string Name)
{
    /// <summary>Gets the ethertype matched.</summary>
    public ClassifierEtherType EtherType { get; init; } = ClassifierEtherType.IPv4;

    /// <summary>Gets the IP protocol matched.</summary>
    public ClassifierProtocol Protocol { get; init; } = ClassifierProtocol.Any;

    /// <summary>Gets the source address prefix in CIDR notation, or null for any.</summary>
    public string? SourceIpPrefix { get; init; }

    /// <summary>Gets the destination address prefix in CIDR notation, or null for any.</summary>
    public string? DestinationIpPrefix { get; init; }

    /// <summary>Gets the lowest source port matched (TCP/UDP only), or null.</summary>
    public int? SourcePortMin { get; init; }

    /// <summary>Gets the highest source port matched (TCP/UDP only), or null.</summary>
    public int? SourcePortMax { get; init; }

    /// <summary>Gets the lowest destination port matched (TCP/UDP only), or null.</summary>
    public int? DestinationPortMin { get; init; }

    /// <summary>Gets the highest destination port matched (TCP/UDP only), or null.</summary>
    public int? DestinationPortMax { get; init; }

    /// <summary>Gets the port the traffic comes from, or null for any.</summary>
    public string? LogicalSourcePort { get; init; }

    /// <summary>Gets the port the traffic goes to, or null for any; a symmetric chain needs both logical ports.</summary>
    public string? LogicalDestinationPort { get; init; }

    /// <summary>Gets where the classifier was defined (<c>file:line</c>); null when built in code.</summary>
    public string? Origin { get; init; }
}

/// <summary>A service function path: ordered hops plus the classifiers that steer traffic into it (networking-sfc <c>port_chain</c>).</summary>
/// <param name="Name">Unique name of the chain.</param>
/// <param name="PortPairGroups">The hops, in order unless runs-before/runs-after constraints reorder them.</param>
/// <param name="FlowClassifiers">Names of the classifiers; a chain without any steers nothing.</param>
public sealed record PortChain(string Name, IReadOnlyList<string> PortPairGroups, IReadOnlyList<string> FlowClassifiers)
{
    /// <summary>Gets the chain id (0 to 65535); 0 asks for one to be allocated. It becomes the NSH service path identifier.</summary>
    public int ChainId { get; init; }

    /// <summary>Gets the chain's SFC encapsulation (<c>chain_parameters.correlation</c>).</summary>
    public SfcCorrelation Correlation { get; init; } = SfcCorrelation.Mpls;

    /// <summary>Gets a value indicating whether reverse traffic runs the hops in reverse order (<c>chain_parameters.symmetric</c>).</summary>
    public bool Symmetric { get; init; }

    /// <summary>Gets where the chain was defined (<c>file:line</c>); null when built in code.</summary>
    public string? Origin { get; init; }
}

/// <summary>Links chains into a directed acyclic graph (networking-sfc <c>service_graph</c>).</summary>
/// <param name="Name">Unique name of the graph.</param>
/// <param name="Links">Source chain name to the chains traffic may continue into.</param>
public sealed record ServiceGraph(string Name, IReadOnlyDictionary<string, IReadOnlyList<string>> Links)
{
    /// <summary>Gets where the graph was defined (<c>file:line</c>); null when built in code.</summary>
    public string? Origin { get; init; }
}

/// <summary>A whole chain configuration: every resource, as read from YAML or built in code. Immutable.</summary>
/// <param name="PortPairs">All port pairs.</param>
/// <param name="PortPairGroups">All port pair groups.</param>
/// <param name="FlowClassifiers">All flow classifiers.</param>
/// <param name="PortChains">All port chains.</param>
/// <param name="ServiceGraphs">All service graphs.</param>
public sealed record ChainSpec(
    IReadOnlyList<PortPair> PortPairs,
    IReadOnlyList<PortPairGroup> PortPairGroups,
    IReadOnlyList<FlowClassifier> FlowClassifiers,
    IReadOnlyList<PortChain> PortChains,
    IReadOnlyList<ServiceGraph> ServiceGraphs)
{
    /// <summary>Gets an empty spec.</summary>
    public static ChainSpec Empty { get; } = new([], [], [], [], []);

    /// <summary>Gets the file the spec was read from, or null when built in code.</summary>
    public string? SourcePath { get; init; }
}
