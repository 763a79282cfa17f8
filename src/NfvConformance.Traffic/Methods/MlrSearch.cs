// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Traffic.Methods;

/// <summary>
/// A multi-goal search after FD.io CSIT's MLRsearch (draft-ietf-bmwg-mlrsearch): trials at one load are pooled;
/// a load is a lower bound for a goal once the pooled trial time reaches the phase's duration with the pooled loss
/// ratio within the goal, and an upper bound when the pooled ratio exceeds it at that duration, or earlier when the
/// loss count is significantly above the goal. The first phase uses
/// short trials: one at the maximum load, whose forwarding rate R gives each goal's first guess R / (1 - ratio); then
/// external search (steps doubling from the resolution) brackets the goal and bisection narrows it to the resolution.
/// The final phase runs whole final-duration trials at the lower bound with TST009's loss verification (up to 1 + r
/// trials, pass if any passes, fail at once on a significant excess); if the bound fails, the search goes on
/// downwards at the final duration. Trials are shared between goals.
/// </summary>
internal sealed class MlrSearch(TrialRunner runner, NdrPdrOptions options)
{
    // Losses the goal must allow before a non-final phase trusts a pooled ratio (ten frames: the ratio is then resolved to about 30 %).
    private const double MinLossBudget = 10;
    private readonly List<TrialOutcome> _trials = [];

    private enum Bound
    {
        Unknown,
        Lower,
        Upper,
    }

    public async Task RunAsync(double[] ratios, double[] found, CancellationToken ct)
    {
        double max = options.MaxLoadPercent;
        double res = options.ResolutionPercent;
        TimeSpan shortDuration = options.InitialTrialDuration;
        TimeSpan finalDuration = options.TrialDuration;
        for (int g = 0; g < ratios.Length; g++)
        {
            double ratio = ratios[g];
            double lower;
            double upper;
            if (TryBracketFromTrials(ratio, out double knownLower, out double knownUpper))
            {
                // Earlier goals' trials already bracket this one: no new guess needed.
                (lower, upper) = await BisectAsync(knownLower, knownUpper, ratio, shortDuration, "narrow", ct, NarrowWidth).ConfigureAwait(false);
            }
            else if (await MeasureAsync(max, ratio, shortDuration, "max", ct).ConfigureAwait(false) == Bound.Lower)
            {
                lower = max;
                upper = max;
            }
            else
            {
                upper = max;
                double forwarding = ForwardingPercentAt(max);
                double guess = Math.Clamp((forwarding / (1 - ratio)) - (res / 2), res, Math.Max(res, max - res));
                (lower, upper) = await BracketAsync(guess, upper, ratio, shortDuration, "narrow", ct).ConfigureAwait(false);
                (lower, upper) = await BisectAsync(lower, upper, ratio, shortDuration, "narrow", ct, NarrowWidth).ConfigureAwait(false);
            }

            // Final phase: the lower bound must hold for the full duration; upper bounds already hold at any duration.
            while (lower > 0 && await MeasureAsync(lower, ratio, finalDuration, "confirm", ct).ConfigureAwait(false) != Bound.Lower)
            {
                upper = lower;
                (lower, upper) = await BracketAsync(lower - NarrowWidth, upper, ratio, finalDuration, "confirm", ct, NarrowWidth).ConfigureAwait(false);
                (lower, upper) = await BisectAsync(lower, upper, ratio, finalDuration, "confirm", ct, options.ResolutionPercent).ConfigureAwait(false);
            }

            found[g] = lower;
        }
    }

    private async Task<(double Lower, double Upper)> BracketAsync(double start, double upper, double ratio, TimeSpan duration, string phase, CancellationToken ct, double? firstStep = null)
    {
        double res = options.ResolutionPercent;
        double width = firstStep ?? res;
        double x = start;
        if (await MeasureAsync(x, ratio, duration, phase, ct).ConfigureAwait(false) == Bound.Lower)
        {
            double lower = x;
            while (upper - lower > res)
            {
                double next = Math.Min(lower + width, upper);
                if (next >= upper)
                {
                    break;
                }

                if (await MeasureAsync(next, ratio, duration, phase, ct).ConfigureAwait(false) == Bound.Lower)
                {
                    lower = next;
                    width *= 2;
                }
                else
                {
                    return (lower, next);
                }
            }

            return (lower, upper);
        }

        upper = x;
        while (true)
        {
            x = upper - width;
            if (x < res)
            {
                // Even the lowest step fails for this goal: nothing below it is measured.
                return await MeasureAsync(res, ratio, duration, phase, ct).ConfigureAwait(false) == Bound.Lower && res < upper
                    ? (res, upper)
                    : (0, Math.Min(upper, res));
            }

            if (await MeasureAsync(x, ratio, duration, phase, ct).ConfigureAwait(false) == Bound.Lower)
            {
                return (x, upper);
            }

            upper = x;
            width *= 2;
        }
    }

    // Short trials narrow to half the resolution, so an upper bound that noise places a little below the true
    // value still leaves the reported lower bound within one resolution of it.
    private double NarrowWidth => options.ResolutionPercent / 2;

