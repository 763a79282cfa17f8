// Licensed under the Apache License, Version 2.0.
using Reqnroll;
using NfvConformance.Suites.Drivers;

namespace NfvConformance.Suites.StepDefinitions;

/// <summary>Steps about vNIC bandwidth options (RM Table 4-17): granted where a port can back them, never oversubscribed.</summary>
[Binding]
public sealed class VnicSteps
{
    private readonly VnicDriver _vnic;

    /// <summary>Creates the steps for one scenario.</summary>
    /// <param name="vnic">The vNIC driver.</param>
    public VnicSteps(VnicDriver vnic) => _vnic = vnic;

    /// <summary>Asks for a vNIC bandwidth option; not applicable when no NIC of the profile is fast enough to back it.</summary>
    /// <param name="option">The option, for example <c>n25</c>.</param>
    /// <returns>A task that completes when the target answered.</returns>
    [When("a workload asks for the vNIC bandwidth option {string}")]
    public Task WhenRequest(string option) => _vnic.RequestBackableAsync(option);

    /// <summary>Asks for a vNIC bandwidth option, even one no port can back.</summary>
    /// <param name="option">The option.</param>
    /// <returns>A task that completes when the target answered.</returns>
    [When("a workload asks for the vNIC bandwidth option {string} whatever the hardware")]
    public Task WhenRequestAnyway(string option) => _vnic.RequestAsync(option, null, null);

    /// <summary>The option was granted on a port at least as fast, and accounted on it.</summary>
    [Then("the option is guaranteed on a physical port at least as fast")]
    public void ThenGranted() => _vnic.CheckGrantedOnFastEnoughPort();

    /// <summary>Asking again on the same port is granted until the guarantees would pass its speed, then refused with the reason.</summary>
    /// <returns>A task that completes when the target answered.</returns>
    [Then("asking again on that port is granted until its speed is used up, then refused with the reason")]
    public Task ThenFill() => _vnic.FillGrantedPortUntilRefusedAsync();

    /// <summary>The option was refused, the reason containing a text.</summary>
    /// <param name="text">The text.</param>
    [Then("the option is refused because {string}")]
    public void ThenRefused(string text) => _vnic.CheckRefused(text);
}
