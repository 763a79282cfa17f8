// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Lab.Linux.Chains;

namespace NfvConformance.Lab.Linux.Tests.Chains;

/// <summary>A group of instances balanced on the L4 hash (kernel ECMP, or an OpenFlow select group): shares, stickiness, scale-out without moving flows.</summary>
[TestFixture("kernel")]
[TestFixture("ovs")]
[NonParallelizable]
public sealed class LoadSharingTests : ChainLabTestBase
{
    public LoadSharingTests(string steering)
        : base(steering)
    {
    }

    private static ChainSpecBuilder ThreeFirewalls() =>
        Instances(("fw-1", "firewall", "fw"), ("fw-2", "firewall", "fw"), ("fw-3", "firewall", "fw"), ("rt-1", "router", "rt"))
            .WithFlowClassifier(Classifier("inside", ClassifierProtocol.Udp, "10.0.0.0/8"))
            .WithPortChain(Chain("lb", 60, "fw,rt", "inside"));

    /// <summary>The check the LoadBalancing feature makes: every instance within a tolerance of an equal share.</summary>
    /// <summary>The instance a probe went through first, or why it went through none (so a lost probe reads as such in a failure).</summary>
    private static string FirstInstance(ChainPathTrace t) =>
        t.Hops.Count > 0 ? t.Hops[0].PortPair : $"no hop (delivered {t.Delivered}, {t.DropReason ?? "no reason"}, dropped at {t.DroppedAt ?? "-"}, refused {t.Refusal ?? "-"})";

    internal static double WorstDeviationPercent(Dictionary<string, int> shares, int flows, int instances) =>
        Enumerable.Range(1, instances).Select(i => Math.Abs(shares.GetValueOrDefault($"fw-{i}") - ((double)flows / instances)) / ((double)flows / instances) * 100).Max();

    [Test]
    public async Task Ecmp_L4Hash_SpreadsUdpFlowsEquallyOverThreeInstances_AndEveryFlowStays()
    {
        await ApplyAsync(ThreeFirewalls());

        IReadOnlyList<ChainPathTrace> first = await FlowsAsync(900, "10.4.0.1", "198.51.100.4", 53);
        IReadOnlyList<ChainPathTrace> again = await FlowsAsync(900, "10.4.0.1", "198.51.100.4", 53);

        Dictionary<string, int> shares = Shares(first, "fw");
        Assert.Multiple(() =>
        {
            Assert.That(first.Count(t => t.Delivered), Is.EqualTo(900));
            Assert.That(WorstDeviationPercent(shares, 900, 3), Is.LessThanOrEqualTo(15), string.Join(", ", shares));
            Assert.That(first.Select(t => t.Hops[0].PortPair), Is.EqualTo(again.Select(t => t.Hops[0].PortPair)), "flows changed instance");
        });
    }

    [Test]
    public async Task ScaleOut_AddingAnInstance_LeavesExistingFlowsWhereTheyWere_AndNewFlowsUseIt()
    {
        await ApplyAsync(ThreeFirewalls());
        IReadOnlyList<ChainPathTrace> before = await FlowsAsync(200, "10.9.0.1", "198.51.100.9", 53);

        ChainSpec spec = ThreeFirewalls().WithPortPair(new PortPair("fw-4", "fw-4-in", "fw-4-out", "firewall")).Build();
        spec = spec with { PortPairGroups = [.. spec.PortPairGroups.Select(g => g.Name == "fw" ? g with { PortPairs = [.. g.PortPairs, "fw-4"] } : g)] };
        Assert.That((await Chaining.ApplyAsync(spec)).Applied, Is.True);
        IReadOnlyList<ChainPathTrace> after = await FlowsAsync(200, "10.9.0.1", "198.51.100.9", 53);
        IReadOnlyList<ChainPathTrace> fresh = await FlowsAsync(400, "10.8.0.1", "198.51.100.9", 53);

        Assert.Multiple(() =>
        {
            Assert.That(after.Select(FirstInstance), Is.EqualTo(before.Select(FirstInstance)), "existing flows moved");
            Assert.That(Shares(fresh, "fw"), Does.ContainKey("fw-4"), "new flows never reach the added instance");
        });
    }

    [Test]
    public async Task Break_GroupHashingOnL3Only_PutsEveryFlowOfOneSourceOnOneInstance_SoTheShareCheckFails()
    {
        await ApplyAsync(ThreeFirewalls());
        await Lab.BreakAsync(L3OnlyHash, CancellationToken.None);

        IReadOnlyList<ChainPathTrace> flows = await FlowsAsync(300, "10.4.0.1", "198.51.100.4", 53);

        Dictionary<string, int> shares = Shares(flows, "fw");
        Assert.Multiple(() =>
        {
            Assert.That(shares, Has.Count.EqualTo(1), string.Join(", ", shares));
            Assert.That(WorstDeviationPercent(shares, 300, 3), Is.GreaterThan(10), "the LoadBalancing share check (10 %) must fail");
        });
    }
}
