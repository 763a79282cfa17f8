// Licensed under the Apache License, Version 2.0.
using NfvConformance.Core.Running;
using Reqnroll;

namespace NfvConformance.Core.Tests.Running.Bindings;

/// <summary>Steps whose outcome is every status a scenario can end with, for the run host's tests.</summary>
[Binding]
public sealed class OutcomeSteps
{
    private readonly ScenarioContext _scenario;

    /// <summary>Creates the steps for one scenario.</summary>
    /// <param name="scenario">Reqnroll's scenario context.</param>
    public OutcomeSteps(ScenarioContext scenario)
    {
        _scenario = scenario;
    }

    /// <summary>Gets how many scenarios reached the after-scenario hook.</summary>
    public static int AfterScenarioCount { get; private set; }

    /// <summary>Marks the scenario not applicable before any step when it carries <c>@needs-warp-drive</c>.</summary>
    /// <exception cref="ScenarioNotApplicableException">Always, for those scenarios.</exception>
    [BeforeScenario("needs-warp-drive", Order = -1000)]
    public void Applicability() => throw new ScenarioNotApplicableException("the lab does not publish warp-drive");

    /// <summary>Counts scenarios that ended.</summary>
    [AfterScenario]
    public void Count() => AfterScenarioCount++;

    /// <summary>Passes.</summary>
    [Given("a step that passes")]
    public void Passes() => _scenario["passed"] = true;

    /// <summary>Fails.</summary>
    /// <exception cref="InvalidOperationException">Always.</exception>
    [When("a step that fails")]
    public void Fails() => throw new InvalidOperationException("the link is down");

    /// <summary>Is pending.</summary>
    /// <exception cref="PendingStepException">Always.</exception>
    [Given("a step that is pending")]
    public void Pending() => throw new PendingStepException();

    /// <summary>Finds mid-scenario that it does not apply.</summary>
    /// <exception cref="ScenarioNotApplicableException">Always.</exception>
    [Given("a step that finds SR-IOV missing")]
    public void NotApplicable() => throw new ScenarioNotApplicableException("SR-IOV is not published");

    /// <summary>One of two bindings for the same text.</summary>
    /// <param name="n">A number.</param>
    [Then("an ambiguous step {int}")]
    public void AmbiguousOne(int n) => _scenario["n"] = n;

    /// <summary>The other.</summary>
    /// <param name="n">A number.</param>
    [Then(@"^an ambiguous step (\d+)$")]
    public void AmbiguousTwo(int n) => _scenario["n"] = n;
}
