// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using NfvConformance.Abstractions.Measurements;
using NfvConformance.Reports.Model;

namespace NfvConformance.Reports.Exporters;

/// <summary>
/// Writes <c>summary.json</c>, the machine-readable result of a run (README "summary.json"). The keys of the
/// documented contract never change meaning; new keys may be added, and <c>schema_version</c> says which.
/// </summary>
public sealed class SummaryJsonExporter : IReportExporter
{
    /// <summary>The file name.</summary>
    public const string FileName = "summary.json";

    /// <summary>The version of the summary.json shape this exporter writes.</summary>
    public const string SchemaVersion = "1.1";

    /// <inheritdoc />
    public string Name => "json";

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> ExportAsync(RunSummary summary, string directory, CancellationToken cancellationToken = default)
    {
        string path = Path.Combine(directory, FileName);
        await using (FileStream stream = File.Create(path))
        {
            await using Utf8JsonWriter json = new(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.Default });
            Write(json, summary);
            await json.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        return [path];
    }

    /// <summary>Writes one scenario as a JSON object (also used for the live <c>results.ndjson</c> stream).</summary>
    /// <param name="json">The writer.</param>
    /// <param name="s">The scenario.</param>
    public static void WriteScenario(Utf8JsonWriter json, ScenarioSummary s)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(s);
        json.WriteStartObject();
        json.WriteString("id", s.Id);
        json.WriteString("feature", s.Feature);
        json.WriteString("feature_file", s.FeatureFile);
        json.WriteString("name", s.Name);
        json.WriteString("location", s.Location);
        WriteStrings(json, "tags", s.Tags);
        WriteStrings(json, "requirements", s.Requirements);
        json.WriteString("status", s.Status.ToWireName());
        if (s.IsWaived)
        {
            json.WriteBoolean("waived", true);
            WriteWaiver(json, "waiver", s.Waiver!);
        }

        json.WriteNumber("duration_ms", Math.Round(s.DurationMs, 3));
        if (s.Error is not null)
        {
            json.WriteString("error", s.Error);
        }

        if (s.Reason is not null)
        {
            json.WriteString("reason", s.Reason);
        }

