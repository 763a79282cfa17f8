// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Emulator.Dataplane.Buffers;
using NfvConformance.Emulator.Dataplane.Graph;
using NfvConformance.Emulator.Dataplane.Vnfs;

namespace NfvConformance.Emulator.ServiceChaining.Tests.Dataplane;

/// <summary>
/// Per-instance discards and errors (RM i.pm.007/008): each condition moves exactly its instance's counter by the
/// packets injected, decided on the frames' bytes; and the non-conformant variants show the counter would not move.
/// </summary>
public sealed class InterfaceCounterTests
{
    private static ServiceChainEngine Engine(bool firewallVerifiesL4 = true, int rxQueueDepth = 8)
    {
        PacketPool pool = new(new PacketPoolOptions { Capacity = 1024, BufferSize = 2048, Headroom = 128 });
        ServiceChainEngine engine = new(pool, new ServiceChainEngineOptions
        {
            RxQueueDepth = rxQueueDepth,
            FunctionFactory = r => r.Function switch
            {
                "firewall" => new FirewallNode(r.NodeName, new FirewallOptions { Next = r.NextNode, DefaultAction = AclAction.Permit, StrictTcp = false, VerifyL4Checksum = firewallVerifiesL4 }),
                "router" => Router(r),
                _ => new L2ForwarderNode(r.NodeName, [r.NextNode]),
            },
        });
        ChainApplyResult applied = engine.Apply(new ChainSpecBuilder()
            .WithPortPair(new PortPair("fw-1", "fw1-in", "fw1-out", "firewall"))
            .WithPortPair(new PortPair("rt-1", "rt1-in", "rt1-out", "router"))
            .WithPortPairGroup(new PortPairGroup("fw", ["fw-1"]))
            .WithPortPairGroup(new PortPairGroup("rt", ["rt-1"]))
            .WithFlowClassifier(new FlowClassifier("all") { SourceIpPrefix = "10.0.0.0/8" })
            .WithPortChain(new PortChain("c", ["fw", "rt"], ["all"]) { ChainId = 5, Correlation = SfcCorrelation.Nsh })
            .Build());
        Assert.That(applied.Applied, Is.True, string.Join("; ", applied.Problems));
        return engine;
    }

    private static RouterNode Router(ServiceFunctionRequest r)
    {
        RouterNode router = new(r.NodeName, [new RouterInterface(r.NextNode, "02:00:00:00:01:00", "02:00:00:00:01:01")]);
        router.AddRoute("0.0.0.0/0", 0);
        return router;
    }

    private static ChainProbe Probe(int port, ClassifierProtocol protocol = ClassifierProtocol.Udp) => new("10.1.0.1", "198.51.100.1", protocol, port, 53);

    private static ChainHopCounters Of(ServiceChainEngine engine, string instance) => engine.ReadCounters().First(c => c.PortPair == instance);

    [Test]
    public void WellFormedProbes_CountPacketsOnly()
    {
        ServiceChainEngine engine = Engine();
        for (int i = 0; i < 20; i++)
        {
            Assert.That(engine.Probe(Probe(1000 + i, i % 2 == 0 ? ClassifierProtocol.Udp : ClassifierProtocol.Tcp)).Delivered, Is.True);
        }

        Assert.Multiple(() =>
        {
            foreach (string instance in new[] { "fw-1", "rt-1" })
            {
                ChainHopCounters c = Of(engine, instance);
                Assert.That((c.Packets, c.Discards, c.Errors, c.Drops), Is.EqualTo((20L, 0L, 0L, 0L)), instance);
            }
        });
    }

    [TestCase(ProbeDefect.Ipv4HeaderChecksum, "ipv4_header_checksum")]
    [TestCase(ProbeDefect.Truncated, "truncated")]
    public void CorruptFrames_AreErrorsAtTheFirstInstance_NotPackets(ProbeDefect defect, string reason)
    {
        ServiceChainEngine engine = Engine();
        List<ChainPathTrace> traces = [.. Enumerable.Range(0, 7).Select(i => engine.Probe(Probe(2000 + i) with { Defect = defect }))];

        ChainHopCounters fw = Of(engine, "fw-1");
        ChainHopCounters rt = Of(engine, "rt-1");
        Assert.Multiple(() =>
        {
            Assert.That(traces.All(t => !t.Delivered && t.DroppedAt == "fw-1" && t.DropReason == reason), Is.True, string.Join("; ", traces.Select(t => $"{t.DroppedAt}/{t.DropReason}")));
            Assert.That((fw.Packets, fw.Errors, fw.Discards), Is.EqualTo((0L, 7L, 0L)));
            Assert.That(fw.DropReasons, Is.EquivalentTo(new Dictionary<string, long> { [reason] = 7 }));
            Assert.That((rt.Packets, rt.Errors, rt.Discards), Is.EqualTo((0L, 0L, 0L)));
        });
    }

    [TestCase(ClassifierProtocol.Udp)]
    [TestCase(ClassifierProtocol.Tcp)]
    public void BadL4Checksum_IsAnErrorAtTheVerifyingFirewall(ClassifierProtocol protocol)
    {
        ServiceChainEngine engine = Engine(firewallVerifiesL4: true);
        for (int i = 0; i < 5; i++)
        {
            ChainPathTrace t = engine.Probe(Probe(3000 + i, protocol) with { Defect = ProbeDefect.L4Checksum });
            Assert.That((t.Delivered, t.DroppedAt, t.DropReason), Is.EqualTo((false, "fw-1", "bad_l4_checksum")));
        }

        ChainHopCounters fw = Of(engine, "fw-1");
        Assert.That((fw.Packets, fw.Errors, fw.Discards), Is.EqualTo((5L, 5L, 0L)), "received by the interface, then found in error by the function");
    }

