// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Core.Evidence;
using NfvConformance.Suites.Drivers;

namespace NfvConformance.Emulator.Capabilities.Tests.Checks;

/// <summary>The checks of features/Acceleration/StandardInterfaces.feature pass on the reference NFVI and fail where it is broken.</summary>
public sealed class AcceleratorCheckTests
{
    [TestCase("crypto", "dpdk-cryptodev", "vfio-pci")]
    [TestCase("crypto", "virtio-crypto", "vhost-user-crypto")]
    [TestCase("compression", "dpdk-compressdev", "vfio-pci")]
    public async Task ReferenceNfvi_GrantsByClassUnprivileged(string cls, string iface, string binding)
    {
        await using SuiteHarness h = await SuiteHarness.StartAsync(Profiles.HighPerformance);
        AccelerationDriver acc = h.Accelerators();
        Assert.That((await acc.RequestAsync(cls, iface)).Grant!.HostBinding, Is.EqualTo(binding));
        Assert.That(() => acc.CheckGranted(cls, iface), Throws.Nothing);
        Assert.That(() => acc.CheckStandardHostBinding(), Throws.Nothing);
        Assert.That(() => acc.CheckUnprivileged(), Throws.Nothing);
    }

    [Test]
    public async Task DeviceOnlyReachableThroughItsHostDriver_FailsThePrivilegeAndBindingChecks()
    {
        HardwareInventory inv = SuiteHarness.WithNode(Profiles.HighPerformance, "hp-1", n => n with
        {
            Accelerators = [.. n.Accelerators.Select(a => a.Kind == "crypto" ? a with { Access = "privileged" } : a)],
        });
        await using SuiteHarness h = await SuiteHarness.StartAsync(Profiles.HighPerformance, inv);
        AccelerationDriver acc = h.Accelerators();
        await acc.RequestAsync("crypto", "dpdk-cryptodev");
        Assert.That(() => acc.CheckUnprivileged(), Throws.TypeOf<ConformanceCheckException>().With.Message.Contains("must run privileged").And.Message.Contains("CAP_SYS_ADMIN").And.Message.Contains("/dev/mem"));
        Assert.That(() => acc.CheckStandardHostBinding(), Throws.TypeOf<ConformanceCheckException>().With.Message.Contains("qat0 host driver"));
    }

    [Test]
    public async Task Instances_AreFinite_AndReleasedWithTheScenario()
    {
        await using SuiteHarness h = await SuiteHarness.StartAsync(Profiles.HighPerformance);
        AccelerationDriver acc = h.Accelerators();
        Assert.That(async () => await acc.ExhaustAndCheckAsync("crypto", "dpdk-cryptodev"), Throws.Nothing);
        Assert.That(h.Evidence.Measurements.Single(m => m.Name == "instances_granted:crypto").Value, Is.EqualTo(16));
        await h.Teardown.TearDownAsync();

        Assert.That(h.Target.GetFeature<Abstractions.Placement.IAcceleration>()!.Pools.Sum(p => p.InUse), Is.Zero);
    }

    [Test]
    public async Task InventoryClaimingMoreInstancesThanGranted_FailsTheFinitenessCheck()
    {
        // Discovery says 32 VFs but the device hands out 16: a reader of discovery would over-plan.
        await using SuiteHarness h = await SuiteHarness.StartAsync(Profiles.HighPerformance);
        HardwareInventory inv = SuiteHarness.WithNode(Profiles.HighPerformance, "hp-1", n => n with
        {
            Accelerators = [.. n.Accelerators.Select(a => a.Kind == "crypto" ? a with { Instances = 32 } : a)],
        });
        await using SuiteHarness claimed = await SuiteHarness.StartAsync(Profiles.HighPerformance, inv);
        AccelerationDriver acc = new(h.Run, claimed.Discovery, h.Evidence, h.Teardown);
        Assert.That(async () => await acc.ExhaustAndCheckAsync("crypto", "dpdk-cryptodev"), Throws.TypeOf<ConformanceCheckException>().With.Message.Contains("16 crypto instances were granted, discovery reports 32"));
    }

    [TestCase("Intel", "dpdk-cryptodev", "not by vendor or PCI address")]
    [TestCase(null, "qat-usdm", "is not a standard interface for crypto accelerators")]
    public async Task VendorSpecificRequests_AreRefusedWithWhatToAskFor(string? vendor, string iface, string reason)
    {
        await using SuiteHarness h = await SuiteHarness.StartAsync(Profiles.HighPerformance);
        AccelerationDriver acc = h.Accelerators();
        await acc.RequestAsync("crypto", iface, vendor);
        Assert.That(() => acc.CheckRefused(reason), Throws.Nothing);
        Assert.That(() => acc.CheckRefused("dpdk-cryptodev, virtio-crypto"), Throws.Nothing);
    }
}
