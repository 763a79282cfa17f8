// Licensed under the Apache License, Version 2.0.
using System.Globalization;

namespace NfvConformance.Abstractions.Capabilities;

/// <summary>A capability value as an NFVI publishes it, with its unit and the evidence source that said so.</summary>
/// <param name="Raw">The value as text, as the catalogue writes it (<c>Yes</c>, <c>No</c>, <c>16</c>, <c>per selected flavour</c>).</param>
/// <param name="Unit">The unit from the catalogue (<c>Yes/No</c>, <c>number</c>, <c>MB</c>), if any.</param>
/// <param name="Source">Provenance: which evidence source published the value (for example <c>catalogue:high-performance</c> or <c>nic:0000:3b:00.0</c>).</param>
public sealed record CapabilityValue(string Raw, string? Unit, string Source)
{
    private static readonly string[] s_truthy = ["yes", "y", "true", "must", "supported", "on"];
    private static readonly string[] s_falsy = ["no", "n", "false", "not required", "none", "off", "0", "n/a", "unsupported"];

    /// <summary>Gets every evidence source consulted for this value, the winning one first (empty when only one source spoke).</summary>
    public IReadOnlyList<CapabilityEvidence> Evidence { get; init; } = [];

    /// <summary>Gets a value indicating whether the value states that the capability is offered.</summary>
    /// <remarks>Yes/true/must, and any positive number, are offered; No/false/0/none are not; any other text
    /// (for example <c>per selected flavour</c> or <c>optional</c>) counts as offered because the infrastructure
    /// exposes the capability, only without a fixed figure. A trailing note in parentheses is ignored
    /// (<c>No (as i.cap.018)</c> is not offered).</remarks>
    public bool IsOffered
    {
        get
        {
            string v = WithoutNote(Raw);
            if (v.Length == 0)
            {
                return false;
            }

            foreach (string t in s_truthy)
            {
                if (string.Equals(v, t, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            foreach (string f in s_falsy)
            {
                if (string.Equals(v, f, StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }
            }

            return !TryGetNumber(out double n) || n > 0;
        }
    }

    /// <summary>Reads the value as a number when it is one (a leading <c>&gt;=</c> is allowed).</summary>
    /// <param name="value">The number.</param>
    /// <returns>True when the value is numeric.</returns>
    public bool TryGetNumber(out double value)
    {
        string v = Raw.Trim();
        if (v.StartsWith(">=", StringComparison.Ordinal))
        {
            v = v[2..].Trim();
        }

        return double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    private static string WithoutNote(string raw)
    {
        string v = raw.Trim();
        int paren = v.IndexOf('(', StringComparison.Ordinal);
        return paren > 0 ? v[..paren].Trim() : v;
    }

    /// <inheritdoc />
    public override string ToString() => Unit is null ? Raw : $"{Raw} ({Unit})";
}
