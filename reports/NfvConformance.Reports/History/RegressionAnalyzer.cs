// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Measurements;
using NfvConformance.Reports.Model;

namespace NfvConformance.Reports.History;

/// <summary>
/// The statistical regression verdict. A measurement is compared with the median and the spread of the last N
/// comparable runs: the spread is the standard deviation of the past values that lie within 3.5 scaled MADs of the
/// median (so one disturbed past run does not widen it), widened by sqrt(1 + 1/n) because the new value is a
/// prediction. The score t = (x − median) / spread is read against Student's t with (values − 1) degrees of
/// freedom; a one-sided confidence of at least <see cref="ConfidenceLevel"/> in the worse direction is a regression.
/// </summary>
public static class RegressionAnalyzer
{
    /// <summary>The one-sided confidence needed for a regression (or an improvement) verdict.</summary>
    public const double ConfidenceLevel = 0.999;

    /// <summary>Past values further than this many scaled MADs from the median are left out of the spread.</summary>
    public const double OutlierCutoff = 3.5;

    /// <summary>The MAD of a normal sample times this is its standard deviation.</summary>
    public const double MadScale = 1.4826;

    /// <summary>
    /// The spread is never below this fraction of the median: a perfectly repeatable series (MAD = 0) would
    /// otherwise flag a 0.1 % change, well below what a trial can resolve.
    /// </summary>
    public const double MinimumRelativeSpread = 0.005;

    /// <summary>Guesses which way a measurement improves: from its target (<c>&gt;=</c> or <c>&lt;=</c>), else from its name and unit.</summary>
    /// <param name="m">The measurement.</param>
    /// <returns>The direction.</returns>
    public static MeasurementDirection DirectionOf(Measurement m)
    {
        ArgumentNullException.ThrowIfNull(m);
        string target = m.Target?.TrimStart() ?? string.Empty;
        if (target.StartsWith('>'))
        {
            return MeasurementDirection.HigherIsBetter;
        }

        if (target.StartsWith('<'))
        {
            return MeasurementDirection.LowerIsBetter;
        }

        string text = (m.Name + " " + m.Unit).ToLowerInvariant();
        string[] lowerBetter = ["latency", "jitter", "loss", "drop", "delay", "error", "time", "duration", "_us", "_ms", "_ns"];
        return lowerBetter.Any(w => text.Contains(w, StringComparison.Ordinal)) ? MeasurementDirection.LowerIsBetter : MeasurementDirection.HigherIsBetter;
    }

    /// <summary>Compares a value with past values.</summary>
    /// <param name="history">Past values, oldest first.</param>
    /// <param name="current">This run's value.</param>
    /// <param name="direction">Which way is better.</param>
    /// <param name="minimumHistory">Fewer past values than this give <see cref="RegressionVerdict.InsufficientHistory"/>.</param>
    /// <returns>Median, spread, score, confidence and verdict (identity fields left empty).</returns>
    public static MeasurementTrend Evaluate(IReadOnlyList<double> history, double current, MeasurementDirection direction, int minimumHistory = 5)
    {
        ArgumentNullException.ThrowIfNull(history);
        MeasurementTrend empty = new() { ScenarioId = string.Empty, ScenarioName = string.Empty, Measurement = string.Empty, Unit = string.Empty, Current = current, Direction = direction };
        if (history.Count == 0)
        {
            return empty;
        }

        double median = Median(history);
        double mad = MadScale * Median(history.Select(v => Math.Abs(v - median)).ToList());
        List<double> kept = mad > 0 ? [.. history.Where(v => Math.Abs(v - median) <= OutlierCutoff * mad)] : [.. history];
        double sd = kept.Count >= 2 ? StandardDeviation(kept) : mad;
        double spread = Math.Max(sd * Math.Sqrt(1.0 + (1.0 / kept.Count)), Math.Max(MinimumRelativeSpread * Math.Abs(median), double.Epsilon));
        double z = (current - median) / spread;
        double worse = direction == MeasurementDirection.HigherIsBetter ? -z : z;
        double confidence = kept.Count >= 2 ? StudentTCdf(Math.Abs(worse), kept.Count - 1) : NormalCdf(Math.Abs(worse));
        RegressionVerdict verdict = history.Count < minimumHistory ? RegressionVerdict.InsufficientHistory
            : confidence >= ConfidenceLevel && worse > 0 ? RegressionVerdict.Regression
            : confidence >= ConfidenceLevel && worse < 0 ? RegressionVerdict.Improvement
            : RegressionVerdict.Stable;
        return empty with
        {
            Median = median,
            Spread = spread,
            Score = worse,
            Confidence = confidence,
            RelativeChange = median == 0 ? double.NaN : (current - median) / Math.Abs(median),
            Verdict = verdict,
        };
    }

