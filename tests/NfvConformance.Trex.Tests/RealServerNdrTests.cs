// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Traffic.Bench;
using NfvConformance.Traffic.Methods;
using NfvConformance.Trex.Generator;

namespace NfvConformance.Trex.Tests;

/// <summary>An NDR/PDR search through our TRex generator on the real v3.08 server, its two ports wired through a kernel router namespace.</summary>
[TestFixture]
[NonParallelizable]
public sealed class RealServerNdrTests
{
    [Test]
    public async Task NdrThroughAKernelRouter_FindsTheRoutersNdr_OrFlagsTheGeneratorBoundTrials()
    {
        using RealServer real = RealServer.Start(throughRouter: true);
        using TrexGenerator trex = TrexGenerator.Connect(real.Endpoint, new TrexGeneratorOptions { MacsFromPort = true });
        NdrBenchOptions options = new()
        {
            DutFile = string.Empty,
            FrameSize = "64",
            Flows = 1,
            MaxRatePps = 400_000,
            Search = new NdrPdrOptions
            {
                Method = NdrSearchMethod.Bisection,
                TrialDuration = TimeSpan.FromSeconds(1),
                InitialTrialDuration = TimeSpan.FromSeconds(1),
                ResolutionPercent = 0.1,
                MaxTrials = 14,
            },
            LatencyTrialDuration = TimeSpan.FromSeconds(1),
        };

        NdrBenchReport report = await NdrBench.RunAsync(trex, options);

        NdrPdrResult s = report.Search;
        TestContext.Out.WriteLine(report.ToJson());
        List<TrialRecord> bound = [.. s.Trials.Where(t => (t.Flags & MeasurementFlags.OfferedLoadNotReached) != 0)];
        Assert.That(s.Trials, Is.Not.Empty);
        Assert.That(s.Trials.All(t => t.TxPackets > 0), Is.True, "the real server sent traffic in every trial");
        Assert.That(s.Trials.Where(t => t.LossRatio < 0.5).Any(), Is.True, "the router forwarded what TRex sent at some load");
        if (s.IsConclusive)
        {
            Assert.That(s.NdrPps, Is.GreaterThan(0).And.LessThanOrEqualTo(400_000 * 1.0001));
        }
        else
        {
            Assert.That(s.Note, Is.Not.Null.And.Not.Empty, "an inconclusive search says why");
            TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"inconclusive: {s.Note}; generator-bound trials: {bound.Count}"));
        }

        foreach (TrialRecord t in bound)
        {
            Assert.That(t.Flags & MeasurementFlags.OfferedLoadNotReached, Is.Not.EqualTo(MeasurementFlags.None), "a generator-bound trial is flagged, never the device's limit");
        }
    }
}
