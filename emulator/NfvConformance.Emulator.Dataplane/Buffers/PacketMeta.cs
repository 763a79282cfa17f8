// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Emulator.Dataplane.Buffers;

/// <summary>
/// Per-buffer metadata kept in a parallel array beside the slab (DPDK's rte_mbuf fields, VPP's vlib_buffer_t).
/// Accessed by reference through <see cref="PacketPool.Meta(PacketHandle)"/>; reset when the buffer is allocated.
/// </summary>
public struct PacketMeta
{
    // 0 = free, 1 = in use; flipped with Interlocked in a multi-threaded pool so a double free is caught.
    internal int State;

    /// <summary>Gets or sets the offset of the first data byte from the start of the buffer (headroom in front).</summary>
    public int DataOffset { get; set; }

    /// <summary>Gets or sets the number of data bytes from <see cref="DataOffset"/>.</summary>
    public int Length { get; set; }

    /// <summary>Gets or sets the index of the port the packet arrived on.</summary>
    public int InputPort { get; set; }

    /// <summary>Gets or sets the flow hash (for example the 5-tuple hash of a receive queue or load balancer).</summary>
    public uint FlowHash { get; set; }

    /// <summary>Gets or sets a timestamp in the graph clock's ticks (arrival or generation time).</summary>
    public long Timestamp { get; set; }

    /// <summary>Gets or sets free-form metadata for nodes (for example a service path id and index).</summary>
    public ulong UserData { get; set; }

    /// <summary>Gets or sets what has already been verified about the headers (receive offload flags).</summary>
    public PacketOffloadFlags Offload { get; set; }
}
