// Licensed under the Apache License, Version 2.0.
using NfvConformance.Emulator.Dataplane.Buffers;
using NfvConformance.Emulator.Dataplane.Rings;

namespace NfvConformance.Emulator.Dataplane.Ports;

/// <summary>
/// A port backed by two rings in shared memory (DPDK net_ring, memif-like): what one end transmits the other
/// receives, without a copy. Create connected ends with <see cref="CreatePair"/>.
/// </summary>
public sealed class RingPort : Port
{
    private readonly PacketRing _rx;
    private readonly PacketRing _tx;

    /// <summary>Creates a port that receives from <paramref name="rx"/> and transmits into <paramref name="tx"/>.</summary>
    /// <param name="name">The port's name.</param>
    /// <param name="pool">The pool the packets belong to.</param>
    /// <param name="rx">The ring this port receives from.</param>
    /// <param name="tx">The ring this port transmits into; its full policy decides who owns a refused packet.</param>
    public RingPort(string name, PacketPool pool, PacketRing rx, PacketRing tx)
        : base(name, pool)
    {
        ArgumentNullException.ThrowIfNull(rx);
        ArgumentNullException.ThrowIfNull(tx);
        _rx = rx;
        _tx = tx;
    }

    /// <summary>Creates two connected ports over two single-producer, single-consumer rings that reject when full.</summary>
    /// <param name="nameA">The first end's name.</param>
    /// <param name="nameB">The second end's name.</param>
    /// <param name="pool">The pool the packets belong to.</param>
    /// <param name="capacity">Each ring's capacity, a power of two.</param>
    /// <returns>The two ends.</returns>
    public static (RingPort A, RingPort B) CreatePair(string nameA, string nameB, PacketPool pool, int capacity = 1024)
    {
        PacketRing ab = new(new PacketRingOptions { Capacity = capacity });
        PacketRing ba = new(new PacketRingOptions { Capacity = capacity });
        return (new RingPort(nameA, pool, ba, ab), new RingPort(nameB, pool, ab, ba));
    }

    /// <inheritdoc />
    public override int ReceiveBurst(Span<PacketHandle> dst)
    {
        int n = _rx.DequeueBurst(dst.Length > MaxBurst ? dst[..MaxBurst] : dst);
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

        int n = _tx.EnqueueBurst(src);
        if (_tx.Options.FullMode == RingFullMode.DropNewest)
        {
            // The ring freed and counted the rest: from the caller's side the port took everything.
            Stats.AddTx(n, bytes);
            return src.Length;
        }

        if (n < src.Length)
        {
            Stats.AddTxFull(src.Length - n);
            foreach (PacketHandle h in src[n..])
            {
                bytes -= Pool.Meta(h).Length;
            }
        }

        Stats.AddTx(n, bytes);
        return n;
    }
}
