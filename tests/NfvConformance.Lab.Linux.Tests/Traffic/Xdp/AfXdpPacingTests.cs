// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Net;
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Lab.Linux.Tests.Chains;
using NfvConformance.Lab.Linux.Traffic;

namespace NfvConformance.Lab.Linux.Tests.Traffic.Xdp;

/// <summary>
/// Offered against sent of the paced senders (AF_XDP and sendmmsg, alternately) through the Performance chain of the
/// chain lab, at several rates: a measurement in real time, so explicit. Each trial's figures go to the test output; the
/// assertions check that a trial that fell short of its offer is flagged and one that did not is not.
/// </summary>
[TestFixture]
[NonParallelizable]
[Explicit("a measurement in real time on the chain lab: run it on purpose (docs/performance.md)")]
public sealed class AfXdpPacingTests : ChainLabTestBase
{
    [Test]
    public async Task Paced_senders_through_the_chain_offered_against_sent_at_several_rates()
    {
        await ApplyAsync(new ChainSpecBuilder()
            .WithPortPair(new PortPair("rt-1", "rt-1-in", "rt-1-out", "router"))
            .WithPortPairGroup(new PortPairGroup("rt", ["rt-1"]))
            .WithFlowClassifier(Classifier("perf", ClassifierProtocol.Udp, "10.0.0.0/8"))
            .WithPortChain(Chain("perf", 90, "rt", "perf")));
        TrafficProfile profile = new([new TrafficStream
        {
            Name = "perf",
            FrameSizes = FrameSizeMix.Single(64),
            FlowCount = 1000,
            VaryingFields = FlowFields.SourcePort,
            Headers = new HeaderStack { SourceIp = IPAddress.Parse("10.0.0.1"), DestinationIp = IPAddress.Parse("198.51.100.10") },
        }]);
        List<(string Sender, double Offered, TrialResult Trial)> rows = [];
        foreach (bool afXdp in (bool[])[true, false])
        {
            await using ChainLabTraffic traffic = new(CurrentRun, Lab) { AfXdp = afXdp };
            foreach (double pps in (double[])[10_000, 25_000, 46_000, 80_000, 120_000])
            {
                TrialResult r = await traffic.RunTrialAsync(new TrialRequest { Profile = profile, RatePerPort = TrafficRate.Pps(pps), Duration = TimeSpan.FromSeconds(1) });
                rows.Add((afXdp ? "af_xdp" : "sendmmsg", pps, r));
                await TestContext.Out.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{(afXdp ? "af_xdp" : "sendmmsg"),-8} offered {pps,7:F0} pps  sent {r.TxPackets,7} ({r.AchievedPpsPerPort / r.OfferedPpsPerPort:P1} of the offer)  received {r.RxPackets,7}  flags {r.Flags}  {r.Note}  load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
            }
        }

        Assert.Multiple(() =>
        {
            foreach ((string sender, double offered, TrialResult r) in rows)
            {
                bool short_ = r.AchievedPpsPerPort < r.OfferedPpsPerPort * 0.98;
                Assert.That(r.Flags.HasFlag(MeasurementFlags.OfferedLoadNotReached), Is.EqualTo(short_ || r.Note?.Contains("ceiling", StringComparison.Ordinal) == true), $"{sender} at {offered} pps: flagged exactly when short of the offer");
                Assert.That(r.AchievedPpsPerPort, Is.LessThanOrEqualTo(r.OfferedPpsPerPort * 1.001), $"{sender} at {offered} pps never sends above the offer");
            }
        });
    }
}
