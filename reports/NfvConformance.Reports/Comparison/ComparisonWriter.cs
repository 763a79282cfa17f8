// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Text;
using System.Text.Json;
using NfvConformance.Reports.Model;

namespace NfvConformance.Reports.Comparison;

/// <summary>Renders a <see cref="RunComparison"/> as plain text, Markdown or JSON.</summary>
public static class ComparisonWriter
{
    /// <summary>Renders the comparison for a terminal: the verdicts that differ first, then every measurement side by side.</summary>
    /// <param name="c">The comparison.</param>
    /// <returns>The text.</returns>
    public static string Text(RunComparison c)
    {
        ArgumentNullException.ThrowIfNull(c);
        StringBuilder sb = new();
        Header(sb, c, markdown: false);
        IReadOnlyList<ScenarioComparison> differ = c.DifferentVerdicts;
        sb.AppendLine(Inv($"Verdicts that differ ({differ.Count}):"));
        foreach (ScenarioComparison s in differ)
        {
            sb.AppendLine(Inv($"  {s.Id}  {s.Feature} / {s.Name}"));
            sb.AppendLine(Inv($"      A {s.StatusA.ToWireName()}{Because(s.ExplanationA)}"));
            sb.AppendLine(Inv($"      B {s.StatusB.ToWireName()}{Because(s.ExplanationB)}"));
        }

        List<(ScenarioComparison Scenario, MeasurementComparison Measurement)> rows = [.. c.Measurements];
        sb.AppendLine(Inv($"Measurements ({rows.Count}; tolerance {c.Options.TolerancePercent:0.##} % plus each run's noise band):"));
        foreach ((ScenarioComparison s, MeasurementComparison m) in rows)
        {
            sb.AppendLine(Inv($"  {Mark(m)} {s.Id}  {m.Name}: A {Num(m.A)}  B {Num(m.B)} {m.Unit}  delta {Pct(m.DeltaPercent)}  noise A {Band(m.NoisePercentA)} B {Band(m.NoisePercentB)}{(m.Note is null ? string.Empty : "  (" + m.Note + ")")}"));
        }

        Footer(sb, c);
        return sb.ToString();
    }

    /// <summary>Renders the comparison as Markdown tables (for docs and pull-request comments).</summary>
    /// <param name="c">The comparison.</param>
    /// <returns>The Markdown.</returns>
    public static string Markdown(RunComparison c)
    {
        ArgumentNullException.ThrowIfNull(c);
        StringBuilder sb = new();
        Header(sb, c, markdown: true);
        IReadOnlyList<ScenarioComparison> differ = c.DifferentVerdicts;
        sb.AppendLine(Inv($"### Verdicts that differ ({differ.Count})"));
        sb.AppendLine();
        sb.AppendLine("| scenario | A | B | B's reason or error |");
        sb.AppendLine("|---|---|---|---|");
        foreach (ScenarioComparison s in differ)
        {
            sb.AppendLine(Inv($"| `{s.Id}` {Cell(s.Name)} | {s.StatusA.ToWireName()} | {s.StatusB.ToWireName()} | {Cell(s.ExplanationB ?? s.ExplanationA ?? string.Empty)} |"));
        }

        sb.AppendLine();
        sb.AppendLine(Inv($"### Measurements (tolerance {c.Options.TolerancePercent:0.##} % plus each run's noise band)"));
        sb.AppendLine();
        sb.AppendLine("| scenario | measurement | A | B | unit | delta | noise A | noise B | within |");
        sb.AppendLine("|---|---|---:|---:|---|---:|---:|---:|---|");
        foreach ((ScenarioComparison s, MeasurementComparison m) in c.Measurements)
        {
            string within = m.Within switch { true => "yes", false => "**no**", null => m.Note ?? "-" };
            sb.AppendLine(Inv($"| `{s.Id}` | {Cell(m.Name)} | {Num(m.A)} | {Num(m.B)} | {m.Unit} | {Pct(m.DeltaPercent)} | {Band(m.NoisePercentA)} | {Band(m.NoisePercentB)} | {within} |"));
        }

        sb.AppendLine();
        Footer(sb, c);
        return sb.ToString();
    }

