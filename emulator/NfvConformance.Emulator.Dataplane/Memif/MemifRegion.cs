// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Numerics;
using NfvConformance.Emulator.Dataplane.Buffers;

namespace NfvConformance.Emulator.Dataplane.Memif;

/// <summary>Which end of a <see cref="MemifRegion"/> a caller is.</summary>
public enum MemifSide
{
    /// <summary>The end that transmits on ring 0 and receives on ring 1 (memif's client, "slave to master").</summary>
    A = 0,

    /// <summary>The end that transmits on ring 1 and receives on ring 0 (memif's server).</summary>
    B = 1,
}

/// <summary>
/// A memif-like shared-memory connection between two VNFs: one memory-mapped file holding a header, two descriptor
/// rings (one per direction, each with exactly one producer and one consumer) and the packet buffers the descriptors
/// point into (libmemif's region). The creator lays it out with <see cref="Create"/>; the other end maps the same file
/// with <see cref="Open"/>, from this process or another one. Each side gets its rings from <see cref="Connect"/>.
/// </summary>
/// <remarks>
/// Layout (little-endian): a 64-byte header (magic "NFVMEMIF", version, ring count, ring size, buffer size, offsets);
/// per ring a 128-byte control block (head at byte 0, written only by the producer; tail at byte 64, written only by
/// the consumer; separate cache lines) followed by <c>RingSize</c> 16-byte descriptors laid out as memif_desc_t
/// (flags u16, region u16, length u32, offset u32, metadata u32); then the buffers, <c>BufferSize</c> bytes each.
/// Descriptor i of ring r starts pointing at buffer r × RingSize + i; a consumer checks every descriptor it reads
/// (the other side may be another, faulty process) and drops what points outside the region.
/// </remarks>
public sealed unsafe class MemifRegion : IDisposable
{
    /// <summary>"NFVMEMIF" read as a little-endian 64-bit number.</summary>
    internal const ulong Magic = 0x46494D454D56464EUL;

    /// <summary>The layout version this code writes and reads.</summary>
    internal const uint Version = 1;

    internal const int HeaderSize = 64;
    internal const int RingControlSize = 128;
    internal const int DescriptorSize = 16;

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly bool _owner;
    private int _claimed;
    private bool _disposed;

    private MemifRegion(string path, MemoryMappedFile file, MemoryMappedViewAccessor view, bool owner, int ringSize, int bufferSize, long size)
    {
        Path = path;
        _file = file;
        _view = view;
        _owner = owner;
        RingSize = ringSize;
        BufferSize = bufferSize;
        SizeBytes = size;
        byte* p = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        _base = p + view.PointerOffset;
    }

    /// <summary>Gets the file that backs the region; give it to the other end's <see cref="Open"/>.</summary>
    public string Path { get; }

    /// <summary>Gets the descriptors per ring.</summary>
    public int RingSize { get; }

    /// <summary>Gets the size of each packet buffer.</summary>
    public int BufferSize { get; }

    /// <summary>Gets the size of the mapped region in bytes.</summary>
    public long SizeBytes { get; }

    internal byte* Base => _base;

