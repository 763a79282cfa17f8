// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;

namespace NfvConformance.Lab.Linux.Tests.Chains;

/// <summary>Chains built from the spec as real namespaces; each probe is a real packet, its path read from the instances' own records.</summary>
[TestFixture("kernel")]
[TestFixture("ovs")]
[NonParallelizable]
public sealed class ChainPathTests : ChainLabTestBase
{
    public ChainPathTests(string steering)
        : base(steering)
    {
    }

    [Test]
    public async Task Probe_ThreeHopChain_CrossesFirewallNatAndRouterInOrder_WithSpiAndFallingSi()
    {
        await ApplyAsync(Instances(("fw-1", "firewall", "fw"), ("nat-1", "nat44", "nat"), ("rt-1", "router", "rt"))
            .WithFlowClassifier(Classifier("inside", ClassifierProtocol.Udp, "10.0.0.0/8"))
            .WithPortChain(Chain("web", 7, "fw,nat,rt", "inside")));

        ChainPathTrace trace = await Chaining.ProbeAsync(Udp("10.1.1.1", 4000, "198.51.100.7", 53));

        Assert.That(trace.Delivered, Is.True, trace.DropReason);
        Assert.That(Path(trace), Is.EqualTo("7/255 fw/fw-1 -> 7/254 nat/nat-1 -> 7/253 rt/rt-1"));
        IReadOnlyList<ChainHopCounters> counters = await Chaining.ReadCountersAsync();
        Assert.That(counters.Select(c => (c.PortPair, c.Packets)), Is.EquivalentTo(new[] { ("fw-1", 1L), ("nat-1", 1L), ("rt-1", 1L) }));
    }

    [Test]
    public async Task Probe_TwoClassifiers_EachKindTakesItsChain_AndUnmatchedTrafficBypasses()
    {
        await ApplyAsync(Instances(("fw-1", "firewall", "fw"), ("nat-1", "nat44", "nat"), ("rt-1", "router", "rt"))
            .WithFlowClassifier(Classifier("web-in", ClassifierProtocol.Tcp, "10.0.0.0/8", 80))
            .WithFlowClassifier(Classifier("dns-in", ClassifierProtocol.Udp, "10.0.0.0/8", 53))
            .WithPortChain(Chain("web", 10, "fw,rt", "web-in"))
            .WithPortChain(Chain("dns", 20, "nat", "dns-in")));

        IReadOnlyList<ChainPathTrace> t = await Chaining.ProbeManyAsync([
            Tcp("10.2.0.1", 40000, "198.51.100.80", 80),
            Udp("10.2.0.1", 40001, "198.51.100.53", 53),
            Tcp("172.16.0.1", 40002, "198.51.100.80", 80),
        ]);

        Assert.Multiple(() =>
        {
            Assert.That(Path(t[0]), Is.EqualTo("10/255 fw/fw-1 -> 10/254 rt/rt-1"));
            Assert.That(Path(t[1]), Is.EqualTo("20/255 nat/nat-1"));
            Assert.That(t[2].Delivered && t[2].Hops.Count == 0 && t[2].Chain is null, Is.True, Path(t[2]));
        });
    }

    [Test]
    public async Task Probe_SymmetricChainOverSeveralInstances_EveryReplyCrossesItsRequestsInstancesInReverse()
    {
        await ApplyAsync(Instances(("fw-1", "firewall", "fw"), ("fw-2", "firewall", "fw"), ("fw-3", "firewall", "fw"), ("rt-1", "router", "rt"), ("rt-2", "router", "rt"))
            .WithFlowClassifier(Classifier("app", ClassifierProtocol.Tcp, "10.0.0.0/8", 443))
            .WithPortChain(Chain("app", 31, "fw,rt", "app", symmetric: true)));

        const int Flows = 60;
        IReadOnlyList<ChainPathTrace> t = await Chaining.ProbeManyAsync([.. Enumerable.Range(0, Flows).SelectMany(i => new[]
        {
            Tcp("10.6.0.1", 20000 + i, "198.51.100.6", 443),
            Tcp("10.6.0.1", 20000 + i, "198.51.100.6", 443) with { Reverse = true },
        })]);

        List<string> asymmetric = [];
        for (int i = 0; i < Flows; i++)
        {
            ChainPathTrace there = t[2 * i], back = t[(2 * i) + 1];
            Assert.That(there.Delivered && back.Delivered, Is.True, $"flow {i}: {there.DropReason} / {back.DropReason}");
            if (string.Join(",", there.Hops.Select(h => h.PortPair)) != string.Join(",", back.Hops.Reverse().Select(h => h.PortPair)))
            {
                asymmetric.Add($"{Path(there)} | {Path(back)}");
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(asymmetric, Is.Empty);
            Assert.That(Shares(t.Where((_, i) => i % 2 == 0), "fw"), Has.Count.EqualTo(3), "flows must use every firewall");
            Assert.That(t[1].Hops.Select(h => h.ServicePathId).Distinct(), Is.EqualTo(new[] { 31 + 65536 }));
        });
    }

