// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ContainerPlatform;

namespace NfvConformance.Abstractions.ServiceExposure;

/// <summary>
/// How a Kubernetes-shaped platform exposes workloads and lets their traffic out, observed from outside the way an
/// operator with <c>kubectl</c>, a router peering with the cluster, a DNS client in a pod and test hosts on the
/// external networks would observe a real cluster. Objects are applied as manifests (YAML, several documents allowed):
/// <c>v1 Service</c> (ClusterIP, NodePort, LoadBalancer, ExternalName; selectors over pod labels; <c>ipFamilies</c>,
/// <c>ipFamilyPolicy</c>, <c>externalTrafficPolicy</c>), <c>networking.k8s.io/v1 Ingress</c>,
/// <c>gateway.networking.k8s.io/v1 Gateway</c> and <c>HTTPRoute</c>, and, when <see cref="ServiceExposureInfo.EgressController"/>
/// is true, <c>egress.nfvc.io/v1alpha1 EgressPolicy</c> (see <see cref="EgressPolicyFields"/>). Backend pods are the
/// pods of <see cref="IContainerPlatform"/>. Probes are real packets: from an external client they cross the external
/// router (which forwards by the routes the cluster advertised, ECMP over equal next hops) to a node, and from a pod
/// they leave its network namespace; the receiver reports what it saw.
/// </summary>
/// <remarks>
/// A real implementation maps apply/get onto the API server, reads the advertised routes from the peering router
/// (BGP RIB, for example FRR's <c>show bgp ipv4 unicast json</c>), runs DNS queries from a probe pod, and sends probes
/// from a test host outside the cluster and from probe pods to listeners (<c>agnhost netexec</c>) that report the peer
/// address; egress probes are captured on the external networks' trunk (<c>tcpdump -e</c> shows the 802.1Q tag).
/// Every call a real platform answers over I/O is asynchronous and cancellable; <see cref="Info"/> stays a
/// synchronous read, taken once when the target connects. Refusals are values (a rejected document, a dropped probe
/// with its reason, an NXDOMAIN answer, false for a delete of what is gone).
/// </remarks>
public interface IServiceExposure
{
    /// <summary>Gets what the platform offers: Service types, ingress and gateway classes, address pools, egress controller.</summary>
    ServiceExposureInfo Info { get; }

    /// <summary>Applies manifests like <c>kubectl apply -f</c>; a document the platform would reject is reported with the reason, the others are applied.</summary>
    /// <param name="manifests">One or more YAML documents.</param>
    /// <param name="cancellationToken">Cancels the call; an already-cancelled token changes nothing.</param>
    /// <returns>One entry per document.</returns>
    /// <exception cref="Errors.NfvConformanceException">The text is not YAML; the message names the line.</exception>
    ValueTask<ApplyResult> ApplyAsync(string manifests, CancellationToken cancellationToken = default);

    /// <summary>Deletes an object like <c>kubectl delete</c>.</summary>
    /// <param name="kind">Service, Ingress, Gateway, HTTPRoute or EgressPolicy.</param>
    /// <param name="namespace">The namespace (EgressPolicy is cluster-scoped: null).</param>
    /// <param name="name">The name.</param>
    /// <param name="cancellationToken">Cancels the call; an already-cancelled token changes nothing.</param>
    /// <returns>True when it existed.</returns>
    ValueTask<bool> DeleteAsync(string kind, string? @namespace, string name, CancellationToken cancellationToken = default);

    /// <summary>Reads a Service with its status and endpoints (<c>kubectl get svc,endpointslices -o json</c>).</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="name">The Service.</param>
    /// <param name="cancellationToken">Cancels the call; an already-cancelled token changes nothing.</param>
    /// <returns>The Service, or null.</returns>
    ValueTask<ServiceView?> GetServiceAsync(string @namespace, string name, CancellationToken cancellationToken = default);

    /// <summary>Reads an Ingress with its status.</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="name">The Ingress.</param>
    /// <param name="cancellationToken">Cancels the call; an already-cancelled token changes nothing.</param>
    /// <returns>The Ingress, or null.</returns>
    ValueTask<IngressView?> GetIngressAsync(string @namespace, string name, CancellationToken cancellationToken = default);

    /// <summary>Reads a Gateway with its status.</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="name">The Gateway.</param>
    /// <param name="cancellationToken">Cancels the call; an already-cancelled token changes nothing.</param>
    /// <returns>The Gateway, or null.</returns>
    ValueTask<GatewayView?> GetGatewayAsync(string @namespace, string name, CancellationToken cancellationToken = default);

    /// <summary>Lists the routes the external router has learned from the cluster (its RIB entries for cluster prefixes).</summary>
    /// <param name="cancellationToken">Cancels the call; an already-cancelled token changes nothing.</param>
    /// <returns>Each prefix with each next hop and the node that advertised it.</returns>
    ValueTask<IReadOnlyList<AdvertisedRoute>> GetExternalRoutesAsync(CancellationToken cancellationToken = default);

    /// <summary>Asks the cluster DNS a question from inside a namespace, as a pod's resolver would (search path applied to a short name).</summary>
    /// <param name="namespace">The asking pod's namespace.</param>
    /// <param name="name">A name: a short Service name or a fully qualified one.</param>
    /// <param name="type">The record type asked (A, AAAA, CNAME).</param>
    /// <param name="cancellationToken">Cancels the call; an already-cancelled token changes nothing.</param>
    /// <returns>The answer as decoded from the DNS response message, with the message's bytes.</returns>
    ValueTask<DnsAnswer> ResolveAsync(string @namespace, string name, DnsRecordType type, CancellationToken cancellationToken = default);

    /// <summary>Sends one real probe to a Service address and port (a ClusterIP, a node address with a node port, a LoadBalancer or Gateway address), from the external client or from a pod.</summary>
    /// <param name="probe">The probe.</param>
    /// <param name="cancellationToken">Cancels the call; an already-cancelled token changes nothing.</param>
    /// <returns>What the backend saw, or why the probe was dropped.</returns>
    /// <exception cref="Errors.NfvConformanceException">The sending pod does not exist or an address does not parse.</exception>
    ValueTask<ServiceProbeOutcome> ProbeAsync(ServiceProbe probe, CancellationToken cancellationToken = default);

    /// <summary>Sends one real packet from a pod to a destination outside the cluster and reports it as captured on the external network it arrived in.</summary>
    /// <param name="probe">The probe.</param>
    /// <param name="cancellationToken">Cancels the call; an already-cancelled token changes nothing.</param>
    /// <returns>Where it arrived, with the captured frame.</returns>
    /// <exception cref="Errors.NfvConformanceException">The pod does not exist or an address does not parse.</exception>
    ValueTask<EgressProbeOutcome> ProbeEgressAsync(EgressProbe probe, CancellationToken cancellationToken = default);
}
