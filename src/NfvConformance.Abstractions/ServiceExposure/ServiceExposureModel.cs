// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Abstractions.ServiceExposure;

/// <summary>What a platform offers for exposing services and for egress.</summary>
/// <param name="ServiceTypes">The Service types it implements (ClusterIP, NodePort, LoadBalancer, ExternalName).</param>
/// <param name="IngressClasses">The IngressClass names with a controller.</param>
/// <param name="GatewayClasses">The GatewayClass names with a controller (empty when the Gateway API is not served).</param>
/// <param name="LoadBalancerPools">The address pools the load-balancer controller allocates from (CIDRs).</param>
/// <param name="NodePortRange">The node port range, for example <c>30000-32767</c>.</param>
/// <param name="ClusterDomain">The cluster DNS domain, for example <c>cluster.local</c>.</param>
/// <param name="EgressController">True when an egress controller is offered (EgressPolicy objects are served).</param>
/// <param name="ExternalNetworks">The external networks (VRFs) egress traffic can be routed into, with their VLAN ids.</param>
/// <param name="ExternalClient">The external client's address(es), outside the cluster.</param>
public sealed record ServiceExposureInfo(
    IReadOnlyList<string> ServiceTypes,
    IReadOnlyList<string> IngressClasses,
    IReadOnlyList<string> GatewayClasses,
    IReadOnlyList<string> LoadBalancerPools,
    string NodePortRange,
    string ClusterDomain,
    bool EgressController,
    IReadOnlyList<ExternalNetwork> ExternalNetworks,
    IReadOnlyList<string> ExternalClient);

/// <summary>An external network (a VRF on the cluster's uplinks) egress traffic may be routed into.</summary>
/// <param name="Vrf">The VRF name (the traffic type it carries, for example <c>oam</c>).</param>
/// <param name="VlanId">The 802.1Q VLAN id it is tagged with on the trunk.</param>
/// <param name="Prefixes">The destination prefixes reachable in it.</param>
public sealed record ExternalNetwork(string Vrf, int VlanId, IReadOnlyList<string> Prefixes);

/// <summary>The fields of <c>egress.nfvc.io/v1alpha1 EgressPolicy</c>, the egress controller's object (cluster-scoped).</summary>
/// <remarks>
/// <code>
/// spec:
///   namespaceSelector: {matchLabels: {...}}   # which pods' traffic (required)
///   podSelector: {matchLabels: {...}}         # narrows to a traffic class (optional)
///   egressIPs: [192.0.2.50, 192.0.2.51]       # fixed source addresses, spread by flow (one or more)
///   serviceRef: {namespace: ns, name: svc}    # or: leave from the LoadBalancer address of this Service (same VIP in and out)
///   preserveSourceIP: false                   # true: leave with the pod's own address (no SNAT)
///   vrf: oam                                  # the external network (see ServiceExposureInfo.ExternalNetworks)
/// </code>
/// A real platform maps it onto its own objects (OVN-Kubernetes EgressIP, Cilium CiliumEgressGatewayPolicy, Calico
/// egress gateways, a VRF per Multus network).
/// </remarks>
public static class EgressPolicyFields
{
    /// <summary>The apiVersion.</summary>
    public const string ApiVersion = "egress.nfvc.io/v1alpha1";

    /// <summary>The kind.</summary>
    public const string Kind = "EgressPolicy";
}

/// <summary>One port of a Service.</summary>
/// <param name="Name">The port's name, or empty.</param>
/// <param name="Protocol">TCP or UDP.</param>
/// <param name="Port">The Service port.</param>
/// <param name="TargetPort">The pod port.</param>
/// <param name="NodePort">The allocated node port, or null.</param>
public sealed record ServicePortView(string Name, string Protocol, int Port, int TargetPort, int? NodePort);

/// <summary>One endpoint of a Service (an EndpointSlice entry).</summary>
/// <param name="Pod">The pod, <c>namespace/name</c>.</param>
/// <param name="Addresses">The pod's addresses used as endpoint.</param>
/// <param name="Node">The pod's node.</param>
/// <param name="Ready">The endpoint's ready condition.</param>
public sealed record EndpointView(string Pod, IReadOnlyList<string> Addresses, string? Node, bool Ready);