    /// <summary>Creates the backing file, maps it and lays out the header, both rings and every buffer.</summary>
    /// <param name="options">Ring and buffer sizes, and optionally the file.</param>
    /// <returns>The region; dispose it to unmap (and delete the file).</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range; the message names it and the accepted values.</exception>
    /// <exception cref="IOException">The file exists already or cannot be created.</exception>
    public static MemifRegion Create(MemifRegionOptions? options = null)
    {
        options ??= new MemifRegionOptions();
        if (options.RingSize < 2 || options.RingSize > 65536 || !BitOperations.IsPow2(options.RingSize))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.RingSize, "MemifRegionOptions.RingSize must be a power of two from 2 to 65536.");
        }

        if (options.BufferSize < 128 || options.BufferSize > 65536 || options.BufferSize % 64 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BufferSize, "MemifRegionOptions.BufferSize must be a multiple of 64 from 128 to 65536.");
        }

        string path = options.Path ?? DefaultPath();
        long size = SizeFor(options.RingSize, options.BufferSize);
        MemoryMappedFile file = MemoryMappedFile.CreateFromFile(path, FileMode.CreateNew, null, size, MemoryMappedFileAccess.ReadWrite);
        MemoryMappedViewAccessor view = file.CreateViewAccessor(0, size, MemoryMappedFileAccess.ReadWrite);
        MemifRegion region = new(path, file, view, owner: true, options.RingSize, options.BufferSize, size);
        region.Layout();
        return region;
    }

    /// <summary>Maps a region another end created (the other side of the connection), checking its header.</summary>
    /// <param name="path">The file <see cref="Path"/> names on the creating side.</param>
    /// <returns>The region; dispose it to unmap (the file stays, the creator deletes it).</returns>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">The file is not a region of this layout; the message says what is wrong.</exception>
    public static MemifRegion Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        long length = new FileInfo(path).Length;
        if (length < HeaderSize)
        {
            throw new InvalidDataException($"{path}: {length} bytes is too small for a memif region (header {HeaderSize} bytes); is it the path the creating side printed?");
        }

        MemoryMappedFile file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.ReadWrite);
        MemoryMappedViewAccessor view = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.ReadWrite);
        ulong magic = view.ReadUInt64(0);
        uint version = view.ReadUInt32(8);
        uint rings = view.ReadUInt32(12);
        uint ringSize = view.ReadUInt32(16);
        uint bufferSize = view.ReadUInt32(20);
        string? problem = magic != Magic ? "its magic is not NFVMEMIF"
            : version != Version ? $"layout version {version}, this code reads {Version}"
            : rings != 2 ? $"{rings} rings, expected 2"
            : ringSize < 2 || ringSize > 65536 || !BitOperations.IsPow2(ringSize) ? $"ring size {ringSize} is not a power of two from 2 to 65536"
            : bufferSize < 128 || bufferSize > 65536 || bufferSize % 64 != 0 ? $"buffer size {bufferSize} is not a multiple of 64 from 128 to 65536"
            : SizeFor((int)ringSize, (int)bufferSize) > length ? $"{length} bytes is shorter than its layout needs ({SizeFor((int)ringSize, (int)bufferSize)})"
            : null;
        if (problem is not null)
        {
            view.Dispose();
            file.Dispose();
            throw new InvalidDataException($"{path} is not a usable memif region: {problem}.");
        }

        return new MemifRegion(path, file, view, owner: false, (int)ringSize, (int)bufferSize, SizeFor((int)ringSize, (int)bufferSize));
    }

    /// <summary>Takes one side of the connection: its transmit ring (producer) and receive ring (consumer).</summary>
    /// <param name="side">The side; each side can be taken once per mapping.</param>
    /// <returns>The two rings of that side.</returns>
    /// <exception cref="InvalidOperationException">The side was already taken through this mapping.</exception>
    public (MemifRing Transmit, MemifRing Receive) Connect(MemifSide side)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int bit = 1 << (int)side;
        if ((Interlocked.Or(ref _claimed, bit) & bit) != 0)
        {
            throw new InvalidOperationException($"Side {side} of memif region {Path} is already connected through this mapping; each side has one producer and one consumer.");
        }

        int txRing = side == MemifSide.A ? 0 : 1;
        return (new MemifRing(this, txRing, producer: true), new MemifRing(this, 1 - txRing, producer: false));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
        if (_owner)
        {
            try
            {
                File.Delete(Path);
            }
            catch (IOException)
            {
                // The file is in a temporary directory; a failed delete leaves litter, not a fault.
            }
        }
    }

    internal static long SizeFor(int ringSize, int bufferSize) =>
        BuffersOffset(ringSize) + (2L * ringSize * bufferSize);

    internal static long RingOffset(int ring, int ringSize) =>
        HeaderSize + ((long)ring * (RingControlSize + ((long)ringSize * DescriptorSize)));

    internal static long BuffersOffset(int ringSize) => (RingOffset(2, ringSize) + 63) & ~63L;

    private static string DefaultPath()
    {
        string dir = Directory.Exists("/dev/shm") ? "/dev/shm" : System.IO.Path.GetTempPath();
        return System.IO.Path.Combine(dir, $"nfvc-memif-{Environment.ProcessId}-{Guid.NewGuid():N}");
    }

    private void Layout()
    {
        Span<byte> header = new(_base, HeaderSize);
        BinaryPrimitives.WriteUInt64LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 2);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], (uint)RingSize);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], (uint)BufferSize);
        BinaryPrimitives.WriteUInt64LittleEndian(header[24..], (ulong)RingOffset(0, RingSize));
        BinaryPrimitives.WriteUInt64LittleEndian(header[32..], (ulong)BuffersOffset(RingSize));
        long buffers = BuffersOffset(RingSize);
        for (int r = 0; r < 2; r++)
        {
            byte* ring = _base + RingOffset(r, RingSize);
            new Span<byte>(ring, RingControlSize).Clear();
            for (int i = 0; i < RingSize; i++)
            {
                MemifDescriptor* d = (MemifDescriptor*)(ring + RingControlSize + ((long)i * DescriptorSize));
                d->Flags = 0;
                d->Region = 0;
                d->Length = 0;
                d->Offset = (uint)(buffers + (((long)r * RingSize) + i) * BufferSize);
                d->Metadata = 0;
            }
        }
    }
}

/// <summary>memif_desc_t: one slot of a ring.</summary>
internal struct MemifDescriptor
{
    public ushort Flags;
    public ushort Region;
    public uint Length;
    public uint Offset;
    public uint Metadata;
}
