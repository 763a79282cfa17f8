// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Traffic.Methods;

/// <summary>
/// A multi-goal search after FD.io CSIT's MLRsearch (draft-ietf-bmwg-mlrsearch), with goal exceed ratio 0:
/// a load is an upper bound for a goal as soon as any conclusive trial there loses more than the goal allows, and a
/// lower bound once the loss-free (for that goal) trial time there sums to the phase's duration. The first phase uses
/// short trials: one at the maximum load, whose forwarding rate R gives each goal's first guess R / (1 - ratio); then
/// external search (steps doubling from the resolution) brackets the goal and bisection narrows it to the resolution.
/// The final phase tops the lower bound's trial time up to the final duration; if it fails there, the search goes
/// on downwards at the final duration. Trials are shared between goals.
/// </summary>
internal sealed class MlrSearch(TrialRunner runner, NdrPdrOptions options)
{
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
                (lower, upper) = await BisectAsync(knownLower, knownUpper, ratio, shortDuration, "narrow", ct).ConfigureAwait(false);
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
                (lower, upper) = await BisectAsync(lower, upper, ratio, shortDuration, "narrow", ct).ConfigureAwait(false);
            }

            // Final phase: the lower bound must hold for the full duration; upper bounds already hold at any duration.
            while (lower > 0 && await MeasureAsync(lower, ratio, finalDuration, "confirm", ct).ConfigureAwait(false) != Bound.Lower)
            {
                upper = lower;
                (lower, upper) = await BracketAsync(lower - res, upper, ratio, finalDuration, "confirm", ct).ConfigureAwait(false);
                (lower, upper) = await BisectAsync(lower, upper, ratio, finalDuration, "confirm", ct).ConfigureAwait(false);
            }

            found[g] = lower;
        }
    }

    private async Task<(double Lower, double Upper)> BracketAsync(double start, double upper, double ratio, TimeSpan duration, string phase, CancellationToken ct)
    {
        double res = options.ResolutionPercent;
        double width = res;
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

    private async Task<(double Lower, double Upper)> BisectAsync(double lower, double upper, double ratio, TimeSpan duration, string phase, CancellationToken ct)
    {
        while (upper - lower > options.ResolutionPercent && lower > 0)
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
            (Bound bound, TimeSpan goodTime) = Classify(load, ratio, duration);
            if (bound != Bound.Unknown)
            {
                return bound;
            }

            TimeSpan remaining = duration - goodTime;
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

    private (Bound Bound, TimeSpan GoodTime) Classify(double load, double ratio, TimeSpan duration)
    {
        TimeSpan good = TimeSpan.Zero;
        foreach (TrialOutcome t in _trials)
        {
            if (Math.Abs(t.Percent - load) > 1e-9 || !t.Conclusive)
            {
                continue;
            }

            if (t.LossRatio > ratio)
            {
                return (Bound.Upper, good);
            }

            good += t.Duration;
        }

        // Tolerate rounding of virtual durations.
        return good.Ticks >= duration.Ticks - TimeSpan.TicksPerMillisecond ? (Bound.Lower, good) : (Bound.Unknown, good);
    }

    private bool TryBracketFromTrials(double ratio, out double lower, out double upper)
    {
        lower = double.NaN;
        upper = double.NaN;
        foreach (TrialOutcome t in _trials)
        {
            if (t.Conclusive && t.LossRatio > ratio && !(t.Percent >= upper))
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
