// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Measurements;
using NfvConformance.Reports.Model;

namespace NfvConformance.Core.Evidence;

/// <summary>
/// What one scenario measured, for the reports. Injected into step classes (one per scenario); the runner reads it
/// when the scenario ends, so the evidence stays even when a later step fails.
/// </summary>
public sealed class ScenarioEvidence
{
    private readonly List<Measurement> _measurements = [];
    private readonly List<ThroughputPoint> _throughput = [];
    private readonly List<LatencyPercentile> _percentiles = [];
    private readonly List<CdfPoint> _cdf = [];
    private readonly List<SearchTrial> _trials = [];
    private readonly Lock _lock = new();

    /// <summary>Gets what was recorded so far, in order.</summary>
    public IReadOnlyList<Measurement> Measurements
    {
        get
        {
            lock (_lock)
            {
                return [.. _measurements];
            }
        }
    }

    /// <summary>Gets the chart data recorded so far (throughput per frame size, latency, search trace), or null when there is none.</summary>
    public PerformanceEvidence? Performance
    {
        get
        {
            lock (_lock)
            {
                PerformanceEvidence evidence = new()
                {
                    Throughput = [.. _throughput],
                    LatencyPercentiles = [.. _percentiles],
                    LatencyCdf = [.. _cdf],
                    SearchTrace = [.. _trials],
                };
                return evidence.IsEmpty ? null : evidence;
            }
        }
    }

    /// <summary>Records the NDR and PDR found at one frame size (the report's throughput chart).</summary>
    /// <param name="point">Frame size, NDR, PDR and line rate in packets per second.</param>
    public void RecordThroughput(ThroughputPoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        lock (_lock)
        {
            _throughput.Add(point);
        }
    }

    /// <summary>Records a latency distribution (the report's percentile and CDF charts).</summary>
    /// <param name="percentiles">Percentiles in microseconds.</param>
    /// <param name="cdf">Points of the cumulative distribution, if any.</param>
    public void RecordLatency(IEnumerable<LatencyPercentile> percentiles, IEnumerable<CdfPoint>? cdf = null)
    {
        ArgumentNullException.ThrowIfNull(percentiles);
        lock (_lock)
        {
            _percentiles.AddRange(percentiles);
            if (cdf is not null)
            {
                _cdf.AddRange(cdf);
            }
        }
    }

    /// <summary>Records the trials of a throughput search, in order (the report's search-trace chart).</summary>
    /// <param name="trials">The trials.</param>
    public void RecordSearchTrace(IEnumerable<SearchTrial> trials)
    {
        ArgumentNullException.ThrowIfNull(trials);
        lock (_lock)
        {
            _trials.AddRange(trials);
        }
    }

    /// <summary>Records a measured figure.</summary>
    /// <param name="measurement">The figure, with its target and verdict when it was compared with one.</param>
    public void Record(Measurement measurement)
    {
        ArgumentNullException.ThrowIfNull(measurement);
        lock (_lock)
        {
            _measurements.Add(measurement);
        }
    }

    /// <summary>Records a figure and compares it with a lower bound.</summary>
    /// <param name="name">What was measured.</param>
    /// <param name="value">The figure.</param>
    /// <param name="unit">Its unit.</param>
    /// <param name="minimum">The smallest acceptable value.</param>
    /// <returns>The recorded measurement, whose verdict says whether the target was met.</returns>
    public Measurement RecordAtLeast(string name, double value, string unit, double minimum)
    {
        Measurement m = new(name, value, unit, FormattableString.Invariant($">= {minimum}"), value >= minimum ? MeasurementVerdict.Pass : MeasurementVerdict.Fail);
        Record(m);
        return m;
    }

    /// <summary>Records a figure and compares it with an upper bound.</summary>
    /// <param name="name">What was measured.</param>
    /// <param name="value">The figure.</param>
    /// <param name="unit">Its unit.</param>
    /// <param name="maximum">The largest acceptable value.</param>
    /// <returns>The recorded measurement, whose verdict says whether the target was met.</returns>
    public Measurement RecordAtMost(string name, double value, string unit, double maximum)
    {
        Measurement m = new(name, value, unit, FormattableString.Invariant($"<= {maximum}"), value <= maximum ? MeasurementVerdict.Pass : MeasurementVerdict.Fail);
        Record(m);
        return m;
    }
}
