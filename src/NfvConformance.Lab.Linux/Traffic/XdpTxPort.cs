// Licensed under the Apache License, Version 2.0.
using System.Runtime.InteropServices;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Lab.Linux.Native;
using NfvConformance.Lab.Linux.Traffic.Xdp;

namespace NfvConformance.Lab.Linux.Traffic;

/// <summary>The transmit side of one generator port: frames are written in place by index, then sent as one batch.</summary>
internal interface IFrameSender : IDisposable
{
    /// <summary>Gets the most frames per <see cref="Send"/>.</summary>
    int Batch { get; }

    /// <summary>Gets how the port sends, for reports.</summary>
    string Method { get; }

    /// <summary>Gets the longest frame (without FCS) the port can send.</summary>
    int MaxFrameLength { get; }

    /// <summary>
    /// Gets the frames the kernel took from this sender and dropped before they reached the interface's peer, since the
    /// sender was opened (0 for a sender that resends what the kernel refuses).
    /// </summary>
    long Dropped { get; }

    /// <summary>Writes packet <paramref name="sequence"/> of a stream, marked, as frame <paramref name="index"/> of the next batch.</summary>
    /// <param name="index">0..Batch-1, in order.</param>
    /// <param name="stream">The stream's templates.</param>
    /// <param name="sequence">The packet's index in the stream.</param>
    /// <param name="mark">Its latency mark.</param>
    void Write(int index, StreamTemplates stream, long sequence, in LatencyMark mark);

    /// <summary>Sends frames 0..<paramref name="count"/>-1 written since the last send; every one is handed to the kernel before it returns.</summary>
    /// <param name="count">Frames.</param>
    /// <param name="cancellationToken">Gives up waiting for room.</param>
    void Send(int count, CancellationToken cancellationToken);
}

/// <summary>A deliberate defect of the AF_XDP sender, for the tests that show the generator's checks catch it.</summary>
internal enum XdpTxFault
{
    /// <summary>No defect.</summary>
    None,

    /// <summary>The transmit ring's producer is published one descriptor short of what was written (the last frame of each batch is never sent).</summary>
    ProducerOneShort,
}

/// <summary>
/// The AF_XDP transmit side of one port, in managed code over P/Invoke (no libbpf or libxdp): a UMEM of fixed-size
/// frames in one pinned array registered with XDP_UMEM_REG, its fill and completion rings and the socket's TX ring
/// mapped at the offsets XDP_MMAP_OFFSETS gives, bound to one queue of the interface (one socket per queue) in copy mode (with
/// XDP_USE_NEED_WAKEUP when the kernel takes it). A frame keeps the template it was last written with, so a frame
/// that comes back from the completion ring for the same template only gets its mark stamped in place. Each batch is
/// published with one producer update and kicked with sendto(2) (in copy mode the kernel transmits at most 32
/// descriptors per kick, so the kick repeats until the ring is empty); completions are reaped into a free stack.
/// Nothing is allocated per frame.
/// </summary>
/// <remarks>
/// Ring layout (linux/if_xdp.h): producer and consumer are u32 at the offsets of struct xdp_ring_offset; TX
/// descriptors are struct xdp_desc {u64 addr; u32 len; u32 options} (16 bytes); completion entries are u64 UMEM
/// addresses. Both rings are single-producer single-consumer: descriptors are written, then a full barrier, then the
/// producer; the consumer is read, then a barrier, then the entries.
/// </remarks>
internal sealed class XdpTxPort : IFrameSender
{
    private const int PageSize = 4096;
    private const int DescSize = 16;
    private const int RingEntries = 2048;
    private const int FillEntries = 64;
    private readonly int _fd;
    private readonly byte[] _umem;
    private readonly int _umemBase;
    private readonly int _frameSize;
    private readonly int[] _free;
    private readonly long[] _held;
    private readonly int[] _batchFrames;
    private readonly int[] _batchLengths;
    private readonly XdpRing _tx;
    private readonly XdpRing _completion;
    private readonly XdpRing _fill;
    private readonly bool _needWakeup;
    private readonly XdpTxFault _fault;
    private int _freeCount;
    private bool _disposed;

    private XdpTxPort(int fd, string interfaceName, int batch, byte[] umem, int umemBase, int frameSize, int frames, XdpRing tx, XdpRing completion, XdpRing fill, bool needWakeup, XdpTxFault fault)
    {
        _fd = fd;
        Interface = interfaceName;
        Batch = batch;
        _umem = umem;
        _umemBase = umemBase;
        _frameSize = frameSize;
        _free = new int[frames];
        _held = new long[frames];
        for (int i = 0; i < frames; i++)
        {
            _free[i] = frames - 1 - i;
            _held[i] = -1;
        }

        _freeCount = frames;
        _batchFrames = new int[batch];
        _batchLengths = new int[batch];
        _tx = tx;
        _completion = completion;
        _fill = fill;
        _needWakeup = needWakeup;
        _fault = fault;
        Method = needWakeup ? "af_xdp copy mode, need_wakeup" : "af_xdp copy mode";
    }

