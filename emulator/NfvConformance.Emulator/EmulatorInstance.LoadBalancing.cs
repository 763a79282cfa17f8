// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.LoadBalancing;
using NfvConformance.Emulator.LoadBalancing;

namespace NfvConformance.Emulator;

/// <summary>Registers the load-balancer platform service.</summary>
internal sealed partial class EmulatorInstance
{
    partial void AddLoadBalancingFacets(Dictionary<Type, object> facets, int seed) =>
        facets[typeof(ILoadBalancing)] = new LoadBalancerService(Areas.LoadBalancing, seed, ControlPlane.Clock);
}
