// Licensed under the Apache License, Version 2.0.
using Reqnroll;
using NfvConformance.Suites.Drivers;

namespace NfvConformance.Suites.StepDefinitions;

/// <summary>Steps that measure NDR/PDR and latency through the target's traffic generator and chains.</summary>
[Binding]
public sealed class PerformanceSteps
{
    private readonly TrafficDriver _traffic;

    /// <summary>Creates the steps for one scenario.</summary>
    /// <param name="traffic">The traffic driver.</param>
    public PerformanceSteps(TrafficDriver traffic)
    {
        _traffic = traffic;
    }

    /// <summary>Searches NDR and PDR.</summary>
    /// <param name="method">bisection, TST009 or MLR.</param>
    /// <param name="frames">Frame size or IMIX.</param>
    /// <param name="source">Source address of the streams.</param>
    /// <returns>A task.</returns>
    [When("NDR and PDR are searched by {word} with {word} frames from {string}")]
    public Task WhenSearched(string method, string frames, string source) => _traffic.SearchAsync(method, frames, source);

    /// <summary>Checks the NDR against a figure.</summary>
    /// <param name="key">The figure.</param>
    [Then("the NDR in Mpps is at least {string}")]
    public void ThenNdr(string key) => _traffic.CheckNdrAtLeast(key);

    /// <summary>Checks PDR against NDR and line rate.</summary>
    [Then("the PDR lies between the NDR and line rate")]
    public void ThenPdr() => _traffic.CheckPdrConsistent();

    /// <summary>Re-runs a trial at the NDR and checks it is loss-free.</summary>
    /// <returns>A task.</returns>
    [Then("a longer trial at the NDR loses no more than the NDR ratio")]
    public Task ThenVerified() => _traffic.CheckNdrTrialLossFreeAsync();

    /// <summary>Runs a latency trial at a share of the NDR and checks the 99th percentile.</summary>
    /// <param name="chain">The chain.</param>
    /// <param name="percent">Percent of the NDR.</param>
    /// <param name="key">The figure bounding p99 in µs.</param>
    /// <returns>A task.</returns>
    [Then("chain {string} at {int} % of the NDR has a 99th-percentile latency within {string}")]
    public Task ThenLatency(string chain, int percent, string key) => _traffic.CheckLatencyAsync(chain, percent, key);
}
