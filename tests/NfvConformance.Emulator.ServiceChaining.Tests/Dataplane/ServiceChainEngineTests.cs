// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Emulator.ServiceChaining.Compilation;
using NfvConformance.Emulator.ServiceChaining.VirtualTime;
using NfvConformance.Emulator.Dataplane.Graph;

namespace NfvConformance.Emulator.ServiceChaining.Tests.Dataplane;

public sealed class ServiceChainEngineTests
{
    private static long Received(ServiceChainEngine engine) => engine.ReadNodeCounter(ServiceChainEngine.OutputNodeName, "received");

    private static long Counter(ServiceChainEngine engine, string name) =>
        engine.ReadNodeCounter(ServiceChainEngine.ClassifyNodeName, name) + engine.ReadNodeCounter(ServiceChainEngine.ForwardNodeName, name);

    private static ChainProbe ProbeOf(FlowKey f) =>
        new(EngineHarness.Ip(f.Source), EngineHarness.Ip(f.Destination), ClassifierProtocol.Tcp, f.SourcePort, f.DestinationPort);

    private static Dictionary<string, long> PacketsByInstance(ServiceChainEngine engine) =>
        engine.ReadCounters().GroupBy(c => c.PortPair).ToDictionary(g => g.Key, g => g.First().Packets);

