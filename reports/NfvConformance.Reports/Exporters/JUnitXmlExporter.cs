// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Text;
using System.Xml;
using NfvConformance.Reports.Model;

namespace NfvConformance.Reports.Exporters;

/// <summary>
/// Writes <c>junit.xml</c> as Jenkins and GitLab read it: one testsuite per feature, one testcase per scenario,
/// requirement uids as testcase properties. Failed scenarios are failures; undefined, pending and ambiguous ones
/// are errors (nothing was verified); skipped and not-applicable ones are skipped with their reason, and so are
/// waived failures (the message names the waiver), because Jenkins and GitLab have no "waived" outcome.
/// </summary>
public sealed class JUnitXmlExporter : IReportExporter
{
    /// <summary>The file name.</summary>
    public const string FileName = "junit.xml";

    /// <inheritdoc />
    public string Name => "junit";

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> ExportAsync(RunSummary summary, string directory, CancellationToken cancellationToken = default)
    {
        string path = Path.Combine(directory, FileName);
        XmlWriterSettings settings = new() { Indent = true, Encoding = new UTF8Encoding(false), CheckCharacters = false };
        using (XmlWriter xml = XmlWriter.Create(path, settings))
        {
            Write(xml, summary);
        }

        return ValueTask.FromResult<IReadOnlyList<string>>([path]);
    }

