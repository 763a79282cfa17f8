// Licensed under the Apache License, Version 2.0.
using System.Runtime.InteropServices;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Emulator.Dataplane.Buffers;
using NfvConformance.Emulator.Dataplane.Rings.Internal;

namespace NfvConformance.Emulator.Dataplane.Rings;

/// <summary>
/// A bounded FIFO of packet handles with a power-of-two capacity (DPDK rte_ring). Single- or multi-threaded
/// producer and consumer sides are chosen by <see cref="PacketRingOptions"/>; <c>Bulk</c> calls move all or
/// nothing, <c>Burst</c> calls move as many as possible. Nothing here allocates after construction.
/// </summary>
public sealed class PacketRing
{
    private readonly IndexRing _ring;
    private readonly RingFullMode _fullMode;
    private readonly PacketPool? _dropPool;
    private readonly bool _atomicCounters;
    private long _enqueued;
    private long _dequeued;
    private long _rejected;
    private long _fullDrops;

    /// <summary>Creates a ring.</summary>
    /// <param name="options">Capacity, modes and full policy.</param>
    /// <exception cref="ArgumentOutOfRangeException">The capacity is not a power of two from 2 to 2^30.</exception>
    /// <exception cref="ConfigurationException"><see cref="RingFullMode.DropNewest"/> without a <see cref="PacketRingOptions.DropPool"/>.</exception>
    public PacketRing(PacketRingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.FullMode == RingFullMode.DropNewest && options.DropPool is null)
        {
            ThrowHelper.ThrowConfiguration("PacketRingOptions.FullMode = DropNewest needs a DropPool to free dropped packets to; set DropPool or use Reject.");
        }

        _ring = options.SingleProducer && options.SingleConsumer
            ? new SpscIndexRing(options.Capacity)
            : new MpmcIndexRing(options.Capacity, options.SingleProducer, options.SingleConsumer);
        _fullMode = options.FullMode;
        _dropPool = options.DropPool;
        _atomicCounters = !options.SingleProducer || !options.SingleConsumer;
        Options = options;
    }

    /// <summary>Gets the options the ring was created with.</summary>
    public PacketRingOptions Options { get; }

    /// <summary>Gets the capacity.</summary>
    public int Capacity => _ring.Capacity;

    /// <summary>Gets the number of packets in the ring (exact only when no other thread uses it).</summary>
    public int Count => _ring.Count;

    /// <summary>Gets the number of packets enqueued since creation.</summary>
    public long Enqueued => Volatile.Read(ref _enqueued);

    /// <summary>Gets the number of packets dequeued since creation.</summary>
    public long Dequeued => Volatile.Read(ref _dequeued);

    /// <summary>Gets the number of packets refused because the ring was full (the caller kept them).</summary>
    public long Rejected => Volatile.Read(ref _rejected);

    /// <summary>Gets the number of packets freed because the ring was full (<see cref="RingFullMode.DropNewest"/>).</summary>
    public long FullDrops => Volatile.Read(ref _fullDrops);

    /// <summary>Enqueues as many packets as fit (rte_ring_enqueue_burst), then applies the full policy to the rest.</summary>
    /// <param name="src">Packets the caller owns.</param>
    /// <returns>
    /// The number enqueued, from 0 to src.Length; the ring owns <c>src[..count]</c>. With
    /// <see cref="RingFullMode.Reject"/> the caller still owns <c>src[count..]</c> and must free or retry them; with
    /// <see cref="RingFullMode.DropNewest"/> they have been freed and counted, and the caller owns nothing.
    /// </returns>
    public int EnqueueBurst(ReadOnlySpan<PacketHandle> src)
    {
        int n = _ring.Enqueue(MemoryMarshal.Cast<PacketHandle, int>(src), bulk: false);
        Add(ref _enqueued, n);
        if (n < src.Length)
        {
            Overflow(src[n..]);
        }

        return n;
    }

    /// <summary>Enqueues all of <paramref name="src"/> or nothing (rte_ring_enqueue_bulk); the full policy does not apply.</summary>
    /// <param name="src">Packets the caller owns.</param>
    /// <returns>True when the ring took all of them; false when it took none and the caller still owns all.</returns>
    public bool TryEnqueueBulk(ReadOnlySpan<PacketHandle> src)
    {
        int n = _ring.Enqueue(MemoryMarshal.Cast<PacketHandle, int>(src), bulk: true);
        if (n == 0 && src.Length > 0)
        {
            Add(ref _rejected, src.Length);
            return false;
        }

        Add(ref _enqueued, n);
        return true;
    }

    /// <summary>Dequeues up to <c>dst.Length</c> packets (rte_ring_dequeue_burst).</summary>
    /// <param name="dst">Receives the packets in its first elements.</param>
    /// <returns>The number dequeued, 0 when the ring is empty; the caller owns <c>dst[..count]</c>.</returns>
    public int DequeueBurst(Span<PacketHandle> dst)
    {
        int n = _ring.Dequeue(MemoryMarshal.Cast<PacketHandle, int>(dst), bulk: false);
        Add(ref _dequeued, n);
        return n;
    }

    /// <summary>Dequeues exactly <c>dst.Length</c> packets or none (rte_ring_dequeue_bulk).</summary>
    /// <param name="dst">Receives the packets.</param>
    /// <returns>True when dst was filled; false when fewer were queued and nothing was taken.</returns>
    public bool TryDequeueBulk(Span<PacketHandle> dst)
    {
        int n = _ring.Dequeue(MemoryMarshal.Cast<PacketHandle, int>(dst), bulk: true);
        Add(ref _dequeued, n);
        return n == dst.Length;
    }

    private void Overflow(ReadOnlySpan<PacketHandle> rest)
    {
        if (_fullMode == RingFullMode.DropNewest)
        {
            _dropPool!.FreeBulk(rest);
            Add(ref _fullDrops, rest.Length);
        }
        else
        {
            Add(ref _rejected, rest.Length);
        }
    }

    private void Add(ref long counter, int n)
    {
        if (n == 0)
        {
            return;
        }

        if (_atomicCounters)
        {
            Interlocked.Add(ref counter, n);
        }
        else
        {
            counter += n;
        }
    }
}
