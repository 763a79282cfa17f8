// Licensed under the Apache License, Version 2.0.
using Reqnroll;
using NfvConformance.Suites.Drivers;

namespace NfvConformance.Suites.StepDefinitions;

/// <summary>Steps about the hardware a target finds without manual steps: NICs, SR-IOV, offloads, accelerators, CPU, NUMA, links.</summary>
[Binding]
public sealed class HardwareSteps
{
    private readonly HardwareDriver _hardware;
    private readonly FiguresDriver _figures;
    private readonly DiscoveryDriver _discovery;

    /// <summary>Creates the steps for one scenario.</summary>
    /// <param name="hardware">The hardware driver.</param>
    /// <param name="figures">The target figures.</param>
    /// <param name="discovery">The discovery driver.</param>
    public HardwareSteps(HardwareDriver hardware, FiguresDriver figures, DiscoveryDriver discovery)
    {
        _hardware = hardware;
        _figures = figures;
        _discovery = discovery;
    }

    /// <summary>Every NIC port of the profile's nodes runs at least at the speed of a target figure.</summary>
    /// <param name="figure">The figure's key in features/targets/&lt;profile&gt;.yaml.</param>
    [Then("every NIC port of the profile's nodes runs at least at {string}")]
    public void ThenEveryNicAtLeast(string figure) => _hardware.CheckEveryNicAtLeast(_figures.Get(figure).Value);

    /// <summary>Every node of the profile has at least as many links up as a target figure.</summary>
    /// <param name="figure">The figure's key.</param>
    [Then("every node of the profile has at least {string} physical links up")]
    public void ThenEveryNodeHasLinks(string figure) => _hardware.CheckEveryNodeHasLinks((int)_figures.Get(figure).Value);

    /// <summary>Every node of the profile reports at least as many physical NIC ports as a target figure.</summary>
    /// <param name="figure">The figure's key.</param>
    [Then("every node of the profile has at least {string} NIC ports")]
    public void ThenEveryNodeHasNicPorts(string figure) => _hardware.CheckEveryNodeHasNicPorts((int)_figures.Get(figure).Value);

    /// <summary>Every node's PCIe topology has enough slots of the generation and width of three target figures, holding every device found.</summary>
    /// <param name="slots">The figure for the number of slots.</param>
    /// <param name="generation">The figure for the minimum generation.</param>
    /// <param name="lanes">The figure for the minimum lanes per slot.</param>
    [Then("every node of the profile has at least {string} PCIe slots of generation {string} with {string} lanes")]
    public void ThenPciSlots(string slots, string generation, string lanes) =>
        _hardware.CheckPciSlots((int)_figures.Get(slots).Value, (int)_figures.Get(generation).Value, (int)_figures.Get(lanes).Value);

    /// <summary>Every node of the profile exposes hugepages-2Mi and hugepages-1Gi, each backed by configured pages.</summary>
    [Then("every node of the profile exposes 2 MiB and 1 GiB huge pages")]
    public void ThenHugepageSizes() => _hardware.CheckHugepageSizesExposed();

    /// <summary>Every node of the profile publishes a software fact as the concrete value the host reports.</summary>
    /// <param name="uid">The capability uid.</param>
    /// <param name="fact"><c>host operating system</c> or <c>virtualisation layer</c>.</param>
    [Then("every node of the profile publishes {string} as the {string} the host reports")]
    public void ThenSoftwarePublished(string uid, string fact) => _hardware.CheckSoftwarePublished(uid, fact);

    /// <summary>Where AF_XDP is offered, every node of the profile has a netdev whose driver does XDP socket zero-copy.</summary>
    [Then("every node of the profile has a netdev with AF_XDP zero-copy")]
    public void ThenAfXdpZeroCopy() => _hardware.CheckAfXdpZeroCopy();

