// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Emulator.Dataplane.Buffers;

namespace NfvConformance.Emulator.Dataplane.Ports;

/// <summary>
/// DPDK's net_null: receive allocates buffers and fills them, transmit frees everything it is given. Without
/// templates a received packet is <see cref="FrameSize"/> bytes of whatever the buffer held (net_null's default,
/// no copy); with templates each packet is a copy of the next template frame, round robin, so the graph sees
/// real headers (a NIC writing a frame by DMA).
/// </summary>
public sealed class NullPort : Port
{
    private readonly byte[][] _templates;
    private readonly int _frameSize;
    private int _next;

    /// <summary>Creates a null port.</summary>
    /// <param name="name">The port's name.</param>
    /// <param name="pool">The pool received packets come from.</param>
    /// <param name="frameSize">The length of a received packet when there are no templates; 14 to the pool's room behind the headroom.</param>
    /// <param name="templates">Frames received in turn; empty for net_null's uninitialised data.</param>
    /// <exception cref="ArgumentOutOfRangeException">A frame does not fit a buffer behind the headroom.</exception>
    public NullPort(string name, PacketPool pool, int frameSize = 64, IReadOnlyList<byte[]>? templates = null)
        : base(name, pool)
    {
        int room = pool.BufferSize - pool.Headroom;
        if (frameSize < 14 || frameSize > room)
        {
            ThrowHelper.ThrowOutOfRange(nameof(frameSize), frameSize, $"14 to {room} bytes");
        }

        _templates = templates is null ? [] : [.. templates];
        foreach (byte[] t in _templates)
        {
            if (t.Length < 14 || t.Length > room)
            {
                ThrowHelper.ThrowOutOfRange(nameof(templates), t.Length, $"frames of 14 to {room} bytes");
            }
        }

        _frameSize = frameSize;
    }

    /// <summary>Gets the length of a received packet when there are no templates.</summary>
    public int FrameSize => _frameSize;

    /// <inheritdoc />
    public override int ReceiveBurst(Span<PacketHandle> dst)
    {
        if (dst.Length > MaxBurst)
        {
            dst = dst[..MaxBurst];
        }

        int n = Pool.AllocBurst(dst);
        if (n < dst.Length)
        {
            Stats.AddRxNoBuffer(dst.Length - n);
        }

        long bytes = 0;
        PacketPool pool = Pool;
        if (_templates.Length == 0)
        {
            int size = _frameSize;
            for (int i = 0; i < n; i++)
            {
                pool.Meta(dst[i]).Length = size;
            }

            bytes = (long)size * n;
        }
        else
        {
            byte[][] templates = _templates;
            int next = _next;
            for (int i = 0; i < n; i++)
            {
                byte[] t = templates[next];
                if (++next == templates.Length)
                {
                    next = 0;
                }

                pool.Meta(dst[i]).Length = t.Length;
                t.CopyTo(pool.GetData(dst[i]));
                bytes += t.Length;
            }

            _next = next;
        }

        Stats.AddRx(n, bytes);
        return n;
    }

    /// <inheritdoc />
    public override int TransmitBurst(ReadOnlySpan<PacketHandle> src)
    {
        if (src.Length > MaxBurst)
        {
            src = src[..MaxBurst];
        }

        long bytes = 0;
        foreach (PacketHandle h in src)
        {
            bytes += Pool.Meta(h).Length;
        }

        Pool.FreeBulk(src);
        Stats.AddTx(src.Length, bytes);
        return src.Length;
    }
}
