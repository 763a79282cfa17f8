// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Net;
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Emulator.ServiceChaining.Model;

namespace NfvConformance.Emulator.ServiceChaining.Compilation;

/// <summary>Turns a validated spec into a <see cref="CompiledChains"/> snapshot, keeping ids stable from the previous one.</summary>
internal static class ChainCompiler
{
    /// <summary>First path id handed out for chains with <c>chain_id: 0</c>; reverse paths get <c>id | ReversePathBit</c>.</summary>
    public const int ReversePathBit = 1 << 16;

    /// <summary>Compiles a spec; on critical problems returns <paramref name="previous"/> unchanged.</summary>
    /// <param name="spec">The spec.</param>
    /// <param name="previous">The snapshot in force, whose ids are kept.</param>
    /// <param name="problems">Every problem found.</param>
    /// <param name="knownFunctions">Functions the target runs, or null for any.</param>
    /// <param name="outOfService">Port pairs taken out of service (failed over): kept in the spec, given no flows.</param>
    /// <returns>The new snapshot.</returns>
    public static CompiledChains Compile(ChainSpec spec, CompiledChains previous, out IReadOnlyList<ValidationError> problems, IReadOnlySet<string>? knownFunctions = null, IReadOnlySet<string>? outOfService = null)
    {
        problems = ChainSpecValidator.Validate(spec, knownFunctions);
        if (problems.Any(p => p.IsCritical))
        {
            return previous;
        }

        Dictionary<string, PortPair> pairs = spec.PortPairs.ToDictionary(p => p.Name, StringComparer.Ordinal);
        Dictionary<string, PortPairGroup> groups = spec.PortPairGroups.ToDictionary(g => g.Name, StringComparer.Ordinal);
        Dictionary<string, FlowClassifier> classifierByName = spec.FlowClassifiers.ToDictionary(c => c.Name, StringComparer.Ordinal);

        // Stable ids: an instance keeps its id (and so its flows' affinity) as long as its name lives on.
        List<CompiledInstance> instances = [.. previous.Instances];
        List<string> groupNames = [.. previous.GroupNames];
        foreach (PortPairGroup group in spec.PortPairGroups)
        {
            if (!groupNames.Contains(group.Name))
            {
                groupNames.Add(group.Name);
            }

            foreach (string pairName in group.PortPairs)
            {
                PortPair pair = pairs[pairName];
                int id = instances.FindIndex(i => i.PortPair == pairName);
                if (id < 0)
                {
                    id = instances.Count;
                    if (id > ushort.MaxValue - 1)
                    {
                        ThrowHelper.ThrowConfiguration($"port_pair/{pairName}: more than {ushort.MaxValue - 1} instances were ever defined; restart the emulator.");
                    }
                }

                CompiledInstance compiled = new((ushort)id, pairName, group.Name, pair.ServiceFunction, pair.Acceleration, pair.Weight);
                if (id == instances.Count)
                {
                    instances.Add(compiled);
                }
                else
                {
                    instances[id] = compiled;
                }
            }
        }

        // Service graphs: a destination chain is entered only from its source chains, through its classifiers
        // matched where the source chain ends (networking-sfc service_graph: "source chain -> destination chains").
        HashSet<string> destinations = new(StringComparer.Ordinal);
        foreach (ServiceGraph graph in spec.ServiceGraphs)
        {
            foreach (IReadOnlyList<string> targets in graph.Links.Values)
            {
                destinations.UnionWith(targets);
            }
        }

        HashSet<int> usedIds = [.. spec.PortChains.Where(c => c.ChainId != 0).Select(c => c.ChainId)];
        int nextId = 1;
        List<CompiledChain> chains = [];
        List<CompiledClassifier> classifiers = [];
        foreach (PortChain chain in spec.PortChains)
        {
            int spi = chain.ChainId;
            if (spi == 0)
            {
                while (usedIds.Contains(nextId))
                {
                    nextId++;
                }

                spi = nextId;
                usedIds.Add(nextId);
            }

            CompiledHop[] hops = [.. HopOrdering.Order(chain, groups, out _).Select(g => CompileHop(groups[g], groupNames.IndexOf(g), pairs, instances, outOfService))];
            int forward = chains.Count;
            bool isDestination = destinations.Contains(chain.Name);
            chains.Add(new CompiledChain(chain.Name, spi, false, chain.Correlation, hops) { IsGraphDestination = isDestination });
            int reverse = -1;
            if (chain.Symmetric)
            {
                reverse = chains.Count;
                chains.Add(new CompiledChain(chain.Name, spi | ReversePathBit, true, chain.Correlation, [.. hops.Reverse()]));
            }

            if (isDestination)
            {
                continue;
            }

            foreach (string c in chain.FlowClassifiers.Where(c => classifierByName[c].EtherType == ClassifierEtherType.IPv4))
            {
                classifiers.Add(CompileClassifier(classifierByName[c], forward, reverse));
            }
        }

        LinkGraphs(spec, chains, classifierByName);
        return new CompiledChains(previous.Generation + 1, [.. chains], [.. instances], [.. groupNames], [.. classifiers]);
    }

