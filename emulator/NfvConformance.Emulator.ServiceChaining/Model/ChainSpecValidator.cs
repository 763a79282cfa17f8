// Licensed under the Apache License, Version 2.0.
using System.Net;
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Emulator.ServiceChaining.Model;

/// <summary>
/// Checks a <see cref="ChainSpec"/> against the networking-sfc rules and the emulator's limits, and returns every
/// problem at once. Subjects are <c>file:line</c> when the spec came from YAML, else <c>kind/name</c>.
/// </summary>
public static class ChainSpecValidator
{
    /// <summary>The most hops a compiled path can have (the per-flow affinity entry holds one instance per hop).</summary>
    public const int MaxHops = 8;

    /// <summary>The most compiled paths (chains plus the reverse paths of symmetric chains).</summary>
    public const int MaxPaths = 128;

    /// <summary>Validates a spec.</summary>
    /// <param name="spec">The spec.</param>
    /// <param name="knownFunctions">Service functions the target can run; null accepts any name.</param>
    /// <returns>All problems; empty when the spec can be applied.</returns>
    public static IReadOnlyList<ValidationError> Validate(ChainSpec spec, IReadOnlySet<string>? knownFunctions = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        List<ValidationError> errors = [];
        Dictionary<string, PortPair> pairs = Unique(spec.PortPairs, p => p.Name, p => Subject("port_pair", p.Name, p.Origin), "port pair", errors);
        Dictionary<string, PortPairGroup> groups = Unique(spec.PortPairGroups, g => g.Name, g => Subject("port_pair_group", g.Name, g.Origin), "port pair group", errors);
        Dictionary<string, FlowClassifier> classifiers = Unique(spec.FlowClassifiers, c => c.Name, c => Subject("flow_classifier", c.Name, c.Origin), "flow classifier", errors);
        Dictionary<string, PortChain> chains = Unique(spec.PortChains, c => c.Name, c => Subject("port_chain", c.Name, c.Origin), "port chain", errors);
        Unique(spec.ServiceGraphs, g => g.Name, g => Subject("service_graph", g.Name, g.Origin), "service graph", errors);

        ValidatePairs(spec.PortPairs, knownFunctions, errors);
        ValidateGroups(spec.PortPairGroups, pairs, groups, errors);
        foreach (FlowClassifier classifier in spec.FlowClassifiers)
        {
            ValidateClassifier(classifier, errors);
        }

        ValidateChains(spec.PortChains, groups, classifiers, GraphSources(spec.ServiceGraphs), errors);
        ValidateGraphs(spec.ServiceGraphs, chains, errors);
        return errors;
    }

    internal static string Subject(string kind, string name, string? origin) =>
        origin is null ? $"{kind}/{name}" : $"{origin} ({kind} {name})";

    private static Dictionary<string, T> Unique<T>(IReadOnlyList<T> items, Func<T, string> name, Func<T, string> subject, string what, List<ValidationError> errors)
    {
        Dictionary<string, T> byName = new(StringComparer.Ordinal);
        foreach (T item in items)
        {
            string n = name(item);
            if (string.IsNullOrWhiteSpace(n))
            {
                errors.Add(new(true, $"A {what} has no name; give every {what} a unique name.", subject(item)));
            }
            else if (!byName.TryAdd(n, item))
            {
                errors.Add(new(true, $"Two {what}s are named '{n}'; names must be unique.", subject(item)));
            }
        }

        return byName;
    }

