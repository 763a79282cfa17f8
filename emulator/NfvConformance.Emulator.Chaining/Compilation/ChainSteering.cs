// Licensed under the Apache License, Version 2.0.
using System.Runtime.CompilerServices;

namespace NfvConformance.Emulator.Chaining.Compilation;

/// <summary>
/// Per-flow steering over one compiled snapshot: classify a flow once, pin an instance per hop, and keep those
/// instances across snapshot swaps while they stay in service. Owned by one worker; not thread-safe.
/// </summary>
internal sealed class ChainSteering
{
    /// <summary>Chain value of an entry whose flow matched no classifier.</summary>
    public const int NoChain = -1;

    private readonly FlowAffinityTable _flows;
    private CompiledChains _config = CompiledChains.Empty;

    public ChainSteering(int flowCapacity) => _flows = new FlowAffinityTable(flowCapacity);

    public CompiledChains Config => _config;

    public FlowAffinityTable Flows => _flows;

    /// <summary>Gets or sets flows moved off an instance that left service (removed or failed over).</summary>
    public long FlowsMoved { get; private set; }

    /// <summary>Swaps the snapshot. Call between bursts: a burst is steered against exactly one snapshot.</summary>
    public void Swap(CompiledChains config) => _config = config;

    /// <summary>Finds the flow's chain and per-hop instances under the current snapshot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref FlowEntry Steer(in FlowKey key, out int index)
    {
        ref FlowEntry e = ref _flows.Lookup(key.Key0, key.Key1, key.Hash(), out _, out index);
        if (e.Generation != _config.Generation)
        {
            Resolve(ref e, in key);
        }

        return ref e;
    }

    /// <summary>Re-pins one hop of a flow whose instance is no longer in service (for example after a failover).</summary>
    public ushort Repin(ref FlowEntry e, int hopPosition, in FlowKey key)
    {
        CompiledHop hop = _config.Chains[e.Chain].Hops[hopPosition];
        ushort id = hop.Buckets[key.Hash(hop.LbFields) & (CompiledHop.BucketsLength - 1)];
        e.Instances[hopPosition] = id;
        return id;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Resolve(ref FlowEntry e, in FlowKey key)
    {
        CompiledChains config = _config;
        int chain = Classify(config, in key);
        HopSlots oldInstances = e.Instances;
        HopSlots oldGroups = e.Groups;
        int oldHops = e.Generation < 0 || e.Chain < 0 ? 0 : 16;
        e.Chain = chain;
        e.Generation = config.Generation;
        if (chain == NoChain)
        {
            return;
        }

        CompiledHop[] hops = config.Chains[chain].Hops;
        for (int j = 0; j < hops.Length; j++)
        {
            CompiledHop hop = hops[j];
            ushort keep = ushort.MaxValue;
            bool hadOne = false;
            for (int k = 0; k < oldHops; k++)
            {
                // Group ids are stored +1 so a zeroed slot never matches group 0.
                if (oldGroups[k] == hop.GroupId + 1)
                {
                    hadOne = true;
                    ushort old = oldInstances[k];
                    if (config.InService[old] && hop.Contains(old))
                    {
                        keep = old;
                    }

                    break;
                }
            }

            if (keep == ushort.MaxValue)
            {
                keep = hop.Buckets[key.Hash(hop.LbFields) & (CompiledHop.BucketsLength - 1)];
                if (hadOne)
                {
                    FlowsMoved++;
                }
            }

            e.Instances[j] = keep;
            e.Groups[j] = (ushort)(hop.GroupId + 1);
        }

        for (int j = hops.Length; j < 16; j++)
        {
            e.Groups[j] = 0;
        }
    }

    internal static int Classify(CompiledChains config, in FlowKey key)
    {
        CompiledClassifier[] classifiers = config.Classifiers;
        for (int i = 0; i < classifiers.Length; i++)
        {
            ref readonly CompiledClassifier c = ref classifiers[i];
            if (c.Matches(key.Source, key.Destination, key.Protocol, key.SourcePort, key.DestinationPort))
            {
                return c.Chain;
            }

            if (c.MatchesReverse(key.Source, key.Destination, key.Protocol, key.SourcePort, key.DestinationPort))
            {
                return c.ReverseChain;
            }
        }

        return NoChain;
    }
}
