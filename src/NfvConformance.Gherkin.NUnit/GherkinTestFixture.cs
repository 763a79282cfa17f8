// Licensed under the Apache License, Version 2.0.
using NUnit.Framework;

namespace NfvConformance.Gherkin.NUnit;

/// <summary>
/// The base of a test fixture that turns feature files into NUnit test cases: one per scenario (outline rows
/// distinct), named <c>Feature/Scenario</c>, with tags as categories and requirement uids as <c>Requirement</c>
/// properties. Derive from it and return the suite's options from <see cref="CreateOptions"/>; nothing else is needed.
/// A "test run" is one fixture: <c>[BeforeTestRun]</c> runs before its first scenario, <c>[AfterFeature]</c> and
/// <c>[AfterTestRun]</c> when it finishes.
/// </summary>
public abstract class GherkinTestFixture
{
    /// <summary>Says which features and bindings the fixture runs. Called once per fixture type, on a fresh instance.</summary>
    /// <returns>The options.</returns>
    protected abstract GherkinSuiteOptions CreateOptions();

    /// <summary>Runs one scenario and maps its outcome to NUnit's: pass, fail, inconclusive or ignored.</summary>
    /// <param name="scenario">The scenario (supplied by the test builder).</param>
    /// <returns>A task that completes when the scenario has run.</returns>
    [GherkinScenarios]
    public Task Scenario(GherkinScenario scenario) => GherkinSuite.For(GetType()).RunAsync(scenario);

    /// <summary>Runs the after-feature and after-test-run hooks; fails the fixture if any of them failed.</summary>
    /// <returns>A task that completes when the hooks have run.</returns>
    [OneTimeTearDown]
    public Task FinishAsync() => GherkinSuite.For(GetType()).FinishAsync();

    internal GherkinSuiteOptions GetOptions() => CreateOptions();
}
