// Licensed under the Apache License, Version 2.0.
using NfvConformance.Core.Running;

namespace NfvConformance.Suites.Drivers;

/// <summary>Reaches a facet of the target; a target without it makes the scenario not applicable, never failed.</summary>
internal static class TargetFacets
{
    /// <summary>Returns the facet, or marks the scenario not applicable.</summary>
    /// <typeparam name="T">The facet interface.</typeparam>
    /// <param name="run">The run.</param>
    /// <returns>The facet.</returns>
    /// <exception cref="ScenarioNotApplicableException">The target does not offer the facet.</exception>
    public static T Require<T>(RunContext run)
        where T : class =>
        run.Target.GetFeature<T>()
        ?? throw new ScenarioNotApplicableException($"target '{run.Target.Name}' does not offer {typeof(T).Name}");

    /// <summary>Returns a probe's trace, or marks the scenario not applicable when the target refused to send the probe.</summary>
    /// <param name="trace">The trace.</param>
    /// <param name="run">The run.</param>
    /// <returns>The trace.</returns>
    /// <exception cref="ScenarioNotApplicableException">The target could not send the probe as asked.</exception>
    public static Abstractions.ServiceChaining.ChainPathTrace Sent(Abstractions.ServiceChaining.ChainPathTrace trace, RunContext run) =>
        trace.Refusal is null ? trace : throw new ScenarioNotApplicableException($"target '{run.Target.Name}' cannot send this probe: {trace.Refusal}");
}
