// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Negotiation;
using NfvConformance.Abstractions.Requirements;

namespace NfvConformance.Emulator.Capabilities.Tests.Placement;

public sealed class NegotiationTests
{
    private static ControlPlane Hp() => ControlPlane.Create(new ControlPlaneOptions { Profile = Profiles.HighPerformance, Catalogue = TestCatalogue.Definitions });

    private static NegotiationRequest Request(ResourceRequest? resources = null, params PreferenceLadder[] ladders) =>
        new("vfw", resources ?? new ResourceRequest(Cores: 4, MemoryMb: 4096, HugepagesMb: 2048, DedicatedCores: true), ladders);

    [Test]
    public async Task Negotiate_FullNetworkLadder_GrantsSmartNicOffloadOnFirstNodeWithOne()
    {
        // When
        NegotiationResult result = await Hp().Negotiator.NegotiateAsync(Request(null, new PreferenceLadder("data0", Rungs.NetworkLadder)));

        // Then
        Assert.That(result.Granted, Is.True, result.Explain());
        Assert.That(result.NodeId, Is.EqualTo("hp-1"));
        Assert.That(result.Ladders.Single().Rung, Is.EqualTo(Rungs.SmartNicOffload));
        Assert.That(result.Ladders.Single().RungIndex, Is.Zero);
        Assert.That(result.Ladders.Single().Refused, Is.Empty);
    }

    [Test]
    public async Task Negotiate_NumaAlignedWithCrypto_PrefersBestNetworkRungAndExplainsSoftwareCrypto()
    {
        // Given: on hp-1 the SmartNIC sits on NUMA 1 and the crypto card on NUMA 0
        NegotiationRequest request = Request(
            new ResourceRequest(Cores: 4, MemoryMb: 4096, HugepagesMb: 2048, DedicatedCores: true, NumaAligned: true),
            new PreferenceLadder("data0", Rungs.NetworkLadder),
            new PreferenceLadder("crypto", [Rungs.CryptoAccelerator, Rungs.Software]));

        // When
        NegotiationResult result = await Hp().Negotiator.NegotiateAsync(request);

        // Then
        Assert.That(result.Granted, Is.True, result.Explain());
        Assert.Multiple(() =>
        {
            Assert.That(result.NodeId, Is.EqualTo("hp-1"));
            Assert.That(result.NumaNode, Is.EqualTo(1));
            Assert.That(result.Ladders[0].Rung, Is.EqualTo(Rungs.SmartNicOffload));
            Assert.That(result.Ladders[1].Rung, Is.EqualTo(Rungs.Software));
            Assert.That(result.Ladders[1].Refused.Single().Reason, Does.StartWith("crypto accelerator qat0 is on NUMA 0, not NUMA 1"));
            Assert.That(result.Explain(), Does.Contain("crypto -> software (refused: crypto-accelerator: crypto accelerator qat0 is on NUMA 0"));
        });
    }

    [Test]
    public async Task Negotiate_SriovLadderWithExtensionFilter_ExplainsRefusedSmartNicRung()
    {
        // Given: only hp-2 carries compute-gpu, and it has no SmartNIC
        NegotiationRequest request = Request(null, new PreferenceLadder("data0", Rungs.NetworkLadder)) with { Extensions = ["compute-gpu"] };

        // When
        NegotiationResult result = await Hp().Negotiator.NegotiateAsync(request);

        // Then
        Assert.That(result.NodeId, Is.EqualTo("hp-2"));
        LadderGrant grant = result.Ladders.Single();
        Assert.That(grant.Rung, Is.EqualTo(Rungs.SriovVf));
        Assert.That(grant.Refused.Single().Rung, Is.EqualTo(Rungs.SmartNicOffload));
        Assert.That(grant.Refused.Single().Reason, Does.Contain("no SmartNIC on hp-2").And.Contain("hp-1 offers it but fails extension compute-gpu"));
    }

    [Test]
    public async Task Negotiate_VhostUserWithoutHugepages_RefusedWithReasonThenKernelVirtio()
    {
        // Given
        NegotiationRequest request = Request(new ResourceRequest(Cores: 1, MemoryMb: 1024), new PreferenceLadder("data0", [Rungs.DpdkVhostUser, Rungs.KernelVirtio])) with { Site = "edge-1" };

        // When
        NegotiationResult result = await Hp().Negotiator.NegotiateAsync(request);

        // Then
        Assert.That(result.NodeId, Is.EqualTo("edge-h1"));
        Assert.That(result.Ladders.Single().Rung, Is.EqualTo(Rungs.KernelVirtio));
        Assert.That(result.Ladders.Single().Refused.Single().Reason, Does.Contain("vhost-user needs huge-page backed guest memory"));
    }

