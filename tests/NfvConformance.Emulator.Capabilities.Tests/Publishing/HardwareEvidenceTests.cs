// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Emulator.Capabilities.Internal.Publishing;

namespace NfvConformance.Emulator.Capabilities.Tests.Publishing;

public sealed class HardwareEvidenceTests
{
    private static readonly CapabilitySnapshot s_hp = new CapabilityPublisher(new CapabilityProjector([]), Profiles.HighPerformance, HardwareInventories.Default(Profiles.HighPerformance)).Current;
    private static readonly CapabilitySnapshot s_basic = new CapabilityPublisher(new CapabilityProjector([]), Profiles.Basic, HardwareInventories.Default(Profiles.Basic)).Current;

    [TestCase("hp-1", "RM:e.cap.009", "Yes", "accelerator:0000:3d:00.0")]
    [TestCase("hp-2", "RM:e.cap.009", "No", "inventory")]
    [TestCase("hp-2", "RM:e.cap.014", "Yes", "accelerator:0000:5e:00.0")]
    [TestCase("hp-1", "RM:e.cap.016", "No", "inventory")]
    [TestCase("hp-2", "RM:e.cap.019", "Yes", "nic:0000:3b:00.1")]
    [TestCase("hp-1", "RM:e.cap.023", "Yes", "numa")]
    [TestCase("hp-1", "RM:i.cap.018", "Yes", "numa")]
    [TestCase("hp-1", "RM:e.cap.025", "Yes", "nic:0000:3b:00.0")]
    [TestCase("hp-2", "RM:e.cap.025", "No", "inventory")]
    [TestCase("edge-h1", "RM:e.cap.020", "x86_64", "cpu")]
    [TestCase("hp-1", "RM:i.cap.019", "2.2", "cpu")]
    [TestCase("pub-1", "RM:e.cap.006", "No", "cpu")]
    public void Projection_HighPerformanceHardware_PublishesObservedValueWithSource(string node, string uid, string raw, string source)
    {
        // When
        CapabilityValue value = s_hp.FindNode(node)!.Capabilities[uid];

        // Then
        Assert.That(value.Raw, Is.EqualTo(raw));
        Assert.That(value.Source, Is.EqualTo(source));
    }

    [TestCase("RM:e.cap.006")]
    [TestCase("RM:e.cap.007")]
    [TestCase("RM:e.cap.013")]
    [TestCase("RM:e.cap.019")]
    [TestCase("RM:e.cap.023")]
    public void Projection_BasicHardware_OffersNoPerformanceOptimisation(string uid)
    {
        Assert.That(s_basic.Publishes(uid), Is.False);
    }

    [Test]
    public void Features_HighPerformanceNode_NamesAcceleratorKindsAndOffloads()
    {
        Assert.That(s_hp.FindNode("hp-1")!.Features, Is.SupersetOf(new[] { "crypto", "compression", "smartnic", "sriov", "dpdk", "hugepages", "xdp", "vxlan-offload" }));
        Assert.That(s_hp.FindNode("hp-2")!.Features, Does.Contain("gpu").And.Not.Contain("crypto"));
    }
}
