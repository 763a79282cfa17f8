// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Emulator.Dataplane.Graph;

/// <summary>
/// The counters of one node in one graph (one worker): calls, packets, drops, time spent, and the node's own
/// named counters (VPP error strings). Written only by the worker; summed across workers with <see cref="Sum"/>.
/// </summary>
public sealed class NodeCounters
{
    private readonly long[] _values;

    /// <summary>Creates zeroed counters.</summary>
    /// <param name="nodeName">The node's name.</param>
    /// <param name="names">The names of the node's own counters.</param>
    public NodeCounters(string nodeName, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        NodeName = nodeName;
        Names = names;
        _values = new long[names.Count];
    }

    /// <summary>Gets the node's name.</summary>
    public string NodeName { get; }

    /// <summary>Gets the names of the node's own counters.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Gets the number of Process calls.</summary>
    public long Calls { get; internal set; }

    /// <summary>Gets the number of packets given to Process.</summary>
    public long Packets { get; internal set; }

    /// <summary>Gets the number of packets the node sent to <see cref="NextIndex.Drop"/>.</summary>
    public long Drops { get; internal set; }

    /// <summary>Gets the time spent in Process and Poll, in <see cref="System.Diagnostics.Stopwatch"/> ticks (0 when timing is off).</summary>
    public long Ticks { get; internal set; }

    /// <summary>Gets the node's own counters by index (live; the worker writes them).</summary>
    internal long[] Values => _values;

    /// <summary>Gets a named counter.</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <returns>Its value.</returns>
    /// <exception cref="KeyNotFoundException">The node has no counter of that name; the message lists the names.</exception>
    public long this[string name]
    {
        get
        {
            for (int i = 0; i < Names.Count; i++)
            {
                if (string.Equals(Names[i], name, StringComparison.Ordinal))
                {
                    return Volatile.Read(ref _values[i]);
                }
            }

            throw new KeyNotFoundException($"Node '{NodeName}' has no counter '{name}'; it has: {string.Join(", ", Names)}.");
        }
    }

    /// <summary>Gets a counter by index.</summary>
    /// <param name="index">The counter's index in <see cref="Names"/>.</param>
    /// <returns>Its value.</returns>
    public long Get(int index) => Volatile.Read(ref _values[index]);

    /// <summary>Gets the mean time per packet in nanoseconds, or 0 without packets or timing.</summary>
    public double NanosecondsPerPacket => Packets == 0 ? 0 : Ticks * 1e9 / System.Diagnostics.Stopwatch.Frequency / Packets;

    /// <summary>Sums the counters of the same node across workers ("summed when read").</summary>
    /// <param name="perWorker">The node's counters in each worker; at least one, all with the same names.</param>
    /// <returns>A new, detached set of counters holding the sums.</returns>
    public static NodeCounters Sum(IReadOnlyList<NodeCounters> perWorker)
    {
        ArgumentNullException.ThrowIfNull(perWorker);
        if (perWorker.Count == 0)
        {
            throw new ArgumentException("Sum needs the counters of at least one worker.", nameof(perWorker));
        }

        NodeCounters sum = new(perWorker[0].NodeName, perWorker[0].Names);
        foreach (NodeCounters c in perWorker)
        {
            sum.Calls += c.Calls;
            sum.Packets += c.Packets;
            sum.Drops += c.Drops;
            sum.Ticks += c.Ticks;
            for (int i = 0; i < sum._values.Length && i < c._values.Length; i++)
            {
                sum._values[i] += c.Get(i);
            }
        }

        return sum;
    }
}
