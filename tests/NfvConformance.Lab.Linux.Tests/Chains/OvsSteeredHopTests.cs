// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;

namespace NfvConformance.Lab.Linux.Tests.Chains;

/// <summary>Hops other than the built-in kernel functions under Open vSwitch steering (<c>--set steering=ovs</c>): a vendor's netns unit (<c>--vnf</c>) and the accelerated (testpmd, memif) hops.</summary>
[TestFixture]
[NonParallelizable]
public sealed class OvsSteeredHopTests : ChainLabTestBase
{
    public OvsSteeredHopTests()
        : base("ovs")
    {
    }

    [Test]
    public async Task VendorNetnsRouter_UnderOvsSteering_CarriesTheChainAndItsReplies()
    {
        await UseVendorsAsync("router-netns.yaml");
        ChainApplyResult applied = await Chaining.ApplyAsync(Instances(("fw-1", "firewall", "fw"), ("rt-1", "router", "rt"))
            .WithFlowClassifier(Classifier("app", ClassifierProtocol.Tcp, "10.0.0.0/8"))
            .WithPortChain(Chain("app", 40, "fw,rt", "app", symmetric: true)).Build());
        Assert.That(applied.Applied, Is.True, string.Join("; ", applied.Problems));

        ChainPathTrace request = await Chaining.ProbeAsync(Tcp("10.3.0.1", 50000, "198.51.100.1", 443));
        ChainPathTrace reply = await Chaining.ProbeAsync(Tcp("10.3.0.1", 50000, "198.51.100.1", 443) with { Reverse = true });

        Assert.Multiple(() =>
        {
            Assert.That(applied.Implementations["rt-1"], Does.StartWith("vendor VNF acme-router"));
            Assert.That(request.Delivered, Is.True, request.DropReason);
            Assert.That(Path(request), Is.EqualTo("40/255 fw/fw-1 -> 40/254 rt/rt-1"));
            Assert.That(reply.Delivered, Is.True, reply.DropReason);
            Assert.That(Path(reply), Does.Contain("rt/rt-1").And.Contain("fw/fw-1"));
        });
    }

    [TestCase(AccelerationMode.DpdkVhostUser)]
    [TestCase(AccelerationMode.SharedMemory)]
    public async Task AcceleratedHop_UnderOvsSteering_CarriesTheFlowsOnTheirExactPath(AccelerationMode mode)
    {
        ChainLabHost.Require("dpdk-testpmd");
        ChainApplyResult applied = await Chaining.ApplyAsync(AcceleratedHopTests.Accelerated(mode).Build());
        Assert.That(applied.Applied, Is.True, string.Join("; ", applied.Problems));

        IReadOnlyList<ChainPathTrace> flows = await FlowsAsync(20, "10.4.0.1", "198.51.100.4", 8080);

        Assert.That(flows.Count(f => f.Delivered), Is.EqualTo(20), string.Join("; ", flows.Where(f => !f.Delivered).Select(f => f.DropReason).Distinct()));
        Assert.That(flows.Select(Path).Distinct(), Is.EquivalentTo(new[] { "40/255 fw/fw-1 -> 40/254 acc/acc-1" }));
    }
}
