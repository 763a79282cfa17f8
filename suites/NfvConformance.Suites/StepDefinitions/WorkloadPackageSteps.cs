// Licensed under the Apache License, Version 2.0.
using NfvConformance.Core.Workloads;
using Reqnroll;
using NfvConformance.Suites.Drivers;

namespace NfvConformance.Suites.StepDefinitions;

/// <summary>Steps that check a CNF package's Kubernetes manifests.</summary>
[Binding]
public sealed class WorkloadPackageSteps
{
    private readonly WorkloadPackageDriver _driver;

    /// <summary>Creates the steps for one scenario.</summary>
    /// <param name="driver">The package driver.</param>
    public WorkloadPackageSteps(WorkloadPackageDriver driver) => _driver = driver;

    /// <summary>Loads the CNF package under test (setting nfvc.package, else the example package) and checks every manifest.</summary>
    [Given("the CNF package under test is loaded")]
    public void GivenLoaded() => _driver.Load();

    /// <summary>Checks the package holds at least one pod spec, so the pod rules check something.</summary>
    [Then("the package declares at least one pod")]
    public void ThenHasPods() => _driver.CheckHasPodSpecs();

    /// <summary>Checks no pod spec sets hostNetwork to true (RA2 ra2.app.030).</summary>
    [Then("no pod of the package attaches to the host network")]
    public void ThenNoHostNetwork() => _driver.CheckNoViolation(CnfPackageChecker.HostNetwork);

    /// <summary>Checks no pod spec holds a literal IP address (RA2 ra2.app.035).</summary>
    [Then("no pod spec of the package hard-codes an IP address")]
    public void ThenNoHardCodedIp() => _driver.CheckNoViolation(CnfPackageChecker.HardCodedIp);

    /// <summary>Checks no Service declares a node port (RA2 ra2.app.036).</summary>
    [Then("no Service of the package declares a node port")]
    public void ThenNoNodePort()
    {
        _driver.CountServices();
        _driver.CheckNoViolation(CnfPackageChecker.NodePort);
    }

    /// <summary>Checks no container port is bound to a host port (RA2 ra2.app.047).</summary>
    [Then("no container of the package binds a host port")]
    public void ThenNoHostPort() => _driver.CheckNoViolation(CnfPackageChecker.HostPort);
}
