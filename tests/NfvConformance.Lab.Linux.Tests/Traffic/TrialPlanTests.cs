// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Lab.Linux.Traffic;

namespace NfvConformance.Lab.Linux.Tests.Traffic;

/// <summary>How a trial is split over the generator's sender workers: whole streams per worker, shares that add up exactly.</summary>
[TestFixture]
public sealed class TrialPlanTests
{
    private static readonly TrafficGeneratorInfo Info = new(2, 10e9, double.PositiveInfinity, VirtualTime: false, TimestampResolutionNs: 1);

    private static TrialPlan Plan(int threads, TrialRequest request) =>
        TrialPlan.Create(request, new AfPacketGeneratorOptions { Ports = [new AfPacketPort("a"), new AfPacketPort("b")], Threads = threads }, Info);

    private static TrafficProfile Profile() => new(
    [
        .. Enumerable.Range(0, 5).Select(i => new TrafficStream { Name = $"p0-{i}", TxPort = 0, RxPort = 1, RateShare = i + 1 }),
        new TrafficStream { Name = "p1", TxPort = 1, RxPort = 0 },
    ]);

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(8)]
    public void Burst_split_over_workers_adds_up_to_each_ports_frames_exactly(int threads)
    {
        TrialPlan plan = Plan(threads, new TrialRequest { Profile = Profile(), RatePerPort = TrafficRate.Pps(50_000), Duration = TimeSpan.FromSeconds(1), FramesPerPort = 10_001, LatencyPps = 0 });

        Assert.Multiple(() =>
        {
            Assert.That(plan.Workers, Has.Length.EqualTo(threads));
            Assert.That(plan.StreamWorker, Is.EqualTo(new[] { 0, 1 % threads, 2 % threads, 3 % threads, 4 % threads, 0 }), "a port's k-th stream belongs to worker k mod N");
            foreach (PortPlan whole in plan.Ports)
            {
                PortPlan[] shares = [.. plan.Workers.SelectMany(w => w.Ports).Where(p => p.Port == whole.Port)];
                Assert.That(shares.Sum(p => p.PlannedFrames), Is.EqualTo(10_001), $"port {whole.Port}: the workers' frames add up to the burst");
                Assert.That(shares.Sum(p => p.TotalPps), Is.EqualTo(whole.TotalPps).Within(1e-6), $"port {whole.Port}: the workers' rates add up to the port's");
            }

            foreach (WorkerPlan w in plan.Workers)
            {
                foreach (PortPlan share in w.Ports)
                {
                    Assert.That(share.Schedule.Select(s => plan.StreamWorker[s]), Is.All.EqualTo(w.Worker), $"worker {w.Worker} schedules only its own streams");
                }
            }
        });
    }

    [Test]
    public void Timed_trial_split_over_two_workers_paces_each_at_its_streams_rates()
    {
        TrialPlan plan = Plan(2, new TrialRequest { Profile = Profile(), RatePerPort = TrafficRate.Pps(15_000), Duration = TimeSpan.FromSeconds(2), LatencyPps = 0 });

        // Port 0's shares 1..5 (sum 15): worker 0 has streams 0, 2, 4 (1 + 3 + 5 = 9), worker 1 streams 1, 3 (2 + 4 = 6).
        PortPlan w0 = plan.Workers[0].Ports.Single(p => p.Port == 0);
        PortPlan w1 = plan.Workers[1].Ports.Single(p => p.Port == 0);
        Assert.Multiple(() =>
        {
            Assert.That(w0.TotalPps, Is.EqualTo(9_000).Within(1e-6));
            Assert.That(w1.TotalPps, Is.EqualTo(6_000).Within(1e-6));
            Assert.That(w0.PlannedFrames + w1.PlannedFrames, Is.EqualTo(30_000));
            Assert.That(w0.PlannedFrames, Is.EqualTo(18_000));
            Assert.That(plan.Workers[1].Ports.Select(p => p.Port), Is.EqualTo(new[] { 0 }), "port 1's one stream is worker 0's");
        });
    }
}
