// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Core.Evidence;
using Reqnroll;
using NfvConformance.Suites.Drivers;

namespace NfvConformance.Suites.StepDefinitions;

/// <summary>Steps that build, apply, update and probe service function chains, and check load sharing and failover.</summary>
[Binding]
public sealed class ServiceChainingSteps
{
    private readonly ServiceChainingDriver _driver;
    private readonly FiguresDriver _figures;
    private ChainApplyResult? _offered;

    /// <summary>Creates the steps for one scenario.</summary>
    /// <param name="driver">The chaining driver.</param>
    /// <param name="figures">The target figures.</param>
    public ServiceChainingSteps(ServiceChainingDriver driver, FiguresDriver figures)
    {
        _driver = driver;
        _figures = figures;
    }

    /// <summary>Declares service-function instances from a table with instance, function, group and optional acceleration columns.</summary>
    /// <param name="table">The table.</param>
    [Given("the service function instances:")]
    [When("the service function instances are added:")]
    public void GivenInstances(DataTable table) => _driver.DefineInstances(Rows(table));

    /// <summary>Declares a classifier on a protocol and source prefix.</summary>
    /// <param name="name">The classifier.</param>
    /// <param name="protocol">tcp, udp or any.</param>
    /// <param name="prefix">The source prefix.</param>
    [Given("a flow classifier {string} for {word} traffic from {string}")]
    public void GivenClassifier(string name, string protocol, string prefix) => _driver.DefineClassifier(name, prefix, protocol, null);

    /// <summary>Declares a classifier on a protocol, source prefix and destination port.</summary>
    /// <param name="name">The classifier.</param>
    /// <param name="protocol">tcp, udp or any.</param>
    /// <param name="prefix">The source prefix.</param>
    /// <param name="port">The destination port.</param>
    [Given("a flow classifier {string} for {word} traffic from {string} to port {int}")]
    public void GivenClassifierToPort(string name, string protocol, string prefix, int port) => _driver.DefineClassifier(name, prefix, protocol, port);

    /// <summary>Declares a one-way chain.</summary>
    /// <param name="name">The chain.</param>
    /// <param name="id">The chain id.</param>
    /// <param name="groups">The groups, comma-separated, in order.</param>
    /// <param name="classifier">The classifier.</param>
    [Given("a service chain {string} with id {int} through {string} classified by {string}")]
    public void GivenChain(string name, int id, string groups, string classifier) => _driver.DefineChain(name, id, groups, classifier, false);

    /// <summary>Declares a symmetric chain.</summary>
    /// <param name="name">The chain.</param>
    /// <param name="id">The chain id.</param>
    /// <param name="groups">The groups, comma-separated, in order.</param>
    /// <param name="classifier">The classifier.</param>
    [Given("a symmetric service chain {string} with id {int} through {string} classified by {string}")]
    public void GivenSymmetricChain(string name, int id, string groups, string classifier) => _driver.DefineChain(name, id, groups, classifier, true);

    /// <summary>Declares a service graph from a table with from and to columns.</summary>
    /// <param name="name">The graph.</param>
    /// <param name="table">The links.</param>
    [Given("a service graph {string} linking:")]
    public void GivenGraph(string name, DataTable table) => _driver.DefineGraph(name, table.Rows.Select(r => (r["from"], r["to"])));

    /// <summary>Applies the chain spec through the target and checks it was taken.</summary>
    /// <returns>A task.</returns>
    [Given("the chain spec is applied")]
    [When("the chain spec is applied")]
    [When("the updated chain spec is applied")]
    public Task WhenApplied() => _driver.ApplyAsync();

    /// <summary>Offers the chain spec, whatever the outcome.</summary>
    /// <returns>A task.</returns>
    [When("the chain spec is offered")]
    public async Task WhenOffered() => _offered = await _driver.OfferAsync();

    /// <summary>Checks the offered spec was refused with a problem mentioning a text.</summary>
    /// <param name="text">Text the problem must contain.</param>
    [Then("the chain spec is refused naming {string}")]
    public void ThenRefused(string text)
    {
        ChainApplyResult offered = _offered ?? throw new InvalidOperationException("no chain spec was offered in this scenario.");
        Check.That(!offered.Applied, "The target applied a chain spec it should have refused.");
        Check.That(offered.Problems.Any(p => p.IsCritical && p.ToString().Contains(text, StringComparison.Ordinal)), $"No critical problem names '{text}': {string.Join("; ", offered.Problems)}.");
    }

    /// <summary>Inserts a group into a chain after another.</summary>
    /// <param name="group">The group.</param>
    /// <param name="chain">The chain.</param>
    /// <param name="after">The group it follows.</param>
    [When("hop {string} is inserted into chain {string} after {string}")]
    public void WhenInserted(string group, string chain, string after) => _driver.InsertHop(chain, group, after);

    /// <summary>Removes a group from a chain.</summary>
    /// <param name="group">The group.</param>
    /// <param name="chain">The chain.</param>
    [When("hop {string} is removed from chain {string}")]
    public void WhenRemoved(string group, string chain) => _driver.RemoveHop(chain, group);

    /// <summary>Removes a service function instance from the spec and its group.</summary>
    /// <param name="instance">The instance.</param>
    [When("the service function instance {string} is removed")]
    public void WhenInstanceRemoved(string instance) => _driver.RemoveInstance(instance);