    private static void ValidatePairs(IReadOnlyList<PortPair> pairs, IReadOnlySet<string>? knownFunctions, List<ValidationError> errors)
    {
        Dictionary<(string, string), string> byPorts = [];
        foreach (PortPair pair in pairs)
        {
            string subject = Subject("port_pair", pair.Name, pair.Origin);
            if (string.IsNullOrWhiteSpace(pair.Ingress) || string.IsNullOrWhiteSpace(pair.Egress))
            {
                errors.Add(new(true, "ingress and egress ports are required (use the same port twice for one bidirectional port).", subject));
            }
            else if (!byPorts.TryAdd((pair.Ingress, pair.Egress), pair.Name))
            {
                errors.Add(new(true, $"ingress '{pair.Ingress}' / egress '{pair.Egress}' already back port pair '{byPorts[(pair.Ingress, pair.Egress)]}'; one port combination backs one pair.", subject));
            }

            if (pair.Weight < 0)
            {
                errors.Add(new(true, $"weight = {pair.Weight}; it must be 0 or more.", subject));
            }

            if (string.IsNullOrWhiteSpace(pair.ServiceFunction))
            {
                errors.Add(new(true, "function is required (for example firewall, nat44, router, l2).", subject));
            }
            else if (knownFunctions is not null && !knownFunctions.Contains(pair.ServiceFunction))
            {
                errors.Add(new(true, $"function '{pair.ServiceFunction}' is not one the target runs; use one of: {string.Join(", ", knownFunctions.Order(StringComparer.Ordinal))}.", subject));
            }
        }
    }

    private static void ValidateGroups(IReadOnlyList<PortPairGroup> groups, Dictionary<string, PortPair> pairs, Dictionary<string, PortPairGroup> byName, List<ValidationError> errors)
    {
        Dictionary<string, string> owner = new(StringComparer.Ordinal);
        foreach (PortPairGroup group in groups)
        {
            string subject = Subject("port_pair_group", group.Name, group.Origin);
            if (group.PortPairs.Count == 0)
            {
                errors.Add(new(true, "the group has no port pairs; list at least one.", subject));
            }

            SfcCorrelation? correlation = null;
            int totalWeight = 0;
            foreach (string pairName in group.PortPairs)
            {
                if (!pairs.TryGetValue(pairName, out PortPair? pair))
                {
                    errors.Add(new(true, $"port pair '{pairName}' does not exist; define it under port_pairs.", subject));
                    continue;
                }

                totalWeight += Math.Max(0, pair.Weight);
                if (!owner.TryAdd(pairName, group.Name) && owner[pairName] != group.Name)
                {
                    errors.Add(new(true, $"port pair '{pairName}' is already in group '{owner[pairName]}'; a pair belongs to one group.", subject));
                }

                if (correlation is null)
                {
                    correlation = pair.Correlation;
                }
                else if (correlation != pair.Correlation)
                {
                    errors.Add(new(true, $"port pair '{pairName}' uses correlation {pair.Correlation} but the group's other pairs use {correlation}; make them consistent.", subject));
                }
            }

            if (group.PortPairs.Count > 0 && totalWeight == 0)
            {
                errors.Add(new(true, "every port pair in the group has weight 0, so no flow can be placed; give one a positive weight.", subject));
            }

            foreach (string other in group.RunsBefore.Concat(group.RunsAfter))
            {
                if (!byName.ContainsKey(other))
                {
                    errors.Add(new(true, $"runs_before/runs_after names group '{other}', which does not exist.", subject));
                }
                else if (other == group.Name)
                {
                    errors.Add(new(true, "the group names itself in runs_before/runs_after.", subject));
                }
            }
        }
    }

    private static void ValidateClassifier(FlowClassifier classifier, List<ValidationError> errors)
    {
        string subject = Subject("flow_classifier", classifier.Name, classifier.Origin);
        CheckPrefix(classifier.SourceIpPrefix, "source_ip_prefix", classifier.EtherType, subject, errors);
        CheckPrefix(classifier.DestinationIpPrefix, "destination_ip_prefix", classifier.EtherType, subject, errors);
        bool hasPorts = classifier.SourcePortMin is not null || classifier.SourcePortMax is not null
            || classifier.DestinationPortMin is not null || classifier.DestinationPortMax is not null;
        if (hasPorts && classifier.Protocol is not (ClassifierProtocol.Tcp or ClassifierProtocol.Udp))
        {
            errors.Add(new(true, $"port ranges need protocol tcp or udp (protocol is {classifier.Protocol}).", subject));
        }

        CheckRange(classifier.SourcePortMin, classifier.SourcePortMax, "source_port_range", subject, errors);
        CheckRange(classifier.DestinationPortMin, classifier.DestinationPortMax, "destination_port_range", subject, errors);
    }

