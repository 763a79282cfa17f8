// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Emulator.Capabilities.Internal.Publishing;

namespace NfvConformance.Emulator.Capabilities.Tests.Publishing;

public sealed class CapabilityPublisherTests
{
    private static CapabilityPublisher Create(string profile) =>
        new(new CapabilityProjector(TestCatalogue.Definitions), profile, HardwareInventories.Default(profile));

    [Test]
    public void Current_HighPerformance_PublishesSriovObservedFromNicWithCatalogueClaimAsEvidence()
    {
        // When
        CapabilitySnapshot snapshot = Create(Profiles.HighPerformance).Current;

        // Then
        CapabilityValue sriov = snapshot.FindNode("hp-1")!.Capabilities["RM:e.cap.013"];
        Assert.Multiple(() =>
        {
            Assert.That(snapshot.Version, Is.EqualTo(1));
            Assert.That(snapshot.Profile, Is.EqualTo(Profiles.HighPerformance));
            Assert.That(sriov.Raw, Is.EqualTo("Yes"));
            Assert.That(sriov.Unit, Is.EqualTo("Yes/No"));
            Assert.That(sriov.Source, Is.EqualTo("nic:0000:3b:00.0"));
            Assert.That(sriov.Evidence.Select(e => e.Source), Is.EqualTo(new[] { "nic:0000:3b:00.0", "catalogue:high-performance" }));
            Assert.That(snapshot.Publishes("RM:e.cap.013"), Is.True);
            Assert.That(snapshot.Publishes("sriov"), Is.True);
            Assert.That(snapshot.Publishes("network-smartnic"), Is.True);
        });
    }

    [Test]
    public void Current_PublicCloudNode_IsBasicProfileWithKernelVirtioOnly()
    {
        // When
        NodeCapabilities node = Create(Profiles.HighPerformance).Current.FindNode("pub-1")!;

        // Then
        CapabilityValue sriov = node.Capabilities["RM:e.cap.013"];
        Assert.Multiple(() =>
        {
            Assert.That(node.Profile, Is.EqualTo(Profiles.Basic));
            Assert.That(sriov.IsOffered, Is.False);
            Assert.That(sriov.Evidence.Select(e => e.Source), Is.EqualTo(new[] { "inventory", "catalogue:basic" }));
            Assert.That(node.Offers("sriov"), Is.False);
            Assert.That(node.Features, Does.Contain("kernel-virtio"));
        });
    }

    [Test]
    public void Current_Basic_PublishesCatalogueValuesAndNoHardwareAcceleration()
    {
        // When
        CapabilitySnapshot snapshot = Create(Profiles.Basic).Current;

        // Then
        NodeCapabilities node = snapshot.FindNode("basic-1")!;
        Assert.Multiple(() =>
        {
            Assert.That(node.Capabilities["RM:e.cap.001"].Raw, Is.EqualTo("per selected flavour"));
            Assert.That(node.Capabilities["RM:e.cap.001"].Source, Is.EqualTo("catalogue:basic"));
            Assert.That(node.Capabilities["RM:e.cap.023"].IsOffered, Is.False);
            Assert.That(node.Capabilities["RM:i.cap.014"].Raw, Is.EqualTo("any"));
            Assert.That(snapshot.Publishes("RM:e.cap.013"), Is.False);
            Assert.That(snapshot.Publishes("RM:e.cap.006"), Is.False);
            Assert.That(snapshot.Publishes("dpdk"), Is.False);
        });
    }

    [Test]
    public void Current_NetworkIntensive_UsesItsOwnOlderCatalogueValues()
    {
        // When
        CapabilitySnapshot ni = Create(Profiles.NetworkIntensive).Current;
        CapabilitySnapshot hp = Create(Profiles.HighPerformance).Current;

        // Then: i.cap.014 has a network_intensive value but no high_performance one
        Assert.Multiple(() =>
        {
            Assert.That(ni.FindNode("hp-1")!.Profile, Is.EqualTo(Profiles.NetworkIntensive));
            Assert.That(ni.FindNode("hp-1")!.Capabilities["RM:i.cap.014"].Source, Is.EqualTo("catalogue:network-intensive"));
            Assert.That(hp.FindNode("hp-1")!.Capabilities.ContainsKey("RM:i.cap.014"), Is.False);
            Assert.That(ni.FindNode("hp-1")!.Capabilities["RM:e.cap.015"].Evidence[1].Raw, Is.EqualTo("Yes/No"));
        });
    }

