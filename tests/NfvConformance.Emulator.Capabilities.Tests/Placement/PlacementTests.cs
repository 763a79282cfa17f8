// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Abstractions.Negotiation;
using NfvConformance.Abstractions.Placement;
using NfvConformance.Abstractions.Requirements;

namespace NfvConformance.Emulator.Capabilities.Tests.Placement;

public sealed class PlacementTests
{
    private static ControlPlane Hp() => ControlPlane.Create(new ControlPlaneOptions { Profile = Profiles.HighPerformance, Catalogue = TestCatalogue.Definitions });

    private static PlacementRequest Vnf(string name, int instances, bool antiAffinity, string[] rungs, string? site = null, WorkloadKind kind = WorkloadKind.VirtualMachine) =>
        new(
            new NegotiationRequest(name, new ResourceRequest(Cores: 2, MemoryMb: 2048, HugepagesMb: 1024, DedicatedCores: true), [new PreferenceLadder("data0", rungs)], Site: site),
            kind,
            instances,
            antiAffinity);

    [Test]
    public async Task Place_TwoInstancesAntiAffinity_DifferentNodesWithPinnedCoresAndVfs()
    {
        // Given
        ControlPlane cp = Hp();

        // When
        PlacementResult result = await cp.Placement.PlaceAsync(Vnf("vfw", 2, antiAffinity: true, [Rungs.SriovVf]));

        // Then
        Assert.That(result.Succeeded, Is.True, string.Join("\n", result.Problems));
        PlacedInstance a = result.Instances[0];
        PlacedInstance b = result.Instances[1];
        Assert.Multiple(() =>
        {
            Assert.That(a.NodeId, Is.EqualTo("hp-1"));
            Assert.That(b.NodeId, Is.EqualTo("hp-2"));
            Assert.That(a.PinnedCores, Is.EqualTo(new[] { 2, 3 }), "cores 0-1 of NUMA 0 are reserved for the infrastructure");
            Assert.That(a.MemoryMb, Is.EqualTo(2048 + 256), "VM overhead included");
            Assert.That(a.Interfaces.Single().VfIndex, Is.Zero);
            Assert.That(a.Interfaces.Single().NicPci, Is.EqualTo("0000:3b:00.0"));
            Assert.That(a.Interfaces.Single().Mac, Is.Not.EqualTo(b.Interfaces.Single().Mac));
            Assert.That(a.Interfaces.Single().Ip, Is.EqualTo("10.0.0.1"));
            Assert.That(cp.Hardware.Current.Nodes[0].Nics[0].SriovUsedVfs, Is.EqualTo(1));
            Assert.That(cp.Placement.Instances, Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task Place_MoreAntiAffineInstancesThanNodes_PlacesNothingAndSaysWhy()
    {
        // Given
        ControlPlane cp = Hp();

        // When: three nodes can pin cores; four instances asked
        PlacementResult result = await cp.Placement.PlaceAsync(Vnf("vfw", 4, antiAffinity: true, [Rungs.KernelVirtio]));

        // Then
        Assert.That(result.Succeeded, Is.False);
        Assert.That(result.Instances, Is.Empty);
        Assert.That(cp.Placement.Instances, Is.Empty);
        Assert.That(result.Problems.Single().Message, Does.Contain("instance 4 of 4").And.Contain("anti-affinity: already hosts vfw-1 of vfw"));
        Assert.That(cp.Hardware.Current.Nodes[0].Nics[0].SriovUsedVfs, Is.Zero);
    }

    [Test]
    public async Task Place_EdgeVfPoolRunsOut_SubscribersToldAndNextInstanceRefused()
    {
        // Given: edge-h1 has 4 VFs
        ControlPlane cp = Hp();
        List<CapabilityChangeSet> changes = [];
        using IDisposable sub = cp.Publisher.Subscribe(changes.Add);
        PlacementRequest request = Vnf("upf", 4, antiAffinity: false, [Rungs.SriovVf], site: "edge-1") with
        {
            Negotiation = new NegotiationRequest("upf", new ResourceRequest(Cores: 1, MemoryMb: 512, DedicatedCores: true), [new PreferenceLadder("n3", [Rungs.SriovVf])], Site: "edge-1"),
        };

        // When
        PlacementResult first = await cp.Placement.PlaceAsync(request);
        PlacementResult fifth = await cp.Placement.PlaceAsync(request with { Instances = 1 });

        // Then
        Assert.That(first.Succeeded, Is.True, string.Join("\n", first.Problems));
        Assert.That(first.Instances.Select(i => i.Interfaces[0].VfIndex), Is.EqualTo(new int?[] { 0, 1, 2, 3 }));
        Assert.That(changes.Single().Changes, Does.Contain(new CapabilityChange("edge-h1", "RM:e.cap.013", "Yes", "No")));
        Assert.That(fifth.Succeeded, Is.False);
        Assert.That(fifth.Problems.Single().Message, Does.Contain("edge-h1: ladder n3: sriov-vf: eno1 has no free VF (4/4 used)"));
    }

    [Test]
    public async Task Release_Instance_FreesVfsAndRepublishes()
    {
        // Given
        ControlPlane cp = Hp();
        PlacementRequest request = new(new NegotiationRequest("upf", new ResourceRequest(Cores: 1, MemoryMb: 512, DedicatedCores: true), [new PreferenceLadder("n3", [Rungs.SriovVf])], Site: "edge-1"), Instances: 4);
        PlacementResult placed = await cp.Placement.PlaceAsync(request);
        long versionAfterPlacement = cp.Publisher.Current.Version;

        // When
        bool released = await cp.Placement.ReleaseAsync(placed.Instances[0].InstanceId);
        bool again = await cp.Placement.ReleaseAsync(placed.Instances[0].InstanceId);

        // Then
        Assert.That(released, Is.True);
        Assert.That(again, Is.False);
        Assert.That(cp.Publisher.Current.FindNode("edge-h1")!.Capabilities["RM:e.cap.013"].Raw, Is.EqualTo("Yes"));
        Assert.That(cp.Publisher.Current.Version, Is.EqualTo(versionAfterPlacement + 1));
        Assert.That((await cp.Placement.PlaceAsync(request with { Instances = 1 })).Instances.Single().Interfaces[0].VfIndex, Is.Zero);
    }

    [Test]
    public async Task Place_WithinWanLatencyOfEdge_ExcludesFarSites()
    {
        // Given: public-1 is 16 ms from edge-1 (via core-1); pub-1 is the only basic node
        ControlPlane cp = Hp();
        PlacementRequest request = new(
            new NegotiationRequest("cdn", new ResourceRequest(Cores: 2, MemoryMb: 1024), [new PreferenceLadder("eth0", [Rungs.KernelVirtio])], Profile: Profiles.Basic),
            WorkloadKind.Container,
            NearSite: "edge-1",
            MaxLatencyMs: 10);

        // When
        PlacementResult near = await cp.Placement.PlaceAsync(request);
        PlacementResult far = await cp.Placement.PlaceAsync(request with { MaxLatencyMs = 20 });

        // Then
        Assert.That(near.Succeeded, Is.False);
        Assert.That(near.Problems.Single().Message, Does.Contain("pub-1: placement constraint: site public-1 is 16 ms from edge-1, limit 10 ms"));
        Assert.That(far.Instances.Single().NodeId, Is.EqualTo("pub-1"));
        Assert.That(far.Instances.Single().MemoryMb, Is.EqualTo(1024), "containers carry no VM overhead");
        Assert.That(far.Instances.Single().PinnedCores, Is.Empty);
    }

    [Test]
    public async Task PlaceAll_ChainWithUnplaceableTail_RollsBackEverything()
    {
        // Given
        ControlPlane cp = Hp();
        PlacementRequest head = Vnf("fw", 1, false, [Rungs.SmartNicOffload]);
        PlacementRequest tail = Vnf("dpi", 1, false, [Rungs.SmartNicOffload], site: "edge-1");

        // When
        PlacementResult result = await cp.Placement.PlaceAllAsync([head, tail]);

        // Then
        Assert.That(result.Succeeded, Is.False);
        Assert.That(cp.Placement.Instances, Is.Empty);
        Assert.That(cp.Hardware.Current.Nodes[0].Nics[2].SriovUsedVfs, Is.Zero);
        Assert.That(result.Negotiations, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task PlaceAll_VmAndContainerOfOneChain_ShareANodeOnAlignedNuma()
    {
        // Given
        ControlPlane cp = Hp();
        NegotiationRequest aligned(string name) => new(name, new ResourceRequest(Cores: 4, MemoryMb: 4096, HugepagesMb: 4096, DedicatedCores: true, NumaAligned: true), [new PreferenceLadder("data0", [Rungs.SmartNicOffload])]);

        // When
        PlacementResult result = await cp.Placement.PlaceAllAsync([new(aligned("fw"), WorkloadKind.VirtualMachine), new(aligned("nat"), WorkloadKind.Container)]);

        // Then
        Assert.That(result.Succeeded, Is.True, string.Join("\n", result.Problems));
        Assert.That(result.Instances.Select(i => (i.NodeId, i.NumaNode, i.Kind)), Is.EqualTo(new[] { ("hp-1", (int?)1, WorkloadKind.VirtualMachine), ("hp-1", (int?)1, WorkloadKind.Container) }));
        Assert.That(result.Instances[0].PinnedCores, Is.EqualTo(new[] { 26, 27, 28, 29 }));
        Assert.That(result.Instances[1].PinnedCores, Is.EqualTo(new[] { 30, 31, 32, 33 }));
    }

    [Test]
    public async Task Place_HugepagesLargerThanOneNumaNode_OnlyUnalignedSucceeds()
    {
        // Given: 64 GiB of 1 GiB pages and 8 GiB of 2 MiB pages per NUMA node on hp-1/hp-2
        ControlPlane cp = Hp();
        NegotiationRequest big(bool aligned) => new("bigmem", new ResourceRequest(Cores: 2, MemoryMb: 1024, HugepagesMb: 80_000, DedicatedCores: true, NumaAligned: aligned), [new PreferenceLadder("eth0", [Rungs.KernelVirtio])]);

        // When
        PlacementResult alignedResult = await cp.Placement.PlaceAsync(new(big(true)));
        PlacementResult spread = await cp.Placement.PlaceAsync(new(big(false)));

        // Then
        Assert.That(alignedResult.Succeeded, Is.False);
        Assert.That(alignedResult.Problems.Single().Message, Does.Contain("hp-1: hugepages: NUMA 0: 73728 MiB of huge pages free, 80000 MiB requested"));
        Assert.That(spread.Succeeded, Is.True);
        Assert.That(spread.Instances.Single().NumaNode, Is.Null);
    }

    [Test]
    public async Task Place_InvalidRequest_ReportsEveryProblem()
    {
        // Given
        ControlPlane cp = Hp();
        PlacementRequest bad = new(new NegotiationRequest("x", new ResourceRequest(Cores: 0), [], Site: "mars"), Instances: 0, MaxLatencyMs: 3);

        // When
        PlacementResult result = await cp.Placement.PlaceAsync(bad);

        // Then
        string all = string.Join("\n", result.Problems);
        Assert.That(result.Problems, Has.Count.EqualTo(4), all);
        Assert.That(all, Does.Contain("cores = 0").And.Contain("instances = 0").And.Contain("set NearSite").And.Contain("unknown site 'mars'"));
    }

    [TestCase(60, true)]
    [TestCase(61, false)]
    public async Task Place_SharedVcpusOnBasicNode_OvercommitFourToOne(int vcpus, bool fits)
    {
        // Given: pub-1 has 16 cores, 1 reserved, no pinning: 15 x 4 = 60 shared vCPUs
        ControlPlane cp = Hp();
        PlacementRequest request = new(new NegotiationRequest("web", new ResourceRequest(Cores: vcpus, MemoryMb: 1024), [new PreferenceLadder("eth0", [Rungs.KernelVirtio])], Profile: Profiles.Basic), WorkloadKind.Container);

        // When
        PlacementResult result = await cp.Placement.PlaceAsync(request);

        // Then
        Assert.That(result.Succeeded, Is.EqualTo(fits));
        if (!fits)
        {
            Assert.That(result.Problems.Single().Message, Does.Contain("pub-1: vcpus: 60 free shared vCPUs, 61 requested"));
        }
    }

    [Test]
    public async Task PlaceAll_ChainSplitOverCoreAndEdge_ReportsWanLegs()
    {
        // Given: a firewall at the edge, a packet core in the core site, an analytics container in the public cloud
        ControlPlane cp = Hp();
        PlacementRequest At(string vnf, string site) => new(new NegotiationRequest(vnf, new ResourceRequest(Cores: 1, MemoryMb: 512), [new PreferenceLadder("eth0", [Rungs.KernelVirtio])], Site: site), WorkloadKind.Container);

        // When
        PlacementResult result = await cp.Placement.PlaceAllAsync([At("fw", "edge-1"), At("upf", "core-1"), At("analytics", "public-1")]);

        // Then
        Assert.That(result.Succeeded, Is.True, string.Join("\n", result.Problems));
        Assert.That(result.Hops!.Select(h => (h.From, h.To, h.Path.LatencyMs, h.Path.BandwidthGbps)), Is.EqualTo(new[]
        {
            ("fw-1", "upf-2", 4.0, 40.0),
            ("upf-2", "analytics-3", 12.0, 10.0),
        }));
    }
}
