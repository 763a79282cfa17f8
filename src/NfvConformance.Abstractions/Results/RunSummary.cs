// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Abstractions.Measurements;
using NfvConformance.Abstractions.Requirements;

// The run result model lives here, below Core and reports/, so the runner produces it without referencing the
// report writers. Its namespace is kept from when it lived in reports/ (renamed with the other areas later).
namespace NfvConformance.Reports.Model;

/// <summary>What was run, where and when.</summary>
public sealed record RunInfo
{
    /// <summary>Gets the run id (also the run folder's name by default).</summary>
    public required string Id { get; init; }

    /// <summary>Gets when the run started.</summary>
    public required DateTimeOffset Started { get; init; }

    /// <summary>Gets when the run finished (or was interrupted).</summary>
    public required DateTimeOffset Finished { get; init; }

    /// <summary>Gets the target name (for example <c>emulator</c>).</summary>
    public required string Target { get; init; }

    /// <summary>Gets the profile the target presented.</summary>
    public required string Profile { get; init; }

    /// <summary>Gets the nfvc version.</summary>
    public required string ToolVersion { get; init; }

    /// <summary>Gets the tag expression that selected the scenarios, if any.</summary>
    public string? Tags { get; init; }

    /// <summary>Gets the features directory.</summary>
    public string? FeaturesDirectory { get; init; }

    /// <summary>Gets the seed everything random in the target was derived from.</summary>
    public int Seed { get; init; }

    /// <summary>Gets a value indicating whether the run was interrupted before every scenario ran; the results it had are kept.</summary>
    public bool Interrupted { get; init; }
}

/// <summary>One executed step.</summary>
public sealed record StepSummary
{
    /// <summary>Gets the keyword as written (for example <c>Given </c>).</summary>
    public required string Keyword { get; init; }

    /// <summary>Gets the step text.</summary>
    public required string Text { get; init; }

    /// <summary>Gets the step status: passed, failed, skipped, undefined, pending or ambiguous.</summary>
    public required string Status { get; init; }

    /// <summary>Gets the duration in milliseconds.</summary>
    public double DurationMs { get; init; }

    /// <summary>Gets the error, when the step failed.</summary>
    public string? Error { get; init; }

    /// <summary>Gets where the step is written, as <c>file:line</c>.</summary>
    public required string Location { get; init; }

    /// <summary>Gets a ready-to-paste binding, when the step is undefined.</summary>
    public string? Snippet { get; init; }
}

/// <summary>One executed scenario (one pickle: an outline row counts as a scenario).</summary>
public sealed record ScenarioSummary
{
    /// <summary>Gets a stable id (<c>file:line</c> of the scenario or outline row).</summary>
    public required string Id { get; init; }

    /// <summary>Gets the feature name.</summary>
    public required string Feature { get; init; }

    /// <summary>Gets the feature file, relative to the features directory where possible.</summary>
    public required string FeatureFile { get; init; }

    /// <summary>Gets the scenario name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets where it is written, as <c>file:line</c>.</summary>
    public required string Location { get; init; }

    /// <summary>Gets every tag, with its <c>@</c>.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Gets the requirement uids the scenario verifies.</summary>
    public IReadOnlyList<string> Requirements { get; init; } = [];

    /// <summary>Gets the outcome.</summary>
    public required ScenarioStatus Status { get; init; }

    /// <summary>Gets the duration in milliseconds.</summary>
    public double DurationMs { get; init; }

    /// <summary>Gets the error of the failing step or hook, if any.</summary>
    public string? Error { get; init; }

    /// <summary>Gets why the scenario was skipped or not applicable, if it was.</summary>
    public string? Reason { get; init; }

    /// <summary>Gets the steps in execution order.</summary>
    public IReadOnlyList<StepSummary> Steps { get; init; } = [];

    /// <summary>Gets the measurements the scenario recorded as evidence.</summary>
    public IReadOnlyList<Measurement> Measurements { get; init; } = [];

    /// <summary>Gets structured performance evidence (throughput per frame size, latency, search trace), if any.</summary>
    public PerformanceEvidence? Evidence { get; init; }

