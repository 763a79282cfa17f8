// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Lifecycle;
using NfvConformance.Emulator.ServiceChaining.VirtualTime;

namespace NfvConformance.Emulator.ServiceChaining.Tests.Dataplane;

public sealed class RealTimeFaultTests
{
    private static long Counter(ServiceChainEngine engine, string name) =>
        engine.ReadNodeCounter(ServiceChainEngine.ClassifyNodeName, name) + engine.ReadNodeCounter(ServiceChainEngine.ForwardNodeName, name);

    private static long Received(ServiceChainEngine engine) => engine.ReadNodeCounter(ServiceChainEngine.OutputNodeName, "received");

    [Test]
    public void InstanceCrash_DropsItsFlowsUntilDetectionThenFailsOver()
    {
        // Arrange: virtual time; detection after 30 ms.
        VirtualClock clock = new();
        EngineHarness h = new(1000);
        ServiceChainEngine engine = new(h.Pool, new ServiceChainEngineOptions { Time = clock, FailureDetection = TimeSpan.FromMilliseconds(30) });
        engine.Apply(ChainSpecs.FwNatRouter(firewalls: 2, wires: true).Build());
        h.Send(engine, 0, 1000);
        long onFw1 = engine.ReadCounters().First(c => c.PortPair == "fw-1").Packets;

        // Act: fw-1 crashes; 10 ms of traffic (one packet per flow per ms) before detection, then 10 ms after.
        engine.InjectFault(new FaultEvent(TimeSpan.Zero, FaultKind.InstanceCrash, "fw-1"));
        long lostBefore = Counter(engine, "instance_down");
        for (int ms = 1; ms <= 40; ms++)
        {
            clock.AdvanceTo(ms * 1_000_000_000L);
            h.Send(engine, 0, 1000);
        }

        // Assert: fw-1's flows lost 29 rounds (1..29 ms), then were moved; nothing is lost afterwards.
        Assert.Multiple(() =>
        {
            Assert.That(lostBefore, Is.Zero);
            Assert.That(Counter(engine, "instance_down"), Is.EqualTo(onFw1 * 29));
            Assert.That(engine.OutOfService, Is.EquivalentTo(new[] { "fw-1" }));
            Assert.That(engine.FlowsMoved, Is.EqualTo(onFw1));
            Assert.That(Received(engine), Is.EqualTo(h.Sent - (onFw1 * 29)));
        });
    }

    [Test]
    public void InstanceRestart_AfterFailover_TakesNewFlowsOnly()
    {
        VirtualClock clock = new();
        EngineHarness h = new(2000);
        ServiceChainEngine engine = new(h.Pool, new ServiceChainEngineOptions { Time = clock, FailureDetection = TimeSpan.FromMilliseconds(1) });
        engine.Apply(ChainSpecs.FwNatRouter(firewalls: 2, wires: true).Build());
        engine.InjectFault(new FaultEvent(TimeSpan.Zero, FaultKind.InstanceCrash, "fw-2"));
        clock.AdvanceTo(2_000_000_000);
        h.Send(engine, 0, 1000);

        engine.InjectFault(new FaultEvent(TimeSpan.Zero, FaultKind.InstanceRestart, "fw-2"));
        h.Send(engine, 0, 1000);
        long fw2AfterOld = engine.ReadCounters().First(c => c.PortPair == "fw-2").Packets;
        h.Send(engine, 1000, 1000);

        Assert.Multiple(() =>
        {
            Assert.That(engine.OutOfService, Is.Empty);
            Assert.That(fw2AfterOld, Is.Zero, "flows that moved stay where they are");
            Assert.That(engine.ReadCounters().First(c => c.PortPair == "fw-2").Packets, Is.EqualTo(500).Within(20).Percent);
            Assert.That(Received(engine), Is.EqualTo(h.Sent));
        });
    }

    [Test]
    public void LinkDownThenUp_OnHop_DropsOnlyWhileDown()
    {
        EngineHarness h = new(100);
        ServiceChainEngine engine = new(h.Pool);
        engine.Apply(ChainSpecs.FwNatRouter(wires: true).Build());

        engine.InjectFault(new FaultEvent(TimeSpan.Zero, FaultKind.LinkDown, "nat"));
        h.Send(engine, 0, 100, rounds: 2);
        engine.InjectFault(new FaultEvent(TimeSpan.Zero, FaultKind.LinkUp, "nat"));
        h.Send(engine, 0, 100, rounds: 3);

        Assert.Multiple(() =>
        {
            Assert.That(Counter(engine, "link_down"), Is.EqualTo(200));
            Assert.That(Received(engine), Is.EqualTo(300));
            Assert.That(engine.ReadCounters().First(c => c.PortPair == "nat-1").Drops, Is.EqualTo(200));
        });
    }

    [Test]
    public void LossRatio_OnInstance_DropsThatFractionFromSeed()
    {
        EngineHarness h = new(1000);
        ServiceChainEngine engine = new(h.Pool, new ServiceChainEngineOptions { Seed = 5 });
        engine.Apply(ChainSpecs.FwNatRouter(firewalls: 1, wires: true).Build());

        engine.InjectFault(new FaultEvent(TimeSpan.Zero, FaultKind.LossRatio, "rt-1") { Value = 0.25 });
        h.Send(engine, 0, 1000, rounds: 10);

        Assert.That((double)Counter(engine, "random_loss") / h.Sent, Is.EqualTo(0.25).Within(0.015));
    }

    [Test]
    public void AddedLatency_InRealTime_IsRejectedTowardsVirtualTime()
    {
        EngineHarness h = new(1);
        ServiceChainEngine engine = new(h.Pool);
        engine.Apply(ChainSpecs.FwNatRouter(wires: true).Build());

        ConfigurationException ex = Assert.Throws<ConfigurationException>(() =>
            engine.InjectFault(new FaultEvent(TimeSpan.Zero, FaultKind.AddedLatency, "nat") { Latency = TimeSpan.FromMilliseconds(1) }))!;

        Assert.That(ex.Message, Does.Contain("modeled in virtual time only"));
    }

    [Test]
    public void Crash_OnGroupName_IsRejectedNamingPortPairs()
    {
        EngineHarness h = new(1);
        ServiceChainEngine engine = new(h.Pool);
        engine.Apply(ChainSpecs.FwNatRouter(wires: true).Build());

        ConfigurationException ex = Assert.Throws<ConfigurationException>(() =>
            engine.InjectFault(new FaultEvent(TimeSpan.Zero, FaultKind.InstanceCrash, "fw")))!;

        Assert.That(ex.Message, Does.Contain("not an applied port pair; applied port pairs: fw-1, fw-2, nat-1, rt-1"));
    }
}
