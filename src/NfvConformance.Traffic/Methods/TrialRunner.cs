// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.Traffic;

namespace NfvConformance.Traffic.Methods;

/// <summary>A search hit its maximum number of trials or time.</summary>
internal sealed class SearchLimitReachedException(string message) : Exception(message);

/// <summary>What one load measured: the (last) trial and whether it can be trusted.</summary>
internal readonly record struct TrialOutcome(double Percent, TimeSpan Duration, double LossRatio, long Lost, double RxPpsPerPort, bool Conclusive, TrialResult Result);

/// <summary>
/// Runs trials for a search: converts percent of line rate to a rate, repeats disturbed trials, keeps the trace,
/// and enforces the search's limits before a trial starts (never in the middle of one).
/// </summary>
internal sealed class TrialRunner
{
    private readonly ITrafficGeneration _generator;
    private readonly TrafficProfile _profile;
    private readonly NdrPdrOptions _options;
    private readonly List<TrialRecord> _trace = [];
    private TimeSpan _trialTime;

    public TrialRunner(ITrafficGeneration generator, TrafficProfile profile, NdrPdrOptions options)
    {
        _generator = generator;
        _profile = profile;
        _options = options;
        MeanFrameSize = profile.MeanFrameSize(profile.Streams[0].TxPort);
        LineRatePps = TrafficRate.LineRatePps(generator.Info.LineRateBitsPerSecond, MeanFrameSize);
        Ports = profile.Streams.Select(s => s.TxPort).Distinct().Count();
    }

    public double MeanFrameSize { get; }

    public double LineRatePps { get; }

    public int Ports { get; }

    public IReadOnlyList<TrialRecord> Trace => _trace;

    public MeasurementFlags Flags { get; private set; }

    public List<string> Notes { get; } = [];

    public async Task<TrialOutcome> RunAsync(double percent, TimeSpan duration, string phase, CancellationToken cancellationToken)
    {
        TrialOutcome outcome = default;
        for (int attempt = 0; attempt <= _options.DisturbedRetries; attempt++)
        {
            if (_trace.Count >= _options.MaxTrials)
            {
                throw new SearchLimitReachedException($"stopped after the maximum of {_options.MaxTrials} trials");
            }

            if (_trialTime + duration > _options.MaxSearchTime)
            {
                throw new SearchLimitReachedException($"stopped: the next trial would exceed the maximum search time of {_options.MaxSearchTime}");
            }

            TrialRequest request = new()
            {
                Profile = _profile,
                RatePerPort = TrafficRate.PercentOfLine(Math.Clamp(percent, 0, 100)),
                Duration = duration,
                LatencyPps = _options.LatencyPps,
                Phase = phase,
            };
            TrialResult r = await _generator.RunTrialAsync(request, cancellationToken).ConfigureAwait(false);
            _trialTime += r.Duration;
            _trace.Add(new TrialRecord(
                _trace.Count,
                attempt == 0 ? phase : phase + "-retry",
                r.OfferedPpsPerPort,
                percent,
                r.Duration,
                r.TxPackets,
                r.RxPackets,
                r.LossRatio,
                r.Flags,
                r.Latency.ToSummaryMicroseconds(),
                r.Note));
            double rxPps = r.RxPackets / Math.Max(1e-12, r.Duration.TotalSeconds) / Math.Max(1, Ports);
            outcome = new TrialOutcome(percent, r.Duration, r.LossRatio, r.LostPackets, rxPps, r.IsConclusive, r);
            if (r.IsConclusive)
            {
                return outcome;
            }

            // A load above the generator's ceiling will not be reached on a retry either; one below it that fell short
            // met a busy host (a real-time generator sharing its CPU) and is tried again, like a disturbed trial.
            if ((r.Flags & MeasurementFlags.OfferedLoadNotReached) != 0 && r.OfferedPpsPerPort > _generator.Info.MaxPpsPerPort)
            {
                break;
            }
        }

        Flags |= outcome.Result.Flags & (MeasurementFlags.OfferedLoadNotReached | MeasurementFlags.Disturbed);
        Notes.Add(string.Create(CultureInfo.InvariantCulture, $"load {percent:F3} % could not be measured: {outcome.Result.Note ?? outcome.Result.Flags.ToString()}"));
        return outcome;
    }

    public void LimitReached(string message)
    {
        Flags |= MeasurementFlags.LimitReached;
        Notes.Add(message);
    }

    /// <summary>
    /// The result: each goal judged by the trials that decide it (<see cref="GoalBracket"/>), so a load the generator
    /// could not offer above a goal's first conclusive failing load leaves it conclusive.
    /// </summary>
    public NdrPdrResult ToResult(double ndrPercent, double pdrPercent)
    {
        GoalBracket ndr = GoalBracket.Assess(_trace, ndrPercent, _options.NdrLossRatio, _options.MaxLoadPercent);
        GoalBracket pdr = GoalBracket.Assess(_trace, pdrPercent, _options.PdrLossRatio, _options.MaxLoadPercent);
        List<string> notes = [.. new[] { ndr.Describe("NDR", LineRatePps), pdr.Describe("PDR", LineRatePps) }.OfType<string>(), .. Notes];
        return new()
        {
            Method = _options.Method,
            NdrPps = ndrPercent / 100.0 * LineRatePps,
            PdrPps = pdrPercent / 100.0 * LineRatePps,
            NdrPercentOfLine = ndrPercent,
            PdrPercentOfLine = pdrPercent,
            LineRatePps = LineRatePps,
            Trials = [.. _trace],
            Flags = ndr.Flags | pdr.Flags | (Flags & MeasurementFlags.LimitReached),
            Ndr = ndr,
            Pdr = pdr,
            Note = notes.Count == 0 ? null : string.Join("; ", notes),
        };
    }
}
