// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Lab.Linux.Chains;
using NfvConformance.Lab.Linux.Run;

namespace NfvConformance.Lab.Linux.Tests.Chains;

/// <summary>Faults caused for real on the lab, and breaks that make the check that should fail, fail.</summary>
[TestFixture("kernel")]
[TestFixture("ovs")]
[NonParallelizable]
public sealed class FaultTests : ChainLabTestBase
{
    public FaultTests(string steering)
        : base(steering)
    {
    }

    private static ChainSpecBuilder FirewallRouter(bool symmetric, string protocol = "tcp") =>
        Instances(("fw-1", "firewall", "fw"), ("rt-1", "router", "rt"))
            .WithFlowClassifier(Classifier("app", protocol == "tcp" ? ClassifierProtocol.Tcp : ClassifierProtocol.Udp, "10.0.0.0/8"))
            .WithPortChain(Chain("app", 30, "fw,rt", "app", symmetric));

    [Test]
    public async Task Break_FirewallWithoutConntrack_DropsTheReplies_SoTheSymmetryCheckFails()
    {
        await ApplyAsync(FirewallRouter(symmetric: true));
        ChainPathTrace healthy = await Chaining.ProbeAsync(Tcp("10.3.0.1", 50000, "198.51.100.1", 443) with { Reverse = true });
        await Lab.BreakAsync(LabBreak.FirewallWithoutConntrack, CancellationToken.None);

        ChainPathTrace request = await Chaining.ProbeAsync(Tcp("10.3.0.2", 50001, "198.51.100.1", 443));
        ChainPathTrace reply = await Chaining.ProbeAsync(Tcp("10.3.0.2", 50001, "198.51.100.1", 443) with { Reverse = true });
        IReadOnlyList<ChainHopCounters> counters = await Chaining.ReadCountersAsync();

        Assert.Multiple(() =>
        {
            Assert.That(healthy.Delivered, Is.True, "with conntrack the reply is delivered: " + healthy.DropReason);
            Assert.That(request.Delivered, Is.True, "the ACL still lets requests out");
            Assert.That(reply.Delivered, Is.False, "without conntrack the firewall must drop the reply");
            Assert.That(reply.DroppedAt, Is.EqualTo("fw-1"));
            Assert.That(counters.First(c => c.PortPair == "fw-1").DropReasons.GetValueOrDefault("policy"), Is.GreaterThan(0));
        });
    }

    [Test]
    public async Task Break_NatNotTranslatingReplies_LosesTheReply_WhileATranslatingNatDeliversIt()
    {
        ChainSpecBuilder spec = Instances(("nat-1", "nat44", "nat"), ("rt-1", "router", "rt"))
            .WithFlowClassifier(Classifier("dns", ClassifierProtocol.Udp, "10.0.0.0/8", 53))
            .WithPortChain(Chain("dns", 32, "nat,rt", "dns", symmetric: true));
        await ApplyAsync(spec);
        ChainPathTrace healthy = await Chaining.ProbeAsync(Udp("10.7.0.1", 5000, "198.51.100.7", 53) with { Reverse = true });
        await Lab.BreakAsync(LabBreak.NatNotTranslatingReplies, CancellationToken.None);

        ChainPathTrace broken = await Chaining.ProbeAsync(Udp("10.7.0.2", 5001, "198.51.100.7", 53) with { Reverse = true });

        Assert.Multiple(() =>
        {
            Assert.That(healthy.Delivered, Is.True, healthy.DropReason);
            Assert.That(Path(healthy), Is.EqualTo("65568/255 rt/rt-1 -> 65568/254 nat/nat-1"));
            Assert.That(broken.Delivered, Is.False, "a reply the NAT does not translate back cannot reach the client");
            Assert.That(broken.DroppedAt, Is.EqualTo("rt-1"), Path(broken));
        });
    }

    [Test]
    public async Task Break_HopDroppingOnePercent_LosesFlowsAndCountsRandomLoss_SoTheNoDropCheckFails()
    {
        await ApplyAsync(FirewallRouter(symmetric: false, protocol: "udp"));
        await Lab.SetLossAsync("rt-1", 1, CancellationToken.None);

        await AssertRandomLossOnlyAtAsync("rt-1", 2000, "10.5.0.1", "198.51.100.5", 443, 5, 50, "about 1 % of 2000");
    }

