// Licensed under the Apache License, Version 2.0.
using System.Collections.Immutable;

namespace NfvConformance.Abstractions.ServiceChaining;

/// <summary>Builds a <see cref="ChainSpec"/> in code. Immutable: each <c>With*</c> call returns a new builder.</summary>
public sealed class ChainSpecBuilder
{
    private readonly ImmutableList<PortPair> _pairs;
    private readonly ImmutableList<PortPairGroup> _groups;
    private readonly ImmutableList<FlowClassifier> _classifiers;
    private readonly ImmutableList<PortChain> _chains;
    private readonly ImmutableList<ServiceGraph> _graphs;

    /// <summary>Creates an empty builder.</summary>
    public ChainSpecBuilder()
        : this([], [], [], [], [])
    {
    }

    private ChainSpecBuilder(
        ImmutableList<PortPair> pairs,
        ImmutableList<PortPairGroup> groups,
        ImmutableList<FlowClassifier> classifiers,
        ImmutableList<PortChain> chains,
        ImmutableList<ServiceGraph> graphs)
    {
        _pairs = pairs;
        _groups = groups;
        _classifiers = classifiers;
        _chains = chains;
        _graphs = graphs;
    }

    /// <summary>Starts from an existing spec, for example to derive an update.</summary>
    /// <param name="spec">The spec to copy.</param>
    /// <returns>A builder holding the spec's resources.</returns>
    public static ChainSpecBuilder From(ChainSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new([.. spec.PortPairs], [.. spec.PortPairGroups], [.. spec.FlowClassifiers], [.. spec.PortChains], [.. spec.ServiceGraphs]);
    }

    /// <summary>Adds a port pair, or replaces the one with the same name.</summary>
    /// <param name="pair">The port pair.</param>
    /// <returns>A new builder.</returns>
    public ChainSpecBuilder WithPortPair(PortPair pair) =>
        new(Replace(_pairs, pair, p => p.Name == pair.Name), _groups, _classifiers, _chains, _graphs);

    /// <summary>Adds a port pair group, or replaces the one with the same name.</summary>
    /// <param name="group">The group.</param>
    /// <returns>A new builder.</returns>
    public ChainSpecBuilder WithPortPairGroup(PortPairGroup group) =>
        new(_pairs, Replace(_groups, group, g => g.Name == group.Name), _classifiers, _chains, _graphs);

    /// <summary>Adds a flow classifier, or replaces the one with the same name.</summary>
    /// <param name="classifier">The classifier.</param>
    /// <returns>A new builder.</returns>
    public ChainSpecBuilder WithFlowClassifier(FlowClassifier classifier) =>
        new(_pairs, _groups, Replace(_classifiers, classifier, c => c.Name == classifier.Name), _chains, _graphs);

    /// <summary>Adds a port chain, or replaces the one with the same name.</summary>
    /// <param name="chain">The chain.</param>
    /// <returns>A new builder.</returns>
    public ChainSpecBuilder WithPortChain(PortChain chain) =>
        new(_pairs, _groups, _classifiers, Replace(_chains, chain, c => c.Name == chain.Name), _graphs);

    /// <summary>Adds a service graph, or replaces the one with the same name.</summary>
    /// <param name="graph">The graph.</param>
    /// <returns>A new builder.</returns>
    public ChainSpecBuilder WithServiceGraph(ServiceGraph graph) =>
        new(_pairs, _groups, _classifiers, _chains, Replace(_graphs, graph, g => g.Name == graph.Name));

    /// <summary>Removes a port pair by name (no-op when absent).</summary>
    /// <param name="name">The port pair's name.</param>
    /// <returns>A new builder.</returns>
    public ChainSpecBuilder WithoutPortPair(string name) =>
        new(_pairs.RemoveAll(p => p.Name == name), _groups, _classifiers, _chains, _graphs);

    /// <summary>Removes a port pair group by name (no-op when absent).</summary>
    /// <param name="name">The group's name.</param>
    /// <returns>A new builder.</returns>
    public ChainSpecBuilder WithoutPortPairGroup(string name) =>
        new(_pairs, _groups.RemoveAll(g => g.Name == name), _classifiers, _chains, _graphs);

    /// <summary>Creates the spec. It is not validated here: pass it to a validator or apply it to get every problem.</summary>
    /// <returns>The spec.</returns>
    public ChainSpec Build() => new(_pairs, _groups, _classifiers, _chains, _graphs);

    private static ImmutableList<T> Replace<T>(ImmutableList<T> list, T item, Predicate<T> sameName)
    {
        ArgumentNullException.ThrowIfNull(item);
        int index = list.FindIndex(sameName);
        return index < 0 ? list.Add(item) : list.SetItem(index, item);
    }
}
