// Licensed under the Apache License, Version 2.0.
using NfvConformance.Gherkin.Runtime;

namespace NfvConformance.Core.Requirements;

/// <summary>
/// How scenario tags name requirements: <c>@RM:e.cap.013</c>, <c>@RA1:inf.acc.03</c>, or <c>@req:&lt;uid&gt;</c>.
/// The rule itself lives in the scenario engine (<see cref="ScenarioInfo.RequirementUidsOf"/>) so that the runner,
/// the reports and the NUnit properties agree.
/// </summary>
public static class RequirementTags
{
    /// <summary>Returns the requirement uid a tag names, or null when the tag is not a requirement tag.</summary>
    /// <param name="tag">A tag, with or without its <c>@</c>.</param>
    /// <returns>The uid (for example <c>RM:e.cap.013</c>), or null.</returns>
    public static string? ToUid(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        IReadOnlyList<string> uids = ScenarioInfo.RequirementUidsOf([tag.StartsWith('@') ? tag : "@" + tag]);
        return uids.Count == 0 ? null : uids[0];
    }
}
