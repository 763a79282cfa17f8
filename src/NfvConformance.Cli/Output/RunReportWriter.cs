// Licensed under the Apache License, Version 2.0.
using System.Text.Json;
using NfvConformance.Core.Running;
using NfvConformance.Reports;
using NfvConformance.Reports.Exporters;
using NfvConformance.Reports.Model;

namespace NfvConformance.Cli.Output;

/// <summary>Plugs the report writers of reports/ into the runner (Core does not reference them).</summary>
/// <param name="options">History store, waivers and formats; the runner adds the feature and configuration files.</param>
internal sealed class RunReportWriter(ReportOptions options) : IRunReportWriter
{
    /// <inheritdoc />
    public void WriteScenario(Utf8JsonWriter json, ScenarioSummary scenario) => SummaryJsonExporter.WriteScenario(json, scenario);

    /// <inheritdoc />
    public async Task<RunReportOutcome> WriteAllAsync(RunSummary summary, string runDirectory, IReadOnlyList<string> featureFiles, IReadOnlyList<string> configurationFiles, CancellationToken cancellationToken)
    {
        ReportOptions all = options with { FeatureFiles = featureFiles, ConfigurationFiles = [.. configurationFiles, .. options.ConfigurationFiles] };
        ReportWriteResult written = await ReportWriter.WriteAllAsync(summary, runDirectory, all, cancellationToken).ConfigureAwait(false);
        return new RunReportOutcome(written.Summary, written.Paths, [.. written.Errors.Select(e => $"{e.Exporter}: {e.Message}")]);
    }
}
