// Licensed under the Apache License, Version 2.0.
using NfvConformance.Core.Running;
using Reqnroll;

namespace NfvConformance.Suites.Support;

/// <summary>
/// The one place that decides whether a scenario applies to the target (STYLE §7.3): a scenario tagged
/// <c>@requires:&lt;capability&gt;</c> is not applicable, never failed, when no node of the target offers that capability
/// (a catalogue uid, a profile extension or a feature name); one tagged <c>@profile:&lt;name&gt;</c> applies only
/// to runs of that profile.
/// </summary>
[Binding]
public sealed class ApplicabilityHooks
{
    private const string RequiresPrefix = "requires:";
    private const string ProfilePrefix = "profile:";

    private readonly ScenarioInfo _scenario;
    private readonly RunContext _run;

    /// <summary>Creates the hooks for one scenario.</summary>
    /// <param name="scenario">The scenario (Reqnroll's; its combined tags include the feature's and the rule's).</param>
    /// <param name="run">The run.</param>
    public ApplicabilityHooks(ScenarioInfo scenario, RunContext run)
    {
        _scenario = scenario;
        _run = run;
    }

    /// <summary>Marks the scenario not applicable when the target lacks what it requires.</summary>
    /// <exception cref="ScenarioNotApplicableException">The scenario does not apply to this target or profile.</exception>
    [BeforeScenario(Order = -1000)]
    public void CheckApplicability()
    {
        List<string> profiles = [.. _scenario.CombinedTags.Where(t => t.StartsWith(ProfilePrefix, StringComparison.Ordinal)).Select(t => t[ProfilePrefix.Length..])];
        if (profiles.Count > 0 && !profiles.Contains(_run.Target.Profile, StringComparer.Ordinal))
        {
            throw new ScenarioNotApplicableException($"applies to profile {string.Join(" or ", profiles)}; this run uses profile '{_run.Target.Profile}'");
        }

        List<string> missing = [.. _scenario.CombinedTags
            .Where(t => t.StartsWith(RequiresPrefix, StringComparison.Ordinal))
            .Select(t => t[RequiresPrefix.Length..])
            .Where(c => !_run.Capabilities.Publishes(c))];
        if (missing.Count > 0)
        {
            throw new ScenarioNotApplicableException($"target '{_run.Target.Name}' (profile {_run.Target.Profile}) does not publish {string.Join(", ", missing)}");
        }
    }
}
