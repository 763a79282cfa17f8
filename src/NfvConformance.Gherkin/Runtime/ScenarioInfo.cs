// Licensed under the Apache License, Version 2.0.
using NfvConformance.Gherkin.Pickles;

namespace NfvConformance.Gherkin.Runtime;

/// <summary>
/// What a running scenario is; injectable into bindings and hooks. In after-scenario hooks <see cref="Status"/>
/// and <see cref="Error"/> say how it went.
/// </summary>
public sealed class ScenarioInfo
{
    private static readonly string[] s_requirementPrefixes = ["@RM:", "@RA1:", "@RA2:", "@RC1:", "@RC2:"];

    /// <summary>Creates the information for a pickle.</summary>
    /// <param name="pickle">The scenario.</param>
    public ScenarioInfo(Pickle pickle)
    {
        ArgumentNullException.ThrowIfNull(pickle);
        Pickle = pickle;
        Tags = pickle.Tags.Select(t => t.Name).ToArray();
        RequirementUids = RequirementUidsOf(Tags);
    }

    /// <summary>Gets the pickle.</summary>
    public Pickle Pickle { get; }

    /// <summary>Gets the scenario's name (outline placeholders substituted).</summary>
    public string Title => Pickle.Name;

    /// <summary>Gets the tags as written, with <c>@</c>, inherited ones first.</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>
    /// Gets the requirement uids the tags name: <c>@req:X</c> gives <c>X</c>; <c>@RM:…</c>, <c>@RA1:…</c>,
    /// <c>@RA2:…</c>, <c>@RC1:…</c> and <c>@RC2:…</c> give the tag without <c>@</c>.
    /// </summary>
    public IReadOnlyList<string> RequirementUids { get; }

    /// <summary>Gets the feature's name.</summary>
    public string FeatureName => Pickle.FeatureName;

    /// <summary>Gets the rule's name, if the scenario is inside one.</summary>
    public string? RuleName => Pickle.RuleName;

    /// <summary>Gets the feature file.</summary>
    public string Uri => Pickle.Uri;

    /// <summary>Gets where the scenario (or its example row) is written.</summary>
    public Location Location => Pickle.Location;

    /// <summary>Gets the step being run, or null outside steps.</summary>
    public PickleStep? CurrentStep { get; internal set; }

    /// <summary>Gets the outcome so far: null while the scenario runs, set before after-scenario hooks run.</summary>
    public ScenarioStatus? Status { get; internal set; }

    /// <summary>Gets the exception that failed the scenario, if any (set before after-scenario hooks run).</summary>
    public Exception? Error { get; internal set; }

    /// <summary>Extracts requirement uids from tags (see <see cref="RequirementUids"/>).</summary>
    /// <param name="tags">Tags with <c>@</c>.</param>
    /// <returns>The uids, each once, in tag order.</returns>
    public static IReadOnlyList<string> RequirementUidsOf(IEnumerable<string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        List<string> uids = [];
        foreach (string tag in tags)
        {
            string? uid = null;
            if (tag.StartsWith("@req:", StringComparison.Ordinal) && tag.Length > 5)
            {
                uid = tag[5..];
            }
            else
            {
                foreach (string prefix in s_requirementPrefixes)
                {
                    if (tag.StartsWith(prefix, StringComparison.Ordinal) && tag.Length > prefix.Length)
                    {
                        uid = tag[1..];
                        break;
                    }
                }
            }

            if (uid is not null && !uids.Contains(uid, StringComparer.Ordinal))
            {
                uids.Add(uid);
            }
        }

        return uids;
    }
}

/// <summary>What a feature is; passed to <c>[BeforeFeature]</c> and <c>[AfterFeature]</c> hooks that take it.</summary>
public sealed class FeatureInfo
{
    internal FeatureInfo(string name, string uri, IReadOnlyList<string> tags)
    {
        Name = name;
        Uri = uri;
        Tags = tags;
    }

    /// <summary>Gets the feature's name.</summary>
    public string Name { get; }

    /// <summary>Gets the feature file.</summary>
    public string Uri { get; }

    /// <summary>Gets the tags every scenario of the feature carries (the feature's own tags, and any shared by all its scenarios).</summary>
    public IReadOnlyList<string> Tags { get; }
}
