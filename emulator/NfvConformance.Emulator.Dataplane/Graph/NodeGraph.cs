// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;
using System.Runtime.CompilerServices;
using NfvConformance.Emulator.Dataplane.Buffers;

namespace NfvConformance.Emulator.Dataplane.Graph;

/// <summary>
/// A compiled packet graph owned by one worker (VPP's per-thread vlib_main): nodes with resolved next indices,
/// one pending frame of up to <see cref="MaxVector"/> packets per node, counters and an opt-in trace. Built by
/// <see cref="NodeGraphBuilder"/>; after that nothing in it allocates. Not thread-safe: one worker drives it.
/// </summary>
public sealed class NodeGraph
{
    /// <summary>The largest vector a node is given in one call (VPP VLIB_FRAME_SIZE).</summary>
    public const int MaxVector = 256;

    private readonly Slot[] _slots;
    private readonly int[] _order;
    private readonly int[] _polled;
    private readonly bool _measure;
    private long _now;
    private long _overflowDrops;

    internal NodeGraph(PacketPool pool, IReadOnlyList<GraphNode> nodes, int[][] nextTargets, int[] order, NodeGraphOptions options)
    {
        Pool = pool;
        Time = options.Time ?? TimeProvider.System;
        WorkerId = options.WorkerId;
        _measure = options.MeasureNodeTime;
        Trace = new PacketTrace(Math.Max(1, options.TraceCapacity));
        _slots = new Slot[nodes.Count];
        List<int> polled = [];
        for (int i = 0; i < nodes.Count; i++)
        {
            _slots[i] = new Slot(nodes[i], nextTargets[i]);
            if (nodes[i].IsPolled)
            {
                polled.Add(i);
            }
        }

        _order = order;
        _polled = [.. polled];
        Nodes = [.. nodes];
    }

    /// <summary>Gets the pool the graph's packets belong to.</summary>
    public PacketPool Pool { get; }

    /// <summary>Gets the graph clock (real or virtual time).</summary>
    public TimeProvider Time { get; }

    /// <summary>Gets the index of the worker that owns the graph.</summary>
    public int WorkerId { get; }

    /// <summary>Gets the nodes in registration order.</summary>
    public IReadOnlyList<GraphNode> Nodes { get; }

    /// <summary>Gets the trace buffer that nodes with tracing on write to.</summary>
    public PacketTrace Trace { get; }

    /// <summary>Gets the packets dropped because a frame was full while its node was running (a cycle in the graph).</summary>
    public long FrameOverflowDrops => _overflowDrops;

