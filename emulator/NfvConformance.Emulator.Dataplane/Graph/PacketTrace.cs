// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Emulator.Dataplane.Graph;

/// <summary>One traced hop: a packet leaving a node for a next node (VPP packet trace).</summary>
/// <param name="Sequence">The record's order in the graph's trace.</param>
/// <param name="Node">The node the packet left.</param>
/// <param name="Next">The next node, or "drop".</param>
/// <param name="PacketIndex">The buffer index.</param>
/// <param name="Length">The packet's length at that point.</param>
/// <param name="UserData">The packet's <c>PacketMeta.UserData</c> at that point (for example a service path id and index).</param>
/// <param name="Timestamp">The graph clock's timestamp of the dispatch.</param>
public readonly record struct TraceRecord(long Sequence, string Node, string Next, int PacketIndex, int Length, ulong UserData, long Timestamp);

/// <summary>
/// A fixed-capacity circular trace buffer, preallocated when tracing is enabled; recording a hop copies a struct
/// and never allocates. Only nodes with tracing switched on (<see cref="NodeGraph.SetTrace"/>) record.
/// </summary>
public sealed class PacketTrace
{
    private readonly TraceRecord[] _records;
    private long _next;

    /// <summary>Creates a trace buffer.</summary>
    /// <param name="capacity">The number of most recent hops kept; at least 1.</param>
    public PacketTrace(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _records = new TraceRecord[capacity];
    }

    /// <summary>Gets the number of hops recorded since creation (older ones are overwritten past capacity).</summary>
    public long Recorded => _next;

    /// <summary>Copies the kept records, oldest first (control path: allocates).</summary>
    /// <returns>The records.</returns>
    public IReadOnlyList<TraceRecord> Snapshot()
    {
        long count = Math.Min(_next, _records.Length);
        List<TraceRecord> list = new((int)count);
        for (long s = _next - count; s < _next; s++)
        {
            list.Add(_records[s % _records.Length]);
        }

        return list;
    }

    /// <summary>Forgets every record.</summary>
    public void Clear() => _next = 0;

    internal void Add(string node, string next, int packetIndex, int length, ulong userData, long timestamp)
    {
        long seq = _next++;
        _records[seq % _records.Length] = new TraceRecord(seq, node, next, packetIndex, length, userData, timestamp);
    }
}
