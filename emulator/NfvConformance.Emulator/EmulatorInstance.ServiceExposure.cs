// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ContainerPlatform;
using NfvConformance.Abstractions.ServiceExposure;
using NfvConformance.Emulator.ContainerPlatform;
using NfvConformance.Emulator.ContainerPlatform.ServiceExposure;

namespace NfvConformance.Emulator;

/// <summary>Registers service exposure (Services, Ingress, Gateway API, load-balancer controller, cluster DNS, egress controller) over the container platform.</summary>
internal sealed partial class EmulatorInstance
{
    partial void AddServiceExposureFacets(Dictionary<Type, object> facets, int seed)
    {
        // Registered just before: without a container platform there are no pods to expose, so no facet.
        if (facets.TryGetValue(typeof(IContainerPlatform), out object? platform) && platform is ContainerPlatformEmulator cluster)
        {
            facets[typeof(IServiceExposure)] = new ServiceExposureEmulator(cluster, Areas.ServiceExposure, seed);
        }
    }
}
