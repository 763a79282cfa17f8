// Licensed under the Apache License, Version 2.0.
using NfvConformance.Emulator.Dataplane.Buffers;

namespace NfvConformance.Emulator.Dataplane.Rings;

/// <summary>What <see cref="PacketRing.EnqueueBurst"/> does with packets that do not fit.</summary>
public enum RingFullMode
{
    /// <summary>Refuse them: the caller keeps ownership of the unsent tail and must free or retry it; counted in <see cref="PacketRing.Rejected"/>.</summary>
    Reject = 0,

    /// <summary>Free them to <see cref="PacketRingOptions.DropPool"/> (tail drop); counted in <see cref="PacketRing.FullDrops"/>.</summary>
    DropNewest = 1,
}

/// <summary>Options of a <see cref="PacketRing"/>, fixed at construction (DPDK rte_ring_create flags).</summary>
public sealed class PacketRingOptions
{
    /// <summary>Gets the capacity: a power of two from 2 to 2^30.</summary>
    public int Capacity { get; init; } = 1024;

    /// <summary>Gets a value indicating whether only one thread ever enqueues (RING_F_SP_ENQ).</summary>
    public bool SingleProducer { get; init; } = true;

    /// <summary>Gets a value indicating whether only one thread ever dequeues (RING_F_SC_DEQ).</summary>
    public bool SingleConsumer { get; init; } = true;

    /// <summary>Gets what a burst enqueue does with packets that do not fit.</summary>
    public RingFullMode FullMode { get; init; } = RingFullMode.Reject;

    /// <summary>Gets the pool that dropped packets return to; required with <see cref="RingFullMode.DropNewest"/>.</summary>
    public PacketPool? DropPool { get; init; }
}
