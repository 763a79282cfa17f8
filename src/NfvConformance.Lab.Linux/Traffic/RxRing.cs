// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Lab.Linux.Native;

namespace NfvConformance.Lab.Linux.Traffic;

/// <summary>What the receive loop does with each frame; a struct so the call is inlined and allocates nothing.</summary>
internal interface IFrameSink
{
    /// <summary>Handles one frame still in the ring.</summary>
    /// <param name="frame">The address of its first byte (the Ethernet header).</param>
    /// <param name="length">Its captured length.</param>
    /// <param name="rxRealtimeNs">The kernel's receive timestamp (CLOCK_REALTIME, ns).</param>
    void OnFrame(IntPtr frame, int length, long rxRealtimeNs);
}

/// <summary>
/// A TPACKET_V3 receive ring on one interface: the kernel copies each frame that passes the BPF filter into
/// memory shared with us, with its receive timestamp, in blocks handed over whole; no system call per frame.
/// Outgoing frames of the same interface are ignored (PACKET_IGNORE_OUTGOING).
/// </summary>
internal sealed class RxRing : IFrameReceiver
{
    private const int TpStatusKernel = 0;
    private const int TpStatusUser = 1;
    private const int BlockStatusOffset = 8;
    private const int BlockPacketsOffset = 12;
    private const int BlockFirstOffset = 16;

    private readonly int _blockSize;
    private readonly int _blockCount;
    private readonly IntPtr _map;
    private int _current;
    private bool _disposed;

    private RxRing(int fd, IntPtr map, int blockSize, int blockCount, string interfaceName)
    {
        Fd = fd;
        _map = map;
        _blockSize = blockSize;
        _blockCount = blockCount;
        Interface = interfaceName;
    }

    /// <summary>Gets the socket.</summary>
    public int Fd { get; }

    /// <summary>Gets the interface.</summary>
    public string Interface { get; }

    /// <inheritdoc />
    public IReadOnlyList<int> Fds => [Fd];

    /// <inheritdoc />
    public string Method => "tpacket_v3 rx ring";

    /// <inheritdoc />
    public int MaxFrameLength => FrameSizeMix.MaxFrameSize;

    /// <summary>Opens a ring on an interface of the calling thread's namespace.</summary>
    /// <param name="interfaceName">The interface.</param>
    /// <param name="ns">Its namespace, for messages.</param>
    /// <param name="blockSize">Bytes per block (a power of two, at least a page).</param>
    /// <param name="blockCount">Blocks.</param>
    /// <param name="retireMs">How long the kernel waits before handing over a block that is not full.</param>
    /// <returns>The ring.</returns>
    public static RxRing Open(string interfaceName, string? ns, int blockSize, int blockCount, int retireMs)
    {
        int ifIndex = PacketSockets.IndexOf(interfaceName, ns);
        int fd = PacketSockets.OpenRaw();
        try
        {
            // Filter first, then ring, then bind with a protocol: nothing unfiltered can arrive in between.
            PacketSockets.AttachReceiveFilter(fd);
            PacketSockets.SetInt(fd, Libc.SolPacket, Libc.PacketVersion, Libc.TpacketV3, "PACKET_VERSION");
            PacketSockets.SetInt(fd, Libc.SolPacket, Libc.PacketIgnoreOutgoing, 1, "PACKET_IGNORE_OUTGOING");
            const int FrameSize = 2048;
            byte[] req = new byte[28];
            BinaryPrimitives.WriteInt32LittleEndian(req, blockSize);
            BinaryPrimitives.WriteInt32LittleEndian(req.AsSpan(4), blockCount);
            BinaryPrimitives.WriteInt32LittleEndian(req.AsSpan(8), FrameSize);
            BinaryPrimitives.WriteInt32LittleEndian(req.AsSpan(12), (int)((long)blockSize * blockCount / FrameSize));
            BinaryPrimitives.WriteInt32LittleEndian(req.AsSpan(16), retireMs);
            if (Libc.setsockopt(fd, Libc.SolPacket, Libc.PacketRxRing, req, req.Length) != 0)
            {
                throw new TrafficEnvironmentException($"cannot set up the TPACKET_V3 receive ring on {interfaceName}: {Libc.LastError()}.");
            }

            nuint bytes = (nuint)((long)blockSize * blockCount);
            IntPtr map = Libc.mmap(IntPtr.Zero, bytes, Libc.ProtRead | Libc.ProtWrite, Libc.MapShared, fd, 0);
            if (map == new IntPtr(-1))
            {
                throw new TrafficEnvironmentException($"cannot map the receive ring of {interfaceName}: {Libc.LastError()}.");
            }

            PacketSockets.Bind(fd, ifIndex, Libc.EthPAll, "the receiver on " + interfaceName);
            return new RxRing(fd, map, blockSize, blockCount, interfaceName);
        }
        catch
        {
            Libc.close(fd);
            throw;
        }
    }