    private async Task<(double Lower, double Upper)> BisectAsync(double lower, double upper, double ratio, TimeSpan duration, string phase, CancellationToken ct, double width)
    {
        while (upper - lower > width && lower > 0)
        {
            double mid = (lower + upper) / 2;
            if (await MeasureAsync(mid, ratio, duration, phase, ct).ConfigureAwait(false) == Bound.Lower)
            {
                lower = mid;
            }
            else
            {
                upper = mid;
            }
        }

        return (lower, upper);
    }

    private async Task<Bound> MeasureAsync(double load, double ratio, TimeSpan duration, string phase, CancellationToken ct)
    {
        while (true)
        {
            (Bound bound, TimeSpan remaining) = Classify(load, ratio, duration);
            if (bound != Bound.Unknown)
            {
                return bound;
            }

            if (remaining < options.InitialTrialDuration)
            {
                remaining = options.InitialTrialDuration;
            }

            TrialOutcome o = await runner.RunAsync(load, remaining, phase, ct).ConfigureAwait(false);
            _trials.Add(o);
            if (!o.Conclusive)
            {
                // An unmeasurable load cannot be a lower bound; the runner has flagged the result inconclusive.
                return Bound.Upper;
            }
        }
    }

    private (Bound Bound, TimeSpan Needed) Classify(double load, double ratio, TimeSpan duration)
    {
        // All conclusive trials at the load are pooled. A loss count 3 sigma above the goal makes the load an upper
        // bound at once. Otherwise the load is a (short-phase) lower bound once the pooled time reaches the phase's
        // duration with enough frames that the goal allows MinLossBudget losses (a short trial at a low rate cannot
        // tell 1e-5 from 0, and near the goal it cannot tell it from 0.9e-5): the final phase verifies it.
        TimeSpan time = TimeSpan.Zero;
        long tx = 0;
        long lost = 0;
        foreach (TrialOutcome t in _trials)
        {
            if (Math.Abs(t.Percent - load) > 1e-9 || !t.Conclusive)
            {
                continue;
            }

            time += t.Duration;
            tx += t.Result.TxPackets;
            lost += t.Lost;
        }

        TimeSpan final = options.TrialDuration;
        if (tx == 0)
        {
            return (Bound.Unknown, duration);
        }

        double allowed = ratio * tx;
        if (Significant(lost, allowed))
        {
            return (Bound.Upper, TimeSpan.Zero);
        }

        if (duration >= final)
        {
            return ClassifyFinal(load, ratio, final);
        }

        double pps = tx / time.TotalSeconds;
        TimeSpan forBudget = ratio > 0 && allowed < MinLossBudget
            ? TimeSpan.FromSeconds(((MinLossBudget / ratio) - tx) / pps)
            : TimeSpan.Zero;
        TimeSpan needed = duration - time > forBudget ? duration - time : forBudget;
        if (needed > final - time)
        {
            needed = final - time;
        }

        if (needed.Ticks <= TimeSpan.TicksPerMillisecond)
        {
            // Not significantly above the goal: short trials cannot reject the load; the final phase decides.
            return (Bound.Lower, TimeSpan.Zero);
        }

        return (Bound.Unknown, needed);
    }

    // Final phase: TST009's loss verification on whole final-duration trials. The load holds if any of them is
    // within the goal; it fails after 1 + r trials over the goal, or at once on a significant excess.
    private (Bound Bound, TimeSpan Needed) ClassifyFinal(double load, double ratio, TimeSpan final)
    {
        int failures = 0;
        foreach (TrialOutcome t in _trials)
        {
            if (Math.Abs(t.Percent - load) > 1e-9 || !t.Conclusive || t.Duration.Ticks < final.Ticks - TimeSpan.TicksPerMillisecond)
            {
                continue;
            }

            double allowed = ratio * t.Result.TxPackets;
            if (t.Lost <= allowed)
            {
                return (Bound.Lower, TimeSpan.Zero);
            }

            if (Significant(t.Lost, allowed) || ++failures > options.LossVerificationRepeats)
            {
                return (Bound.Upper, TimeSpan.Zero);
            }
        }

        return (Bound.Unknown, final);
    }

    private static bool Significant(long lost, double allowed) => lost > allowed + (3 * Math.Sqrt(Math.Max(1, allowed))) + 1;

    private bool TryBracketFromTrials(double ratio, out double lower, out double upper)
    {
        lower = double.NaN;
        upper = double.NaN;
        foreach (TrialOutcome t in _trials)
        {
            if (t.Conclusive && !(t.Percent >= upper) && Classify(t.Percent, ratio, options.InitialTrialDuration).Bound == Bound.Upper)
            {
                upper = t.Percent;
            }
        }

        foreach (TrialOutcome t in _trials)
        {
            if (t.Conclusive && t.Percent < upper && !(t.Percent <= lower) && Classify(t.Percent, ratio, options.InitialTrialDuration).Bound == Bound.Lower)
            {
                lower = t.Percent;
            }
        }

        return !double.IsNaN(lower) && !double.IsNaN(upper);
    }

    private double ForwardingPercentAt(double load)
    {
        double rx = 0;
        int n = 0;
        foreach (TrialOutcome t in _trials)
        {
            if (Math.Abs(t.Percent - load) <= 1e-9 && t.Conclusive)
            {
                rx += t.RxPpsPerPort;
                n++;
            }
        }

        return n == 0 ? load : rx / n / runner.LineRatePps * 100.0;
    }
}
