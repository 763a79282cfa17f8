// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Traffic;

namespace NfvConformance.Traffic.Methods;

/// <summary>Settings of the RFC 2544 benchmarks (defaults are the RFC's minimums).</summary>
public sealed record Rfc2544Options
{
    /// <summary>Gets the throughput and frame-loss trial duration (section 24: at least 60 s).</summary>
    public TimeSpan TrialDuration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets the throughput search resolution in percent of line rate.</summary>
    public double ResolutionPercent { get; init; } = 0.1;

    /// <summary>Gets the latency stream duration (section 26.2: at least 120 s).</summary>
    public TimeSpan LatencyTrialDuration { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Gets how many latency trials are averaged (section 26.2: at least 20).</summary>
    public int LatencyRepetitions { get; init; } = 20;

    /// <summary>Gets the frame-loss step in percent of line rate (section 26.3: 10 or less).</summary>
    public double FrameLossStepPercent { get; init; } = 10;

    /// <summary>Gets the longest back-to-back burst tried, in seconds of line-rate frames (RFC 9004: at least 30 s may be needed; RFC 2544: 2 s).</summary>
    public TimeSpan BackToBackMaxBurst { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets how many back-to-back searches are averaged (section 26.4: at least 50).</summary>
    public int BackToBackRepetitions { get; init; } = 50;

    /// <summary>Gets the most trials any one benchmark may run.</summary>
    public int MaxTrials { get; init; } = 2000;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ConfigurationException">A value is out of range; lists every problem.</exception>
    public void EnsureValid()
    {
        List<string> e = [];
        if (TrialDuration <= TimeSpan.Zero || LatencyTrialDuration <= TimeSpan.Zero || BackToBackMaxBurst <= TimeSpan.Zero)
        {
            e.Add("durations must be > 0");
        }

        if (ResolutionPercent is <= 0 or > 50)
        {
            e.Add(string.Create(CultureInfo.InvariantCulture, $"resolution {ResolutionPercent} % must be within (0, 50]"));
        }

        if (FrameLossStepPercent is <= 0 or > 10)
        {
            e.Add(string.Create(CultureInfo.InvariantCulture, $"frame-loss step {FrameLossStepPercent} % must be within (0, 10] (RFC 2544 section 26.3)"));
        }

        if (LatencyRepetitions < 1 || BackToBackRepetitions < 1 || MaxTrials < 1)
        {
            e.Add("repetitions and max trials must be >= 1");
        }

        if (e.Count > 0)
        {
            ThrowHelper.ThrowConfiguration("invalid RFC 2544 settings: " + string.Join("; ", e));
        }
    }
}

/// <summary>One point of the frame loss rate curve.</summary>
/// <param name="PercentOfLine">Offered load.</param>
/// <param name="LossPercent">((input - output) * 100) / input, as section 26.3 defines it.</param>
/// <param name="Flags">Measurement quality.</param>
public sealed record FrameLossPoint(double PercentOfLine, double LossPercent, MeasurementFlags Flags);

/// <summary>RFC 2544 section 26.2 latency at the throughput rate, averaged over repetitions.</summary>
/// <param name="RatePps">The throughput rate used.</param>
/// <param name="AverageOfMeansUs">The mean latency averaged over the repetitions (the RFC's reported figure).</param>
/// <param name="Repetitions">Each repetition's summary (bias-corrected).</param>
public sealed record Rfc2544LatencyResult(double RatePps, double AverageOfMeansUs, IReadOnlyList<LatencySummary> Repetitions);

/// <summary>RFC 2544 section 26.4 back-to-back frames, reported as RFC 9004 asks.</summary>
/// <param name="Bursts">The longest loss-free burst of each repetition, in frames.</param>
/// <param name="AverageFrames">Average burst.</param>
/// <param name="MinFrames">Shortest.</param>
/// <param name="MaxFrames">Longest.</param>
/// <param name="StdDevFrames">Standard deviation.</param>
/// <param name="ImpliedBufferTime">Average burst / line rate (RFC 9004 implied DUT buffer time).</param>
/// <param name="BufferedFramesEstimate">Average burst · (1 - throughput / line rate): frames the device must have held (our derivation).</param>
/// <param name="Trials">Trials run.</param>
public sealed record BackToBackResult(IReadOnlyList<long> Bursts, double AverageFrames, long MinFrames, long MaxFrames, double StdDevFrames, TimeSpan ImpliedBufferTime, double BufferedFramesEstimate, int Trials);

/// <summary>The RFC 2544 benchmarks as reusable components over any <see cref="ITrafficGeneration"/>.</summary>
public static class Rfc2544
{
    /// <summary>Section 26.1: the highest rate without loss, by NFVbench-style bisection with a zero-loss goal.</summary>
    /// <param name="generator">The generator.</param>
    /// <param name="profile">The streams.</param>
    /// <param name="options">Settings.</param>
    /// <param name="cancellationToken">Cancels between trials.</param>
    /// <returns>The search result; NDR and PDR are both the zero-loss throughput.</returns>
    public static Task<NdrPdrResult> ThroughputAsync(ITrafficGeneration generator, TrafficProfile profile, Rfc2544Options options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.EnsureValid();
        return NdrPdrSearch.RunAsync(generator, profile, new NdrPdrOptions
        {
            Method = NdrSearchMethod.Bisection,
            NdrLossRatio = 0,
            PdrLossRatio = 0,
            ResolutionPercent = options.ResolutionPercent,
            TrialDuration = options.TrialDuration,
            InitialTrialDuration = options.TrialDuration,
            MaxTrials = options.MaxTrials,
        }, cancellationToken);
    }

    /// <summary>Section 26.2: latency at the throughput rate, repeated and averaged.</summary>
    /// <param name="generator">The generator.</param>
    /// <param name="profile">The streams.</param>
    /// <param name="throughputPps">The rate found by <see cref="ThroughputAsync"/>.</param>
    /// <param name="bias">The generator's calibrated bias.</param>
    /// <param name="options">Settings.</param>
    /// <param name="cancellationToken">Cancels between trials.</param>
    /// <returns>The averaged latency.</returns>
    public static async Task<Rfc2544LatencyResult> LatencyAsync(ITrafficGeneration generator, TrafficProfile profile, double throughputPps, LatencyBias bias, Rfc2544Options options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.EnsureValid();
        double[] loads = [.. Enumerable.Repeat(100.0, options.LatencyRepetitions)];
        IReadOnlyList<LatencyAtLoad> runs = await LatencyProfile.MeasureAsync(generator, profile, throughputPps, loads, options.LatencyTrialDuration, 1000, bias, cancellationToken).ConfigureAwait(false);
        LatencySummary[] summaries = [.. runs.Select(r => r.Latency)];
        return new Rfc2544LatencyResult(throughputPps, summaries.Average(s => s.MeanUs), summaries);
    }

    /// <summary>Section 26.3: loss from 100 % of line rate down in steps until two successive trials lose nothing.</summary>
    /// <param name="generator">The generator.</param>
    /// <param name="profile">The streams.</param>
    /// <param name="options">Settings.</param>
    /// <param name="cancellationToken">Cancels between trials.</param>
    /// <returns>The curve, highest load first.</returns>
    public static async Task<IReadOnlyList<FrameLossPoint>> FrameLossRateAsync(ITrafficGeneration generator, TrafficProfile profile, Rfc2544Options options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(options);
        options.EnsureValid();
        List<FrameLossPoint> points = [];
        int lossFreeInARow = 0;
        for (double pct = 100; pct > 1e-9 && lossFreeInARow < 2 && points.Count < options.MaxTrials; pct -= options.FrameLossStepPercent)
        {
            TrialResult r = await generator.RunTrialAsync(
                new TrialRequest { Profile = profile, RatePerPort = TrafficRate.PercentOfLine(pct), Duration = options.TrialDuration, Phase = "frame-loss" },
                cancellationToken).ConfigureAwait(false);
            points.Add(new FrameLossPoint(pct, r.LossRatio * 100, r.Flags & ~MeasurementFlags.LatencyUnavailable));
            lossFreeInARow = r.IsConclusive && r.LostPackets == 0 ? lossFreeInARow + 1 : 0;
        }

        return points;
    }

    /// <summary>Section 26.4 as updated by RFC 9004: the longest burst at line rate without loss, by binary search, repeated.</summary>
    /// <param name="generator">The generator.</param>
    /// <param name="profile">The streams.</param>
    /// <param name="throughputPps">The measured throughput (RFC 9004: measure it first; skip when it equals line rate).</param>
    /// <param name="options">Settings.</param>
    /// <param name="cancellationToken">Cancels between trials.</param>
    /// <returns>The bursts and their statistics.</returns>
    public static async Task<BackToBackResult> BackToBackAsync(ITrafficGeneration generator, TrafficProfile profile, double throughputPps, Rfc2544Options options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(options);
        options.EnsureValid();
        double linePps = TrafficRate.LineRatePps(generator.Info.LineRateBitsPerSecond, profile.MeanFrameSize(profile.Streams[0].TxPort));
        long maxFrames = Math.Max(1, (long)(linePps * options.BackToBackMaxBurst.TotalSeconds));
        List<long> bursts = [];
        int trials = 0;
        for (int rep = 0; rep < options.BackToBackRepetitions; rep++)
        {
            long lo = 0;
            long hi = maxFrames + 1;
            while (hi - lo > 1 && trials < options.MaxTrials)
            {
                long mid = lo + ((hi - lo) / 2);
                TrialResult r = await generator.RunTrialAsync(
                    new TrialRequest { Profile = profile, RatePerPort = TrafficRate.PercentOfLine(100), FramesPerPort = mid, LatencyPps = 0, Phase = "back-to-back" },
                    cancellationToken).ConfigureAwait(false);
                trials++;
                if (r.IsConclusive && r.LostPackets == 0)
                {
                    lo = mid;
                }
                else
                {
                    hi = mid;
                }
            }

            bursts.Add(lo);
        }

        double avg = bursts.Average();
        double sd = Math.Sqrt(bursts.Sum(b => (b - avg) * (b - avg)) / Math.Max(1, bursts.Count - 1));
        return new BackToBackResult(
            bursts, avg, bursts.Min(), bursts.Max(), sd, TimeSpan.FromSeconds(avg / linePps), avg * Math.Max(0, 1 - (throughputPps / linePps)), trials);
    }
}
