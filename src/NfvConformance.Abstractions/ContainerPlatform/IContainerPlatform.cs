// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Abstractions.ContainerPlatform;

/// <summary>
/// A Kubernetes-shaped container platform, observed from outside the way an operator with <c>kubectl</c>, a node
/// debug pod and probe pods would observe a real cluster. Objects are applied declaratively as Kubernetes manifests
/// (YAML text, several documents allowed): <c>v1 Namespace</c>, <c>v1 Pod</c>,
/// <c>k8s.cni.cncf.io/v1 NetworkAttachmentDefinition</c>, <c>networking.k8s.io/v1 NetworkPolicy</c> and whatever
/// else <see cref="ClusterInfo.ApiResources"/> lists. Reads return what the API server would return (pod phase,
/// <c>status.podIPs</c>, annotations such as <c>k8s.v1.cni.cncf.io/network-status</c>, node addresses and
/// allocatable resources). Probes are real packets sent from inside a pod's network namespace (or from a host
/// outside the cluster) and reported by the receiver, the way an <c>agnhost netexec</c> listener reports its
/// client's address.
/// </summary>
/// <remarks>
/// A real implementation maps each member onto the API server (apply, get, list), <c>kubectl exec</c> into probe
/// pods, and a privileged node debug pod (<c>ip -j link</c>, <c>/etc/cni/net.d</c>, <c>cnitool</c>). Every call
/// that a real cluster answers over I/O is asynchronous and cancellable; <see cref="Cluster"/> stays a synchronous
/// read, taken once when the target connects. What the cluster refuses comes back as a value (a rejected document, a
/// dropped probe with its reason, a CNI error object, false for a delete of what is gone); exceptions are kept for
/// calls that name something that does not exist or text that is not YAML.
/// </remarks>
public interface IContainerPlatform
{
    /// <summary>Gets the cluster-wide facts: version, IP families, served API resources, control-plane arguments.</summary>
    ClusterInfo Cluster { get; }

    /// <summary>
    /// Applies manifests like <c>kubectl apply -f</c>: each document is created, configured (changed) or left
    /// unchanged; a document the API server would reject is reported <see cref="ApplyAction.Rejected"/> with the
    /// reason, and the others are still applied.
    /// </summary>
    /// <param name="manifests">One or more YAML documents separated by <c>---</c>.</param>
    /// <param name="cancellationToken">Cancels the call; an already-cancelled token changes nothing.</param>
    /// <returns>One entry per document, in order.</returns>
    /// <exception cref="Errors.NfvConformanceException">The text is not YAML; the message names the line.</exception>
    ValueTask<ApplyResult> ApplyAsync(string manifests, CancellationToken cancellationToken = default);

    /// <summary>Deletes an object like <c>kubectl delete</c>; deleting a namespace deletes everything in it.</summary>
    /// <param name="kind">The object's kind (<c>Pod</c>, <c>Namespace</c>, <c>NetworkPolicy</c>, ...).</param>
    /// <param name="namespace">The namespace, or null for cluster-scoped kinds.</param>
    /// <param name="name">The object's name.</param>
    /// <param name="cancellationToken">Cancels the call; an already-cancelled token changes nothing.</param>
    /// <returns>True when it existed.</returns>
    ValueTask<bool> DeleteAsync(string kind, string? @namespace, string name, CancellationToken cancellationToken = default);

    /// <summary>Lists the nodes (<c>kubectl get nodes -o json</c>).</summary>
    /// <param name="cancellationToken">Cancels the call; an already-cancelled token changes nothing.</param>
    /// <returns>Every node.</returns>
    ValueTask<IReadOnlyList<NodeView>> GetNodesAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads a namespace.</summary>
    /// <param name="name">The namespace.</param>
    /// <param name="cancellationToken">Cancels the call; an already-cancelled token changes nothing.</param>
    /// <returns>The namespace, or null when it does not exist.</returns>
    ValueTask<NamespaceView?> GetNamespaceAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Reads a pod (<c>kubectl get pod -o json</c>).</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="name">The pod's name.</param>
    /// <param name="cancellationToken">Cancels the call; an already-cancelled token changes nothing.</param>
    /// <returns>The pod, or null when it does not exist.</returns>
    ValueTask<PodView?> GetPodAsync(string @namespace, string name, CancellationToken cancellationToken = default);

