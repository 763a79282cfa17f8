// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Lab.Linux.Native;

namespace NfvConformance.Lab.Linux.Traffic.Xdp;

/// <summary>
/// One mapped ring of an AF_XDP socket (linux/if_xdp.h): its u32 producer, consumer and flags words and its entries,
/// at the offsets of its struct xdp_ring_offset {u64 producer, consumer, desc, flags}. Single producer, single
/// consumer: entries are written, then a full barrier, then the producer; the consumer is read, then a barrier, then
/// the entries.
/// </summary>
internal sealed class XdpRing
{
    private const int MapPopulate = 0x8000;
    private readonly IntPtr _map;
    private readonly nuint _length;
    private readonly IntPtr _producer;
    private readonly IntPtr _consumer;
    private readonly IntPtr _flags;
    private readonly IntPtr _entries;
    private readonly uint _mask;
    private readonly int _entrySize;
    private bool _unmapped;

    private XdpRing(IntPtr map, nuint length, ReadOnlySpan<byte> offsets, int count, int entrySize)
    {
        _map = map;
        _length = length;
        _producer = map + (nint)BinaryPrimitives.ReadInt64LittleEndian(offsets);
        _consumer = map + (nint)BinaryPrimitives.ReadInt64LittleEndian(offsets[8..]);
        _entries = map + (nint)BinaryPrimitives.ReadInt64LittleEndian(offsets[16..]);
        _flags = map + (nint)BinaryPrimitives.ReadInt64LittleEndian(offsets[24..]);
        _mask = (uint)(count - 1);
        _entrySize = entrySize;
        CachedProducer = ReadProducer();
        CachedConsumer = ReadConsumer();
    }

    /// <summary>Gets or sets our copy of the producer (the side we produce on).</summary>
    public uint CachedProducer { get; set; }

    /// <summary>Gets or sets our copy of the consumer (the side we consume on).</summary>
    public uint CachedConsumer { get; set; }

    /// <summary>Reads the socket's ring offsets (struct xdp_mmap_offsets: rx, tx, fill, completion; 32 bytes each).</summary>
    /// <param name="fd">The AF_XDP socket, its rings sized.</param>
    /// <returns>128 bytes.</returns>
    /// <exception cref="TrafficEnvironmentException">The kernel refused.</exception>
    public static byte[] ReadOffsets(int fd)
    {
        byte[] off = new byte[128];
        int length = off.Length;
        if (Libc.getsockopt(fd, Libc.SolXdp, Libc.XdpMmapOffsets, off, ref length) != 0 || length < off.Length)
        {
            throw new TrafficEnvironmentException($"getsockopt(XDP_MMAP_OFFSETS) failed: {Libc.LastError()}.");
        }

        return off;
    }

    /// <summary>Maps one ring of a socket.</summary>
    /// <param name="fd">The socket.</param>
    /// <param name="offsets">Its struct xdp_ring_offset.</param>
    /// <param name="count">Entries (a power of two).</param>
    /// <param name="entrySize">Bytes per entry (16 for descriptors, 8 for UMEM addresses).</param>
    /// <param name="pageOffset">The ring's XDP_PGOFF_* / XDP_UMEM_PGOFF_*.</param>
    /// <param name="what">Its name, for messages.</param>
    /// <returns>The ring.</returns>
    /// <exception cref="TrafficEnvironmentException">mmap failed.</exception>
    public static XdpRing Map(int fd, ReadOnlySpan<byte> offsets, int count, int entrySize, long pageOffset, string what)
    {
        nuint length = (nuint)(BinaryPrimitives.ReadInt64LittleEndian(offsets[16..]) + ((long)count * entrySize));
        IntPtr map = Libc.mmap(IntPtr.Zero, length, Libc.ProtRead | Libc.ProtWrite, Libc.MapShared | MapPopulate, fd, (nint)pageOffset);
        return map == new IntPtr(-1)
            ? throw new TrafficEnvironmentException($"mmap of the AF_XDP {what} ring failed: {Libc.LastError()}.")
            : new XdpRing(map, length, offsets, count, entrySize);
    }

    /// <summary>Reads the producer word.</summary>
    /// <returns>The producer.</returns>
    public uint ReadProducer() => (uint)Marshal.ReadInt32(_producer);

    /// <summary>Reads the consumer word.</summary>
    /// <returns>The consumer.</returns>
    public uint ReadConsumer() => (uint)Marshal.ReadInt32(_consumer);

    /// <summary>Reads the flags word (XDP_RING_NEED_WAKEUP).</summary>
    /// <returns>The flags.</returns>
    public uint ReadFlags() => (uint)Marshal.ReadInt32(_flags);

    /// <summary>Publishes the producer (after a barrier behind the entries written).</summary>
    /// <param name="value">The producer.</param>
    public void WriteProducer(uint value) => Marshal.WriteInt32(_producer, (int)value);

    /// <summary>Publishes the consumer (after a barrier behind the entries read).</summary>
    /// <param name="value">The consumer.</param>
    public void WriteConsumer(uint value) => Marshal.WriteInt32(_consumer, (int)value);

    /// <summary>Gets the address of entry <paramref name="index"/> (taken modulo the ring's size).</summary>
    /// <param name="index">A free-running index.</param>
    /// <returns>The entry's address.</returns>
    public IntPtr Entry(uint index) => _entries + (nint)((index & _mask) * (uint)_entrySize);

    /// <summary>Unmaps the ring; later calls do nothing.</summary>
    public void Unmap()
    {
        if (!_unmapped)
        {
            _unmapped = true;
            _ = Libc.munmap(_map, _length);
        }
    }
}
