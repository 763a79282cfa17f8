// Licensed under the Apache License, Version 2.0.
using System.Runtime.CompilerServices;
using NfvConformance.Emulator.Dataplane.Buffers;

namespace NfvConformance.Emulator.Dataplane.Graph;

/// <summary>
/// What a node sees during one <see cref="GraphNode.Process"/> or <see cref="GraphNode.Poll"/> call: the pool,
/// a preallocated next-index scratch of <see cref="NodeGraph.MaxVector"/> entries, its own counters and the
/// graph clock. Lives on the stack; nothing in it allocates.
/// </summary>
public ref struct NodeContext
{
    private readonly NodeGraph _graph;
    private readonly int _node;

    internal NodeContext(NodeGraph graph, int node, Span<ushort> nexts, Span<long> counters, long now)
    {
        _graph = graph;
        _node = node;
        Nexts = nexts;
        Counters = counters;
        Now = now;
    }

    /// <summary>Gets the pool the packets belong to.</summary>
    public readonly PacketPool Pool => _graph.Pool;

    /// <summary>Gets the next-index scratch: write <c>Nexts[i]</c> for <c>input[i]</c>, then call <see cref="EnqueueToNext(ReadOnlySpan{PacketHandle})"/>.</summary>
    public Span<ushort> Nexts { get; }

    /// <summary>Gets the node's own counters, indexed as <see cref="GraphNode.CounterNames"/>.</summary>
    public Span<long> Counters { get; }

    /// <summary>Gets the graph clock's timestamp for this dispatch (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    public long Now { get; }

    /// <summary>Gets the graph clock's ticks per second.</summary>
    public readonly long TimestampFrequency => _graph.Time.TimestampFrequency;

    /// <summary>Gets the index of the worker running the graph.</summary>
    public readonly int WorkerId => _graph.WorkerId;

    /// <summary>Sends each packet to the next node named by <c>Nexts[i]</c> (vlib_buffer_enqueue_to_next).</summary>
    /// <param name="packets">The packets; ownership passes to the next nodes (or to the pool for <see cref="NextIndex.Drop"/>).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void EnqueueToNext(ReadOnlySpan<PacketHandle> packets) =>
        _graph.EnqueueToNext(_node, packets, Nexts[..packets.Length]);

    /// <summary>Sends each packet to the next node named by the matching entry of <paramref name="nexts"/>.</summary>
    /// <param name="packets">The packets; ownership passes on.</param>
    /// <param name="nexts">One next index per packet.</param>
    public readonly void EnqueueToNext(ReadOnlySpan<PacketHandle> packets, ReadOnlySpan<ushort> nexts) =>
        _graph.EnqueueToNext(_node, packets, nexts);

    /// <summary>Sends every packet to the same next node.</summary>
    /// <param name="packets">The packets; ownership passes on.</param>
    /// <param name="next">The next index.</param>
    public readonly void EnqueueToSingleNext(ReadOnlySpan<PacketHandle> packets, ushort next) =>
        _graph.Deliver(_node, packets, next);

    /// <summary>Frees packets the node drops outside a next-index vector, counting them in its drops.</summary>
    /// <param name="packets">Packets the node owns.</param>
    public readonly void Drop(ReadOnlySpan<PacketHandle> packets) => _graph.Deliver(_node, packets, NextIndex.Drop);
}
