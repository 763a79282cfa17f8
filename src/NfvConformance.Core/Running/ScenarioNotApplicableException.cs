// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Core.Running;

/// <summary>
/// Thrown by a step or hook when the scenario does not apply to the target (for example a capability it needs is
/// not published): the scenario is reported as not applicable, which is not a failure. <c>nfvc run</c> reports it
/// as <c>not_applicable</c>; under <c>dotnet test</c> the NUnit plugin turns it into an ignored test with the reason.
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