    private static void LinkGraphs(ChainSpec spec, List<CompiledChain> chains, Dictionary<string, FlowClassifier> classifierByName)
    {
        Dictionary<string, PortChain> specChains = spec.PortChains.ToDictionary(c => c.Name, StringComparer.Ordinal);
        foreach (ServiceGraph graph in spec.ServiceGraphs)
        {
            foreach ((string source, IReadOnlyList<string> targets) in graph.Links)
            {
                int from = chains.FindIndex(c => !c.IsReverse && c.Name == source);
                List<CompiledClassifier> branch = [.. chains[from].BranchClassifiers];
                foreach (string target in targets)
                {
                    int to = chains.FindIndex(c => !c.IsReverse && c.Name == target);
                    foreach (string c in specChains[target].FlowClassifiers.Where(c => classifierByName[c].EtherType == ClassifierEtherType.IPv4))
                    {
                        branch.Add(CompileClassifier(classifierByName[c], to, -1));
                    }
                }

                chains[from] = chains[from] with { BranchClassifiers = [.. branch] };
            }
        }
    }

    private static CompiledHop CompileHop(PortPairGroup group, int groupId, Dictionary<string, PortPair> pairs, List<CompiledInstance> instances, IReadOnlySet<string>? outOfService)
    {
        List<string> live = [.. group.PortPairs.Where(p => outOfService?.Contains(p) != true)];
        ushort[] ids = [.. live.Select(p => instances.First(i => i.PortPair == p).Id)];
        int[] weights = [.. live.Select(p => pairs[p].Weight)];
        return new CompiledHop(group.Name, groupId, ids, weights, group.LbFields, group.TapEnabled);
    }

    private static CompiledClassifier CompileClassifier(FlowClassifier c, int chain, int reverse)
    {
        (uint srcNet, uint srcMask) = Prefix(c.SourceIpPrefix);
        (uint dstNet, uint dstMask) = Prefix(c.DestinationIpPrefix);
        return new CompiledClassifier(
            chain,
            reverse,
            srcNet,
            srcMask,
            dstNet,
            dstMask,
            (byte)c.Protocol,
            (ushort)(c.SourcePortMin ?? 0),
            (ushort)(c.SourcePortMax ?? 65535),
            (ushort)(c.DestinationPortMin ?? 0),
            (ushort)(c.DestinationPortMax ?? 65535));
    }

    // The compiled table steers IPv4 only: IPv6 classifiers validate but are not compiled (docs/service-chaining.md).
    private static (uint Net, uint Mask) Prefix(string? prefix)
    {
        if (prefix is null || !IPNetwork.TryParse(prefix, out IPNetwork network))
        {
            return (0, 0);
        }

        uint mask = network.PrefixLength == 0 ? 0 : uint.MaxValue << (32 - network.PrefixLength);
        uint net = BinaryPrimitives.ReadUInt32BigEndian(network.BaseAddress.GetAddressBytes());
        return (net & mask, mask);
    }
}