        json.WriteStartArray("measurements");
        foreach (Measurement m in s.Measurements)
        {
            json.WriteStartObject();
            json.WriteString("name", m.Name);
            if (double.IsFinite(m.Value))
            {
                json.WriteNumber("value", m.Value);
            }
            else
            {
                json.WriteString("value", m.Value.ToString(CultureInfo.InvariantCulture));
            }

            json.WriteString("unit", m.Unit);
            if (m.Target is not null)
            {
                json.WriteString("target", m.Target);
            }

            if (m.Verdict != MeasurementVerdict.None)
            {
                json.WriteString("verdict", m.Verdict.ToString().ToLowerInvariant());
            }

            if (m.Spread is { } spread)
            {
                json.WriteStartObject("spread");
                json.WriteNumber("trials", spread.Trials);
                json.WriteNumber("min", spread.Min);
                json.WriteNumber("max", spread.Max);
                json.WriteNumber("stddev", spread.StdDev);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("steps");
        foreach (StepSummary step in s.Steps)
        {
            json.WriteStartObject();
            json.WriteString("keyword", step.Keyword);
            json.WriteString("text", step.Text);
            json.WriteString("status", step.Status);
            json.WriteString("location", step.Location);
            json.WriteNumber("duration_ms", Math.Round(step.DurationMs, 3));
            if (step.Error is not null)
            {
                json.WriteString("error", step.Error);
            }

            if (step.Snippet is not null)
            {
                json.WriteString("snippet", step.Snippet);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (s.Evidence is { } e)
        {
            WriteEvidence(json, e);
        }

        json.WriteEndObject();
    }

    private static void WriteEvidence(Utf8JsonWriter json, PerformanceEvidence e)
    {
        json.WriteStartObject("evidence");
        json.WriteStartArray("throughput");
        foreach (ThroughputPoint p in e.Throughput)
        {
            json.WriteStartObject();
            json.WriteNumber("frame_size", p.FrameSize);
            OptionalNumber(json, "ndr_pps", p.NdrPps);
            OptionalNumber(json, "pdr_pps", p.PdrPps);
            OptionalNumber(json, "line_rate_pps", p.LineRatePps);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("latency_percentiles");
        foreach (LatencyPercentile p in e.LatencyPercentiles)
        {
            json.WriteStartObject();
            Number(json, "percentile", p.Percentile);
            Number(json, "us", p.Microseconds);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("latency_cdf");
        foreach (CdfPoint p in e.LatencyCdf)
        {
            json.WriteStartObject();
            Number(json, "us", p.Microseconds);
            Number(json, "fraction", p.Fraction);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("search_trace");
        foreach (SearchTrial t in e.SearchTrace)
        {
            json.WriteStartObject();
            json.WriteNumber("iteration", t.Iteration);
            json.WriteNumber("frame_size", t.FrameSize);
            Number(json, "offered_pps", t.OfferedPps);
            Number(json, "loss_ratio", t.LossRatio);
            json.WriteBoolean("passed", t.Passed);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void OptionalNumber(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v)
        {
            Number(json, name, v);
        }
    }

    private static void Write(Utf8JsonWriter json, RunSummary summary)
    {
        RunInfo run = summary.Run;
        RunTotals totals = summary.Totals;
        json.WriteStartObject();
        json.WriteString("schema_version", SchemaVersion);
        json.WriteStartObject("run");
        json.WriteString("id", run.Id);
        json.WriteString("started", run.Started.ToString("O", CultureInfo.InvariantCulture));
        json.WriteString("finished", run.Finished.ToString("O", CultureInfo.InvariantCulture));
        json.WriteString("target", run.Target);
        json.WriteString("profile", run.Profile);
        json.WriteString("tool_version", run.ToolVersion);
        if (run.Tags is not null)
        {
            json.WriteString("tags", run.Tags);
        }

        json.WriteNumber("seed", run.Seed);
        json.WriteBoolean("interrupted", run.Interrupted);
        json.WriteEndObject();

        json.WriteStartObject("totals");
        json.WriteNumber("passed", totals.Passed);
        json.WriteNumber("failed", totals.Failed);
        json.WriteNumber("skipped", totals.Skipped);
        json.WriteNumber("undefined", totals.Undefined);
        json.WriteNumber("not_applicable", totals.NotApplicable);
        json.WriteNumber("pending", totals.Pending);
        json.WriteNumber("ambiguous", totals.Ambiguous);
        json.WriteNumber("waived", totals.Waived);
        json.WriteNumber("total", totals.Total);
        json.WriteEndObject();
        json.WriteBoolean("failed", summary.Failed);

        if (summary.Environment is { } env)
        {
            json.WriteStartObject("environment");
            json.WriteString("tool_version", env.ToolVersion);
            json.WriteString("os", env.Os);
            json.WriteString("cpu", env.Cpu);
            json.WriteNumber("cpu_count", env.CpuCount);
            WriteStrings(json, "nics", env.Nics);
            json.WriteString("config_hash", env.ConfigHash);
            json.WriteString("target_fingerprint", env.TargetFingerprint(run.Target));
            json.WriteEndObject();
        }

        json.WriteStartArray("waivers");
        foreach (Waiver w in summary.Waivers)
        {
            json.WriteStartObject();
            WriteWaiverFields(json, w);
            json.WriteBoolean("active", w.IsActiveAt(run.Started));
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartArray("requirements");
        foreach (RequirementTrace row in Traceability.Build(summary))
        {
            json.WriteStartObject();
            json.WriteString("uid", row.Uid);
            if (row.Requirement is { } r)
            {
                json.WriteString("kind", r.Kind);
                json.WriteString("title", r.Title);
                json.WriteString("location", r.Location);
                if (r.Strength is not null)
                {
                    json.WriteString("strength", r.Strength);
                }
            }

            json.WriteString("verdict", row.Verdict.ToWireName());
            WriteStrings(json, "scenarios", [.. row.Scenarios.Select(x => x.Id)]);
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartArray("trends");
        foreach (MeasurementTrend t in summary.Trends)
        {
            json.WriteStartObject();
            json.WriteString("scenario", t.ScenarioId);
            json.WriteString("measurement", t.Measurement);
            json.WriteString("unit", t.Unit);
            Number(json, "current", t.Current);
            Number(json, "median", t.Median);
            Number(json, "spread", t.Spread);
            Number(json, "score", t.Score);
            Number(json, "confidence", t.Confidence);
            json.WriteNumber("history_runs", t.History.Count);
            json.WriteString("direction", t.Direction == MeasurementDirection.HigherIsBetter ? "higher_is_better" : "lower_is_better");
            json.WriteString("verdict", t.Verdict switch
            {
                RegressionVerdict.InsufficientHistory => "insufficient_history",
                _ => t.Verdict.ToString().ToLowerInvariant(),
            });
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartArray("scenarios");
        foreach (ScenarioSummary s in summary.Scenarios)
        {
            WriteScenario(json, s);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteWaiver(Utf8JsonWriter json, string name, Waiver w)
    {
        json.WriteStartObject(name);
        WriteWaiverFields(json, w);
        json.WriteEndObject();
    }

    private static void WriteWaiverFields(Utf8JsonWriter json, Waiver w)
    {
        json.WriteString("uid", w.Uid);
        json.WriteString("reason", w.Reason);
        json.WriteString("approver", w.Approver);
        json.WriteString("expires", w.Expires.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        json.WriteString("location", w.Location);
    }

    // JSON has no NaN or infinity: an undefined statistic is null.
    private static void Number(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumber(name, Math.Round(value, 6));
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (string v in values)
        {
            json.WriteStringValue(v);
        }

        json.WriteEndArray();
    }
}
