// Licensed under the Apache License, Version 2.0.
using System.Text.Json;
using NfvConformance.Reports.Model;

namespace NfvConformance.Core.Running;

/// <summary>What the report writers produced for a run.</summary>
/// <param name="Summary">The run summary as written (with what the writers added: environment, waivers, trends).</param>
/// <param name="Paths">The files written.</param>
/// <param name="Errors">The writers that failed, each as "writer: message" (the others still wrote their files).</param>
public sealed record RunReportOutcome(RunSummary Summary, IReadOnlyList<string> Paths, IReadOnlyList<string> Errors);

/// <summary>
/// Writes a run's reports. The runner produces the result model and calls this at the end of the run (and once per
/// scenario for the live results); the composition root (the CLI) plugs in the writers of reports/, so Core does not
/// reference them.
/// </summary>
public interface IRunReportWriter
{
    /// <summary>Writes one scenario as one JSON object (a line of <c>results.ndjson</c>).</summary>
    /// <param name="json">Where to write.</param>
    /// <param name="scenario">The scenario's result.</param>
    void WriteScenario(Utf8JsonWriter json, ScenarioSummary scenario);

    /// <summary>Writes every report of a run.</summary>
    /// <param name="summary">The run.</param>
    /// <param name="runDirectory">The run folder.</param>
    /// <param name="featureFiles">The feature files the run used (they go into the evidence bundle).</param>
    /// <param name="configurationFiles">The configuration files the run used, the catalogue first.</param>
    /// <param name="cancellationToken">Cancels the writing.</param>
    /// <returns>What was written.</returns>
    Task<RunReportOutcome> WriteAllAsync(RunSummary summary, string runDirectory, IReadOnlyList<string> featureFiles, IReadOnlyList<string> configurationFiles, CancellationToken cancellationToken);
}
