// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Gherkin.Runtime;

/// <summary>Thrown by a step (or hook) that is not implemented yet: the step and the scenario become pending.</summary>
public sealed class PendingStepException : NfvConformanceException
{
    /// <summary>Creates the exception.</summary>
    public PendingStepException()
        : this("The step is not implemented yet.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is still to do.</param>
    public PendingStepException(string message)
        : base(message, Severity.Info)
    {
    }
}

/// <summary>Thrown by a step or hook to skip the scenario on purpose; the reason is reported.</summary>
public sealed class ScenarioSkippedException : NfvConformanceException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">Why the scenario is skipped.</param>
    public ScenarioSkippedException(string reason)
        : base(reason, Severity.Info)
    {
        Reason = reason;
    }

    /// <summary>Gets why the scenario is skipped.</summary>
    public string Reason { get; }
}

/// <summary>
/// Thrown by a step or hook when the scenario does not apply to the target (for example a capability it needs is
/// not published): the scenario is reported as not applicable, which is not a failure.
/// </summary>
public sealed class ScenarioNotApplicableException : NfvConformanceException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">Why the scenario does not apply.</param>
    public ScenarioNotApplicableException(string reason)
        : base(reason, Severity.Info)
    {
        Reason = reason;
    }

    /// <summary>Gets why the scenario does not apply.</summary>
    public string Reason { get; }
}
