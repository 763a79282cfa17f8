// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.Traffic;

namespace NfvConformance.Traffic.Methods;

/// <summary>
/// The trials that decide one goal (NDR or PDR) of a search: the load found, which a conclusive trial held, and the
/// lowest load above it where a conclusive trial lost more than the goal allows. The goal is conclusive when nothing
/// between the two went unmeasured; an unmeasured load above the conclusive failing one does not matter. When the
/// load that bounds the goal from above could not be offered (the generator's ceiling), the figure is a lower bound:
/// the device held it, and more was not tried (<see cref="IsGeneratorBound"/>).
/// </summary>
/// <param name="LowerPercent">The load found, percent of line rate.</param>
/// <param name="UpperPercent">The lowest conclusive failing load above it, or null when none was measured.</param>
/// <param name="Flags">What left the bracket open: the flags of trials in it that measured nothing conclusive.</param>
/// <param name="UnmeasuredPercent">The lowest load in the bracket that could not be measured, or null.</param>
public sealed record GoalBracket(double LowerPercent, double? UpperPercent, MeasurementFlags Flags, double? UnmeasuredPercent)
{
    private const MeasurementFlags Inconclusive = MeasurementFlags.OfferedLoadNotReached | MeasurementFlags.Disturbed | MeasurementFlags.LimitReached;

    // Loads are compared in percent of line rate; searches repeat a load exactly, so this only absorbs rounding.
    private const double Epsilon = 1e-9;

    /// <summary>Gets a goal decided by conclusive trials.</summary>
    public static GoalBracket Conclusive { get; } = new(0, null, MeasurementFlags.None, null);

    /// <summary>Gets whether the trials that decide the goal are all conclusive.</summary>
    public bool IsConclusive => (Flags & Inconclusive) == 0;

    /// <summary>Gets whether only the generator's ceiling left the bracket open: the figure is a lower bound, never a fail.</summary>
    public bool IsGeneratorBound => (Flags & Inconclusive) == MeasurementFlags.OfferedLoadNotReached;

    /// <summary>Finds the bracket that decides a goal in a search's trials.</summary>
    /// <param name="trials">Every trial of the search.</param>
    /// <param name="foundPercent">The load the search found for the goal.</param>
    /// <param name="lossRatio">The goal's loss ratio.</param>
    /// <param name="maxLoadPercent">The highest load the search may try: a goal found there needs no upper bound.</param>
    /// <returns>The bracket.</returns>
    public static GoalBracket Assess(IReadOnlyList<TrialRecord> trials, double foundPercent, double lossRatio, double maxLoadPercent)
    {
        ArgumentNullException.ThrowIfNull(trials);
        if (foundPercent >= maxLoadPercent - Epsilon)
        {
            return new GoalBracket(foundPercent, null, MeasurementFlags.None, null);
        }

        double? upper = null;
        foreach (TrialRecord t in trials)
        {
            if (IsMeasured(t) && t.LossRatio > lossRatio && t.PercentOfLine > foundPercent + Epsilon && !(t.PercentOfLine >= upper))
            {
                upper = t.PercentOfLine;
            }
        }

        // A load inside the bracket that no trial measured (every attempt flagged) leaves the goal open; a retry that
        // measured the same load closes it.
        MeasurementFlags flags = MeasurementFlags.None;
        double? unmeasured = null;
        foreach (TrialRecord t in trials)
        {
            bool inside = t.PercentOfLine > foundPercent + Epsilon && !(t.PercentOfLine >= upper - Epsilon);
            if (!inside || IsMeasured(t) || MeasuredElsewhere(trials, t.PercentOfLine))
            {
                continue;
            }

            flags |= t.Flags & Inconclusive;
            if (!(t.PercentOfLine >= unmeasured))
            {
                unmeasured = t.PercentOfLine;
            }
        }

        return new GoalBracket(foundPercent, upper, flags, unmeasured);
    }

    /// <summary>Describes the bracket when it is open, for the result's note.</summary>
    /// <param name="goal">NDR or PDR.</param>
    /// <param name="lineRatePps">Line rate per port, to give loads in pps.</param>
    /// <returns>The text, or null when the goal is conclusive.</returns>
    public string? Describe(string goal, double lineRatePps)
    {
        if (IsConclusive)
        {
            return null;
        }

        double at = (UnmeasuredPercent ?? 0) / 100 * lineRatePps;
        double found = LowerPercent / 100 * lineRatePps;
        return IsGeneratorBound
            ? string.Create(CultureInfo.InvariantCulture, $"{goal} >= {found:F0} pps, generator-bound: the next load up, {at:F0} pps, could not be offered")
            : string.Create(CultureInfo.InvariantCulture, $"{goal} {found:F0} pps is inconclusive: the load {at:F0} pps between it and the first failing load was not measured ({Flags & Inconclusive})");
    }

    private static bool IsMeasured(TrialRecord t) => (t.Flags & (MeasurementFlags.OfferedLoadNotReached | MeasurementFlags.Disturbed)) == 0;

    private static bool MeasuredElsewhere(IReadOnlyList<TrialRecord> trials, double percent)
    {
        foreach (TrialRecord t in trials)
        {
            if (IsMeasured(t) && Math.Abs(t.PercentOfLine - percent) <= Epsilon)
            {
                return true;
            }
        }

        return false;
    }
}
