// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using NfvConformance.Abstractions.Measurements;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Reports.Internal;
using NfvConformance.Reports.Model;

namespace NfvConformance.Reports.Exporters;

/// <summary>
/// Writes <c>allure-results/</c>: one <c>*-result.json</c> per scenario in Allure's result format (name, fullName,
/// historyId, status, statusDetails, start/stop, steps, labels, links, parameters, attachments), the charts and the
/// search trace as attachments, plus <c>environment.properties</c> and <c>categories.json</c>. Status mapping:
/// failed → failed; undefined, pending, ambiguous → broken; skipped and not applicable → skipped; a waived failure →
/// skipped with the waiver in the message. Labels: epic = profile, feature, story and <c>requirement</c> per uid,
/// <c>tag</c> per tag, severity from the strongest requirement (MUST → critical, SHOULD → normal, MAY → minor).
/// Ids are derived from the run and scenario ids, so the same run always gives the same files.
/// </summary>
public sealed class AllureResultsExporter : IReportExporter
{
    /// <summary>The folder name in the run folder.</summary>
    public const string DirectoryName = "allure-results";

    private static readonly JsonWriterOptions s_json = new() { Indented = true, Encoder = JavaScriptEncoder.Default };

    /// <inheritdoc />
    public string Name => "allure";

    /// <summary>Maps a scenario to its Allure status.</summary>
    /// <param name="s">The scenario.</param>
    /// <returns>passed, failed, broken or skipped.</returns>
    public static string AllureStatus(ScenarioSummary s)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (s.IsWaived)
        {
            return "skipped";
        }

