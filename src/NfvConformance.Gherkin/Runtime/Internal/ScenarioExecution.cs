// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Gherkin.Bindings.Internal;
using NfvConformance.Gherkin.Bindings;
using NfvConformance.Gherkin.Pickles;

namespace NfvConformance.Gherkin.Runtime.Internal;

/// <summary>One run of one scenario: container, scenario hooks, steps with step hooks, after hooks, disposal.</summary>
internal sealed class ScenarioExecution
{
    private readonly Pickle _pickle;
    private readonly BindingRegistry _registry;
    private readonly BindingInvoker _invoker;
    private readonly TestRunOptions _options;
    private readonly ITestRunObserver? _observer;
    private readonly TestRunner _runner;
    private readonly CancellationToken _cancellationToken;
    private readonly Action<ScenarioContainer, Pickle>? _configure;
    private readonly TimeProvider _time;
    private readonly List<StepResult> _steps = [];
    private ScenarioStatus? _explicitStatus;
    private string? _reason;
    private Exception? _failure;
    private string? _failureMessage;
    private string? _pendingMessage;
    private bool _stopped;

    public ScenarioExecution(Pickle pickle, BindingRegistry registry, BindingInvoker invoker, TestRunOptions options, ITestRunObserver? observer, TestRunner runner, CancellationToken cancellationToken, Action<ScenarioContainer, Pickle>? configure = null)
    {
        _configure = configure;
        _pickle = pickle;
        _registry = registry;
        _invoker = invoker;
        _options = options;
        _observer = observer;
        _runner = runner;
        _cancellationToken = cancellationToken;
        _time = options.TimeProvider;
    }

    public async Task<ScenarioResult> RunAsync(Exception? setupError)
    {
        DateTimeOffset started = _time.GetUtcNow();
        long startTimestamp = _time.GetTimestamp();
        _runner.Notify(() => _observer?.ScenarioStarted(_pickle));
        ScenarioContainer container = new(_cancellationToken);
        ScenarioInfo info = new(_pickle);
        container.RegisterInstance(info);
        bool runHooks = false;
        if (_cancellationToken.IsCancellationRequested)
        {
            SetExplicit(ScenarioStatus.Skipped, "The run was cancelled before this scenario started.");
        }
        else if (setupError is not null)
        {
            Fail(setupError, setupError.Message);
        }
        else
        {
            runHooks = true;
            try
            {
                _options.ConfigureScenario?.Invoke(container, _pickle);
            }
            catch (Exception ex)
            {
                Fail(ex, $"TestRunOptions.ConfigureScenario threw {ex.GetType().Name}: {ex.Message}");
            }

            try
            {
                _configure?.Invoke(container, _pickle);
            }
            catch (Exception ex)
            {
                Fail(ex, $"ConfigureScenario of the test fixture threw {ex.GetType().Name}: {ex.Message}");
            }

            if (!_stopped)
            {
                await RunScenarioHooksAsync(HookKind.BeforeScenario, container, info).ConfigureAwait(false);
            }
        }

        await RunStepsAsync(container, info).ConfigureAwait(false);

        if (runHooks)
        {
            info.CurrentStep = null;
            info.Status = ComputeStatus();
            info.Error = _failure;
            await RunScenarioHooksAsync(HookKind.AfterScenario, container, info).ConfigureAwait(false);
        }

        foreach (Exception error in await container.DisposeOwnedAsync().ConfigureAwait(false))
        {
            Fail(error, error.Message);
        }

        ScenarioStatus status = ComputeStatus();
        return new ScenarioResult
        {
            Pickle = _pickle,
            Status = status,
            Steps = _steps,
            ErrorMessage = status switch
            {
                ScenarioStatus.Failed => _failureMessage,
                ScenarioStatus.Pending => _pendingMessage ?? FirstStepMessage(StepStatus.Pending),
                ScenarioStatus.Undefined => FirstStepMessage(StepStatus.Undefined),
                ScenarioStatus.Ambiguous => FirstStepMessage(StepStatus.Ambiguous),
                _ => null,
            },
            Exception = status == ScenarioStatus.Failed ? _failure : null,
            Reason = status is ScenarioStatus.Skipped or ScenarioStatus.NotApplicable ? _reason : null,
            Started = started,
            Duration = _time.GetElapsedTime(startTimestamp),
        };
    }

