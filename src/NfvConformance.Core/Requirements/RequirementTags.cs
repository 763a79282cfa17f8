// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Core.Requirements;

/// <summary>How scenario tags name requirements: <c>@RM:e.cap.013</c>, <c>@RA1:inf.acc.03</c>, or <c>@req:&lt;uid&gt;</c>.</summary>
public static class RequirementTags
{
    private static readonly string[] s_documents = ["RM", "RA1", "RA2", "RC1", "RC2"];

    /// <summary>Returns the requirement uid a tag names, or null when the tag is not a requirement tag.</summary>
    /// <param name="tag">A tag, with or without its <c>@</c>.</param>
    /// <returns>The uid (for example <c>RM:e.cap.013</c>), or null.</returns>
    public static string? ToUid(string tag)
    {
        string t = tag.StartsWith('@') ? tag[1..] : tag;
        if (t.StartsWith("req:", StringComparison.Ordinal))
        {
            return t[4..];
        }

        int colon = t.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && colon < t.Length - 1 && s_documents.Contains(t[..colon], StringComparer.Ordinal))
        {
            return t;
        }

        return null;
    }

    /// <summary>Returns the uids named by a set of tags, in order, without duplicates.</summary>
    /// <param name="tags">The tags.</param>
    /// <returns>The uids.</returns>
    public static IReadOnlyList<string> Extract(IEnumerable<string> tags)
    {
        List<string> uids = [];
        foreach (string tag in tags)
        {
            if (ToUid(tag) is { } uid && !uids.Contains(uid, StringComparer.Ordinal))
            {
                uids.Add(uid);
            }
        }

        return uids;
    }
}