    /// <summary>Hands every ready block's frames to the sink and returns the blocks to the kernel.</summary>
    /// <typeparam name="TSink">The sink.</typeparam>
    /// <param name="sink">Called once per frame.</param>
    /// <returns>The frames handled.</returns>
    public int Drain<TSink>(ref TSink sink)
        where TSink : struct, IFrameSink
    {
        int frames = 0;
        for (int guard = 0; guard < _blockCount; guard++)
        {
            IntPtr block = _map + (nint)((long)_current * _blockSize);
            if ((Marshal.ReadInt32(block, BlockStatusOffset) & TpStatusUser) == 0)
            {
                break;
            }

            int packets = Marshal.ReadInt32(block, BlockPacketsOffset);
            int offset = Marshal.ReadInt32(block, BlockFirstOffset);
            for (int i = 0; i < packets; i++)
            {
                IntPtr hdr = block + offset;
                long sec = (uint)Marshal.ReadInt32(hdr, 4);
                long nsec = (uint)Marshal.ReadInt32(hdr, 8);
                int snap = Marshal.ReadInt32(hdr, 12);
                int mac = (ushort)Marshal.ReadInt16(hdr, 24);
                sink.OnFrame(hdr + mac, snap, (sec * 1_000_000_000L) + nsec);
                offset += Marshal.ReadInt32(hdr, 0);
            }

            frames += packets;
            Interlocked.MemoryBarrier();
            Marshal.WriteInt32(block, BlockStatusOffset, TpStatusKernel);
            _current = (_current + 1) % _blockCount;
        }

        return frames;
    }

    /// <summary>Reads and resets the kernel's counters of this socket (frames passed, frames dropped because the ring was full).</summary>
    /// <returns>Packets and drops since the last call.</returns>
    public (long Packets, long Drops) ReadAndResetStatistics()
    {
        byte[] stats = new byte[12];
        int length = stats.Length;
        if (Libc.getsockopt(Fd, Libc.SolPacket, Libc.PacketStatistics, stats, ref length) != 0)
        {
            return (0, 0);
        }

        return (BinaryPrimitives.ReadUInt32LittleEndian(stats), BinaryPrimitives.ReadUInt32LittleEndian(stats.AsSpan(4)));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Libc.munmap(_map, (nuint)((long)_blockSize * _blockCount));
        Libc.close(Fd);
    }
}

/// <summary>
/// The transmit side of one port: a packet socket bound to the interface with protocol 0 (it receives nothing),
/// bypassing the qdisc, and a batch of pinned frame slots with their iovecs and mmsghdrs, sent with one
/// sendmmsg(2) per batch; or, with a transmit ring, the batch copied into a TPACKET_V2 PACKET_TX_RING and sent with
/// one send(2) (the kernel reads the frames from the ring: no msghdr or iovec per frame). The slots and the ring are
/// reused for every batch: nothing is allocated per frame.
/// </summary>
internal sealed class TxPort : IFrameSender
{
    private const int MsgHdrSize = 64;
    private const int IovSize = 16;

    // TPACKET_V2 transmit ring: each ring frame holds the header, then the frame at TPACKET_ALIGN(sizeof(tpacket2_hdr))
    // = 32, in one page-multiple block.
    private const int RingDataOffset = 32;
    private const int PageSize = 4096;
    private const int TpStatusAvailable = 0;
    private const int TpStatusSendRequest = 1;
    private const int TpStatusWrongFormat = 4;
    private readonly byte[] _slots;
    private readonly byte[] _iov;
    private readonly byte[] _msgs;
    private readonly IntPtr _msgsAddress;
    private readonly int[] _lengths;
    private readonly IntPtr _ring;
    private readonly int _ringFrames;
    private readonly int _ringFrameSize;
    private readonly int _ringBlockSize;
    private readonly int _ringPerBlock;
    private int _ringHead;
    private bool _disposed;