    /// <summary>Gets the interface.</summary>
    public string Interface { get; }

    /// <inheritdoc />
    public int Batch { get; }

    /// <inheritdoc />
    public string Method { get; }

    /// <inheritdoc />
    public int MaxFrameLength => _frameSize;

    /// <inheritdoc />
    /// <remarks>
    /// In copy mode the kernel hands each frame to the device directly; when the device drops it (a veth whose peer's
    /// per-CPU backlog is full returns NET_XMIT_DROP), the descriptor is consumed and completed but the frame is not
    /// sent, and sendto(2) returns EBUSY for that one frame (net/xdp/xsk.c, "SKB completed but not sent").
    /// </remarks>
    public long Dropped { get; private set; }

    /// <summary>Opens an AF_XDP transmit socket on one queue of an interface of the calling thread's namespace.</summary>
    /// <param name="interfaceName">The interface.</param>
    /// <param name="ns">Its namespace, for messages.</param>
    /// <param name="batch">Frames per send.</param>
    /// <param name="slotSize">The largest frame to send; above <see cref="PageSize"/>, frames of up to a page are taken.</param>
    /// <param name="fault">A deliberate defect (tests only).</param>
    /// <param name="queueId">The queue to bind to (below the interface's number of queues).</param>
    /// <returns>The port.</returns>
    /// <exception cref="ConfigurationException">No such interface.</exception>
    /// <exception cref="TrafficEnvironmentException">The kernel refused a step (the message names it and errno).</exception>
    public static XdpTxPort Open(string interfaceName, string? ns, int batch, int slotSize, XdpTxFault fault = XdpTxFault.None, int queueId = 0)
    {
        int ifIndex = PacketSockets.IndexOf(interfaceName, ns);
        int frameSize = slotSize <= 2048 ? 2048 : PageSize;
        int frames = (8 << 20) / frameSize;
        if (batch > RingEntries / 2)
        {
            throw new TrafficEnvironmentException($"batch {batch} is above half the AF_XDP ring ({RingEntries}).");
        }

        int fd = Libc.socket(Libc.AfXdp, Libc.SockRaw, 0);
        if (fd < 0)
        {
            throw new TrafficEnvironmentException($"socket(AF_XDP) failed: {Libc.LastError()}.");
        }

        List<XdpRing> mapped = [];
        try
        {
            (byte[] umem, int umemBase) = XdpSocket.RegisterUmem(fd, frames, frameSize);
            // A transmit-only socket receives nothing, but bind refuses a UMEM without both a fill and a completion ring.
            XdpSocket.SetOption(fd, Libc.XdpUmemFillRing, FillEntries, "XDP_UMEM_FILL_RING");
            XdpSocket.SetOption(fd, Libc.XdpUmemCompletionRing, RingEntries, "XDP_UMEM_COMPLETION_RING");
            XdpSocket.SetOption(fd, Libc.XdpTxRing, RingEntries, "XDP_TX_RING");

            byte[] off = XdpRing.ReadOffsets(fd);

            XdpRing tx = XdpRing.Map(fd, off.AsSpan(32, 32), RingEntries, DescSize, Libc.XdpPgoffTxRing, "TX");
            mapped.Add(tx);
            XdpRing fill = XdpRing.Map(fd, off.AsSpan(64, 32), FillEntries, 8, Libc.XdpUmemPgoffFillRing, "fill");
            mapped.Add(fill);
            XdpRing completion = XdpRing.Map(fd, off.AsSpan(96, 32), RingEntries, 8, Libc.XdpUmemPgoffCompletionRing, "completion");
            mapped.Add(completion);

            // The completions of a copy-mode socket are skbs charged to its send buffer: the default (about 200 kB)
            // holds a few hundred 64-byte frames in flight.
            int sndbuf = 4 << 20;
            if (Libc.setsockopt(fd, Libc.SolSocket, Libc.SoSndbufForce, ref sndbuf, sizeof(int)) != 0)
            {
                PacketSockets.SetInt(fd, Libc.SolSocket, Libc.SoSndbuf, sndbuf, "SO_SNDBUF");
            }

            bool needWakeup = XdpSocket.Bind(fd, ifIndex, queueId, Libc.XdpCopy | Libc.XdpUseNeedWakeup);
            if (!needWakeup && !XdpSocket.Bind(fd, ifIndex, queueId, Libc.XdpCopy))
            {
                throw new TrafficEnvironmentException($"bind(AF_XDP, {interfaceName} queue {queueId}, XDP_COPY) failed: {Libc.LastError()}{(queueId > 0 ? $" (the interface needs {queueId + 1} queues or more: ip link add ... numtxqueues N numrxqueues N)" : string.Empty)}.");
            }

            return new XdpTxPort(fd, interfaceName, batch, umem, umemBase, frameSize, frames, tx, completion, fill, needWakeup, fault);
        }
        catch
        {
            XdpSocket.Close(fd, mapped);
            throw;
        }
    }

