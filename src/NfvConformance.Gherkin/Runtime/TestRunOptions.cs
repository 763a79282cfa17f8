// Licensed under the Apache License, Version 2.0.
using NfvConformance.Gherkin.Pickles;

namespace NfvConformance.Gherkin.Runtime;

/// <summary>How a <see cref="TestRunner"/> runs scenarios.</summary>
public sealed class TestRunOptions
{
    /// <summary>Gets or sets how many scenarios run at once; above 1, features run in parallel, each feature's scenarios in order on one worker.</summary>
    public int Workers { get; set; } = 1;

    /// <summary>Gets or sets a callback run for each scenario before its hooks, to register instances (a lab target, a logger) in its container.</summary>
    public Action<ScenarioContainer, Pickle>? ConfigureScenario { get; set; }

    /// <summary>Gets or sets the clock for start times and durations.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}

/// <summary>Receives progress while a run goes on. Called from worker threads; implementations must be thread-safe.</summary>
public interface ITestRunObserver
{
    /// <summary>A scenario starts (also called for scenarios skipped by cancellation, just before they finish).</summary>
    /// <param name="pickle">The scenario.</param>
    void ScenarioStarted(Pickle pickle);

    /// <summary>A step has a result (including skipped and undefined steps).</summary>
    /// <param name="pickle">The scenario.</param>
    /// <param name="result">The step's result.</param>
    void StepFinished(Pickle pickle, StepResult result);

    /// <summary>A scenario has its result.</summary>
    /// <param name="result">The result.</param>
    void ScenarioFinished(ScenarioResult result);
}
