// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Traffic;

namespace NfvConformance.Traffic.Methods;

/// <summary>Finds NDR and PDR in one search with the chosen method; every search is bounded by trials and time.</summary>
public static class NdrPdrSearch
{
    /// <summary>Runs the search.</summary>
    /// <param name="generator">The generator in front of the device.</param>
    /// <param name="profile">The streams; rates are per transmit port.</param>
    /// <param name="options">Settings.</param>
    /// <param name="cancellationToken">Stops the search between trials.</param>
    /// <returns>NDR, PDR and the trace. A limit reached or an unmeasurable load makes it inconclusive, never an exception.</returns>
    /// <exception cref="Abstractions.Errors.ConfigurationException">The settings or profile are invalid; no traffic was sent.</exception>
    public static async Task<NdrPdrResult> RunAsync(ITrafficGeneration generator, TrafficProfile profile, NdrPdrOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(options);
        options.EnsureValid();
        TrialRequestValidator.EnsureValid(
            new TrialRequest { Profile = profile, RatePerPort = TrafficRate.PercentOfLine(options.MaxLoadPercent), Duration = options.TrialDuration },
            generator.Info);
        TrialRunner runner = new(generator, profile, options);
        double[] ratios = [options.PdrLossRatio, options.NdrLossRatio];
        double[] found = new double[2];
        try
        {
            switch (options.Method)
            {
                case NdrSearchMethod.Bisection:
                    await new BisectionSearch(runner, options).RunAsync(ratios, found, cancellationToken).ConfigureAwait(false);
                    break;
                case NdrSearchMethod.Tst009:
                    await new Tst009Search(runner, options).RunAsync(ratios, found, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    await new MlrSearch(runner, options).RunAsync(ratios, found, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
        catch (SearchLimitReachedException ex)
        {
            runner.LimitReached(ex.Message);
        }

        // A load that held the NDR's loss ratio for the full duration also meets the looser PDR goal, so it is a lower
        // bound for the PDR too: a search whose own PDR trials ended lower (an unlucky confirm trial) keeps the NDR.
        found[0] = Math.Max(found[0], found[1]);
        return runner.ToResult(found[1], found[0]);
    }
}

/// <summary>
/// NFVbench's <c>__range_search</c>: bisect [left, right] in percent of line rate with a fixed trial duration;
/// each trial splits the goals into those it satisfies (search above) and the others (search below); a range
/// narrower than the resolution yields its left end; a pass at or above the maximum load yields the maximum.
/// </summary>
internal sealed class BisectionSearch(TrialRunner runner, NdrPdrOptions options)
{
    public Task RunAsync(double[] ratios, double[] found, CancellationToken ct) =>
        RangeAsync(0, options.BisectionRangePercent, [.. Enumerable.Range(0, ratios.Length)], ratios, found, ct);

    private async Task RangeAsync(double left, double right, int[] goals, double[] ratios, double[] found, CancellationToken ct)
    {
        if (goals.Length == 0)
        {
            return;
        }

        if (right - left <= options.ResolutionPercent)
        {
            foreach (int g in goals)
            {
                found[g] = Math.Min(left, options.MaxLoadPercent);
            }

            return;
        }

        double middle = (left + right) / 2;
        double load = Math.Min(middle, options.MaxLoadPercent);
        TrialOutcome o = await runner.RunAsync(load, options.TrialDuration, "bisect", ct).ConfigureAwait(false);
        int[] pass = [.. goals.Where(g => o.Conclusive && o.LossRatio <= ratios[g])];
        int[] fail = [.. goals.Where(g => !pass.Contains(g))];
        if (middle >= options.MaxLoadPercent)
        {
            foreach (int g in pass)
            {
                found[g] = options.MaxLoadPercent;
            }
        }
        else
        {
            await RangeAsync(middle, right, pass, ratios, found, ct).ConfigureAwait(false);
        }

        await RangeAsync(left, middle, fail, ratios, found, ct).ConfigureAwait(false);
    }
}

/// <summary>
/// ETSI GS NFV-TST 009 clause 12.3.3, binary search with loss verification: loads are the discrete steps
/// S[m] = (m + 1) · step up to the maximum; a trial above the loss threshold is repeated up to r times and the load
/// passes if any repetition passes, unless more than z frames were lost (then it fails at once). Goals run one after
/// the other, the lower one bounded by the higher one's result, sharing every trial already run.
/// </summary>
internal sealed class Tst009Search(TrialRunner runner, NdrPdrOptions options)
{
    private readonly Dictionary<int, List<TrialOutcome>> _trials = [];

    public async Task RunAsync(double[] ratios, double[] found, CancellationToken ct)
    {
        int n = (int)Math.Ceiling((options.MaxLoadPercent / options.ResolutionPercent) - 1e-9);
        int hiLimit = n;
        for (int g = 0; g < ratios.Length; g++)
        {
            int lo = -1;
            int hi = hiLimit;
            while (hi - lo > 1)
            {
                int m = lo + ((hi - lo) / 2);
                if (await PassesAsync(m, ratios[g], ct).ConfigureAwait(false))
                {
                    lo = m;
                }
                else
                {
                    hi = m;
                }
            }

            found[g] = lo < 0 ? 0 : Load(lo);
            hiLimit = lo + 1;
        }
    }

    private double Load(int m) => Math.Min(options.MaxLoadPercent, (m + 1) * options.ResolutionPercent);

    private async Task<bool> PassesAsync(int m, double ratio, CancellationToken ct)
    {
        if (!_trials.TryGetValue(m, out List<TrialOutcome>? done))
        {
            done = [];
            _trials[m] = done;
        }

        for (int i = 0; i <= options.LossVerificationRepeats; i++)
        {
            TrialOutcome o;
            if (i < done.Count)
            {
                o = done[i];
            }
            else
            {
                o = await runner.RunAsync(Load(m), options.TrialDuration, i == 0 ? "search" : "verify", ct).ConfigureAwait(false);
                done.Add(o);
            }

            if (o.Conclusive && o.LossRatio <= ratio)
            {
                return true;
            }

            if (!o.Conclusive || o.Lost > options.LossVerificationMaxLost)
            {
                return false;
            }
        }

        return false;
    }
}
