// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Emulator.ServiceChaining.Compilation;
using NfvConformance.Emulator.ServiceChaining.Model;
using NfvConformance.Emulator.Dataplane.Buffers;
using NfvConformance.Emulator.Dataplane.Vnfs;

namespace NfvConformance.Emulator.ServiceChaining.Tests.Dataplane;

/// <summary>Service graphs compiled into the node graph: traffic leaving a source chain continues into the destination chain whose classifier matches it.</summary>
public sealed class ServiceGraphTests
{
    private static long Counter(ServiceChainEngine engine, string name) =>
        engine.ReadNodeCounter(ServiceChainEngine.ClassifyNodeName, name) + engine.ReadNodeCounter(ServiceChainEngine.ForwardNodeName, name);

    private static Dictionary<string, long> PacketsByInstance(ServiceChainEngine engine) =>
        engine.ReadCounters().GroupBy(c => c.PortPair).ToDictionary(g => g.Key, g => g.Sum(c => c.Packets));

    /// <summary>edge (fw) → dns (nat, udp to 53) or web (rt, tcp to 80); the destinations' classifiers take any source.</summary>
    private static ChainSpecBuilder EdgeGraph(string edgeFunction = "wire") => new ChainSpecBuilder()
        .WithPortPair(new PortPair("fw-1", "fw1-in", "fw1-out", edgeFunction))
        .WithPortPair(new PortPair("nat-1", "nat1-in", "nat1-out", "wire"))
        .WithPortPair(new PortPair("rt-1", "rt1-in", "rt1-out", "wire"))
        .WithPortPairGroup(new PortPairGroup("fw", ["fw-1"]))
        .WithPortPairGroup(new PortPairGroup("nat", ["nat-1"]))
        .WithPortPairGroup(new PortPairGroup("rt", ["rt-1"]))
        .WithFlowClassifier(new FlowClassifier("edge-in") { SourceIpPrefix = "10.0.0.0/8" })
        .WithFlowClassifier(new FlowClassifier("dns-in") { Protocol = ClassifierProtocol.Udp, DestinationPortMin = 53, DestinationPortMax = 53 })
        .WithFlowClassifier(new FlowClassifier("web-in") { Protocol = ClassifierProtocol.Tcp, DestinationPortMin = 80, DestinationPortMax = 80 })
        .WithPortChain(new PortChain("edge", ["fw"], ["edge-in"]) { ChainId = 41, Correlation = SfcCorrelation.Nsh })
        .WithPortChain(new PortChain("dns", ["nat"], ["dns-in"]) { ChainId = 42, Correlation = SfcCorrelation.Nsh })
        .WithPortChain(new PortChain("web", ["rt"], ["web-in"]) { ChainId = 43, Correlation = SfcCorrelation.Nsh })
        .WithServiceGraph(new ServiceGraph("g", new Dictionary<string, IReadOnlyList<string>> { ["edge"] = ["dns", "web"] }));

    [Test]
    public void Probe_GraphBranches_EachFlowTakesTheDestinationChainItsClassifierPicks()
    {
        EngineHarness h = new(1);
        ServiceChainEngine engine = new(h.Pool);
        ChainApplyResult applied = engine.Apply(EdgeGraph().Build());
        Assert.That(applied.Applied, Is.True, string.Join("; ", applied.Problems));

        ChainPathTrace dns = engine.Probe(new ChainProbe("10.1.1.1", "198.51.100.53", ClassifierProtocol.Udp, 4000, 53));
        ChainPathTrace web = engine.Probe(new ChainProbe("10.1.1.1", "198.51.100.80", ClassifierProtocol.Tcp, 4001, 80));
        ChainPathTrace neither = engine.Probe(new ChainProbe("10.1.1.1", "198.51.100.44", ClassifierProtocol.Tcp, 4002, 443));
        ChainPathTrace outside = engine.Probe(new ChainProbe("172.16.0.1", "198.51.100.53", ClassifierProtocol.Udp, 4003, 53));

        Assert.Multiple(() =>
        {
            Assert.That(dns.Hops, Is.EqualTo(new[] { new HopTraversal(41, 255, "fw", "fw-1"), new HopTraversal(42, 255, "nat", "nat-1") }));
            Assert.That((dns.Chain, dns.Delivered), Is.EqualTo(("edge", true)));
            Assert.That(web.Hops, Is.EqualTo(new[] { new HopTraversal(41, 255, "fw", "fw-1"), new HopTraversal(43, 255, "rt", "rt-1") }));
            Assert.That(web.Delivered, Is.True);
            Assert.That(neither.Hops, Is.EqualTo(new[] { new HopTraversal(41, 255, "fw", "fw-1") }), "leaves after edge: no destination matches");
            Assert.That(neither.Delivered, Is.True);
            Assert.That(outside.Hops, Is.Empty, "a destination chain is entered only from its source chain, not at the ingress");
            Assert.That((outside.Chain, outside.Delivered), Is.EqualTo(((string?)null, true)));
        });
    }

