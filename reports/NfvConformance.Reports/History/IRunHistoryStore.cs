// Licensed under the Apache License, Version 2.0.
using NfvConformance.Reports.Model;

namespace NfvConformance.Reports.History;

/// <summary>One stored run, as <c>nfvc history</c> lists it.</summary>
/// <param name="Id">The run id.</param>
/// <param name="Started">When it started.</param>
/// <param name="Target">The target name.</param>
/// <param name="Profile">The profile.</param>
/// <param name="Fingerprint">The target fingerprint (<see cref="EnvironmentFingerprint.TargetFingerprint"/>).</param>
/// <param name="ToolVersion">The nfvc version.</param>
/// <param name="Totals">The counts per status.</param>
/// <param name="Failed">True when the run failed.</param>
public sealed record RunRecord(string Id, DateTimeOffset Started, string Target, string Profile, string Fingerprint, string ToolVersion, RunTotals Totals, bool Failed);

/// <summary>Which past values are comparable: same target fingerprint, profile, scenario and measurement.</summary>
/// <param name="Fingerprint">The target fingerprint.</param>
/// <param name="Profile">The profile.</param>
/// <param name="ScenarioId">The scenario id.</param>
/// <param name="Measurement">The measurement name.</param>
public sealed record SeriesKey(string Fingerprint, string Profile, string ScenarioId, string Measurement);

/// <summary>Stores every run and answers trend queries. SQLite and PostgreSQL implement it.</summary>
public interface IRunHistoryStore : IAsyncDisposable
{
    /// <summary>Gets where the store is (a file path or the PostgreSQL host and database), for messages.</summary>
    string Description { get; }

    /// <summary>Stores a run and its measurements; storing the same run id again replaces it.</summary>
    /// <param name="summary">The run (with <see cref="RunSummary.Environment"/> set, or the target name is the fingerprint).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when stored.</returns>
    ValueTask SaveAsync(RunSummary summary, CancellationToken cancellationToken = default);

    /// <summary>Lists the most recent runs, newest first.</summary>
    /// <param name="limit">How many.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The runs.</returns>
    ValueTask<IReadOnlyList<RunRecord>> ListRunsAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>Gets the last <paramref name="limit"/> values of a measurement from runs started before <paramref name="before"/>, oldest first.</summary>
    /// <param name="key">What is comparable.</param>
    /// <param name="before">Only runs that started earlier than this.</param>
    /// <param name="limit">The trend window N.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The values, oldest first.</returns>
    ValueTask<IReadOnlyList<TrendPoint>> GetSeriesAsync(SeriesKey key, DateTimeOffset before, int limit, CancellationToken cancellationToken = default);

    /// <summary>Lists every (fingerprint, profile, scenario, measurement) with stored values.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The keys with the scenario name, unit and target (if any) of their values.</returns>
    ValueTask<IReadOnlyList<(SeriesKey Key, string ScenarioName, string Unit, string? Target)>> ListSeriesAsync(CancellationToken cancellationToken = default);

    /// <summary>Gets the latest verdict of every profile run on a target fingerprint (profile → passed).</summary>
    /// <param name="fingerprint">The target fingerprint.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>Profile → true when its latest run passed.</returns>
    ValueTask<IReadOnlyDictionary<string, bool>> LatestVerdictsAsync(string fingerprint, CancellationToken cancellationToken = default);
}
