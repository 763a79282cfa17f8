// Licensed under the Apache License, Version 2.0.
using System.Collections.Concurrent;
using System.Collections.Specialized;
using System.Globalization;
using System.Reflection;
using NfvConformance.Gherkin.Pickles;
using Reqnroll;
using Reqnroll.Bindings;
using Reqnroll.Bindings.Discovery;
using Reqnroll.Bindings.Reflection;
using Reqnroll.BindingSkeletons;
using Reqnroll.BoDi;
using Reqnroll.Configuration;
using Reqnroll.ErrorHandling;
using Reqnroll.Events;
using ReportStatus = NfvConformance.Reports.Model.ScenarioStatus;

namespace NfvConformance.Core.Running.Internal;

/// <summary>One step as it ran.</summary>
internal sealed record StepRecord(PickleStep Step, string Status, TimeSpan Duration, string? Error, string? Snippet);

/// <summary>One scenario as it ran.</summary>
internal sealed record ScenarioRecord(Pickle Pickle, ReportStatus Status, IReadOnlyList<StepRecord> Steps, string? ErrorMessage, string? Reason, TimeSpan Duration);

/// <summary>Receives progress from worker threads.</summary>
internal interface IScenarioObserver
{
    void ScenarioStarted(Pickle pickle);

    void ScenarioFinished(ScenarioRecord scenario);
}

/// <summary>
/// Runs pickles on Reqnroll's runtime, with no generated code, the way generated code drives it: test run start,
/// then per feature (features in parallel, each on a test runner of its own) <c>OnFeatureStartAsync</c>, per
/// scenario <c>OnScenarioInitialize</c>, <c>OnScenarioStartAsync</c>, one <c>GivenAsync</c>/<c>WhenAsync</c>/
/// <c>ThenAsync</c> per step, <c>CollectScenarioErrorsAsync</c>, <c>OnScenarioEndAsync</c>; then the feature's and
/// the run's end. Reqnroll decides every step's outcome; this class reads them back (from Reqnroll's step and hook
/// events) into results, and never loses one: a scenario that throws anywhere is that scenario's failure, and one
/// never started because the run was interrupted is left to the caller to report.
/// </summary>
internal sealed class ReqnrollSuite : IAsyncDisposable
{
    private readonly ITestRunnerManager _manager;
    private readonly IObjectContainer _global;
    private readonly ConcurrentDictionary<IObjectContainer, Recorder> _recorders = new();
    private readonly ConcurrentQueue<string> _runErrors = new();
    private bool _disposed;

    private ReqnrollSuite(ITestRunnerManager manager, IObjectContainer global)
    {
        _manager = manager;
        _global = global;
    }

    /// <summary>Gets the global container: register what every scenario may inject here.</summary>
    public IObjectContainer Global => _global;

    /// <summary>Gets failures that belong to no scenario: after-feature and after-run hooks, the formatters.</summary>
    public IReadOnlyList<string> RunErrors => [.. _runErrors];

    /// <summary>Creates the runtime for the binding assemblies.</summary>
    /// <param name="bindingAssemblies">Assemblies with <c>[Binding]</c> classes; the first is Reqnroll's test assembly.</param>
    /// <param name="messagesFile">Cucumber messages NDJSON to write, or null.</param>
    /// <param name="htmlFile">Cucumber HTML report to write, or null.</param>
    /// <returns>The suite.</returns>
    public static ReqnrollSuite Create(IReadOnlyList<Assembly> bindingAssemblies, string? messagesFile = null, string? htmlFile = null)
    {
        (ITestRunnerManager manager, IObjectContainer global) = ReqnrollRuntime.Create(bindingAssemblies[0], messagesFile, htmlFile);
        ReqnrollConfiguration configuration = global.Resolve<ReqnrollConfiguration>();
        foreach (Assembly more in bindingAssemblies.Skip(1))
        {
            configuration.AdditionalStepAssemblies.Add(more.FullName!);
        }

        return new ReqnrollSuite(manager, global);
    }

