// Licensed under the Apache License, Version 2.0.
using System.Runtime.CompilerServices;
using NfvConformance.Emulator.Chaining.Compilation;
using NfvConformance.Emulator.Chaining.VirtualTime;

namespace NfvConformance.Emulator.Chaining.Dataplane;

/// <summary>
/// State the chain nodes share on one worker: steering, per-instance counters and fault flags. Counters are written
/// only by the worker; fault flags are written by the control path and read by the worker (a late read delays a
/// fault by at most one burst).
/// </summary>
internal sealed class ChainRuntime
{
    public const int MaxInstances = 4096;
    public const byte Down = 1, LinkDown = 2, Lossy = 4;

    public ChainRuntime(int flowCapacity, int seed)
    {
        Steering = new ChainSteering(flowCapacity);
        Random = new DeterministicRandom(seed);
    }

    public ChainSteering Steering { get; }

    public DeterministicRandom Random { get; }

    public long[] Packets { get; } = new long[MaxInstances];

    public long[] Bytes { get; } = new long[MaxInstances];

    public long[] Drops { get; } = new long[MaxInstances];

    public byte[] State { get; } = new byte[MaxInstances];

    public double[] Loss { get; } = new double[MaxInstances];

    /// <summary>Gets when each instance went down (a timestamp of the engine's clock), or -1.</summary>
    public long[] DownSince { get; } = CreateFilled(MaxInstances, -1);

    /// <summary>Admits a packet to an instance, or returns the counter index of the reason it cannot go there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Admit(ushort instance, int length)
    {
        if (instance == CompiledHop.NoInstance)
        {
            return ChainNodeCounters.NoInstance;
        }

        byte state = State[instance];
        if (state != 0)
        {
            int reason = AdmitSlow(instance, state);
            if (reason >= 0)
            {
                Drops[instance]++;
                return reason;
            }
        }

        Packets[instance]++;
        Bytes[instance] += length;
        return -1;
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
    public const int InstanceDown = 0, LinkDown = 1, RandomLoss = 2, NoInstance = 3, ParseError = 4, NoMatch = 5, ChainMiss = 6, TapCopies = 7, TapConsumed = 8, Delivered = 9, PathTableFull = 10;

    public static readonly string[] Names =
        ["instance_down", "link_down", "random_loss", "no_instance", "parse_error", "no_match", "chain_miss", "tap_copies", "tap_consumed", "delivered", "path_table_full"];
}
