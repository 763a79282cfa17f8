// Licensed under the Apache License, Version 2.0.
using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Core.Requirements;
using NfvConformance.Reports.Exporters;
using NfvConformance.Reports.Model;

namespace NfvConformance.Cli.Commands;

/// <summary>
/// <c>nfvc coverage RUN [RUN...] [--min PERCENT] [--json]</c>: how much of the in-scope requirement catalogue the runs
/// verify together (for example the basic and the high-performance run of one target), and which requirements are
/// left. Exit 0, or 1 when the verified share is below <c>--min</c>; 2 for a bad run folder or catalogue.
/// </summary>
internal sealed class CoverageCommand : ICliCommand
{
    public Command Create()
    {
        Argument<string[]> runs = new("RUN") { Description = "Run folders written by 'nfvc run' (each holds summary.json).", Arity = ArgumentArity.OneOrMore };
        Option<string?> catalog = new("--catalog") { Description = "Requirement catalogue YAML (default: features/requirements/catalog.yaml)." };
        Option<double?> min = new("--min") { Description = "Exit 1 when fewer than this percentage of the in-scope requirements are verified." };
        Option<bool> json = new("--json") { Description = "Print the coverage as JSON." };
        Command command = new("coverage", "Coverage of the in-scope requirement catalogue by one or more runs: verified, failed, not run, not covered.")
        {
            runs, catalog, min, json,
        };
        command.SetAction((ParseResult parse, CancellationToken ct) =>
            RunAsync(parse.GetValue(runs)!, parse.GetValue(catalog), parse.GetValue(min), parse.GetValue(json), ct));
        return command;
    }

    private static async Task<int> RunAsync(string[] runDirs, string? catalogPath, double? min, bool json, CancellationToken ct)
    {
        if (min is < 0 or > 100)
        {
            throw new ConfigurationException($"--min {min}: give a percentage from 0 to 100.");
        }

        RequirementCatalog catalog = catalogPath is null ? RequirementCatalog.LoadDefault() : RequirementCatalog.Load(catalogPath);
        List<(string Path, RunSummary Summary)> summaries = [];
        foreach (string dir in runDirs)
        {
            string file = Path.Combine(dir, SummaryJsonExporter.FileName);
            if (!File.Exists(file))
            {
                throw new ConfigurationException($"{dir}: no {SummaryJsonExporter.FileName} here; give a run folder written by 'nfvc run --out DIR'.");
            }

            summaries.Add((dir, await SummaryJsonReader.ReadAsync(file, ct).ConfigureAwait(false)));
        }

        bool profilesRepeat = summaries.Select(s => s.Summary.Run.Profile).Distinct(StringComparer.Ordinal).Count() < summaries.Count;
        List<ScenarioOutcome> outcomes = [];
        foreach ((string _, RunSummary summary) in summaries)
        {
            string label = profilesRepeat ? summary.Run.Id : summary.Run.Profile;
            outcomes.AddRange(summary.Scenarios.Select(s => new ScenarioOutcome(
                s.Requirements, s.Status == ScenarioStatus.Passed, s.Status.FailsRun() && !s.IsWaived, label, s.Id)));
        }

        RequirementCoverage coverage = RequirementCoverage.Compute(catalog, outcomes);
        Console.Write(json ? Json(coverage, summaries) : Text(coverage, summaries, catalog.Path));
        return min is { } floor && coverage.Percent < floor ? ExitCodes.Failure : ExitCodes.Success;
    }

    private static string Wire(CoverageVerdict verdict) => verdict switch
    {
        CoverageVerdict.Verified => "verified",
        CoverageVerdict.Failed => "failed",
        CoverageVerdict.NotRun => "not_run",
        _ => "not_covered",
    };

    private static string Text(RequirementCoverage c, List<(string Path, RunSummary Summary)> runs, string catalogPath)
    {
        StringBuilder sb = new();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Catalogue: {catalogPath}: {c.InScope} requirements in scope");
        foreach ((string path, RunSummary s) in runs)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"Run: {s.Run.Id} (target {s.Run.Target}, profile {s.Run.Profile}) from {path}");
        }

        sb.AppendLine(CultureInfo.InvariantCulture, $"Verified {c.Verified} of {c.InScope} ({c.Percent:0.0} %); failed {c.Count(CoverageVerdict.Failed)}, not run {c.Count(CoverageVerdict.NotRun)}, not covered {c.Count(CoverageVerdict.NotCovered)}");
        foreach (CoverageVerdict v in new[] { CoverageVerdict.Failed, CoverageVerdict.NotRun, CoverageVerdict.NotCovered })
        {
            List<RequirementCoverageRow> rows = [.. c.Rows.Where(r => r.Verdict == v)];
            if (rows.Count == 0)
            {
                continue;
            }

            sb.AppendLine(CultureInfo.InvariantCulture, $"{Wire(v)} ({rows.Count}):");
            foreach (RequirementCoverageRow r in rows)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"  {r.Requirement.Uid}  {r.Requirement.Title}");
            }
        }

        return sb.ToString();
    }

    private static string Json(RequirementCoverage c, List<(string Path, RunSummary Summary)> runs)
    {
        using MemoryStream ms = new();
        using (Utf8JsonWriter w = new(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("in_scope", c.InScope);
            w.WriteNumber("verified", c.Verified);
            w.WriteNumber("percent", Math.Round(c.Percent, 1));
            w.WriteNumber("failed", c.Count(CoverageVerdict.Failed));
            w.WriteNumber("not_run", c.Count(CoverageVerdict.NotRun));
            w.WriteNumber("not_covered", c.Count(CoverageVerdict.NotCovered));
            w.WriteStartArray("runs");
            foreach ((string path, RunSummary s) in runs)
            {
                w.WriteStartObject();
                w.WriteString("path", path);
                w.WriteString("id", s.Run.Id);
                w.WriteString("target", s.Run.Target);
                w.WriteString("profile", s.Run.Profile);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("requirements");
            foreach (RequirementCoverageRow r in c.Rows)
            {
                w.WriteStartObject();
                w.WriteString("uid", r.Requirement.Uid);
                w.WriteString("title", r.Requirement.Title);
                w.WriteString("verdict", Wire(r.Verdict));
                w.WriteStartArray("passed_in");
                foreach (string run in r.PassedIn)
                {
                    w.WriteStringValue(run);
                }

                w.WriteEndArray();
                w.WriteStartArray("scenarios");
                foreach (string s in r.Scenarios)
                {
                    w.WriteStringValue(s);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(ms.ToArray()) + Environment.NewLine;
    }
}
