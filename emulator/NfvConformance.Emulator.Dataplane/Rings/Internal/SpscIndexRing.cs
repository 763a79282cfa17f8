// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Emulator.Dataplane.Rings.Internal;

/// <summary>
/// Single producer, single consumer: no compare-and-swap; each side publishes its index with a release write
/// and reads the other's with an acquire read (DPDK RING_F_SP_ENQ | RING_F_SC_DEQ).
/// </summary>
internal sealed class SpscIndexRing : IndexRing
{
    // Mutable structs! Don't make these readonly.
    private HeadTail _prod;
    private HeadTail _cons;

    public SpscIndexRing(int capacity)
        : base(capacity)
    {
    }

    public override int Count => (int)(Volatile.Read(ref _prod.Tail) - Volatile.Read(ref _cons.Tail));

    public override int Enqueue(ReadOnlySpan<int> src, bool bulk)
    {
        uint head = _prod.Tail;
        uint free = (uint)Capacity + Volatile.Read(ref _cons.Tail) - head;
        uint n = (uint)src.Length;
        if (n > free)
        {
            if (bulk)
            {
                return 0;
            }

            n = free;
        }

        if (n == 0)
        {
            return 0;
        }

        CopyIn(head, src[..(int)n]);
        Volatile.Write(ref _prod.Tail, head + n);
        return (int)n;
    }

    public override int Dequeue(Span<int> dst, bool bulk)
    {
        uint head = _cons.Tail;
        uint entries = Volatile.Read(ref _prod.Tail) - head;
        uint n = (uint)dst.Length;
        if (n > entries)
        {
            if (bulk)
            {
                return 0;
            }

            n = entries;
        }

        if (n == 0)
        {
            return 0;
        }

        CopyOut(head, dst[..(int)n]);
        Volatile.Write(ref _cons.Tail, head + n);
        return (int)n;
    }
}
