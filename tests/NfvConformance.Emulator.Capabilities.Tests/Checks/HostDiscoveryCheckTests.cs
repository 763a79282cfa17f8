// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Core.Evidence;

namespace NfvConformance.Emulator.Capabilities.Tests.Checks;

/// <summary>The host-discovery checks of features/HardwareDiscovery pass on the reference NFVI and fail where it is broken.</summary>
public sealed class HostDiscoveryCheckTests
{
    [TestCase(Profiles.Basic)]
    [TestCase(Profiles.HighPerformance)]
    public async Task ReferenceInventory_PassesEveryHostCheck(string profile)
    {
        await using SuiteHarness h = await SuiteHarness.StartAsync(profile);
        Abstractions.Inventory.NodeHardware any = h.Discovery.Snapshot.Nodes.First(n => n.Profile == profile).Hardware!;
        Assert.Multiple(() =>
        {
            Assert.That(() => h.Hardware().CheckEveryNodeHasNicPorts(4), Throws.Nothing);
            Assert.That(() => h.Hardware().CheckEveryNodeHasLinks(2), Throws.Nothing);
            Assert.That(() => h.Hardware().CheckPciSlots(8, 3, 8), Throws.Nothing);
            Assert.That(() => h.Hardware().CheckSoftwarePublished("RM:e.cap.021", "host operating system"), Throws.Nothing);
            Assert.That(() => h.Hardware().CheckSoftwarePublished("RM:infra.sw.002", "virtualisation layer"), Throws.Nothing);
            Assert.That(any.Software!.OperatingSystem, Does.Match(@"^\D+ \d"));
        });
    }

    [Test]
    public async Task TwoPortHost_FailsTheFourPortCheck_NamingTheHost()
    {
        HardwareInventory inv = SuiteHarness.WithNode(Profiles.Basic, "basic-2", n => n with { Nics = [.. n.Nics.Take(2)] });
        await using SuiteHarness h = await SuiteHarness.StartAsync(Profiles.Basic, inv);
        Assert.That(() => h.Hardware().CheckEveryNodeHasNicPorts(4), Throws.TypeOf<ConformanceCheckException>().With.Message.Contains("basic-2 has 2"));
    }

    [Test]
    public async Task Gen2SlotsAndUnslottedDevice_FailThePciCheck()
    {
        HardwareInventory inv = SuiteHarness.WithNode(Profiles.HighPerformance, "hp-2", n => n with
        {
            PciSlots = [.. n.PciSlots.Select((s, i) => i == 7 ? s with { MaxSpeedGts = 5 } : i == 6 ? s with { Lanes = 4 } : s).Where(s => s.BusAddress != "0000:5e:00")],
        });
        await using SuiteHarness h = await SuiteHarness.StartAsync(Profiles.HighPerformance, inv);
        Assert.That(
            () => h.Hardware().CheckPciSlots(8, 3, 8),
            Throws.TypeOf<ConformanceCheckException>().With.Message.Contains("hp-2 has 5 of 7 slots").And.Message.Contains("Gen 2 x8").And.Message.Contains("gpu0 0000:5e:00.0 sits in no reported slot"));
    }

    [Test]
    public async Task HostWithoutSoftwareFacts_PublishesThePlaceholderAndFails()
    {
        // The catalogue's claim for e.cap.021 is the placeholder '<value>': without host facts it is all that is published.
        HardwareInventory inv = SuiteHarness.WithNode(Profiles.Basic, "edge-b1", n => n with { Software = null });
        await using SuiteHarness h = await SuiteHarness.StartAsync(Profiles.Basic, inv);
        Assert.That(
            () => h.Hardware().CheckSoftwarePublished("RM:e.cap.021", "host operating system"),
            Throws.TypeOf<ConformanceCheckException>().With.Message.Contains("edge-b1 publishes RM:e.cap.021 as the placeholder '<value>'"));
    }

