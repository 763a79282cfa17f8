// Licensed under the Apache License, Version 2.0.
using NfvConformance.Emulator.Dataplane.Buffers;
using NfvConformance.Emulator.Dataplane.Memif;

namespace NfvConformance.Emulator.Dataplane.Ports;

/// <summary>
/// A port over one side of a <see cref="MemifRegion"/> (DPDK net_memif in copy mode): transmitting copies each packet
/// into a shared-memory slot and frees the local buffer; receiving allocates from this port's pool and copies out.
/// The two ends may use different pools, threads or processes.
/// </summary>
public sealed class MemifPort : Port
{
    private readonly MemifRing _tx;
    private readonly MemifRing _rx;

    /// <summary>Creates a port on <paramref name="side"/> of <paramref name="region"/>.</summary>
    /// <param name="name">The port's name.</param>
    /// <param name="pool">The pool received packets are copied into and transmitted packets are freed to.</param>
    /// <param name="region">The shared-memory region (created here or opened from the other end's path).</param>
    /// <param name="side">Which side this port is; the other end takes the other side.</param>
    public MemifPort(string name, PacketPool pool, MemifRegion region, MemifSide side)
        : base(name, pool)
    {
        ArgumentNullException.ThrowIfNull(region);
        (_tx, _rx) = region.Connect(side);
    }

    /// <summary>Gets the ring this port transmits into.</summary>
    public MemifRing TransmitRing => _tx;

    /// <summary>Gets the ring this port receives from.</summary>
    public MemifRing ReceiveRing => _rx;

    /// <inheritdoc />
    public override int ReceiveBurst(Span<PacketHandle> dst)
    {
        long before = _rx.NoBuffer;
        int n = _rx.DequeueBurst(Pool, dst.Length > MaxBurst ? dst[..MaxBurst] : dst);
        if (_rx.NoBuffer != before)
        {
            Stats.AddRxNoBuffer((int)(_rx.NoBuffer - before));
        }

        if (n > 0)
        {
            long bytes = 0;
            for (int i = 0; i < n; i++)
            {
                bytes += Pool.Meta(dst[i]).Length;
            }

            Stats.AddRx(n, bytes);
        }

        return n;
    }

    /// <inheritdoc />
    /// <remarks>A packet longer than the region's buffers is taken, freed and counted in <see cref="MemifRing.Oversized"/>, never sent truncated.</remarks>
    public override int TransmitBurst(ReadOnlySpan<PacketHandle> src)
    {
        if (src.Length > MaxBurst)
        {
            src = src[..MaxBurst];
        }

        long oversized = _tx.Oversized;
        int n = _tx.EnqueueBurst(Pool, src);
        if (n == 0)
        {
            if (!src.IsEmpty)
            {
                Stats.AddTxFull(src.Length);
            }

            return 0;
        }

        long bytes = 0;
        foreach (PacketHandle h in src[..n])
        {
            int length = Pool.Meta(h).Length;
            bytes += length <= _tx.BufferSize ? length : 0;
        }

        int sent = n - (int)(_tx.Oversized - oversized);
        Pool.FreeBulk(src[..n]);
        if (n < src.Length)
        {
            Stats.AddTxFull(src.Length - n);
        }

        Stats.AddTx(sent, bytes);
        return n;
    }
}