    [Test]
    public void BadL4Checksum_PassesUnnoticedWhenTheFirewallDoesNotVerify()
    {
        // The non-conformant variant: nothing verifies the L4 checksum, so the error counter cannot move.
        ServiceChainEngine engine = Engine(firewallVerifiesL4: false);
        ChainPathTrace t = engine.Probe(Probe(3100) with { Defect = ProbeDefect.L4Checksum });
        Assert.That((t.Delivered, Of(engine, "fw-1").Errors, Of(engine, "rt-1").Errors), Is.EqualTo((true, 0L, 0L)));
    }

    [Test]
    public void TtlOne_IsDiscardedByTheRouter_AfterCrossingTheFirewall()
    {
        ServiceChainEngine engine = Engine();
        for (int i = 0; i < 4; i++)
        {
            ChainPathTrace t = engine.Probe(Probe(4000 + i) with { Ttl = 1 });
            Assert.That((t.Delivered, t.DroppedAt, t.DropReason), Is.EqualTo((false, "rt-1", "ttl_expired")));
        }

        Assert.That(engine.Probe(Probe(4100) with { Ttl = 2 }).Delivered, Is.True, "TTL 2 leaves the router with 1");
        ChainHopCounters fw = Of(engine, "fw-1");
        ChainHopCounters rt = Of(engine, "rt-1");
        Assert.Multiple(() =>
        {
            Assert.That((fw.Packets, fw.Discards), Is.EqualTo((5L, 0L)));
            Assert.That((rt.Packets, rt.Discards, rt.Errors), Is.EqualTo((5L, 4L, 0L)));
            Assert.That(rt.DropReasons["ttl_expired"], Is.EqualTo(4));
        });
    }

    [Test]
    public void LinkAdminDown_DiscardsEveryPacket_UntilUp()
    {
        ServiceChainEngine engine = Engine();
        engine.SetInstanceState("rt-1", InstanceState.LinkAdminDown);
        List<ChainPathTrace> down = [.. Enumerable.Range(0, 6).Select(i => engine.Probe(Probe(5000 + i)))];
        engine.SetInstanceState("rt-1", InstanceState.Running);
        ChainPathTrace up = engine.Probe(Probe(5100));

        ChainHopCounters rt = Of(engine, "rt-1");
        Assert.Multiple(() =>
        {
            Assert.That(down.All(t => !t.Delivered && t.DroppedAt == "rt-1" && t.DropReason == "link_down"), Is.True);
            Assert.That(up.Delivered, Is.True);
            Assert.That((rt.Packets, rt.Discards, rt.Errors), Is.EqualTo((1L, 6L, 0L)));
            Assert.That(Of(engine, "fw-1").Discards, Is.Zero);
        });
    }

    [Test]
    public void Paused_QueuesUpToItsDepth_DiscardsTheRest_ThenDeliversTheQueue()
    {
        ServiceChainEngine engine = Engine(rxQueueDepth: 8);
        engine.SetInstanceState("fw-1", InstanceState.Paused);
        List<ChainPathTrace> sent = [.. Enumerable.Range(0, 11).Select(i => engine.Probe(Probe(6000 + i)))];
        ChainHopCounters paused = Of(engine, "fw-1");
        long deliveredBefore = engine.ReadNodeCounter(ServiceChainEngine.OutputNodeName, "received");

        engine.SetInstanceState("fw-1", InstanceState.Running);
        ChainHopCounters resumed = Of(engine, "fw-1");
        Assert.Multiple(() =>
        {
            Assert.That(sent.Take(8).All(t => t.Queued && !t.Delivered && t.DroppedAt == "fw-1"), Is.True);
            Assert.That(sent.Skip(8).All(t => !t.Queued && t.DropReason == "rx_queue_full" && t.DroppedAt == "fw-1"), Is.True);
            Assert.That((paused.RxQueued, paused.RxQueueDepth, paused.Packets, paused.Discards), Is.EqualTo((8, 8, 0L, 3L)));
            Assert.That(engine.ReadNodeCounter(ServiceChainEngine.OutputNodeName, "received") - deliveredBefore, Is.EqualTo(8), "the queue is delivered on resume");
            Assert.That((resumed.RxQueued, resumed.Packets, resumed.Discards), Is.EqualTo((0, 8L, 3L)));
            Assert.That(Of(engine, "rt-1").Packets, Is.EqualTo(8));
        });
    }

    [Test]
    public void SetInstanceState_UnknownInstance_NamesTheAppliedOnes()
    {
        ServiceChainEngine engine = Engine();
        ConfigurationException e = Assert.Throws<ConfigurationException>(() => engine.SetInstanceState("fw-9", InstanceState.Paused))!;
        Assert.That(e.Message, Does.Contain("'fw-9'").And.Contain("fw-1, rt-1"));
    }

    [Test]
    public void ProbeTtlOutOfRange_IsRefusedWithTheRange()
    {
        ServiceChainEngine engine = Engine();
        ConfigurationException e = Assert.Throws<ConfigurationException>(() => engine.Probe(Probe(1) with { Ttl = 0 }))!;
        Assert.That(e.Message, Does.Contain("1 to 255"));
    }
}
