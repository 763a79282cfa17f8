// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Emulator.Capabilities;
using NfvConformance.Emulator.ServiceChaining;
using NfvConformance.Emulator.Dataplane.Traffic;
using NfvConformance.Emulator.Internal;

namespace NfvConformance.Emulator;

/// <summary>
/// One built emulator: its control plane, its dataplane (service-chain engine on a worker thread) and the facets
/// they offer: the control plane's, <see cref="IServiceChaining"/>, one <see cref="ITrafficGeneration"/>, and those
/// each further area registers from its own <c>EmulatorInstance.&lt;Area&gt;.cs</c> (container platform, service exposure,
/// tenant networking, load-balancer service).
/// </summary>
internal sealed partial class EmulatorInstance : IDisposable
{
    /// <summary>The nominal line rate of the emulator's generator ports.</summary>
    public const double LineRateBitsPerSecond = 10e9;

    private readonly Dictionary<Type, object> _facets;

    public EmulatorInstance(ControlPlane controlPlane, int seed = 1, TrafficClock traffic = TrafficClock.Virtual, EmulatorAreaOptions? areas = null)
    {
        Areas = areas ?? new EmulatorAreaOptions();
        ControlPlane = controlPlane;
        _facets = new Dictionary<Type, object>(controlPlane.Facets);
        Dataplane = new EmulatorDataplane(controlPlane.Clock, controlPlane.Publisher.Current, seed);
        ServiceChainingEmulator chaining = new(Dataplane.Engine);
        _facets[typeof(IServiceChaining)] = chaining;
        _facets[typeof(IChainTrialSimulation)] = chaining;

        // One ITrafficGeneration facet; Info.VirtualTime and Clock tell scenarios which kind they got.
        _facets[typeof(ITrafficGeneration)] = traffic == TrafficClock.RealTime
            ? new InProcessTrafficGenerator(new InProcessTrafficGeneratorOptions { LineRateBitsPerSecond = LineRateBitsPerSecond })
            : new ChainTrafficGenerator(Dataplane.Engine, seed, LineRateBitsPerSecond);

        // Each further area registers its facets from its own file (EmulatorInstance.<Area>.cs).
        AddContainerPlatformFacets(_facets, seed);
        AddServiceExposureFacets(_facets, seed);
        AddTenantNetworkingFacets(_facets, seed);
        AddLoadBalancingFacets(_facets, seed);
    }

    /// <summary>Registers the container-platform facets (pods, CNI, services); implemented in EmulatorInstance.ContainerPlatform.cs.</summary>
    partial void AddContainerPlatformFacets(Dictionary<Type, object> facets, int seed);

    /// <summary>Registers the service-exposure facets (Services, ingress, egress); implemented in EmulatorInstance.ServiceExposure.cs.</summary>
    partial void AddServiceExposureFacets(Dictionary<Type, object> facets, int seed);

    /// <summary>Registers the tenant virtual-networking facets; implemented in EmulatorInstance.TenantNetworking.cs.</summary>
    partial void AddTenantNetworkingFacets(Dictionary<Type, object> facets, int seed);

    /// <summary>Registers the load-balancer platform-service facets; implemented in EmulatorInstance.LoadBalancing.cs.</summary>
    partial void AddLoadBalancingFacets(Dictionary<Type, object> facets, int seed);

    public ControlPlane ControlPlane { get; }

    /// <summary>Gets the options each area's facets are built with.</summary>
    public EmulatorAreaOptions Areas { get; }

    public EmulatorDataplane Dataplane { get; }

    public IReadOnlyDictionary<Type, object> Facets => _facets;

    public TFeature? GetFeature<TFeature>()
        where TFeature : class =>
        _facets.TryGetValue(typeof(TFeature), out object? facet) ? facet as TFeature : null;

    public void Dispose()
    {
        // Facets that hold resources (keys, threads) go first, each once, then the dataplane they may use.
        foreach (IDisposable facet in _facets.Values.OfType<IDisposable>().Distinct().Where(f => !ReferenceEquals(f, Dataplane)))
        {
            facet.Dispose();
        }

        Dataplane.Dispose();
    }
}