    /// <summary>
    /// Compares every finite measurement of the run's executed scenarios with the same measurement in the last
    /// <paramref name="window"/> comparable runs of the store, and records the latest verdict of the target's other profiles.
    /// </summary>
    /// <param name="summary">The run (not yet stored).</param>
    /// <param name="store">The history.</param>
    /// <param name="window">N, the number of past runs.</param>
    /// <param name="minimumHistory">The fewest past runs for a verdict.</param>
    /// <param name="cancellationToken">Cancels the queries.</param>
    /// <returns>The run with <see cref="RunSummary.Trends"/> and <see cref="RunSummary.OtherProfileVerdicts"/> set.</returns>
    public static async Task<RunSummary> AttachTrendsAsync(RunSummary summary, IRunHistoryStore store, int window, int minimumHistory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(store);
        string fingerprint = SqlRunHistoryStore.Fingerprint(summary);
        List<MeasurementTrend> trends = [];
        foreach (ScenarioSummary s in summary.Scenarios)
        {
            if (s.Status is ScenarioStatus.Skipped or ScenarioStatus.NotApplicable)
            {
                continue;
            }

            foreach (Measurement m in s.Measurements.Where(m => double.IsFinite(m.Value)).DistinctBy(m => m.Name, StringComparer.Ordinal))
            {
                SeriesKey key = new(fingerprint, summary.Run.Profile, s.Id, m.Name);
                IReadOnlyList<TrendPoint> past = await store.GetSeriesAsync(key, summary.Run.Started, window, cancellationToken).ConfigureAwait(false);
                MeasurementTrend trend = Evaluate([.. past.Select(p => p.Value)], m.Value, DirectionOf(m), minimumHistory);
                trends.Add(trend with { ScenarioId = s.Id, ScenarioName = s.Name, Measurement = m.Name, Unit = m.Unit, History = past });
            }
        }

        IReadOnlyDictionary<string, bool> verdicts = await store.LatestVerdictsAsync(fingerprint, cancellationToken).ConfigureAwait(false);
        Dictionary<string, bool> others = verdicts.Where(kv => !string.Equals(kv.Key, summary.Run.Profile, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        return summary with { Trends = trends, OtherProfileVerdicts = others };
    }

    internal static double Median(IReadOnlyList<double> values)
    {
        double[] sorted = [.. values];
        Array.Sort(sorted);
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2.0;
    }

    internal static double StandardDeviation(IReadOnlyList<double> values)
    {
        double mean = values.Average();
        double ss = values.Sum(v => (v - mean) * (v - mean));
        return Math.Sqrt(ss / (values.Count - 1));
    }

    /// <summary>P(T &lt;= t) for Student's t with <paramref name="df"/> degrees of freedom, through the regularised incomplete beta function.</summary>
    internal static double StudentTCdf(double t, int df)
    {
        double x = df / (df + (t * t));
        double tail = 0.5 * RegularisedIncompleteBeta(df / 2.0, 0.5, x);
        return t >= 0 ? 1.0 - tail : tail;
    }

    // Numerical Recipes 6.4: continued fraction, converges fast for x < (a + 1) / (a + b + 2), else use the symmetry.
    private static double RegularisedIncompleteBeta(double a, double b, double x)
    {
        if (x <= 0)
        {
            return 0;
        }

        if (x >= 1)
        {
            return 1;
        }

        double front = Math.Exp(LogGamma(a + b) - LogGamma(a) - LogGamma(b) + (a * Math.Log(x)) + (b * Math.Log(1 - x)));
        return x < (a + 1) / (a + b + 2) ? front * BetaContinuedFraction(a, b, x) / a : 1 - (front * BetaContinuedFraction(b, a, 1 - x) / b);
    }

    private static double BetaContinuedFraction(double a, double b, double x)
    {
        const double Tiny = 1e-300;
        double c = 1, d = 1 - ((a + b) * x / (a + 1));
        d = Math.Abs(d) < Tiny ? Tiny : d;
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= 300; m++)
        {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + (aa * d);
            d = Math.Abs(d) < Tiny ? Tiny : d;
            c = 1 + (aa / c);
            c = Math.Abs(c) < Tiny ? Tiny : c;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + (aa * d);
            d = Math.Abs(d) < Tiny ? Tiny : d;
            c = 1 + (aa / c);
            c = Math.Abs(c) < Tiny ? Tiny : c;
            d = 1 / d;
            double del = d * c;
            h *= del;
            if (Math.Abs(del - 1) < 1e-12)
            {
                break;
            }
        }

        return h;
    }

    // Lanczos approximation (g = 7, n = 9), accurate to about 15 digits for positive arguments.
    private static double LogGamma(double x)
    {
        double[] g = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
        x -= 1;
        double sum = g[0];
        for (int i = 1; i < 9; i++)
        {
            sum += g[i] / (x + i);
        }

        double t = x + 7.5;
        return (0.5 * Math.Log(2 * Math.PI)) + ((x + 0.5) * Math.Log(t)) - t + Math.Log(sum);
    }

    // Abramowitz and Stegun 7.1.26: |error| < 1.5e-7, enough for a confidence shown with two decimals.
    internal static double NormalCdf(double z)
    {
        double x = Math.Abs(z) / Math.Sqrt(2.0);
        double t = 1.0 / (1.0 + (0.3275911 * x));
        double y = 1.0 - ((((((1.061405429 * t) - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return z >= 0 ? 0.5 * (1.0 + y) : 0.5 * (1.0 - y);
    }
}
