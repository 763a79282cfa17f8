// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Text;
using NfvConformance.Abstractions.Measurements;
using NfvConformance.Reports.Model;

namespace NfvConformance.Reports.Internal;

/// <summary>Escaping and number formatting shared by the exporters.</summary>
internal static class Text
{
    /// <summary>Escapes for HTML text and attribute values (also safe inside SVG).</summary>
    public static string Html(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        StringBuilder sb = new(text.Length + 16);
        foreach (char c in text)
        {
            switch (c)
            {
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '&': sb.Append("&amp;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&#39;"); break;
                default:
                    // Control characters are not valid in XML (SVG) and never useful in a report.
                    if (c < 0x20 && c is not ('\n' or '\r' or '\t'))
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.ToString();
    }

    /// <summary>Escapes for GitHub-flavoured Markdown: HTML characters become entities, table and emphasis characters are backslashed.</summary>
    public static string Markdown(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        StringBuilder sb = new(text.Length + 16);
        foreach (char c in text)
        {
            switch (c)
            {
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '&': sb.Append("&amp;"); break;
                case '\n': case '\r': sb.Append(' '); break;
                case '|' or '*' or '_' or '`' or '[' or ']' or '\\' or '#' or '~':
                    sb.Append('\\').Append(c);
                    break;
                default: sb.Append(c); break;
            }
        }

        return sb.ToString();
    }

    /// <summary>Quotes a CSV field (RFC 4180), and defuses spreadsheet formulas.</summary>
    public static string Csv(string? text)
    {
        text ??= string.Empty;
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@')
        {
            text = "'" + text;
        }

        return text.AsSpan().IndexOfAny("\",\n\r") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }

    /// <summary>Formats a number with an SI prefix (2.5M, 640k), three significant digits.</summary>
    public static string Si(double value)
    {
        if (!double.IsFinite(value))
        {
            return value.ToString(CultureInfo.InvariantCulture);
        }

        double abs = Math.Abs(value);
        (double div, string suffix) = abs switch
        {
            >= 1e9 => (1e9, "G"),
            >= 1e6 => (1e6, "M"),
            >= 1e3 => (1e3, "k"),
            _ => (1.0, string.Empty),
        };
        return (value / div).ToString("0.##", CultureInfo.InvariantCulture) + suffix;
    }

    /// <summary>Formats a number invariantly, with at most <paramref name="decimals"/> decimals.</summary>
    public static string Num(double value, int decimals = 2) =>
        Math.Round(value, decimals).ToString(CultureInfo.InvariantCulture);

    /// <summary>Formats a measurement as <c>name = value unit (target: verdict)</c>.</summary>
    public static string Measurement(Measurement m)
    {
        string text = string.Create(CultureInfo.InvariantCulture, $"{m.Name} = {m.Value:0.######} {m.Unit}");
        return m.Target is null ? text : $"{text} (target {m.Target}: {m.Verdict.ToString().ToLowerInvariant()})";
    }

    /// <summary>The label a report shows for a scenario's outcome (waived failures show as waived).</summary>
    public static string StatusLabel(ScenarioSummary s) => s.IsWaived ? "waived" : s.Status.ToWireName();

    /// <summary>A remediation hint for a scenario that did not pass.</summary>
    public static string Remediation(ScenarioSummary s)
    {
        StepSummary? failing = s.FailingStep;
        return s.Status switch
        {
            ScenarioStatus.Undefined => "Add the step binding shown in the snippet to a [Binding] class under suites/, then re-run.",
            ScenarioStatus.Pending => "Finish the pending step binding (it throws a pending marker), then re-run.",
            ScenarioStatus.Ambiguous => "Two bindings match the same step text: make one pattern more specific.",
            ScenarioStatus.Failed when s.Measurements.Any(m => m.Verdict == MeasurementVerdict.Fail) =>
                "A measured figure missed its target: check the target's tuning (CPU pinning, hugepages, NIC queues) and the profile's targets under features/targets/, then re-run.",
            ScenarioStatus.Failed when s.Measurements.Any(m => m.Verdict == MeasurementVerdict.Inconclusive) =>
                "The measurement could not be trusted: check that the traffic generator reached the offered load and that nothing else loaded the host.",
            ScenarioStatus.Failed when failing is not null =>
                $"Check the target against the failing step '{failing.Keyword}{failing.Text}' ({failing.Location}) and the requirement it verifies; if the target cannot meet it yet, record a waiver with a reason, approver and expiry.",
            ScenarioStatus.Failed => "A hook failed before the steps ran: check the target's connectivity and configuration.",
            ScenarioStatus.NotApplicable => "The target does not publish a capability this scenario requires; nothing to fix unless the profile should offer it.",
            _ => string.Empty,
        };
    }
}
