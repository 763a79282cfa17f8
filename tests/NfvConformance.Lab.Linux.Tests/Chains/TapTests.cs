// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Lab.Linux.Chains;

namespace NfvConformance.Lab.Linux.Tests.Chains;

/// <summary>
/// Tap groups (networking-sfc <c>tap_enabled</c>): the steering namespace duplicates each packet to the tap's instance
/// (nftables <c>dup</c>) while the original goes on, so the monitor sees every packet without being on its path. The
/// breaks show the checks the PassiveMonitoring scenario makes can fail: a monitor put on the path (the group not a tap)
/// shows up in every trace; a monitor whose link is down counts nothing. Under Open vSwitch steering a tap is refused
/// as not supported (the lab does not mirror there), never faked.
/// </summary>
[NonParallelizable]
public sealed class TapTests : ChainLabTestBase
{
    private const int Probes = 40;

    private static ChainSpecBuilder Watched(bool tap, params (string Instance, string Function, string Group)[] monitors)
    {
        ChainSpecBuilder spec = Instances([("fw-1", "firewall", "fw"), .. monitors, ("rt-1", "router", "rt")])
            .WithFlowClassifier(Classifier("inside", ClassifierProtocol.Udp, "10.0.0.0/8"))
            .WithPortChain(Chain("watched", 80, "fw,mon,rt", "inside"));
        return tap ? spec.WithPortPairGroup(new PortPairGroup("mon", [.. monitors.Select(m => m.Instance)]) { TapEnabled = true }) : spec;
    }

    private async Task<(IReadOnlyList<ChainPathTrace> Traces, Dictionary<string, ChainHopCounters> Counters)> ProbeAllAsync()
    {
        IReadOnlyList<ChainPathTrace> traces = await FlowsAsync(Probes, "10.13.0.1", "198.51.100.13", 53);
        Dictionary<string, ChainHopCounters> counters = (await Chaining.ReadCountersAsync()).ToDictionary(c => c.PortPair, StringComparer.Ordinal);
        return (traces, counters);
    }

    [Test]
    public async Task Tap_GetsACopyOfEveryPacket_WithTheOctetsTheNextHopCarried_AndIsOnNoPath()
    {
        ChainApplyResult applied = await Chaining.ApplyAsync(Watched(tap: true, ("mon-1", "wire", "mon")).Build());
        Assert.That(applied.Applied, Is.True, string.Join("; ", applied.Problems));

        (IReadOnlyList<ChainPathTrace> traces, Dictionary<string, ChainHopCounters> counters) = await ProbeAllAsync();

        Assert.Multiple(() =>
        {
            Assert.That(applied.Implementations["mon-1"], Does.Contain("tap monitor"));
            Assert.That(traces.Select(Path).Distinct(), Is.EqualTo(new[] { "80/255 fw/fw-1 -> 80/253 rt/rt-1" }), "the original skips the tap");
            Assert.That(traces.All(t => t.Delivered), Is.True);
            Assert.That(counters["mon-1"].Packets, Is.EqualTo(Probes), "the tap counted a copy of every probe");
            Assert.That(counters["mon-1"].Bytes, Is.EqualTo(counters["rt-1"].Bytes).And.GreaterThan(0), "the copies are the packets rt-1 carried");
            Assert.That(counters["rt-1"].Packets, Is.EqualTo(Probes));
        });
    }

    [Test]
    public async Task Tap_OfTwoMonitors_EachFlowsCopiesGoToOneOfThem()
    {
        await ApplyAsync(Watched(tap: true, ("mon-1", "wire", "mon"), ("mon-2", "wire", "mon")));

        (IReadOnlyList<ChainPathTrace> traces, Dictionary<string, ChainHopCounters> counters) = await ProbeAllAsync();
        IReadOnlyList<ChainPathTrace> again = await FlowsAsync(Probes, "10.13.0.1", "198.51.100.13", 53);
        Dictionary<string, ChainHopCounters> after = (await Chaining.ReadCountersAsync()).ToDictionary(c => c.PortPair, StringComparer.Ordinal);

        Assert.Multiple(() =>
        {
            Assert.That(traces.Concat(again).All(t => t.Delivered && t.Hops.All(h => h.PortPairGroup != "mon")), Is.True);
            Assert.That(counters["mon-1"].Packets + counters["mon-2"].Packets, Is.EqualTo(Probes), "one copy per packet");
            Assert.That(counters["mon-1"].Packets, Is.GreaterThan(0), "flows spread over the monitors");
            Assert.That(counters["mon-2"].Packets, Is.GreaterThan(0), "flows spread over the monitors");
            Assert.That(after["mon-1"].Packets, Is.EqualTo(2 * counters["mon-1"].Packets), "the same flows' copies go to the same monitor again");
        });
    }