    private static void Write(XmlWriter xml, RunSummary summary)
    {
        List<IGrouping<string, ScenarioSummary>> suites = summary.Scenarios.GroupBy(s => s.FeatureFile, StringComparer.Ordinal).ToList();
        RunTotals totals = summary.Totals;
        xml.WriteStartDocument();
        xml.WriteStartElement("testsuites");
        xml.WriteAttributeString("name", $"nfvc {summary.Run.Target} {summary.Run.Profile}");
        xml.WriteAttributeString("tests", Invariant(totals.Total));
        xml.WriteAttributeString("failures", Invariant(totals.Failed));
        xml.WriteAttributeString("errors", Invariant(totals.Undefined + totals.Pending + totals.Ambiguous));
        xml.WriteAttributeString("skipped", Invariant(totals.Skipped + totals.NotApplicable + totals.Waived));
        xml.WriteAttributeString("time", Seconds(summary.Scenarios.Sum(s => s.DurationMs)));
        xml.WriteAttributeString("timestamp", summary.Run.Started.ToString("s", CultureInfo.InvariantCulture));
        foreach (IGrouping<string, ScenarioSummary> suite in suites)
        {
            List<ScenarioSummary> cases = [.. suite];
            RunTotals t = RunTotals.From(cases);
            xml.WriteStartElement("testsuite");
            xml.WriteAttributeString("name", Clean(cases[0].Feature));
            xml.WriteAttributeString("file", Clean(suite.Key));
            xml.WriteAttributeString("tests", Invariant(t.Total));
            xml.WriteAttributeString("failures", Invariant(t.Failed));
            xml.WriteAttributeString("errors", Invariant(t.Undefined + t.Pending + t.Ambiguous));
            xml.WriteAttributeString("skipped", Invariant(t.Skipped + t.NotApplicable + t.Waived));
            xml.WriteAttributeString("time", Seconds(cases.Sum(s => s.DurationMs)));
            xml.WriteAttributeString("timestamp", summary.Run.Started.ToString("s", CultureInfo.InvariantCulture));
            foreach (ScenarioSummary s in cases)
            {
                WriteCase(xml, s);
            }

            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    private static void WriteCase(XmlWriter xml, ScenarioSummary s)
    {
        xml.WriteStartElement("testcase");
        xml.WriteAttributeString("name", Clean(s.Name));
        xml.WriteAttributeString("classname", Clean(s.Feature));
        xml.WriteAttributeString("file", Clean(s.Location));
        xml.WriteAttributeString("time", Seconds(s.DurationMs));
        xml.WriteStartElement("properties");
        foreach (string uid in s.Requirements)
        {
            Property(xml, "requirement", uid);
        }

        foreach (string tag in s.Tags)
        {
            Property(xml, "tag", tag);
        }

        Property(xml, "status", s.Status.ToWireName());
        xml.WriteEndElement();

        string detail = Clean(Detail(s));
        if (s.IsWaived)
        {
            Waiver w = s.Waiver!;
            xml.WriteStartElement("skipped");
            xml.WriteAttributeString("message", Clean($"waived: {w.Uid} by {w.Approver} until {w.Expires:yyyy-MM-dd} ({w.Reason}); failure: {FirstLine(s.Error ?? "failed")}"));
            xml.WriteEndElement();
            xml.WriteElementString("system-out", detail);
            xml.WriteEndElement();
            return;
        }

        switch (s.Status)
        {
            case ScenarioStatus.Failed:
                xml.WriteStartElement("failure");
                xml.WriteAttributeString("message", Clean(FirstLine(s.Error ?? "failed")));
                xml.WriteAttributeString("type", "failed");
                xml.WriteString(detail);
                xml.WriteEndElement();
                break;
            case ScenarioStatus.Undefined:
            case ScenarioStatus.Pending:
            case ScenarioStatus.Ambiguous:
                xml.WriteStartElement("error");
                xml.WriteAttributeString("message", Clean(FirstLine(s.Error ?? s.Status.ToWireName())));
                xml.WriteAttributeString("type", s.Status.ToWireName());
                xml.WriteString(detail);
                xml.WriteEndElement();
                break;
            case ScenarioStatus.Skipped:
            case ScenarioStatus.NotApplicable:
                xml.WriteStartElement("skipped");
                xml.WriteAttributeString("message", Clean($"{s.Status.ToWireName()}: {s.Reason ?? "no reason given"}"));
                xml.WriteEndElement();
                break;
            case ScenarioStatus.Passed:
            default:
                break;
        }

        xml.WriteElementString("system-out", detail);
        xml.WriteEndElement();
    }

    private static string Detail(ScenarioSummary s)
    {
        StringBuilder sb = new();
        foreach (StepSummary step in s.Steps)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{step.Status,-9} {step.Keyword}{step.Text}  # {step.Location}").Append('\n');
            if (step.Error is not null)
            {
                sb.Append("          ").Append(step.Error.Replace("\n", "\n          ", StringComparison.Ordinal)).Append('\n');
            }

            if (step.Snippet is not null)
            {
                sb.Append("          binding to add:\n").Append(step.Snippet).Append('\n');
            }
        }

        foreach (Abstractions.Measurements.Measurement m in s.Measurements)
        {
            sb.Append(CultureInfo.InvariantCulture, $"measurement {m.Name} = {m.Value} {m.Unit}");
            if (m.Target is not null)
            {
                sb.Append(CultureInfo.InvariantCulture, $" (target {m.Target}: {m.Verdict.ToString().ToLowerInvariant()})");
            }

            sb.Append('\n');
        }

        if (s.Error is not null && s.Steps.All(st => st.Error is null))
        {
            sb.Append(s.Error).Append('\n');
        }

        return sb.ToString();
    }

    private static void Property(XmlWriter xml, string name, string value)
    {
        xml.WriteStartElement("property");
        xml.WriteAttributeString("name", name);
        xml.WriteAttributeString("value", Clean(value));
        xml.WriteEndElement();
    }

    private static string FirstLine(string text)
    {
        int nl = text.IndexOf('\n', StringComparison.Ordinal);
        return nl < 0 ? text : text[..nl];
    }

    // XML 1.0 cannot carry most control characters; a step error or a device string may contain them.
    private static string Clean(string text)
    {
        StringBuilder? sb = null;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            bool ok = c is '\t' or '\n' or '\r' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) || char.IsSurrogate(c);
            if (!ok)
            {
                sb ??= new StringBuilder(text, 0, i, text.Length);
                sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                sb?.Append(c);
            }
        }

        return sb?.ToString() ?? text;
    }

    private static string Seconds(double ms) => (ms / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);

    private static string Invariant(int n) => n.ToString(CultureInfo.InvariantCulture);
}
