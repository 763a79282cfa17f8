// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Emulator.Dataplane.Buffers;

/// <summary>Who allocates and frees from a <see cref="PacketPool"/>.</summary>
public enum PoolConcurrency
{
    /// <summary>One thread only (a worker's own pool): a LIFO stack, no atomics.</summary>
    SingleThread = 0,

    /// <summary>Any thread: free indices live in a multi-producer, multi-consumer ring.</summary>
    MultiThread = 1,
}

/// <summary>Sizes of a <see cref="PacketPool"/>, fixed at creation.</summary>
public sealed class PacketPoolOptions
{
    /// <summary>Gets the number of buffers; at least 1, at most 2^24.</summary>
    public int Capacity { get; init; } = 8192;

    /// <summary>Gets the size of each buffer in bytes, headroom included; a multiple of 64, 256 to 65536.</summary>
    public int BufferSize { get; init; } = 2048;

    /// <summary>Gets the headroom in bytes kept in front of the data for prepending headers (RTE_PKTMBUF_HEADROOM).</summary>
    public int Headroom { get; init; } = 128;

    /// <summary>Gets who allocates and frees.</summary>
    public PoolConcurrency Concurrency { get; init; } = PoolConcurrency.SingleThread;
}
