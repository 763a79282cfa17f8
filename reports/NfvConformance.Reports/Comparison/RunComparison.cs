// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Measurements;
using NfvConformance.Reports.Model;

namespace NfvConformance.Reports.Comparison;

/// <summary>How two runs are compared.</summary>
public sealed record ComparisonOptions
{
    /// <summary>
    /// Gets how far apart two figures may be, in percent of the first run's figure, before they count as divergent
    /// (before the noise bands are added). 10 unless set.
    /// </summary>
    public double TolerancePercent { get; init; } = 10;
}

/// <summary>The same scenarios of two runs side by side (for example the emulator and a real lab).</summary>
/// <param name="A">The first run (the reference, usually the emulator).</param>
/// <param name="B">The second run (usually the real target).</param>
/// <param name="RepeatsOfB">How many runs of B's target were read in all (1, or more when repeats gave its noise band).</param>
/// <param name="Options">The options used.</param>
/// <param name="Scenarios">Every scenario both runs have, in A's order.</param>
/// <param name="OnlyInA">Ids of scenarios only A ran.</param>
/// <param name="OnlyInB">Ids of scenarios only B ran.</param>
public sealed record RunComparison(
    RunInfo A,
    RunInfo B,
    int RepeatsOfB,
    ComparisonOptions Options,
    IReadOnlyList<ScenarioComparison> Scenarios,
    IReadOnlyList<string> OnlyInA,
    IReadOnlyList<string> OnlyInB)
{
    /// <summary>Gets the scenarios whose verdicts differ.</summary>
    public IReadOnlyList<ScenarioComparison> DifferentVerdicts => [.. Scenarios.Where(s => s.VerdictDiffers)];

    /// <summary>Gets every measurement both runs have, with its scenario.</summary>
    public IEnumerable<(ScenarioComparison Scenario, MeasurementComparison Measurement)> Measurements =>
        Scenarios.SelectMany(s => s.Measurements.Select(m => (s, m)));

    /// <summary>Gets how many measurements both runs have that differ by more than the tolerance and the noise bands.</summary>
    public int MeasurementsOutsideTolerance => Measurements.Count(p => p.Measurement.Within == false);
}

/// <summary>One scenario in both runs.</summary>
/// <param name="Id">The scenario id (<c>file:line</c>).</param>
/// <param name="Feature">The feature name.</param>
/// <param name="Name">The scenario name.</param>
/// <param name="StatusA">Its verdict in A.</param>
/// <param name="StatusB">Its verdict in B.</param>
/// <param name="ExplanationA">A's error or not-applicable reason, if any.</param>
/// <param name="ExplanationB">B's error or not-applicable reason, if any.</param>
/// <param name="Measurements">Its measurements side by side (those of either run; a figure only one run has shows the other as missing).</param>
public sealed record ScenarioComparison(
    string Id,
    string Feature,
    string Name,
    ScenarioStatus StatusA,
    ScenarioStatus StatusB,
    string? ExplanationA,
    string? ExplanationB,
    IReadOnlyList<MeasurementComparison> Measurements)
{
    /// <summary>Gets a value indicating whether the two runs gave the scenario different verdicts.</summary>
    public bool VerdictDiffers => StatusA != StatusB;
}

/// <summary>One measurement in both runs.</summary>
/// <param name="Name">What was measured.</param>
/// <param name="Unit">Its unit (A's when the units differ).</param>
/// <param name="A">The figure in A, or null when A did not record it.</param>
/// <param name="B">The figure in B, or null when B did not record it.</param>
/// <param name="DeltaPercent">(B - A) / |A| in percent, or null when it cannot be computed (a figure missing, A zero and B not, units differ).</param>
/// <param name="NoisePercentA">A's noise band in percent of its figure (half the range its repeated trials spanned), or null when unknown.</param>
/// <param name="NoisePercentB">B's noise band likewise, from its recorded spread or from the repeated runs of B.</param>
/// <param name="Within">
/// True when |delta| is at most the tolerance plus both noise bands; false when it is more; null when it cannot be
/// judged (a figure missing, units differ).
/// </param>
/// <param name="Note">Why it cannot be judged, or null.</param>
public sealed record MeasurementComparison(
    string Name,
    string Unit,
    double? A,
    double? B,
    double? DeltaPercent,
    double? NoisePercentA,
    double? NoisePercentB,
    bool? Within,
    string? Note);