    /// <summary>
    /// Builds Reqnroll's binding registry for the assemblies, in a container of its own that runs nothing (no test
    /// runner, no hooks, no formatter), and returns its errors, each once.
    /// </summary>
    /// <param name="bindingAssemblies">Assemblies with <c>[Binding]</c> classes; the first is Reqnroll's test assembly.</param>
    /// <returns>The errors; empty when every binding is valid.</returns>
    public static IReadOnlyList<string> BindingErrors(IReadOnlyList<Assembly> bindingAssemblies)
    {
        IBindingRegistry registry = BuildRegistry(bindingAssemblies, out IObjectContainer global);
        using (global)
        {
            List<string> errors = [.. registry.GetErrorMessages().Select(e => $"binding error ({e.Type}): {e.Message}")];
            foreach (IStepDefinitionBinding step in registry.GetStepDefinitions().Where(s => !s.IsValid))
            {
                errors.Add($"{Describe(step.Method)}: invalid step definition '{step.SourceExpression}': {step.ErrorMessage}");
            }

            return [.. errors.Distinct(StringComparer.Ordinal)];
        }
    }

    /// <summary>Builds Reqnroll's binding registry without a test runner (for validation and the step glossary).</summary>
    /// <param name="bindingAssemblies">Assemblies with <c>[Binding]</c> classes; the first is Reqnroll's test assembly.</param>
    /// <param name="global">The container it lives in; dispose it when done.</param>
    /// <returns>The registry.</returns>
    public static IBindingRegistry BuildRegistry(IReadOnlyList<Assembly> bindingAssemblies, out IObjectContainer global)
    {
        (_, global) = ReqnrollRuntime.Create(bindingAssemblies[0], null, null);
        ReqnrollConfiguration configuration = global.Resolve<ReqnrollConfiguration>();
        foreach (Assembly more in bindingAssemblies.Skip(1))
        {
            configuration.AdditionalStepAssemblies.Add(more.FullName!);
        }

        IRuntimeBindingRegistryBuilder builder = global.Resolve<IRuntimeBindingRegistryBuilder>();
        foreach (Assembly assembly in builder.GetBindingAssemblies(bindingAssemblies[0]))
        {
            builder.BuildBindingsFromAssembly(assembly);
        }

        builder.BuildingCompleted();
        return global.Resolve<IBindingRegistry>();
    }

