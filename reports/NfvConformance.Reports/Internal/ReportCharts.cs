// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Reports.Model;

namespace NfvConformance.Reports.Internal;

/// <summary>The report's charts, from the model; each returns an empty string when its data is missing.</summary>
internal static class ReportCharts
{
    public const string Blue = "#1f6feb";
    public const string Orange = "#d9822b";
    public const string Grey = "#8c8c8c";
    public const string Green = "#2da44e";
    public const string Red = "#cf222e";

    public static IEnumerable<(string Name, string Svg)> ForScenario(ScenarioSummary s)
    {
        if (s.Evidence is not { IsEmpty: false } e)
        {
            yield break;
        }

        (string, string)[] charts =
        [
            ("throughput", Throughput(e)),
            ("latency-percentiles", LatencyPercentiles(e)),
            ("latency-cdf", LatencyCdf(e)),
            ("search-trace", SearchTrace(e)),
        ];
        foreach ((string name, string svg) in charts)
        {
            if (svg.Length > 0)
            {
                yield return (name, svg);
            }
        }
    }

    public static string Throughput(PerformanceEvidence e)
    {
        if (e.Throughput.Count == 0)
        {
            return string.Empty;
        }

        List<ThroughputPoint> pts = [.. e.Throughput.OrderBy(p => p.FrameSize)];
        // Frame sizes are spread evenly (64, 128, ... 1518 would crowd the left on a linear axis).
        List<(double X, string Label)> ticks = [.. pts.Select((p, i) => ((double)i, p.FrameSize.ToString(CultureInfo.InvariantCulture)))];
        List<ChartSeries> series =
        [
            new("NDR", Blue, [.. pts.Select((p, i) => ((double)i, p.NdrPps ?? double.NaN))]),
            new("PDR", Orange, [.. pts.Select((p, i) => ((double)i, p.PdrPps ?? double.NaN))]),
        ];
        if (pts.Any(p => p.LineRatePps is not null))
        {
            series.Add(new ChartSeries("line rate", Grey, [.. pts.Select((p, i) => ((double)i, p.LineRatePps ?? double.NaN))], SeriesStyle.Dashed));
        }

        return SvgChart.Line("Throughput vs frame size (NDR / PDR)", "frame size (bytes)", "packets per second", series, xTicks: ticks);
    }

    public static string LatencyPercentiles(PerformanceEvidence e) =>
        e.LatencyPercentiles.Count == 0 ? string.Empty
        : SvgChart.Bars("Latency percentiles", "microseconds", [.. e.LatencyPercentiles.Select(p => ("p" + p.Percentile.ToString(CultureInfo.InvariantCulture), p.Microseconds))], Blue);

    public static string LatencyCdf(PerformanceEvidence e) =>
        e.LatencyCdf.Count == 0 ? string.Empty
        : SvgChart.Line("Latency CDF", "latency (µs)", "fraction of packets", [new ChartSeries("CDF", Blue, [.. e.LatencyCdf.OrderBy(p => p.Microseconds).Select(p => (p.Microseconds, p.Fraction))], SeriesStyle.Line)]);

    public static string SearchTrace(PerformanceEvidence e)
    {
        if (e.SearchTrace.Count == 0)
        {
            return string.Empty;
        }

        // One line per frame size (trials restart at each size); point colour = pass (green) or fail (red).
        string[] lineColours = [Grey, Blue, Orange, "#8250df", "#bf3989"];
        List<ChartSeries> series = [];
        foreach (IGrouping<int, SearchTrial> size in e.SearchTrace.GroupBy(t => t.FrameSize))
        {
            List<SearchTrial> trials = [.. size];
            series.Add(new ChartSeries($"{size.Key} B", lineColours[series.Count % lineColours.Length], [.. trials.Select((t, i) => ((double)i + 1, t.OfferedPps))])
            {
                PointColours = [.. trials.Select(t => t.Passed ? Green : Red)],
            });
        }

        return SvgChart.Line("Rate search trace (green: loss within tolerance, red: above)", "trial", "offered packets per second", series);
    }

    public static string Trend(MeasurementTrend t)
    {
        List<(double X, double Y)> past = [.. t.History.Select((p, i) => ((double)i + 1, p.Value))];
        int n = past.Count;
        List<ChartSeries> series =
        [
            new($"past runs ({n})", Blue, past),
            new("this run", t.Verdict == RegressionVerdict.Regression ? Red : t.Verdict == RegressionVerdict.Improvement ? Green : Orange, [(n + 1, t.Current)], SeriesStyle.Points),
        ];
        List<ChartRule> rules = [];
        if (double.IsFinite(t.Median))
        {
            rules.Add(new ChartRule(t.Median, "median", Grey));
            rules.Add(new ChartRule(t.Median - (3 * t.Spread), "±3 spread", Grey, t.Median + (3 * t.Spread)));
        }

        return SvgChart.Line($"Trend: {t.Measurement} ({t.Unit})", "run (oldest → this run)", t.Unit, series, rules, xTicks: [.. Enumerable.Range(1, n + 1).Select(i => ((double)i, i == n + 1 ? "now" : i.ToString(CultureInfo.InvariantCulture)))], yFromZero: false);
    }
}
