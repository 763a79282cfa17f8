// Licensed under the Apache License, Version 2.0.
using NfvConformance.Gherkin.Pickles;

namespace NfvConformance.Gherkin.NUnit;

/// <summary>The argument of one generated test case: a scenario of a feature file.</summary>
public sealed class GherkinScenario
{
    internal GherkinScenario(Pickle pickle, string testName)
    {
        Pickle = pickle;
        TestName = testName;
    }

    /// <summary>Gets the scenario.</summary>
    public Pickle Pickle { get; }

    /// <summary>Gets the test name: <c>Feature/Scenario</c>, with <c> [line N]</c> added when names repeat (outline rows).</summary>
    public string TestName { get; }

    /// <inheritdoc />
    public override string ToString() => TestName;
}