    [Test]
    public async Task Negotiate_Unmeetable_RefusalListsEveryUnmetRequirementOnEveryNode()
    {
        // Given
        NegotiationRequest request = new(
            "big",
            new ResourceRequest(Cores: 100, MemoryMb: 1024, HugepagesMb: 1024, DedicatedCores: true),
            [new PreferenceLadder("data0", [Rungs.SmartNicOffload])],
            RequiredCapabilities: ["RM:e.cap.015"]);

        // When
        NegotiationResult result = await Hp().Negotiator.NegotiateAsync(request);

        // Then
        Assert.That(result.Granted, Is.False);
        string[] lines = [.. result.Unmet.Select(u => $"{u.NodeId}|{u.Requirement}|{u.Reason}")];
        Assert.Multiple(() =>
        {
            Assert.That(lines, Does.Contain("hp-1|cores|44 free dedicated cores, 100 requested"));
            Assert.That(lines, Does.Contain("hp-2|RM:e.cap.015|published 'No' (inventory)"));
            Assert.That(lines, Does.Contain("hp-2|ladder data0|smartnic-offload: no SmartNIC on hp-2"));
            Assert.That(lines, Does.Contain("pub-1|dedicated cores|the node does not support CPU pinning"));
            Assert.That(lines, Does.Contain("pub-1|hugepages|0 MiB of huge pages free, 1024 MiB requested"));
            Assert.That(result.Unmet.Select(u => u.NodeId).Distinct(), Is.EqualTo(new[] { "hp-1", "hp-2", "edge-h1", "pub-1" }));
            Assert.That(result.Explain(), Does.StartWith("refused: "));
        });
    }

    [Test]
    public async Task Negotiate_InvalidRequest_ReportsEveryProblemWithoutEvaluating()
    {
        // Given
        NegotiationRequest request = new(
            string.Empty,
            new ResourceRequest(Cores: 0),
            [new PreferenceLadder("data0", ["warp-drive"]), new PreferenceLadder("data0", [])],
            Profile: "gold");

        // When
        NegotiationResult result = await Hp().Negotiator.NegotiateAsync(request);

        // Then
        Assert.That(result.Granted, Is.False);
        Assert.That(result.Unmet, Is.Empty);
        string all = string.Join("\n", result.Problems);
        Assert.Multiple(() =>
        {
            Assert.That(all, Does.Contain("request.vnf: the VNF name is empty"));
            Assert.That(all, Does.Contain("request.resources.cores: cores = 0"));
            Assert.That(all, Does.Contain("unknown rung 'warp-drive' in ladder 'data0'; known rungs: smartnic-offload, sriov-vf"));
            Assert.That(all, Does.Contain("ladder 'data0' appears twice"));
            Assert.That(all, Does.Contain("ladder 'data0' has no rungs"));
            Assert.That(all, Does.Contain("unknown profile 'gold'"));
            Assert.That(result.Problems, Has.Count.EqualTo(6));
        });
    }

    [Test]
    public async Task Negotiate_Wishes_NeverRefuseButPreferNodesMeetingThem()
    {
        // Given: both hp nodes give sriov-vf; only hp-2 has a GPU
        NegotiationRequest request = Request(null, new PreferenceLadder("data0", [Rungs.SriovVf])) with { Wishes = ["gpu", "fpga"] };

        // When
        NegotiationResult result = await Hp().Negotiator.NegotiateAsync(request);

        // Then
        Assert.That(result.NodeId, Is.EqualTo("hp-2"));
        Assert.That(result.WishesMet, Is.EqualTo(new[] { "gpu" }));
        Assert.That(result.WishesUnmet, Is.EqualTo(new[] { "fpga" }));
    }

    [Test]
    public async Task Negotiate_SameRequestTwice_SameAnswer()
    {
        // Given
        ControlPlane cp = Hp();
        NegotiationRequest request = Request(null, new PreferenceLadder("data0", Rungs.NetworkLadder), new PreferenceLadder("zip", [Rungs.CompressionAccelerator, Rungs.Software]));

        // When
        string first = (await cp.Negotiator.NegotiateAsync(request)).Explain();
        string second = (await cp.Negotiator.NegotiateAsync(request)).Explain();

        // Then
        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public async Task Negotiate_OptionalLadderWithNoRung_GrantedWithoutIt()
    {
        // Given: no node has an FPGA; the ladder is optional
        NegotiationRequest request = Request(null, new PreferenceLadder("data0", [Rungs.KernelVirtio]), new PreferenceLadder("fpga", [Rungs.Fpga], Required: false));

        // When
        NegotiationResult result = await Hp().Negotiator.NegotiateAsync(request);

        // Then
        Assert.That(result.Granted, Is.True);
        Assert.That(result.Ladders[1].Rung, Is.Null);
        Assert.That(result.Ladders[1].RungIndex, Is.EqualTo(-1));
        Assert.That(result.Explain(), Does.Contain("fpga -> none"));
    }
}