    /// <summary>Every node with a profile extension has a port with a PTP hardware clock, hardware time-stamping and SyncE.</summary>
    /// <param name="extension">The extension, for example <c>rt-tsn</c>.</param>
    [Then("every {string} node has a port with a PTP hardware clock, hardware time-stamping and SyncE")]
    public void ThenTimeSensitivePorts(string extension) => _hardware.CheckTimeSensitivePorts(extension);

    /// <summary>Runs PTP against the grandmaster on every node with the extension.</summary>
    /// <param name="extension">The extension.</param>
    /// <param name="seconds">How long.</param>
    /// <returns>A task that completes when the target answered.</returns>
    [When("each {string} node synchronises to the grandmaster for {int} seconds")]
    public Task WhenSynchronise(string extension, int seconds) => _hardware.SynchroniseAsync(extension, seconds);

    /// <summary>The PTP offsets after a settling time stay within a budget (both target figures).</summary>
    /// <param name="settle">The figure for the settling time, in s.</param>
    /// <param name="budget">The figure for the largest |offset|, in ns.</param>
    [Then("the hardware clock's offset from the grandmaster after {string} stays within {string}")]
    public void ThenPtpOffsets(string settle, string budget) => _hardware.CheckPtpOffsets(_figures.Get(settle).Value, _figures.Get(budget).Value);

    /// <summary>SyncE was locked and kept the servo's frequency correction within a figure.</summary>
    /// <param name="settle">The figure for the settling time, in s.</param>
    /// <param name="figure">The figure for the largest mean |frequency correction|, in ppb.</param>
    [Then("SyncE keeps the clock's frequency correction after {string} within {string}")]
    public void ThenSyncE(string settle, string figure) => _hardware.CheckSyncEFrequency(_figures.Get(settle).Value, _figures.Get(figure).Value);

    /// <summary>Every node with the extension runs a real-time BIOS, kernel and OS configuration and publishes it.</summary>
    /// <param name="extension">The extension.</param>
    [Then("every {string} node runs a real-time BIOS, kernel and OS configuration")]
    public void ThenRealTime(string extension) => _hardware.CheckRealTimeConfiguration(extension);

    /// <summary>Some NIC of the profile's nodes has a property.</summary>
    /// <param name="property"><c>sr-iov virtual functions</c>, <c>a DPDK driver</c>, <c>SmartNIC offload</c> or an offload name.</param>
    [Then("some NIC of the profile's nodes has {string}")]
    public void ThenSomeNicHas(string property) => _hardware.CheckSomeNicHas(property);

    /// <summary>Every node of the profile has a NIC with a property.</summary>
    /// <param name="property">See <see cref="ThenSomeNicHas"/>.</param>
    [Then("every node of the profile has a NIC with {string}")]
    public void ThenEveryNodeHasNic(string property) => _hardware.CheckEveryNodeHasNic(property);

    /// <summary>Every node with a NIC of the property publishes a capability as offered.</summary>
    /// <param name="property">See <see cref="ThenSomeNicHas"/>.</param>
    /// <param name="capability">A capability uid, feature or extension.</param>
    [Then("every node with a NIC that has {string} offers {string}")]
    public void ThenNodesWithNicOffer(string property, string capability) => _hardware.CheckNodesWithNicOffer(property, capability);

    /// <summary>The SR-IOV NICs have their virtual functions created and free.</summary>
    [Then("the SR-IOV NICs have virtual functions created and free to assign")]
    public void ThenVfsPreCreated() => _hardware.CheckVirtualFunctionsPreCreated();

    /// <summary>Some node of the profile has an accelerator of a kind behind an interface.</summary>
    /// <param name="kind">crypto, compression, gpu, fpga.</param>
    /// <param name="interfaceName">The interface, for example dpdk-cryptodev.</param>
    [Then("some node of the profile has a {string} accelerator behind the {string} interface")]
    public void ThenSomeAccelerator(string kind, string interfaceName) => _hardware.CheckSomeAccelerator(kind, interfaceName);