    [Test]
    public async Task LinkDown_ThenRunning_ProbesAreLostAtTheInstance_ThenDeliveredAgain()
    {
        await ApplyAsync(FirewallRouter(symmetric: false, protocol: "udp"));

        InstanceStateChange down = await Chaining.SetInstanceStateAsync("rt-1", InstanceState.LinkAdminDown);
        ChainPathTrace whileDown = await Chaining.ProbeAsync(Udp("10.1.0.1", 1000, "198.51.100.1", 53));
        string link = (await Shell.RunAsync("ip", ["-n", Lab.InstanceNamespace("rt-1"), "-o", "link", "show"])).Stdout;
        InstanceStateChange up = await Chaining.SetInstanceStateAsync("rt-1", InstanceState.Running);
        ChainPathTrace afterwards = await Chaining.ProbeAsync(Udp("10.1.0.1", 1001, "198.51.100.1", 53));

        Assert.Multiple(() =>
        {
            Assert.That(down.Applied && up.Applied, Is.True);
            Assert.That(link, Does.Contain("state DOWN"));
            Assert.That(whileDown.Delivered, Is.False);
            Assert.That(whileDown.DroppedAt, Is.EqualTo("fw-1"), "lost on the way into rt-1, after fw-1");
            Assert.That(Path(afterwards), Is.EqualTo("30/255 fw/fw-1 -> 30/254 rt/rt-1"));
        });
    }

    [Test]
    public async Task Pause_OfAKernelInstance_IsRefusedAsAValue_AndChangesNothing()
    {
        await ApplyAsync(FirewallRouter(symmetric: false, protocol: "udp"));

        InstanceStateChange paused = await Chaining.SetInstanceStateAsync("rt-1", InstanceState.Paused);
        ChainPathTrace probe = await Chaining.ProbeAsync(Udp("10.1.0.1", 1000, "198.51.100.1", 53));

        Assert.Multiple(() =>
        {
            Assert.That(paused.Applied, Is.False);
            Assert.That(paused.Refusal, Does.Contain("no process"));
            Assert.That(probe.Delivered, Is.True);
        });
    }

    [Test]
    public async Task Recreate_DeletedInstanceComesBackEmpty_AndCarriesTrafficAgain()
    {
        await ApplyAsync(FirewallRouter(symmetric: false, protocol: "udp"));
        _ = await FlowsAsync(10, "10.1.0.1", "198.51.100.1", 53);
        long carried = (await Chaining.ReadCountersAsync()).First(c => c.PortPair == "rt-1").Packets;

        await Lab.RecreateInstanceAsync("rt-1", CancellationToken.None);
        long packets = (await Chaining.ReadCountersAsync()).First(c => c.PortPair == "rt-1").Packets;
        ChainPathTrace probe = await Chaining.ProbeAsync(Udp("10.1.0.1", 2000, "198.51.100.1", 53));

        Assert.Multiple(() =>
        {
            Assert.That(carried, Is.EqualTo(10));
            Assert.That(Lab.InstanceExists("rt-1"), Is.True);
            Assert.That(packets, Is.Zero, "a new namespace: its counters start again");
            Assert.That(Path(probe), Is.EqualTo("30/255 fw/fw-1 -> 30/254 rt/rt-1"));
        });
    }

    [Test]
    public async Task Teardown_EmptySpec_RemovesEveryNamespaceOfTheRun()
    {
        await ApplyAsync(FirewallRouter(symmetric: false, protocol: "udp"));
        string during = (await Shell.RunAsync("ip", ["netns", "list"])).Stdout;

        Assert.That((await Chaining.ApplyAsync(ChainSpec.Empty)).Applied, Is.True);
        string after = (await Shell.RunAsync("ip", ["netns", "list"])).Stdout;

        Assert.Multiple(() =>
        {
            Assert.That(during.Split('\n').Count(l => l.Contains(Token, StringComparison.Ordinal)), Is.EqualTo(5), "steering, client, server and two instances");
            Assert.That(after, Does.Not.Contain(Token));
        });
    }
}
