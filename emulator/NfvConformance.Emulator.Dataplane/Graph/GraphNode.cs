// Licensed under the Apache License, Version 2.0.
using NfvConformance.Emulator.Dataplane.Buffers;

namespace NfvConformance.Emulator.Dataplane.Graph;

/// <summary>
/// A node of the packet graph (VPP vlib_node_registration_t, DPDK rte_node). It declares its next nodes and its
/// counter names when it is created; per vector it writes one next index per packet into
/// <see cref="NodeContext.Nexts"/> and makes one <see cref="NodeContext.EnqueueToNext(ReadOnlySpan{PacketHandle})"/> call.
/// A node instance belongs to one graph and so to one worker: its state needs no locks.
/// </summary>
public abstract class GraphNode
{
    /// <summary>Creates a node.</summary>
    /// <param name="name">The node's unique name in its graph (an instance name such as <c>fw0</c>).</param>
    /// <param name="nextNodes">The names of the nodes this one can send to; next index i is nextNodes[i].</param>
    /// <param name="counterNames">The names of the node's own counters (drop reasons and events), indexed in order.</param>
    protected GraphNode(string name, IReadOnlyList<string> nextNodes, IReadOnlyList<string> counterNames)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(nextNodes);
        ArgumentNullException.ThrowIfNull(counterNames);
        if (nextNodes.Count >= NextIndex.Drop)
        {
            Abstractions.Errors.ThrowHelper.ThrowOutOfRange(nameof(nextNodes), nextNodes.Count, $"fewer than {NextIndex.Drop} next nodes");
        }

        Name = name;
        NextNodes = [.. nextNodes];
        CounterNames = [.. counterNames];
    }

    /// <summary>Gets the node's name.</summary>
    public string Name { get; }

    /// <summary>Gets the names of the next nodes, in next-index order.</summary>
    public IReadOnlyList<string> NextNodes { get; }

    /// <summary>Gets the names of the node's counters, in counter-index order.</summary>
    public IReadOnlyList<string> CounterNames { get; }

    /// <summary>Gets a value indicating whether the runtime calls <see cref="Poll"/> on every worker iteration (timers, held packets, TX drain).</summary>
    public virtual bool IsPolled => false;

    /// <summary>Processes a vector of packets: writes a next index per packet, then enqueues them all once.</summary>
    /// <param name="ctx">The node's context: pool, next-index scratch, counters, clock.</param>
    /// <param name="input">The packets, at most <see cref="NodeGraph.MaxVector"/>; the node owns them until it enqueues, frees or holds them.</param>
    /// <returns>The number of packets processed (input.Length for most nodes).</returns>
    public abstract int Process(ref NodeContext ctx, ReadOnlySpan<PacketHandle> input);

    /// <summary>Does time-driven work when <see cref="IsPolled"/> is true: releases held packets, expires state.</summary>
    /// <param name="ctx">The node's context.</param>
    /// <returns>The number of packets the poll sent on.</returns>
    public virtual int Poll(ref NodeContext ctx) => 0;
}
