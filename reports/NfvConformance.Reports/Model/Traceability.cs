// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Requirements;

using NfvConformance.Abstractions.Measurements;

namespace NfvConformance.Reports.Model;

/// <summary>The verdict of one requirement, from the scenarios that verify it.</summary>
public enum RequirementVerdict
{
    /// <summary>At least one scenario passed and none failed.</summary>
    Passed = 0,

    /// <summary>A scenario failed without a waiver.</summary>
    Failed,

    /// <summary>A scenario failed and a waiver accepts it.</summary>
    Waived,

    /// <summary>A scenario could not verify it (undefined, pending or ambiguous step).</summary>
    Error,

    /// <summary>Scenarios exist, but none ran (skipped or not applicable).</summary>
    NotRun,

    /// <summary>No scenario verifies it.</summary>
    NotCovered,
}

/// <summary>One row of the requirement traceability matrix.</summary>
/// <param name="Uid">The requirement uid.</param>
/// <param name="Requirement">The catalogue entry, when the uid is in the catalogue.</param>
/// <param name="Scenarios">The scenarios tagged with it, in run order.</param>
/// <param name="Verdict">The verdict.</param>
public sealed record RequirementTrace(string Uid, Requirement? Requirement, IReadOnlyList<ScenarioSummary> Scenarios, RequirementVerdict Verdict)
{
    /// <summary>
    /// Gets the evidence: the measurements of the scenarios, with target and verdict. When some measurement names
    /// contain the uid (for example <c>RM:e.cap.006@node-1</c>), only those; otherwise all of them.
    /// </summary>
    public IReadOnlyList<Measurement> EvidenceMeasurements
    {
        get
        {
            List<Measurement> all = [.. Scenarios.SelectMany(s => s.Measurements)];
            List<Measurement> own = [.. all.Where(m => m.Name.Contains(Uid, StringComparison.Ordinal))];
            return own.Count > 0 ? own : all;
        }
    }

    /// <summary>Gets the evidence in one line (see <see cref="EvidenceMeasurements"/>).</summary>
    public string Evidence => string.Join("; ", EvidenceMeasurements.Select(Internal.Text.Measurement));
}

/// <summary>Builds the requirement → scenarios → verdict matrix, including catalogue entries no scenario covers.</summary>
public static class Traceability
{
    /// <summary>Gets the wire name of a requirement verdict (for example <c>not_covered</c>).</summary>
    /// <param name="verdict">The verdict.</param>
    /// <returns>The snake_case name.</returns>
    public static string ToWireName(this RequirementVerdict verdict) => verdict switch
    {
        RequirementVerdict.NotRun => "not_run",
        RequirementVerdict.NotCovered => "not_covered",
        _ => verdict.ToString().ToLowerInvariant(),
    };

    /// <summary>Builds the matrix: catalogue entries first in catalogue order, then uids only scenarios mention.</summary>
    /// <param name="summary">The run.</param>
    /// <returns>One row per requirement uid.</returns>
    public static IReadOnlyList<RequirementTrace> Build(RunSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        Dictionary<string, List<ScenarioSummary>> byUid = new(StringComparer.Ordinal);
        List<string> order = [];
        foreach (Requirement r in summary.Requirements)
        {
            if (!byUid.ContainsKey(r.Uid))
            {
                byUid[r.Uid] = [];
                order.Add(r.Uid);
            }
        }

        foreach (ScenarioSummary s in summary.Scenarios)
        {
            foreach (string uid in s.Requirements.Distinct(StringComparer.Ordinal))
            {
                if (!byUid.TryGetValue(uid, out List<ScenarioSummary>? list))
                {
                    list = [];
                    byUid[uid] = list;
                    order.Add(uid);
                }

                list.Add(s);
            }
        }

        Dictionary<string, Requirement> entries = summary.Requirements.DistinctBy(r => r.Uid, StringComparer.Ordinal).ToDictionary(r => r.Uid, StringComparer.Ordinal);
        List<RequirementTrace> rows = new(order.Count);
        foreach (string uid in order)
        {
            List<ScenarioSummary> scenarios = byUid[uid];
            rows.Add(new RequirementTrace(uid, entries.GetValueOrDefault(uid), scenarios, VerdictOf(scenarios)));
        }

        return rows;
    }

    private static RequirementVerdict VerdictOf(List<ScenarioSummary> scenarios)
    {
        if (scenarios.Count == 0)
        {
            return RequirementVerdict.NotCovered;
        }

        if (scenarios.Any(s => s.Status == ScenarioStatus.Failed && !s.IsWaived))
        {
            return RequirementVerdict.Failed;
        }

        if (scenarios.Any(s => s.Status is ScenarioStatus.Undefined or ScenarioStatus.Pending or ScenarioStatus.Ambiguous))
        {
            return RequirementVerdict.Error;
        }

        if (scenarios.Any(s => s.IsWaived))
        {
            return RequirementVerdict.Waived;
        }

        return scenarios.Any(s => s.Status == ScenarioStatus.Passed) ? RequirementVerdict.Passed : RequirementVerdict.NotRun;
    }
}