    [Test]
    public async Task OneLinkEdgeNode_FailsTheRedundantLinkCheck()
    {
        HardwareInventory inv = SuiteHarness.WithNode(Profiles.Basic, "edge-b1", n => n with { Nics = [n.Nics[0]] });
        await using SuiteHarness h = await SuiteHarness.StartAsync(Profiles.Basic, inv);
        Assert.That(() => h.Hardware().CheckEveryNodeHasLinks(2), Throws.TypeOf<ConformanceCheckException>().With.Message.Contains("edge-b1 has 1 link(s) up"));
    }

    [Test]
    public async Task HugePages_ReferenceHighPerformancePasses_OneGiBOnlyFails()
    {
        await using (SuiteHarness ok = await SuiteHarness.StartAsync(Profiles.HighPerformance))
        {
            Assert.That(() => ok.Hardware().CheckHugepageSizesExposed(), Throws.Nothing);
        }

        HardwareInventory inv = SuiteHarness.WithNode(Profiles.HighPerformance, "hp-1", n => n with { Numa = [.. n.Numa.Select(x => x with { Hugepages2M = 0 })] });
        await using SuiteHarness h = await SuiteHarness.StartAsync(Profiles.HighPerformance, inv);
        Assert.That(() => h.Hardware().CheckHugepageSizesExposed(), Throws.TypeOf<ConformanceCheckException>().With.Message.Contains("hp-1 does not expose hugepages-2Mi"));
    }

    [Test]
    public async Task AfXdp_ZeroCopyDriversPass_ADriverWithoutZeroCopyFails()
    {
        await using (SuiteHarness ok = await SuiteHarness.StartAsync(Profiles.HighPerformance))
        {
            Assert.That(() => ok.Hardware().CheckAfXdpZeroCopy(), Throws.Nothing);
        }

        // hp-2's XDP ports are replaced by a Realtek r8169 that claims zero-copy: no kernel r8169 implements it.
        HardwareInventory inv = SuiteHarness.WithNode(Profiles.HighPerformance, "hp-2", n => n with
        {
            Nics = [.. n.Nics.Select(x => x.XskZeroCopy ? x with { Driver = "r8169" } : x)],
        });
        await using SuiteHarness h = await SuiteHarness.StartAsync(Profiles.HighPerformance, inv);
        Assert.That(
            () => h.Hardware().CheckAfXdpZeroCopy(),
            Throws.TypeOf<ConformanceCheckException>().With.Message.Contains("hp-2/ens2f0 claims xsk-zerocopy with driver r8169").And.Message.Contains("hp-2 has no zero-copy-capable netdev"));
    }

    [Test]
    public void PciSlot_GenerationFollowsLinkSpeed_AndHoldsFunctionsOfItsDevice()
    {
        PciSlotInfo slot = new("SLOT1", 8, 16, "0000:3b:00");
        Assert.Multiple(() =>
        {
            Assert.That(slot.Generation, Is.EqualTo(3));
            Assert.That(slot with { MaxSpeedGts = 16 }, Has.Property(nameof(PciSlotInfo.Generation)).EqualTo(4));
            Assert.That(slot.Holds("0000:3b:00.1"), Is.True);
            Assert.That(slot.Holds("0000:3d:00.0"), Is.False);
        });
    }

    [Test]
    public void Parse_BadSlotSpeedAndWidth_ReportsBothWithField()
    {
        string yaml = """
            sites: [{name: s}]
            nodes:
              - id: n
                site: s
                cpu: {sockets: 1, cores_per_socket: 4}
                numa: [{id: 0, cores: 4, memory_mb: 1024}]
                pci_slots: [{designation: S1, speed_gts: 7, lanes: 3}]
            """;
        (HardwareInventory? inv, var errors) = HardwareInventories.TryParse(yaml, "lab.yaml");
        Assert.That(inv, Is.Null);
        Assert.That(errors.Select(e => e.ToString()), Has.Some.Contains("nodes[0].pci_slots[0].speed_gts").And.Some.Contains("x3 is not a PCIe link width"));
    }
}
