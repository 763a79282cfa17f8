// Licensed under the Apache License, Version 2.0.
using Reqnroll;
using NfvConformance.Suites.Drivers;

namespace NfvConformance.Suites.StepDefinitions;

/// <summary>Steps about accelerators reached through abstract, standard interfaces (RM e.api.*).</summary>
[Binding]
public sealed class AccelerationSteps
{
    private readonly AccelerationDriver _accelerators;

    /// <summary>Creates the steps for one scenario.</summary>
    /// <param name="accelerators">The accelerator driver.</param>
    public AccelerationSteps(AccelerationDriver accelerators) => _accelerators = accelerators;

    /// <summary>Asks for an accelerator instance by class and interface.</summary>
    /// <param name="accelerationClass">crypto, compression, fpga.</param>
    /// <param name="interfaceName">The interface, for example dpdk-cryptodev.</param>
    /// <returns>A task that completes when the target answered.</returns>
    [When("a workload asks for a {string} accelerator through {string}")]
    public Task WhenRequest(string accelerationClass, string interfaceName) => _accelerators.RequestAsync(accelerationClass, interfaceName);

    /// <summary>Asks for an accelerator instance naming a vendor.</summary>
    /// <param name="accelerationClass">The class.</param>
    /// <param name="interfaceName">The interface.</param>
    /// <param name="vendor">The vendor.</param>
    /// <returns>A task that completes when the target answered.</returns>
    [When("a workload asks for a {string} accelerator through {string} from vendor {string}")]
    public Task WhenRequestVendor(string accelerationClass, string interfaceName, string vendor) => _accelerators.RequestAsync(accelerationClass, interfaceName, vendor);

    /// <summary>The grant is an instance of the class through the interface, on a device discovery found.</summary>
    /// <param name="accelerationClass">The class.</param>
    /// <param name="interfaceName">The interface.</param>
    [Then("it is granted a {string} instance through {string} on a device the node reports")]
    public void ThenGranted(string accelerationClass, string interfaceName) => _accelerators.CheckGranted(accelerationClass, interfaceName);

    /// <summary>The host exposes the instance through VFIO or vhost-user, and the workload uses a standard interface.</summary>
    [Then("the host exposes the instance through a standard binding")]
    public void ThenStandardBinding() => _accelerators.CheckStandardHostBinding();

    /// <summary>The instance is usable without a privileged workload or elevated capabilities, only its own device nodes passed.</summary>
    [Then("the instance is usable without elevated privileges")]
    public void ThenUnprivileged() => _accelerators.CheckUnprivileged();

    /// <summary>The request was refused with a reason containing a text.</summary>
    /// <param name="text">The text.</param>
    [Then("the accelerator request is refused because {string}")]
    public void ThenRefused(string text) => _accelerators.CheckRefused(text);

    /// <summary>Asks until refused: exactly the instances discovered are granted, each once, then refused as all taken.</summary>
    /// <param name="accelerationClass">The class.</param>
    /// <param name="interfaceName">The interface.</param>
    /// <returns>A task that completes when the target answered.</returns>
    [Then("asking for {string} through {string} until refused grants exactly the instances discovered")]
    public Task ThenExhaust(string accelerationClass, string interfaceName) => _accelerators.ExhaustAndCheckAsync(accelerationClass, interfaceName);
}