    /// <summary>Some node of the profile has an accelerator of a kind.</summary>
    /// <param name="kind">crypto, compression, gpu, fpga.</param>
    [Then("some node of the profile has a {string} accelerator")]
    public void ThenSomeAcceleratorOfKind(string kind) => _hardware.CheckSomeAccelerator(kind, null);

    /// <summary>Every accelerator of a kind is reached through one of the listed interfaces.</summary>
    /// <param name="kind">The accelerator kind.</param>
    /// <param name="interfaces">Accepted interfaces, comma-separated.</param>
    [Then("every {string} accelerator is reached through one of {string}")]
    public void ThenAcceleratorInterfaces(string kind, string interfaces) => _hardware.CheckAcceleratorInterfaces(kind, interfaces);

    /// <summary>Every node with an accelerator of a kind publishes a capability as offered.</summary>
    /// <param name="kind">The accelerator kind.</param>
    /// <param name="capability">A capability uid, feature or extension.</param>
    [Then("every node with a {string} accelerator offers {string}")]
    public void ThenNodesWithAcceleratorOffer(string kind, string capability) => _hardware.CheckNodesWithAcceleratorOffer(kind, capability);

    /// <summary>Each node publishes its CPU architecture as the capability's value.</summary>
    /// <param name="uid">The capability uid.</param>
    [Then("every node of the profile publishes its CPU architecture as {string}")]
    public void ThenArchitecturePublished(string uid) => _hardware.CheckArchitecturePublished(uid);

    /// <summary>Every node offering a capability has the hardware behind it.</summary>
    /// <param name="uid">The capability uid.</param>
    /// <param name="hardware"><c>CPU pinning</c>, <c>huge pages</c> or <c>several NUMA nodes</c>.</param>
    [Then("every node offering {string} shows {string} in its hardware inventory")]
    public void ThenOfferBacked(string uid, string hardware) => _hardware.CheckOfferBackedBy(uid, hardware);

    /// <summary>Takes a NIC's link down (restored when the scenario ends) and rediscovers.</summary>
    /// <param name="nic">The NIC.</param>
    /// <param name="node">The node.</param>
    /// <returns>A task.</returns>
    [When("the link of NIC {string} on node {string} goes down")]
    public async Task WhenLinkDown(string nic, string node)
    {
        await _hardware.TakeLinkDownAsync(nic, node).ConfigureAwait(false);
        await _discovery.DiscoverAsync().ConfigureAwait(false);
    }

    /// <summary>Brings a NIC's link up and rediscovers.</summary>
    /// <param name="nic">The NIC.</param>
    /// <param name="node">The node.</param>
    /// <returns>A task.</returns>
    [When("the link of NIC {string} on node {string} comes back up")]
    public async Task WhenLinkUp(string nic, string node)
    {
        await _hardware.BringLinkUpAsync(nic, node).ConfigureAwait(false);
        await _discovery.DiscoverAsync().ConfigureAwait(false);
    }

    /// <summary>Subscribes to capability change notifications for the rest of the scenario.</summary>
    [Given("the scenario subscribes to capability changes")]
    public void GivenSubscribed() => _hardware.Subscribe();

    /// <summary>A change on a node was notified, saying what changed.</summary>
    /// <param name="node">The node.</param>
    [Then("a capability change on node {string} is notified")]
    public void ThenNotified(string node) => _hardware.CheckNotified(node);

    /// <summary>Counts the free VFs the target advertises.</summary>
    /// <returns>A task.</returns>
    [Given("the free virtual functions advertised are counted")]
    public Task GivenVfsCounted() => _hardware.CountFreeVirtualFunctionsAsync();

    /// <summary>Discovery reports a NIC's link state (and no free VFs on a link that is down).</summary>
    /// <param name="nic">The NIC.</param>
    /// <param name="node">The node.</param>
    /// <param name="state"><c>up</c> or <c>down</c>.</param>
    [Then("discovery reports NIC {string} on node {string} as {word}")]
    public void ThenLinkReported(string nic, string node, string state) => _hardware.CheckLinkReported(nic, node, state == "up");
}