    private static void CheckPrefix(string? prefix, string field, ClassifierEtherType etherType, string subject, List<ValidationError> errors)
    {
        if (prefix is null)
        {
            return;
        }

        if (!IPNetwork.TryParse(prefix, out IPNetwork network))
        {
            errors.Add(new(true, $"{field} '{prefix}' is not a CIDR prefix (for example 10.0.0.0/8).", subject));
            return;
        }

        bool v6 = network.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        if (v6 != (etherType == ClassifierEtherType.IPv6))
        {
            errors.Add(new(true, $"{field} '{prefix}' does not match ethertype {etherType}.", subject));
        }
    }

    private static void CheckRange(int? min, int? max, string field, string subject, List<ValidationError> errors)
    {
        if (min is < 0 or > 65535 || max is < 0 or > 65535)
        {
            errors.Add(new(true, $"{field} must lie within 0-65535 (min {min}, max {max}).", subject));
        }
        else if (min is not null && max is not null && min > max)
        {
            errors.Add(new(true, $"{field}_min {min} is greater than {field}_max {max}.", subject));
        }
    }

    /// <summary>Maps each chain a service graph links to (a destination) to the chains it is linked from.</summary>
    private static Dictionary<string, HashSet<string>> GraphSources(IReadOnlyList<ServiceGraph> graphs)
    {
        Dictionary<string, HashSet<string>> sources = new(StringComparer.Ordinal);
        foreach (ServiceGraph graph in graphs)
        {
            foreach ((string source, IReadOnlyList<string> targets) in graph.Links)
            {
                foreach (string target in targets)
                {
                    if (!sources.TryGetValue(target, out HashSet<string>? set))
                    {
                        sources[target] = set = new HashSet<string>(StringComparer.Ordinal);
                    }

                    set.Add(source);
                }
            }
        }

        return sources;
    }

    private static void ValidateChains(IReadOnlyList<PortChain> chains, Dictionary<string, PortPairGroup> groups, Dictionary<string, FlowClassifier> classifiers, Dictionary<string, HashSet<string>> graphSources, List<ValidationError> errors)
    {
        Dictionary<int, string> ids = [];
        Dictionary<string, string> classifierOwner = new(StringComparer.Ordinal);
        Dictionary<string, string> groupLists = new(StringComparer.Ordinal);
        foreach (PortChain chain in chains)
        {
            string subject = Subject("port_chain", chain.Name, chain.Origin);
            if (chain.ChainId is < 0 or > 65535)
            {
                errors.Add(new(true, $"chain_id = {chain.ChainId}; it must lie within 0-65535 (0 allocates one).", subject));
            }
            else if (chain.ChainId != 0 && !ids.TryAdd(chain.ChainId, chain.Name))
            {
                errors.Add(new(true, $"chain_id {chain.ChainId} is already used by chain '{ids[chain.ChainId]}'.", subject));
            }

            if (chain.Correlation == SfcCorrelation.None)
            {
                errors.Add(new(true, "chain correlation must be mpls or nsh.", subject));
            }

            if (chain.PortPairGroups.Count == 0)
            {
                errors.Add(new(true, "the chain has no port pair groups; list at least one.", subject));
            }
            else if (chain.PortPairGroups.Count > MaxHops)
            {
                errors.Add(new(true, $"the chain has {chain.PortPairGroups.Count} hops; the emulator compiles at most {MaxHops}; split the chain and link the parts with a service graph.", subject));
            }

            string key = string.Join('\u0001', chain.PortPairGroups);
            if (chain.PortPairGroups.Count > 0 && !groupLists.TryAdd(key, chain.Name))
            {
                errors.Add(new(true, $"chain '{groupLists[key]}' already has the same ordered port pair groups (InvalidPortPairGroups).", subject));
            }

            bool allGroupsExist = true;
            HashSet<string> seen = new(StringComparer.Ordinal);
            foreach (string groupName in chain.PortPairGroups)
            {
                if (!groups.ContainsKey(groupName))
                {
                    allGroupsExist = false;
                    errors.Add(new(true, $"port pair group '{groupName}' does not exist; define it under port_pair_groups.", subject));
                }
                else if (!seen.Add(groupName))
                {
                    allGroupsExist = false;
                    errors.Add(new(true, $"port pair group '{groupName}' is listed twice; a hop appears once in a chain.", subject));
                }
            }

            if (allGroupsExist && chain.PortPairGroups.Count > 0)
            {
                HopOrdering.Order(chain, groups, out ValidationError? orderError);
                if (orderError is not null)
                {
                    errors.Add(orderError);
                }
                else
                {
                    CheckTaps(chain, groups, subject, errors);
                }
            }

            if (chain.FlowClassifiers.Count == 0)
            {
                errors.Add(new(false, "the chain has no flow classifier, so it steers no traffic.", subject));
            }

            foreach (string classifierName in chain.FlowClassifiers)
            {
                if (!classifiers.TryGetValue(classifierName, out FlowClassifier? classifier))
                {
                    errors.Add(new(true, $"flow classifier '{classifierName}' does not exist; define it under flow_classifiers.", subject));
                    continue;
                }

                if (!classifierOwner.TryAdd(classifierName, chain.Name) && classifierOwner[classifierName] != chain.Name)
                {
                    errors.Add(new(true, $"flow classifier '{classifierName}' is already used by chain '{classifierOwner[classifierName]}' (FlowClassifierInUse).", subject));
                }

                if (chain.Symmetric && (classifier.LogicalSourcePort is null || classifier.LogicalDestinationPort is null))
                {
                    errors.Add(new(true, $"the chain is symmetric, so classifier '{classifierName}' needs both logical_source_port and logical_destination_port.", subject));
                }
            }
        }

        int paths = chains.Sum(c => c.Symmetric ? 2 : 1);
        if (paths > MaxPaths)
        {
            errors.Add(new(true, $"{chains.Count} chains make {paths} paths (a symmetric chain makes two); the emulator compiles at most {MaxPaths}.", "port_chains"));
        }

        CheckClassifierConflicts(chains, classifiers, graphSources, errors);
    }