    /// <summary>Probes one flow in its forward direction.</summary>
    /// <param name="protocol">tcp or udp.</param>
    /// <param name="source">Source address.</param>
    /// <param name="sourcePort">Source port.</param>
    /// <param name="destination">Destination address.</param>
    /// <param name="destinationPort">Destination port.</param>
    /// <returns>A task.</returns>
    [When("a {word} probe goes from {string} port {int} to {string} port {int}")]
    public Task WhenProbed(string protocol, string source, int sourcePort, string destination, int destinationPort) =>
        _driver.ProbeAsync(source, destination, protocol, sourcePort, destinationPort, false);

    /// <summary>Probes the reply direction of a flow.</summary>
    /// <param name="protocol">tcp or udp.</param>
    /// <param name="source">The flow's source (the reply's destination).</param>
    /// <param name="sourcePort">The flow's source port.</param>
    /// <param name="destination">The flow's destination (the reply's source).</param>
    /// <param name="destinationPort">The flow's destination port.</param>
    /// <returns>A task.</returns>
    [When("the reply of the {word} flow from {string} port {int} to {string} port {int} is probed")]
    public Task WhenReplyProbed(string protocol, string source, int sourcePort, string destination, int destinationPort) =>
        _driver.ProbeAsync(source, destination, protocol, sourcePort, destinationPort, true);

    /// <summary>Checks the exact path of the last probe.</summary>
    /// <param name="table">Rows of spi, si, group and instance.</param>
    [Then("the probe is delivered through exactly:")]
    public void ThenPath(DataTable table) => _driver.CheckPath([.. Rows(table)]);

    /// <summary>Checks the last probe bypassed every chain.</summary>
    [Then("the probe is delivered without entering any chain")]
    public void ThenBypassed() => _driver.CheckBypassed();

    /// <summary>Probes many flows and records which instance of a group each took.</summary>
    /// <param name="flows">Flows.</param>
    /// <param name="protocol">tcp or udp.</param>
    /// <param name="source">Source address.</param>
    /// <param name="destination">Destination address.</param>
    /// <param name="port">Destination port.</param>
    /// <param name="group">The group.</param>
    /// <returns>A task.</returns>
    [When("{int} {word} flows from {string} to {string} port {int} are probed at group {string}")]
    [Given("{int} {word} flows from {string} to {string} port {int} were probed at group {string}")]
    public Task WhenFlowsProbed(int flows, string protocol, string source, string destination, int port, string group) =>
        _driver.ProbeFlowsAsync(flows, source, destination, protocol, port, group);

    /// <summary>Checks the instances shared the flows equally within a tolerance.</summary>
    /// <param name="instances">The instances, comma-separated.</param>
    /// <param name="tolerance">The tolerance in percent of an equal share.</param>
    [Then("instances {string} each took an equal share of the flows within {int} %")]
    public void ThenShares(string instances, int tolerance) =>
        _driver.CheckShares(instances.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries), tolerance);

    /// <summary>Probes the recorded flows again and checks none changed instance.</summary>
    /// <param name="protocol">tcp or udp.</param>
    /// <param name="source">Source address.</param>
    /// <param name="destination">Destination address.</param>
    /// <param name="port">Destination port.</param>
    /// <param name="group">The group.</param>
    /// <returns>A task.</returns>
    [Then("every {word} flow from {string} to {string} port {int} is delivered by the same instance of group {string} again")]
    public Task ThenSticky(string protocol, string source, string destination, int port, string group) =>
        _driver.CheckFlowsStayAsync(source, destination, protocol, port, group, null);

    /// <summary>Checks no chained instance dropped a packet.</summary>
    [Then("no chained instance dropped a packet")]
    /// <returns>A task.</returns>
    public Task ThenNoDrops() => _driver.CheckNoInstanceDropsAsync();

    /// <summary>Runs a virtual-time trial with a crash.</summary>
    /// <param name="chain">The chain.</param>
    /// <param name="pps">The load.</param>
    /// <param name="flows">Flows.</param>
    /// <param name="durationMs">Trial length.</param>
    /// <param name="instance">The instance that crashes.</param>
    /// <param name="atMs">When.</param>
    /// <returns>A task.</returns>
    [When("chain {string} carries {int} pps of {int} flows for {int} ms while instance {string} crashes at {int} ms")]
    public Task WhenCrashTrial(string chain, int pps, int flows, int durationMs, string instance, int atMs) =>
        _driver.RunCrashTrialAsync(chain, pps, flows, instance, atMs, durationMs);

    /// <summary>Checks failover: flows moved, some packets lost, delivery recovered within a figure.</summary>
    /// <param name="instance">The crashed instance.</param>
    /// <param name="key">The figure bounding recovery time in seconds.</param>
    [Then("the flows of {string} fail over, losing packets only until recovery within {string}")]
    public void ThenFailedOver(string instance, string key)
    {
        FailoverRecord failover = _driver.CheckFailedOver(instance);
        Check.That(failover.PacketsLost > 0, $"No packet was lost when '{instance}' crashed: the crash did not hit live traffic, so failover was not exercised.");
        Check.That(_driver.Trial.Delivered > failover.PacketsLost, $"Only {_driver.Trial.Delivered} packets were delivered against {failover.PacketsLost} lost.");
        _figures.CheckAtMost("failover_recovery_s", Math.Round(failover.TimeToRecover!.Value.TotalSeconds, 4), key);
    }

    private static IEnumerable<IReadOnlyDictionary<string, string>> Rows(DataTable table) =>
        table.Rows.Select(r => (IReadOnlyDictionary<string, string>)table.Header.Select((h, i) => (h, i)).ToDictionary(x => x.h, x => r[x.i], StringComparer.Ordinal));
}
