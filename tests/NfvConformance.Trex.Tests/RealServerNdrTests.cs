// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Lab.Linux.Traffic;
using NfvConformance.Traffic.Bench;
using NfvConformance.Traffic.Methods;
using NfvConformance.Trex.Generator;

namespace NfvConformance.Trex.Tests;

/// <summary>
/// An NDR/PDR search through our TRex generator on the real v3.08 server, its two ports wired through a kernel router
/// namespace, and beside it the same search (64 B, one flow, bisection, 1 s trials) with the linux target's own
/// AF_PACKET generator through a kernel router of its own (<c>nfvc bench generator --ndr router</c>). Both print
/// their figures on one line each (docs/trex.md, "NDR through a kernel router, side by side").
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class RealServerNdrTests
{
    [Test]
    public async Task NdrThroughAKernelRouter_TrexAndTheLinuxGenerator_FindTheNdrOrFlagTheGeneratorBoundTrials()
    {
        NdrPdrResult trex = await TrexSearchAsync();
        NdrPdrResult linux = await LinuxGeneratorSearchAsync();

        TestContext.Out.WriteLine(Line("TRex v3.08 (low_end) via nfvc's TRex generator", trex));
        TestContext.Out.WriteLine(Line("linux target's AF_PACKET generator", linux));
        foreach ((string who, NdrPdrResult s) in new[] { ("TRex", trex), ("linux generator", linux) })
        {
            Assert.That(s.Trials, Is.Not.Empty, who);
            Assert.That(s.Trials.All(t => t.TxPackets > 0), Is.True, $"{who}: traffic was sent in every trial");
            Assert.That(s.Trials.Any(t => t.LossRatio < 0.5), Is.True, $"{who}: the router forwarded what was sent at some load");
            // A load the generator could not offer decides nothing when a measured trial at or below it already lost
            // more than the PDR allows, or measured that same load (GoalBracket): only the other bound trials decide.
            List<TrialRecord> deciding = [.. s.Trials.Where(b => (b.Flags & MeasurementFlags.OfferedLoadNotReached) != 0 && !s.Trials.Any(m =>
                m.Flags == MeasurementFlags.None && m.RatePps <= b.RatePps + 1 && (m.LossRatio > 1e-3 || Math.Abs(m.RatePps - b.RatePps) <= 1)))];
            bool anyBound = deciding.Count > 0;
            if (s.IsConclusive)
            {
                Assert.That(s.NdrPps, Is.GreaterThan(0), $"{who}: a conclusive search found an NDR");
                Assert.That(deciding.Select(t => t.RatePps), Is.Empty, $"{who}: a search with a generator-bound trial that decides a goal is never conclusive");
            }
            else
            {
                Assert.That(s.Note, Is.Not.Null.And.Not.Empty, $"{who}: an inconclusive search says why");
            }

            if (anyBound)
            {
                Assert.That(s.IsConclusive, Is.False, $"{who}: a generator-bound trial is flagged, never reported as the device's limit");
                Assert.That(s.Flags & MeasurementFlags.OfferedLoadNotReached, Is.Not.EqualTo(MeasurementFlags.None), who);
            }
        }
    }

    private static async Task<NdrPdrResult> TrexSearchAsync()
    {
        using RealServer real = RealServer.Start(throughRouter: true);
        using TrexGenerator trex = TrexGenerator.Connect(real.Endpoint, new TrexGeneratorOptions { MacsFromPort = true });
        NdrBenchOptions options = new()
        {
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
        TestContext.Out.WriteLine(report.ToJson());
        return report.Search;
    }

    private static async Task<NdrPdrResult> LinuxGeneratorSearchAsync()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Tools.Missing("the linux generator's search needs root (namespaces, veths, AF_PACKET)");
        }

        GeneratorNdrReport report = await GeneratorNdrBench.RunAsync(new GeneratorNdrOptions { Dut = "router", FrameSize = 64, Flows = 1, TrialSeconds = 1 });
        TestContext.Out.WriteLine(report.ToJson());
        return report.Search;
    }

    private static string Line(string who, NdrPdrResult s)
    {
        int bound = s.Trials.Count(t => (t.Flags & MeasurementFlags.OfferedLoadNotReached) != 0);
        double maxTx = s.Trials.Count == 0 ? 0 : s.Trials.Max(t => t.TxPackets / t.Duration.TotalSeconds);
        double maxOffered = s.Trials.Count == 0 ? 0 : s.Trials.Max(t => t.RatePps);
        string atTop = s.IsConclusive && s.NdrPps >= maxOffered * 0.999 ? " (the search's highest rate: the device's NDR is at least this)" : string.Empty;
        return string.Create(CultureInfo.InvariantCulture,
            $"{who}: NDR {s.NdrPps:F0} pps{atTop}, PDR {s.PdrPps:F0} pps, conclusive {s.IsConclusive}, trials {s.Trials.Count}, generator-bound trials {bound}, highest sent {maxTx:F0} pps{(s.Note is null ? string.Empty : "; " + s.Note)}");
    }
}
