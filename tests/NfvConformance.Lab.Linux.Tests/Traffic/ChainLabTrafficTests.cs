// Licensed under the Apache License, Version 2.0.
using System.Net;
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Lab.Linux.Chains;
using NfvConformance.Lab.Linux.Tests.Chains;
using NfvConformance.Lab.Linux.Traffic;
using NfvConformance.Traffic.Methods;

namespace NfvConformance.Lab.Linux.Tests.Traffic;

/// <summary>
/// The linux target's traffic facet on a real chain lab (root): frames from the client namespace cross the applied
/// chain to the server namespace, timed by the generator; the NDR search of the Performance scenarios, with the same
/// settings (<see cref="NdrPdrOptions.BelowCeiling"/>), finds a loss-free rate, and a hop dropping 1 % makes that
/// scenario's checks fail.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ChainLabTrafficTests : ChainLabTestBase
{
    private ChainLabTraffic? _traffic;

    private ChainLabTraffic Traffic => _traffic ??= new ChainLabTraffic(CurrentRun, Lab);

    [TearDown]
    public async Task StopTraffic()
    {
        if (_traffic is not null)
        {
            await _traffic.DisposeAsync();
            _traffic = null;
        }
    }

    /// <summary>The Performance feature's background: one router in a chain, UDP from 10.0.0.0/8, the router asking for SR-IOV.</summary>
    private Task ApplyPerformanceChainAsync() => ApplyAsync(new ChainSpecBuilder()
        .WithPortPair(new PortPair("rt-1", "rt-1-in", "rt-1-out", "router") { Acceleration = AccelerationMode.SriovVf })
        .WithPortPairGroup(new PortPairGroup("rt", ["rt-1"]))
        .WithFlowClassifier(Classifier("perf", ClassifierProtocol.Udp, "10.0.0.0/8"))
        .WithPortChain(Chain("perf", 90, "rt", "perf")));

    private static TrafficProfile Perf(int frameSize = 64) => new([new TrafficStream
    {
        Name = "perf",
        FrameSizes = FrameSizeMix.Single(frameSize),
        FlowCount = 1000,
        VaryingFields = FlowFields.SourcePort,
        Headers = new HeaderStack { SourceIp = IPAddress.Parse("10.0.0.1"), DestinationIp = IPAddress.Parse("198.51.100.10") },
    }]);

    private async Task<NdrPdrResult> SearchAsync()
    {
        GeneratorLimits limits = await Traffic.CalibrateAsync(FrameSizeMix.Single(64));
        double line = TrafficRate.LineRatePps(Traffic.Info.LineRateBitsPerSecond, 64);
        return await NdrPdrSearch.RunAsync(Traffic, Perf(), NdrPdrOptions.BelowCeiling(NdrSearchMethod.Bisection, limits.CeilingPpsPerPort, line));
    }

    private Task<TrialResult> TrialAsync(double pps, double seconds = 1) =>
        Traffic.RunTrialAsync(new TrialRequest { Profile = Perf(), RatePerPort = TrafficRate.Pps(pps), Duration = TimeSpan.FromSeconds(seconds) }).AsTask();

    [Test]
    public void Trial_WithoutAChainApplied_IsRefusedBeforeSending()
    {
        Assert.That(async () => await TrialAsync(1000), Throws.InstanceOf<ConfigurationException>().With.Message.Contains("no chain is applied"));
    }

    [Test]
    public async Task Trial_ThroughTheRouterChain_DeliversEveryFrame_TimedByTheGenerator_AndCountedByTheRouter()
    {
        await ApplyPerformanceChainAsync();

        TrialResult trial = await TrialAsync(20_000, 0.5);
        IReadOnlyList<ChainHopCounters> counters = await Chaining.ReadCountersAsync();
        GeneratorLimits limits = await Traffic.CalibrateAsync(FrameSizeMix.Single(64));

        Assert.Multiple(() =>
        {
            Assert.That(trial.TxPackets, Is.GreaterThan(9_000));
            Assert.That(trial.RxPackets, Is.EqualTo(trial.TxPackets), trial.Note);
            Assert.That(trial.IsConclusive, Is.True, trial.Note);
            Assert.That(trial.Latency.Count, Is.EqualTo(trial.RxPackets), "every received frame is timed");
            Assert.That(trial.Latency.Min, Is.GreaterThan(0));
            Assert.That(counters.Single(c => c.PortPair == "rt-1").Packets, Is.GreaterThanOrEqualTo(trial.TxPackets), "the frames crossed the router instance");
            Assert.That(limits.CeilingPpsPerPort, Is.GreaterThan(20_000), "the calibrated ceiling");
            Assert.That(Traffic.Info.MaxPpsPerPort, Is.EqualTo(limits.CeilingPpsPerPort), "the facet publishes the ceiling it measured");
            Assert.That(Traffic.LastTrial!.TxAllocatedBytes, Is.LessThan(64 * 1024), "nothing allocated per frame");
        });
    }

    [Test]
    public async Task Trial_OfferedAboveTheCalibratedCeiling_IsFlaggedGeneratorBound_NotCountedAsTheDevicesLoss()
    {
        await ApplyPerformanceChainAsync();
        GeneratorLimits limits = await Traffic.CalibrateAsync(FrameSizeMix.Single(64));

        TrialResult trial = await TrialAsync(Math.Min(limits.CeilingPpsPerPort * 1.5, TrafficRate.LineRatePps(10e9, 64)), 0.3);

        Assert.Multiple(() =>
        {
            Assert.That(trial.Flags.HasFlag(MeasurementFlags.OfferedLoadNotReached), Is.True, trial.Note);
            Assert.That(trial.IsConclusive, Is.False);
            Assert.That(trial.Note, Does.Contain("generator-bound"));
        });
    }

    [Test]
    public async Task NdrScenario_HopDroppingOnePercent_FindsNoLossFreeRate_SoTheNdrChecksFail()
    {
        await ApplyPerformanceChainAsync();
        NdrPdrResult healthy = await SearchAsync();

        // The control rate: low, so a busy host's scheduling hiccups do not decide the comparison.
        const double rate = 20_000;
        (long Dropped, long Squeezed) hb = Softnet();
        IReadOnlyList<ChainHopCounters> hc0 = await Chaining.ReadCountersAsync();
        TrialResult healthyTrial = await TrialAsync(rate);
        (long Dropped, long Squeezed) ha = Softnet();
        IReadOnlyList<ChainHopCounters> hc1 = await Chaining.ReadCountersAsync();
        AfPacketTrialDetail hd = Traffic.LastTrial!;
        string healthyWhy = $"flags {healthyTrial.Flags} ({healthyTrial.Note}); sent {hd.Sent} in {hd.SecondsSending:F3} s, received {hd.Received}, stale {hd.StaleFrames}, foreign {hd.ForeignFrames}, ring drops {hd.RingDrops}; softnet backlog drops {ha.Dropped - hb.Dropped}, squeezes {ha.Squeezed - hb.Squeezed}; hop packets {hc1.Single(c => c.PortPair == "rt-1").Packets - hc0.Single(c => c.PortPair == "rt-1").Packets}, drops {string.Join(",", hc1.Single(c => c.PortPair == "rt-1").DropReasons)} (before {string.Join(",", hc0.Single(c => c.PortPair == "rt-1").DropReasons)}); lat p50 {healthyTrial.Latency.ToSummaryMicroseconds().P50Us} max {healthyTrial.Latency.ToSummaryMicroseconds().MaxUs}; last search trial {healthy.Trials[^1].RatePps:F0} pps";
        TestContext.Out.WriteLine("healthy control trial: loss " + healthyTrial.LossRatio + "; " + healthyWhy);

        await Lab.SetLossAsync("rt-1", 1, CancellationToken.None);
        NdrPdrResult lossy = await SearchAsync();
        (long Dropped, long Squeezed) softnetBefore = Softnet();
        TrialResult lossyTrial = await TrialAsync(rate);
        (long Dropped, long Squeezed) softnetAfter = Softnet();
        AfPacketTrialDetail d = Traffic.LastTrial!;
        string why = $"flags {lossyTrial.Flags} ({lossyTrial.Note}); sent {d.Sent} in {d.SecondsSending:F3} s, received {d.Received}, stale {d.StaleFrames}, foreign {d.ForeignFrames}, ring drops {d.RingDrops}; softnet backlog drops {softnetAfter.Dropped - softnetBefore.Dropped}, squeezes {softnetAfter.Squeezed - softnetBefore.Squeezed}";
        TestContext.Out.WriteLine("lossy control trial: loss " + lossyTrial.LossRatio + "; " + why);
        long counted = (await Chaining.ReadCountersAsync()).Single(c => c.PortPair == "rt-1").DropReasons.GetValueOrDefault("random_loss");

        Assert.Multiple(() =>
        {
            Assert.That(healthy.NdrPps, Is.GreaterThan(0), "a healthy router chain has a loss-free rate (the search may still be flagged generator-bound on a busy host): " + healthy.Note);
            Assert.That(healthyTrial.LossRatio, Is.LessThanOrEqualTo(1e-5), $"healthy, a trial inside the NDR is loss-free ({healthyTrial.LostPackets} of {healthyTrial.TxPackets} lost): " + healthyWhy);

            Assert.That(lossy.Trials.Where(t => t.Flags == MeasurementFlags.None).Select(t => t.LossRatio), Is.All.GreaterThan(1e-5), "every conclusive trial lost more than the NDR ratio: " + lossy.Note);
            Assert.That(lossy.NdrPps, Is.Zero, "with 1 % loss at the hop no load is loss-free, so 'the NDR is at least the figure' fails");
            Assert.That(lossyTrial.LossRatio, Is.InRange(0.004, 0.02), "and a trial at the same rate loses about 1 %, so 'a longer trial at the NDR loses no more than the NDR ratio' fails: " + why);
            Assert.That(counted, Is.GreaterThan(0), "the lossy hop counts what it dropped");
        });
    }

    /// <summary>The kernel's per-CPU receive backlog drops and budget squeezes, summed (/proc/net/softnet_stat, columns 2 and 3).</summary>
    private static (long Dropped, long Squeezed) Softnet()
    {
        long dropped = 0, squeezed = 0;
        foreach (string line in File.ReadAllLines("/proc/net/softnet_stat"))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            dropped += Convert.ToInt64(f[1], 16);
            squeezed += Convert.ToInt64(f[2], 16);
        }

        return (dropped, squeezed);
    }
}