    /// <summary>Gets the index of a node by name.</summary>
    /// <param name="name">The node's name.</param>
    /// <returns>The index, or -1 when there is no such node.</returns>
    public int IndexOf(string name)
    {
        for (int i = 0; i < _slots.Length; i++)
        {
            if (string.Equals(_slots[i].Node.Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Gets a node's counters in this graph.</summary>
    /// <param name="name">The node's name.</param>
    /// <returns>The live counters.</returns>
    /// <exception cref="KeyNotFoundException">There is no such node; the message lists the nodes.</exception>
    public NodeCounters GetCounters(string name)
    {
        int i = IndexOf(name);
        if (i < 0)
        {
            throw new KeyNotFoundException($"The graph has no node '{name}'; it has: {string.Join(", ", Nodes.Select(n => n.Name))}.");
        }

        return _slots[i].Counters;
    }

    /// <summary>Gets every node's counters, in registration order.</summary>
    /// <returns>The live counters.</returns>
    public IReadOnlyList<NodeCounters> GetAllCounters() => [.. _slots.Select(s => s.Counters)];

    /// <summary>Switches tracing of a node's outgoing packets on or off (VLIB_NODE_FLAG_TRACE).</summary>
    /// <param name="name">The node's name.</param>
    /// <param name="enabled">True to record every packet the node sends on.</param>
    /// <exception cref="KeyNotFoundException">There is no such node.</exception>
    public void SetTrace(string name, bool enabled)
    {
        int i = IndexOf(name);
        if (i < 0)
        {
            throw new KeyNotFoundException($"The graph has no node '{name}' to trace.");
        }

        _slots[i].Traced = enabled;
    }

    /// <summary>Puts packets into a node's pending frame; they are processed by the next <see cref="Run"/>.</summary>
    /// <param name="nodeIndex">The node (see <see cref="IndexOf"/>).</param>
    /// <param name="packets">Packets the caller owns; ownership passes to the graph.</param>
    public void Inject(int nodeIndex, ReadOnlySpan<PacketHandle> packets)
    {
        _now = Time.GetTimestamp();
        Append(_slots[nodeIndex], packets);
    }

    /// <summary>Processes pending frames, in dependency order, until none is left.</summary>
    /// <returns>The number of packets given to nodes.</returns>
    public int Run()
    {
        _now = Time.GetTimestamp();
        int total = 0;
        bool ran;
        do
        {
            ran = false;
            foreach (int i in _order)
            {
                Slot s = _slots[i];
                if (s.PendingCount > 0)
                {
                    total += RunNode(i, s);
                    ran = true;
                }
            }
        }
        while (ran);

        return total;
    }

    /// <summary>Calls <see cref="GraphNode.Poll"/> on every polled node, then runs what they sent on.</summary>
    /// <returns>The number of packets polled nodes sent on.</returns>
    public int Poll()
    {
        if (_polled.Length == 0)
        {
            return 0;
        }

        _now = Time.GetTimestamp();
        int sent = 0;
        foreach (int i in _polled)
        {
            Slot s = _slots[i];
            NodeContext ctx = new(this, i, s.Nexts, s.Counters.Values, _now);
            long t0 = _measure ? Stopwatch.GetTimestamp() : 0;
            s.Busy = true;
            sent += s.Node.Poll(ref ctx);
            s.Busy = false;
            if (_measure)
            {
                s.Counters.Ticks += Stopwatch.GetTimestamp() - t0;
            }
        }

        Run();
        return sent;
    }

    internal void EnqueueToNext(int node, ReadOnlySpan<PacketHandle> packets, ReadOnlySpan<ushort> nexts)
    {
        Debug.Assert(packets.Length == nexts.Length, "one next index per packet");
        int n = packets.Length;
        int i = 0;
        while (i < n)
        {
            ushort next = nexts[i];
            int j = i + 1;
            while (j < n && nexts[j] == next)
            {
                j++;
            }

            Deliver(node, packets[i..j], next);
            i = j;
        }
    }

    internal void Deliver(int node, ReadOnlySpan<PacketHandle> packets, ushort next)
    {
        if (packets.IsEmpty)
        {
            return;
        }

        Slot from = _slots[node];
        int[] targets = from.NextTargets;
        int target = next < targets.Length ? targets[next] : -1;
        if (from.Traced)
        {
            TraceHops(from, packets, target);
        }

        if (target < 0)
        {
            // NextIndex.Drop, or an index the node never declared: either way the packet ends here, counted.
            Pool.FreeBulk(packets);
            from.Counters.Drops += packets.Length;
            return;
        }

        Append(_slots[target], packets);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Append(Slot to, ReadOnlySpan<PacketHandle> packets)
    {
        while (!packets.IsEmpty)
        {
            int space = MaxVector - to.PendingCount;
            if (space == 0)
            {
                if (!FlushFull(to, packets))
                {
                    return;
                }

                continue;
            }

            int k = Math.Min(space, packets.Length);
            packets[..k].CopyTo(to.Pending.AsSpan(to.PendingCount));
            to.PendingCount += k;
            packets = packets[k..];
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool FlushFull(Slot to, ReadOnlySpan<PacketHandle> packets)
    {
        if (to.Busy)
        {
            Pool.FreeBulk(packets);
            _overflowDrops += packets.Length;
            return false;
        }

        RunNode(Array.IndexOf(_slots, to), to);
        return true;
    }

    private int RunNode(int index, Slot s)
    {
        (s.Pending, s.Processing) = (s.Processing, s.Pending);
        int n = s.PendingCount;
        s.PendingCount = 0;
        NodeContext ctx = new(this, index, s.Nexts, s.Counters.Values, _now);
        s.Busy = true;
        if (_measure)
        {
            long t0 = Stopwatch.GetTimestamp();
            s.Node.Process(ref ctx, new ReadOnlySpan<PacketHandle>(s.Processing, 0, n));
            s.Counters.Ticks += Stopwatch.GetTimestamp() - t0;
        }
        else
        {
            s.Node.Process(ref ctx, new ReadOnlySpan<PacketHandle>(s.Processing, 0, n));
        }

        s.Busy = false;
        s.Counters.Calls++;
        s.Counters.Packets += n;
        return n;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void TraceHops(Slot from, ReadOnlySpan<PacketHandle> packets, int target)
    {
        string nextName = target < 0 ? "drop" : _slots[target].Node.Name;
        foreach (PacketHandle h in packets)
        {
            ref PacketMeta m = ref Pool.Meta(h);
            Trace.Add(from.Node.Name, nextName, h.Index, m.Length, m.UserData, _now);
        }
    }

    private sealed class Slot
    {
        public Slot(GraphNode node, int[] nextTargets)
        {
            Node = node;
            NextTargets = nextTargets;
            Counters = new NodeCounters(node.Name, node.CounterNames);
        }

        public GraphNode Node { get; }

        public int[] NextTargets { get; }

        public NodeCounters Counters { get; }

        public PacketHandle[] Pending { get; set; } = new PacketHandle[MaxVector];

        public PacketHandle[] Processing { get; set; } = new PacketHandle[MaxVector];

        public ushort[] Nexts { get; } = new ushort[MaxVector];

        public int PendingCount { get; set; }

        public bool Busy { get; set; }

        public bool Traced { get; set; }
    }
}