    [Test]
    public async Task Probe_ServiceGraph_TrafficLeavingTheSourceChainBranchesByTheDestinationsClassifiers()
    {
        await ApplyAsync(Instances(("fw-1", "firewall", "fw"), ("nat-1", "nat44", "nat"), ("rt-1", "router", "rt"))
            .WithFlowClassifier(new FlowClassifier("edge-in") { SourceIpPrefix = "10.0.0.0/8" })
            .WithFlowClassifier(Classifier("dns-in", ClassifierProtocol.Udp, "0.0.0.0/0", 53))
            .WithFlowClassifier(Classifier("web-in", ClassifierProtocol.Tcp, "0.0.0.0/0", 80))
            .WithPortChain(Chain("edge", 51, "fw", "edge-in"))
            .WithPortChain(Chain("dns", 52, "nat", "dns-in"))
            .WithPortChain(Chain("web", 53, "rt", "web-in"))
            .WithServiceGraph(new ServiceGraph("g", new Dictionary<string, IReadOnlyList<string>> { ["edge"] = ["dns", "web"] })));

        IReadOnlyList<ChainPathTrace> t = await Chaining.ProbeManyAsync([
            Udp("10.1.1.1", 4000, "198.51.100.53", 53),
            Tcp("10.1.1.1", 4001, "198.51.100.80", 80),
            Tcp("10.1.1.1", 4002, "198.51.100.44", 443),
            Udp("172.16.0.1", 4003, "198.51.100.53", 53),
        ]);

        Assert.Multiple(() =>
        {
            Assert.That(Path(t[0]), Is.EqualTo("51/255 fw/fw-1 -> 52/255 nat/nat-1"));
            Assert.That(Path(t[1]), Is.EqualTo("51/255 fw/fw-1 -> 53/255 rt/rt-1"));
            Assert.That(Path(t[2]), Is.EqualTo("51/255 fw/fw-1"));
            Assert.That(t[3].Delivered && t[3].Hops.Count == 0, Is.True, "a destination chain is entered only from its source: " + Path(t[3]));
        });
    }

    [Test]
    public async Task Apply_ServiceGraphThatLoops_IsRefusedAsAValueNamingTheGraph_AndBuildsNothing()
    {
        ChainApplyResult result = await Chaining.ApplyAsync(Instances(("fw-1", "firewall", "fw"), ("rt-1", "router", "rt"))
            .WithFlowClassifier(Classifier("a-in", ClassifierProtocol.Udp, "10.0.0.0/8"))
            .WithFlowClassifier(Classifier("b-in", ClassifierProtocol.Tcp, "10.0.0.0/8"))
            .WithPortChain(Chain("a", 41, "fw", "a-in"))
            .WithPortChain(Chain("b", 42, "rt", "b-in"))
            .WithServiceGraph(new ServiceGraph("loop", new Dictionary<string, IReadOnlyList<string>> { ["a"] = ["b"], ["b"] = ["a"] }))
            .Build());

        Assert.Multiple(() =>
        {
            Assert.That(result.Applied, Is.False);
            Assert.That(result.Problems.Single(p => p.IsCritical).Message, Does.Contain("'loop'").And.Contain("a -> b -> a"));
            Assert.That(Lab.Instances, Is.Empty);
        });
    }

    [Test]
    public async Task Apply_FunctionTheLabCannotRun_IsRefusedAsNotSupported_NotAsInvalid_AndSriovFallsBackToKernel()
    {
        ChainApplyResult result = await Chaining.ApplyAsync(Instances(("dpi-1", "dpi", "dpi"))
            .WithPortPair(new PortPair("vf-1", "a", "b", "router") { Acceleration = AccelerationMode.SriovVf })
            .WithPortPairGroup(new PortPairGroup("vf", ["vf-1"]))
            .WithFlowClassifier(Classifier("c", ClassifierProtocol.Udp, "10.0.0.0/8"))
            .WithPortChain(Chain("x", 1, "dpi,vf", "c"))
            .Build());

        Assert.Multiple(() =>
        {
            Assert.That(result.Applied, Is.False);
            Assert.That(result.NotSupported, Does.Contain("'dpi'").And.Not.Contain("SriovVf"));
            Assert.That(result.Problems.Single(p => !p.IsCritical).Message, Does.Contain("'vf-1' asks for SriovVf").And.Contain("granted KernelVirtio"));
            Assert.That(Lab.Instances, Is.Empty);
        });
    }

    [Test]
    public async Task Probe_WithADefectOrAShortTtl_IsRefusedWithTheReason_AndTheOthersAreSent()
    {
        await ApplyAsync(Instances(("rt-1", "router", "rt"))
            .WithFlowClassifier(Classifier("c", ClassifierProtocol.Udp, "10.0.0.0/8"))
            .WithPortChain(Chain("x", 3, "rt", "c")));

        IReadOnlyList<ChainPathTrace> t = await Chaining.ProbeManyAsync([
            Udp("10.1.0.1", 1, "198.51.100.1", 53) with { Defect = ProbeDefect.Ipv4HeaderChecksum },
            Udp("10.1.0.1", 2, "198.51.100.1", 53) with { Ttl = 2 },
            Udp("10.1.0.1", 3, "198.51.100.1", 53),
        ]);

        Assert.Multiple(() =>
        {
            Assert.That(t[0].Refusal, Does.Contain("Ipv4HeaderChecksum"));
            Assert.That(t[1].Refusal, Does.Contain("TTL 2"));
            Assert.That(t[2].Refusal, Is.Null);
            Assert.That(Path(t[2]), Is.EqualTo("3/255 rt/rt-1"));
        });
    }
}
