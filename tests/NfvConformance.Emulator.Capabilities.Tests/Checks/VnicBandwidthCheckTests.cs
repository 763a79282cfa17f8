// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Placement;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Core.Evidence;
using NfvConformance.Suites.Drivers;

namespace NfvConformance.Emulator.Capabilities.Tests.Checks;

/// <summary>The vNIC bandwidth checks of features/Placement/VnicBandwidthOptions.feature pass on the reference NFVI and fail on an oversubscribing one.</summary>
public sealed class VnicBandwidthCheckTests
{
    [TestCase("n25", "edge-h1", "eno1", 1)]
    [TestCase("n50", "hp-1", "dpu0", 2)]
    [TestCase("n10", "edge-h1", "eno1", 2)]
    [TestCase("n100", "hp-1", "dpu0", 1)]
    public async Task ReferenceNfvi_GuaranteesOnlyWhatThePortCarries(string option, string node, string nic, int fit)
    {
        await using SuiteHarness h = await SuiteHarness.StartAsync(new ControlPlaneOptions { Profile = Profiles.HighPerformance, Catalogue = SuiteHarness.Catalogue });
        VnicDriver vnic = h.Vnic();
        await vnic.RequestBackableAsync(option);
        Assert.That(() => vnic.CheckGrantedOnFastEnoughPort(), Throws.Nothing);
        Assert.That(async () => await vnic.FillGrantedPortUntilRefusedAsync(), Throws.Nothing);
        Assert.That(h.Evidence.Measurements.Single(m => m.Name.StartsWith("grants_on:", StringComparison.Ordinal)), Has.Property("Name").EqualTo($"grants_on:{node}/{nic}").And.Property("Value").EqualTo(fit));
    }

    [Test]
    public async Task OversubscribedBandwidthInventory_FailsTheFillCheck()
    {
        // A Placement allocation_ratio of 1.5 on bandwidth: a 25 Gbps port accepts 37 Gbps of guarantees.
        await using SuiteHarness h = await SuiteHarness.StartAsync(new ControlPlaneOptions { Profile = Profiles.HighPerformance, Catalogue = SuiteHarness.Catalogue, VnicAllocationRatio = 1.5 });
        VnicDriver vnic = h.Vnic();
        await vnic.RequestBackableAsync("n10");
        Assert.That(async () => await vnic.FillGrantedPortUntilRefusedAsync(), Throws.TypeOf<ConformanceCheckException>().With.Message.Contains("now guarantees 30 Gbps on a 25 Gbps port"));
    }

    [Test]
    public async Task ReleasedGrants_FreeThePort()
    {
        await using SuiteHarness h = await SuiteHarness.StartAsync(new ControlPlaneOptions { Profile = Profiles.HighPerformance, Catalogue = SuiteHarness.Catalogue });
        IVnicBandwidth bw = h.Target.GetFeature<IVnicBandwidth>()!;
        VnicDriver vnic = h.Vnic();
        await vnic.RequestBackableAsync("n100");
        await vnic.FillGrantedPortUntilRefusedAsync();
        Assert.That(bw.Ports.Single(p => p.Nic == "dpu0").GuaranteedGbps, Is.EqualTo(100));
        await h.Teardown.TearDownAsync();

        Assert.That(bw.Ports.Sum(p => p.GuaranteedGbps), Is.Zero);
    }

    [TestCase("n7", "is not a vNIC bandwidth option")]
    [TestCase("x25", "is not a vNIC bandwidth option")]
    [TestCase("n600", "the fastest in the inventory is hp-1/dpu0 at 100 Gbps")]
    public async Task Reserve_UnbackableOrUnknownOption_IsRefusedWithTheReason(string option, string reason)
    {
        ControlPlane cp = ControlPlane.Create(new ControlPlaneOptions { Profile = Profiles.HighPerformance });
        VnicBandwidthResult r = await ((IVnicBandwidth)cp.Facets[typeof(IVnicBandwidth)]).ReserveAsync(new("w", option));
        Assert.That(r.Granted, Is.False);
        Assert.That(r.Problems.Single().Message, Does.Contain(reason));
    }

    [Test]
    public async Task Reserve_PortDown_IsNotUsed()
    {
        ControlPlane cp = ControlPlane.Create(new ControlPlaneOptions { Profile = Profiles.HighPerformance });
        await cp.Hardware.SetLinkStateAsync("hp-1", "dpu0", false);
        VnicBandwidthResult r = await ((IVnicBandwidth)cp.Facets[typeof(IVnicBandwidth)]).ReserveAsync(new("w", "n100"));
        Assert.That(r.Problems.Single().Message, Does.Contain("hp-1/dpu0: link down"));
    }
}
