// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.InteropServices;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Lab.Linux.Native;

namespace NfvConformance.Lab.Linux.Traffic.Xdp;

/// <summary>
/// The AF_XDP receive side of one port, in managed code over P/Invoke (no libbpf or libxdp): an AF_XDP socket bound to
/// queue 0 of the interface in copy mode, its UMEM of fixed-size chunks in one pinned array, a fill ring that holds
/// every chunk the socket does not, and its RX ring; the <see cref="XdpRedirectProgram"/> attached to the interface
/// redirects the generator's frames into it and passes the rest to the kernel. A drained frame's chunk goes straight
/// back to the fill ring. The receive time of each frame is the one the XDP program wrote in the 16 bytes it put in
/// front of the frame (CLOCK_MONOTONIC, moved to CLOCK_REALTIME by an offset read at each statistics reset), which the
/// sink never sees; a frame without them is stamped with the time it was drained. Nothing is allocated per frame.
/// </summary>
/// <remarks>
/// The UMEM is not shared with the port's AF_XDP sender: one queue takes one AF_XDP socket (a second bind gets
/// EBUSY) and sharing one socket's rings between the sending and the receiving thread would need locks on the hot
/// path, so a port that receives through AF_XDP sends through AF_PACKET (the generator says so).
/// </remarks>
internal sealed class XdpRxPort : IFrameReceiver
{
    /// <summary>Bytes of each UMEM chunk: a frame (the kernel keeps XDP_PACKET_HEADROOM, 256 bytes, in front of it) must fit.</summary>
    public const int ChunkSize = 2048;

    private const int XdpPacketHeadroom = 256;
    private const int PageSize = 4096;
    private const int DescSize = 16;
    private const int Chunks = 16384;
    private const int CompletionEntries = 64;
    private readonly byte[] _umem;
    private readonly IntPtr _umemAddress;
    private readonly XdpRing _rx;
    private readonly XdpRing _fill;
    private readonly XdpRing _completion;
    private readonly XdpRedirectProgram _program;
    private readonly byte[] _stats = new byte[48];
    private long _monotonicToRealtimeNs;
    private long _drained;
    private long _dropsBefore;
    private bool _disposed;

    private XdpRxPort(int fd, string interfaceName, byte[] umem, IntPtr umemAddress, XdpRing rx, XdpRing fill, XdpRing completion, XdpRedirectProgram program)
    {
        Fd = fd;
        Interface = interfaceName;
        _umem = umem;
        _umemAddress = umemAddress;
        _rx = rx;
        _fill = fill;
        _completion = completion;
        _program = program;
        Method = $"af_xdp rx (copy mode, xdp {program.Mode})";
    }

    /// <inheritdoc />
    public int Fd { get; }

    /// <inheritdoc />
    public string Interface { get; }

    /// <inheritdoc />
    public string Method { get; }

    /// <inheritdoc />
    public int MaxFrameLength => ChunkSize - XdpPacketHeadroom - XdpRedirectProgram.StampSize;

    /// <summary>Gets the frames drained that carried no timestamp from the XDP program (stamped when drained instead).</summary>
    public long UnstampedFrames { get; private set; }

    /// <summary>Opens the receiver on queue 0 of an interface of the calling thread's namespace and attaches the program.</summary>
    /// <param name="interfaceName">The interface (a veth the lab created).</param>
    /// <param name="ns">Its namespace, for messages.</param>
    /// <param name="fault">A deliberate defect of the program (tests only).</param>
    /// <returns>The port.</returns>
    /// <exception cref="ConfigurationException">No such interface.</exception>
    /// <exception cref="TrafficEnvironmentException">The kernel refused a step (the message names it and errno).</exception>
    public static XdpRxPort Open(string interfaceName, string? ns, XdpRxFault fault = XdpRxFault.None)
    {
        int ifIndex = PacketSockets.IndexOf(interfaceName, ns);
        int fd = Libc.socket(Libc.AfXdp, Libc.SockRaw, 0);
        if (fd < 0)
        {
            throw new TrafficEnvironmentException($"socket(AF_XDP) failed: {Libc.LastError()}.");
        }

        List<XdpRing> mapped = [];
        XdpRedirectProgram? program = null;
        try
        {
            byte[] umem = GC.AllocateArray<byte>((Chunks * ChunkSize) + PageSize, pinned: true);
            long address = Marshal.UnsafeAddrOfPinnedArrayElement(umem, 0).ToInt64();
            long aligned = (address + PageSize - 1) & ~(long)(PageSize - 1);
            byte[] reg = new byte[32]; // struct xdp_umem_reg {u64 addr; u64 len; u32 chunk_size; u32 headroom; u32 flags; u32 tx_metadata_len}
            BinaryPrimitives.WriteInt64LittleEndian(reg, aligned);
            BinaryPrimitives.WriteInt64LittleEndian(reg.AsSpan(8), (long)Chunks * ChunkSize);
            BinaryPrimitives.WriteInt32LittleEndian(reg.AsSpan(16), ChunkSize);
            SetOption(fd, Libc.XdpUmemReg, reg, "XDP_UMEM_REG");
            SetOption(fd, Libc.XdpUmemFillRing, Chunks, "XDP_UMEM_FILL_RING");
            SetOption(fd, Libc.XdpUmemCompletionRing, CompletionEntries, "XDP_UMEM_COMPLETION_RING");
            SetOption(fd, Libc.XdpRxRing, Chunks, "XDP_RX_RING");
            byte[] off = XdpRing.ReadOffsets(fd);
            XdpRing rx = XdpRing.Map(fd, off.AsSpan(0, 32), Chunks, DescSize, Libc.XdpPgoffRxRing, "RX");
            mapped.Add(rx);
            XdpRing fill = XdpRing.Map(fd, off.AsSpan(64, 32), Chunks, 8, Libc.XdpUmemPgoffFillRing, "fill");
            mapped.Add(fill);
            XdpRing completion = XdpRing.Map(fd, off.AsSpan(96, 32), CompletionEntries, 8, Libc.XdpUmemPgoffCompletionRing, "completion");
            mapped.Add(completion);

            // Every chunk starts in the fill ring: the fill ring is as large as the UMEM, so handing a chunk back never waits.
            for (uint i = 0; i < Chunks; i++)
            {
                Marshal.WriteInt64(fill.Entry(i), (long)i * ChunkSize);
            }

            fill.CachedProducer = Chunks;
            Interlocked.MemoryBarrier();
            fill.WriteProducer(Chunks);

            byte[] sxdp = new byte[16]; // struct sockaddr_xdp {u16 family; u16 flags; u32 ifindex; u32 queue_id; u32 shared_umem_fd}
            BinaryPrimitives.WriteUInt16LittleEndian(sxdp, Libc.AfXdp);
            BinaryPrimitives.WriteUInt16LittleEndian(sxdp.AsSpan(2), Libc.XdpCopy);
            BinaryPrimitives.WriteInt32LittleEndian(sxdp.AsSpan(4), ifIndex);
            if (Libc.bind(fd, sxdp, sxdp.Length) != 0)
            {
                throw new TrafficEnvironmentException($"bind(AF_XDP, {interfaceName} queue 0, XDP_COPY) failed: {Libc.LastError()}.");
            }

            program = XdpRedirectProgram.Attach(interfaceName, ifIndex, 1, fault);
            program.Register(0, fd);
            XdpRxPort port = new(fd, interfaceName, umem, (IntPtr)aligned, rx, fill, completion, program);
            port.ReadAndResetStatistics();
            return port;
        }
        catch
        {
            program?.Dispose();
            foreach (XdpRing r in mapped)
            {
                r.Unmap();
            }

            Libc.close(fd);
            throw;
        }
    }