/// <summary>A Service as read back.</summary>
/// <param name="Namespace">Its namespace.</param>
/// <param name="Name">Its name.</param>
/// <param name="Type">ClusterIP, NodePort, LoadBalancer or ExternalName.</param>
/// <param name="ClusterIps">spec.clusterIPs (one per family, primary first; empty for ExternalName and headless).</param>
/// <param name="IpFamilies">spec.ipFamilies.</param>
/// <param name="IpFamilyPolicy">spec.ipFamilyPolicy.</param>
/// <param name="Ports">The ports.</param>
/// <param name="LoadBalancerIngress">status.loadBalancer.ingress[].ip.</param>
/// <param name="ExternalName">spec.externalName, or null.</param>
/// <param name="ExternalTrafficPolicy">Cluster or Local.</param>
/// <param name="Endpoints">The endpoints.</param>
/// <param name="Events">Events about it (allocation failures, for example).</param>
public sealed record ServiceView(
    string Namespace,
    string Name,
    string Type,
    IReadOnlyList<string> ClusterIps,
    IReadOnlyList<string> IpFamilies,
    string IpFamilyPolicy,
    IReadOnlyList<ServicePortView> Ports,
    IReadOnlyList<string> LoadBalancerIngress,
    string? ExternalName,
    string ExternalTrafficPolicy,
    IReadOnlyList<EndpointView> Endpoints,
    IReadOnlyList<string> Events);

/// <summary>An Ingress as read back.</summary>
/// <param name="Namespace">Its namespace.</param>
/// <param name="Name">Its name.</param>
/// <param name="IngressClass">spec.ingressClassName.</param>
/// <param name="LoadBalancerIngress">status.loadBalancer.ingress[].ip (empty when no controller admitted it).</param>
/// <param name="Hosts">The hosts of its rules.</param>
public sealed record IngressView(string Namespace, string Name, string? IngressClass, IReadOnlyList<string> LoadBalancerIngress, IReadOnlyList<string> Hosts);

/// <summary>A Gateway as read back.</summary>
/// <param name="Namespace">Its namespace.</param>
/// <param name="Name">Its name.</param>
/// <param name="GatewayClass">spec.gatewayClassName.</param>
/// <param name="Programmed">The Programmed condition.</param>
/// <param name="Addresses">status.addresses.</param>
/// <param name="AttachedRoutes">HTTPRoutes accepted by its listeners.</param>
/// <param name="Reason">Why it is not programmed, or null.</param>
public sealed record GatewayView(string Namespace, string Name, string GatewayClass, bool Programmed, IReadOnlyList<string> Addresses, int AttachedRoutes, string? Reason);

/// <summary>A route the external router learned from the cluster.</summary>
/// <param name="Prefix">The prefix (a /32 or /128 service address).</param>
/// <param name="NextHop">The next hop (a node's address).</param>
/// <param name="Node">The node that advertised it.</param>
/// <param name="Service">The Service or Gateway it belongs to (<c>namespace/name</c>).</param>
public sealed record AdvertisedRoute(string Prefix, string NextHop, string Node, string Service);

/// <summary>DNS record types the facet resolves.</summary>
public enum DnsRecordType
{
    /// <summary>IPv4 address (1).</summary>
    A = 1,

    /// <summary>Canonical name (5).</summary>
    Cname = 5,

    /// <summary>IPv6 address (28).</summary>
    Aaaa = 28,
}

/// <summary>One resource record of a DNS answer.</summary>
/// <param name="Name">The owner name.</param>
/// <param name="Type">The type.</param>
/// <param name="Ttl">The TTL in seconds.</param>
/// <param name="Data">The data: an address, or a name for CNAME.</param>
public sealed record DnsRecord(string Name, DnsRecordType Type, int Ttl, string Data);

