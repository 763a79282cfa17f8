// Licensed under the Apache License, Version 2.0.
using System.Runtime.CompilerServices;
using NfvConformance.Emulator.ServiceChaining.Compilation;
using NfvConformance.Emulator.ServiceChaining.VirtualTime;
using NfvConformance.Emulator.Dataplane.Buffers;
using NfvConformance.Packets;

namespace NfvConformance.Emulator.ServiceChaining.Dataplane;

/// <summary>
/// State the chain nodes share on one worker: steering, per-instance counters and fault flags. Counters are written
/// only by the worker; fault flags are written by the control path and read by the worker (a late read delays a
/// fault by at most one burst).
/// </summary>
internal sealed class ChainRuntime
{
    public const int MaxInstances = 4096;
    public const byte Down = 1, LinkDown = 2, Lossy = 4, Paused = 8;

    /// <summary>Returned by <see cref="Admit"/> when the instance is paused and the packet joins its receive queue.</summary>
    public const int Queue = -2;

    public ChainRuntime(int flowCapacity, int seed, int rxQueueDepth = 256)
    {
        RxQueueDepth = rxQueueDepth;
        Steering = new ChainSteering(flowCapacity);
        Random = new DeterministicRandom(seed);
    }

    public ChainSteering Steering { get; }

    public DeterministicRandom Random { get; }

    public long[] Packets { get; } = new long[MaxInstances];

    public long[] Bytes { get; } = new long[MaxInstances];

    public long[] Drops { get; } = new long[MaxInstances];

    public byte[] State { get; } = new byte[MaxInstances];

    /// <summary>Gets discards and errors per instance and reason: <c>Reasons[instance * ChainNodeCounters.Count + counter index]</c>.</summary>
    public long[] Reasons { get; } = new long[MaxInstances * ChainNodeCounters.Count];

    /// <summary>Gets the depth of every instance's receive queue (packets held while it is paused).</summary>
    public int RxQueueDepth { get; }

    /// <summary>Gets the packets each paused instance holds in its receive queue (allocated when it is first paused).</summary>
    public PacketHandle[]?[] Held { get; } = new PacketHandle[]?[MaxInstances];

    /// <summary>Gets how many packets each instance's receive queue holds.</summary>
    public int[] HeldCount { get; } = new int[MaxInstances];

    /// <summary>Gets how many of the reserved slots <c>sfc-rxq</c> has filled (equal to <see cref="HeldCount"/> between graph runs).</summary>
    public int[] HeldStored { get; } = new int[MaxInstances];

    /// <summary>Gets the instance that last refused a packet (or queued it); read by probes after one packet.</summary>
    public int LastRefused { get; set; } = -1;

    public double[] Loss { get; } = new double[MaxInstances];

    /// <summary>Gets when each instance went down (a timestamp of the engine's clock), or -1.</summary>
    public long[] DownSince { get; } = CreateFilled(MaxInstances, -1);

    /// <summary>
    /// Admits a packet to an instance's interface: returns -1 when admitted (counted as received), <see cref="Queue"/>
    /// when the paused instance's receive queue takes it, or the counter index of the reason it is discarded or in
    /// error (counted against the instance). The frame's bytes are checked as a receiving interface checks them:
    /// IPv4 header complete, total length within the frame, header checksum.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Admit(ushort instance, ReadOnlySpan<byte> frame, ref PacketMeta meta)
    {
        if (instance == CompiledHop.NoInstance)
        {
            return ChainNodeCounters.NoInstance;
        }

        byte state = State[instance];
        if (state != 0)
        {
            int reason = AdmitSlow(instance, state);
            if (reason != -1)
            {
                if (reason >= 0)
                {
                    Refuse(instance, reason);
                }
                else
                {
                    LastRefused = instance;
                }

                return reason;
            }
        }

        // The first interface verifies the IPv4 header; later ones trust that unless a node or fault cleared the flag
        // (the functions on a chain keep the checksum right as they rewrite: RFC 1624 incremental updates).
        if ((meta.Offload & PacketOffloadFlags.Ipv4HeaderGood) == 0)
        {
            FrameError error = FrameValidator.CheckIpv4(frame);
            if (error != FrameError.None)
            {
                int reason = error == FrameError.Truncated ? ChainNodeCounters.Truncated : ChainNodeCounters.Ipv4HeaderChecksum;
                Refuse(instance, reason);
                return reason;
            }

            meta.Offload |= PacketOffloadFlags.Ipv4HeaderGood;
        }

        Packets[instance]++;
        Bytes[instance] += frame.Length;
        return -1;
    }

    /// <summary>Counts a packet refused at an instance's interface.</summary>
    public void Refuse(ushort instance, int reason)
    {
        Drops[instance]++;
        Reasons[(instance * ChainNodeCounters.Count) + reason]++;
        LastRefused = instance;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int AdmitSlow(ushort instance, byte state)
    {
        if ((state & Down) != 0)
        {
            return ChainNodeCounters.InstanceDown;
        }

        if ((state & LinkDown) != 0)
        {
            return ChainNodeCounters.LinkDown;
        }

        if ((state & Paused) != 0)
        {
            if (HeldCount[instance] >= RxQueueDepth || Held[instance] is null)
            {
                return ChainNodeCounters.RxQueueFull;
            }

            // Reserve the slot now; sfc-rxq stores the handle in it.
            HeldCount[instance]++;
            return Queue;
        }

        if ((state & Lossy) != 0 && Random.NextDouble() < Loss[instance])
        {
            return ChainNodeCounters.RandomLoss;
        }

        return -1;
    }

    private static long[] CreateFilled(int n, long value)
    {
        long[] a = new long[n];
        Array.Fill(a, value);
        return a;
    }
}

/// <summary>Counter indices shared by the classify and forward nodes.</summary>
internal static class ChainNodeCounters
{
    public const int InstanceDown = 0, LinkDown = 1, RandomLoss = 2, NoInstance = 3, ParseError = 4, NoMatch = 5, ChainMiss = 6, TapCopies = 7, TapConsumed = 8, Delivered = 9, PathTableFull = 10,
        RxQueueFull = 11, Ipv4HeaderChecksum = 12, Truncated = 13, Queued = 14, GraphBranches = 15;

    /// <summary>The number of counters (the stride of <see cref="ChainRuntime.Reasons"/>).</summary>
    public const int Count = 16;

    public static readonly string[] Names =
        ["instance_down", "link_down", "random_loss", "no_instance", "parse_error", "no_match", "chain_miss", "tap_copies", "tap_consumed", "delivered", "path_table_full",
         "rx_queue_full", "ipv4_header_checksum", "truncated", "queued", "graph_branches"];

    /// <summary>Gets whether a counter of an instance's interface is an error (the frame was bad) rather than a discard.</summary>
    public static bool IsError(int reason) => reason is Ipv4HeaderChecksum or Truncated;
}