    private string? FirstStepMessage(StepStatus status) => _steps.Find(s => s.Status == status)?.ErrorMessage;

    private ScenarioStatus ComputeStatus()
    {
        if (_failure is not null)
        {
            return ScenarioStatus.Failed;
        }

        if (_explicitStatus is { } explicitStatus)
        {
            return explicitStatus;
        }

        if (_steps.Exists(s => s.Status == StepStatus.Ambiguous))
        {
            return ScenarioStatus.Ambiguous;
        }

        if (_steps.Exists(s => s.Status == StepStatus.Undefined))
        {
            return ScenarioStatus.Undefined;
        }

        return _pendingMessage is not null || _steps.Exists(s => s.Status == StepStatus.Pending) ? ScenarioStatus.Pending : ScenarioStatus.Passed;
    }

    private async Task RunScenarioHooksAsync(HookKind kind, ScenarioContainer container, ScenarioInfo info)
    {
        foreach (HookBinding hook in _registry.Hooks(kind))
        {
            if (!hook.Matches(info.Tags))
            {
                continue;
            }

            try
            {
                await BindingInvoker.InvokeHookAsync(hook, container, null, _cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Classify(ex, hook.Describe());
                if (kind == HookKind.BeforeScenario)
                {
                    return;
                }
            }
        }
    }

    private async Task RunStepsAsync(ScenarioContainer container, ScenarioInfo info)
    {
        foreach (PickleStep step in _pickle.Steps)
        {
            string stepName = $"Step '{step.Keyword}{step.Text}' ({_pickle.Uri}:{step.Location.Line.ToString(CultureInfo.InvariantCulture)})";
            List<StepBinding> otherKinds = [];
            List<StepMatch> matches = _registry.Matcher.Match(step.Type, step.Text, otherKinds);
            if (matches.Count == 0)
            {
                Record(UndefinedOrBroken(step, stepName, otherKinds));
                continue;
            }

            if (matches.Count > 1)
            {
                _stopped = true;
                Record(new StepResult
                {
                    Step = step,
                    Status = StepStatus.Ambiguous,
                    ErrorMessage = $"{stepName} is ambiguous; it matches {matches.Count} bindings: {string.Join("; ", matches.Select(m => m.Binding.Describe()))}. Make the expressions distinct.",
                });
                continue;
            }

            StepMatch match = matches[0];
            string bindingLocation = match.Binding.Describe();
            if (_stopped || _cancellationToken.IsCancellationRequested)
            {
                if (!_stopped)
                {
                    SetExplicit(ScenarioStatus.Skipped, $"The run was cancelled before {stepName}.");
                }

                Record(new StepResult { Step = step, Status = StepStatus.Skipped, BindingLocation = bindingLocation });
                continue;
            }

            info.CurrentStep = step;
            long start = _time.GetTimestamp();
            (StepStatus status, string? message, Exception? error) = await ExecuteStepAsync(match, step, stepName, container, info).ConfigureAwait(false);
            Record(new StepResult
            {
                Step = step,
                Status = status,
                Duration = _time.GetElapsedTime(start),
                ErrorMessage = message,
                Exception = error,
                BindingLocation = bindingLocation,
            });
        }
    }

    private async Task<(StepStatus Status, string? Message, Exception? Error)> ExecuteStepAsync(StepMatch match, PickleStep step, string stepName, ScenarioContainer container, ScenarioInfo info)
    {
        foreach (HookBinding hook in _registry.Hooks(HookKind.BeforeStep))
        {
            if (!hook.Matches(info.Tags))
            {
                continue;
            }

            try
            {
                await BindingInvoker.InvokeHookAsync(hook, container, null, _cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                return Classify(ex, $"{hook.Describe()} before {stepName}");
            }
        }

        (StepStatus Status, string? Message, Exception? Error) outcome = (StepStatus.Passed, null, null);
        try
        {
            await _invoker.InvokeStepAsync(match, step, container).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            outcome = Classify(ex, stepName);
        }

        foreach (HookBinding hook in _registry.Hooks(HookKind.AfterStep))
        {
            if (!hook.Matches(info.Tags))
            {
                continue;
            }

            try
            {
                await BindingInvoker.InvokeHookAsync(hook, container, null, _cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                (StepStatus Status, string? Message, Exception? Error) hookOutcome = Classify(ex, $"{hook.Describe()} after {stepName}");
                if (outcome.Status == StepStatus.Passed)
                {
                    outcome = hookOutcome;
                }
            }
        }

        return outcome;
    }

    private StepResult UndefinedOrBroken(PickleStep step, string stepName, List<StepBinding> otherKinds)
    {
        List<StepMatch> broken = _registry.BrokenMatcher.Match(step.Type, step.Text);
        if (broken.Count > 0)
        {
            string message = $"{stepName} matches {broken[0].Binding.Describe()}, which cannot run: {_registry.BrokenReason(broken[0].Binding)}";
            BindingException error = new(message);
            if (!_stopped)
            {
                Fail(error, message);
            }

            return new StepResult { Step = step, Status = StepStatus.Failed, ErrorMessage = message, Exception = error, BindingLocation = broken[0].Binding.Describe() };
        }

        _stopped = true;
        string hint = otherKinds.Count == 0
            ? string.Empty
            : $" A binding for another step kind matches the text: {string.Join("; ", otherKinds.Select(b => b.Describe()))}; use [StepDefinition] or the step's keyword.";
        return new StepResult
        {
            Step = step,
            Status = StepStatus.Undefined,
            ErrorMessage = $"{stepName} is undefined: no binding matches \"{step.Text}\".{hint}",
            Snippet = SnippetGenerator.Generate(step),
        };
    }

    private (StepStatus Status, string? Message, Exception? Error) Classify(Exception ex, string where)
    {
        switch (ex)
        {
            case ScenarioNotApplicableException notApplicable:
                SetExplicit(ScenarioStatus.NotApplicable, notApplicable.Reason);
                return (StepStatus.Skipped, notApplicable.Reason, null);
            case ScenarioSkippedException skipped:
                SetExplicit(ScenarioStatus.Skipped, skipped.Reason);
                return (StepStatus.Skipped, skipped.Reason, null);
            case PendingStepException pending:
                string message = $"{where} is pending: {pending.Message}";
                _pendingMessage ??= message;
                _stopped = true;
                return (StepStatus.Pending, message, null);
            case OperationCanceledException when _cancellationToken.IsCancellationRequested:
                string reason = $"The run was cancelled during {where}.";
                SetExplicit(ScenarioStatus.Skipped, reason);
                return (StepStatus.Skipped, reason, null);
            default:
                string failure = $"{where} failed: {ex.GetType().Name}: {ex.Message}";
                Fail(ex, failure);
                return (StepStatus.Failed, failure, ex);
        }
    }

    private void SetExplicit(ScenarioStatus status, string reason)
    {
        _stopped = true;
        if (_explicitStatus is null)
        {
            _explicitStatus = status;
            _reason = reason;
        }
    }

    private void Fail(Exception error, string message)
    {
        _stopped = true;
        if (_failure is null)
        {
            _failure = error;
            _failureMessage = message;
        }
        else
        {
            _failureMessage += Environment.NewLine + "Also: " + message;
        }
    }

    private void Record(StepResult result)
    {
        _steps.Add(result);
        _runner.Notify(() => _observer?.StepFinished(_pickle, result));
    }
}

/// <summary>A step matches a binding that the registry reported as broken.</summary>
internal sealed class BindingException : Abstractions.Errors.NfvConformanceException
{
    public BindingException(string message)
        : base(message, Abstractions.Errors.Severity.Configuration)
    {
    }
}
