// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Negotiation;
using Reqnroll;
using NfvConformance.Suites.Drivers;

namespace NfvConformance.Suites.StepDefinitions;

/// <summary>Steps that build a workload's request (resources, preference ladders, requirements) and check the target's answer.</summary>
[Binding]
public sealed class NegotiationSteps
{
    private readonly NegotiationDriver _driver;

    /// <summary>Creates the steps for one scenario.</summary>
    /// <param name="driver">The negotiation driver.</param>
    public NegotiationSteps(NegotiationDriver driver)
    {
        _driver = driver;
    }

    /// <summary>Starts a request for a workload with cores and memory.</summary>
    /// <param name="vnf">The workload's name.</param>
    /// <param name="cores">vCPUs.</param>
    /// <param name="memoryMb">Memory in MiB.</param>
    [Given("a workload {string} asking for {int} cores and {int} MiB of memory")]
    public void GivenWorkload(string vnf, int cores, int memoryMb)
    {
        _driver.Vnf = vnf;
        _driver.Resources = _driver.Resources with { Cores = cores, MemoryMb = memoryMb };
    }

    /// <summary>The workload asks for dedicated (pinned) cores.</summary>
    [Given("it asks for dedicated cores")]
    public void GivenDedicated() => _driver.Resources = _driver.Resources with { DedicatedCores = true };

    /// <summary>The workload asks for its cores, memory and devices on one NUMA node.</summary>
    [Given("it asks for NUMA alignment")]
    public void GivenNuma() => _driver.Resources = _driver.Resources with { NumaAligned = true };

    /// <summary>The workload asks for huge-page memory.</summary>
    /// <param name="mib">Huge pages in MiB.</param>
    [Given("it asks for {int} MiB of huge pages")]
    public void GivenHugepages(int mib) => _driver.Resources = _driver.Resources with { HugepagesMb = mib };

    /// <summary>Adds a preference ladder, best rung first (rungs: smartnic-offload, sriov-vf, dpdk-vhost-user, kernel-virtio, crypto-accelerator, compression-accelerator, gpu, fpga, software).</summary>
    /// <param name="name">The ladder's name.</param>
    /// <param name="rungs">Rungs separated by <c>&gt;</c>.</param>
    [Given("it prefers for {string} the ladder {string}")]
    public void GivenLadder(string name, string rungs) => _driver.AddLadder(name, rungs);

    /// <summary>Adds the network ladder <c>smartnic-offload &gt; sriov-vf &gt; dpdk-vhost-user &gt; kernel-virtio</c>.</summary>
    /// <param name="name">The interface's name.</param>
    [Given("it prefers for {string} the full network ladder")]
    public void GivenNetworkLadder(string name) => _driver.AddLadder(name, string.Join(">", Rungs.NetworkLadder));

    /// <summary>The workload requires a capability (uid, feature or extension).</summary>
    /// <param name="capability">The capability.</param>
    [Given("it requires {string}")]
    public void GivenRequires(string capability) => _driver.Require(capability);

    /// <summary>The workload wishes a capability (optional).</summary>
    /// <param name="capability">The capability.</param>
    [Given("it wishes {string}")]
    public void GivenWishes(string capability) => _driver.Wish(capability);

    /// <summary>The workload asks for a profile.</summary>
    /// <param name="profile">The profile.</param>
    [Given("it asks for profile {string}")]
    public void GivenProfile(string profile) => _driver.Profile = profile;

    /// <summary>The workload asks for a profile extension.</summary>
    /// <param name="extension">The extension.</param>
    [Given("it asks for profile extension {string}")]
    public void GivenExtension(string extension) => _driver.RequireExtension(extension);

    /// <summary>The workload asks for a site.</summary>
    /// <param name="site">The site.</param>
    [Given("it asks for site {string}")]
    public void GivenSite(string site) => _driver.Site = site;

    /// <summary>Asks the target to negotiate the request.</summary>
    /// <returns>A task that completes when the target answered.</returns>
    [When("the target negotiates the request")]
    public Task WhenNegotiates() => _driver.NegotiateAsync();

    /// <summary>The request was granted.</summary>
    [Then("the request is granted")]
    public void ThenGranted() => _driver.CheckGranted();

    /// <summary>A ladder got a rung.</summary>
    /// <param name="ladder">The ladder.</param>
    /// <param name="rung">The rung.</param>
    [Then("{string} gets {string}")]
    public void ThenRung(string ladder, string rung) => _driver.CheckRung(ladder, rung);

    /// <summary>Every rung better than the granted one is listed as refused with a reason.</summary>
    /// <param name="ladder">The ladder.</param>
    [Then("every better rung of {string} is refused with a reason")]
    public void ThenBetterExplained(string ladder) => _driver.CheckBetterRungsExplained(ladder);

    /// <summary>The granted node has a property.</summary>
    /// <param name="what">profile, extension or site.</param>
    /// <param name="value">The value.</param>
    [Then("the granted node has {word} {string}")]
    public void ThenGrantedNode(string what, string value) => _driver.CheckGrantedNode(what, value);

    /// <summary>The grant names a NUMA node.</summary>
    [Then("the grant names the NUMA node")]
    public void ThenNuma() => _driver.CheckNumaAligned();

    /// <summary>The request is refused with reasons.</summary>
    [Then("the request is refused")]
    public void ThenRefused() => _driver.CheckRefused();

    /// <summary>The refusal mentions a text for every node of the target.</summary>
    /// <param name="text">The text.</param>
    [Then("the refusal explains {string} for every node")]
    public void ThenRefusalNames(string text) => _driver.CheckRefusalNamesOnEveryNode(text);

    /// <summary>The request is rejected as invalid, naming a text.</summary>
    /// <param name="text">The text.</param>
    [Then("the request is rejected as invalid naming {string}")]
    public void ThenInvalid(string text) => _driver.CheckInvalid(text);
}