    private TxPort(int fd, string interfaceName, int batch, int slotSize, IntPtr ring, int ringFrames, int ringFrameSize)
    {
        Fd = fd;
        _ring = ring;
        _ringFrames = ringFrames;
        _ringFrameSize = ringFrameSize;
        _ringBlockSize = ringFrameSize == 0 ? PageSize : (ringFrameSize + PageSize - 1) / PageSize * PageSize;
        _ringPerBlock = ringFrameSize == 0 ? 1 : _ringBlockSize / ringFrameSize;
        _lengths = new int[batch];
        Interface = interfaceName;
        Batch = batch;
        SlotSize = slotSize;
        _slots = GC.AllocateArray<byte>(batch * slotSize, pinned: true);
        _iov = GC.AllocateArray<byte>(batch * IovSize, pinned: true);
        _msgs = GC.AllocateArray<byte>(batch * MsgHdrSize, pinned: true);
        _msgsAddress = Marshal.UnsafeAddrOfPinnedArrayElement(_msgs, 0);
        long slots = Marshal.UnsafeAddrOfPinnedArrayElement(_slots, 0).ToInt64();
        long iov = Marshal.UnsafeAddrOfPinnedArrayElement(_iov, 0).ToInt64();
        for (int i = 0; i < batch; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(_iov.AsSpan(i * IovSize), slots + ((long)i * slotSize));
            Span<byte> m = _msgs.AsSpan(i * MsgHdrSize, MsgHdrSize);
            BinaryPrimitives.WriteInt64LittleEndian(m[16..], iov + ((long)i * IovSize)); // msg_iov
            BinaryPrimitives.WriteInt64LittleEndian(m[24..], 1);                         // msg_iovlen
        }
    }

    /// <summary>Gets the socket.</summary>
    public int Fd { get; }

    /// <summary>Gets the interface.</summary>
    public string Interface { get; }

    /// <summary>Gets the most frames per sendmmsg.</summary>
    public int Batch { get; }

    /// <inheritdoc />
    public int MaxFrameLength => SlotSize;

    /// <inheritdoc />
    public string Method => _ring == IntPtr.Zero ? "af_packet sendmmsg batch" : "af_packet tx ring batch";

    /// <inheritdoc />
    /// <remarks>Always 0: a frame the kernel refuses (ENOBUFS, EAGAIN) is sent again by <see cref="Send"/>.</remarks>
    public long Dropped => 0;

    /// <summary>Gets the bytes of each slot (the largest frame).</summary>
    public int SlotSize { get; }

    /// <summary>Opens the transmit socket of an interface of the calling thread's namespace.</summary>
    /// <param name="interfaceName">The interface.</param>
    /// <param name="ns">Its namespace, for messages.</param>
    /// <param name="batch">Frames per sendmmsg.</param>
    /// <param name="slotSize">The largest frame.</param>
    /// <returns>The port.</returns>
    /// <param name="txRing">Send through a PACKET_TX_RING instead of sendmmsg(2).</param>
    public static TxPort Open(string interfaceName, string? ns, int batch, int slotSize, bool txRing = false)
    {
        int ifIndex = PacketSockets.IndexOf(interfaceName, ns);
        int fd = PacketSockets.OpenRaw();
        try
        {
            PacketSockets.SetInt(fd, Libc.SolPacket, Libc.PacketQdiscBypass, 1, "PACKET_QDISC_BYPASS");
            PacketSockets.SetInt(fd, Libc.SolSocket, Libc.SoSndbuf, 4 << 20, "SO_SNDBUF");
            IntPtr ring = IntPtr.Zero;
            int frames = 0;
            int frameSize = 0;
            if (txRing)
            {
                frameSize = (slotSize + RingDataOffset + 15) & ~15;
                int blockSize = (frameSize + PageSize - 1) / PageSize * PageSize;
                frames = Math.Max(256, 4 * batch);
                PacketSockets.SetInt(fd, Libc.SolPacket, Libc.PacketVersion, Libc.TpacketV2, "PACKET_VERSION=TPACKET_V2");
                byte[] req = new byte[16];
                BinaryPrimitives.WriteInt32LittleEndian(req, blockSize);
                BinaryPrimitives.WriteInt32LittleEndian(req.AsSpan(4), frames / (blockSize / frameSize));
                BinaryPrimitives.WriteInt32LittleEndian(req.AsSpan(8), frameSize);
                BinaryPrimitives.WriteInt32LittleEndian(req.AsSpan(12), frames);
                if (Libc.setsockopt(fd, Libc.SolPacket, Libc.PacketTxRing, req, req.Length) != 0)
                {
                    throw new TrafficEnvironmentException($"cannot set up the transmit ring (PACKET_TX_RING) on {interfaceName}: {Libc.LastError()}.");
                }

                frames = frames / (blockSize / frameSize) * (blockSize / frameSize);
                ring = Libc.mmap(IntPtr.Zero, (nuint)(frames / (blockSize / frameSize) * blockSize), Libc.ProtRead | Libc.ProtWrite, Libc.MapShared, fd, 0);
                if (ring == new IntPtr(-1))
                {
                    throw new TrafficEnvironmentException($"cannot map the transmit ring of {interfaceName}: {Libc.LastError()}.");
                }
            }

            PacketSockets.Bind(fd, ifIndex, 0, "the sender on " + interfaceName);
            return new TxPort(fd, interfaceName, batch, slotSize, ring, frames, frameSize);
        }
        catch
        {
            Libc.close(fd);
            throw;
        }
    }

