// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Traffic;

namespace NfvConformance.Traffic.Methods;

/// <summary>The generator's own latency, measured on a loopback (port to port, no device).</summary>
/// <param name="BiasNs">The median loopback latency: subtracted from device latencies.</param>
/// <param name="SpreadNs">p99 minus p50 of the loopback latency: the generator's own jitter.</param>
/// <param name="Samples">Latency packets measured.</param>
public sealed record LatencyBias(double BiasNs, double SpreadNs, long Samples)
{
    /// <summary>Gets no bias (not calibrated).</summary>
    public static LatencyBias None { get; } = new(0, 0, 0);

    /// <summary>Subtracts the bias from a summary (values clamped at 0).</summary>
    /// <param name="s">A summary measured through the generator.</param>
    /// <returns>The device's own latency.</returns>
    public LatencySummary Correct(LatencySummary s)
    {
        ArgumentNullException.ThrowIfNull(s);
        double b = BiasNs / 1000.0;
        return s.Count == 0 ? s : new LatencySummary(
            s.Count, Sub(s.MinUs, b), Sub(s.MeanUs, b), Sub(s.MaxUs, b), Sub(s.P50Us, b), Sub(s.P90Us, b), Sub(s.P99Us, b), Sub(s.P999Us, b), Sub(s.P9999Us, b));
    }

    private static double Sub(double v, double b) => Math.Max(0, v - b);
}

/// <summary>Calibrates a generator's latency bias on a loopback.</summary>
public static class LatencyCalibration
{
    /// <summary>Runs one low-rate trial on a loopback generator and takes its median latency as the bias.</summary>
    /// <param name="loopback">A generator whose ports are cabled to each other.</param>
    /// <param name="profile">The streams to time (their latency sub-streams are used).</param>
    /// <param name="duration">Trial duration.</param>
    /// <param name="cancellationToken">Cancels the trial.</param>
    /// <returns>The bias; <see cref="LatencyBias.None"/> when no latency packet came back.</returns>
    public static async Task<LatencyBias> CalibrateAsync(ITrafficGeneration loopback, TrafficProfile profile, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(loopback);
        TrialResult r = await loopback.RunTrialAsync(
            new TrialRequest { Profile = profile, RatePerPort = TrafficRate.Pps(0), Duration = duration, Phase = "calibrate" },
            cancellationToken).ConfigureAwait(false);
        if (r.Latency.Count == 0)
        {
            return LatencyBias.None;
        }

        double p50 = r.Latency.ValueAtPercentile(50);
        return new LatencyBias(p50, r.Latency.ValueAtPercentile(99) - p50, r.Latency.Count);
    }
}

/// <summary>Latency measured at one load.</summary>
/// <param name="PercentOfPdr">The load as percent of the PDR (0 = latency stream only).</param>
/// <param name="RatePps">The rate per port.</param>
/// <param name="Latency">Latency after bias correction, microseconds.</param>
/// <param name="DelayVariation">Delay variation (bias cancels out), microseconds.</param>
/// <param name="LossRatio">Loss of the trial.</param>
/// <param name="Flags">Measurement quality.</param>
/// <param name="Duration">Trial duration.</param>
public sealed record LatencyAtLoad(double PercentOfPdr, double RatePps, LatencySummary Latency, DelayVariationSummary DelayVariation, double LossRatio, MeasurementFlags Flags, TimeSpan Duration);

/// <summary>Latency at fractions of a found rate, as FD.io CSIT measures at 0, 10, 50 and 90 % of PDR.</summary>
public static class LatencyProfile
{
    /// <summary>The loads CSIT measures latency at, percent of PDR.</summary>
    public static readonly IReadOnlyList<double> CsitLoads = [0, 10, 50, 90];

    /// <summary>Runs one trial per load and corrects each by the bias.</summary>
    /// <param name="generator">The generator in front of the device.</param>
    /// <param name="profile">The streams.</param>
    /// <param name="ratePps">The reference rate per port (the PDR).</param>
    /// <param name="percents">Loads in percent of the reference.</param>
    /// <param name="duration">Trial duration.</param>
    /// <param name="latencyPps">Latency sub-stream rate.</param>
    /// <param name="bias">The generator's calibrated bias.</param>
    /// <param name="cancellationToken">Cancels between trials.</param>
    /// <returns>One entry per load.</returns>
    public static async Task<IReadOnlyList<LatencyAtLoad>> MeasureAsync(
        ITrafficGeneration generator, TrafficProfile profile, double ratePps, IReadOnlyList<double> percents, TimeSpan duration, double latencyPps, LatencyBias bias, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(percents);
        ArgumentNullException.ThrowIfNull(bias);
        List<LatencyAtLoad> result = [];
        foreach (double pct in percents)
        {
            double pps = ratePps * pct / 100.0;
            TrialResult r = await generator.RunTrialAsync(
                new TrialRequest { Profile = profile, RatePerPort = TrafficRate.Pps(pps), Duration = duration, LatencyPps = latencyPps, Phase = "latency" },
                cancellationToken).ConfigureAwait(false);
            result.Add(new LatencyAtLoad(pct, pps, bias.Correct(r.Latency.ToSummaryMicroseconds()), r.DelayVariation, r.LossRatio, r.Flags, r.Duration));
        }

        return result;
    }
}
