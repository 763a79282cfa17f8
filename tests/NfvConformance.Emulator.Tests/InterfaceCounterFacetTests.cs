// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.Targets;

namespace NfvConformance.Emulator.Tests;

/// <summary>Discards and errors through the emulator target's chaining facet: its firewall verifies L4 checksums, its router expires TTLs.</summary>
public sealed class InterfaceCounterFacetTests
{
    private static ChainSpec FwRt() => new ChainSpecBuilder()
        .WithPortPair(new PortPair("fw-1", "fw-1-in", "fw-1-out", "firewall"))
        .WithPortPair(new PortPair("rt-1", "rt-1-in", "rt-1-out", "router"))
        .WithPortPairGroup(new PortPairGroup("fw", ["fw-1"]))
        .WithPortPairGroup(new PortPairGroup("rt", ["rt-1"]))
        .WithFlowClassifier(new FlowClassifier("inside") { SourceIpPrefix = "10.0.0.0/8" })
        .WithPortChain(new PortChain("c", ["fw", "rt"], ["inside"]) { ChainId = 9, Correlation = SfcCorrelation.Nsh })
        .Build();

    [Test]
    public async Task Facet_DefectsAndConditions_MoveExactlyTheirCounters()
    {
        await using ILabTarget target = new EmulatorTargetFactory().Create(new LabTargetOptions());
        await target.StartAsync();
        IServiceChaining chaining = target.GetFeature<IServiceChaining>()!;
        Assert.That((await chaining.ApplyAsync(FwRt())).Applied, Is.True);
        ChainProbe probe = new("10.2.0.1", "198.51.100.2", ClassifierProtocol.Tcp, 5000, 80);

        ChainPathTrace ok = await chaining.ProbeAsync(probe);
        ChainPathTrace badIp = await chaining.ProbeAsync(probe with { Defect = ProbeDefect.Ipv4HeaderChecksum });
        ChainPathTrace badTcp = await chaining.ProbeAsync(probe with { Defect = ProbeDefect.L4Checksum });
        ChainPathTrace ttl = await chaining.ProbeAsync(probe with { Ttl = 1 });
        await chaining.SetInstanceStateAsync("rt-1", InstanceState.LinkAdminDown);
        ChainPathTrace down = await chaining.ProbeAsync(probe);
        await chaining.SetInstanceStateAsync("rt-1", InstanceState.Running);

        Dictionary<string, ChainHopCounters> c = (await chaining.ReadCountersAsync()).ToDictionary(x => x.PortPair);
        Assert.Multiple(() =>
        {
            Assert.That(ok.Delivered, Is.True);
            Assert.That((badIp.DroppedAt, badIp.DropReason), Is.EqualTo(("fw-1", "ipv4_header_checksum")));
            Assert.That((badTcp.DroppedAt, badTcp.DropReason), Is.EqualTo(("fw-1", "bad_l4_checksum")));
            Assert.That((ttl.DroppedAt, ttl.DropReason), Is.EqualTo(("rt-1", "ttl_expired")));
            Assert.That((down.DroppedAt, down.DropReason), Is.EqualTo(("rt-1", "link_down")));
            Assert.That((c["fw-1"].Packets, c["fw-1"].Errors, c["fw-1"].Discards), Is.EqualTo((4L, 2L, 0L)));
            Assert.That((c["rt-1"].Packets, c["rt-1"].Errors, c["rt-1"].Discards), Is.EqualTo((2L, 0L, 2L)));
        });
    }
}
