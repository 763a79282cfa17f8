// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.InteropServices;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Lab.Linux.Native;

namespace NfvConformance.Lab.Linux.Traffic.Xdp;

/// <summary>
/// The AF_XDP receive side of one port, in managed code over P/Invoke (no libbpf or libxdp): one AF_XDP socket per
/// receive queue of the interface (a frame arrives on the queue its sender's transmit queue maps to), each bound in copy
/// mode with its own UMEM of fixed-size chunks in one pinned array, a fill ring that holds every chunk the socket does
/// not, and its RX ring; the <see cref="XdpRedirectProgram"/> attached to the interface redirects the generator's
/// frames into the socket of their queue and passes the rest to the kernel. A drained frame's chunk goes straight back
/// to the fill ring. The receive time of each frame is the one the XDP program wrote in the 16 bytes it put in front of
/// the frame (CLOCK_MONOTONIC, moved to CLOCK_REALTIME by an offset read at each statistics reset), which the sink
/// never sees; a frame without them is stamped with the time it was drained. Nothing is allocated per frame.
/// </summary>
/// <remarks>
/// The UMEM is not shared with the port's AF_XDP sender: a queue takes one AF_XDP socket (a second bind gets EBUSY),
/// and sharing one socket's rings between the sending and the receiving thread would need locks on the hot path, so
/// a port that receives through AF_XDP sends through AF_PACKET (the generator says so).
/// </remarks>
internal sealed class XdpRxPort : IFrameReceiver
{
    /// <summary>Bytes of each UMEM chunk: a frame (the kernel keeps XDP_PACKET_HEADROOM, 256 bytes, in front of it) must fit.</summary>
    public const int ChunkSize = 2048;

    /// <summary>The most receive queues a port is read on.</summary>
    public const int MaxQueues = 64;

    private const int XdpPacketHeadroom = 256;
    private const int Einval = 22;
    private readonly Queue[] _queues;
    private readonly XdpRedirectProgram _program;
    private readonly int[] _fds;
    private bool _disposed;

    private XdpRxPort(string interfaceName, Queue[] queues, XdpRedirectProgram program)
    {
        Interface = interfaceName;
        _queues = queues;
        _program = program;
        _fds = [.. queues.Select(q => q.Fd)];
        Method = $"af_xdp rx (copy mode, xdp {program.Mode}{(queues.Length > 1 ? $", {queues.Length} queues" : string.Empty)})";
    }

    /// <inheritdoc />
    public IReadOnlyList<int> Fds => _fds;

    /// <inheritdoc />
    public string Interface { get; }

    /// <inheritdoc />
    public string Method { get; }

    /// <inheritdoc />
    public int MaxFrameLength => ChunkSize - XdpPacketHeadroom - XdpRedirectProgram.StampSize;

    /// <summary>Gets the frames drained that carried no timestamp from the XDP program (stamped when drained instead).</summary>
    public long UnstampedFrames => _queues.Sum(q => q.UnstampedFrames);

    /// <summary>Opens a socket on every receive queue of an interface of the calling thread's namespace and attaches the program.</summary>
    /// <param name="interfaceName">The interface (a veth the lab created).</param>
    /// <param name="ns">Its namespace, for messages.</param>
    /// <param name="fault">A deliberate defect of the program (tests only).</param>
    /// <returns>The port.</returns>
    /// <exception cref="ConfigurationException">No such interface.</exception>
    /// <exception cref="TrafficEnvironmentException">The kernel refused a step (the message names it and errno).</exception>
    public static XdpRxPort Open(string interfaceName, string? ns, XdpRxFault fault = XdpRxFault.None)
    {
        int ifIndex = PacketSockets.IndexOf(interfaceName, ns);
        List<Queue> queues = [];
        XdpRedirectProgram? program = null;
        try
        {
            // Queue 0 gets the deepest rings (a single-queue veth, the usual case); a bind past the last queue is EINVAL.
            for (int q = 0; q < MaxQueues; q++)
            {
                Queue? queue = Queue.TryOpen(interfaceName, ifIndex, q, q == 0 ? 16384 : 4096);
                if (queue is null)
                {
                    break;
                }

                queues.Add(queue);
            }

            program = XdpRedirectProgram.Attach(interfaceName, ifIndex, MaxQueues, fault);
            foreach (Queue queue in queues)
            {
                program.Register(queue.Id, queue.Fd);
            }

            XdpRxPort port = new(interfaceName, [.. queues], program);
            port.ReadAndResetStatistics();
            return port;
        }
        catch
        {
            program?.Dispose();
            foreach (Queue queue in queues)
            {
                queue.Dispose();
            }

            throw;
        }
    }

    /// <inheritdoc />
    public int Drain<TSink>(ref TSink sink)
        where TSink : struct, IFrameSink
    {
        int n = 0;
        foreach (Queue queue in _queues)
        {
            n += queue.Drain(ref sink);
        }

        return n;
    }