    /// <inheritdoc />
    public void Write(int index, StreamTemplates stream, long sequence, in LatencyMark mark)
    {
        if (_freeCount == 0)
        {
            WaitForFreeFrame();
        }

        int frame = _free[--_freeCount];
        _batchFrames[index] = frame;
        _batchLengths[index] = stream.WriteMarkedInPlace(_umem.AsSpan(_umemBase + (frame * _frameSize), _frameSize), sequence, mark, ref _held[frame]);
    }

    /// <inheritdoc />
    public void Send(int count, CancellationToken cancellationToken)
    {
        int done = 0;
        int spins = 0;
        while (done < count)
        {
            uint producer = _tx.CachedProducer;
            int room = RingEntries - (int)(producer - _tx.ReadConsumer());
            int n = Math.Min(room, count - done);
            for (int i = 0; i < n; i++)
            {
                IntPtr desc = _tx.Entry(producer + (uint)i);
                Marshal.WriteInt64(desc, (long)_batchFrames[done + i] * _frameSize);
                Marshal.WriteInt32(desc, 8, _batchLengths[done + i]);
                Marshal.WriteInt32(desc, 12, 0);
            }

            if (n > 0)
            {
                uint published = producer + (uint)n;
                _tx.CachedProducer = published;
                Interlocked.MemoryBarrier();
                _tx.WriteProducer(_fault == XdpTxFault.ProducerOneShort ? published - 1 : published);
                done += n;
            }

            Kick(cancellationToken);
            Reap();
            if (n == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (++spins > 1000)
                {
                    Thread.Sleep(0);
                }
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        XdpSocket.Close(_fd, [_tx, _completion, _fill]);
        GC.KeepAlive(_umem);
    }

    /// <summary>
    /// Makes the kernel transmit what the TX ring holds. In copy mode nothing is sent without a kick, whatever the
    /// need_wakeup flag says, and one kick sends at most 32 descriptors (EAGAIN: more remain), so it repeats until the
    /// ring is empty; EBUSY or ENOBUFS (the device or the send buffer is full) reap completions and retry.
    /// </summary>
    private void Kick(CancellationToken cancellationToken)
    {
        int spins = 0;
        while (_tx.ReadConsumer() != _tx.ReadProducer())
        {
            if (Libc.sendto(_fd, IntPtr.Zero, 0, Libc.MsgDontWait, IntPtr.Zero, 0) >= 0)
            {
                if (++spins > 1000)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    Thread.Sleep(0);
                }

                continue;
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno is not (Libc.Eagain or Libc.Ebusy or Libc.Enobufs or Libc.Eintr))
            {
                throw new TrafficEnvironmentException($"sending on {Interface} (AF_XDP) failed: errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)}); is the interface up?");
            }

            if (errno == Libc.Ebusy)
            {
                Dropped++;
            }

            Reap();
            if (++spins > 1000)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Thread.Sleep(0);
            }
        }
    }

    /// <summary>Returns the frames the kernel completed to the free stack.</summary>
    private int Reap()
    {
        uint consumer = _completion.CachedConsumer;
        uint producer = _completion.ReadProducer();
        Interlocked.MemoryBarrier();
        int n = (int)(producer - consumer);
        for (int i = 0; i < n; i++)
        {
            long address = Marshal.ReadInt64(_completion.Entry(consumer + (uint)i));
            _free[_freeCount++] = (int)(address / _frameSize);
        }

        if (n > 0)
        {
            _completion.CachedConsumer = producer;
            Interlocked.MemoryBarrier();
            _completion.WriteConsumer(producer);
        }

        return n;
    }

    private void WaitForFreeFrame()
    {
        int spins = 0;
        while (Reap() == 0)
        {
            if (_tx.ReadConsumer() != _tx.ReadProducer() || _needWakeup)
            {
                _ = Libc.sendto(_fd, IntPtr.Zero, 0, Libc.MsgDontWait, IntPtr.Zero, 0);
            }

            if (++spins > 1000)
            {
                Thread.Sleep(0);
            }
        }
    }
}