    /// <summary>Lists pods.</summary>
    /// <param name="namespace">A namespace, or null for all namespaces.</param>
    /// <param name="cancellationToken">Cancels the call; an already-cancelled token changes nothing.</param>
    /// <returns>The pods.</returns>
    ValueTask<IReadOnlyList<PodView>> GetPodsAsync(string? @namespace = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Looks inside a running container (<c>kubectl exec -c C -- ip -j addr; env; readlink /proc/self/ns/net</c>):
    /// its network interfaces, environment and network namespace.
    /// </summary>
    /// <param name="namespace">The pod's namespace.</param>
    /// <param name="pod">The pod's name.</param>
    /// <param name="container">The container's name, or null for the pod's first main container.</param>
    /// <param name="cancellationToken">Cancels the call; an already-cancelled token changes nothing.</param>
    /// <returns>What the container sees.</returns>
    /// <exception cref="Errors.NfvConformanceException">The pod or container does not exist or is not running.</exception>
    ValueTask<ContainerView> ExecAsync(string @namespace, string pod, string? container = null, CancellationToken cancellationToken = default);

    /// <summary>Lists the network interfaces in a node's host network namespace (<c>ip -j link</c> and <c>ip -j addr</c> on the node).</summary>
    /// <param name="node">The node's name.</param>
    /// <param name="cancellationToken">Cancels the call; an already-cancelled token changes nothing.</param>
    /// <returns>The interfaces.</returns>
    /// <exception cref="Errors.NfvConformanceException">The node does not exist.</exception>
    ValueTask<IReadOnlyList<HostInterface>> GetHostInterfacesAsync(string node, CancellationToken cancellationToken = default);

    /// <summary>Reads the CNI network configuration files of a node (<c>/etc/cni/net.d</c>), as the kubelet's runtime reads them.</summary>
    /// <param name="node">The node's name.</param>
    /// <param name="cancellationToken">Cancels the call; an already-cancelled token changes nothing.</param>
    /// <returns>The files, sorted by name (the runtime uses the first).</returns>
    /// <exception cref="Errors.NfvConformanceException">The node does not exist.</exception>
    ValueTask<IReadOnlyList<CniConfigFile>> GetCniConfigurationAsync(string node, CancellationToken cancellationToken = default);

    /// <summary>
    /// Invokes the node's default CNI network configuration directly, as <c>cnitool</c> or a container runtime does:
    /// ADD, CHECK or DEL for a container id and interface name. The outcome is the plugin's exit code and stdout
    /// (a CNI result on success, a CNI error object otherwise), as the CNI specification defines them.
    /// </summary>
    /// <param name="invocation">The call.</param>
    /// <param name="cancellationToken">Cancels the call; an already-cancelled token changes nothing.</param>
    /// <returns>What the plugin printed.</returns>
    ValueTask<CniOutcome> InvokeCniAsync(CniInvocation invocation, CancellationToken cancellationToken = default);

    /// <summary>Sends one real probe packet from inside a pod and reports what the receiver saw.</summary>
    /// <param name="probe">The probe.</param>
    /// <param name="cancellationToken">Cancels the call; an already-cancelled token changes nothing.</param>
    /// <returns>The outcome at the receiver, and of its reply.</returns>
    /// <exception cref="Errors.NfvConformanceException">The pod, container or interface does not exist, or an address does not parse.</exception>
    ValueTask<ProbeOutcome> ProbeAsync(PodProbe probe, CancellationToken cancellationToken = default);

    /// <summary>Sends one real probe packet from the external test host (outside the cluster, see <see cref="ClusterInfo.ExternalHostAddresses"/>).</summary>
    /// <param name="probe">The probe.</param>
    /// <param name="cancellationToken">Cancels the call; an already-cancelled token changes nothing.</param>
    /// <returns>The outcome at the receiver, and of its reply.</returns>
    ValueTask<ProbeOutcome> ProbeFromExternalAsync(ExternalProbe probe, CancellationToken cancellationToken = default);
}
