// Licensed under the Apache License, Version 2.0.
// The run result model lives here, below Core and reports/, so the runner produces it without referencing the
// report writers. Its namespace is kept from when it lived in reports/ (renamed with the other areas later).
namespace NfvConformance.Reports.Model;

/// <summary>The outcome of one scenario, as reports show it.</summary>
public enum ScenarioStatus
{
    /// <summary>Every step passed.</summary>
    Passed = 0,

    /// <summary>A step or hook failed.</summary>
    Failed,

    /// <summary>Not run (filtered, cancelled or skipped by a hook); the reason is given.</summary>
    Skipped,

    /// <summary>A step has no binding; nothing was verified.</summary>
    Undefined,

    /// <summary>A step binding is marked pending; nothing was verified.</summary>
    Pending,

    /// <summary>A step matches more than one binding.</summary>
    Ambiguous,

    /// <summary>The target does not publish a capability the scenario requires; counted apart, never failed.</summary>
    NotApplicable,
}

/// <summary>Names and verdict rules for <see cref="ScenarioStatus"/>.</summary>
public static class ScenarioStatusExtensions
{
    /// <summary>The snake_case name used in summary.json and the other machine-readable outputs.</summary>
    /// <param name="status">The status.</param>
    /// <returns>For example <c>not_applicable</c>.</returns>
    public static string ToWireName(this ScenarioStatus status) => status switch
    {
        ScenarioStatus.Passed => "passed",
        ScenarioStatus.Failed => "failed",
        ScenarioStatus.Skipped => "skipped",
        ScenarioStatus.Undefined => "undefined",
        ScenarioStatus.Pending => "pending",
        ScenarioStatus.Ambiguous => "ambiguous",
        ScenarioStatus.NotApplicable => "not_applicable",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "unknown scenario status"),
    };

    /// <summary>
    /// Tells whether the status makes the run fail: a failure, and also an undefined, pending or ambiguous step,
    /// because then nothing was verified and an error is never a pass.
    /// </summary>
    /// <param name="status">The status.</param>
    /// <returns>True when the run's exit code must be 1.</returns>
    public static bool FailsRun(this ScenarioStatus status) =>
        status is ScenarioStatus.Failed or ScenarioStatus.Undefined or ScenarioStatus.Pending or ScenarioStatus.Ambiguous;
}
