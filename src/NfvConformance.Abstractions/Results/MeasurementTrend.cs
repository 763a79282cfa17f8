// Licensed under the Apache License, Version 2.0.
// The run result model lives here, below Core and reports/, so the runner produces it without referencing the
// report writers. Its namespace is kept from when it lived in reports/ (renamed with the other areas later).
namespace NfvConformance.Reports.Model;

/// <summary>Which way a measurement improves.</summary>
public enum MeasurementDirection
{
    /// <summary>More is better (throughput).</summary>
    HigherIsBetter = 0,

    /// <summary>Less is better (latency, loss).</summary>
    LowerIsBetter,
}

/// <summary>The statistical verdict of a measurement against comparable past runs.</summary>
public enum RegressionVerdict
{
    /// <summary>Fewer comparable runs than the minimum: no verdict.</summary>
    InsufficientHistory = 0,

    /// <summary>Within the ordinary spread of past runs.</summary>
    Stable,

    /// <summary>Worse than past runs beyond their ordinary spread.</summary>
    Regression,

    /// <summary>Better than past runs beyond their ordinary spread.</summary>
    Improvement,
}

/// <summary>One past value of a measurement.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Started">When the run started.</param>
/// <param name="Value">The value.</param>
public sealed record TrendPoint(string RunId, DateTimeOffset Started, double Value);

/// <summary>
/// A measurement of this run compared with the last N comparable runs (same target fingerprint, profile and scenario):
/// median and outlier-trimmed spread of the past values, the score of the current value, and the one-sided
/// confidence (Student's t) that it differs.
/// </summary>
public sealed record MeasurementTrend
{
    /// <summary>Gets the scenario id.</summary>
    public required string ScenarioId { get; init; }

    /// <summary>Gets the scenario name.</summary>
    public required string ScenarioName { get; init; }

    /// <summary>Gets the measurement name.</summary>
    public required string Measurement { get; init; }

    /// <summary>Gets the unit.</summary>
    public required string Unit { get; init; }

    /// <summary>Gets this run's value.</summary>
    public required double Current { get; init; }

    /// <summary>Gets the past values, oldest first.</summary>
    public IReadOnlyList<TrendPoint> History { get; init; } = [];

    /// <summary>Gets which way is better.</summary>
    public MeasurementDirection Direction { get; init; }

    /// <summary>Gets the median of the past values (NaN without history).</summary>
    public double Median { get; init; } = double.NaN;

    /// <summary>Gets the spread used: the standard deviation of past values within 3.5 scaled MADs of the median, times sqrt(1 + 1/n), floored at 0.5 % of the median.</summary>
    public double Spread { get; init; } = double.NaN;

    /// <summary>Gets the score (current − median) / spread, signed so that positive means worse.</summary>
    public double Score { get; init; } = double.NaN;

    /// <summary>Gets the one-sided confidence (0..1) that the current value is worse (or better) than past runs.</summary>
    public double Confidence { get; init; }

    /// <summary>Gets the relative change of the current value against the median (−0.1 is 10 % lower).</summary>
    public double RelativeChange { get; init; } = double.NaN;

    /// <summary>Gets the verdict.</summary>
    public RegressionVerdict Verdict { get; init; }
}