    [Test]
    public void Process_ManyFlows_EveryPacketCrossesBothChainsAndIsDelivered()
    {
        // The harness's flows are TCP to port 80 from 10.0.0.0/8: edge, then web.
        EngineHarness h = new(2000);
        ServiceChainEngine engine = new(h.Pool);
        Assert.That(engine.Apply(EdgeGraph().Build()).Applied, Is.True);

        h.Send(engine, 0, 2000, rounds: 3);

        Dictionary<string, long> packets = PacketsByInstance(engine);
        Assert.Multiple(() =>
        {
            Assert.That(packets["fw-1"], Is.EqualTo(h.Sent));
            Assert.That(packets["rt-1"], Is.EqualTo(h.Sent));
            Assert.That(packets["nat-1"], Is.Zero);
            Assert.That(Counter(engine, "graph_branches"), Is.EqualTo(h.Sent));
            Assert.That(engine.ReadNodeCounter(ServiceChainEngine.OutputNodeName, "received"), Is.EqualTo(h.Sent));
            Assert.That(h.Pool.Available, Is.EqualTo(h.Pool.Capacity), "every packet freed once");
        });
    }

    [Test]
    public void Branch_MatchesThePacketAsTheSourceChainLeftIt_AfterNat()
    {
        // edge runs a real NAT44 (10.0.0.0/8 → 203.0.113.1): the branch sees the translated source address.
        PacketPool pool = new(new PacketPoolOptions { Capacity = 1024 });
        ServiceChainEngine engine = new(pool, new ServiceChainEngineOptions
        {
            FunctionFactory = r => r.Function switch
            {
                "nat44" => new Nat44Node(r.NodeName, new Nat44Options { InsideNetwork = "10.0.0.0/8", ExternalAddresses = ["203.0.113.1"], Next = r.NextNode }),
                _ => throw new ArgumentException($"no function {r.Function} in this test", nameof(r)),
            },
        });
        ChainSpec spec = new ChainSpecBuilder()
            .WithPortPair(new PortPair("nat-1", "nat1-in", "nat1-out", "nat44"))
            .WithPortPair(new PortPair("a-1", "a1-in", "a1-out", "wire"))
            .WithPortPair(new PortPair("b-1", "b1-in", "b1-out", "wire"))
            .WithPortPairGroup(new PortPairGroup("nat", ["nat-1"]))
            .WithPortPairGroup(new PortPairGroup("a", ["a-1"]))
            .WithPortPairGroup(new PortPairGroup("b", ["b-1"]))
            .WithFlowClassifier(new FlowClassifier("inside") { SourceIpPrefix = "10.0.0.0/8" })
            .WithFlowClassifier(new FlowClassifier("still-inside") { SourceIpPrefix = "10.0.0.0/8" })
            .WithFlowClassifier(new FlowClassifier("translated") { SourceIpPrefix = "203.0.113.0/24" })
            .WithPortChain(new PortChain("snat", ["nat"], ["inside"]) { ChainId = 1, Correlation = SfcCorrelation.Nsh })
            .WithPortChain(new PortChain("untranslated", ["a"], ["still-inside"]) { ChainId = 2, Correlation = SfcCorrelation.Nsh })
            .WithPortChain(new PortChain("public", ["b"], ["translated"]) { ChainId = 3, Correlation = SfcCorrelation.Nsh })
            .WithServiceGraph(new ServiceGraph("g", new Dictionary<string, IReadOnlyList<string>> { ["snat"] = ["untranslated", "public"] }))
            .Build();
        ChainApplyResult applied = engine.Apply(spec);
        Assert.That(applied.Applied, Is.True, string.Join("; ", applied.Problems));

        ChainPathTrace trace = engine.Probe(new ChainProbe("10.7.7.7", "198.51.100.1", ClassifierProtocol.Udp, 5000, 53));

        Assert.That(trace.Hops, Is.EqualTo(new[] { new HopTraversal(1, 255, "nat", "nat-1"), new HopTraversal(3, 255, "b", "b-1") }));
        Assert.That(trace.Delivered, Is.True);
    }

