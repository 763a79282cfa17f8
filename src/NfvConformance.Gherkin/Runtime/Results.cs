// Licensed under the Apache License, Version 2.0.
using NfvConformance.Gherkin.Pickles;

namespace NfvConformance.Gherkin.Runtime;

/// <summary>The outcome of a scenario.</summary>
public enum ScenarioStatus
{
    /// <summary>Every step and hook passed.</summary>
    Passed,

    /// <summary>A step, a hook, an argument conversion or the scenario's disposal threw.</summary>
    Failed,

    /// <summary>Skipped on purpose (<see cref="ScenarioSkippedException"/>) or because the run was cancelled; see the reason.</summary>
    Skipped,

    /// <summary>A step has no binding; its result carries a snippet.</summary>
    Undefined,

    /// <summary>A step threw <see cref="PendingStepException"/>.</summary>
    Pending,

    /// <summary>A step matches more than one binding.</summary>
    Ambiguous,

    /// <summary>The scenario does not apply to the target (<see cref="ScenarioNotApplicableException"/>); see the reason.</summary>
    NotApplicable,
}

/// <summary>The outcome of a step.</summary>
public enum StepStatus
{
    /// <summary>The step ran and passed.</summary>
    Passed,

    /// <summary>The step, its argument conversion or a step hook threw.</summary>
    Failed,

    /// <summary>The step did not run because an earlier step or hook stopped the scenario.</summary>
    Skipped,

    /// <summary>No binding matches the step.</summary>
    Undefined,

    /// <summary>The step threw <see cref="PendingStepException"/>.</summary>
    Pending,

    /// <summary>More than one binding matches the step.</summary>
    Ambiguous,
}

/// <summary>The result of one step.</summary>
public sealed class StepResult
{
    /// <summary>Gets the step.</summary>
    public required PickleStep Step { get; init; }

    /// <summary>Gets the outcome.</summary>
    public required StepStatus Status { get; init; }

    /// <summary>Gets how long the step and its step hooks took (zero when it did not run).</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Gets what went wrong (failed, ambiguous, undefined or pending steps), or null.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>Gets the exception a failed step threw, or null.</summary>
    public Exception? Exception { get; init; }

    /// <summary>Gets a ready-to-paste binding for an undefined step, or null.</summary>
    public string? Snippet { get; init; }

    /// <summary>Gets the matched binding as <c>Type.Method(...)</c> with its <c>file:line</c> when known, or null.</summary>
    public string? BindingLocation { get; init; }
}

/// <summary>The result of one scenario (one pickle).</summary>
public sealed class ScenarioResult
{
    /// <summary>Gets the scenario.</summary>
    public required Pickle Pickle { get; init; }

    /// <summary>Gets the outcome.</summary>
    public required ScenarioStatus Status { get; init; }

    /// <summary>Gets one result per step, in order.</summary>
    public required IReadOnlyList<StepResult> Steps { get; init; }

    /// <summary>Gets what went wrong, naming the failing step or hook, or null when the scenario passed.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>Gets the first exception that failed the scenario, or null.</summary>
    public Exception? Exception { get; init; }

    /// <summary>Gets why the scenario was skipped or not applicable, or null.</summary>
    public string? Reason { get; init; }

    /// <summary>Gets when the scenario started (from the run's <see cref="TimeProvider"/>).</summary>
    public DateTimeOffset Started { get; init; }

    /// <summary>Gets how long the scenario took, hooks and disposal included.</summary>
    public TimeSpan Duration { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Pickle.FeatureName}/{Pickle.Name}: {Status}" + (ErrorMessage is null ? string.Empty : $" ({ErrorMessage})");
}
