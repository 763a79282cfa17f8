// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;

namespace NfvConformance.Emulator.ServiceChaining.Compilation;

/// <summary>
/// An applied chain configuration, compiled: immutable, swapped as a whole. Instance and group ids are stable
/// across generations (kept by name), so per-flow affinity recorded under one generation stays valid in the next.
/// </summary>
internal sealed class CompiledChains
{
    public const int BucketCount = 256;

    public CompiledChains(long generation, CompiledChain[] chains, CompiledInstance[] instances, string[] groupNames, CompiledClassifier[] classifiers)
    {
        Generation = generation;
        Chains = chains;
        Instances = instances;
        GroupNames = groupNames;
        Classifiers = classifiers;
        InService = new bool[instances.Length];
        foreach (CompiledChain chain in chains)
        {
            foreach (CompiledHop hop in chain.Hops)
            {
                foreach (ushort id in hop.InstanceIds)
                {
                    InService[id] = true;
                }
            }
        }
    }

    public static CompiledChains Empty { get; } = new(0, [], [], [], []);

    public long Generation { get; }

    public CompiledChain[] Chains { get; }

    /// <summary>Gets every instance ever seen, by id; ids of removed instances stay allocated, <see cref="InService"/> is false for them.</summary>
    public CompiledInstance[] Instances { get; }

    public bool[] InService { get; }

    public string[] GroupNames { get; }

    public CompiledClassifier[] Classifiers { get; }

    public int FindChain(string name)
    {
        for (int i = 0; i < Chains.Length; i++)
        {
            if (Chains[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }

    public int FindInstance(string portPair)
    {
        for (int i = 0; i < Instances.Length; i++)
        {
            if (Instances[i].PortPair == portPair)
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>One port pair, compiled.</summary>
internal sealed record CompiledInstance(ushort Id, string PortPair, string Group, string Function, AccelerationMode Mode, int Weight);

/// <summary>One chain (one direction of a symmetric chain is a chain of its own, with its own path id).</summary>
internal sealed record CompiledChain(string Name, int ServicePathId, bool IsReverse, SfcCorrelation Correlation, CompiledHop[] Hops)
{
    /// <summary>
    /// Gets the classifiers of the chains a service graph links this chain to, in the graph's order: a packet leaving
    /// this chain's last hop is matched against them (on its bytes as they are then) and continues into the first
    /// chain that matches, or leaves when none does. Empty when the chain is no graph's source.
    /// </summary>
    public CompiledClassifier[] BranchClassifiers { get; init; } = [];

    /// <summary>Gets a value indicating whether a service graph links another chain to this one: then traffic enters it only from those chains, never from the ingress classifier.</summary>
    public bool IsGraphDestination { get; init; }
}

/// <summary>
/// One hop: the group's instances and a weighted bucket table that maps a flow hash to an instance for new flows.
/// Existing flows keep the instance recorded in their affinity entry while it stays in service.
/// </summary>
internal sealed class CompiledHop
{
    public CompiledHop(string group, int groupId, ushort[] instanceIds, int[] weights, LoadBalanceFields lbFields, bool tapEnabled)
    {
        Group = group;
        GroupId = groupId;
        InstanceIds = instanceIds;
        LbFields = lbFields;
        TapEnabled = tapEnabled;
        Buckets = BuildBuckets(instanceIds, weights, BucketsLength);
    }

    public const int BucketsLength = CompiledChains.BucketCount;

    /// <summary>Bucket value when the hop has no instance in service: its packets are dropped as <c>no_instance</c>.</summary>
    public const ushort NoInstance = ushort.MaxValue;

    public string Group { get; }

    public int GroupId { get; }

    public ushort[] InstanceIds { get; }

    public LoadBalanceFields LbFields { get; }

    public bool TapEnabled { get; }

    /// <summary>Gets <see cref="BucketsLength"/> instance ids; a flow takes <c>Buckets[hash &amp; (BucketsLength - 1)]</c>.</summary>
    public ushort[] Buckets { get; }

    public bool Contains(ushort instanceId) => Array.IndexOf(InstanceIds, instanceId) >= 0;

    // Smooth weighted round robin (as nginx does) spreads each instance's buckets evenly over the table.
    internal static ushort[] BuildBuckets(ushort[] ids, int[] weights, int length)
    {
        ushort[] buckets = new ushort[length];
        int total = 0;
        foreach (int w in weights)
        {
            total += Math.Max(0, w);
        }

        if (total == 0)
        {
            Array.Fill(buckets, NoInstance);
            return buckets;
        }

        long[] current = new long[ids.Length];
        for (int slot = 0; slot < length; slot++)
        {
            int best = -1;
            for (int i = 0; i < ids.Length; i++)
            {
                current[i] += Math.Max(0, weights[i]);
                if (weights[i] > 0 && (best < 0 || current[i] > current[best]))
                {
                    best = i;
                }
            }

            current[best] -= total;
            buckets[slot] = ids[best];
        }

        return buckets;
    }
}

/// <summary>A flow classifier as masks and ranges, matched in a few compares.</summary>
internal readonly record struct CompiledClassifier(
    int Chain,
    int ReverseChain,
    uint SourceNet,
    uint SourceMask,
    uint DestinationNet,
    uint DestinationMask,
    byte Protocol,
    ushort SourcePortMin,
    ushort SourcePortMax,
    ushort DestinationPortMin,
    ushort DestinationPortMax)
{
    public bool Matches(uint src, uint dst, byte protocol, ushort sport, ushort dport) =>
        (src & SourceMask) == SourceNet
        && (dst & DestinationMask) == DestinationNet
        && (Protocol == 0 || Protocol == protocol)
        && sport >= SourcePortMin && sport <= SourcePortMax
        && dport >= DestinationPortMin && dport <= DestinationPortMax;

    /// <summary>Matches the reverse direction of a symmetric chain: addresses and ports swapped.</summary>
    public bool MatchesReverse(uint src, uint dst, byte protocol, ushort sport, ushort dport) =>
        ReverseChain >= 0 && Matches(dst, src, protocol, dport, sport);
}
