// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Requirements;

namespace NfvConformance.Core.Requirements;

/// <summary>How one requirement fared across one or more runs.</summary>
public enum CoverageVerdict
{
    /// <summary>A scenario verifying it passed in some run, and none failed in any run.</summary>
    Verified = 0,

    /// <summary>A scenario verifying it failed (without a waiver) in some run.</summary>
    Failed,

    /// <summary>Scenarios verify it, but none passed: they were not applicable, skipped, waived or could not run.</summary>
    NotRun,

    /// <summary>No scenario of any run verifies it.</summary>
    NotCovered,
}

/// <summary>One scenario outcome as coverage needs it.</summary>
/// <param name="Requirements">The requirement uids the scenario verifies.</param>
/// <param name="Passed">The scenario passed.</param>
/// <param name="Failed">The scenario failed and no waiver covers it.</param>
/// <param name="Run">The run it comes from (shown as evidence, for example <c>basic</c>).</param>
/// <param name="Scenario">The scenario's id (<c>file:line</c>).</param>
public sealed record ScenarioOutcome(IReadOnlyList<string> Requirements, bool Passed, bool Failed, string Run, string Scenario);

/// <summary>One in-scope requirement and its verdict.</summary>
/// <param name="Requirement">The catalogue entry.</param>
/// <param name="Verdict">The verdict across the runs.</param>
/// <param name="PassedIn">The runs in which a scenario verifying it passed.</param>
/// <param name="Scenarios">Every scenario that verifies it, as <c>run:file:line</c>.</param>
public sealed record RequirementCoverageRow(Requirement Requirement, CoverageVerdict Verdict, IReadOnlyList<string> PassedIn, IReadOnlyList<string> Scenarios);

/// <summary>
/// Coverage of the in-scope catalogue (<see cref="RequirementCatalog.IsInScope"/>) by one or more runs, for example
/// the basic and the high-performance run of one target: a requirement is verified when a scenario tagged with it
/// passed in some run and none failed in any.
/// </summary>
public sealed class RequirementCoverage
{
    private RequirementCoverage(IReadOnlyList<RequirementCoverageRow> rows) => Rows = rows;

    /// <summary>Gets one row per in-scope requirement, in catalogue order.</summary>
    public IReadOnlyList<RequirementCoverageRow> Rows { get; }

    /// <summary>Gets how many requirements are in scope.</summary>
    public int InScope => Rows.Count;

    /// <summary>Gets how many are verified.</summary>
    public int Verified => Count(CoverageVerdict.Verified);

    /// <summary>Gets the verified share in percent (0 when nothing is in scope).</summary>
    public double Percent => InScope == 0 ? 0 : 100.0 * Verified / InScope;

    /// <summary>Counts the rows with a verdict.</summary>
    /// <param name="verdict">The verdict.</param>
    /// <returns>The count.</returns>
    public int Count(CoverageVerdict verdict) => Rows.Count(r => r.Verdict == verdict);

    /// <summary>Computes the coverage of the catalogue's in-scope entries by these outcomes.</summary>
    /// <param name="catalog">The catalogue.</param>
    /// <param name="outcomes">Scenario outcomes of every run taken together.</param>
    /// <returns>The coverage.</returns>
    public static RequirementCoverage Compute(RequirementCatalog catalog, IEnumerable<ScenarioOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(outcomes);
        Dictionary<string, List<ScenarioOutcome>> byUid = new(StringComparer.Ordinal);
        foreach (ScenarioOutcome o in outcomes)
        {
            foreach (string uid in o.Requirements.Distinct(StringComparer.Ordinal))
            {
                if (!byUid.TryGetValue(uid, out List<ScenarioOutcome>? list))
                {
                    byUid[uid] = list = [];
                }

                list.Add(o);
            }
        }

        List<RequirementCoverageRow> rows = [];
        foreach (Requirement r in catalog.Entries.Where(RequirementCatalog.IsInScope))
        {
            List<ScenarioOutcome> found = byUid.GetValueOrDefault(r.Uid) ?? [];
            CoverageVerdict verdict = found.Count == 0 ? CoverageVerdict.NotCovered
                : found.Any(o => o.Failed) ? CoverageVerdict.Failed
                : found.Any(o => o.Passed) ? CoverageVerdict.Verified
                : CoverageVerdict.NotRun;
            rows.Add(new RequirementCoverageRow(
                r,
                verdict,
                [.. found.Where(o => o.Passed).Select(o => o.Run).Distinct(StringComparer.Ordinal)],
                [.. found.Select(o => $"{o.Run}:{o.Scenario}")]));
        }

        return new RequirementCoverage(rows);
    }
}
