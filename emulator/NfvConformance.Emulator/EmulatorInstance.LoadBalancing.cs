// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.LoadBalancing;
using NfvConformance.Emulator.LoadBalancing;

namespace NfvConformance.Emulator;

/// <summary>Registers the load-balancer platform service and its simulation-only failover trials.</summary>
internal sealed partial class EmulatorInstance
{
    partial void AddLoadBalancingFacets(Dictionary<Type, object> facets, int seed)
    {
        LoadBalancerService service = new(Areas.LoadBalancing, seed, ControlPlane.Clock);
        facets[typeof(ILoadBalancing)] = service;
        facets[typeof(ILoadBalancingSimulation)] = service;
    }
}
