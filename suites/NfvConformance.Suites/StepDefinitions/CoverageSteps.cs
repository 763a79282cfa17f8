// Licensed under the Apache License, Version 2.0.
using Reqnroll;
using NfvConformance.Suites.Drivers;

namespace NfvConformance.Suites.StepDefinitions;

/// <summary>Steps for flow symmetry, interface counters and frame delay variation.</summary>
[Binding]
public sealed class CoverageSteps
{
    private readonly CoverageDriver _driver;
    private readonly ServiceChainingDriver _chaining;
    private readonly TrafficDriver _traffic;

    /// <summary>Creates the steps for one scenario.</summary>
    /// <param name="driver">The coverage driver.</param>
    /// <param name="chaining">The chaining driver.</param>
    /// <param name="traffic">The traffic driver.</param>
    public CoverageSteps(CoverageDriver driver, ServiceChainingDriver chaining, TrafficDriver traffic)
    {
        _driver = driver;
        _chaining = chaining;
        _traffic = traffic;
    }

    /// <summary>Probes flows and their replies and checks each reply crossed the request's instances in reverse.</summary>
    /// <param name="flows">Flows.</param>
    /// <param name="protocol">tcp or udp.</param>
    /// <param name="source">Source address.</param>
    /// <param name="destination">Destination address.</param>
    /// <param name="port">Destination port.</param>
    /// <param name="group">The group whose instances must be shared out.</param>
    /// <returns>A task.</returns>
    [Then("the replies of {int} {word} flows from {string} to {string} port {int} cross the same instances in reverse, spread over group {string}")]
    public Task ThenSymmetric(int flows, string protocol, string source, string destination, int port, string group) =>
        _driver.CheckRepliesSymmetricAsync(flows, protocol, source, destination, port, group);

    /// <summary>Reads every chained instance's interface counters.</summary>
    [Given("the chained instances' interface counters were read")]
    public Task GivenCountersRead() => _driver.SnapshotCountersAsync();

    /// <summary>Probes flows and tallies the instances each probe crossed.</summary>
    /// <param name="flows">Flows.</param>
    /// <param name="protocol">tcp or udp.</param>
    /// <param name="source">Source address.</param>
    /// <param name="destination">Destination address.</param>
    /// <param name="port">Destination port.</param>
    /// <returns>A task.</returns>
    [When("{int} {word} probes go from {string} to {string} port {int}, each traced")]
    public Task WhenTallied(int flows, string protocol, string source, string destination, int port) =>
        _driver.ProbeAndTallyAsync(flows, protocol, source, destination, port);

    /// <summary>Checks the counters against the traces.</summary>
    /// <param name="minBytes">The smallest frame the probes can be.</param>
    [Then("each instance's packet, octet and discard counters grew by exactly the traced probes of at least {int} bytes")]
    public Task ThenCounters(int minBytes) => _driver.CheckCountersMatchTallyAsync(minBytes);

    /// <summary>Makes a group passive: it gets copies of the traffic and the original goes on.</summary>
    /// <param name="group">The group.</param>
    [Given("group {string} only taps the traffic")]
    public void GivenTap(string group) => _chaining.EnableTap(group);

    /// <summary>Checks a tap instance observed every probe without being on its path.</summary>
    /// <param name="tap">The tap instance.</param>
    /// <param name="onPath">An instance on the path.</param>
    [Then("tap instance {string} observed every probe byte for byte as {string} carried it, without being on its path")]
    public Task ThenTap(string tap, string onPath) => _driver.CheckTapObservedAllAsync(tap, onPath);

    /// <summary>Opens the figure's number of flows through one instance and checks all were carried and the oldest still are.</summary>
    /// <param name="key">The figure.</param>
    /// <param name="protocol">tcp or udp.</param>
    /// <param name="source">The first source address.</param>
    /// <param name="destination">Destination address.</param>
    /// <param name="port">Destination port.</param>
    /// <param name="instance">The instance every flow crosses.</param>
    /// <param name="again">How many of the oldest flows are probed again.</param>
    /// <returns>A task.</returns>
    [Then("{string} concurrent {word} flows from {string} to {string} port {int} all cross instance {string}, and the oldest {int} still take their first path")]
    public Task ThenConcurrentFlows(string key, string protocol, string source, string destination, int port, string instance, int again) =>
        _driver.CheckConcurrentFlowsAsync(key, protocol, source, destination, port, instance, again);

    /// <summary>Runs a generator trial through the chain at a share of the NDR found and checks the 99th-percentile delay variation.</summary>
    /// <param name="chain">The chain.</param>
    /// <param name="percent">The load in percent of the NDR.</param>
    /// <param name="key">The figure bounding the delay variation in µs.</param>
    /// <returns>A task.</returns>
    [Then("chain {string} at {int} % of the NDR has a 99th-percentile frame delay variation within {string}")]
    public Task ThenDelayVariation(string chain, int percent, string key) =>
        _traffic.CheckDelayVariationAsync(chain, percent, key);
}