/// <summary>A DNS answer.</summary>
/// <param name="Question">The name asked (after the search path).</param>
/// <param name="ResponseCode">The RCODE: 0 NOERROR, 3 NXDOMAIN.</param>
/// <param name="Answers">The answer section.</param>
/// <param name="Message">The response message as sent on the wire (RFC 1035 format).</param>
public sealed record DnsAnswer(string Question, int ResponseCode, IReadOnlyList<DnsRecord> Answers, byte[] Message);

/// <summary>Transports a Service probe can use.</summary>
public enum ServiceProtocol
{
    /// <summary>TCP (a SYN, or a segment carrying an HTTP/1.1 request).</summary>
    Tcp,

    /// <summary>UDP.</summary>
    Udp,
}

/// <summary>An HTTP/1.1 request carried in a probe's TCP payload.</summary>
/// <param name="Host">The Host header.</param>
/// <param name="Path">The request target, for example <c>/api/v1</c>.</param>
/// <param name="Method">The method.</param>
public sealed record HttpProbeRequest(string Host, string Path, string Method = "GET");

/// <summary>A probe to a Service.</summary>
/// <param name="Destination">The address probed.</param>
/// <param name="Port">The port probed.</param>
/// <param name="Protocol">TCP or UDP.</param>
/// <param name="FromNamespace">The sending pod's namespace, or null for the external client.</param>
/// <param name="FromPod">The sending pod, or null for the external client.</param>
/// <param name="SourcePort">The source port (varies the 5-tuple).</param>
/// <param name="Http">An HTTP request to carry, for Ingress and Gateway listeners.</param>
public sealed record ServiceProbe(string Destination, int Port, ServiceProtocol Protocol, string? FromNamespace = null, string? FromPod = null, int SourcePort = 40000, HttpProbeRequest? Http = null);

/// <summary>What a Service probe did.</summary>
/// <param name="Delivered">True when a backend pod received it.</param>
/// <param name="DropReason">Why not, or null.</param>
/// <param name="Backend">The receiving pod, <c>namespace/name</c>.</param>
/// <param name="SourceSeen">The source address:port the pod saw.</param>
/// <param name="DestinationSeen">The destination address:port the pod saw.</param>
/// <param name="EntryNode">The node the packet entered the cluster through (from outside), or the sending pod's node.</param>
/// <param name="HttpStatus">For an HTTP probe, the status line's code the client got (200 from a backend, 404 from the proxy).</param>
/// <param name="Path">Each hop, readable.</param>
/// <param name="ReplySourceSeen">The source address:port of the backend's answer as the client received it (a client drops an answer that does not come from the address it dialed), or null when nothing answered.</param>
public sealed record ServiceProbeOutcome(bool Delivered, string? DropReason, string? Backend, string? SourceSeen, string? DestinationSeen, string? EntryNode, int? HttpStatus, IReadOnlyList<string> Path, string? ReplySourceSeen = null);

/// <summary>A packet from a pod to a destination outside the cluster.</summary>
/// <param name="Namespace">The pod's namespace.</param>
/// <param name="Pod">The pod.</param>
/// <param name="Destination">The destination address.</param>
/// <param name="Port">The destination port.</param>
/// <param name="Protocol">TCP or UDP.</param>
/// <param name="SourcePort">The source port (varies the flow).</param>
public sealed record EgressProbe(string Namespace, string Pod, string Destination, int Port, ServiceProtocol Protocol, int SourcePort = 41000);

/// <summary>Where an egress packet arrived.</summary>
/// <param name="Delivered">True when a host on an external network received it.</param>
/// <param name="DropReason">Why not, or null.</param>
/// <param name="Vrf">The external network (VRF) it arrived in.</param>
/// <param name="SourceSeen">The source address the external host saw.</param>
/// <param name="DestinationSeen">The destination address it saw.</param>
/// <param name="EgressNode">The node it left the cluster through.</param>
/// <param name="CapturedFrame">The frame as captured on the external trunk, with its 802.1Q tag if any.</param>
/// <param name="Path">Each hop, readable.</param>
public sealed record EgressProbeOutcome(bool Delivered, string? DropReason, string? Vrf, string? SourceSeen, string? DestinationSeen, string? EgressNode, byte[] CapturedFrame, IReadOnlyList<string> Path);
