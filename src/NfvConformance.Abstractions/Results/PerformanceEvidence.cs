// Licensed under the Apache License, Version 2.0.
// The run result model lives here, below Core and reports/, so the runner produces it without referencing the
// report writers. Its namespace is kept from when it lived in reports/ (renamed with the other areas later).
namespace NfvConformance.Reports.Model;

/// <summary>Throughput found at one frame size.</summary>
/// <param name="FrameSize">Frame size in bytes.</param>
/// <param name="NdrPps">Non-drop rate (zero loss) in packets per second, if searched.</param>
/// <param name="PdrPps">Partial-drop rate (loss within the tolerance) in packets per second, if searched.</param>
/// <param name="LineRatePps">The theoretical line rate at this size, if known.</param>
public sealed record ThroughputPoint(int FrameSize, double? NdrPps, double? PdrPps, double? LineRatePps = null);

/// <summary>One latency percentile.</summary>
/// <param name="Percentile">The percentile (for example 99.9).</param>
/// <param name="Microseconds">The latency at that percentile.</param>
public sealed record LatencyPercentile(double Percentile, double Microseconds);

/// <summary>One point of a latency CDF.</summary>
/// <param name="Microseconds">Latency.</param>
/// <param name="Fraction">The fraction of packets at or below it, 0..1.</param>
public sealed record CdfPoint(double Microseconds, double Fraction);

/// <summary>One trial of a rate search (NDR/PDR binary search): what was offered and what was lost.</summary>
/// <param name="Iteration">The trial number, from 1.</param>
/// <param name="FrameSize">Frame size in bytes.</param>
/// <param name="OfferedPps">The offered rate in packets per second.</param>
/// <param name="LossRatio">Lost / sent, 0..1.</param>
/// <param name="Passed">True when the loss was within the search's tolerance.</param>
public sealed record SearchTrial(int Iteration, int FrameSize, double OfferedPps, double LossRatio, bool Passed);

/// <summary>Structured evidence a performance scenario recorded, for the charts and the raw trial data.</summary>
public sealed record PerformanceEvidence
{
    /// <summary>Gets throughput per frame size.</summary>
    public IReadOnlyList<ThroughputPoint> Throughput { get; init; } = [];

    /// <summary>Gets latency percentiles.</summary>
    public IReadOnlyList<LatencyPercentile> LatencyPercentiles { get; init; } = [];

    /// <summary>Gets the latency CDF, sorted by latency.</summary>
    public IReadOnlyList<CdfPoint> LatencyCdf { get; init; } = [];

    /// <summary>Gets every search trial in the order run.</summary>
    public IReadOnlyList<SearchTrial> SearchTrace { get; init; } = [];

    /// <summary>Gets a value indicating whether there is nothing to chart.</summary>
    public bool IsEmpty => Throughput.Count == 0 && LatencyPercentiles.Count == 0 && LatencyCdf.Count == 0 && SearchTrace.Count == 0;
}
