// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Abstractions.ServiceChaining;

/// <summary>What a scheduled fault does.</summary>
public enum FaultKind
{
    /// <summary>The instance (a port pair) stops: its queue is lost and it takes no packets.</summary>
    InstanceCrash = 0,

    /// <summary>A crashed instance comes back and may take flows again.</summary>
    InstanceRestart,

    /// <summary>The link into a hop (a port pair group) or an instance goes down: packets on it are lost.</summary>
    LinkDown,

    /// <summary>A downed link comes back.</summary>
    LinkUp,

    /// <summary>From now on the target drops this fraction of packets (<see cref="FaultEvent.Value"/> in [0, 1]; 0 ends it).</summary>
    LossRatio,

    /// <summary>From now on the target adds <see cref="FaultEvent.Latency"/> plus uniform jitter up to <see cref="FaultEvent.Jitter"/> to each packet.</summary>
    AddedLatency,

    /// <summary>From now on the target's instance gets only this share of its CPU (<see cref="FaultEvent.Value"/> in (0, 1]; 1 ends it).</summary>
    CpuStarvation,
}

/// <summary>One fault at one moment of a trial.</summary>
/// <param name="At">When, from the start of the trial.</param>
/// <param name="Kind">What happens.</param>
/// <param name="Target">A port pair name (instance) or a port pair group name (a hop's link).</param>
public sealed record FaultEvent(TimeSpan At, FaultKind Kind, string Target)
{
    /// <summary>Gets the ratio for <see cref="FaultKind.LossRatio"/> and the CPU share for <see cref="FaultKind.CpuStarvation"/>.</summary>
    public double Value { get; init; }

    /// <summary>Gets the added latency for <see cref="FaultKind.AddedLatency"/>.</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>Gets the jitter bound for <see cref="FaultKind.AddedLatency"/>.</summary>
    public TimeSpan Jitter { get; init; }
}

/// <summary>A seeded, ordered list of faults for a trial. Randomness in faults (loss, jitter) draws from the seed.</summary>
/// <param name="Seed">The seed for every random choice the faults make.</param>
/// <param name="Events">The faults; applied in time order, ties in list order.</param>
public sealed record FaultSchedule(int Seed, IReadOnlyList<FaultEvent> Events)
{
    /// <summary>Gets a schedule without faults.</summary>
    public static FaultSchedule None { get; } = new(0, []);
}