    [Test]
    public void Probe_ThreeHopChain_ReportsEachHopWithSpiAndDecrementingSi()
    {
        // Arrange
        EngineHarness h = new(1);
        ServiceChainEngine engine = new(h.Pool);
        Assert.That(engine.Apply(ChainSpecs.FwNatRouter(firewalls: 1, wires: true).Build()).Applied, Is.True);

        // Act
        ChainPathTrace trace = engine.Probe(new ChainProbe("10.1.2.3", "192.168.0.1", ClassifierProtocol.Tcp, 1234, 80));

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(trace.Chain, Is.EqualTo("c1"));
            Assert.That(trace.Hops, Is.EqualTo(new[]
            {
                new HopTraversal(1, 255, "fw", "fw-1"),
                new HopTraversal(1, 254, "nat", "nat-1"),
                new HopTraversal(1, 253, "router", "rt-1"),
            }));
            Assert.That(trace.Delivered, Is.True);
            Assert.That(trace.DropReason, Is.Null);
        });
    }

    [Test]
    public void Probe_NoClassifierMatches_BypassesChainToOutput()
    {
        EngineHarness h = new(1);
        ServiceChainEngine engine = new(h.Pool);
        engine.Apply(ChainSpecs.FwNatRouter(wires: true).Build());

        ChainPathTrace trace = engine.Probe(new ChainProbe("11.0.0.1", "192.168.0.1", ClassifierProtocol.Udp, 1, 2));

        Assert.Multiple(() =>
        {
            Assert.That(trace.Chain, Is.Null);
            Assert.That(trace.Hops, Is.Empty);
            Assert.That(Counter(engine, "no_match"), Is.EqualTo(1));
            Assert.That(Received(engine), Is.EqualTo(1));
        });
    }

    [Test]
    public void Probe_SymmetricChainReverseTraffic_RunsHopsBackwardsOnReversePath()
    {
        EngineHarness h = new(1);
        ServiceChainEngine engine = new(h.Pool);
        engine.Apply(ChainSpecs.FwNatRouter(firewalls: 1, wires: true)
            .WithFlowClassifier(new FlowClassifier("all-10") { SourceIpPrefix = "10.0.0.0/8", LogicalSourcePort = "client", LogicalDestinationPort = "server" })
            .WithPortChain(new PortChain("c1", ["fw", "nat", "router"], ["all-10"]) { ChainId = 9, Symmetric = true })
            .Build());

        ChainPathTrace trace = engine.Probe(new ChainProbe("10.1.2.3", "192.168.0.1", ClassifierProtocol.Tcp, 1234, 80) { Reverse = true });

        Assert.That(trace.Hops.Select(x => (x.ServicePathId, x.ServiceIndex, x.PortPairGroup)), Is.EqualTo(new[]
        {
            (9 | ChainCompiler.ReversePathBit, 255, "router"),
            (9 | ChainCompiler.ReversePathBit, 254, "nat"),
            (9 | ChainCompiler.ReversePathBit, 253, "fw"),
        }));
    }

    [Test]
    public void Process_ManyFlowsOverFourInstances_SpreadEvenlyAndEachFlowSticks()
    {
        // Arrange: 4,000 flows, 5 packets each, over four firewall instances.
        EngineHarness h = new(4000);
        ServiceChainEngine engine = new(h.Pool);
        engine.Apply(ChainSpecs.FwNatRouter(firewalls: 4, wires: true).Build());

        // Act
        h.Send(engine, 0, 4000, rounds: 5);

        // Assert: every packet arrives; each instance's packet count is a multiple of 5 (whole flows) near a quarter.
        Dictionary<string, long> byInstance = PacketsByInstance(engine);
        Assert.Multiple(() =>
        {
            Assert.That(Received(engine), Is.EqualTo(h.Sent));
            for (int i = 1; i <= 4; i++)
            {
                Assert.That(byInstance[$"fw-{i}"] % 5, Is.Zero, "a flow's packets all go to one instance");
                Assert.That(byInstance[$"fw-{i}"], Is.EqualTo(5000).Within(15).Percent);
            }

            Assert.That(byInstance["nat-1"], Is.EqualTo(h.Sent));
            Assert.That(h.Pool.Available, Is.EqualTo(h.Pool.Capacity), "no packet leaked");
        });
    }

    [Test]
    public void Apply_AddInstanceMidStream_LosesNothingAndOldFlowsStay()
    {
        // Arrange: 2,000 flows run on fw-1 and fw-2.
        EngineHarness h = new(4000);
        ServiceChainEngine engine = new(h.Pool);
        engine.Apply(ChainSpecs.FwNatRouter(firewalls: 2, wires: true).Build());
        h.Send(engine, 0, 2000, rounds: 3);
        Dictionary<string, long> before = PacketsByInstance(engine);

        // Act: add fw-3, then send the old flows again and 2,000 new ones.
        ChainApplyResult result = engine.Apply(ChainSpecs.FwNatRouter(firewalls: 3, wires: true).Build());
        h.Send(engine, 0, 2000, rounds: 3);
        long afterOld = PacketsByInstance(engine)["fw-3"];
        h.Send(engine, 2000, 2000, rounds: 3);
        Dictionary<string, long> after = PacketsByInstance(engine);

        // Assert: nothing lost, no old flow moved to fw-3, about a third of new flows went there.
        Assert.Multiple(() =>
        {
            Assert.That(result.Generation, Is.EqualTo(2));
            Assert.That(Received(engine), Is.EqualTo(h.Sent));
            Assert.That(afterOld, Is.Zero);
            Assert.That(after["fw-1"] + after["fw-2"] - before["fw-1"] - before["fw-2"], Is.EqualTo(6000 + 6000 - after["fw-3"]));
            Assert.That(after["fw-3"], Is.EqualTo(2000).Within(20).Percent);
            Assert.That(engine.FlowsMoved, Is.Zero);
        });
    }

    [Test]
    public void Apply_RemoveInstanceMidStream_OnlyItsFlowsMoveAndNothingIsLost()
    {
        EngineHarness h = new(3000);
        ServiceChainEngine engine = new(h.Pool);
        engine.Apply(ChainSpecs.FwNatRouter(firewalls: 3, wires: true).Build());
        h.Send(engine, 0, 3000, rounds: 2);
        long onFw3 = PacketsByInstance(engine)["fw-3"] / 2;
        Dictionary<string, long> before = PacketsByInstance(engine);

        ChainSpec without = ChainSpecs.FwNatRouter(firewalls: 2, wires: true).Build();
        engine.Apply(without);
        h.Send(engine, 0, 3000, rounds: 2);
        Dictionary<string, long> after = PacketsByInstance(engine);

        Assert.Multiple(() =>
        {
            Assert.That(engine.FlowsMoved, Is.EqualTo(onFw3), "exactly the removed instance's flows move");
            Assert.That(Received(engine), Is.EqualTo(h.Sent), "run to completion: the removed instance held no packets");
            Assert.That(after.ContainsKey("fw-3"), Is.False);
            Assert.That(after["fw-1"] - before["fw-1"] + after["fw-2"] - before["fw-2"], Is.EqualTo(6000));
        });
    }

    [Test]
    public void Apply_InsertAndRemoveHopMidStream_NoLossAndPathFollows()
    {
        // Arrange
        EngineHarness h = new(1000);
        ServiceChainEngine engine = new(h.Pool);
        ChainSpecBuilder three = ChainSpecs.FwNatRouter(firewalls: 2, wires: true);
        engine.Apply(three.Build());
        h.Send(engine, 0, 1000, rounds: 2);

        // Act: insert a DPI hop between fw and nat, send, then remove it again and send.
        ChainSpecBuilder four = three
            .WithPortPair(new PortPair("dpi-1", "dpi-in", "dpi-out", "wire"))
            .WithPortPairGroup(new PortPairGroup("dpi", ["dpi-1"]))
            .WithPortChain(new PortChain("c1", ["fw", "dpi", "nat", "router"], ["all-10"]) { ChainId = 1 });
        engine.Apply(four.Build());
        h.Send(engine, 0, 1000, rounds: 2);
        long dpiPackets = PacketsByInstance(engine)["dpi-1"];
        ChainPathTrace withDpi = engine.Probe(ProbeOf(h.Flows[7]));
        engine.Apply(three.Build());
        h.Send(engine, 0, 1000, rounds: 2);
        ChainPathTrace withoutDpi = engine.Probe(ProbeOf(h.Flows[7]));

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(Received(engine), Is.EqualTo(h.Sent + 2), "every packet arrives (plus the two probes)");
            Assert.That(dpiPackets, Is.EqualTo(2000));
            Assert.That(withDpi.Hops.Select(x => $"{x.ServiceIndex}:{x.PortPairGroup}"), Is.EqualTo(new[] { "255:fw", "254:dpi", "253:nat", "252:router" }));
            Assert.That(withoutDpi.Hops.Select(x => x.PortPairGroup), Is.EqualTo(new[] { "fw", "nat", "router" }));
            Assert.That(withDpi.Hops[0].PortPair, Is.EqualTo(withoutDpi.Hops[0].PortPair), "the flow keeps its firewall");
            Assert.That(engine.FlowsMoved, Is.Zero);
        });
    }

    [Test]
    public void Apply_InvalidSpec_KeepsConfigurationInForce()
    {
        EngineHarness h = new(10);
        ServiceChainEngine engine = new(h.Pool);
        engine.Apply(ChainSpecs.FwNatRouter(wires: true).Build());

        ChainApplyResult result = engine.Apply(ChainSpecs.FwNatRouter(wires: true).WithPortChain(new PortChain("c1", ["fw", "ghost"], ["all-10"])).Build());
        h.Send(engine, 0, 10);

        Assert.Multiple(() =>
        {
            Assert.That(result.Applied, Is.False);
            Assert.That(result.Generation, Is.EqualTo(1));
            Assert.That(result.Problems.Single().Message, Does.Contain("'ghost' does not exist"));
            Assert.That(PacketsByInstance(engine)["rt-1"], Is.EqualTo(10));
        });
    }

    [Test]
    public void Apply_UnknownFunctionWithoutFactory_IsRejected()
    {
        EngineHarness h = new(1);
        ServiceChainEngine engine = new(h.Pool);

        ChainApplyResult result = engine.Apply(ChainSpecs.FwNatRouter().Build());

        Assert.That(result.Problems, Has.Exactly(4).Matches<Abstractions.Errors.ValidationError>(e => e.Message.Contains("use one of: wire", StringComparison.Ordinal)));
    }

    [Test]
    public void TapGroup_PassiveHop_GetsCopiesWhileTrafficGoesOn()
    {
        EngineHarness h = new(100);
        ServiceChainEngine engine = new(h.Pool);
        engine.Apply(ChainSpecs.FwNatRouter(firewalls: 1, wires: true)
            .WithPortPair(new PortPair("ids-1", "ids-in", "ids-in", "wire"))
            .WithPortPairGroup(new PortPairGroup("ids", ["ids-1"]) { TapEnabled = true })
            .WithPortChain(new PortChain("c1", ["fw", "ids", "nat", "router"], ["all-10"]) { ChainId = 1 })
            .Build());

        h.Send(engine, 0, 100, rounds: 3);

        Assert.Multiple(() =>
        {
            Assert.That(Received(engine), Is.EqualTo(300));
            Assert.That(Counter(engine, "tap_copies"), Is.EqualTo(300));
            Assert.That(Counter(engine, "tap_consumed"), Is.EqualTo(300));
            Assert.That(PacketsByInstance(engine)["nat-1"], Is.EqualTo(300));
            Assert.That(h.Pool.Available, Is.EqualTo(h.Pool.Capacity));
        });
    }

    [Test]
    public void Process_SteadyState_AllocatesNothing()
    {
        EngineHarness h = new(1000);
        ServiceChainEngine engine = new(h.Pool);
        engine.Apply(ChainSpecs.FwNatRouter(firewalls: 2, wires: true).Build());
        h.Send(engine, 0, 1000, rounds: 50);

        long before = GC.GetAllocatedBytesForCurrentThread();
        h.Send(engine, 0, 1000, rounds: 20);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.Zero);
    }

    [Test]
    public void Process_TruncatedFrame_DroppedAsParseError()
    {
        EngineHarness h = new(1);
        ServiceChainEngine engine = new(h.Pool);
        engine.Apply(ChainSpecs.FwNatRouter(wires: true).Build());
        h.Pool.TryAlloc(out Emulator.Dataplane.Buffers.PacketHandle p);
        h.Pool.TrySetLength(p, 20);

        engine.Process([p]);

        Assert.Multiple(() =>
        {
            Assert.That(Counter(engine, "parse_error"), Is.EqualTo(1));
            Assert.That(h.Pool.Available, Is.EqualTo(h.Pool.Capacity));
        });
    }
}