    /// <inheritdoc />
    /// <remarks>Drops are the sockets' rx_dropped, rx_ring_full and rx_invalid_descs (struct xdp_statistics); the offset between the program's clock and CLOCK_REALTIME is read again here.</remarks>
    public (long Packets, long Drops) ReadAndResetStatistics()
    {
        long offset = Libc.RealtimeNs() - MonotonicNs();
        long packets = 0;
        long drops = 0;
        foreach (Queue queue in _queues)
        {
            (long p, long d) = queue.ReadAndResetStatistics(offset);
            packets += p;
            drops += d;
        }

        return (packets, drops);
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
        foreach (Queue queue in _queues)
        {
            queue.Dispose();
        }
    }

    private static long MonotonicNs() => (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency));

    /// <summary>The socket of one receive queue, with its UMEM, fill, completion and RX rings.</summary>
    private sealed class Queue : IDisposable
    {
        private const int DescSize = 16;
        private const int CompletionEntries = 64;
        private readonly byte[] _umem;
        private readonly IntPtr _umemAddress;
        private readonly XdpRing _rx;
        private readonly XdpRing _fill;
        private readonly XdpRing _completion;
        private readonly byte[] _stats = new byte[48];
        private long _monotonicToRealtimeNs;
        private long _drained;
        private long _dropsBefore;
        private bool _disposed;

        private Queue(int fd, int id, byte[] umem, IntPtr umemAddress, XdpRing rx, XdpRing fill, XdpRing completion)
        {
            Fd = fd;
            Id = id;
            _umem = umem;
            _umemAddress = umemAddress;
            _rx = rx;
            _fill = fill;
            _completion = completion;
        }

        public int Fd { get; }

        public int Id { get; }

        public long UnstampedFrames { get; private set; }

        /// <summary>Opens the socket of queue <paramref name="id"/>; null when the interface has no such queue (id above 0).</summary>
        public static Queue? TryOpen(string interfaceName, int ifIndex, int id, int chunks)
        {
            int fd = Libc.socket(Libc.AfXdp, Libc.SockRaw, 0);
            if (fd < 0)
            {
                throw new TrafficEnvironmentException($"socket(AF_XDP) failed: {Libc.LastError()}.");
            }

            List<XdpRing> mapped = [];
            try
            {
                (byte[] umem, int umemBase) = XdpSocket.RegisterUmem(fd, chunks, ChunkSize);
                IntPtr aligned = Marshal.UnsafeAddrOfPinnedArrayElement(umem, umemBase);
                XdpSocket.SetOption(fd, Libc.XdpUmemFillRing, chunks, "XDP_UMEM_FILL_RING");
                XdpSocket.SetOption(fd, Libc.XdpUmemCompletionRing, CompletionEntries, "XDP_UMEM_COMPLETION_RING");
                XdpSocket.SetOption(fd, Libc.XdpRxRing, chunks, "XDP_RX_RING");
                byte[] off = XdpRing.ReadOffsets(fd);
                XdpRing rx = XdpRing.Map(fd, off.AsSpan(0, 32), chunks, DescSize, Libc.XdpPgoffRxRing, "RX");
                mapped.Add(rx);
                XdpRing fill = XdpRing.Map(fd, off.AsSpan(64, 32), chunks, 8, Libc.XdpUmemPgoffFillRing, "fill");
                mapped.Add(fill);
                XdpRing completion = XdpRing.Map(fd, off.AsSpan(96, 32), CompletionEntries, 8, Libc.XdpUmemPgoffCompletionRing, "completion");
                mapped.Add(completion);

                // Every chunk starts in the fill ring: the fill ring is as large as the UMEM, so handing a chunk back never waits.
                for (uint i = 0; i < chunks; i++)
                {
                    Marshal.WriteInt64(fill.Entry(i), (long)i * ChunkSize);
                }

                fill.CachedProducer = (uint)chunks;
                Interlocked.MemoryBarrier();
                fill.WriteProducer((uint)chunks);

                if (!XdpSocket.Bind(fd, ifIndex, id, Libc.XdpCopy))
                {
                    if (id > 0 && Marshal.GetLastPInvokeError() == Einval)
                    {
                        XdpSocket.Close(fd, mapped);
                        return null;
                    }

                    throw new TrafficEnvironmentException($"bind(AF_XDP, {interfaceName} queue {id}, XDP_COPY) failed: {Libc.LastError()}.");
                }

                return new Queue(fd, id, umem, aligned, rx, fill, completion);
            }
            catch
            {
                XdpSocket.Close(fd, mapped);
                throw;
            }
        }

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

            long drainedNs = MonotonicNs() + _monotonicToRealtimeNs;
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

        public (long Packets, long Drops) ReadAndResetStatistics(long monotonicToRealtimeNs)
        {
            _monotonicToRealtimeNs = monotonicToRealtimeNs;
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

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            XdpSocket.Close(Fd, [_rx, _fill, _completion]);
            GC.KeepAlive(_umem);
        }
    }
}