    [Test]
    public void Current_EmptyCatalogue_StillPublishesHardwareBackedCapabilities()
    {
        // Given
        CapabilityPublisher publisher = new(new CapabilityProjector([]), Profiles.HighPerformance, HardwareInventories.Default(Profiles.HighPerformance));

        // When
        CapabilityValue smartnic = publisher.Current.FindNode("hp-1")!.Capabilities["RM:e.cap.015"];

        // Then
        Assert.That(smartnic.Raw, Is.EqualTo("Yes"));
        Assert.That(smartnic.Source, Is.EqualTo("nic:0000:af:00.0"));
    }

    [Test]
    public void Query_ByTopic_ReturnsOnlyCapabilitiesOfThatTopic()
    {
        // Given
        CapabilityPublisher publisher = Create(Profiles.HighPerformance);

        // When
        IReadOnlyList<CapabilityMatch> matches = publisher.Query(new CapabilityQuery(Topic: "sriov"));

        // Then
        Assert.That(matches.Select(m => m.Uid).Distinct(), Is.EqualTo(new[] { "RM:e.cap.013" }));
        Assert.That(matches.Select(m => m.NodeId), Is.EqualTo(new[] { "hp-1", "hp-2", "edge-h1", "pub-1" }));
    }

    [Test]
    public void Query_ByUidOfferedOnlyAndNode_FiltersAllCriteria()
    {
        // Given
        CapabilityPublisher publisher = Create(Profiles.HighPerformance);

        // When
        IReadOnlyList<CapabilityMatch> offered = publisher.Query(new CapabilityQuery(Uid: "RM:e.cap.013", OfferedOnly: true));
        IReadOnlyList<CapabilityMatch> onNode = publisher.Query(new CapabilityQuery(NodeId: "hp-2", Profile: Profiles.HighPerformance));
        IReadOnlyList<CapabilityMatch> basicOnly = publisher.Query(new CapabilityQuery(Profile: Profiles.Basic, Uid: "RM:e.cap.013"));

        // Then
        Assert.That(offered.Select(m => m.NodeId), Is.EqualTo(new[] { "hp-1", "hp-2", "edge-h1" }));
        Assert.That(onNode.Select(m => m.NodeId).Distinct(), Is.EqualTo(new[] { "hp-2" }));
        Assert.That(basicOnly.Select(m => m.NodeId).Distinct(), Is.EqualTo(new[] { "pub-1" }));
    }

    [Test]
    public void Query_BySite_EachSitePublishesItsOwnCapabilities()
    {
        // Given
        CapabilityPublisher publisher = Create(Profiles.HighPerformance);

        // When
        IReadOnlyList<CapabilityMatch> edge = publisher.Query(new CapabilityQuery(Uid: "RM:e.cap.013", Site: "edge-1"));
        IReadOnlyList<CapabilityMatch> publicCloud = publisher.Query(new CapabilityQuery(Uid: "RM:e.cap.013", Site: "public-1"));

        // Then
        Assert.That(edge.Single().NodeId, Is.EqualTo("edge-h1"));
        Assert.That(edge.Single().Value.IsOffered, Is.True);
        Assert.That(publicCloud.Single().Value.IsOffered, Is.False);
    }

    [Test]
    public void SetLinkState_SmartNicFails_SubscribersToldAndVersionRises()
    {
        // Given
        CapabilityPublisher publisher = Create(Profiles.HighPerformance);
        List<CapabilityChangeSet> seen = [];
        using IDisposable subscription = publisher.Subscribe(seen.Add);

        // When
        IReadOnlyList<ValidationError> errors = publisher.SetLinkState("hp-1", "dpu0", up: false);

        // Then
        Assert.That(errors, Is.Empty);
        CapabilityChangeSet set = seen.Single();
        Assert.Multiple(() =>
        {
            Assert.That(set.PreviousVersion, Is.EqualTo(1));
            Assert.That(set.Snapshot.Version, Is.EqualTo(2));
            Assert.That(publisher.Current.Version, Is.EqualTo(2));
            Assert.That(set.Reason, Does.Contain("dpu0").And.Contain("down"));
            Assert.That(set.Changes, Does.Contain(new CapabilityChange("hp-1", "RM:e.cap.015", "Yes", "No")));
            Assert.That(set.Changes, Does.Contain(new CapabilityChange("hp-1", "feature:smartnic", "offered", null)));
            Assert.That(publisher.Current.FindNode("hp-1")!.Capabilities["RM:e.cap.015"].Source, Is.EqualTo("nic:0000:af:00.0"));
        });
    }

