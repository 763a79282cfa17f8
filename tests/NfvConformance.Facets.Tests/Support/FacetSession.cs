// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Targets;

namespace NfvConformance.Facets.Tests.Support;

/// <summary>A started target and the facet under test; disposing it tears the target down.</summary>
/// <typeparam name="TFacet">The facet interface.</typeparam>
public sealed class FacetSession<TFacet> : IAsyncDisposable
    where TFacet : class
{
    internal FacetSession(ILabTarget target, TFacet facet)
    {
        Target = target;
        Facet = facet;
    }

    /// <summary>Gets the started target.</summary>
    public ILabTarget Target { get; }

    /// <summary>Gets the facet under test (wrapped when a contract is being shown to fail).</summary>
    public TFacet Facet { get; }

    /// <summary>Gets another facet of the same target, or null when it has none.</summary>
    /// <typeparam name="TOther">The facet interface.</typeparam>
    /// <returns>The facet, or null.</returns>
    public TOther? Other<TOther>()
        where TOther : class => Target.GetFeature<TOther>();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Target.DisposeAsync();
}
