// Licensed under the Apache License, Version 2.0.
using NfvConformance.Reports.Model;

namespace NfvConformance.Core.Running;

/// <summary>Receives progress of a run (the CLI's live display). Called from worker threads.</summary>
public interface IRunProgress
{
    /// <summary>The run is about to execute its scenarios.</summary>
    /// <param name="total">How many scenarios will run.</param>
    /// <param name="outputDirectory">Where the results go.</param>
    void RunStarted(int total, string outputDirectory);

    /// <summary>A scenario started.</summary>
    /// <param name="feature">Its feature.</param>
    /// <param name="scenario">Its name.</param>
    void ScenarioStarted(string feature, string scenario);

    /// <summary>A scenario finished.</summary>
    /// <param name="scenario">Its result.</param>
    void ScenarioFinished(ScenarioSummary scenario);
}
