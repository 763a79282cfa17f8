// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Emulator.ServiceChaining.Acceleration;
using NfvConformance.Emulator.ServiceChaining.Compilation;
using NfvConformance.Emulator.ServiceChaining.VirtualTime;
using NfvConformance.Emulator.Dataplane.Buffers;

namespace NfvConformance.Emulator.ServiceChaining.Tests.VirtualTime;

/// <summary>New-flow trials (flows start at a rate and pay the stateful functions' set-up cost) and node trials.</summary>
public sealed class NewFlowTrialTests
{
    private static CompiledChains FwNat(AccelerationMode mode = AccelerationMode.KernelVirtio)
    {
        CompiledChains compiled = ChainCompiler.Compile(
            new ChainSpecBuilder()
                .WithPortPair(new PortPair("fw-1", "f1i", "f1o", "firewall") { Acceleration = mode })
                .WithPortPair(new PortPair("nat-1", "n1i", "n1o", "nat44") { Acceleration = mode })
                .WithPortPairGroup(new PortPairGroup("fw", ["fw-1"]))
                .WithPortPairGroup(new PortPairGroup("nat", ["nat-1"]))
                .WithFlowClassifier(new FlowClassifier("any"))
                .WithPortChain(new PortChain("c", ["fw", "nat"], ["any"]))
                .Build(),
            CompiledChains.Empty,
            out IReadOnlyList<ValidationError> problems);
        Assert.That(problems, Is.Empty);
        return compiled;
    }

    private static ChainTrialOptions NewFlows(double rate, int packets = 2) =>
        new("c") { Duration = TimeSpan.FromMilliseconds(200), NewFlowsPerSecond = rate, PacketsPerFlow = packets, PoissonArrivals = false };

    [Test]
    public void NewFlows_BelowCapacity_EveryFlowCompletes()
    {
        ChainTrialResult r = ChainSimulator.Run(FwNat(), NewFlows(100_000), new ChainModelOptions());
        Assert.Multiple(() =>
        {
            Assert.That(r.FlowsOffered, Is.EqualTo(20_000));
            Assert.That(r.FlowsCompleted, Is.EqualTo(r.FlowsOffered));
            Assert.That(r.Sent, Is.EqualTo(40_000));
            Assert.That(r.Lost.Values.Sum(), Is.Zero);
            Assert.That(r.CompletedFlowsPerSecond, Is.EqualTo(100_000).Within(0.1).Percent);
        });
    }

    [Test]
    public void NewFlows_CostMoreThanEstablishedOnes_BySetupCyclesPerFlow()
    {
        // Kernel virtio NAT: (250 + 5,000) cycles per packet plus 1,040 per new flow at 2.5 GHz. Flows of one packet
        // at 450 kfps fit the established cost (2.1 us) but not the new-flow cost (2.52 us, 397 kfps): loss.
        ChainModelOptions model = new();
        ChainTrialResult withSetup = ChainSimulator.Run(FwNat(), NewFlows(450_000, packets: 1), model);
        ChainTrialResult noSetup = ChainSimulator.Run(FwNat(), NewFlows(450_000, packets: 1), new ChainModelOptions { FlowSetupCycles = new Dictionary<string, double>() });
        Assert.Multiple(() =>
        {
            Assert.That(noSetup.Lost.Values.Sum(), Is.Zero, "without set-up cost 450 kfps fits the 2.1 us per packet");
            Assert.That(withSetup.Lost["queue_full"], Is.GreaterThan(0));
            Assert.That(withSetup.CompletedFlowsPerSecond, Is.EqualTo(2.5e9 / (250 + 5_000 + 1_040)).Within(2).Percent, "bounded by the NAT's new-flow service time");
        });
    }