    /// <summary>Renders the comparison as JSON (the contract is in docs/reports.md).</summary>
    /// <param name="c">The comparison.</param>
    /// <returns>The JSON text.</returns>
    public static string Json(RunComparison c)
    {
        ArgumentNullException.ThrowIfNull(c);
        using MemoryStream ms = new();
        using (Utf8JsonWriter w = new(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            WriteRun(w, "a", c.A);
            WriteRun(w, "b", c.B);
            w.WriteNumber("runs_of_b", c.RepeatsOfB);
            w.WriteNumber("tolerance_percent", c.Options.TolerancePercent);
            w.WriteNumber("scenarios_compared", c.Scenarios.Count);
            w.WriteNumber("verdicts_differ", c.DifferentVerdicts.Count);
            w.WriteNumber("measurements_outside_tolerance", c.MeasurementsOutsideTolerance);
            w.WriteStartArray("scenarios");
            foreach (ScenarioComparison s in c.Scenarios)
            {
                w.WriteStartObject();
                w.WriteString("id", s.Id);
                w.WriteString("feature", s.Feature);
                w.WriteString("name", s.Name);
                w.WriteString("status_a", s.StatusA.ToWireName());
                w.WriteString("status_b", s.StatusB.ToWireName());
                w.WriteBoolean("verdict_differs", s.VerdictDiffers);
                OptString(w, "explanation_a", s.ExplanationA);
                OptString(w, "explanation_b", s.ExplanationB);
                w.WriteStartArray("measurements");
                foreach (MeasurementComparison m in s.Measurements)
                {
                    w.WriteStartObject();
                    w.WriteString("name", m.Name);
                    w.WriteString("unit", m.Unit);
                    OptNumber(w, "a", m.A);
                    OptNumber(w, "b", m.B);
                    OptNumber(w, "delta_percent", m.DeltaPercent);
                    OptNumber(w, "noise_percent_a", m.NoisePercentA);
                    OptNumber(w, "noise_percent_b", m.NoisePercentB);
                    if (m.Within is bool within)
                    {
                        w.WriteBoolean("within_tolerance", within);
                    }
                    else
                    {
                        w.WriteNull("within_tolerance");
                    }

                    OptString(w, "note", m.Note);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            WriteIds(w, "only_in_a", c.OnlyInA);
            WriteIds(w, "only_in_b", c.OnlyInB);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(ms.ToArray()) + Environment.NewLine;
    }

    private static void Header(StringBuilder sb, RunComparison c, bool markdown)
    {
        string bullet = markdown ? "- " : string.Empty;
        sb.AppendLine(Inv($"{bullet}A: {c.A.Id} (target {c.A.Target}, profile {c.A.Profile}, tool {c.A.ToolVersion})"));
        sb.AppendLine(Inv($"{bullet}B: {c.B.Id} (target {c.B.Target}, profile {c.B.Profile}, tool {c.B.ToolVersion}){(c.RepeatsOfB > 1 ? $", {c.RepeatsOfB} runs for its noise band" : string.Empty)}"));
        sb.AppendLine(Inv($"{bullet}{c.Scenarios.Count} scenarios in both: {c.DifferentVerdicts.Count} verdicts differ; {c.MeasurementsOutsideTolerance} of {c.Measurements.Count()} measurements outside tolerance"));
        if (markdown)
        {
            sb.AppendLine();
        }
    }

    private static void Footer(StringBuilder sb, RunComparison c)
    {
        if (c.OnlyInA.Count > 0)
        {
            sb.AppendLine(Inv($"Only in A ({c.OnlyInA.Count}): {string.Join(", ", c.OnlyInA)}"));
        }

        if (c.OnlyInB.Count > 0)
        {
            sb.AppendLine(Inv($"Only in B ({c.OnlyInB.Count}): {string.Join(", ", c.OnlyInB)}"));
        }
    }

    private static void WriteRun(Utf8JsonWriter w, string name, RunInfo run)
    {
        w.WriteStartObject(name);
        w.WriteString("id", run.Id);
        w.WriteString("target", run.Target);
        w.WriteString("profile", run.Profile);
        w.WriteString("tool_version", run.ToolVersion);
        w.WriteEndObject();
    }

    private static void WriteIds(Utf8JsonWriter w, string name, IReadOnlyList<string> ids)
    {
        w.WriteStartArray(name);
        foreach (string id in ids)
        {
            w.WriteStringValue(id);
        }

        w.WriteEndArray();
    }

    private static void OptNumber(Utf8JsonWriter w, string name, double? value)
    {
        if (value is double v && double.IsFinite(v))
        {
            w.WriteNumber(name, Math.Round(v, 6));
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void OptString(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static string Mark(MeasurementComparison m) => m.Within switch { true => " ", false => "!", null => "?" };

    private static string Because(string? explanation) => explanation is null ? string.Empty : ": " + FirstLine(explanation);

    private static string FirstLine(string text)
    {
        int end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }

    private static string Cell(string text) => FirstLine(text).Replace("|", "\\|", StringComparison.Ordinal);

    private static string Num(double? v) => v is double d ? d.ToString("G6", CultureInfo.InvariantCulture) : "-";

    private static string Pct(double? v) => v is double d ? d.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + " %" : "-";

    private static string Band(double? v) => v is double d ? "±" + d.ToString("0.0", CultureInfo.InvariantCulture) + " %" : "-";

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
