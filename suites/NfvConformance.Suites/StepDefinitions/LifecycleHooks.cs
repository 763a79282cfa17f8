// Licensed under the Apache License, Version 2.0.
using NfvConformance.Suites.Drivers;
using Reqnroll;

namespace NfvConformance.Suites.StepDefinitions;

/// <summary>Terminates, when a scenario ends, the VNF instance it instantiated and left running (asynchronously, as the target's lifecycle is).</summary>
[Binding]
public sealed class LifecycleHooks
{
    private readonly LifecycleDriver _driver;

    /// <summary>Creates the hooks for one scenario.</summary>
    /// <param name="driver">The scenario's lifecycle driver.</param>
    public LifecycleHooks(LifecycleDriver driver) => _driver = driver;

    /// <summary>Terminates the scenario's instance when it still runs.</summary>
    /// <returns>A task that completes when the target answered.</returns>
    [AfterScenario]
    public Task TerminateLeftoverAsync() => _driver.TerminateLeftoverAsync();
}