    private static void CheckTaps(PortChain chain, Dictionary<string, PortPairGroup> groups, string subject, List<ValidationError> errors)
    {
        IReadOnlyList<string> order = HopOrdering.Order(chain, groups, out _);
        for (int i = 1; i < order.Count; i++)
        {
            if (groups[order[i]].TapEnabled && groups[order[i - 1]].TapEnabled)
            {
                errors.Add(new(true, $"tap-enabled groups '{order[i - 1]}' and '{order[i]}' are consecutive; put an active hop between them.", subject));
            }
        }
    }

    // Classifiers conflict only where they are matched at the same point: the ingress (chains no graph links to), or
    // the tail of a common source chain (destinations of one source). A graph destination's classifiers are matched
    // only where its source chains end, so they may overlap the ingress classifiers.
    private static void CheckClassifierConflicts(IReadOnlyList<PortChain> chains, Dictionary<string, FlowClassifier> classifiers, Dictionary<string, HashSet<string>> graphSources, List<ValidationError> errors)
    {
        for (int a = 0; a < chains.Count; a++)
        {
            for (int b = a + 1; b < chains.Count; b++)
            {
                graphSources.TryGetValue(chains[a].Name, out HashSet<string>? sa);
                graphSources.TryGetValue(chains[b].Name, out HashSet<string>? sb);
                if ((sa is null) != (sb is null) || (sa is not null && !sa.Overlaps(sb!)))
                {
                    continue;
                }

                foreach (string ca in chains[a].FlowClassifiers)
                {
                    foreach (string cb in chains[b].FlowClassifiers)
                    {
                        if (ca != cb && classifiers.TryGetValue(ca, out FlowClassifier? x) && classifiers.TryGetValue(cb, out FlowClassifier? y) && Overlap(x, y))
                        {
                            errors.Add(new(true, $"classifier '{cb}' overlaps classifier '{ca}' of chain '{chains[a].Name}', so a packet could match both chains (PortChainFlowClassifierInConflict); narrow one of them.", Subject("port_chain", chains[b].Name, chains[b].Origin)));
                        }
                    }
                }
            }
        }
    }

