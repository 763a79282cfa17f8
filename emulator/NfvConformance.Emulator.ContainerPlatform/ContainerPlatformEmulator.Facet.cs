// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ContainerPlatform;
using NfvConformance.Emulator.ContainerPlatform.Cluster;

namespace NfvConformance.Emulator.ContainerPlatform;

/// <summary>The facet: each call runs on the in-memory cluster and completes at once, unless already cancelled.</summary>
public sealed partial class ContainerPlatformEmulator
{
    /// <inheritdoc />
    public ValueTask<ApplyResult> ApplyAsync(string manifests, CancellationToken cancellationToken = default) =>
        InMemoryCall.AtOnce(() => Apply(manifests), cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> DeleteAsync(string kind, string? @namespace, string name, CancellationToken cancellationToken = default) =>
        InMemoryCall.AtOnce(() => Delete(kind, @namespace, name), cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<NodeView>> GetNodesAsync(CancellationToken cancellationToken = default) =>
        InMemoryCall.AtOnce(GetNodes, cancellationToken);

    /// <inheritdoc />
    public ValueTask<NamespaceView?> GetNamespaceAsync(string name, CancellationToken cancellationToken = default) =>
        InMemoryCall.AtOnce(() => GetNamespace(name), cancellationToken);

    /// <inheritdoc />
    public ValueTask<PodView?> GetPodAsync(string @namespace, string name, CancellationToken cancellationToken = default) =>
        InMemoryCall.AtOnce(() => GetPod(@namespace, name), cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<PodView>> GetPodsAsync(string? @namespace = null, CancellationToken cancellationToken = default) =>
        InMemoryCall.AtOnce(() => GetPods(@namespace), cancellationToken);

    /// <inheritdoc />
    public ValueTask<ContainerView> ExecAsync(string @namespace, string pod, string? container = null, CancellationToken cancellationToken = default) =>
        InMemoryCall.AtOnce(() => Exec(@namespace, pod, container), cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<HostInterface>> GetHostInterfacesAsync(string node, CancellationToken cancellationToken = default) =>
        InMemoryCall.AtOnce(() => GetHostInterfaces(node), cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<CniConfigFile>> GetCniConfigurationAsync(string node, CancellationToken cancellationToken = default) =>
        InMemoryCall.AtOnce(() => GetCniConfiguration(node), cancellationToken);

    /// <inheritdoc />
    public ValueTask<CniOutcome> InvokeCniAsync(CniInvocation invocation, CancellationToken cancellationToken = default) =>
        InMemoryCall.AtOnce(() => InvokeCni(invocation), cancellationToken);

    /// <inheritdoc />
    public ValueTask<ProbeOutcome> ProbeAsync(PodProbe probe, CancellationToken cancellationToken = default) =>
        InMemoryCall.AtOnce(() => Probe(probe), cancellationToken);

    /// <inheritdoc />
    public ValueTask<ProbeOutcome> ProbeFromExternalAsync(ExternalProbe probe, CancellationToken cancellationToken = default) =>
        InMemoryCall.AtOnce(() => ProbeFromExternal(probe), cancellationToken);
}
