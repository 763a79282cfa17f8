// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Text.Json;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Measurements;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Reports.Model;

namespace NfvConformance.Reports.Exporters;

/// <summary>
/// Reads a <c>summary.json</c> back into a <see cref="RunSummary"/>, so <c>nfvc report RUN</c> can re-render every
/// report of a finished run (for example with new waivers). Trends and other-profile verdicts are not read: they are
/// recomputed from the history. The capability snapshot is not in summary.json and stays null.
/// </summary>
public static class SummaryJsonReader
{
    /// <summary>Reads a summary.json file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels reading.</param>
    /// <returns>The run.</returns>
    /// <exception cref="ConfigurationException">Missing or malformed; the message names the file, the line or JSON path, and what to do.</exception>
    public static async Task<RunSummary> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new ConfigurationException($"{path}: not found; give a run folder written by 'nfvc run' (it holds summary.json).");
        }

        JsonDocument doc;
        try
        {
            await using FileStream stream = File.OpenRead(path);
            doc = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw new ConfigurationException($"{path}:{(ex.LineNumber ?? 0) + 1}: not valid JSON ({ex.Message}); restore the file from the evidence bundle or re-run.", ex);
        }

        using (doc)
        {
            try
            {
                return Read(doc.RootElement);
            }
            catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new ConfigurationException($"{path}: not an nfvc summary.json ({ex.Message}); see docs/summary.schema.json.", ex);
            }
        }
    }

    private static RunSummary Read(JsonElement root)
    {
        JsonElement run = Get(root, "run");
        DateTimeOffset started = Time(Get(run, "started"));
        RunInfo info = new()
        {
            Id = Str(run, "id"),
            Started = started,
            Finished = Time(Get(run, "finished")),
            Target = Str(run, "target"),
            Profile = Str(run, "profile"),
            ToolVersion = Str(run, "tool_version"),
            Tags = OptStr(run, "tags"),
            Seed = run.TryGetProperty("seed", out JsonElement seed) ? seed.GetInt32() : 0,
            Interrupted = run.TryGetProperty("interrupted", out JsonElement i) && i.GetBoolean(),
        };

        List<Waiver> waivers = [];
        if (root.TryGetProperty("waivers", out JsonElement ws))
        {
            waivers.AddRange(ws.EnumerateArray().Select(ReadWaiver));
        }

        List<Requirement> requirements = [];
        if (root.TryGetProperty("requirements", out JsonElement rs))
        {
            foreach (JsonElement r in rs.EnumerateArray())
            {
                if (OptStr(r, "title") is not { } title)
                {
                    continue;
                }

                string uid = Str(r, "uid");
                int colon = uid.IndexOf(':', StringComparison.Ordinal);
                requirements.Add(new Requirement(uid, colon < 0 ? uid : uid[(colon + 1)..], OptStr(r, "kind") ?? "requirement", title, OptStr(r, "strength"), null, [], null, OptStr(r, "location") ?? string.Empty));
            }
        }

        EnvironmentFingerprint? env = null;
        if (root.TryGetProperty("environment", out JsonElement e))
        {
            env = new EnvironmentFingerprint
            {
                ToolVersion = Str(e, "tool_version"),
                Os = Str(e, "os"),
                Cpu = Str(e, "cpu"),
                CpuCount = Get(e, "cpu_count").GetInt32(),
                Nics = [.. Get(e, "nics").EnumerateArray().Select(n => n.GetString()!)],
                ConfigHash = Str(e, "config_hash"),
            };
        }

        List<ScenarioSummary> scenarios = [.. Get(root, "scenarios").EnumerateArray().Select(ReadScenario)];
        return new RunSummary { Run = info, Scenarios = scenarios, Requirements = requirements, Environment = env, Waivers = waivers };
    }

    private static ScenarioSummary ReadScenario(JsonElement s)
    {
        string status = Str(s, "status");
        ScenarioStatus parsed = Enum.GetValues<ScenarioStatus>().FirstOrDefault(v => v.ToWireName() == status, (ScenarioStatus)(-1));
        if ((int)parsed < 0)
        {
            throw new FormatException($"scenario {Str(s, "id")}: unknown status '{status}'");
        }

        return new ScenarioSummary
        {
            // A run written before an area was renamed reads under the area's current name (docs/areas.md), so that
            // `nfvc compare` and the history match its scenarios with today's.
            Id = AreaNames.CurrentScenarioPath(Str(s, "id")),
            Feature = Str(s, "feature"),
            FeatureFile = AreaNames.CurrentScenarioPath(OptStr(s, "feature_file") ?? Str(s, "location")),
            Name = Str(s, "name"),
            Location = AreaNames.CurrentScenarioPath(Str(s, "location")),
            Tags = [.. Get(s, "tags").EnumerateArray().Select(t => t.GetString()!)],
            Requirements = [.. Get(s, "requirements").EnumerateArray().Select(t => t.GetString()!)],
            Status = parsed,
            DurationMs = Get(s, "duration_ms").GetDouble(),
            Error = OptStr(s, "error"),
            Reason = OptStr(s, "reason"),
            Waiver = s.TryGetProperty("waiver", out JsonElement w) ? ReadWaiver(w) : null,
            Measurements = [.. Get(s, "measurements").EnumerateArray().Select(ReadMeasurement)],
            Steps = s.TryGetProperty("steps", out JsonElement steps) ? [.. steps.EnumerateArray().Select(ReadStep)] : [],
            Evidence = s.TryGetProperty("evidence", out JsonElement ev) ? ReadEvidence(ev) : null,
        };
    }

    private static StepSummary ReadStep(JsonElement st) => new()
    {
        Keyword = Str(st, "keyword"),
        Text = Str(st, "text"),
        Status = Str(st, "status"),
        Location = AreaNames.CurrentScenarioPath(Str(st, "location")),
        DurationMs = Get(st, "duration_ms").GetDouble(),
        Error = OptStr(st, "error"),
        Snippet = OptStr(st, "snippet"),
    };

    private static Measurement ReadMeasurement(JsonElement m)
    {
        JsonElement v = Get(m, "value");
        double value = v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.Parse(v.GetString()!, CultureInfo.InvariantCulture);
        MeasurementVerdict verdict = OptStr(m, "verdict") switch
        {
            null => MeasurementVerdict.None,
            "pass" => MeasurementVerdict.Pass,
            "fail" => MeasurementVerdict.Fail,
            "inconclusive" => MeasurementVerdict.Inconclusive,
            string other => throw new FormatException($"measurement {Str(m, "name")}: unknown verdict '{other}'"),
        };
        MeasurementSpread? spread = m.TryGetProperty("spread", out JsonElement sp)
            ? new MeasurementSpread(Get(sp, "trials").GetInt32(), Num(sp, "min"), Num(sp, "max"), Num(sp, "stddev"))
            : null;
        return new Measurement(Str(m, "name"), value, Str(m, "unit"), OptStr(m, "target"), verdict) { Spread = spread };
    }

    private static PerformanceEvidence ReadEvidence(JsonElement e) => new()
    {
        Throughput = [.. Get(e, "throughput").EnumerateArray().Select(p => new ThroughputPoint(Get(p, "frame_size").GetInt32(), OptNum(p, "ndr_pps"), OptNum(p, "pdr_pps"), OptNum(p, "line_rate_pps")))],
        LatencyPercentiles = [.. Get(e, "latency_percentiles").EnumerateArray().Select(p => new LatencyPercentile(Num(p, "percentile"), Num(p, "us")))],
        LatencyCdf = [.. Get(e, "latency_cdf").EnumerateArray().Select(p => new CdfPoint(Num(p, "us"), Num(p, "fraction")))],
        SearchTrace = [.. Get(e, "search_trace").EnumerateArray().Select(t => new SearchTrial(Get(t, "iteration").GetInt32(), Get(t, "frame_size").GetInt32(), Num(t, "offered_pps"), Num(t, "loss_ratio"), Get(t, "passed").GetBoolean()))],
    };

    private static Waiver ReadWaiver(JsonElement w) =>
        new(Str(w, "uid"), Str(w, "reason"), Str(w, "approver"), DateOnly.ParseExact(Str(w, "expires"), "yyyy-MM-dd", CultureInfo.InvariantCulture), Str(w, "location"));

    private static JsonElement Get(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement v) ? v : throw new KeyNotFoundException($"missing key '{name}'");

    private static string Str(JsonElement e, string name) => Get(e, name).GetString() ?? throw new FormatException($"key '{name}' is null");

    private static string? OptStr(JsonElement e, string name) => e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double Num(JsonElement e, string name) => Get(e, name) is { ValueKind: JsonValueKind.Number } v ? v.GetDouble() : double.NaN;

    private static double? OptNum(JsonElement e, string name) => e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    private static DateTimeOffset Time(JsonElement e) => DateTimeOffset.Parse(e.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
