// Licensed under the Apache License, Version 2.0.
using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Targets;
using NfvConformance.Core.Evidence;
using NfvConformance.Core.Requirements;
using NfvConformance.Core.Running.Internal;
using NfvConformance.Gherkin.Pickles;
using NfvConformance.Gherkin.TagExpressions;
using NfvConformance.Reports.Model;
using ReportStatus = NfvConformance.Reports.Model.ScenarioStatus;

namespace NfvConformance.Core.Running;

/// <summary>The result of a run: the summary and where it was written.</summary>
/// <param name="Summary">The run summary.</param>
/// <param name="OutputDirectory">The run folder.</param>
/// <param name="Files">Every file written.</param>
/// <param name="ExportErrors">Exporters that failed (the others still wrote their files).</param>
public sealed record ConformanceRunResult(RunSummary Summary, string OutputDirectory, IReadOnlyList<string> Files, IReadOnlyList<string> ExportErrors)
{
    /// <summary>Gets failures that belong to no scenario: after-feature and after-run hooks, observers.</summary>
    public IReadOnlyList<string> RunErrors { get; init; } = [];

    /// <summary>Gets a value indicating whether the run fails: a scenario failed, or a run-level hook failed.</summary>
    public bool Failed => Summary.Failed || RunErrors.Count > 0;
}

/// <summary>
/// Runs a conformance suite: validates everything first (target options, feature files, requirement tags, bindings)
/// and reports every problem together; then starts the target, runs the scenarios, streams each result to
/// <c>results.ndjson</c> as it finishes, and writes the reports even when the run is interrupted.
/// </summary>
public sealed class ConformanceRunner
{
    /// <summary>The live results file, one scenario per line, written as scenarios finish.</summary>
    public const string LiveResultsFile = "results.ndjson";

    /// <summary>Cucumber messages NDJSON, written by Reqnroll's message formatter.</summary>
    public const string MessagesFile = "messages.ndjson";

    /// <summary>The standard Cucumber HTML report, written by Reqnroll's HTML formatter (Cucumber.HtmlFormatter).</summary>
    public const string CucumberHtmlFile = "cucumber.html";

    private readonly ConformanceRunOptions _options;

    /// <summary>Creates a runner.</summary>
    /// <param name="options">The run's options.</param>
    public ConformanceRunner(ConformanceRunOptions options)
    {
        _options = options;
    }

    /// <summary>Loads and selects the scenarios and checks everything that can be checked before a target starts.</summary>
    /// <returns>The feature set and the selected pickles.</returns>
    /// <exception cref="ConfigurationException">Anything wrong, every problem listed.</exception>
    public (FeatureSet Features, IReadOnlyList<Pickle> Selected) Prepare()
    {
        (FeatureSet features, IReadOnlyList<Pickle> selected, List<string> problems) = Load();
        problems.AddRange(ReqnrollSuite.BindingErrors(_options.BindingAssemblies));
        ThrowIfAny(problems);
        return (features, selected);
    }

    private (FeatureSet Features, IReadOnlyList<Pickle> Selected, List<string> Problems) Load()
    {
        List<string> problems = [];
        foreach (ValidationError error in _options.TargetFactory.Validate(_options.TargetOptions))
        {
            problems.Add(error.ToString());
        }

        FeatureSet features = FeatureSet.Load(_options.FeaturesDirectory);
        IReadOnlyList<Pickle> selected = features.Pickles;
        if (!string.IsNullOrWhiteSpace(_options.Tags))
        {
            TagExpression expression = TagExpression.Parse(_options.Tags);
            selected = [.. features.Pickles.Where(p => expression.Evaluate(p.Tags.Select(t => t.Name)))];
            if (selected.Count == 0)
            {
                string inUse = string.Join(' ', features.Pickles.SelectMany(p => p.Tags).Select(t => t.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Take(40));
                problems.Add($"No scenario matches --tags '{_options.Tags}' ({features.Pickles.Count} scenarios in {features.Directory}). Tags in use include: {inUse}");
            }
        }

        RequirementUidValidator uids = new(_options.Catalog);
        foreach (Pickle pickle in selected)
        {
            foreach (ValidationError error in uids.Validate(pickle))
            {
                problems.Add($"{features.Relative(pickle.Uri)}:{pickle.Location.Line}: {error.Message}");
            }
        }

        return (features, selected, problems);
    }

    private static void ThrowIfAny(List<string> problems)
    {
        if (problems.Count > 0)
        {
            throw new ConfigurationException(
                $"The run cannot start; {problems.Count} problem(s):{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", problems.Distinct(StringComparer.Ordinal)));
        }
    }

