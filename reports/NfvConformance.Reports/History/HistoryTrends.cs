// Licensed under the Apache License, Version 2.0.
using NfvConformance.Reports.Model;

namespace NfvConformance.Reports.History;

/// <summary>The latest value of one stored series judged against the values before it.</summary>
/// <param name="Key">Target fingerprint, profile, scenario and measurement.</param>
/// <param name="LatestRunId">The run of the latest value.</param>
/// <param name="Trend">The verdict of the latest value against the previous N.</param>
public sealed record SeriesTrend(SeriesKey Key, string LatestRunId, MeasurementTrend Trend);

/// <summary>Trends per measurement over the whole history, for <c>nfvc history</c>.</summary>
public static class HistoryTrends
{
    /// <summary>For every stored series (optionally only measurements whose name contains <paramref name="measurementFilter"/>), judges its latest value against the <paramref name="window"/> values before it.</summary>
    /// <param name="store">The history.</param>
    /// <param name="window">N.</param>
    /// <param name="minimumHistory">The fewest past values for a verdict.</param>
    /// <param name="measurementFilter">A substring of the measurement name, or null for all.</param>
    /// <param name="cancellationToken">Cancels the queries.</param>
    /// <returns>One entry per series, regressions first.</returns>
    public static async Task<IReadOnlyList<SeriesTrend>> ComputeAsync(IRunHistoryStore store, int window, int minimumHistory, string? measurementFilter = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        List<SeriesTrend> result = [];
        foreach ((SeriesKey key, string scenarioName, string unit, string? target) in await store.ListSeriesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (measurementFilter is not null && !key.Measurement.Contains(measurementFilter, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            IReadOnlyList<TrendPoint> points = await store.GetSeriesAsync(key, DateTimeOffset.MaxValue, window + 1, cancellationToken).ConfigureAwait(false);
            if (points.Count == 0)
            {
                continue;
            }

            TrendPoint latest = points[^1];
            List<TrendPoint> past = [.. points.Take(points.Count - 1)];
            MeasurementDirection direction = RegressionAnalyzer.DirectionOf(new Abstractions.Measurements.Measurement(key.Measurement, latest.Value, unit, target));
            MeasurementTrend trend = RegressionAnalyzer.Evaluate([.. past.Select(p => p.Value)], latest.Value, direction, minimumHistory) with
            {
                ScenarioId = key.ScenarioId,
                ScenarioName = scenarioName,
                Measurement = key.Measurement,
                Unit = unit,
                History = past,
            };
            result.Add(new SeriesTrend(key, latest.RunId, trend));
        }

        return [.. result.OrderBy(t => t.Trend.Verdict == RegressionVerdict.Regression ? 0 : 1).ThenBy(t => t.Key.Profile, StringComparer.Ordinal).ThenBy(t => t.Key.ScenarioId, StringComparer.Ordinal)];
    }
}