    [Test]
    public void Graph_ThreeLevels_SpiChangesAndSiRestartsAtEachChain()
    {
        EngineHarness h = new(1);
        ServiceChainEngine engine = new(h.Pool);
        ChainSpec spec = EdgeGraph().Build();
        spec = spec with
        {
            PortChains = [.. spec.PortChains.Select(c => c.Name == "web" ? c with { PortPairGroups = ["rt", "nat"] } : c)],
            ServiceGraphs = [new ServiceGraph("g", new Dictionary<string, IReadOnlyList<string>> { ["edge"] = ["web"], ["web"] = ["dns"] })],
        };
        spec = spec with { FlowClassifiers = [.. spec.FlowClassifiers.Select(c => c.Name == "dns-in" ? c with { Protocol = ClassifierProtocol.Tcp, DestinationPortMin = 80, DestinationPortMax = 80 } : c)] };
        spec = spec with { PortChains = [.. spec.PortChains.Select(c => c.Name == "dns" ? c with { PortPairGroups = ["fw", "rt"] } : c)] };
        ChainApplyResult applied = engine.Apply(spec);
        Assert.That(applied.Applied, Is.True, string.Join("; ", applied.Problems));

        ChainPathTrace trace = engine.Probe(new ChainProbe("10.1.1.1", "198.51.100.80", ClassifierProtocol.Tcp, 4001, 80));

        Assert.That(trace.Hops, Is.EqualTo(new[]
        {
            new HopTraversal(41, 255, "fw", "fw-1"),
            new HopTraversal(43, 255, "rt", "rt-1"),
            new HopTraversal(43, 254, "nat", "nat-1"),
            new HopTraversal(42, 255, "fw", "fw-1"),
            new HopTraversal(42, 254, "rt", "rt-1"),
        }));
        Assert.That(trace.Delivered, Is.True);
    }

    [Test]
    public void Validate_DestinationClassifiersMayOverlapTheIngressButNotEachOther()
    {
        ChainSpec ok = EdgeGraph().Build();
        ChainSpec siblingsOverlap = ok with { FlowClassifiers = [.. ok.FlowClassifiers.Select(c => c.Name == "web-in" ? c with { Protocol = ClassifierProtocol.Udp, DestinationPortMin = 53, DestinationPortMax = 53 } : c)] };
        ChainSpec withoutGraph = ok with { ServiceGraphs = [] };

        Assert.Multiple(() =>
        {
            Assert.That(ChainSpecValidator.Validate(ok).Where(e => e.IsCritical), Is.Empty);
            Assert.That(ChainSpecValidator.Validate(siblingsOverlap).Where(e => e.IsCritical).Select(e => e.Message), Has.Some.Contains("PortChainFlowClassifierInConflict"));
            Assert.That(ChainSpecValidator.Validate(withoutGraph).Where(e => e.IsCritical).Select(e => e.Message), Has.Some.Contains("PortChainFlowClassifierInConflict"), "without the graph all three classify at the ingress");
        });
    }

    [Test]
    public void Validate_SymmetricChainInAGraph_RefusedNamingIt()
    {
        ChainSpec spec = EdgeGraph().Build();
        spec = spec with { PortChains = [.. spec.PortChains.Select(c => c.Name == "web" ? c with { Symmetric = true } : c)] };

        IReadOnlyList<ValidationError> errors = ChainSpecValidator.Validate(spec);

        Assert.That(errors.Where(e => e.IsCritical && e.Message.Contains("'web' is symmetric", StringComparison.Ordinal)), Has.Exactly(1).Items);
    }

    [Test]
    public void Compile_GraphDestinations_NotAtTheIngressAndBranchClassifiersInGraphOrder()
    {
        CompiledChains compiled = ChainCompiler.Compile(EdgeGraph().Build(), CompiledChains.Empty, out IReadOnlyList<ValidationError> problems);

        Assert.That(problems.Where(p => p.IsCritical), Is.Empty);
        CompiledChain edge = compiled.Chains[compiled.FindChain("edge")];
        Assert.Multiple(() =>
        {
            Assert.That(compiled.Classifiers.Select(c => compiled.Chains[c.Chain].Name), Is.EqualTo(new[] { "edge" }));
            Assert.That(edge.BranchClassifiers.Select(c => compiled.Chains[c.Chain].Name), Is.EqualTo(new[] { "dns", "web" }));
            Assert.That(compiled.Chains.Where(c => c.IsGraphDestination).Select(c => c.Name), Is.EquivalentTo(new[] { "dns", "web" }));
        });
    }
}
