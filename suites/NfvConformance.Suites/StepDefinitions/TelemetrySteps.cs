// Licensed under the Apache License, Version 2.0.
using Reqnroll;
using NfvConformance.Suites.Drivers;

namespace NfvConformance.Suites.StepDefinitions;

/// <summary>Steps about streaming telemetry and alarms.</summary>
[Binding]
public sealed class TelemetrySteps
{
    private readonly TelemetryDriver _telemetry;

    /// <summary>Creates the steps for one scenario.</summary>
    /// <param name="telemetry">The telemetry driver.</param>
    public TelemetrySteps(TelemetryDriver telemetry) => _telemetry = telemetry;

    /// <summary>Subscribes ON_CHANGE to a telemetry path prefix and to alarms.</summary>
    /// <param name="prefix">The path prefix.</param>
    [Given("the scenario subscribes to the telemetry of {string} and to alarms")]
    public void GivenSubscribed(string prefix) => _telemetry.Subscribe(prefix);

    /// <summary>The subscription's initial values carry every port's oper-status as discovered.</summary>
    [Then("the subscription first receives the oper-status of every port of the profile's nodes")]
    public void ThenSync() => _telemetry.CheckInitialSync();

    /// <summary>Takes down a link of a node that has another one up (restored when the scenario ends).</summary>
    /// <returns>A task that completes when the target answered.</returns>
    [When("a redundant link of a node of the profile goes down")]
    public Task WhenDown() => _telemetry.TakeARedundantLinkDownAsync();

    /// <summary>Brings that link back up.</summary>
    /// <returns>A task that completes when the target answered.</returns>
    [When("that link comes back up")]
    public Task WhenUp() => _telemetry.BringItBackAsync();

    /// <summary>The stream carried the port's new oper-status.</summary>
    /// <param name="status">UP or DOWN.</param>
    [Then("the stream carries the port's oper-status {string}")]
    public void ThenStreamed(string status) => _telemetry.CheckStreamed(status);

    /// <summary>An alarm of a severity was raised for the port and is active.</summary>
    /// <param name="severity">Warning, Minor, Major or Critical.</param>
    [Then("a {string} alarm is raised for the port")]
    public void ThenAlarm(string severity) => _telemetry.CheckAlarmRaised(severity);

    /// <summary>The port's alarm was cleared.</summary>
    [Then("the port's alarm is cleared")]
    public void ThenCleared() => _telemetry.CheckAlarmCleared();
}
