// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.Capabilities;

namespace NfvConformance.Core.Requirements;

/// <summary>Compares a published capability value with what the catalogue asks of a profile.</summary>
public static class CapabilityExpectation
{
    private static readonly string[] s_required = ["yes", "y", "must", "true", "supported"];
    private static readonly string[] s_notRequired = ["no", "n", "not required", "optional", "may", "n/a", "-", ""];

    /// <summary>Tells whether a published value meets the catalogue's value for a profile.</summary>
    /// <param name="published">What the target published, or null when it published nothing for the uid.</param>
    /// <param name="required">The catalogue's value for the profile (<c>Yes</c>, <c>No</c>, <c>&gt;= 16</c>, <c>per selected flavour</c>, ...).</param>
    /// <param name="explanation">Why it does or does not meet it, for the report.</param>
    /// <returns>True when the published value meets the requirement.</returns>
    public static bool IsMet(CapabilityValue? published, string required, out string explanation)
    {
        string req = required.Trim();
        if (s_notRequired.Contains(req.ToLowerInvariant(), StringComparer.Ordinal))
        {
            explanation = $"not required for this profile (catalogue: '{required}')";
            return true;
        }

        if (published is null)
        {
            explanation = $"the catalogue asks '{required}' but the target publishes nothing";
            return false;
        }

        if (s_required.Contains(req.ToLowerInvariant(), StringComparer.Ordinal))
        {
            explanation = published.IsOffered
                ? $"offered ('{published.Raw}' from {published.Source}) as the catalogue asks ('{required}')"
                : $"the catalogue asks '{required}' but the target publishes '{published.Raw}' ({published.Source})";
            return published.IsOffered;
        }

        if (TryParseMinimum(req, out double minimum))
        {
            if (!published.TryGetNumber(out double value))
            {
                explanation = $"the catalogue asks '{required}' but the published value '{published.Raw}' ({published.Source}) is not a number";
                return false;
            }

            explanation = FormattableString.Invariant($"published {value} ({published.Source}) against '{required}'");
            return value >= minimum;
        }

        // A value without a fixed figure ('per selected flavour'): the infrastructure must publish it.
        explanation = $"published '{published.Raw}' ({published.Source}); the catalogue asks '{required}'";
        return true;
    }

    private static bool TryParseMinimum(string text, out double minimum)
    {
        string t = text.StartsWith(">=", StringComparison.Ordinal) ? text[2..].Trim() : text;
        int end = 0;
        while (end < t.Length && (char.IsDigit(t[end]) || t[end] == '.'))
        {
            end++;
        }

        return double.TryParse(t.AsSpan(0, end), NumberStyles.Float, CultureInfo.InvariantCulture, out minimum) && end > 0;
    }
}
