// Licensed under the Apache License, Version 2.0.
using System.Runtime.CompilerServices;

namespace NfvConformance.Emulator.ServiceChaining.VirtualTime;

internal enum SimEventKind : byte
{
    HopDone,
    Fault,
    Detect,
}

/// <summary>One discrete event. Packets (a train of <see cref="Count"/>, <see cref="Spacing"/> ps apart) live in their events: no per-packet objects.</summary>
internal struct SimEvent
{
    public long Time;
    public long Seq;
    public long SendTime;
    public long Departure;
    public long Spacing;
    public long PacketId;
    public int Count;
    public int Flow;
    public int Epoch;
    public ushort Instance;
    public byte Hop;
    public SimEventKind Kind;
}

/// <summary>A binary min-heap of events ordered by (time, sequence): equal times pop in insertion order, so runs repeat exactly.</summary>
internal sealed class EventHeap
{
    private SimEvent[] _items = new SimEvent[1024];
    private long _seq;

    public int Count { get; private set; }

    /// <summary>Gets the time of the earliest event; only valid when <see cref="Count"/> is positive.</summary>
    public long PeekTime => _items[0].Time;

    public void Push(SimEvent e)
    {
        e.Seq = _seq++;
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        int i = Count++;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (!Less(in e, in _items[parent]))
            {
                break;
            }

            _items[i] = _items[parent];
            i = parent;
        }

        _items[i] = e;
    }

    public SimEvent Pop()
    {
        SimEvent top = _items[0];
        SimEvent last = _items[--Count];
        int i = 0;
        int half = Count >> 1;
        while (i < half)
        {
            int child = (2 * i) + 1;
            if (child + 1 < Count && Less(in _items[child + 1], in _items[child]))
            {
                child++;
            }

            if (!Less(in _items[child], in last))
            {
                break;
            }

            _items[i] = _items[child];
            i = child;
        }

        if (Count > 0)
        {
            _items[i] = last;
        }

        return top;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Less(in SimEvent a, in SimEvent b) => a.Time < b.Time || (a.Time == b.Time && a.Seq < b.Seq);
}