    /// <summary>Runs the pickles; results go to the observer as each scenario ends.</summary>
    /// <param name="pickles">The scenarios, grouped by feature file in the order given.</param>
    /// <param name="messages">Each feature file's Cucumber messages by pickle uri, for Reqnroll's formatters (a file without is run all the same).</param>
    /// <param name="workers">Features run in parallel.</param>
    /// <param name="configureScenario">Registers per-scenario instances in the scenario container, or null.</param>
    /// <param name="observer">Receives results.</param>
    /// <param name="cancellationToken">Stops starting scenarios; the one running is finished as skipped at its next step.</param>
    /// <returns>A task.</returns>
    public async Task RunAsync(
        IReadOnlyList<Pickle> pickles,
        IReadOnlyDictionary<string, FeatureMessages> messages,
        int workers,
        Action<IObjectContainer, Pickle>? configureScenario,
        IScenarioObserver observer,
        CancellationToken cancellationToken)
    {
        List<List<Pickle>> features = [.. pickles.GroupBy(p => p.Uri, StringComparer.Ordinal).Select(g => g.ToList())];
        string? runSetupError = null;
        try
        {
            await _manager.FireTestRunStartAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            runSetupError = $"A [BeforeTestRun] hook failed: {ex.GetType().Name}: {ex.Message}";
        }

        ParallelOptions parallel = new() { MaxDegreeOfParallelism = workers };

        // Cancellation is handled per scenario (never started, or skipped at the next step), so the loop itself is never cancelled.
        await Parallel.ForEachAsync(features, parallel, async (featurePickles, _) =>
        {
            if (cancellationToken.IsCancellationRequested)
            {
                // Never started: each scenario still gets its result, so the live results file has every line.
                foreach (Pickle pickle in featurePickles)
                {
                    observer.ScenarioFinished(NotRun(pickle, ReportStatus.Skipped, null, Interrupted));
                }

                return;
            }

            messages.TryGetValue(featurePickles[0].Uri, out FeatureMessages? featureMessages);
            await RunFeatureAsync(featurePickles, featureMessages, runSetupError, configureScenario, observer, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            // [AfterTestRun] hooks, then the formatters write their files when the global container goes.
            await _manager.DisposeAsync().ConfigureAwait(false);
        }
        catch (AggregateException ex)
        {
            foreach (Exception inner in ex.InnerExceptions)
            {
                _runErrors.Enqueue($"{inner.GetType().Name}: {inner.Message}");
            }
        }
        catch (Exception ex)
        {
            _runErrors.Enqueue($"An [AfterTestRun] hook failed: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private async Task RunFeatureAsync(
        List<Pickle> featurePickles,
        FeatureMessages? featureMessages,
        string? runSetupError,
        Action<IObjectContainer, Pickle>? configureScenario,
        IScenarioObserver observer,
        CancellationToken cancellationToken)
    {
        Pickle first = featurePickles[0];
        bool withMessages = featureMessages is not null && Aligned(featureMessages, featurePickles);
        string[] featureTags = FeatureTags(featureMessages, featurePickles);
        FeatureInfo info = new(
            CultureInfo.GetCultureInfo("en-US"),
            Path.GetDirectoryName(first.Uri) ?? string.Empty,
            first.FeatureName,
            featureMessages?.GherkinDocument.Feature?.Description,
            ProgrammingLanguage.CSharp,
            featureTags,
            withMessages ? featureMessages : null);
        ITestRunner runner = _manager.GetTestRunner(info);
        Recorder recorder = _recorders.GetOrAdd(runner.TestThreadContext.TestThreadContainer, c => new Recorder(c));
        try
        {
            string? setupError = runSetupError;
            if (setupError is null)
            {
                try
                {
                    await runner.OnFeatureStartAsync(info).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    setupError = $"A [BeforeFeature] hook failed: {ex.GetType().Name}: {ex.Message}";
                }
            }
            else
            {
                await runner.OnFeatureStartAsync(info).ConfigureAwait(false);
            }

            for (int i = 0; i < featurePickles.Count; i++)
            {
                Pickle pickle = featurePickles[i];
                if (cancellationToken.IsCancellationRequested)
                {
                    observer.ScenarioFinished(NotRun(pickle, ReportStatus.Skipped, null, Interrupted));
                    continue;
                }

                observer.ScenarioStarted(pickle);
                ScenarioRecord record;
                try
                {
                    record = setupError is null
                        ? await RunScenarioAsync(runner, recorder, pickle, featureTags, withMessages ? i : null, configureScenario, cancellationToken).ConfigureAwait(false)
                        : NotRun(pickle, ReportStatus.Failed, setupError, reason: null);
                }
                catch (Exception ex)
                {
                    // A defect in the host itself still yields a result for the scenario.
                    record = NotRun(pickle, ReportStatus.Failed, $"The runner failed on this scenario: {ex.GetType().Name}: {ex.Message}", reason: null);
                }

                observer.ScenarioFinished(record);
            }
        }
        finally
        {
            try
            {
                await runner.OnFeatureEndAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                _runErrors.Enqueue($"An [AfterFeature] hook for feature \"{first.FeatureName}\" ({first.Uri}) failed: {ex.GetType().Name}: {ex.Message}");
            }

            _manager.ReleaseTestRunnerToPool(runner);
        }
    }

    private async Task<ScenarioRecord> RunScenarioAsync(
        ITestRunner runner,
        Recorder recorder,
        Pickle pickle,
        string[] featureTags,
        int? pickleIndex,
        Action<IObjectContainer, Pickle>? configureScenario,
        CancellationToken cancellationToken)
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        string[] tags = [.. pickle.Tags.Select(t => t.Name.TrimStart('@'))];
        string[] direct = [.. tags.Where(t => !featureTags.Contains(t, StringComparer.Ordinal))];
        ScenarioInfo info = new(pickle.Name, null, direct, new OrderedDictionary(), featureTags, pickleIndex?.ToString(CultureInfo.InvariantCulture));
        runner.OnScenarioInitialize(info, pickle.RuleName is null ? null : new RuleInfo(pickle.RuleName, null, []));
        recorder.Begin();
        List<string> failures = [];
        configureScenario?.Invoke(runner.ScenarioContext.ScenarioContainer, pickle);
        await runner.OnScenarioStartAsync().ConfigureAwait(false);

        List<StepRecord> steps = [];
        string? interrupted = null;
        foreach (PickleStep step in pickle.Steps)
        {
            string stepName = $"Step '{step.Keyword}{step.Text}' ({pickle.Uri}:{step.Location.Line.ToString(CultureInfo.InvariantCulture)})";
            if (cancellationToken.IsCancellationRequested)
            {
                interrupted ??= $"The run was interrupted before {stepName}.";
                steps.Add(new StepRecord(step, "skipped", TimeSpan.Zero, null, null));
                continue;
            }

            int before = recorder.Steps.Count;
            long stepStart = System.Diagnostics.Stopwatch.GetTimestamp();
            Exception? thrown = null;
            try
            {
                await InvokeStepAsync(runner, step).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Only hooks around the step (block, after-step) get here; Reqnroll keeps step errors itself.
                thrown = ex;
            }

            TimeSpan duration = System.Diagnostics.Stopwatch.GetElapsedTime(stepStart);
            RecordedStep? seen = recorder.Steps.Count > before ? recorder.Steps[^1] : null;
            steps.Add(Describe(step, stepName, seen, thrown, duration));
        }

        ScenarioContext context = runner.ScenarioContext;
        Exception? testError = context.TestError;
        try
        {
            await runner.CollectScenarioErrorsAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ReferenceEquals(ex, testError) || ex is PendingStepException or MissingStepDefinitionException or ScenarioIgnoredException)
        {
            // The scenario's outcome, which Reqnroll hands to the test framework; read from the context below.
        }
        catch (Exception ex)
        {
            failures.Add($"An [AfterScenarioBlock] hook failed: {ex.GetType().Name}: {ex.Message}");
        }

        // Before-scenario hooks that failed (a not-applicable or ignore is an outcome, not a failure).
        foreach ((string hook, Exception error) in recorder.HookErrors)
        {
            if (!IsOutcome(error))
            {
                failures.Add($"{hook} failed: {error.GetType().Name}: {error.Message}");
            }
        }

        recorder.HookErrors.Clear();
        try
        {
            await runner.OnScenarioEndAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            string hook = recorder.HookErrors.Count > 0 ? recorder.HookErrors[0].Hook : "An [AfterScenario] hook";
            failures.Add($"{hook} failed: {ex.GetType().Name}: {ex.Message}");
        }

        failures.AddRange(steps.Where(s => s.Status == "failed" && s.Error is not null).Select(s => s.Error!));
        TimeSpan elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        if (failures.Count == 0 && testError is not null && !IsOutcome(testError) && testError is not BindingException)
        {
            failures.Add($"Scenario '{pickle.Name}' failed: {testError.GetType().Name}: {testError.Message}");
        }

        if (failures.Count > 0)
        {
            return new ScenarioRecord(pickle, ReportStatus.Failed, steps, string.Join(Environment.NewLine + "Also: ", failures.Distinct(StringComparer.Ordinal)), null, elapsed);
        }

        if (testError is ScenarioNotApplicableException notApplicable)
        {
            return new ScenarioRecord(pickle, ReportStatus.NotApplicable, steps, null, notApplicable.Reason, elapsed);
        }

        if (testError is ScenarioIgnoredException ignored)
        {
            return new ScenarioRecord(pickle, ReportStatus.Skipped, steps, null, ignored.Message, elapsed);
        }

        if (interrupted is not null)
        {
            return new ScenarioRecord(pickle, ReportStatus.Skipped, steps, null, interrupted, elapsed);
        }

        foreach ((string status, ReportStatus outcome) in new[] { ("ambiguous", ReportStatus.Ambiguous), ("undefined", ReportStatus.Undefined), ("pending", ReportStatus.Pending) })
        {
            if (steps.Find(s => s.Status == status) is { } step)
            {
                return new ScenarioRecord(pickle, outcome, steps, step.Error, null, elapsed);
            }
        }

        return new ScenarioRecord(pickle, ReportStatus.Passed, steps, null, null, elapsed);
    }

    private static bool IsOutcome(Exception error) =>
        error is ScenarioNotApplicableException or ScenarioIgnoredException or PendingStepException or MissingStepDefinitionException or AmbiguousBindingException;

    private static Task InvokeStepAsync(ITestRunner runner, PickleStep step)
    {
        string? docString = step.Argument?.DocString?.Content;
        Table? table = null;
        if (step.Argument?.DataTable is { Count: > 0 } rows)
        {
            table = new Table([.. rows[0].Cells.Select(c => c.Value)]);
            foreach (PickleTableRow row in rows.Skip(1))
            {
                table.AddRow([.. row.Cells.Select(c => c.Value)]);
            }
        }

        return step.Type switch
        {
            PickleStepType.Context => runner.GivenAsync(step.Text, docString, table, step.Keyword),
            PickleStepType.Action => runner.WhenAsync(step.Text, docString, table, step.Keyword),
            PickleStepType.Outcome => runner.ThenAsync(step.Text, docString, table, step.Keyword),
            _ => runner.AndAsync(step.Text, docString, table, step.Keyword),
        };
    }

    private StepRecord Describe(PickleStep step, string stepName, RecordedStep? seen, Exception? thrown, TimeSpan duration)
    {
        if (seen is null)
        {
            return thrown is null
                ? new StepRecord(step, "skipped", duration, null, null)
                : new StepRecord(step, "failed", duration, $"{stepName} failed: {thrown.GetType().Name}: {thrown.Message}", null);
        }

        Exception? error = seen.Error;
        switch (seen.Status)
        {
            case ScenarioExecutionStatus.OK when thrown is null:
                return new StepRecord(step, "passed", duration, null, null);
            case ScenarioExecutionStatus.OK:
                return new StepRecord(step, "failed", duration, $"A hook around {stepName} failed: {thrown!.GetType().Name}: {thrown.Message}", null);
            case ScenarioExecutionStatus.StepDefinitionPending:
                return new StepRecord(step, "pending", duration, $"{stepName} is pending: {error?.Message}", null);
            case ScenarioExecutionStatus.UndefinedStep:
                string snippet = _global.Resolve<IStepDefinitionSkeletonProvider>().GetStepDefinitionSkeleton(
                    ProgrammingLanguage.CSharp, seen.Instance!, StepDefinitionSkeletonStyle.CucumberExpressionAttribute, CultureInfo.InvariantCulture);
                return new StepRecord(step, "undefined", duration, $"{stepName} is undefined: no binding matches \"{step.Text}\".", snippet.Trim());
            case ScenarioExecutionStatus.BindingError when error is AmbiguousBindingException ambiguous:
                return new StepRecord(step, "ambiguous", duration,
                    $"{stepName} is ambiguous; it matches {ambiguous.Matches.Count()} bindings: {string.Join("; ", ambiguous.Matches.Select(m => Describe(m.StepBinding.Method)))}. Make the expressions distinct.", null);
            case ScenarioExecutionStatus.Skipped when error is ScenarioNotApplicableException or ScenarioIgnoredException:
                return new StepRecord(step, "skipped", duration, error.Message, null);
            case ScenarioExecutionStatus.Skipped:
                return new StepRecord(step, "skipped", duration, null, null);
            default:
                Exception cause = error is TargetInvocationException { InnerException: { } inner } ? inner : error ?? thrown ?? new InvalidOperationException("unknown error");
                return new StepRecord(step, "failed", duration, $"{stepName} failed: {cause.GetType().Name}: {cause.Message}", null);
        }
    }

    /// <summary>Names a binding method with its source <c>file:line</c> (from the portable PDB) when known.</summary>
    internal static string Describe(IBindingMethod method)
    {
        string name = $"{method.Type.Name}.{method.Name}";
        return method is RuntimeBindingMethod { MethodInfo: { } info } && SourceLocator.Find(info) is { } location ? $"{name} ({location})" : name;
    }

    private const string Interrupted = "the run was interrupted before this scenario ran";

    private static ScenarioRecord NotRun(Pickle pickle, ReportStatus status, string? error, string? reason) =>
        new(pickle, status, [.. pickle.Steps.Select(s => new StepRecord(s, "skipped", TimeSpan.Zero, null, null))], error, reason, TimeSpan.Zero);

    // Cucumber's pickles must be the run's, in the same order, for the messages to describe what ran.
    private static bool Aligned(FeatureMessages messages, List<Pickle> pickles)
    {
        IReadOnlyList<Io.Cucumber.Messages.Types.Pickle> theirs = messages.PickleList;
        if (theirs.Count != pickles.Count)
        {
            return false;
        }

        for (int i = 0; i < theirs.Count; i++)
        {
            if (!string.Equals(theirs[i].Name, pickles[i].Name, StringComparison.Ordinal) || theirs[i].Steps.Count != pickles[i].Steps.Count)
            {
                return false;
            }
        }

        return true;
    }

    private static string[] FeatureTags(FeatureMessages? messages, List<Pickle> pickles)
    {
        if (messages?.GherkinDocument.Feature is { } feature)
        {
            return [.. feature.Tags.Select(t => t.Name.TrimStart('@'))];
        }

        IEnumerable<string> common = pickles[0].Tags.Select(t => t.Name);
        foreach (Pickle pickle in pickles.Skip(1))
        {
            common = common.Intersect(pickle.Tags.Select(t => t.Name), StringComparer.Ordinal);
        }

        return [.. common.Distinct(StringComparer.Ordinal).Select(t => t.TrimStart('@'))];
    }

    private sealed record RecordedStep(ScenarioExecutionStatus Status, Exception? Error, StepInstance? Instance);

    /// <summary>Reads Reqnroll's step and hook events of one test runner (one feature at a time).</summary>
    private sealed class Recorder
    {
        public Recorder(IObjectContainer testThreadContainer)
        {
            ITestThreadExecutionEventPublisher publisher = testThreadContainer.Resolve<ITestThreadExecutionEventPublisher>();
            publisher.AddHandler<StepFinishedEvent>(e => Steps.Add(new RecordedStep(e.StepContext.Status, e.StepContext.StepError, e.StepContext.StepInfo.StepInstance)));
            publisher.AddHandler<HookBindingFinishedEvent>(e =>
            {
                if (e.HookException is not null)
                {
                    HookErrors.Add(($"[{e.HookBinding.HookType}] hook {Describe(e.HookBinding.Method)}", e.HookException));
                }
            });
        }

        public List<RecordedStep> Steps { get; } = [];

        public List<(string Hook, Exception Error)> HookErrors { get; } = [];

        public void Begin()
        {
            Steps.Clear();
            HookErrors.Clear();
        }
    }
}
