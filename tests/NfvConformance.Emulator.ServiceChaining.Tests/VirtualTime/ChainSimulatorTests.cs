// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Lifecycle;
using NfvConformance.Emulator.ServiceChaining.Acceleration;
using NfvConformance.Emulator.ServiceChaining.Compilation;
using NfvConformance.Emulator.ServiceChaining.VirtualTime;

namespace NfvConformance.Emulator.ServiceChaining.Tests.VirtualTime;

public sealed class ChainSimulatorTests
{
    private static readonly ChainModelOptions s_exact = new() { LatencySpread = 0 };

    private static CompiledChains Compile(ChainSpecBuilder builder)
    {
        CompiledChains compiled = ChainCompiler.Compile(builder.Build(), CompiledChains.Empty, out IReadOnlyList<ValidationError> problems);
        Assert.That(problems, Is.Empty);
        return compiled;
    }

    private static CompiledChains SingleHop(AccelerationMode mode, string function = "l2", int instances = 1)
    {
        ChainSpecBuilder b = new();
        List<string> names = [];
        for (int i = 1; i <= instances; i++)
        {
            b = b.WithPortPair(new PortPair($"i-{i}", $"in{i}", $"out{i}", function) { Acceleration = mode });
            names.Add($"i-{i}");
        }

        return Compile(b.WithPortPairGroup(new PortPairGroup("g", names))
            .WithFlowClassifier(new FlowClassifier("any"))
            .WithPortChain(new PortChain("c", ["g"], ["any"])));
    }

    private static void AssertConserved(ChainTrialResult r) =>
        Assert.That(r.Delivered + r.Lost.Values.Sum(), Is.EqualTo(r.Sent), "every packet sent is delivered or lost with a reason");

