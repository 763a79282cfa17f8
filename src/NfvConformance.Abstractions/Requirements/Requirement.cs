// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Abstractions.Requirements;

/// <summary>One entry of the requirement catalogue: a requirement, a capability, a measurement or a gap.</summary>
/// <param name="Uid">The catalogue uid, <c>&lt;DOC&gt;:&lt;id&gt;</c> (for example <c>RA1:inf.acc.03</c>).</param>
/// <param name="Id">The id inside its document.</param>
/// <param name="Kind">requirement, exposed-capability, internal-capability, performance-measurement or gap.</param>
/// <param name="Title">What it asks, in one line (a paraphrase of the specification).</param>
/// <param name="Strength">MUST, SHOULD, MAY, MUST NOT or SHOULD NOT, when the entry has one.</param>
/// <param name="Category">The catalogue category.</param>
/// <param name="Topics">Topics such as <c>networking</c>, <c>sfc</c>, <c>sriov</c>.</param>
/// <param name="Status">The lifecycle status text (current, legacy, removed, open), when given.</param>
/// <param name="Location">Where the entry is written, as <c>file:line</c>.</param>
public sealed record Requirement(
    string Uid,
    string Id,
    string Kind,
    string Title,
    string? Strength,
    string? Category,
    IReadOnlyList<string> Topics,
    string? Status,
    string Location)
{
    /// <summary>Gets a value indicating whether the entry is a gap (something the specifications say is missing).</summary>
    public bool IsGap => string.Equals(Kind, "gap", StringComparison.Ordinal);

    /// <summary>Gets a value indicating whether the entry exists only in an old release (dropped, removed or legacy-only).</summary>
    public bool IsLegacyOnly
    {
        get
        {
            if (Status is null)
            {
                return false;
            }

            string s = Status.TrimStart();
            return s.StartsWith("legacy", StringComparison.OrdinalIgnoreCase)
                || s.StartsWith("removed", StringComparison.OrdinalIgnoreCase)
                || s.StartsWith("RM v1.0", StringComparison.OrdinalIgnoreCase)
                || s.StartsWith("listed in Baldy", StringComparison.OrdinalIgnoreCase)
                || s.StartsWith("present in Kali only", StringComparison.OrdinalIgnoreCase)
                || s.Contains("dropped", StringComparison.OrdinalIgnoreCase);
        }
    }
}
