// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Emulator.ContainerPlatform.ServiceExposure;

/// <summary>
/// How the emulated service exposure behaves. The defaults are conformant; each switch breaks one behaviour so that
/// tests can show the facet reporting the violation a scenario would fail on.
/// </summary>
public sealed record ServiceExposureOptions
{
    /// <summary>Gets the Service types implemented; a Service of another type is rejected at apply.</summary>
    public IReadOnlyList<string> ServiceTypes { get; init; } = ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"];

    /// <summary>Gets the load-balancer address pools (one IPv4, one IPv6).</summary>
    public IReadOnlyList<string> LoadBalancerPools { get; init; } = ["198.18.100.0/24", "2001:db8:100::/120"];

    /// <summary>Gets the first and last node port.</summary>
    public (int First, int Last) NodePortRange { get; init; } = (30000, 32767);

    /// <summary>Gets how many nodes advertise each service address (0: every eligible node).</summary>
    public int AdvertisingNodes { get; init; }

    /// <summary>Gets a value indicating whether service addresses are advertised to the external router at all.</summary>
    public bool AdvertiseServiceAddresses { get; init; } = true;

    /// <summary>Gets a value indicating whether kube-proxy spreads flows by a 5-tuple hash (false: always the first ready endpoint).</summary>
    public bool SpreadFlows { get; init; } = true;

    /// <summary>Gets a value indicating whether answers are translated back (conntrack un-DNAT) so they come from the address the client dialed.</summary>
    public bool ReverseNat { get; init; } = true;

    /// <summary>Gets a value indicating whether endpoints that are not ready are skipped.</summary>
    public bool OnlyReadyEndpoints { get; init; } = true;

    /// <summary>Gets a value indicating whether <c>externalTrafficPolicy: Local</c> preserves the client's address.</summary>
    public bool HonourLocalTrafficPolicy { get; init; } = true;

    /// <summary>Gets the IngressClass names with a controller (empty: Ingress objects get no address and no route).</summary>
    public IReadOnlyList<string> IngressClasses { get; init; } = ["nginx"];

    /// <summary>Gets the GatewayClass names with a controller (empty: the Gateway API is not served).</summary>
    public IReadOnlyList<string> GatewayClasses { get; init; } = ["emu-gateway"];

    /// <summary>Gets a value indicating whether the HTTP proxy matches the Host header (false: the first rule wins whatever the host).</summary>
    public bool RouteOnHost { get; init; } = true;

    /// <summary>Gets a value indicating whether ExternalName Services are answered with a CNAME.</summary>
    public bool ExternalNameAsCname { get; init; } = true;

    /// <summary>Gets a value indicating whether the egress controller is offered.</summary>
    public bool EgressController { get; init; } = true;

    /// <summary>Gets a value indicating whether egress policies' source addresses are applied (false: traffic leaves masqueraded to the node).</summary>
    public bool ApplyEgressSource { get; init; } = true;

    /// <summary>Gets a value indicating whether egress frames are tagged with their network's VLAN on the trunk.</summary>
    public bool TagEgressVlans { get; init; } = true;

    /// <summary>Gets a value indicating whether each egress network has its own routing table (false: one shared table, first match wins).</summary>
    public bool SeparateVrfs { get; init; } = true;
}