    private static void ValidateGraphs(IReadOnlyList<ServiceGraph> graphs, Dictionary<string, PortChain> chains, List<ValidationError> errors)
    {
        Dictionary<string, string> chainGraph = new(StringComparer.Ordinal);
        foreach (ServiceGraph graph in graphs)
        {
            string subject = Subject("service_graph", graph.Name, graph.Origin);
            Dictionary<string, List<string>> edges = new(StringComparer.Ordinal);
            HashSet<SfcCorrelation> correlations = [];
            foreach ((string source, IReadOnlyList<string> destinations) in graph.Links)
            {
                foreach (string name in destinations.Prepend(source))
                {
                    if (!chains.TryGetValue(name, out PortChain? chain))
                    {
                        errors.Add(new(true, $"port chain '{name}' does not exist; define it under port_chains.", subject));
                        continue;
                    }

                    correlations.Add(chain.Correlation);
                    if (chain.Symmetric && !chainGraph.ContainsKey(name))
                    {
                        errors.Add(new(true, $"port chain '{name}' is symmetric; the emulator compiles service graphs of one-way chains only: make it one-way (the reverse direction is another one-way chain).", subject));
                    }

                    if (!chainGraph.TryAdd(name, graph.Name) && chainGraph[name] != graph.Name)
                    {
                        errors.Add(new(true, $"port chain '{name}' is already in service graph '{chainGraph[name]}'; a chain belongs to one graph.", subject));
                    }
                }

                if (!edges.TryGetValue(source, out List<string>? list))
                {
                    edges[source] = list = [];
                }

                list.AddRange(destinations);
            }

            if (correlations.Count > 1)
            {
                errors.Add(new(true, $"the graph's chains use different encapsulations ({string.Join(", ", correlations)}); all must use the same correlation.", subject));
            }

            if (FindCycle(edges) is { } cycle)
            {
                errors.Add(new(true, $"the graph has a cycle through chains {cycle}; a service graph must be acyclic.", subject));
            }
        }
    }

    private static string? FindCycle(Dictionary<string, List<string>> edges)
    {
        Dictionary<string, int> state = new(StringComparer.Ordinal);
        Stack<string> path = new();
        foreach (string start in edges.Keys)
        {
            if (Visit(start) is { } cycle)
            {
                return cycle;
            }
        }

        return null;

        string? Visit(string node)
        {
            if (state.TryGetValue(node, out int s))
            {
                return s == 1 ? string.Join(" -> ", path.Reverse().SkipWhile(n => n != node).Append(node)) : null;
            }

            state[node] = 1;
            path.Push(node);
            foreach (string next in edges.GetValueOrDefault(node) ?? [])
            {
                if (Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }

            path.Pop();
            state[node] = 2;
            return null;
        }
    }

    internal static bool Overlap(FlowClassifier x, FlowClassifier y) =>
        x.EtherType == y.EtherType
        && (x.Protocol == ClassifierProtocol.Any || y.Protocol == ClassifierProtocol.Any || x.Protocol == y.Protocol)
        && PrefixesOverlap(x.SourceIpPrefix, y.SourceIpPrefix)
        && PrefixesOverlap(x.DestinationIpPrefix, y.DestinationIpPrefix)
        && RangesOverlap(x.SourcePortMin, x.SourcePortMax, y.SourcePortMin, y.SourcePortMax)
        && RangesOverlap(x.DestinationPortMin, x.DestinationPortMax, y.DestinationPortMin, y.DestinationPortMax)
        && (x.LogicalSourcePort is null || y.LogicalSourcePort is null || x.LogicalSourcePort == y.LogicalSourcePort)
        && (x.LogicalDestinationPort is null || y.LogicalDestinationPort is null || x.LogicalDestinationPort == y.LogicalDestinationPort);

    private static bool PrefixesOverlap(string? a, string? b)
    {
        if (a is null || b is null || !IPNetwork.TryParse(a, out IPNetwork x) || !IPNetwork.TryParse(b, out IPNetwork y))
        {
            return true;
        }

        return x.Contains(y.BaseAddress) || y.Contains(x.BaseAddress);
    }

    private static bool RangesOverlap(int? minA, int? maxA, int? minB, int? maxB) =>
        (minA ?? 0) <= (maxB ?? 65535) && (minB ?? 0) <= (maxA ?? 65535);
}
