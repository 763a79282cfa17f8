// Licensed under the Apache License, Version 2.0.
using Reqnroll;
using NfvConformance.Suites.Drivers;

namespace NfvConformance.Suites.StepDefinitions;

/// <summary>Steps that place workloads (VMs and containers) on the target and check where and how they landed.</summary>
[Binding]
public sealed class PlacementSteps
{
    private readonly PlacementDriver _driver;
    private readonly FiguresDriver _figures;
    private readonly HardwareDriver _hardware;

    /// <summary>Creates the steps for one scenario.</summary>
    /// <param name="driver">The placement driver.</param>
    /// <param name="figures">The target figures.</param>
    /// <param name="hardware">The hardware driver.</param>
    public PlacementSteps(PlacementDriver driver, FiguresDriver figures, HardwareDriver hardware)
    {
        _driver = driver;
        _figures = figures;
        _hardware = hardware;
    }

    /// <summary>Adds a workload to the set placed together (1 core, 1 GiB, one interface).</summary>
    /// <param name="kind">VM or container.</param>
    /// <param name="name">The workload's name.</param>
    /// <param name="ladder">The interface ladder, best first.</param>
    [Given("a {word} {string} in the chain with the ladder {string}")]
    public void GivenChainMember(string kind, string name, string ladder) => _driver.AddWorkload(kind, name, ladder);

    /// <summary>Places the chain's workloads together, all or nothing.</summary>
    /// <returns>A task that completes when the target answered.</returns>
    [When("the target places the chain")]
    public Task WhenPlacesChain() => _driver.PlaceAllAsync();

    /// <summary>Places instances of the scenario's request.</summary>
    /// <param name="count">How many.</param>
    /// <param name="kind">VM(s) or container(s).</param>
    /// <returns>A task that completes when the target answered.</returns>
    [When("the target places {int} {word} of the request")]
    public Task WhenPlaces(int count, string kind) => _driver.PlaceAsync(count, kind);

    /// <summary>Places anti-affine instances of the scenario's request.</summary>
    /// <param name="count">How many.</param>
    /// <param name="kind">VM(s) or container(s).</param>
    /// <returns>A task that completes when the target answered.</returns>
    [When("the target places {int} anti-affine {word} of the request")]
    public Task WhenPlacesAntiAffine(int count, string kind) => _driver.PlaceAsync(count, kind, antiAffinity: true);

    /// <summary>Places instances near a site within the WAN budget of a target figure.</summary>
    /// <param name="count">How many.</param>
    /// <param name="kind">VM(s) or container(s).</param>
    /// <param name="site">The site.</param>
    /// <param name="figure">The budget's figure key (ms).</param>
    /// <returns>A task that completes when the target answered.</returns>
    [When("the target places {int} {word} of the request near site {string} within {string}")]
    public Task WhenPlacesNear(int count, string kind, string site, string figure) => _driver.PlaceAsync(count, kind, nearSite: site, maxLatencyMs: _figures.Get(figure).Value);

    /// <summary>Placement succeeded with this many instances.</summary>
    /// <param name="count">How many.</param>
    [Then("{int} instance(s) is/are placed")]
    public void ThenPlaced(int count) => _driver.CheckPlaced(count);

    /// <summary>Placement failed and nothing was committed.</summary>
    [Then("the placement fails and nothing stays committed")]
    public void ThenNothingCommitted() => _driver.CheckNothingCommitted();

    /// <summary>The placed set holds VMs and containers.</summary>
    [Then("the placed instances include VMs and containers")]
    public void ThenBothKinds() => _driver.CheckBothKinds();

    /// <summary>Every interface has a MAC, an IP and a port, none handed out twice on the target.</summary>
    [Then("every interface has a MAC, an IP and a port that no other interface of the target has")]
    public void ThenAddressed() => _driver.CheckInterfacesAddressed();

    /// <summary>Each instance got this many interfaces.</summary>
    /// <param name="count">How many.</param>
    [Then("every instance has {int} interfaces")]
    public void ThenInterfaces(int count) => _driver.CheckInterfacesPerInstance(count);

    /// <summary>Each instance got one default interface plus as many extra ones as a target figure.</summary>
    /// <param name="figure">The figure key.</param>
    [Then("every instance has the default interface plus {string} extra ones")]
    public void ThenExtraInterfaces(string figure) => _driver.CheckInterfacesPerInstance(1 + (int)_figures.Get(figure).Value);

    /// <summary>Every interface uses a rung.</summary>
    /// <param name="rung">The rung.</param>
    [Then("every interface uses {string}")]
    public void ThenUses(string rung) => _driver.CheckEveryInterfaceUses(rung);

    /// <summary>Each VF-backed interface names a real NIC and VF index.</summary>
    [Then("every virtual function handed out belongs to a NIC of the instance's node")]
    public void ThenVfs() => _driver.CheckVirtualFunctionsAssigned();

    /// <summary>Dedicated cores are pinned, exclusive and not reserved.</summary>
    [Then("every vCPU is pinned to its own core, outside the infrastructure's reserved cores")]
    public void ThenPinned() => _driver.CheckCoresPinned();

    /// <summary>Cores and NICs of each instance are on its NUMA node.</summary>
    [Then("every instance's cores and NICs are on its NUMA node")]
    public void ThenNumaLocal() => _driver.CheckNumaLocal();

    /// <summary>Each instance got the huge pages asked.</summary>
    /// <param name="mib">MiB.</param>
    [Then("every instance holds {int} MiB of huge pages")]
    public void ThenHugepages(int mib) => _driver.CheckHugepages(mib);

    /// <summary>Instances are on pairwise different nodes.</summary>
    [Then("the instances stand on different nodes")]
    public void ThenDistinct() => _driver.CheckDistinctNodes();

    /// <summary>Every instance stands at a site.</summary>
    /// <param name="site">The site.</param>
    [Then("every instance stands at site {string}")]
    public void ThenAtSite(string site) => _driver.CheckAtSite(site);

    /// <summary>Every instance stands on a node carrying an extension.</summary>
    /// <param name="extension">The extension.</param>
    [Then("every instance stands on a node carrying {string}")]
    public void ThenOnExtension(string extension) => _driver.CheckOnExtension(extension);

    /// <summary>No placed interface uses a NIC of a node.</summary>
    /// <param name="nic">The NIC.</param>
    /// <param name="node">The node.</param>
    [Then("no interface uses NIC {string} of node {string}")]
    public void ThenNoInterfaceOn(string nic, string node) => _driver.CheckNoInterfaceOn(nic, node);

    /// <summary>Every instance got the same hardware device for an accelerator ladder.</summary>
    /// <param name="ladder">The ladder.</param>
    [Then("every instance shares one hardware device for {string}")]
    public void ThenShared(string ladder) => _driver.CheckAcceleratorShared(ladder);

    /// <summary>The advertised free VFs dropped by exactly the VFs the placement handed out.</summary>
    /// <returns>A task.</returns>
    [Then("the free virtual functions advertised dropped by those handed out")]
    public Task ThenVfsDropped() => _hardware.CheckFreeVirtualFunctionsDroppedByAsync(_driver.VirtualFunctionsHandedOut());

    /// <summary>Releases the scenario's instances and checks the target let them go.</summary>
    [Then("releasing the instances frees them on the target")]
    public Task ThenRelease() => _driver.ReleaseAndCheckAsync();
}