/// <summary>Puts the scenarios of two runs side by side.</summary>
public static class RunComparer
{
    /// <summary>Compares run A with run B (and B's repeats, when given, for B's noise band).</summary>
    /// <param name="a">The reference run.</param>
    /// <param name="b">The run compared with it.</param>
    /// <param name="repeatsOfB">Further runs of B's target and profile; their figures give B's noise band where B recorded no spread.</param>
    /// <param name="options">Tolerance.</param>
    /// <returns>The comparison.</returns>
    public static RunComparison Compare(RunSummary a, RunSummary b, IReadOnlyList<RunSummary> repeatsOfB, ComparisonOptions options)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(repeatsOfB);
        ArgumentNullException.ThrowIfNull(options);
        Dictionary<string, ScenarioSummary> inB = b.Scenarios.ToDictionary(s => s.Id, StringComparer.Ordinal);
        HashSet<string> inA = [.. a.Scenarios.Select(s => s.Id)];
        List<Dictionary<string, ScenarioSummary>> repeats = [.. repeatsOfB.Select(r => r.Scenarios.ToDictionary(s => s.Id, StringComparer.Ordinal))];
        List<ScenarioComparison> scenarios = [];
        foreach (ScenarioSummary sa in a.Scenarios)
        {
            if (!inB.TryGetValue(sa.Id, out ScenarioSummary? sb))
            {
                continue;
            }

            List<ScenarioSummary> sbRepeats = [.. repeats.Select(r => r.GetValueOrDefault(sa.Id)).OfType<ScenarioSummary>()];
            scenarios.Add(new ScenarioComparison(
                sa.Id,
                sa.Feature,
                sa.Name,
                sa.Status,
                sb.Status,
                Explanation(sa),
                Explanation(sb),
                CompareMeasurements(sa, sb, sbRepeats, options)));
        }

        return new RunComparison(
            a.Run,
            b.Run,
            1 + repeatsOfB.Count,
            options,
            scenarios,
            [.. a.Scenarios.Where(s => !inB.ContainsKey(s.Id)).Select(s => s.Id)],
            [.. b.Scenarios.Where(s => !inA.Contains(s.Id)).Select(s => s.Id)]);
    }

    private static string? Explanation(ScenarioSummary s) => s.Error ?? s.Reason;

    private static List<MeasurementComparison> CompareMeasurements(ScenarioSummary a, ScenarioSummary b, List<ScenarioSummary> repeatsOfB, ComparisonOptions options)
    {
        // A scenario may record a figure more than once (one per frame size, say, under distinct names); the last of a name wins, as in the reports.
        Dictionary<string, Measurement> ma = Last(a.Measurements);
        Dictionary<string, Measurement> mb = Last(b.Measurements);
        List<string> names = [.. ma.Keys, .. mb.Keys.Where(k => !ma.ContainsKey(k))];
        List<MeasurementComparison> rows = [];
        foreach (string name in names)
        {
            Measurement? x = ma.GetValueOrDefault(name);
            Measurement? y = mb.GetValueOrDefault(name);
            List<double> repeated = [.. repeatsOfB.Select(r => Last(r.Measurements).GetValueOrDefault(name)).OfType<Measurement>().Select(m => m.Value)];
            rows.Add(CompareOne(name, x, y, repeated, options));
        }

        return rows;
    }

    private static Dictionary<string, Measurement> Last(IReadOnlyList<Measurement> measurements)
    {
        Dictionary<string, Measurement> last = new(StringComparer.Ordinal);
        foreach (Measurement m in measurements)
        {
            last[m.Name] = m;
        }

        return last;
    }

    internal static MeasurementComparison CompareOne(string name, Measurement? a, Measurement? b, IReadOnlyList<double> repeatsOfB, ComparisonOptions options)
    {
        string unit = (a ?? b)!.Unit;
        double? noiseA = a is null ? null : NoisePercent(a.Value, a.Spread);
        double? noiseB = b is null ? null : NoisePercent(b.Value, b.Spread ?? SpreadOfRepeats(b.Value, repeatsOfB));
        if (a is null || b is null)
        {
            return new MeasurementComparison(name, unit, a?.Value, b?.Value, null, noiseA, noiseB, null, a is null ? "only in B" : "only in A");
        }

        if (!string.Equals(a.Unit, b.Unit, StringComparison.Ordinal))
        {
            return new MeasurementComparison(name, unit, a.Value, b.Value, null, noiseA, noiseB, null, $"units differ ({a.Unit} and {b.Unit})");
        }

        if (!double.IsFinite(a.Value) || !double.IsFinite(b.Value))
        {
            return new MeasurementComparison(name, unit, a.Value, b.Value, null, noiseA, noiseB, null, "a figure is not finite");
        }

        double? delta = a.Value != 0 ? (b.Value - a.Value) / Math.Abs(a.Value) * 100.0 : b.Value == 0 ? 0 : null;
        if (delta is null)
        {
            return new MeasurementComparison(name, unit, a.Value, b.Value, null, noiseA, noiseB, false, "A is 0 and B is not");
        }

        double allowed = options.TolerancePercent + (noiseA ?? 0) + (noiseB ?? 0);
        return new MeasurementComparison(name, unit, a.Value, b.Value, delta, noiseA, noiseB, Math.Abs(delta.Value) <= allowed, null);
    }

    private static MeasurementSpread? SpreadOfRepeats(double value, IReadOnlyList<double> repeats) =>
        repeats.Count == 0 ? null : MeasurementSpread.Of([value, .. repeats]);

    // Half the range the trials spanned, relative to the figure reported: a figure inside that range is as good as any.
    private static double? NoisePercent(double value, MeasurementSpread? spread) =>
        spread is null || value == 0 || !double.IsFinite(value) ? null : (spread.Max - spread.Min) / 2.0 / Math.Abs(value) * 100.0;
}
