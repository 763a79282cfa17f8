// Licensed under the Apache License, Version 2.0.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Emulator.Dataplane.Rings.Internal;

namespace NfvConformance.Emulator.Dataplane.Buffers;

/// <summary>
/// Preallocated packet buffers: one pinned slab carved into fixed-size buffers, a parallel array of
/// <see cref="PacketMeta"/>, and a free list of indices (DPDK rte_pktmbuf_pool_create). Allocation and free never
/// call <c>new</c>. <see cref="TryAllocBulk"/> is all-or-nothing; <see cref="AllocBurst"/> is best effort.
/// </summary>
public sealed unsafe class PacketPool
{
    private const int StateInUse = 1;
    private const int StateFree = 0;

    private readonly byte[] _slab;
    private readonly byte* _base;
    private readonly PacketMeta[] _meta;
    private readonly int _bufferSize;
    private readonly int _headroom;

    // Exactly one of the two free lists exists; the branch on it is well predicted.
    private readonly int[]? _stack;
    private readonly MpmcIndexRing? _ring;
    private int _stackCount;

    private long _allocFailures;
    private long _doubleFrees;

    /// <summary>Creates a pool; every buffer is allocated here and pinned for the pool's lifetime.</summary>
    /// <param name="options">Sizes and concurrency.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range; the message names it.</exception>
    public PacketPool(PacketPoolOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Capacity < 1 || options.Capacity > (1 << 24))
        {
            ThrowHelper.ThrowOutOfRange(nameof(options.Capacity), options.Capacity, "1 to 16777216 buffers");
        }

        if (options.BufferSize < 256 || options.BufferSize > 65536 || options.BufferSize % 64 != 0)
        {
            ThrowHelper.ThrowOutOfRange(nameof(options.BufferSize), options.BufferSize, "a multiple of 64 from 256 to 65536");
        }

        if (options.Headroom < 0 || options.Headroom > options.BufferSize - 64)
        {
            ThrowHelper.ThrowOutOfRange(nameof(options.Headroom), options.Headroom, $"0 to {options.BufferSize - 64}");
        }

