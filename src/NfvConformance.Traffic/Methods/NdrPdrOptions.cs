// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Measurements;
using NfvConformance.Abstractions.Traffic;

namespace NfvConformance.Traffic.Methods;

/// <summary>Which NDR/PDR search to run.</summary>
public enum NdrSearchMethod
{
    /// <summary>NFVbench: bisection of [0, 200] % of line rate, all goals in one pass, fixed trial duration.</summary>
    Bisection = 0,

    /// <summary>ETSI GS NFV-TST 009 clause 12.3.3: binary search over discrete steps with loss verification (r, z).</summary>
    Tst009,

    /// <summary>MLRsearch style: short trials narrow the interval, trials at the final duration confirm it.</summary>
    Mlr,
}

/// <summary>Settings of an NDR/PDR search. Loss thresholds are ratios (0.001 % = 1e-5), loads are percent of line rate.</summary>
public sealed record NdrPdrOptions
{
    /// <summary>Gets the method.</summary>
    public NdrSearchMethod Method { get; init; } = NdrSearchMethod.Mlr;

    /// <summary>Gets the NDR loss ratio (NFVbench: 0.001 % = 1e-5).</summary>
    public double NdrLossRatio { get; init; } = 1e-5;

    /// <summary>Gets the PDR loss ratio (NFVbench: 0.1 % = 1e-3).</summary>
    public double PdrLossRatio { get; init; } = 1e-3;

    /// <summary>Gets the resolution in percent of line rate (NFVbench <c>load_epsilon</c> 0.1; TST009 step size).</summary>
    public double ResolutionPercent { get; init; } = 0.1;

