// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Reports.Bundle;
using NfvConformance.Reports.Exporters;
using NfvConformance.Reports.History;
using NfvConformance.Reports.Model;
using NfvConformance.Reports.Waivers;

namespace NfvConformance.Reports;

/// <summary>One exporter (or step: waivers, history, bundle) that failed; the others still ran.</summary>
/// <param name="Exporter">The exporter or step name.</param>
/// <param name="Message">What went wrong.</param>
/// <param name="Exception">The exception, if one was thrown.</param>
public sealed record ReportError(string Exporter, string Message, Exception? Exception);

/// <summary>What <see cref="ReportWriter.WriteAllAsync"/> did.</summary>
/// <param name="Summary">The run as reported: with waivers applied, environment captured and trends attached.</param>
/// <param name="Paths">Every file written.</param>
/// <param name="Errors">Every step that failed.</param>
public sealed record ReportWriteResult(RunSummary Summary, IReadOnlyList<string> Paths, IReadOnlyList<ReportError> Errors)
{
    /// <summary>Gets a value indicating whether every step succeeded.</summary>
    public bool Succeeded => Errors.Count == 0;

    /// <summary>Gets the most severe error's severity: configuration when a waivers file was bad, failure otherwise.</summary>
    public Severity WorstSeverity => Errors.Count == 0 ? Severity.Info
        : Errors.Any(e => e.Exception is ConfigurationException) ? Severity.Configuration : Severity.Failure;
}

/// <summary>Writes every report of a run into its folder: the entry point the runner calls at the end of a run.</summary>
public static class ReportWriter
{
    /// <summary>Gets every exporter in the order they run (the bundle runs after them).</summary>
    /// <returns>New exporter instances.</returns>
    public static IReadOnlyList<IReportExporter> CreateExporters() =>
    [
        new SummaryJsonExporter(),
        new JUnitXmlExporter(),
        new MarkdownSummaryExporter(),
        new TraceabilityCsvExporter(),
        new BadgeSvgExporter(),
        new AllureResultsExporter(),
        new HtmlReportExporter(),
    ];

    /// <summary>
    /// Applies waivers, captures the environment (when the summary has none), compares measurements with the
    /// history and stores the run, then runs every exporter and finally the evidence bundle. A failing step is
    /// recorded in the result and never stops the others, so an interrupted run still gets every report that can be written.
    /// </summary>
    /// <param name="summary">The run.</param>
    /// <param name="runDirectory">The run folder; created when missing.</param>
    /// <param name="options">History, waivers, bundle inputs and trend window.</param>
    /// <param name="ct">Cancels writing (pass <see cref="CancellationToken.None"/> when writing after an interruption).</param>
    /// <returns>The reported summary, the files written and the per-exporter errors.</returns>
    public static Task<ReportWriteResult> WriteAllAsync(RunSummary summary, string runDirectory, ReportOptions options, CancellationToken ct) =>
        WriteWithAsync(summary, runDirectory, options, CreateExporters(), ct);

    internal static async Task<ReportWriteResult> WriteWithAsync(RunSummary summary, string runDirectory, ReportOptions options, IReadOnlyList<IReportExporter> exporters, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(runDirectory);
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(runDirectory);
        List<string> paths = [];
        List<ReportError> errors = [];

        if (options.WaiversFile is not null)
        {
            try
            {
                summary = WaiverFile.Apply(summary, WaiverFile.Load(options.WaiversFile));
            }
            catch (ConfigurationException ex)
            {
                errors.Add(new ReportError("waivers", ex.Message, ex));
            }
        }

        if (summary.Environment is null)
        {
            try
            {
                summary = summary with { Environment = EnvironmentFingerprint.Capture(summary.Run.ToolVersion, options.ConfigurationFiles) };
            }
            catch (IOException ex)
            {
                errors.Add(new ReportError("environment", ex.Message, ex));
            }
        }

        if (options.HistoryStore is not null)
        {
            try
            {
                await using IRunHistoryStore store = await RunHistoryStore.OpenAsync(options.HistoryStore, ct).ConfigureAwait(false);
                summary = await RegressionAnalyzer.AttachTrendsAsync(summary, store, options.TrendWindow, options.MinimumHistory, ct).ConfigureAwait(false);
                await store.SaveAsync(summary, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                errors.Add(new ReportError("history", ex.Message, ex));
            }
        }

        foreach (IReportExporter exporter in exporters)
        {
            if (options.Formats.Count > 0 && !options.Formats.Contains(exporter.Name, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            try
            {
                paths.AddRange(await exporter.ExportAsync(summary, runDirectory, ct).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                errors.Add(new ReportError(exporter.Name, ex.Message, ex));
            }
        }

        if (options.WriteBundle)
        {
            try
            {
                string bundle = Path.Combine(runDirectory, EvidenceBundle.FileName);
                await EvidenceBundle.CreateAsync(bundle, runDirectory, options, ct).ConfigureAwait(false);
                paths.Add(bundle);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                errors.Add(new ReportError("bundle", ex.Message, ex));
            }
        }

        return new ReportWriteResult(summary, paths, errors);
    }
}