    [Test]
    public void Tap_UnderOpenVSwitchSteering_IsRefusedAsNotSupported_AndConsecutiveTapsAsInvalid()
    {
        ChainPlan ovs = ChainPlan.Compile(Watched(tap: true, ("mon-1", "wire", "mon")).Build(), null, ChainSteering.Ovs, 2);
        ChainPlan consecutive = ChainPlan.Compile(
            Watched(tap: true, ("mon-1", "wire", "mon"))
                .WithPortPair(new PortPair("mon-2", "mon-2-in", "mon-2-out", "wire"))
                .WithPortPairGroup(new PortPairGroup("mon2", ["mon-2"]) { TapEnabled = true })
                .WithPortChain(Chain("watched", 80, "fw,mon,mon2,rt", "inside"))
                .Build(),
            null,
            ChainSteering.Kernel,
            2);

        Assert.Multiple(() =>
        {
            Assert.That(ovs.IsValid, Is.False);
            Assert.That(ovs.Unsupported, Has.Some.Contains("is a tap; under Open vSwitch steering"));
            Assert.That(consecutive.Unsupported, Is.Empty);
            Assert.That(consecutive.Problems.Where(p => p.IsCritical).Select(p => p.Message), Has.Some.Contains("are consecutive"));
        });
    }

    [Test]
    public async Task Break_MonitorOnThePath_ShowsInEveryTrace()
    {
        await ApplyAsync(Watched(tap: false, ("mon-1", "wire", "mon")));

        (IReadOnlyList<ChainPathTrace> traces, _) = await ProbeAllAsync();

        Assert.Multiple(() =>
        {
            Assert.That(traces.Count(t => t.Hops.Any(h => h.PortPair == "mon-1")), Is.EqualTo(Probes), "an inline monitor is on every path: the passive check would fail");
            Assert.That(traces.Select(Path).Distinct(), Is.EqualTo(new[] { "80/255 fw/fw-1 -> 80/254 mon/mon-1 -> 80/253 rt/rt-1" }), "a wire (a bridge) on the path passes every probe");
            Assert.That(traces.All(t => t.Delivered), Is.True);
        });
    }

    [Test]
    public async Task Break_TapLinkDown_CountsNoCopy_WhileTheChainStillDelivers()
    {
        await ApplyAsync(Watched(tap: true, ("mon-1", "wire", "mon")));
        InstanceStateChange down = await Chaining.SetInstanceStateAsync("mon-1", InstanceState.LinkAdminDown);

        (IReadOnlyList<ChainPathTrace> traces, Dictionary<string, ChainHopCounters> counters) = await ProbeAllAsync();

        InstanceStateChange up = await Chaining.SetInstanceStateAsync("mon-1", InstanceState.Running);
        (_, Dictionary<string, ChainHopCounters> repaired) = await ProbeAllAsync();

        Assert.Multiple(() =>
        {
            Assert.That(down.Applied && up.Applied, Is.True, down.Refusal ?? up.Refusal);
            Assert.That(traces.All(t => t.Delivered), Is.True, "a tap is not on the path: its failure loses no traffic");
            Assert.That(counters["mon-1"].Packets, Is.Zero, "the tap observed nothing: the passive check would fail");
            Assert.That(repaired["mon-1"].Packets, Is.EqualTo(Probes), "with its link up again the tap observes every probe");
        });
    }
}