    /// <summary>Gets the waiver that covers this scenario's failure, if one applied (see <see cref="IsWaived"/>).</summary>
    public Waiver? Waiver { get; init; }

    /// <summary>Gets a value indicating whether the scenario failed and every requirement it verifies is waived: it counts apart and does not fail the run.</summary>
    public bool IsWaived => Waiver is not null && Status == ScenarioStatus.Failed;

    /// <summary>Gets the first failed step, if any.</summary>
    public StepSummary? FailingStep => Steps.FirstOrDefault(st => string.Equals(st.Status, "failed", StringComparison.Ordinal));
}

/// <summary>Counts per status.</summary>
/// <param name="Passed">Scenarios passed.</param>
/// <param name="Failed">Scenarios failed.</param>
/// <param name="Skipped">Scenarios skipped.</param>
/// <param name="Undefined">Scenarios with an undefined step.</param>
/// <param name="Pending">Scenarios with a pending step.</param>
/// <param name="Ambiguous">Scenarios with an ambiguous step.</param>
/// <param name="NotApplicable">Scenarios not applicable to the target.</param>
public sealed record RunTotals(int Passed, int Failed, int Skipped, int Undefined, int Pending, int Ambiguous, int NotApplicable)
{
    /// <summary>Gets the number of scenarios.</summary>
    public int Total => Passed + Failed + Skipped + Undefined + Pending + Ambiguous + NotApplicable + Waived;

    /// <summary>Gets the failed scenarios whose failure a waiver accepts; they are not counted in <see cref="Failed"/>.</summary>
    public int Waived { get; init; }

    /// <summary>Counts the scenarios by status.</summary>
    /// <param name="scenarios">The scenarios.</param>
    /// <returns>The totals.</returns>
    public static RunTotals From(IEnumerable<ScenarioSummary> scenarios)
    {
        int[] counts = new int[7];
        int waived = 0;
        foreach (ScenarioSummary s in scenarios)
        {
            if (s.IsWaived)
            {
                waived++;
            }
            else
            {
                counts[(int)s.Status]++;
            }
        }

        return new RunTotals(counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], counts[6]) { Waived = waived };
    }
}

/// <summary>
/// The immutable result of one run: what ran where, every scenario with its steps and evidence, and the target's
/// capability snapshot. Exporters render it; they never change it.
/// </summary>
public sealed record RunSummary
{
    /// <summary>Gets the run description.</summary>
    public required RunInfo Run { get; init; }

    /// <summary>Gets every scenario in the order they were defined.</summary>
    public required IReadOnlyList<ScenarioSummary> Scenarios { get; init; }

    /// <summary>Gets the counts per status.</summary>
    public RunTotals Totals => RunTotals.From(Scenarios);

    /// <summary>Gets what the target published at the start of the run, if discovery succeeded.</summary>
    public CapabilitySnapshot? Capabilities { get; init; }

    /// <summary>Gets the requirement catalogue entries the report traces against (in scope or tagged), if known.</summary>
    public IReadOnlyList<Requirement> Requirements { get; init; } = [];

    /// <summary>
    /// Gets a value indicating whether the run fails: any scenario failed (without a waiver), or had an undefined,
    /// pending or ambiguous step.
    /// </summary>
    public bool Failed => Scenarios.Any(s => s.Status.FailsRun() && !s.IsWaived);

    /// <summary>Gets the machine, tool and configuration the run happened on, if captured.</summary>
    public EnvironmentFingerprint? Environment { get; init; }

    /// <summary>Gets the waivers that were loaded for the run (active and expired).</summary>
    public IReadOnlyList<Waiver> Waivers { get; init; } = [];

    /// <summary>Gets this run's measurements compared with comparable past runs, when a history store was used.</summary>
    public IReadOnlyList<MeasurementTrend> Trends { get; init; } = [];

    /// <summary>Gets the latest verdict of other profiles on the same target, from the history (profile → passed).</summary>
    public IReadOnlyDictionary<string, bool> OtherProfileVerdicts { get; init; } = new Dictionary<string, bool>(StringComparer.Ordinal);
}
