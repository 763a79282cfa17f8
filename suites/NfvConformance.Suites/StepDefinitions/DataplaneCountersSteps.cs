// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;
using Reqnroll;
using NfvConformance.Suites.Drivers;

namespace NfvConformance.Suites.StepDefinitions;

/// <summary>Steps for interface discards and errors of chained instances (defective probes, link down, paused instances).</summary>
[Binding]
public sealed class DataplaneCountersSteps
{
    private readonly DataplaneCountersDriver _driver;

    /// <summary>Creates the steps for one scenario.</summary>
    /// <param name="driver">The driver.</param>
    public DataplaneCountersSteps(DataplaneCountersDriver driver) => _driver = driver;

    /// <summary>Reads every chained instance's discard and error counters, to compare with later.</summary>
    [Given("the chained instances' discard and error counters were read")]
    public Task GivenRead() => _driver.SnapshotAsync();

    /// <summary>Sends probes of distinct flows with a defect (or a TTL) and tallies where each was dropped from its trace.</summary>
    /// <param name="count">Probes.</param>
    /// <param name="protocol">tcp or udp.</param>
    /// <param name="source">Source address.</param>
    /// <param name="destination">Destination address.</param>
    /// <param name="port">Destination port.</param>
    /// <param name="condition">well-formed, a bad IPv4 header checksum, a truncated frame, a bad L4 checksum, or TTL n.</param>
    /// <returns>A task.</returns>
    [When("{int} {word} probes go from {string} to {string} port {int} with {string}")]
    public Task WhenSent(int count, string protocol, string source, string destination, int port, string condition) =>
        _driver.SendAsync(count, protocol, source, destination, port, condition);

    /// <summary>Puts an instance's link administratively down.</summary>
    /// <param name="instance">The instance.</param>
    /// <returns>A task.</returns>
    [When("the link of instance {string} is set administratively down")]
    public Task WhenLinkDown(string instance) => _driver.SetStateAsync(instance, InstanceState.LinkAdminDown);

    /// <summary>Puts an instance's link back up.</summary>
    /// <param name="instance">The instance.</param>
    /// <returns>A task.</returns>
    [When("the link of instance {string} is set up again")]
    public Task WhenLinkUp(string instance) => _driver.SetStateAsync(instance, InstanceState.Running);

    /// <summary>Pauses an instance and sends its receive queue's depth plus more probes of one flow to it.</summary>
    /// <param name="instance">The instance.</param>
    /// <param name="extra">Probes beyond the queue's depth.</param>
    /// <param name="source">Source address.</param>
    /// <param name="destination">Destination address.</param>
    /// <param name="port">Destination port.</param>
    /// <returns>A task.</returns>
    [When("instance {string} is paused and receives {int} udp probes more than its receive queue holds, from {string} to {string} port {int}")]
    public Task WhenPaused(string instance, int extra, string source, string destination, int port) =>
        _driver.OverflowPausedAsync(instance, extra, source, destination, port);

    /// <summary>Checks the paused instance queued exactly its depth, discarded exactly the rest, and delivered the queue once run again.</summary>
    /// <param name="next">The instance after it on the chain.</param>
    /// <returns>A task.</returns>
    [Then("it discarded exactly the extra probes as rx_queue_full, and once running again received all it had queued and passed them to {string}")]
    public Task ThenPausedOverflow(string next) => _driver.CheckPausedOverflowAsync(next);

    /// <summary>Checks the counters grew by exactly the table's packets, discards and errors (rows per group or per instance).</summary>
    /// <param name="table">Columns group (or instance), packets, discards, errors.</param>
    [Then("the interface counters grew by exactly:")]
    /// <returns>A task.</returns>
    public Task ThenGrowth(DataTable table) =>
        _driver.CheckGrowthAsync([.. table.Rows.Select(r => (IReadOnlyDictionary<string, string>)table.Header.Select((h, i) => (h, i)).ToDictionary(x => x.h, x => r[x.i], StringComparer.Ordinal))]);

    /// <summary>Checks each dropped probe was counted once, at the instance and under the reason its trace names.</summary>
    [Then("every dropped probe was counted once, at the instance and under the reason its trace names")]
    public Task ThenMatchTraces() => _driver.CheckCountersMatchTracesAsync();
}