    [Test]
    public void FixedPopulation_PaysSetupOncePerFlow()
    {
        // 1,000 flows at 1 kpps: only the first packet of each flow pays; the mean latency moves by far less than the set-up.
        ChainTrialOptions fixedFlows = new("c") { Duration = TimeSpan.FromSeconds(2), OfferedLoadPps = 1_000, Flows = 10, PoissonArrivals = false };
        ChainTrialResult with = ChainSimulator.Run(FwNat(), fixedFlows, new ChainModelOptions { LatencySpread = 0 });
        ChainTrialResult without = ChainSimulator.Run(FwNat(), fixedFlows, new ChainModelOptions { LatencySpread = 0, FlowSetupCycles = new Dictionary<string, double>() });
        double setupNs = (360 + 1_040) / 2.5;
        Assert.Multiple(() =>
        {
            Assert.That(with.Latency.MaxNs - without.Latency.MaxNs, Is.EqualTo(setupNs).Within(2), "the first packet of a flow pays both set-ups");
            Assert.That(with.Latency.P50Ns, Is.EqualTo(without.Latency.P50Ns).Within(1), "later packets pay nothing");
        });
    }

    [Test]
    public void NodeTrial_SumsChains_AndRefusesSharedInstances()
    {
        PacketPool pool = new(new PacketPoolOptions { Capacity = 64 });
        ServiceChainEngine engine = new(pool, new ServiceChainEngineOptions { KnownFunctions = new HashSet<string> { "firewall", "nat44" }, FunctionFactory = r => new WireNode(r.NodeName, r.NextNode) });
        ChainSpecBuilder b = new();
        foreach (string side in new[] { "a", "b" })
        {
            b = b.WithPortPair(new PortPair($"fw-{side}", $"f{side}i", $"f{side}o", "firewall"))
                .WithPortPairGroup(new PortPairGroup($"fw{side}", [$"fw-{side}"]))
                .WithFlowClassifier(new FlowClassifier($"cl{side}") { SourceIpPrefix = side == "a" ? "10.0.0.0/9" : "10.128.0.0/9" })
                .WithPortChain(new PortChain($"c{side}", [$"fw{side}"], [$"cl{side}"]));
        }

        Assert.That(engine.Apply(b.Build()).Applied, Is.True);
        NodeTrialResult node = engine.RunNodeTrial(new NodeTrialOptions([NewFlows(60_000) with { Chain = "ca" }, NewFlows(90_000) with { Chain = "cb" }]));
        Assert.Multiple(() =>
        {
            Assert.That(node.CompletedFlowsPerSecond, Is.EqualTo(150_000).Within(0.1).Percent);
            Assert.That(node.ConcurrentFlows, Is.EqualTo(30_000).Within(2), "one flow per arrival, 0.2 s at 60 and 90 kfps");
            Assert.That(node.Lost, Is.Zero);
            Assert.That(node.ThroughputBitsPerSecond, Is.EqualTo(node.Chains.Sum(c => c.ThroughputBitsPerSecond)));
        });

        ConfigurationException shared = Assert.Throws<ConfigurationException>(() => engine.RunNodeTrial(new NodeTrialOptions([NewFlows(1_000) with { Chain = "ca" }, NewFlows(1_000) with { Chain = "ca" }])))!;
        Assert.That(shared.Message, Does.Contain("'ca' is given twice"));
    }

    [Test]
    public void NewFlowOptions_OutOfRange_AreNamed()
    {
        ConfigurationException e = Assert.Throws<ConfigurationException>(() => ChainSimulator.Run(FwNat(), NewFlows(-5, packets: 0), new ChainModelOptions()))!;
        Assert.That(e.Message, Does.Contain("new flows per second -5 must be positive").And.Contain("packets per flow 0"));
    }

    private sealed class WireNode(string name, string next) : NfvConformance.Emulator.Dataplane.Graph.GraphNode(name, [next], [])
    {
        public override int Process(ref NfvConformance.Emulator.Dataplane.Graph.NodeContext ctx, ReadOnlySpan<NfvConformance.Emulator.Dataplane.Buffers.PacketHandle> input)
        {
            ctx.EnqueueToSingleNext(input, 0);
            return input.Length;
        }
    }
}
