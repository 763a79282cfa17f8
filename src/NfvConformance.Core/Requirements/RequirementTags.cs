// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Core.Requirements;

/// <summary>
/// How scenario tags name requirements: <c>@RM:e.cap.013</c>, <c>@RA1:inf.acc.03</c>, or <c>@req:&lt;uid&gt;</c>.
/// One rule for the runner, the reports and the NUnit properties.
/// </summary>
public static class RequirementTags
{
    private static readonly string[] s_requirementPrefixes = ["@RM:", "@RA1:", "@RA2:", "@RC1:", "@RC2:"];

    /// <summary>Returns the requirement uid a tag names, or null when the tag is not a requirement tag.</summary>
    /// <param name="tag">A tag, with or without its <c>@</c>.</param>
    /// <returns>The uid (for example <c>RM:e.cap.013</c>), or null.</returns>
    public static string? ToUid(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        IReadOnlyList<string> uids = UidsOf([tag]);
        return uids.Count == 0 ? null : uids[0];
    }

    /// <summary>
    /// Extracts requirement uids from tags: <c>@req:X</c> gives <c>X</c>; <c>@RM:…</c>, <c>@RA1:…</c>, <c>@RA2:…</c>,
    /// <c>@RC1:…</c> and <c>@RC2:…</c> give the tag without <c>@</c>.
    /// </summary>
    /// <param name="tags">Tags, with or without <c>@</c> (Reqnroll gives them without).</param>
    /// <returns>The uids, each once, in tag order.</returns>
    public static IReadOnlyList<string> UidsOf(IEnumerable<string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        List<string> uids = [];
        foreach (string raw in tags)
        {
            string tag = raw.StartsWith('@') ? raw : "@" + raw;
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
