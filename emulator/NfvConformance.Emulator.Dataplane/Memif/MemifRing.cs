// Licensed under the Apache License, Version 2.0.
using System.Runtime.CompilerServices;
using NfvConformance.Emulator.Dataplane.Buffers;

namespace NfvConformance.Emulator.Dataplane.Memif;

/// <summary>
/// One direction of a <see cref="MemifRegion"/>, seen from its single producer or its single consumer. The producer
/// copies packets into the buffers of free slots and publishes them by advancing <c>head</c> (a release write); the
/// consumer copies them out into its own pool's buffers and gives the slots back by advancing <c>tail</c> (DPDK
/// net_memif's copy mode). Head and tail are free-running 32-bit counters, so the ring wraps without a special case.
/// Nothing here allocates; every call moves a burst.
/// </summary>
public sealed unsafe class MemifRing
{
    private readonly MemifRegion _region;
    private readonly uint* _head;
    private readonly uint* _tail;
    private readonly MemifDescriptor* _descriptors;
    private readonly byte* _base;
    private readonly uint _mask;
    private readonly uint _size;
    private readonly long _regionSize;
    private readonly long _buffersStart;
    private readonly int _bufferSize;

    // The side's own index (only this side writes it) and its last view of the other side's index.
    private uint _own;
    private uint _other;

    private long _oversized;
    private long _badDescriptors;
    private long _noBuffer;

    internal MemifRing(MemifRegion region, int ring, bool producer)
    {
        _region = region;
        byte* control = region.Base + MemifRegion.RingOffset(ring, region.RingSize);
        _head = (uint*)control;
        _tail = (uint*)(control + 64);
        _descriptors = (MemifDescriptor*)(control + MemifRegion.RingControlSize);
        _base = region.Base;
        _size = (uint)region.RingSize;
        _mask = _size - 1;
        _regionSize = region.SizeBytes;
        _buffersStart = MemifRegion.BuffersOffset(region.RingSize);
        _bufferSize = region.BufferSize;
        IsProducer = producer;
        Index = ring;
        _own = Volatile.Read(ref *(producer ? _head : _tail));
        _other = Volatile.Read(ref *(producer ? _tail : _head));
    }

    /// <summary>Gets the ring's number in its region (0: A to B, 1: B to A).</summary>
    public int Index { get; }

    /// <summary>Gets a value indicating whether this view is the ring's producer (false: its consumer).</summary>
    public bool IsProducer { get; }

    /// <summary>Gets the number of slots.</summary>
    public int Capacity => (int)_size;

    /// <summary>Gets the largest packet a slot holds.</summary>
    public int BufferSize => _bufferSize;

    /// <summary>Gets the packets published and not yet consumed (exact when the other side is idle).</summary>
    public int Count => (int)(Volatile.Read(ref *_head) - Volatile.Read(ref *_tail));

    /// <summary>Gets the packets the producer refused because they are longer than <see cref="BufferSize"/>.</summary>
    public long Oversized => _oversized;

    /// <summary>Gets the descriptors the consumer dropped because they pointed outside the region or were too long.</summary>
    public long BadDescriptors => _badDescriptors;

    /// <summary>Gets the packets the consumer left in the ring because its pool had no free buffer (rx_nombuf).</summary>
    public long NoBuffer => _noBuffer;

    /// <summary>
    /// Producer: copies up to the number of free slots of <paramref name="src"/>'s packets into the ring and publishes
    /// them at once. A packet longer than a slot is taken without being sent and counted in <see cref="Oversized"/>.
    /// </summary>
    /// <param name="pool">The pool the packets belong to.</param>
    /// <param name="src">Packets, in order.</param>
    /// <returns>How many of <paramref name="src"/>'s first packets were taken (sent or refused as oversized); the caller still owns them and the rest.</returns>
    /// <exception cref="InvalidOperationException">This view is the consumer.</exception>
    public int EnqueueBurst(PacketPool pool, ReadOnlySpan<PacketHandle> src)
    {
        if (!IsProducer)
        {
            ThrowWrongSide("EnqueueBurst", "producer");
        }

        uint head = _own;
        uint free = _size - (head - _other);
        if (free < (uint)src.Length)
        {
            _other = Volatile.Read(ref *_tail);
            free = _size - (head - _other);
        }

        int n = (int)Math.Min(free, (uint)src.Length);
        uint written = head;
        for (int i = 0; i < n; i++)
        {
            Span<byte> data = pool.GetData(src[i]);
            if (data.Length > _bufferSize)
            {
                _oversized++;
                continue;
            }

            MemifDescriptor* d = _descriptors + (written & _mask);
            fixed (byte* from = data)
            {
                Unsafe.CopyBlockUnaligned(_base + d->Offset, from, (uint)data.Length);
            }

            d->Length = (uint)data.Length;
            d->Flags = 0;
            written++;
        }

        if (written != head)
        {
            _own = written;
            Volatile.Write(ref *_head, written);
        }

        return n;
    }

    /// <summary>
    /// Consumer: takes up to <c>dst.Length</c> published packets, copying each into a buffer of <paramref name="pool"/>,
    /// and returns their slots to the producer at once. Stops early when the pool runs out (<see cref="NoBuffer"/>);
    /// a descriptor pointing outside the region's buffers is dropped and counted in <see cref="BadDescriptors"/>.
    /// </summary>
    /// <param name="pool">The pool to copy into.</param>
    /// <param name="dst">Receives the handles in its first elements.</param>
    /// <returns>The number of packets received; the caller owns <c>dst[..count]</c>.</returns>
    /// <exception cref="InvalidOperationException">This view is the producer.</exception>
    public int DequeueBurst(PacketPool pool, Span<PacketHandle> dst)
    {
        if (IsProducer)
        {
            ThrowWrongSide("DequeueBurst", "consumer");
        }

        uint tail = _own;
        uint entries = _other - tail;
        if (entries < (uint)dst.Length)
        {
            _other = Volatile.Read(ref *_head);
            entries = _other - tail;
        }

        int n = (int)Math.Min(entries, (uint)dst.Length);
        if (n == 0)
        {
            return 0;
        }

        int got = pool.AllocBurst(dst[..n]);
        if (got < n)
        {
            _noBuffer += n - got;
        }

        int kept = 0;
        for (int i = 0; i < got; i++)
        {
            MemifDescriptor* d = _descriptors + ((tail + (uint)i) & _mask);
            uint length = d->Length;
            uint offset = d->Offset;
            PacketHandle h = dst[i];
            if (length > (uint)_bufferSize || offset + (long)length > _regionSize || offset < _buffersStart || !pool.TrySetLength(h, (int)length))
            {
                _badDescriptors++;
                pool.Free(h);
                continue;
            }

            fixed (byte* to = pool.GetData(h))
            {
                Unsafe.CopyBlockUnaligned(to, _base + offset, length);
            }

            dst[kept++] = h;
        }

        if (got > 0)
        {
            _own = tail + (uint)got;
            Volatile.Write(ref *_tail, _own);
        }

        return kept;
    }

    /// <summary>Gets the region this ring lives in.</summary>
    /// <returns>The region.</returns>
    public MemifRegion GetRegion() => _region;

    private static void ThrowWrongSide(string call, string side) =>
        throw new InvalidOperationException($"{call} is for the ring's {side}; this view is the other side. Use the ring Connect returned for it.");
}