    [Test]
    public void Run_SameSeed_RepeatsBitForBit()
    {
        // Arrange: a 60-second trial with faults, twice with one seed and once with another.
        CompiledChains config = Compile(ChainSpecs.FwNatRouter(firewalls: 2));
        FaultSchedule faults = new(3, [
            new FaultEvent(TimeSpan.FromSeconds(10), FaultKind.InstanceCrash, "fw-1"),
            new FaultEvent(TimeSpan.FromSeconds(20), FaultKind.LossRatio, "nat") { Value = 0.01 },
            new FaultEvent(TimeSpan.FromSeconds(30), FaultKind.AddedLatency, "router") { Latency = TimeSpan.FromMicroseconds(50), Jitter = TimeSpan.FromMicroseconds(20) },
        ]);
        ChainTrialOptions options = new("c1") { Duration = TimeSpan.FromSeconds(60), OfferedLoadPps = 5_000, Flows = 1000, Seed = 42, Faults = faults };

        // Act
        ChainTrialResult first = ChainSimulator.Run(config, options, new ChainModelOptions());
        ChainTrialResult second = ChainSimulator.Run(config, options, new ChainModelOptions());
        ChainTrialResult other = ChainSimulator.Run(config, options with { Seed = 43 }, new ChainModelOptions());

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(first.Sent, Is.InRange(297_000, 303_000));
            Assert.That(second.Digest, Is.EqualTo(first.Digest));
            Assert.That(second.Sent, Is.EqualTo(first.Sent));
            Assert.That(second.Lost, Is.EqualTo(first.Lost));
            Assert.That(second.Latency, Is.EqualTo(first.Latency));
            Assert.That(second.Failovers, Is.EqualTo(first.Failovers));
            Assert.That(other.Digest, Is.Not.EqualTo(first.Digest));
            AssertConserved(first);
        });
    }

    [Test]
    public void Run_BelowCapacity_DeliversEveryPacketWithExactLatency()
    {
        // Shared memory: service max(60+236 cycles at 2.5 GHz = 118.4 ns, 1/10.6 Mpps = 94.3 ns) = 118.4 ns; hop latency 1 us.
        CompiledChains config = SingleHop(AccelerationMode.SharedMemory);
        ChainTrialOptions options = new("c") { Duration = TimeSpan.FromMilliseconds(100), OfferedLoadPps = 1_000_000, PoissonArrivals = false, Flows = 10 };

        ChainTrialResult r = ChainSimulator.Run(config, options, s_exact);

        Assert.Multiple(() =>
        {
            Assert.That(r.Delivered, Is.EqualTo(r.Sent));
            Assert.That(r.Latency.MinNs, Is.EqualTo(1118.4).Within(1.0));
            Assert.That(r.Latency.MaxNs, Is.EqualTo(r.Latency.MinNs), "evenly spaced arrivals below capacity never queue");
        });
    }

    [Test]
    public void Run_AboveCapacity_ThroughputIsModeCapacityAndExcessIsQueueDrop()
    {
        // Kernel virtio: (60 + 5000 cycles) / 2.5 GHz = 2024 ns per packet, so 494,071 pps.
        CompiledChains config = SingleHop(AccelerationMode.KernelVirtio);
        ChainTrialOptions options = new("c") { Duration = TimeSpan.FromMilliseconds(200), OfferedLoadPps = 1_000_000, PoissonArrivals = false };

        ChainTrialResult r = ChainSimulator.Run(config, options, s_exact);

        Assert.Multiple(() =>
        {
            Assert.That(r.ThroughputPps, Is.EqualTo(1e9 / 2024).Within(0.5).Percent);
            Assert.That(r.Lost["queue_full"], Is.EqualTo(r.Sent - r.Delivered));
            Assert.That(r.Latency.MaxNs / 1000, Is.EqualTo(30 + (1024 * 2.024)).Within(5), "a full queue of 1024 waits 1024 service times");
            AssertConserved(r);
        });
    }

    [Test]
    public void Run_QueueDepthSmaller_MaxLatencyShrinks()
    {
        CompiledChains config = SingleHop(AccelerationMode.KernelVirtio);
        ChainTrialOptions options = new("c") { Duration = TimeSpan.FromMilliseconds(100), OfferedLoadPps = 1_000_000, PoissonArrivals = false };

        ChainTrialResult r = ChainSimulator.Run(config, options, new ChainModelOptions { LatencySpread = 0, QueueDepth = 64 });

        Assert.That(r.Latency.MaxNs / 1000, Is.EqualTo(30 + (64 * 2.024)).Within(1));
    }

    [Test]
    public void Run_FallbackFromSriovToKernel_ThroughputDrops()
    {
        // Arrange: the same chain asks for SR-IOV; one run has it granted, the other falls back to kernel virtio.
        CompiledChains config = SingleHop(AccelerationMode.SriovVf);
        ChainTrialOptions options = new("c") { Duration = TimeSpan.FromMilliseconds(100), OfferedLoadPps = 5_000_000, PoissonArrivals = false };
        ChainModelOptions kernelOnly = new() { LatencySpread = 0, GrantedModes = new HashSet<AccelerationMode> { AccelerationMode.KernelVirtio } };

        // Act
        ChainTrialResult granted = ChainSimulator.Run(config, options, s_exact);
        ChainTrialResult fallback = ChainSimulator.Run(config, options, kernelOnly);

        // Assert: SR-IOV takes (60 + 117) cycles = 70.8 ns, so 5 Mpps passes; kernel virtio caps at 494 kpps.
        Assert.Multiple(() =>
        {
            Assert.That(granted.Delivered, Is.EqualTo(granted.Sent));
            Assert.That(fallback.ThroughputPps, Is.EqualTo(494_071).Within(0.5).Percent);
            Assert.That(fallback.Latency.MinNs, Is.GreaterThan(granted.Latency.MinNs));
        });
    }

    [Test]
    public void Run_InstanceCrashWithFailover_LosesOnlyUntilDetectionAndRecovers()
    {
        // Arrange: two firewalls share 1000 flows; fw-1 crashes at 1 s and is detected 30 ms later.
        CompiledChains config = Compile(ChainSpecs.FwNatRouter(firewalls: 2));
        FaultSchedule faults = new(1, [new FaultEvent(TimeSpan.FromSeconds(1), FaultKind.InstanceCrash, "fw-1")]);
        ChainTrialOptions options = new("c1") { Duration = TimeSpan.FromSeconds(3), OfferedLoadPps = 100_000, Flows = 1000, Faults = faults, FailureDetection = TimeSpan.FromMilliseconds(30) };

        // Act
        ChainTrialResult r = ChainSimulator.Run(config, options, new ChainModelOptions());

        // Assert: about half the load (fw-1's share) for 30 ms is lost, nothing after; flows move and deliver again.
        FailoverRecord f = r.Failovers.Single();
        Assert.Multiple(() =>
        {
            Assert.That(f.PortPair, Is.EqualTo("fw-1"));
            Assert.That(f.FlowsMovedAt, Is.EqualTo(TimeSpan.FromMilliseconds(1030)));
            Assert.That(f.PacketsLost, Is.InRange(1000, 2000), "about 100 kpps x 50 % x 30 ms = 1500");
            Assert.That(f.PacketsLost, Is.EqualTo(r.Lost["instance_down"]));
            Assert.That(f.TimeToRecover, Is.Not.Null);
            Assert.That(f.TimeToRecover!.Value.TotalMilliseconds, Is.InRange(30, 31), "detection plus one path latency");
            AssertConserved(r);
        });
    }

    [Test]
    public void Run_CrashThenRestartBeforeDetection_NoFlowsMoved()
    {
        CompiledChains config = Compile(ChainSpecs.FwNatRouter(firewalls: 2));
        FaultSchedule faults = new(1, [
            new FaultEvent(TimeSpan.FromMilliseconds(500), FaultKind.InstanceCrash, "fw-2"),
            new FaultEvent(TimeSpan.FromMilliseconds(510), FaultKind.InstanceRestart, "fw-2"),
        ]);
        ChainTrialOptions options = new("c1") { Duration = TimeSpan.FromSeconds(1), OfferedLoadPps = 100_000, Faults = faults };

        ChainTrialResult r = ChainSimulator.Run(config, options, new ChainModelOptions());

        FailoverRecord f = r.Failovers.Single();
        Assert.Multiple(() =>
        {
            Assert.That(f.FlowsMovedAt, Is.Null);
            Assert.That(f.PacketsLost, Is.InRange(300, 700), "100 kpps x 50 % x 10 ms = 500");
            Assert.That(f.TimeToRecover!.Value.TotalMilliseconds, Is.InRange(10, 11));
            AssertConserved(r);
        });
    }

    [Test]
    public void Run_LinkDownThenUp_LosesExactlyTheDownWindow()
    {
        CompiledChains config = SingleHop(AccelerationMode.SharedMemory);
        FaultSchedule faults = new(1, [
            new FaultEvent(TimeSpan.FromMilliseconds(100), FaultKind.LinkDown, "g"),
            new FaultEvent(TimeSpan.FromMilliseconds(300), FaultKind.LinkUp, "g"),
        ]);
        ChainTrialOptions options = new("c") { Duration = TimeSpan.FromSeconds(1), OfferedLoadPps = 100_000, PoissonArrivals = false, Faults = faults };

        ChainTrialResult r = ChainSimulator.Run(config, options, s_exact);

        Assert.Multiple(() =>
        {
            Assert.That(r.Lost["link_down"], Is.EqualTo(20_000), "100 kpps x 200 ms");
            AssertConserved(r);
        });
    }

    [Test]
    public void Run_LossRatio_DropsThatFraction()
    {
        CompiledChains config = SingleHop(AccelerationMode.SharedMemory);
        FaultSchedule faults = new(9, [new FaultEvent(TimeSpan.Zero, FaultKind.LossRatio, "i-1") { Value = 0.1 }]);
        ChainTrialOptions options = new("c") { Duration = TimeSpan.FromSeconds(1), OfferedLoadPps = 200_000, Faults = faults };

        ChainTrialResult r = ChainSimulator.Run(config, options, s_exact);

        Assert.That((double)r.Lost["random_loss"] / r.Sent, Is.EqualTo(0.1).Within(0.005));
    }

    [Test]
    public void Run_AddedLatencyAndJitter_ShiftsAndSpreadsLatency()
    {
        CompiledChains config = SingleHop(AccelerationMode.SharedMemory);
        FaultSchedule faults = new(9, [new FaultEvent(TimeSpan.Zero, FaultKind.AddedLatency, "g") { Latency = TimeSpan.FromMicroseconds(100), Jitter = TimeSpan.FromMicroseconds(50) }]);
        ChainTrialOptions options = new("c") { Duration = TimeSpan.FromSeconds(1), OfferedLoadPps = 100_000, PoissonArrivals = false, Faults = faults };

        ChainTrialResult r = ChainSimulator.Run(config, options, s_exact);

        Assert.Multiple(() =>
        {
            Assert.That(r.Latency.MinNs / 1000, Is.InRange(101.1, 102));
            Assert.That(r.Latency.MaxNs / 1000, Is.InRange(150, 151.2));
            Assert.That(r.Latency.P50Ns / 1000, Is.EqualTo(126).Within(2), "uniform jitter centres on half its bound");
        });
    }

    [Test]
    public void Run_CpuStarvation_HalvesCapacity()
    {
        // Router on shared memory: (150 + 236) cycles = 154.4 ns, 6.48 Mpps; at half the CPU 3.24 Mpps.
        CompiledChains config = SingleHop(AccelerationMode.SharedMemory, "router");
        FaultSchedule faults = new(1, [new FaultEvent(TimeSpan.Zero, FaultKind.CpuStarvation, "i-1") { Value = 0.5 }]);
        ChainTrialOptions options = new("c") { Duration = TimeSpan.FromMilliseconds(50), OfferedLoadPps = 8_000_000, PoissonArrivals = false };

        ChainTrialResult full = ChainSimulator.Run(config, options, s_exact);
        ChainTrialResult starved = ChainSimulator.Run(config, options with { Faults = faults }, s_exact);

        Assert.Multiple(() =>
        {
            Assert.That(full.ThroughputPps, Is.EqualTo(1e9 / 154.4).Within(1).Percent);
            Assert.That(starved.ThroughputPps, Is.EqualTo(full.ThroughputPps / 2).Within(1).Percent);
        });
    }

    [Test]
    public void Run_FaultOnUnknownTarget_ThrowsNamingChoices()
    {
        CompiledChains config = SingleHop(AccelerationMode.SharedMemory);
        ChainTrialOptions options = new("c") { Faults = new(1, [new FaultEvent(TimeSpan.Zero, FaultKind.InstanceCrash, "g")]) };

        ConfigurationException ex = Assert.Throws<ConfigurationException>(() => ChainSimulator.Run(config, options, s_exact))!;

        Assert.That(ex.Message, Does.Contain("targets 'g', which is not a port pair of chain 'c'; use one of: g, i-1"));
    }

    [Test]
    public void Run_UnknownChain_ThrowsNamingAppliedChains()
    {
        CompiledChains config = SingleHop(AccelerationMode.SharedMemory);

        ConfigurationException ex = Assert.Throws<ConfigurationException>(() => ChainSimulator.Run(config, new ChainTrialOptions("nope"), s_exact))!;

        Assert.That(ex.Message, Does.Contain("trial chain 'nope' is not applied; applied chains: c"));
    }

    [Test]
    public void Run_BurstsOf32AboveCapacity_SameThroughputAsPacketByPacket()
    {
        CompiledChains config = SingleHop(AccelerationMode.KernelVirtio);
        ChainTrialOptions options = new("c") { Duration = TimeSpan.FromMilliseconds(200), OfferedLoadPps = 1_000_000, PoissonArrivals = false };

        ChainTrialResult exact = ChainSimulator.Run(config, options, s_exact);
        ChainTrialResult bursts = ChainSimulator.Run(config, options with { BurstSize = 32 }, s_exact);

        Assert.Multiple(() =>
        {
            Assert.That(bursts.ThroughputPps, Is.EqualTo(exact.ThroughputPps).Within(1).Percent);
            Assert.That(bursts.Events, Is.LessThan(exact.Events / 20));
            AssertConserved(bursts);
        });
    }

    [Test]
    public void Run_SixtySecondsInBursts_RepeatsBitForBitWithFewEvents()
    {
        // Arrange: 60 s of fw -> nat -> router at 100 kpps in bursts of 32, with a crash and failover.
        CompiledChains config = Compile(ChainSpecs.FwNatRouter(firewalls: 2));
        FaultSchedule faults = new(5, [new FaultEvent(TimeSpan.FromSeconds(30), FaultKind.InstanceCrash, "fw-2")]);
        ChainTrialOptions options = new("c1") { Duration = TimeSpan.FromSeconds(60), OfferedLoadPps = 100_000, Flows = 10_000, BurstSize = 32, Faults = faults };

        // Act
        ChainTrialResult first = ChainSimulator.Run(config, options, new ChainModelOptions());
        ChainTrialResult second = ChainSimulator.Run(config, options, new ChainModelOptions());

        // Assert: 6 M packets in about 750 k events (one per burst per hop); about half the load lost for the 30 ms detection.
        Assert.Multiple(() =>
        {
            Assert.That(first.Sent, Is.EqualTo(6_000_000).Within(1).Percent);
            Assert.That(first.Events, Is.LessThan(first.Sent / 6));
            Assert.That(second.Digest, Is.EqualTo(first.Digest));
            Assert.That(second.Latency, Is.EqualTo(first.Latency));
            Assert.That(first.Failovers.Single().PacketsLost, Is.InRange(1_000, 2_200));
            AssertConserved(first);
        });
    }

    [Test]
    public void Run_BurstSizeOutOfRange_Throws()
    {
        CompiledChains config = SingleHop(AccelerationMode.SharedMemory);

        ConfigurationException ex = Assert.Throws<ConfigurationException>(() => ChainSimulator.Run(config, new ChainTrialOptions("c") { BurstSize = 0 }, s_exact))!;

        Assert.That(ex.Message, Does.Contain("burst size 0 must lie within 1-4096"));
    }

    [Test]
    public void AdvanceTo_Backwards_Throws()
    {
        VirtualClock clock = new();
        clock.AdvanceTo(1_000_000);

        Assert.Multiple(() =>
        {
            Assert.That(clock.GetTimestamp(), Is.EqualTo(1000));
            Assert.Throws<ArgumentOutOfRangeException>(() => clock.AdvanceTo(5));
        });
    }
}
