// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Traffic.Methods;

namespace NfvConformance.Lab.Linux.Traffic;

/// <summary>What the generator can do on its own, measured back-to-back (port 0 cabled to port 1, no device).</summary>
/// <param name="CeilingPps">The most frames per second it sent per port, flat out; trials above are generator-bound.</param>
/// <param name="CeilingSent">Frames sent in the ceiling trial.</param>
/// <param name="CeilingReceived">Frames received back in the ceiling trial.</param>
/// <param name="LatencyFloor">The latency the generator itself adds (median, spread), at a low rate: subtracted from device latencies.</param>
/// <param name="Floor">The floor's latency figures in microseconds.</param>
/// <param name="FrameSize">The frame size measured, bytes with FCS (the mean of a mix).</param>
public sealed record GeneratorCeiling(double CeilingPps, long CeilingSent, long CeilingReceived, LatencyBias LatencyFloor, LatencySummary Floor, int FrameSize);

/// <summary>
/// Self-calibration: a flat-out trial and a low-rate trial on a back-to-back generator (its two ports joined by a
/// veth pair, no device under test) give the generator's ceiling and its latency floor. A generator in front of a
/// device is then built with <see cref="AfPacketGeneratorOptions.CeilingPpsPerPort"/> set to the ceiling, so a trial
/// offered above it is flagged (inconclusive, never a fail), and latencies are corrected by the floor.
/// </summary>
public static class GeneratorCalibration
{
    /// <summary>The rate of the latency-floor trial in packets per second.</summary>
    public const double FloorPps = 10_000;

    /// <summary>Measures a back-to-back generator (port 0 sends, port 1 receives); the floor trial takes a second.</summary>
    /// <param name="backToBack">The generator; its ports 0 and 1 must be the two ends of one link.</param>
    /// <param name="frameSize">Frame size with FCS.</param>
    /// <param name="duration">The ceiling trial's duration.</param>
    /// <param name="cancellationToken">Stops the trials.</param>
    /// <returns>The ceiling and the floor.</returns>
    public static Task<GeneratorCeiling> RunAsync(ITrafficGeneration backToBack, int frameSize, TimeSpan duration, CancellationToken cancellationToken = default) =>
        RunAsync(backToBack, FrameSizeMix.Single(frameSize), duration, TimeSpan.FromSeconds(1), cancellationToken);

    /// <summary>Measures a back-to-back generator (port 0 sends, port 1 receives) at a frame-size mix.</summary>
    /// <param name="backToBack">The generator; its ports 0 and 1 must be the two ends of one link.</param>
    /// <param name="frames">The frame sizes.</param>
    /// <param name="duration">The ceiling trial's duration.</param>
    /// <param name="floorDuration">The latency-floor trial's duration (at <see cref="FloorPps"/>).</param>
    /// <param name="cancellationToken">Stops the trials.</param>
    /// <returns>The ceiling and the floor.</returns>
    public static async Task<GeneratorCeiling> RunAsync(ITrafficGeneration backToBack, FrameSizeMix frames, TimeSpan duration, TimeSpan floorDuration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(backToBack);
        ArgumentNullException.ThrowIfNull(frames);
        TrafficProfile profile = new([new TrafficStream { Name = "calibrate", TxPort = 0, RxPort = 1, FrameSizes = frames }]);
        TrialResult flat = await backToBack.RunTrialAsync(
            new TrialRequest { Profile = profile, RatePerPort = TrafficRate.PercentOfLine(100), Duration = duration, LatencyPps = 0, Phase = "ceiling" },
            cancellationToken).ConfigureAwait(false);
        double seconds = backToBack is AfPacketGenerator g && g.LastTrial is { } d ? d.SecondsSending : flat.Duration.TotalSeconds;
        double ceiling = flat.TxPackets / Math.Max(1e-9, seconds);
        TrialResult slow = await backToBack.RunTrialAsync(
            new TrialRequest { Profile = profile, RatePerPort = TrafficRate.Pps(FloorPps), Duration = floorDuration, LatencyPps = 0, Phase = "floor" },
            cancellationToken).ConfigureAwait(false);
        LatencyBias floor = slow.Latency.Count == 0
            ? LatencyBias.None
            : new LatencyBias(slow.Latency.ValueAtPercentile(50), slow.Latency.ValueAtPercentile(99) - slow.Latency.ValueAtPercentile(50), slow.Latency.Count);
        return new GeneratorCeiling(ceiling, flat.TxPackets, flat.RxPackets, floor, slow.Latency.ToSummaryMicroseconds(), (int)Math.Round(frames.MeanFrameSize));
    }
}
