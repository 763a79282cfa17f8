// Licensed under the Apache License, Version 2.0.
using Reqnroll;
using NfvConformance.Suites.Drivers;

namespace NfvConformance.Suites.StepDefinitions;

/// <summary>Steps that measure the new-flow rate a vNIC or a node sustains.</summary>
[Binding]
public sealed class NodePerformanceSteps
{
    private readonly NodePerformanceDriver _driver;

    /// <summary>Creates the steps for one scenario.</summary>
    /// <param name="driver">The driver.</param>
    public NodePerformanceSteps(NodePerformanceDriver driver) => _driver = driver;

    /// <summary>Searches the highest total new-flow rate the chains sustain together without loss, each flow a fresh 5-tuple.</summary>
    /// <param name="chains">Comma-separated chains, run together on one node with equal shares.</param>
    /// <param name="packets">Packets each flow sends.</param>
    /// <returns>A task.</returns>
    [When("the highest new-flow rate chains {string} sustain together without loss is searched, with flows of {int} packets")]
    public Task WhenSearched(string chains, int packets) => _driver.SearchAsync(chains, packets);

    /// <summary>Checks the sustained new-flow rate against a figure and confirms it with a trial at the figure's rate.</summary>
    /// <param name="key">The figure in flows per second.</param>
    /// <returns>A task.</returns>
    [Then("the sustained new-flow rate is at least {string}, and a trial at that rate completes every flow it starts")]
    public Task ThenAtLeast(string key) => _driver.CheckSustainedAtLeastAsync(key);
}
