// Licensed under the Apache License, Version 2.0.
using System.Runtime.InteropServices;

namespace NfvConformance.Emulator.Dataplane.Rings.Internal;

/// <summary>A bounded FIFO of ints with power-of-two capacity and DPDK rte_ring burst/bulk semantics.</summary>
internal abstract class IndexRing
{
    protected IndexRing(int capacity)
    {
        if (capacity < 2 || capacity > (1 << 30) || (capacity & (capacity - 1)) != 0)
        {
            Abstractions.Errors.ThrowHelper.ThrowOutOfRange(nameof(capacity), capacity, "a power of two from 2 to 2^30");
        }

        Capacity = capacity;
        Mask = (uint)capacity - 1;
        Slots = new int[capacity];
    }

    public int Capacity { get; }

    protected uint Mask { get; }

    protected int[] Slots { get; }

    /// <summary>Gets the number of entries, exact when no producer or consumer is running.</summary>
    public abstract int Count { get; }

    /// <summary>Enqueues all of <paramref name="src"/> or, when <paramref name="bulk"/> is false, as many as fit.</summary>
    /// <returns>The number enqueued: with bulk, either 0 or src.Length.</returns>
    public abstract int Enqueue(ReadOnlySpan<int> src, bool bulk);

    /// <summary>Dequeues dst.Length entries or, when <paramref name="bulk"/> is false, as many as are there.</summary>
    /// <returns>The number dequeued: with bulk, either 0 or dst.Length.</returns>
    public abstract int Dequeue(Span<int> dst, bool bulk);

    protected void CopyIn(uint head, ReadOnlySpan<int> src)
    {
        int start = (int)(head & Mask);
        int first = Math.Min(src.Length, Capacity - start);
        src[..first].CopyTo(Slots.AsSpan(start));
        if (first < src.Length)
        {
            src[first..].CopyTo(Slots);
        }
    }

    protected void CopyOut(uint head, Span<int> dst)
    {
        int start = (int)(head & Mask);
        int first = Math.Min(dst.Length, Capacity - start);
        Slots.AsSpan(start, first).CopyTo(dst);
        if (first < dst.Length)
        {
            Slots.AsSpan(0, dst.Length - first).CopyTo(dst[first..]);
        }
    }
}

/// <summary>A head and a tail on their own cache lines, so producers and consumers do not false-share.</summary>
[StructLayout(LayoutKind.Explicit, Size = 192)]
internal struct HeadTail
{
    [FieldOffset(64)]
    public uint Head;

    [FieldOffset(128)]
    public uint Tail;
}
