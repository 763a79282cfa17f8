// Licensed under the Apache License, Version 2.0.
using System.CommandLine;
using System.Globalization;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Core;
using NfvConformance.Reports;
using NfvConformance.Reports.History;
using NfvConformance.Reports.Model;

namespace NfvConformance.Cli.Commands;

/// <summary>
/// <c>nfvc history</c>: lists stored runs and, per measurement, the latest value against the median and spread of
/// the comparable runs before it. Exit 1 when a latest value is a regression, 2 when the store cannot be opened.
/// </summary>
internal sealed class HistoryCommand : ICliCommand
{
    public Command Create()
    {
        Option<string?> store = new("--history") { Description = "SQLite file or PostgreSQL connection string (default: runs/history.db of this repository)." };
        Option<int> limit = new("--limit") { Description = "How many runs to list.", DefaultValueFactory = _ => 20 };
        Option<string?> measurement = new("--measurement") { Description = "Only measurements whose name contains this text." };
        Option<int> window = new("--trend-window") { Description = "Comparable past runs each verdict uses.", DefaultValueFactory = _ => ReportOptions.DefaultTrendWindow };
        Command command = new("history", "List stored runs and the trend of every measurement with its regression verdict.")
        {
            store, limit, measurement, window,
        };
        command.SetAction((ParseResult parse, CancellationToken ct) =>
            RunAsync(parse.GetValue(store), parse.GetValue(limit), parse.GetValue(measurement), parse.GetValue(window), ct));
        return command;
    }

    private static async Task<int> RunAsync(string? history, int limit, string? measurement, int window, CancellationToken ct)
    {
        if (limit < 1 || window < 1)
        {
            throw new ConfigurationException($"--limit {limit} and --trend-window {window}: both must be 1 or more.");
        }

        string path = history ?? Path.Combine(RepositoryPaths.FindUpwards(".git") is { } git ? Path.GetDirectoryName(git)! : Environment.CurrentDirectory, RunCommand.DefaultRunsDirectory, RunHistoryStore.DefaultFileName);
        if (!RunHistoryStore.IsPostgres(path) && !File.Exists(path) && !Directory.Exists(path))
        {
            throw new ConfigurationException($"{path}: no run history yet; run 'nfvc run' first or pass --history FILE|CONNECTION-STRING.");
        }

        await using IRunHistoryStore s = await RunHistoryStore.OpenAsync(path, ct).ConfigureAwait(false);
        IReadOnlyList<RunRecord> runs = await s.ListRunsAsync(limit, ct).ConfigureAwait(false);
        Console.WriteLine($"History {s.Description}: latest {runs.Count} run(s)");
        Console.WriteLine($"{"started (UTC)",-20} {"verdict",-7} {"pass",5} {"fail",5} {"waived",6} {"skip",5} {"n/a",5}  {"profile",-16} {"fingerprint",-16} id");
        foreach (RunRecord r in runs)
        {
            RunTotals t = r.Totals;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Started.UtcDateTime:yyyy-MM-dd HH:mm:ss} {(r.Failed ? "FAIL" : "pass"),-7} {t.Passed,5} {t.Failed + t.Undefined + t.Pending + t.Ambiguous,5} {t.Waived,6} {t.Skipped,5} {t.NotApplicable,5}  {r.Profile,-16} {r.Fingerprint,-16} {r.Id}"));
        }

        IReadOnlyList<SeriesTrend> trends = await HistoryTrends.ComputeAsync(s, window, new ReportOptions().MinimumHistory, measurement, ct).ConfigureAwait(false);
        Console.WriteLine();
        Console.WriteLine($"Trends (latest value against up to {window} earlier comparable runs; regression at >= {RegressionAnalyzer.ConfidenceLevel:0.0%} confidence)");
        foreach (SeriesTrend st in trends)
        {
            MeasurementTrend t = st.Trend;
            string values = string.Join(' ', t.History.TakeLast(8).Select(p => Si(p.Value)));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Verdict(t.Verdict),-12} {(t.History.Count == 0 ? "-" : t.Confidence.ToString("0.00%", CultureInfo.InvariantCulture)),7}  {st.Key.Profile}/{t.ScenarioName} {t.Measurement}: {Si(t.Current)} {t.Unit} vs median {Si(t.Median)} ({Change(t.RelativeChange)}) over {t.History.Count} [{values}]"));
        }

        return trends.Any(t => t.Trend.Verdict == RegressionVerdict.Regression) ? ExitCodes.Failure : ExitCodes.Success;
    }

    private static string Change(double relative) =>
        double.IsFinite(relative) ? relative.ToString("+0.0%;-0.0%", CultureInfo.InvariantCulture) : "-";

    private static string Verdict(RegressionVerdict v) => v == RegressionVerdict.InsufficientHistory ? "too-few-runs" : v.ToString().ToLowerInvariant();

    private static string Si(double v) =>
        !double.IsFinite(v) ? "-" : Math.Abs(v) >= 1e6 ? (v / 1e6).ToString("0.###", CultureInfo.InvariantCulture) + "M" : Math.Abs(v) >= 1e3 ? (v / 1e3).ToString("0.###", CultureInfo.InvariantCulture) + "k" : v.ToString("0.###", CultureInfo.InvariantCulture);
}