        Capacity = options.Capacity;
        Concurrency = options.Concurrency;
        _bufferSize = options.BufferSize;
        _headroom = options.Headroom;
        _slab = GC.AllocateArray<byte>(checked(options.Capacity * options.BufferSize), pinned: true);
        _base = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_slab));
        _meta = new PacketMeta[options.Capacity];

        if (options.Concurrency == PoolConcurrency.SingleThread)
        {
            _stack = new int[options.Capacity];
            for (int i = 0; i < options.Capacity; i++)
            {
                // Highest index at the bottom, so buffer 0 is handed out first.
                _stack[i] = options.Capacity - 1 - i;
            }

            _stackCount = options.Capacity;
        }
        else
        {
            _ring = new MpmcIndexRing((int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(2, options.Capacity)));
            Span<int> chunk = stackalloc int[256];
            for (int i = 0; i < options.Capacity; i += chunk.Length)
            {
                int n = Math.Min(chunk.Length, options.Capacity - i);
                for (int j = 0; j < n; j++)
                {
                    chunk[j] = i + j;
                }

                _ring.Enqueue(chunk[..n], bulk: true);
            }
        }
    }

    /// <summary>Gets the number of buffers.</summary>
    public int Capacity { get; }

    /// <summary>Gets the size of each buffer, headroom included.</summary>
    public int BufferSize => _bufferSize;

    /// <summary>Gets the headroom an allocated buffer starts with.</summary>
    public int Headroom => _headroom;

    /// <summary>Gets who may allocate and free.</summary>
    public PoolConcurrency Concurrency { get; }

    /// <summary>Gets the number of free buffers (exact when no other thread is allocating or freeing).</summary>
    public int Available => _stack is not null ? _stackCount : _ring!.Count;

    /// <summary>Gets how many allocation calls obtained fewer buffers than asked for (rx_nombuf).</summary>
    public long AllocFailures => Volatile.Read(ref _allocFailures);

    /// <summary>Gets how many frees named a buffer that was already free; such frees are ignored.</summary>
    public long DoubleFrees => Volatile.Read(ref _doubleFrees);

    /// <summary>Allocates exactly <c>dst.Length</c> buffers or none (rte_pktmbuf_alloc_bulk).</summary>
    /// <param name="dst">Receives the handles; untouched when the call fails.</param>
    /// <returns>True when every handle was allocated; false (and nothing allocated) when too few are free.</returns>
    public bool TryAllocBulk(Span<PacketHandle> dst)
    {
        int got = Take(MemoryMarshal.Cast<PacketHandle, int>(dst), bulk: true);
        if (got == 0 && dst.Length > 0)
        {
            CountAllocFailure();
            return false;
        }

        ResetAll(dst);
        return true;
    }

    /// <summary>Allocates up to <c>dst.Length</c> buffers (vlib_buffer_alloc: "number actually allocated").</summary>
    /// <param name="dst">Receives the handles in its first elements.</param>
    /// <returns>The number allocated, from 0 to dst.Length; the caller owns dst[..count].</returns>
    public int AllocBurst(Span<PacketHandle> dst)
    {
        int got = Take(MemoryMarshal.Cast<PacketHandle, int>(dst), bulk: false);
        if (got < dst.Length)
        {
            CountAllocFailure();
        }

        ResetAll(dst[..got]);
        return got;
    }

    /// <summary>Allocates one buffer.</summary>
    /// <param name="handle">The buffer, when one was free.</param>
    /// <returns>True when a buffer was allocated.</returns>
    public bool TryAlloc(out PacketHandle handle)
    {
        Span<PacketHandle> one = stackalloc PacketHandle[1];
        if (TryAllocBulk(one))
        {
            handle = one[0];
            return true;
        }

        handle = default;
        return false;
    }

    /// <summary>Returns every buffer in <paramref name="handles"/> to the pool (rte_pktmbuf_free_bulk).</summary>
    /// <param name="handles">Buffers the caller owns; a handle already free is counted in <see cref="DoubleFrees"/> and skipped.</param>
    public void FreeBulk(ReadOnlySpan<PacketHandle> handles)
    {
        if (handles.IsEmpty)
        {
            return;
        }

        ReadOnlySpan<int> indices = MemoryMarshal.Cast<PacketHandle, int>(handles);
        if (_stack is not null)
        {
            PacketMeta[] meta = _meta;
            int count = _stackCount;
            int[] stack = _stack;
            foreach (int index in indices)
            {
                ref PacketMeta m = ref meta[index];
                if (m.State != StateInUse)
                {
                    _doubleFrees++;
                    continue;
                }

                m.State = StateFree;
                stack[count++] = index;
            }

            _stackCount = count;
            return;
        }

        FreeToRing(indices);
    }

    /// <summary>Returns one buffer to the pool.</summary>
    /// <param name="handle">A buffer the caller owns.</param>
    public void Free(PacketHandle handle) => FreeBulk(new ReadOnlySpan<PacketHandle>(in handle));

    /// <summary>Gets the packet's metadata by reference.</summary>
    /// <param name="handle">A buffer of this pool.</param>
    /// <returns>A reference into the metadata array.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref PacketMeta Meta(PacketHandle handle) => ref _meta[handle.Index];

    /// <summary>Gets the packet's data: <see cref="PacketMeta.Length"/> bytes from <see cref="PacketMeta.DataOffset"/>.</summary>
    /// <param name="handle">A buffer of this pool.</param>
    /// <returns>A span over the pinned slab; valid until the buffer is freed.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<byte> GetData(PacketHandle handle)
    {
        ref PacketMeta m = ref _meta[handle.Index];
        return new Span<byte>(_base + ((long)handle.Index * _bufferSize) + m.DataOffset, m.Length);
    }

    /// <summary>Gets the whole buffer, headroom included, regardless of offset and length.</summary>
    /// <param name="handle">A buffer of this pool.</param>
    /// <returns>A span of <see cref="BufferSize"/> bytes.</returns>
    public Span<byte> GetBuffer(PacketHandle handle)
    {
        _ = _meta[handle.Index];
        return new Span<byte>(_base + ((long)handle.Index * _bufferSize), _bufferSize);
    }

    /// <summary>Sets the data length, keeping the offset (rte_pktmbuf_append/trim in one).</summary>
    /// <param name="handle">A buffer of this pool.</param>
    /// <param name="length">The new length.</param>
    /// <returns>False (nothing changed) when the length does not fit behind the data offset.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TrySetLength(PacketHandle handle, int length)
    {
        ref PacketMeta m = ref _meta[handle.Index];
        if ((uint)length > (uint)(_bufferSize - m.DataOffset))
        {
            return false;
        }

        m.Length = length;
        return true;
    }

    /// <summary>Grows the data at the front into the headroom without copying (rte_pktmbuf_prepend).</summary>
    /// <param name="handle">A buffer of this pool.</param>
    /// <param name="count">Bytes to add in front.</param>
    /// <returns>False (nothing changed) when the headroom is smaller than <paramref name="count"/>.</returns>
    public bool TryPrepend(PacketHandle handle, int count)
    {
        ref PacketMeta m = ref _meta[handle.Index];
        if (count < 0 || count > m.DataOffset)
        {
            return false;
        }

        m.DataOffset -= count;
        m.Length += count;
        return true;
    }

    /// <summary>Removes bytes from the front without copying; they become headroom (rte_pktmbuf_adj).</summary>
    /// <param name="handle">A buffer of this pool.</param>
    /// <param name="count">Bytes to remove.</param>
    /// <returns>False (nothing changed) when the data is shorter than <paramref name="count"/>.</returns>
    public bool TryAdjust(PacketHandle handle, int count)
    {
        ref PacketMeta m = ref _meta[handle.Index];
        if (count < 0 || count > m.Length)
        {
            return false;
        }

        m.DataOffset += count;
        m.Length -= count;
        return true;
    }

    /// <summary>Tells whether a buffer is currently allocated (for tests and assertions; not synchronised).</summary>
    /// <param name="handle">A buffer of this pool.</param>
    /// <returns>True when allocated.</returns>
    public bool IsAllocated(PacketHandle handle) => _meta[handle.Index].State == StateInUse;

    private int Take(Span<int> dst, bool bulk)
    {
        if (_stack is null)
        {
            return _ring!.Dequeue(dst, bulk);
        }

        int n = dst.Length;
        if (n > _stackCount)
        {
            if (bulk)
            {
                return 0;
            }

            n = _stackCount;
        }

        int top = _stackCount - n;
        _stack.AsSpan(top, n).CopyTo(dst);
        _stackCount = top;
        return n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ResetAll(ReadOnlySpan<PacketHandle> handles)
    {
        PacketMeta[] meta = _meta;
        int headroom = _headroom;
        foreach (PacketHandle h in handles)
        {
            ref PacketMeta m = ref meta[h.Index];
            m = default;
            m.DataOffset = headroom;
            m.State = StateInUse;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void FreeToRing(ReadOnlySpan<int> indices)
    {
        Span<int> chunk = stackalloc int[64];
        int n = 0;
        foreach (int index in indices)
        {
            if (Interlocked.CompareExchange(ref _meta[index].State, StateFree, StateInUse) != StateInUse)
            {
                Interlocked.Increment(ref _doubleFrees);
                continue;
            }

            chunk[n++] = index;
            if (n == chunk.Length)
            {
                _ring!.Enqueue(chunk, bulk: true);
                n = 0;
            }
        }

        if (n > 0)
        {
            _ring!.Enqueue(chunk[..n], bulk: true);
        }
    }

    private void CountAllocFailure()
    {
        if (_stack is not null)
        {
            _allocFailures++;
        }
        else
        {
            Interlocked.Increment(ref _allocFailures);
        }
    }
}