    /// <summary>Gets the trial duration: every trial of bisection and TST009, the final (confirming) duration of MLR.</summary>
    public TimeSpan TrialDuration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets MLR's short trial duration used to narrow the interval.</summary>
    public TimeSpan InitialTrialDuration { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets the highest load tried, percent of line rate.</summary>
    public double MaxLoadPercent { get; init; } = 100;

    /// <summary>Gets the upper end of NFVbench's initial range (200 %: its first trial is at 100 %).</summary>
    public double BisectionRangePercent { get; init; } = 200;

    /// <summary>Gets TST009's r: how many times a trial with loss is repeated before the load fails.</summary>
    public int LossVerificationRepeats { get; init; } = 3;

    /// <summary>Gets TST009's z: lost frames above which the loss is real at once (no repeats).</summary>
    public long LossVerificationMaxLost { get; init; } = 5000;

    /// <summary>Gets how many times a disturbed trial is repeated before its load is reported inconclusive.</summary>
    public int DisturbedRetries { get; init; } = 2;

    /// <summary>Gets the most trials a search may run.</summary>
    public int MaxTrials { get; init; } = 200;

    /// <summary>Gets the most trial time a search may spend (on the generator's clock).</summary>
    public TimeSpan MaxSearchTime { get; init; } = TimeSpan.FromHours(4);

    /// <summary>Gets the rate of the latency sub-streams during search trials.</summary>
    public double LatencyPps { get; init; } = 1000;

    /// <summary>The share of a real-time generator's calibrated ceiling that <see cref="BelowCeiling"/> searches up to.</summary>
    public const double CeilingShare = 0.8;

    /// <summary>
    /// Settings for a real-time generator in front of a device: loads from 0 up to <see cref="CeilingShare"/> of the
    /// generator's calibrated ceiling (so no trial asks more than the generator can send, and its limit is never taken
    /// for the device's), in 32 steps of that range, with 0.2 s narrowing and 0.5 s final trials and at most 60 trials.
    /// </summary>
    /// <param name="method">The method.</param>
    /// <param name="ceilingPpsPerPort">The generator's calibrated ceiling per port.</param>
    /// <param name="lineRatePps">Line rate per port at the profile's mean frame size.</param>
    /// <returns>The settings.</returns>
    public static NdrPdrOptions BelowCeiling(NdrSearchMethod method, double ceilingPpsPerPort, double lineRatePps)
    {
        double max = Math.Clamp(CeilingShare * ceilingPpsPerPort / lineRatePps * 100, 1e-3, 100);
        return new NdrPdrOptions
        {
            Method = method,
            TrialDuration = TimeSpan.FromMilliseconds(500),
            InitialTrialDuration = TimeSpan.FromMilliseconds(200),
            MaxLoadPercent = max,
            BisectionRangePercent = max,
            ResolutionPercent = max / 32,
            MaxTrials = 60,
        };
    }

    /// <summary>Collects every problem with these settings.</summary>
    /// <returns>The problems; empty when valid.</returns>
    public IReadOnlyList<ValidationError> Validate()
    {
        List<ValidationError> e = [];
        void Check(bool ok, string field, string message)
        {
            if (!ok)
            {
                e.Add(new ValidationError(true, message, field));
            }
        }

        Check(NdrLossRatio is >= 0 and < 1, "ndr", F($"NDR loss ratio {NdrLossRatio} ({NdrLossRatio * 100} %) must be within [0, 1), i.e. below 100 % (NFVbench: 0.001 % = 1e-5)."));
        Check(PdrLossRatio is >= 0 and < 1, "pdr", F($"PDR loss ratio {PdrLossRatio} ({PdrLossRatio * 100} %) must be within [0, 1), i.e. below 100 % (NFVbench: 0.1 % = 1e-3)."));
        Check(PdrLossRatio >= NdrLossRatio, "pdr", F($"PDR loss ratio {PdrLossRatio} must be >= NDR loss ratio {NdrLossRatio}."));
        Check(ResolutionPercent is > 0 and <= 50, "resolution", F($"resolution {ResolutionPercent} % of line rate must be within (0, 50]."));
        Check(MaxLoadPercent is > 0 and <= 100, "max-load", F($"maximum load {MaxLoadPercent} % must be within (0, 100]; a rate above line rate cannot be offered."));
        Check(BisectionRangePercent >= MaxLoadPercent, "range", F($"bisection range {BisectionRangePercent} % must be >= maximum load {MaxLoadPercent} %."));
        Check(TrialDuration > TimeSpan.Zero, "duration", $"trial duration {TrialDuration} must be > 0.");
        Check(InitialTrialDuration > TimeSpan.Zero && InitialTrialDuration <= TrialDuration, "initial-duration", $"initial trial duration {InitialTrialDuration} must be > 0 and <= the trial duration {TrialDuration}.");
        Check(LossVerificationRepeats >= 0, "r", $"loss verification repeats r = {LossVerificationRepeats} must be >= 0.");
        Check(LossVerificationMaxLost >= 0, "z", $"loss verification z = {LossVerificationMaxLost} must be >= 0.");
        Check(MaxTrials >= 1, "max-trials", $"max trials {MaxTrials} must be >= 1.");
        Check(MaxSearchTime > TimeSpan.Zero, "max-time", $"max search time {MaxSearchTime} must be > 0.");
        Check(DisturbedRetries >= 0, "retries", $"disturbed retries {DisturbedRetries} must be >= 0.");
        Check(LatencyPps >= 0, "latency-pps", F($"latency rate {LatencyPps} pps must be >= 0."));
        return e;
    }

    /// <summary>Throws when the settings are invalid.</summary>
    /// <exception cref="ConfigurationException">Lists every problem.</exception>
    public void EnsureValid()
    {
        IReadOnlyList<ValidationError> errors = Validate();
        if (errors.Count > 0)
        {
            ThrowHelper.ThrowConfiguration("invalid search settings: " + string.Join("; ", errors));
        }
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>One trial of a search, as kept in its trace.</summary>
/// <param name="Index">Position in the trace (0-based).</param>
/// <param name="Phase">What the trial was for (<c>bisect</c>, <c>verify</c>, <c>narrow</c>, <c>confirm</c>, ...).</param>
/// <param name="RatePps">Offered rate per port.</param>
/// <param name="PercentOfLine">Offered rate per port, percent of line rate.</param>
/// <param name="Duration">Trial duration.</param>
/// <param name="TxPackets">Packets sent.</param>
/// <param name="RxPackets">Packets received.</param>
/// <param name="LossRatio">Lost over sent.</param>
/// <param name="Flags">Measurement quality.</param>
/// <param name="Latency">Latency of the trial.</param>
/// <param name="Note">Why the trial was flagged, if it was.</param>
public sealed record TrialRecord(int Index, string Phase, double RatePps, double PercentOfLine, TimeSpan Duration, long TxPackets, long RxPackets, double LossRatio, MeasurementFlags Flags, LatencySummary Latency, string? Note);

/// <summary>The outcome of an NDR/PDR search: a value whatever the device did.</summary>
public sealed record NdrPdrResult
{
    /// <summary>Gets the method.</summary>
    public required NdrSearchMethod Method { get; init; }

    /// <summary>Gets the no-drop rate per port in packets per second.</summary>
    public required double NdrPps { get; init; }

    /// <summary>Gets the partial-drop rate per port in packets per second.</summary>
    public required double PdrPps { get; init; }

    /// <summary>Gets the NDR in percent of line rate.</summary>
    public required double NdrPercentOfLine { get; init; }

    /// <summary>Gets the PDR in percent of line rate.</summary>
    public required double PdrPercentOfLine { get; init; }

    /// <summary>Gets line rate per port in packets per second at the profile's mean frame size.</summary>
    public required double LineRatePps { get; init; }

    /// <summary>Gets every trial, in order.</summary>
    public required IReadOnlyList<TrialRecord> Trials { get; init; }

    /// <summary>Gets the sum of trial durations.</summary>
    public TimeSpan TrialTimeTotal => TimeSpan.FromTicks(Trials.Sum(t => t.Duration.Ticks));

    /// <summary>
    /// Gets quality flags: those of the unmeasured trials that decide the NDR or the PDR (<see cref="Ndr"/>,
    /// <see cref="Pdr"/>), or a limit reached. An unmeasured load above a goal's first conclusive failing load does not count.
    /// </summary>
    public MeasurementFlags Flags { get; init; }

    /// <summary>Gets the trials that decide the NDR: whether it is conclusive, or a generator-bound lower bound.</summary>
    public GoalBracket Ndr { get; init; } = GoalBracket.Conclusive;

    /// <summary>Gets the trials that decide the PDR.</summary>
    public GoalBracket Pdr { get; init; } = GoalBracket.Conclusive;

    /// <summary>Gets why the result is inconclusive or a lower bound, and which loads could not be measured.</summary>
    public string? Note { get; init; }

    /// <summary>Gets whether the result can be trusted for a pass or a fail (otherwise the verdict is inconclusive).</summary>
    public bool IsConclusive => !LimitReached && Ndr.IsConclusive && Pdr.IsConclusive;

    /// <summary>
    /// Gets whether the only thing open is the generator's ceiling above a goal: the NDR and PDR found were held by the
    /// device and are lower bounds (<c>&gt;= X, generator-bound</c>), a pass of a target they reach, never a fail.
    /// </summary>
    public bool IsGeneratorBound => !LimitReached && (Ndr.IsConclusive || Ndr.IsGeneratorBound) && (Pdr.IsConclusive || Pdr.IsGeneratorBound) && !IsConclusive;

    private bool LimitReached => (Flags & MeasurementFlags.LimitReached) != 0;

    /// <summary>The figures as evidence for a report: NDR and PDR in pps and % of line, each compared with its target.</summary>
    /// <param name="ndrTargetPps">The NDR the device must reach, or null for evidence only.</param>
    /// <param name="pdrTargetPps">The PDR the device must reach, or null for evidence only.</param>
    /// <returns>The measurements; an inconclusive search gives <see cref="MeasurementVerdict.Inconclusive"/>, never <see cref="MeasurementVerdict.Fail"/>.</returns>
    public IReadOnlyList<Measurement> ToMeasurements(double? ndrTargetPps = null, double? pdrTargetPps = null) =>
    [
        Compare("ndr_pps", NdrPps, ndrTargetPps, Ndr),
        Compare("pdr_pps", PdrPps, pdrTargetPps, Pdr),
        new("ndr_pct_line", NdrPercentOfLine, "%"),
        new("pdr_pct_line", PdrPercentOfLine, "%"),
        new("trial_seconds_total", TrialTimeTotal.TotalSeconds, "s"),
    ];

    // A conclusive goal passes or fails; a generator-bound one is a lower bound: a pass when it reaches the target
    // (the device held that load), otherwise inconclusive; anything else left open is inconclusive.
    private Measurement Compare(string name, double value, double? target, GoalBracket goal)
    {
        bool conclusive = !LimitReached && goal.IsConclusive;
        bool lowerBound = !LimitReached && goal.IsGeneratorBound;
        if (target is not double t)
        {
            return new Measurement(name, value, "pps", Verdict: conclusive ? MeasurementVerdict.None : MeasurementVerdict.Inconclusive);
        }

        MeasurementVerdict verdict = conclusive ? (value >= t ? MeasurementVerdict.Pass : MeasurementVerdict.Fail)
            : lowerBound && value >= t ? MeasurementVerdict.Pass
            : MeasurementVerdict.Inconclusive;
        return new Measurement(name, value, "pps", ">= " + t.ToString("F0", CultureInfo.InvariantCulture), verdict);
    }
}
