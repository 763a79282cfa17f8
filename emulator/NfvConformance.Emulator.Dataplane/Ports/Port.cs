// Licensed under the Apache License, Version 2.0.
using NfvConformance.Emulator.Dataplane.Buffers;

namespace NfvConformance.Emulator.Dataplane.Ports;

/// <summary>
/// A network port with DPDK rte_ethdev burst semantics. Subclass it for a new kind of device (a designed
/// extension point); every receive and transmit moves a span of handles and returns a count.
/// </summary>
public abstract class Port
{
    /// <summary>The largest burst a port moves per call (DPDK l2fwd MAX_PKT_BURST).</summary>
    public const int MaxBurst = 32;

    /// <summary>Creates a port.</summary>
    /// <param name="name">A name for counters and traces.</param>
    /// <param name="pool">The pool received packets are allocated from and dropped packets return to.</param>
    protected Port(string name, PacketPool pool)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(pool);
        Name = name;
        Pool = pool;
    }

    /// <summary>Gets the port's name.</summary>
    public string Name { get; }

    /// <summary>Gets the pool this port allocates from.</summary>
    public PacketPool Pool { get; }

    /// <summary>Gets the port's statistics (rte_eth_stats).</summary>
    public PortStats Stats { get; } = new();

    /// <summary>Receives up to <c>dst.Length</c> packets (rte_eth_rx_burst).</summary>
    /// <param name="dst">Receives the handles in its first elements.</param>
    /// <returns>The number received; 0 means nothing was waiting (or no buffer was free, counted in <see cref="PortStats.RxNoBuffer"/>). The caller owns <c>dst[..count]</c>.</returns>
    public abstract int ReceiveBurst(Span<PacketHandle> dst);

    /// <summary>Transmits up to <c>src.Length</c> packets (rte_eth_tx_burst).</summary>
    /// <param name="src">Packets the caller owns.</param>
    /// <returns>The number the port took; it owns <c>src[..count]</c>. The caller keeps <c>src[count..]</c> and must free or retry them.</returns>
    public abstract int TransmitBurst(ReadOnlySpan<PacketHandle> src);
}

/// <summary>Counters of one port; written by the one worker that polls it, read by anyone.</summary>
public sealed class PortStats
{
    private long _rxPackets;
    private long _rxBytes;
    private long _txPackets;
    private long _txBytes;
    private long _rxNoBuffer;
    private long _txFull;

    /// <summary>Gets the packets received.</summary>
    public long RxPackets => Volatile.Read(ref _rxPackets);

    /// <summary>Gets the bytes received.</summary>
    public long RxBytes => Volatile.Read(ref _rxBytes);

    /// <summary>Gets the packets transmitted.</summary>
    public long TxPackets => Volatile.Read(ref _txPackets);

    /// <summary>Gets the bytes transmitted.</summary>
    public long TxBytes => Volatile.Read(ref _txBytes);

    /// <summary>Gets the packets that could not be received for want of a free buffer (rx_nombuf).</summary>
    public long RxNoBuffer => Volatile.Read(ref _rxNoBuffer);

    /// <summary>Gets the packets a transmit refused because the device queue was full (returned to the caller).</summary>
    public long TxFull => Volatile.Read(ref _txFull);

    /// <summary>Adds received packets.</summary>
    /// <param name="packets">Packets.</param>
    /// <param name="bytes">Bytes.</param>
    public void AddRx(int packets, long bytes)
    {
        _rxPackets += packets;
        _rxBytes += bytes;
    }

    /// <summary>Adds transmitted packets.</summary>
    /// <param name="packets">Packets.</param>
    /// <param name="bytes">Bytes.</param>
    public void AddTx(int packets, long bytes)
    {
        _txPackets += packets;
        _txBytes += bytes;
    }

    /// <summary>Adds packets not received for want of buffers.</summary>
    /// <param name="packets">Packets.</param>
    public void AddRxNoBuffer(int packets) => _rxNoBuffer += packets;

    /// <summary>Adds packets a transmit refused.</summary>
    /// <param name="packets">Packets.</param>
    public void AddTxFull(int packets) => _txFull += packets;
}