    [Test]
    public void Update_VfPoolRunsOut_SriovWithdrawnWithReason()
    {
        // Given
        CapabilityPublisher publisher = Create(Profiles.HighPerformance);
        List<CapabilityChangeSet> seen = [];
        using IDisposable subscription = publisher.Subscribe(seen.Add);

        // When: every VF on edge-h1 is handed out
        publisher.Update(
            inv => CapabilityPublisher.ReplaceNode(inv, inv.Nodes.Single(n => n.Id == "edge-h1") is var n
                ? n with { Nics = [n.Nics[0] with { SriovUsedVfs = n.Nics[0].SriovTotalVfs }] }
                : null!),
            "edge-h1 VFs allocated");

        // Then
        CapabilityValue sriov = publisher.Current.FindNode("edge-h1")!.Capabilities["RM:e.cap.013"];
        Assert.That(sriov.Raw, Is.EqualTo("No"));
        Assert.That(sriov.Evidence[0].Detail, Does.Contain("VF pool exhausted (4/4 used)"));
        Assert.That(sriov.Evidence[1].Raw, Is.EqualTo("Yes"), "the catalogue's claim is kept as evidence");
        Assert.That(seen.Single().Changes, Does.Contain(new CapabilityChange("edge-h1", "RM:e.cap.013", "Yes", "No")));
    }

    [Test]
    public void Update_NoVisibleChange_KeepsVersionAndTellsNobody()
    {
        // Given
        CapabilityPublisher publisher = Create(Profiles.HighPerformance);
        int calls = 0;
        using IDisposable subscription = publisher.Subscribe(_ => calls++);

        // When: one VF used of sixteen changes no published value
        CapabilityChangeSet? set = publisher.Update(
            inv => CapabilityPublisher.ReplaceNode(inv, inv.Nodes[1] with { Nics = [inv.Nodes[1].Nics[0] with { SriovUsedVfs = 1 }, inv.Nodes[1].Nics[1]] }),
            "one VF");

        // Then
        Assert.That(set, Is.Null);
        Assert.That(calls, Is.Zero);
        Assert.That(publisher.Current.Version, Is.EqualTo(1));
        Assert.That(publisher.Inventory.Nodes[1].Nics[0].SriovUsedVfs, Is.EqualTo(1));
    }

    [Test]
    public void Subscribe_Disposed_NoLongerCalled()
    {
        // Given
        CapabilityPublisher publisher = Create(Profiles.HighPerformance);
        int calls = 0;
        IDisposable subscription = publisher.Subscribe(_ => calls++);
        subscription.Dispose();
        subscription.Dispose();

        // When
        publisher.SetLinkState("hp-1", "0000:af:00.0", up: false);

        // Then
        Assert.That(calls, Is.Zero);
        Assert.That(publisher.Current.Version, Is.EqualTo(2));
    }

    [Test]
    public void SetLinkState_UnknownNodeOrNic_ReturnsErrorsNamingKnownOnes()
    {
        // Given
        CapabilityPublisher publisher = Create(Profiles.HighPerformance);

        // When
        IReadOnlyList<ValidationError> noNode = publisher.SetLinkState("hp-9", "dpu0", up: false);
        IReadOnlyList<ValidationError> noNic = publisher.SetLinkState("hp-1", "eth7", up: false);

        // Then
        Assert.That(noNode.Single().Message, Does.Contain("hp-1, hp-2, edge-h1, pub-1"));
        Assert.That(noNic.Single().Message, Does.Contain("dpu0 (0000:af:00.0)"));
        Assert.That(publisher.Current.Version, Is.EqualTo(1));
    }
}
