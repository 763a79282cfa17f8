// Licensed under the Apache License, Version 2.0.
using NfvConformance.Emulator.Capabilities;

namespace NfvConformance.Emulator;

/// <summary>
/// One built emulator: its control plane and the facets it offers. Other parts (dataplane, chaining) add their
/// facet instances to <see cref="Facets"/> here.
/// </summary>
internal sealed class EmulatorInstance
{
    private readonly Dictionary<Type, object> _facets;

    public EmulatorInstance(ControlPlane controlPlane)
    {
        ControlPlane = controlPlane;
        _facets = new Dictionary<Type, object>(controlPlane.Facets);
    }

    public ControlPlane ControlPlane { get; }

    public IReadOnlyDictionary<Type, object> Facets => _facets;

    public TFeature? GetFeature<TFeature>()
        where TFeature : class =>
        _facets.TryGetValue(typeof(TFeature), out object? facet) ? facet as TFeature : null;
}
