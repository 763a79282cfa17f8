// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Core.Running;
using Reqnroll;

namespace NfvConformance.Suites.Support;

/// <summary>
/// The one place that decides whether a scenario applies to the target (STYLE §7.3): a scenario tagged
/// <c>@requires:&lt;capability&gt;</c> is not applicable, never failed, when no node of the target offers that capability
/// (a catalogue uid, a profile extension or a feature name); one tagged <c>@profile:&lt;name&gt;</c> applies only
/// to runs of that profile. Three forms name the target's shape instead of a capability, for scenarios written
/// against a multi-node target: <c>@requires:node:&lt;id&gt;</c> (a node with that id), <c>@requires:site:&lt;id&gt;</c>
/// (a node standing in that site) and <c>@requires:nodes:&lt;n&gt;</c> (at least n nodes, for anti-affinity).
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
            .Select(t => Unmet(t[RequiresPrefix.Length..], _run.Capabilities))
            .OfType<string>()];
        if (missing.Count > 0)
        {
            throw new ScenarioNotApplicableException($"target '{_run.Target.Name}' (profile {_run.Target.Profile}) {string.Join("; ", missing)}");
        }
    }

    /// <summary>Tells what the target lacks for one requirement, or null when it meets it.</summary>
    /// <param name="requirement">The tag's text after <c>requires:</c>.</param>
    /// <param name="capabilities">What the target publishes.</param>
    /// <returns>The unmet part as a phrase, or null.</returns>
    public static string? Unmet(string requirement, CapabilitySnapshot capabilities)
    {
        string[] parts = requirement.Split(':', 2);
        string? value = parts.Length == 2 ? parts[1] : null;
        return parts[0] switch
        {
            "node" when value is not null => capabilities.FindNode(value) is null
                ? $"has no node '{value}' (its nodes: {string.Join(", ", capabilities.Nodes.Select(n => n.Id))})"
                : null,
            "site" when value is not null => capabilities.Nodes.Any(n => n.Site == value)
                ? null
                : $"has no node in site '{value}' (its sites: {string.Join(", ", capabilities.Nodes.Select(n => n.Site).Distinct())})",
            "nodes" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int count) => capabilities.Nodes.Count >= count
                ? null
                : $"has {capabilities.Nodes.Count} node(s), fewer than the {count} the scenario spreads over",
            _ => capabilities.Publishes(requirement) ? null : $"does not publish {requirement}",
        };
    }
}
