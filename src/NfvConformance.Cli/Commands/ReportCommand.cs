// Licensed under the Apache License, Version 2.0.
using System.CommandLine;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Reports;
using NfvConformance.Reports.Exporters;
using NfvConformance.Reports.History;
using NfvConformance.Reports.Model;

namespace NfvConformance.Cli.Commands;

/// <summary>
/// <c>nfvc report RUN [--pdf]</c>: re-writes every report of a finished run from its summary.json (with the current
/// waivers and history), and prints report.html to report.pdf through headless Chromium.
/// Exit 0 when every report was written, 1 when one could not be, 2 for a bad run folder, waivers file or a missing Chromium.
/// </summary>
internal sealed class ReportCommand : ICliCommand
{
    public Command Create()
    {
        Argument<string> run = new("RUN") { Description = "A run folder written by 'nfvc run' (it holds summary.json)." };
        Option<bool> pdf = new("--pdf") { Description = "Also print report.html to report.pdf through headless Chromium." };
        Option<string?> history = new("--history") { Description = "Run history (SQLite file or PostgreSQL connection string); default: history.db beside the run folder when it exists; 'none' for no trends." };
        Option<string?> waivers = new("--waivers") { Description = "YAML of waived requirement uids (reason, approver, expires)." };
        Option<int> window = new("--trend-window") { Description = "Comparable past runs a regression verdict uses.", DefaultValueFactory = _ => ReportOptions.DefaultTrendWindow };
        Command command = new("report", "Write the reports of a finished run again (report.html, summary.md, allure-results/, evidence.zip, ...), optionally as PDF.")
        {
            run, pdf, history, waivers, window,
        };
        command.SetAction((ParseResult parse, CancellationToken ct) =>
            RunAsync(parse.GetValue(run)!, parse.GetValue(pdf), parse.GetValue(history), parse.GetValue(waivers), parse.GetValue(window), ct));
        return command;
    }

    private static async Task<int> RunAsync(string runDir, bool pdf, string? history, string? waivers, int window, CancellationToken ct)
    {
        if (window < 1)
        {
            throw new ConfigurationException($"--trend-window {window}: must be 1 or more.");
        }

        RunSummary summary = await SummaryJsonReader.ReadAsync(Path.Combine(runDir, SummaryJsonExporter.FileName), ct).ConfigureAwait(false);
        string besideRun = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(runDir).TrimEnd('/'))!, RunHistoryStore.DefaultFileName);
        string? store = history switch
        {
            "none" => null,
            null => File.Exists(besideRun) ? besideRun : null,
            _ => history,
        };
        ReportWriteResult result = await ReportWriter.WriteAllAsync(summary, runDir, new ReportOptions { HistoryStore = store, WaiversFile = waivers, TrendWindow = window }, ct).ConfigureAwait(false);
        foreach (ReportError error in result.Errors)
        {
            Console.Error.WriteLine($"nfvc report: {error.Exporter}: {error.Message}");
        }

        Console.WriteLine($"{result.Paths.Count} files written to {Path.GetFullPath(runDir)}; run {(result.Summary.Failed ? "FAILED" : "PASSED")}");
        int exit = ExitCodes.From(result.WorstSeverity);
        if (pdf)
        {
            PdfResult printed = await PdfPrinter.PrintAsync(Path.Combine(runDir, HtmlReportExporter.FileName), Path.Combine(runDir, "report.pdf"), cancellationToken: ct).ConfigureAwait(false);
            Console.WriteLine(printed.Printed ? $"PDF: {printed.Message}" : $"nfvc report: PDF not written: {printed.Message}");
            exit = printed.Printed ? exit : Math.Max(exit, PdfPrinter.FindChromium() is null ? ExitCodes.Usage : ExitCodes.Failure);
        }

        return exit;
    }
}
