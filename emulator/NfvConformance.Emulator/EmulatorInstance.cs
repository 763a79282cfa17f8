// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Chaining;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Emulator.Capabilities;
using NfvConformance.Emulator.Chaining;
using NfvConformance.Emulator.Dataplane.Traffic;
using NfvConformance.Emulator.Internal;

namespace NfvConformance.Emulator;

/// <summary>
/// One built emulator: its control plane, its dataplane (service-chain engine on a worker thread) and the facets
/// they offer: the control plane's, <see cref="IServiceChainingFeature"/> and one <see cref="ITrafficGenerator"/>.
/// </summary>
internal sealed class EmulatorInstance : IDisposable
{
    /// <summary>The nominal line rate of the emulator's generator ports.</summary>
    public const double LineRateBitsPerSecond = 10e9;

    private readonly Dictionary<Type, object> _facets;

    public EmulatorInstance(ControlPlane controlPlane, int seed = 1, TrafficClock traffic = TrafficClock.Virtual)
    {
        ControlPlane = controlPlane;
        _facets = new Dictionary<Type, object>(controlPlane.Facets);
        Dataplane = new EmulatorDataplane(controlPlane.Clock, controlPlane.Publisher.Current, seed);
        _facets[typeof(IServiceChainingFeature)] = new ServiceChainingFeature(Dataplane.Engine);

        // One ITrafficGenerator facet; Info.VirtualTime and Clock tell scenarios which kind they got.
        _facets[typeof(ITrafficGenerator)] = traffic == TrafficClock.RealTime
            ? new InProcessTrafficGenerator(new InProcessTrafficGeneratorOptions { LineRateBitsPerSecond = LineRateBitsPerSecond })
            : new ChainTrafficGenerator(Dataplane.Engine, seed, LineRateBitsPerSecond);
    }

    public ControlPlane ControlPlane { get; }

    public EmulatorDataplane Dataplane { get; }

    public IReadOnlyDictionary<Type, object> Facets => _facets;

    public TFeature? GetFeature<TFeature>()
        where TFeature : class =>
        _facets.TryGetValue(typeof(TFeature), out object? facet) ? facet as TFeature : null;

    public void Dispose() => Dataplane.Dispose();
}