    /// <inheritdoc />
    public int Drain<TSink>(ref TSink sink)
        where TSink : struct, IFrameSink
    {
        uint consumer = _rx.CachedConsumer;
        uint producer = _rx.ReadProducer();
        Interlocked.MemoryBarrier();
        int n = (int)(producer - consumer);
        if (n == 0)
        {
            return 0;
        }

        long drainedNs = ((long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency))) + _monotonicToRealtimeNs;
        uint fillAt = _fill.CachedProducer;
        for (int i = 0; i < n; i++)
        {
            IntPtr desc = _rx.Entry(consumer + (uint)i);
            long address = Marshal.ReadInt64(desc);
            int length = Marshal.ReadInt32(desc, 8);
            IntPtr frame = _umemAddress + (nint)address;
            long rxNs;
            if (length >= XdpRedirectProgram.StampSize && Marshal.ReadInt32(frame, 8) == XdpRedirectProgram.StampMagic)
            {
                rxNs = Marshal.ReadInt64(frame) + _monotonicToRealtimeNs;
                frame += XdpRedirectProgram.StampSize;
                length -= XdpRedirectProgram.StampSize;
            }
            else
            {
                rxNs = drainedNs;
                UnstampedFrames++;
            }

            sink.OnFrame(frame, length, rxNs);
            Marshal.WriteInt64(_fill.Entry(fillAt + (uint)i), address & ~(long)(ChunkSize - 1));
        }

        _rx.CachedConsumer = producer;
        _fill.CachedProducer = fillAt + (uint)n;
        Interlocked.MemoryBarrier();
        _rx.WriteConsumer(producer);
        _fill.WriteProducer(fillAt + (uint)n);
        _drained += n;
        return n;
    }

    /// <inheritdoc />
    /// <remarks>Drops are the socket's rx_dropped, rx_ring_full and rx_invalid_descs (struct xdp_statistics); the offset between the program's clock and CLOCK_REALTIME is read again here.</remarks>
    public (long Packets, long Drops) ReadAndResetStatistics()
    {
        _monotonicToRealtimeNs = Libc.RealtimeNs() - (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency));
        int length = _stats.Length;
        long drops = _dropsBefore;
        if (Libc.getsockopt(Fd, Libc.SolXdp, Libc.XdpStatistics, _stats, ref length) == 0)
        {
            drops = BinaryPrimitives.ReadInt64LittleEndian(_stats) + BinaryPrimitives.ReadInt64LittleEndian(_stats.AsSpan(8)) + BinaryPrimitives.ReadInt64LittleEndian(_stats.AsSpan(24));
        }

        (long Packets, long Drops) result = (_drained, drops - _dropsBefore);
        _dropsBefore = drops;
        _drained = 0;
        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _program.Dispose();
        _rx.Unmap();
        _fill.Unmap();
        _completion.Unmap();
        Libc.close(Fd);
        GC.KeepAlive(_umem);
    }

    private static void SetOption(int fd, int name, byte[] value, string what)
    {
        if (Libc.setsockopt(fd, Libc.SolXdp, name, value, value.Length) != 0)
        {
            throw new TrafficEnvironmentException($"setsockopt({what}) failed: {Libc.LastError()}.");
        }
    }

    private static void SetOption(int fd, int name, int value, string what)
    {
        if (Libc.setsockopt(fd, Libc.SolXdp, name, ref value, sizeof(int)) != 0)
        {
            throw new TrafficEnvironmentException($"setsockopt({what}={value}) failed: {Libc.LastError()}.");
        }
    }
}