    /// <summary>Runs the suite and writes the reports.</summary>
    /// <param name="progress">Receives progress, or null.</param>
    /// <param name="cancellationToken">Interrupts the run; the results so far are kept and reported.</param>
    /// <returns>The run's result.</returns>
    /// <exception cref="ConfigurationException">Anything wrong before the run; every problem listed.</exception>
    public async Task<ConformanceRunResult> RunAsync(IRunProgress? progress, CancellationToken cancellationToken = default)
    {
        (FeatureSet features, IReadOnlyList<Pickle> selected) = Prepare();
        TimeProvider clock = _options.TimeProvider;
        string outDir = Path.GetFullPath(_options.OutputDirectory);

        // Reqnroll's runtime, with its formatters writing into the run folder.
        ReqnrollSuite suite = ReqnrollSuite.Create(_options.BindingAssemblies, Path.Combine(outDir, MessagesFile), Path.Combine(outDir, CucumberHtmlFile));
        await using System.Runtime.CompilerServices.ConfiguredAsyncDisposable suiteScope = suite.ConfigureAwait(false);
        Dictionary<string, FeatureMessages> messages = new(StringComparer.Ordinal);
        foreach (string file in selected.Select(p => p.Uri).Distinct(StringComparer.Ordinal))
        {
            if (FeatureMessages.TryLoad(file, features.Relative(file)) is { } featureMessages)
            {
                messages[file] = featureMessages;
            }
        }

        DateTimeOffset started = clock.GetUtcNow();
        Directory.CreateDirectory(outDir);

        RunSession session = await RunSession.StartAsync(_options.TargetFactory, _options.TargetOptions, _options.Catalog, cancellationToken).ConfigureAwait(false);
        await using System.Runtime.CompilerServices.ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        ILabTarget target = session.Context.Target;
        CapabilitySnapshot snapshot = session.Context.Capabilities;
        ConcurrentDictionary<string, ScenarioSummary> finished = new(StringComparer.Ordinal);
        Channel<ScenarioSummary> live = Channel.CreateUnbounded<ScenarioSummary>(new UnboundedChannelOptions { SingleReader = true });
        Task writer = WriteLiveResultsAsync(live.Reader, Path.Combine(outDir, LiveResultsFile), _options.Reports);
        session.RegisterShared(suite.Global);

        progress?.RunStarted(selected.Count, outDir);
        Observer observer = new(features, session, finished, live.Writer, progress);
        bool interrupted = false;
        try
        {
            await suite.RunAsync(selected, messages, _options.Workers, session.ConfigureScenario, observer, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            interrupted = true;
        }
        finally
        {
            live.Writer.TryComplete();
            await writer.ConfigureAwait(false);
        }

        interrupted |= cancellationToken.IsCancellationRequested;

        // [AfterTestRun] hooks run now, and Reqnroll's formatters write messages.ndjson and cucumber.html.
        await suite.DisposeAsync().ConfigureAwait(false);
        List<ScenarioSummary> scenarios = [];
        foreach (Pickle pickle in selected)
        {
            scenarios.Add(finished.TryGetValue(RunSession.KeyOf(pickle), out ScenarioSummary? s)
                ? s
                : Describe(features, pickle, interrupted ? "the run was interrupted before this scenario ran" : "not run"));
        }

        HashSet<string> traced = [.. scenarios.SelectMany(s => s.Requirements)];
        RunSummary summary = new()
        {
            Run = new RunInfo
            {
                Id = _options.RunId,
                Started = started,
                Finished = clock.GetUtcNow(),
                Target = target.Name,
                Profile = target.Profile,
                ToolVersion = _options.ToolVersion,
                Tags = _options.Tags,
                FeaturesDirectory = features.Directory,
                Seed = _options.TargetOptions.Seed,
                Interrupted = interrupted,
            },
            Scenarios = scenarios,
            Capabilities = snapshot,
            Requirements = [.. _options.Catalog.Entries.Where(r => RequirementCatalog.IsInScope(r) || traced.Contains(r.Uid))],
        };

        // Reports are written even after an interruption: the results so far are kept.
        RunReportOutcome written = _options.Reports is null
            ? new RunReportOutcome(summary, [], [])
            : await _options.Reports.WriteAllAsync(summary, outDir, features.Files, [_options.Catalog.Path], CancellationToken.None).ConfigureAwait(false);
        return new ConformanceRunResult(
            written.Summary,
            outDir,
            [.. new[] { LiveResultsFile, MessagesFile, CucumberHtmlFile }.Select(f => Path.Combine(outDir, f)).Where(File.Exists), .. written.Paths],
            written.Errors)
        {
            // After-feature/after-run hooks and observers that failed: no scenario owns them, but they are never lost.
            RunErrors = suite.RunErrors,
        };
    }

    // With no report writer there is no results.ndjson (an empty file would read as a run with no results): the channel is drained.
    private static async Task WriteLiveResultsAsync(ChannelReader<ScenarioSummary> reader, string path, IRunReportWriter? reports)
    {
        if (reports is null)
        {
            await foreach (ScenarioSummary _ in reader.ReadAllAsync().ConfigureAwait(false))
            {
            }

            return;
        }

        await using FileStream stream = new(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out ScenarioSummary? scenario))
            {
                await using (Utf8JsonWriter json = new(stream))
                {
                    reports.WriteScenario(json, scenario);
                }

                stream.WriteByte((byte)'\n');
            }

            // Each batch reaches the disk, so a run that is killed keeps what it had.
            await stream.FlushAsync().ConfigureAwait(false);
        }
    }

    // What a report says of a scenario before it knows how it went: names, place, tags, requirements, steps not run.
    private static ScenarioSummary Describe(FeatureSet features, Pickle pickle, string reason)
    {
        string file = features.Relative(pickle.Uri);
        string location = $"{file}:{pickle.Location.Line}";
        IReadOnlyList<string> tags = [.. pickle.Tags.Select(t => t.Name)];
        return new ScenarioSummary
        {
            Id = location,
            Feature = pickle.FeatureName,
            FeatureFile = file,
            Name = pickle.Name,
            Location = location,
            Tags = tags,
            Requirements = RequirementTags.UidsOf(tags),
            Status = ReportStatus.Skipped,
            Reason = reason,
            Steps = [.. pickle.Steps.Select(s => new StepSummary { Keyword = s.Keyword, Text = s.Text, Status = "skipped", Location = $"{file}:{s.Location.Line}" })],
        };
    }

    internal static ScenarioSummary ToSummary(FeatureSet features, ScenarioRecord result, ScenarioEvidence? evidence)
    {
        ScenarioSummary described = Describe(features, result.Pickle, reason: string.Empty);
        string file = described.FeatureFile;
        return described with
        {
            Status = result.Status,
            DurationMs = result.Duration.TotalMilliseconds,
            Error = result.ErrorMessage,
            Reason = result.Reason,
            Steps = [.. result.Steps.Select(s => new StepSummary
            {
                Keyword = s.Step.Keyword,
                Text = s.Step.Text,
                Status = s.Status,
                DurationMs = s.Duration.TotalMilliseconds,
                Error = s.Error,
                Snippet = s.Snippet,
                Location = $"{file}:{s.Step.Location.Line}",
            })],
            Measurements = evidence?.Measurements ?? [],
            Evidence = evidence?.Performance,
        };
    }

    private sealed class Observer(
        FeatureSet features,
        RunSession session,
        ConcurrentDictionary<string, ScenarioSummary> finished,
        ChannelWriter<ScenarioSummary> live,
        IRunProgress? progress) : IScenarioObserver
    {
        public void ScenarioStarted(Pickle pickle) => progress?.ScenarioStarted(pickle.FeatureName, pickle.Name);

        public void ScenarioFinished(ScenarioRecord result)
        {
            ScenarioSummary summary = ToSummary(features, result, session.EvidenceOf(result.Pickle));
            finished[RunSession.KeyOf(result.Pickle)] = summary;
            live.TryWrite(summary);
            progress?.ScenarioFinished(summary);
        }
    }
}