        return s.Status switch
        {
            ScenarioStatus.Passed => "passed",
            ScenarioStatus.Failed => "failed",
            ScenarioStatus.Undefined or ScenarioStatus.Pending or ScenarioStatus.Ambiguous => "broken",
            _ => "skipped",
        };
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> ExportAsync(RunSummary summary, string directory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(summary);
        string dir = Path.Combine(directory, DirectoryName);
        Directory.CreateDirectory(dir);
        List<string> written = [];
        Dictionary<string, Requirement> catalogue = summary.Requirements.DistinctBy(r => r.Uid, StringComparer.Ordinal).ToDictionary(r => r.Uid, StringComparer.Ordinal);
        long clock = summary.Run.Started.ToUnixTimeMilliseconds();
        foreach (ScenarioSummary s in summary.Scenarios)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string uuid = Uuid(summary.Run.Id + "\n" + s.Id);
            List<(string Name, string Source, string Type)> attachments = [];
            foreach ((string name, string svg) in ReportCharts.ForScenario(s))
            {
                string source = $"{uuid}-{name}-attachment.svg";
                await File.WriteAllTextAsync(Path.Combine(dir, source), svg, new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
                written.Add(Path.Combine(dir, source));
                attachments.Add((name, source, "image/svg+xml"));
            }

            if (s.Evidence is { SearchTrace.Count: > 0 } e)
            {
                string source = $"{uuid}-search-trace-attachment.csv";
                StringBuilder csv = new("iteration,frame_size,offered_pps,loss_ratio,passed\n");
                foreach (SearchTrial t in e.SearchTrace)
                {
                    csv.Append(CultureInfo.InvariantCulture, $"{t.Iteration},{t.FrameSize},{t.OfferedPps},{t.LossRatio},{(t.Passed ? "true" : "false")}\n");
                }

                await File.WriteAllTextAsync(Path.Combine(dir, source), csv.ToString(), new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
                written.Add(Path.Combine(dir, source));
                attachments.Add(("search trace (CSV)", source, "text/csv"));
            }

            long start = clock;
            long stop = start + (long)Math.Ceiling(s.DurationMs);
            clock = stop;
            string path = Path.Combine(dir, uuid + "-result.json");
            await using (FileStream stream = File.Create(path))
            {
                await using Utf8JsonWriter json = new(stream, s_json);
                WriteResult(json, summary, s, uuid, start, stop, catalogue, attachments);
                await json.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            written.Add(path);
        }

        string env = Path.Combine(dir, "environment.properties");
        await File.WriteAllTextAsync(env, EnvironmentProperties(summary), new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
        written.Add(env);
        string categories = Path.Combine(dir, "categories.json");
        await File.WriteAllTextAsync(categories, """
            [
              { "name": "Measured figure below target", "matchedStatuses": ["failed"], "messageRegex": ".*(target|below|above).*" },
              { "name": "Not verified (undefined, pending or ambiguous step)", "matchedStatuses": ["broken"] },
              { "name": "Waived failures", "matchedStatuses": ["skipped"], "messageRegex": "^waived:.*" }
            ]

            """, new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
        written.Add(categories);
        return written;
    }

    private static void WriteResult(Utf8JsonWriter json, RunSummary summary, ScenarioSummary s, string uuid, long start, long stop, Dictionary<string, Requirement> catalogue, List<(string Name, string Source, string Type)> attachments)
    {
        json.WriteStartObject();
        json.WriteString("uuid", uuid);
        json.WriteString("historyId", Hex(summary.Run.Profile + "\n" + s.Id));
        json.WriteString("testCaseId", Hex(s.Id));
        json.WriteString("name", s.Name);
        json.WriteString("fullName", $"{s.Feature}: {s.Name}");
        json.WriteString("description", $"{s.Location}; requirements: {(s.Requirements.Count == 0 ? "none" : string.Join(", ", s.Requirements))}");
        json.WriteString("status", AllureStatus(s));
        json.WriteStartObject("statusDetails");
        string? message = s.IsWaived
            ? $"waived: {s.Waiver!.Uid} by {s.Waiver.Approver} until {s.Waiver.Expires:yyyy-MM-dd} ({s.Waiver.Reason}); failure: {s.Error}"
            : s.Error ?? s.Reason;
        if (message is not null)
        {
            json.WriteString("message", message);
        }

        if (s.Status.FailsRun() && !s.IsWaived)
        {
            json.WriteString("trace", Text.Remediation(s));
        }

        json.WriteBoolean("known", s.IsWaived);
        json.WriteBoolean("muted", false);
        json.WriteBoolean("flaky", false);
        json.WriteEndObject();
        json.WriteString("stage", "finished");
        json.WriteNumber("start", start);
        json.WriteNumber("stop", stop);

        json.WriteStartArray("labels");
        Label(json, "framework", "nfvc");
        Label(json, "language", "gherkin");
        Label(json, "host", summary.Run.Target);
        Label(json, "epic", "profile " + summary.Run.Profile);
        Label(json, "parentSuite", summary.Run.Target);
        Label(json, "suite", s.Feature);
        Label(json, "feature", s.Feature);
        foreach (string uid in s.Requirements)
        {
            Label(json, "story", uid);
            Label(json, "requirement", uid);
        }

        foreach (string tag in s.Tags)
        {
            Label(json, "tag", tag.TrimStart('@'));
        }

        Label(json, "severity", Severity(s, catalogue));
        json.WriteEndArray();

        json.WriteStartArray("links");
        foreach (string uid in s.Requirements)
        {
            json.WriteStartObject();
            json.WriteString("name", uid);
            json.WriteString("url", "#requirement:" + Uri.EscapeDataString(uid));
            json.WriteString("type", "tms");
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartArray("parameters");
        Parameter(json, "target", summary.Run.Target);
        Parameter(json, "profile", summary.Run.Profile);
        foreach (Measurement m in s.Measurements)
        {
            string value = string.Create(CultureInfo.InvariantCulture, $"{m.Value:0.######} {m.Unit}") + (m.Target is null ? string.Empty : $" (target {m.Target}: {m.Verdict.ToString().ToLowerInvariant()})");
            Parameter(json, m.Name, value);
        }

        json.WriteEndArray();

        json.WriteStartArray("steps");
        long t = start;
        foreach (StepSummary step in s.Steps)
        {
            long stepStop = t + (long)Math.Ceiling(step.DurationMs);
            json.WriteStartObject();
            json.WriteString("name", step.Keyword + step.Text);
            json.WriteString("status", step.Status switch
            {
                "passed" => "passed",
                "failed" => "failed",
                "undefined" or "pending" or "ambiguous" => "broken",
                _ => "skipped",
            });
            json.WriteStartObject("statusDetails");
            if (step.Error is not null)
            {
                json.WriteString("message", step.Error);
            }

            if (step.Snippet is not null)
            {
                json.WriteString("trace", step.Snippet);
            }

            json.WriteEndObject();
            json.WriteString("stage", "finished");
            json.WriteNumber("start", t);
            json.WriteNumber("stop", stepStop);
            json.WriteStartArray("steps");
            json.WriteEndArray();
            json.WriteStartArray("attachments");
            json.WriteEndArray();
            json.WriteStartArray("parameters");
            Parameter(json, "location", step.Location);
            json.WriteEndArray();
            json.WriteEndObject();
            t = stepStop;
        }

        json.WriteEndArray();

        json.WriteStartArray("attachments");
        foreach ((string name, string source, string type) in attachments)
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("source", source);
            json.WriteString("type", type);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static string Severity(ScenarioSummary s, Dictionary<string, Requirement> catalogue)
    {
        IEnumerable<string> strengths = s.Requirements.Select(u => catalogue.GetValueOrDefault(u)?.Strength ?? string.Empty);
        return strengths.Any(x => x.StartsWith("MUST", StringComparison.Ordinal)) ? "critical"
            : strengths.Any(x => x.StartsWith("SHOULD", StringComparison.Ordinal)) ? "normal"
            : strengths.Any(x => x.StartsWith("MAY", StringComparison.Ordinal)) ? "minor"
            : "normal";
    }

    private static string EnvironmentProperties(RunSummary summary)
    {
        StringBuilder p = new();
        Property(p, "run", summary.Run.Id);
        Property(p, "target", summary.Run.Target);
        Property(p, "profile", summary.Run.Profile);
        Property(p, "nfvc", summary.Run.ToolVersion);
        if (summary.Environment is { } env)
        {
            Property(p, "os", env.Os);
            Property(p, "cpu", $"{env.Cpu} x {env.CpuCount}");
            Property(p, "nics", string.Join(", ", env.Nics));
            Property(p, "config_hash", env.ConfigHash);
        }

        return p.ToString();
    }

    // Java properties: backslash, newlines and the separators are escaped; non-ASCII and markup characters as \uXXXX.
    private static void Property(StringBuilder p, string key, string value)
    {
        p.Append(key).Append('=');
        foreach (char c in value)
        {
            switch (c)
            {
                case '\\': p.Append("\\\\"); break;
                case '\n': p.Append("\\n"); break;
                case '\r': p.Append("\\r"); break;
                case '=' or ':' or '#' or '!': p.Append('\\').Append(c); break;
                default:
                    // Markup characters too, so nothing that reads this file as HTML can be fed a tag.
                    if (c < 0x20 || c > 0x7e || c is '<' or '>' or '&' or '"' or '\'')
                    {
                        p.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    }
                    else
                    {
                        p.Append(c);
                    }

                    break;
            }
        }

        p.Append('\n');
    }

    private static void Label(Utf8JsonWriter json, string name, string value)
    {
        json.WriteStartObject();
        json.WriteString("name", name);
        json.WriteString("value", value);
        json.WriteEndObject();
    }

    private static void Parameter(Utf8JsonWriter json, string name, string value)
    {
        json.WriteStartObject();
        json.WriteString("name", name);
        json.WriteString("value", value);
        json.WriteEndObject();
    }

    private static string Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];

    private static string Uuid(string text)
    {
        byte[] b = SHA256.HashData(Encoding.UTF8.GetBytes(text))[..16];
        // RFC 9562 version 8 (custom) with the RFC variant bits.
        b[6] = (byte)((b[6] & 0x0F) | 0x80);
        b[8] = (byte)((b[8] & 0x3F) | 0x80);
        string h = Convert.ToHexStringLower(b);
        return $"{h[..8]}-{h[8..12]}-{h[12..16]}-{h[16..20]}-{h[20..]}";
    }
}
