// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Emulator.Dataplane.Rings.Internal;

/// <summary>
/// DPDK's rte_ring algorithm: a side with several threads reserves slots by compare-and-swap on its head,
/// copies, then waits for earlier reservations to publish before moving its tail. Either side may be
/// declared single-threaded, which replaces its compare-and-swap with a plain store.
/// </summary>
internal sealed class MpmcIndexRing : IndexRing
{
    private readonly bool _singleProducer;
    private readonly bool _singleConsumer;

    // Mutable structs! Don't make these readonly.
    private HeadTail _prod;
    private HeadTail _cons;

    public MpmcIndexRing(int capacity, bool singleProducer = false, bool singleConsumer = false)
        : base(capacity)
    {
        _singleProducer = singleProducer;
        _singleConsumer = singleConsumer;
    }

    public override int Count => (int)(Volatile.Read(ref _prod.Tail) - Volatile.Read(ref _cons.Tail));

    public override int Enqueue(ReadOnlySpan<int> src, bool bulk)
    {
        uint oldHead;
        uint n;
        while (true)
        {
            oldHead = Volatile.Read(ref _prod.Head);
            uint free = (uint)Capacity + Volatile.Read(ref _cons.Tail) - oldHead;
            n = (uint)src.Length;
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

            if (_singleProducer)
            {
                _prod.Head = oldHead + n;
                break;
            }

            if (Interlocked.CompareExchange(ref _prod.Head, oldHead + n, oldHead) == oldHead)
            {
                break;
            }
        }

        CopyIn(oldHead, src[..(int)n]);
        WaitAndPublish(ref _prod.Tail, oldHead, oldHead + n, _singleProducer);
        return (int)n;
    }

    public override int Dequeue(Span<int> dst, bool bulk)
    {
        uint oldHead;
        uint n;
        while (true)
        {
            oldHead = Volatile.Read(ref _cons.Head);
            uint entries = Volatile.Read(ref _prod.Tail) - oldHead;
            n = (uint)dst.Length;
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

            if (_singleConsumer)
            {
                _cons.Head = oldHead + n;
                break;
            }

            if (Interlocked.CompareExchange(ref _cons.Head, oldHead + n, oldHead) == oldHead)
            {
                break;
            }
        }

        CopyOut(oldHead, dst[..(int)n]);
        WaitAndPublish(ref _cons.Tail, oldHead, oldHead + n, _singleConsumer);
        return (int)n;
    }

    private static void WaitAndPublish(ref uint tail, uint oldHead, uint newHead, bool single)
    {
        if (!single)
        {
            // Earlier reservations publish first, so the tail only ever covers fully written slots.
            SpinWait spin = default;
            while (Volatile.Read(ref tail) != oldHead)
            {
                spin.SpinOnce(-1);
            }
        }

        Volatile.Write(ref tail, newHead);
    }
}
