// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ContainerPlatform;
using NfvConformance.Abstractions.ServiceExposure;
using NfvConformance.Emulator.ContainerPlatform.Cluster;

namespace NfvConformance.Emulator.ContainerPlatform.ServiceExposure;

/// <summary>The facet: each call runs on the in-memory model and completes at once, unless already cancelled.</summary>
public sealed partial class ServiceExposureEmulator
{
    /// <inheritdoc />
    public ValueTask<ApplyResult> ApplyAsync(string manifests, CancellationToken cancellationToken = default) =>
        InMemoryCall.AtOnce(() => Apply(manifests), cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> DeleteAsync(string kind, string? @namespace, string name, CancellationToken cancellationToken = default) =>
        InMemoryCall.AtOnce(() => Delete(kind, @namespace, name), cancellationToken);

    /// <inheritdoc />
    public ValueTask<ServiceView?> GetServiceAsync(string @namespace, string name, CancellationToken cancellationToken = default) =>
        InMemoryCall.AtOnce(() => GetService(@namespace, name), cancellationToken);

    /// <inheritdoc />
    public ValueTask<IngressView?> GetIngressAsync(string @namespace, string name, CancellationToken cancellationToken = default) =>
        InMemoryCall.AtOnce(() => GetIngress(@namespace, name), cancellationToken);

    /// <inheritdoc />
    public ValueTask<GatewayView?> GetGatewayAsync(string @namespace, string name, CancellationToken cancellationToken = default) =>
        InMemoryCall.AtOnce(() => GetGateway(@namespace, name), cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<AdvertisedRoute>> GetExternalRoutesAsync(CancellationToken cancellationToken = default) =>
        InMemoryCall.AtOnce(GetExternalRoutes, cancellationToken);

    /// <inheritdoc />
    public ValueTask<DnsAnswer> ResolveAsync(string @namespace, string name, DnsRecordType type, CancellationToken cancellationToken = default) =>
        InMemoryCall.AtOnce(() => Resolve(@namespace, name, type), cancellationToken);

    /// <inheritdoc />
    public ValueTask<ServiceProbeOutcome> ProbeAsync(ServiceProbe probe, CancellationToken cancellationToken = default) =>
        InMemoryCall.AtOnce(() => Probe(probe), cancellationToken);

    /// <inheritdoc />
    public ValueTask<EgressProbeOutcome> ProbeEgressAsync(EgressProbe probe, CancellationToken cancellationToken = default) =>
        InMemoryCall.AtOnce(() => ProbeEgress(probe), cancellationToken);
}
