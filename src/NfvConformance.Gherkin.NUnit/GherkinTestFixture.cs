// Licensed under the Apache License, Version 2.0.
using NfvConformance.Gherkin.Pickles;
using NfvConformance.Gherkin.Runtime;
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
    /// <summary>
    /// Says which features and bindings the fixture runs. Called once per fixture type, on an instance of its own,
    /// when NUnit discovers the tests: keep it free of side effects (start targets in <c>[OneTimeSetUp]</c> and
    /// register them in <see cref="ConfigureScenario"/>).
    /// </summary>
    /// <returns>The options.</returns>
    protected abstract GherkinSuiteOptions CreateOptions();

    /// <summary>
    /// Registers this fixture's instances (for example a target started in <c>[OneTimeSetUp]</c>) in each
    /// scenario's container. Called on the running fixture instance, after <see cref="GherkinSuiteOptions.ConfigureScenario"/>.
    /// </summary>
    /// <param name="container">The scenario's container.</param>
    /// <param name="pickle">The scenario.</param>
    protected virtual void ConfigureScenario(ScenarioContainer container, Pickle pickle)
    {
    }

    /// <summary>
    /// Runs after the after-feature and after-test-run hooks; dispose fixture resources here rather than in your
    /// own <c>[OneTimeTearDown]</c>, which NUnit runs before this base class's teardown (and so before those hooks).
    /// </summary>
    /// <returns>A task that completes when the resources are released.</returns>
    protected virtual ValueTask OnRunFinishedAsync() => ValueTask.CompletedTask;

    /// <summary>Runs one scenario and maps its outcome to NUnit's: pass, fail, inconclusive or ignored.</summary>
    /// <param name="scenario">The scenario (supplied by the test builder).</param>
    /// <returns>A task that completes when the scenario has run.</returns>
    [GherkinScenarios]
    public Task Scenario(GherkinScenario scenario) => GherkinSuite.For(GetType()).RunAsync(scenario, ConfigureScenario);

    /// <summary>Runs the after-feature and after-test-run hooks, then <see cref="OnRunFinishedAsync"/>; fails the fixture if a hook failed.</summary>
    /// <returns>A task that completes when the hooks have run.</returns>
    [OneTimeTearDown]
    public async Task FinishAsync()
    {
        try
        {
            await GherkinSuite.For(GetType()).FinishAsync().ConfigureAwait(false);
        }
        finally
        {
            await OnRunFinishedAsync().ConfigureAwait(false);
        }
    }

    internal GherkinSuiteOptions GetOptions() => CreateOptions();
}
