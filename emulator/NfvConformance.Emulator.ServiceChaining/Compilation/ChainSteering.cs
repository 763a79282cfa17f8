// Licensed under the Apache License, Version 2.0.
using System.Runtime.CompilerServices;

namespace NfvConformance.Emulator.ServiceChaining.Compilation;

/// <summary>
/// Per-flow steering over one compiled snapshot: classify a flow once, pin an instance per hop, and keep those
/// instances across snapshot swaps while they stay in service. Owned by one worker; not thread-safe.
/// </summary>
internal sealed class ChainSteering
{
    /// <summary>Chain value of an entry whose flow matched no classifier.</summary>
    public const int NoChain = -1;

    private readonly FlowAffinityTable _flows;
    private readonly ChainPathTable _paths = new();
    private readonly int _flowCapacity;
    private FlowAffinityTable? _branchFlows;
    private CompiledChains _config = CompiledChains.Empty;

    public ChainSteering(int flowCapacity)
    {
        _flows = new FlowAffinityTable(flowCapacity);
        _flowCapacity = flowCapacity;
    }

    public CompiledChains Config => _config;

    public FlowAffinityTable Flows => _flows;

    public ChainPathTable Paths => _paths;

    /// <summary>Gets or sets flows moved off an instance that left service (removed or failed over).</summary>
    public long FlowsMoved { get; private set; }

    /// <summary>Swaps the snapshot. Call between bursts: a burst is steered against exactly one snapshot.</summary>
    public void Swap(CompiledChains config)
    {
        _config = config;
        _paths.Clear();
        if (_branchFlows is null && config.Chains.Any(c => c.BranchClassifiers.Length > 0))
        {
            // Created once, with the first snapshot that has a service graph; kept (with its pins) from then on.
            _branchFlows = new FlowAffinityTable(_flowCapacity);
        }
    }

    /// <summary>
    /// Finds where a flow goes when it leaves chain <paramref name="fromChain"/> (a service graph's branch point): the
    /// first destination chain whose classifier matches the packet's 5-tuple as it is there, with per-hop instances
    /// pinned as at the ingress. Entries are keyed by the source chain and the 5-tuple; Chain is NoChain when no
    /// destination matches (the packet leaves).
    /// </summary>
    public ref FlowEntry SteerBranch(int fromChain, in FlowKey key)
    {
        FlowAffinityTable table = _branchFlows!;
        ulong key1 = key.Key1 | ((ulong)(uint)(fromChain + 1) << 48);
        uint hash = key.Hash() ^ (uint)((fromChain + 1) * -1640531535);
        ref FlowEntry e = ref table.Lookup(key.Key0, key1, hash, out _, out int index);
        if (e.Generation != (int)_config.Generation)
        {
            Resolve(ref e, ref table.Pins(index), in key, ClassifyBranch(_config.Chains[fromChain].BranchClassifiers, in key));
        }

        return ref e;
    }

    /// <summary>Finds the flow's chain and per-hop instances under the current snapshot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref FlowEntry Steer(in FlowKey key, out int index) => ref Steer(in key, key.Hash(), out index);

    /// <summary>As <see cref="Steer(in FlowKey, out int)"/>, with the 5-tuple hash already computed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref FlowEntry Steer(in FlowKey key, uint hash, out int index)
    {
        ref FlowEntry e = ref _flows.Lookup(key.Key0, key.Key1, hash, out _, out index);
        if (e.Generation != (int)_config.Generation)
        {
            Resolve(ref e, ref _flows.Pins(index), in key, Classify(_config, in key));
        }

        return ref e;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Resolve(ref FlowEntry e, ref FlowPins pins, in FlowKey key, int chain)
    {
        CompiledChains config = _config;
        HopSlots oldInstances = pins.Instances;
        HopSlots oldGroups = pins.Groups;
        int oldHops = e.Generation < 0 || e.Chain < 0 ? 0 : ChainPathTable.Stride;
        e.Chain = (short)chain;
        e.Generation = (int)config.Generation;
        e.Path = -1;
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
                keep = hop.Buckets[key.InstanceHash(hop.LbFields) & (CompiledHop.BucketsLength - 1)];
                if (hadOne)
                {
                    FlowsMoved++;
                }
            }

            pins.Instances[j] = keep;
            pins.Groups[j] = (ushort)(hop.GroupId + 1);
        }

        for (int j = hops.Length; j < ChainPathTable.Stride; j++)
        {
            pins.Groups[j] = 0;
            pins.Instances[j] = 0;
        }

        e.Path = _paths.Intern(chain, ((ReadOnlySpan<ushort>)pins.Instances)[..hops.Length]);
    }

    internal static int ClassifyBranch(CompiledClassifier[] classifiers, in FlowKey key)
    {
        for (int i = 0; i < classifiers.Length; i++)
        {
            if (classifiers[i].Matches(key.Source, key.Destination, key.Protocol, key.SourcePort, key.DestinationPort))
            {
                return classifiers[i].Chain;
            }
        }

        return NoChain;
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