    /// <summary>Gets slot <paramref name="index"/> to write a frame into.</summary>
    /// <param name="index">0..Batch-1.</param>
    /// <returns>The slot.</returns>
    public Span<byte> Slot(int index) => _slots.AsSpan(index * SlotSize, SlotSize);

    /// <inheritdoc />
    public void Write(int index, StreamTemplates stream, long sequence, in LatencyMark mark) => SetLength(index, stream.WriteMarked(Slot(index), sequence, mark));

    /// <summary>Sets the length of the frame in slot <paramref name="index"/>.</summary>
    /// <param name="index">The slot.</param>
    /// <param name="length">Its frame length.</param>
    public void SetLength(int index, int length)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_iov.AsSpan((index * IovSize) + 8), length);
        _lengths[index] = length;
    }

    /// <summary>Sends the first <paramref name="count"/> slots, retrying what the kernel did not take (a full socket buffer) so every frame written is sent.</summary>
    /// <param name="count">Frames.</param>
    /// <param name="cancellationToken">Gives up waiting for buffer space.</param>
    /// <exception cref="TrafficEnvironmentException">The interface refused the frames (down, gone).</exception>
    public void Send(int count, CancellationToken cancellationToken)
    {
        if (_ring != IntPtr.Zero)
        {
            SendThroughRing(count, cancellationToken);
            return;
        }

        int done = 0;
        int spins = 0;
        while (done < count)
        {
            int n = Libc.sendmmsg(Fd, _msgsAddress + (done * MsgHdrSize), (uint)(count - done), 0);
            if (n > 0)
            {
                done += n;
                continue;
            }

            int errno = Marshal.GetLastPInvokeError();
            if (n < 0 && errno is not (Libc.Eagain or Libc.Eintr or Libc.Enobufs))
            {
                throw new TrafficEnvironmentException($"sending on {Interface} failed: errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)}); is the interface up?");
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (++spins > 1000)
            {
                Thread.Sleep(0);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            if (_ring != IntPtr.Zero)
            {
                _ = Libc.munmap(_ring, RingBytes);
            }

            Libc.close(Fd);
        }
    }

    /// <summary>
    /// Copies the batch into the ring's free frames, hands them to the kernel (their data and length before their
    /// status, behind one barrier) and sends them with one blocking send(2), which returns when the kernel has taken
    /// them; frames the kernel still holds are waited for.
    /// </summary>
    private void SendThroughRing(int count, CancellationToken cancellationToken)
    {
        int done = 0;
        int spins = 0;
        while (done < count)
        {
            int n = 0;
            while (done + n < count)
            {
                IntPtr frame = RingFrame(_ringHead + n);
                int status = Marshal.ReadInt32(frame);
                if (status == TpStatusWrongFormat)
                {
                    throw new TrafficEnvironmentException($"the kernel refused a frame of the transmit ring of {Interface} (TP_STATUS_WRONG_FORMAT).");
                }

                if (status != TpStatusAvailable)
                {
                    break;
                }

                int length = _lengths[done + n];
                Marshal.Copy(_slots, (done + n) * SlotSize, frame + RingDataOffset, length);
                Marshal.WriteInt32(frame, 4, length);
                n++;
            }

            Interlocked.MemoryBarrier();
            for (int k = 0; k < n; k++)
            {
                Marshal.WriteInt32(RingFrame(_ringHead + k), TpStatusSendRequest);
            }

            _ringHead = (_ringHead + n) % _ringFrames;
            done += n;
            if (Libc.send(Fd, null!, 0, 0) < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno is not (Libc.Eagain or Libc.Eintr or Libc.Enobufs))
                {
                    throw new TrafficEnvironmentException($"sending the transmit ring of {Interface} failed: errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)}); is the interface up?");
                }
            }

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

    private nuint RingBytes => (nuint)(_ringFrames / _ringPerBlock * _ringBlockSize);

    // Frames do not cross blocks: frame i is in block i / perBlock at (i % perBlock) * frameSize.
    private IntPtr RingFrame(int index)
    {
        int i = index % _ringFrames;
        return _ring + ((i / _ringPerBlock * _ringBlockSize) + (i % _ringPerBlock * _ringFrameSize));
    }
}
