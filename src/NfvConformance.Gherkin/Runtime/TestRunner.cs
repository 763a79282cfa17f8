// Licensed under the Apache License, Version 2.0.
using System.Collections.Concurrent;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Gherkin.Bindings.Internal;
using NfvConformance.Gherkin.Bindings;
using NfvConformance.Gherkin.Pickles;
using NfvConformance.Gherkin.Runtime.Internal;

namespace NfvConformance.Gherkin.Runtime;

/// <summary>
/// Runs pickles against a <see cref="BindingRegistry"/>: test-run, feature, scenario and step hooks, then each
/// scenario's steps in its own <see cref="ScenarioContainer"/>. Never loses a result: an exception anywhere in a
/// scenario is that scenario's failure, and cancellation marks the scenarios not yet run as skipped.
/// </summary>
public sealed class TestRunner
{
    private readonly BindingRegistry _registry;
    private readonly TestRunOptions _options;
    private readonly BindingInvoker _invoker;
    private readonly ConcurrentQueue<string> _runErrors = new();

    /// <summary>Creates a runner.</summary>
    /// <param name="registry">The bindings.</param>
    /// <param name="options">How to run.</param>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="TestRunOptions.Workers"/> is below 1.</exception>
    public TestRunner(BindingRegistry registry, TestRunOptions options)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Workers < 1)
        {
            ThrowHelper.ThrowOutOfRange(nameof(options.Workers), options.Workers, "1 or more");
        }

        _registry = registry;
        _options = options;
        _invoker = new BindingInvoker(registry);
    }

    /// <summary>
    /// Gets problems no scenario result can carry: exceptions from <c>[AfterFeature]</c> and <c>[AfterTestRun]</c>
    /// hooks and from observers.
    /// </summary>
    public IReadOnlyList<string> RunErrors => [.. _runErrors];

    /// <summary>Runs the scenarios.</summary>
    /// <param name="pickles">The scenarios; results come back in the same order.</param>
    /// <param name="observer">Receives progress, or null.</param>
    /// <param name="cancellationToken">Stops the run: scenarios not yet finished are skipped with the reason.</param>
    /// <returns>One result per pickle.</returns>
    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(IReadOnlyList<Pickle> pickles, ITestRunObserver? observer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pickles);
        ScenarioResult[] results = new ScenarioResult[pickles.Count];
        List<List<int>> features = [];
        Dictionary<string, List<int>> byUri = new(StringComparer.Ordinal);
        for (int i = 0; i < pickles.Count; i++)
        {
            if (!byUri.TryGetValue(pickles[i].Uri, out List<int>? indexes))
            {
                indexes = [];
                byUri.Add(pickles[i].Uri, indexes);
                features.Add(indexes);
            }

            indexes.Add(i);
        }

        Exception? runSetupError = await BeforeRunAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ParallelOptions parallel = new() { MaxDegreeOfParallelism = _options.Workers };

            // Cancellation is handled per scenario (skipped with a reason), so the loop itself is never cancelled.
            await Parallel.ForEachAsync(features, parallel, async (indexes, _) =>
            {
                FeatureRun feature = CreateFeature(indexes.Select(i => pickles[i]).ToList());
                // A feature reached after cancellation runs no hooks: its scenarios are all skipped anyway.
                Exception? setupError = runSetupError
                    ?? (cancellationToken.IsCancellationRequested ? null : await BeforeFeatureAsync(feature, cancellationToken).ConfigureAwait(false));
                try
                {
                    foreach (int i in indexes)
                    {
                        results[i] = await RunScenarioAsync(pickles[i], setupError, observer, cancellationToken).ConfigureAwait(false);
                    }
                }
                finally
                {
                    await AfterFeatureAsync(feature).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        }
        finally
        {
            await AfterRunAsync().ConfigureAwait(false);
        }

        return results;
    }

    /// <summary>Runs the <c>[BeforeTestRun]</c> hooks; returns the first failure, which fails every scenario.</summary>
    internal async Task<Exception?> BeforeRunAsync(CancellationToken cancellationToken)
    {
        foreach (HookBinding hook in _registry.Hooks(HookKind.BeforeTestRun))
        {
            try
            {
                await BindingInvoker.InvokeHookAsync(hook, null, null, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                return new NfvConformanceException($"{hook.Describe()} failed: {ex.Message}", Severity.Failure, ex);
            }
        }

        return null;
    }

    /// <summary>Runs the <c>[AfterTestRun]</c> hooks, recording failures in <see cref="RunErrors"/>.</summary>
    internal async Task AfterRunAsync()
    {
        foreach (HookBinding hook in _registry.Hooks(HookKind.AfterTestRun))
        {
            try
            {
                await BindingInvoker.InvokeHookAsync(hook, null, null, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                _runErrors.Enqueue($"{hook.Describe()} failed: {ex.GetType().Name}: {ex.Message}");
            }
        }
    }

    /// <summary>Describes a feature from all of its pickles (its tags are those every pickle carries).</summary>
    internal static FeatureRun CreateFeature(IReadOnlyList<Pickle> featurePickles)
    {
        Pickle first = featurePickles[0];
        IEnumerable<string> common = first.Tags.Select(t => t.Name);
        foreach (Pickle pickle in featurePickles.Skip(1))
        {
            common = common.Intersect(pickle.Tags.Select(t => t.Name), StringComparer.Ordinal);
        }

        return new FeatureRun(new FeatureInfo(first.FeatureName, first.Uri, common.Distinct(StringComparer.Ordinal).ToArray()));
    }

    /// <summary>Runs the matching <c>[BeforeFeature]</c> hooks; returns the first failure, which fails the feature's scenarios.</summary>
    internal async Task<Exception?> BeforeFeatureAsync(FeatureRun feature, CancellationToken cancellationToken)
    {
        foreach (HookBinding hook in _registry.Hooks(HookKind.BeforeFeature))
        {
            if (!hook.Matches(feature.Info.Tags))
            {
                continue;
            }

            feature.Started = true;
            try
            {
                await BindingInvoker.InvokeHookAsync(hook, null, feature.Info, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                return new NfvConformanceException($"{hook.Describe()} failed: {ex.Message}", Severity.Failure, ex);
            }
        }

        feature.Started = true;
        return null;
    }

    /// <summary>Runs the matching <c>[AfterFeature]</c> hooks, recording failures in <see cref="RunErrors"/>.</summary>
    internal async Task AfterFeatureAsync(FeatureRun feature)
    {
        if (!feature.Started)
        {
            return;
        }

        foreach (HookBinding hook in _registry.Hooks(HookKind.AfterFeature))
        {
            if (!hook.Matches(feature.Info.Tags))
            {
                continue;
            }

            try
            {
                await BindingInvoker.InvokeHookAsync(hook, null, feature.Info, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                _runErrors.Enqueue($"{hook.Describe()} for feature \"{feature.Info.Name}\" ({feature.Info.Uri}) failed: {ex.GetType().Name}: {ex.Message}");
            }
        }
    }

    /// <summary>Runs one scenario with its scenario and step hooks; never throws.</summary>
    /// <param name="pickle">The scenario.</param>
    /// <param name="setupError">A failed test-run or feature hook, which fails the scenario without running it.</param>
    /// <param name="observer">Receives progress, or null.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <param name="configure">Registers more instances after <see cref="TestRunOptions.ConfigureScenario"/>, or null.</param>
    internal async Task<ScenarioResult> RunScenarioAsync(Pickle pickle, Exception? setupError, ITestRunObserver? observer, CancellationToken cancellationToken, Action<ScenarioContainer, Pickle>? configure = null)
    {
        ScenarioResult result;
        try
        {
            ScenarioExecution execution = new(pickle, _registry, _invoker, _options, observer, this, cancellationToken, configure);
            result = await execution.RunAsync(setupError).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A defect in the runner itself still yields a result for the scenario.
            result = new ScenarioResult
            {
                Pickle = pickle,
                Status = ScenarioStatus.Failed,
                Steps = pickle.Steps.Select(s => new StepResult { Step = s, Status = StepStatus.Skipped }).ToArray(),
                ErrorMessage = $"The runner failed on this scenario: {ex.GetType().Name}: {ex.Message}",
                Exception = ex,
                Started = _options.TimeProvider.GetUtcNow(),
            };
        }

        Notify(() => observer?.ScenarioFinished(result));
        return result;
    }

    internal void Notify(Action callback)
    {
        try
        {
            callback();
        }
        catch (Exception ex)
        {
            _runErrors.Enqueue($"An observer threw {ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>A feature being run: its description and whether its before-hooks ran.</summary>
    internal sealed class FeatureRun(FeatureInfo info)
    {
        public FeatureInfo Info { get; } = info;

        public bool Started { get; set; }
    }
}
