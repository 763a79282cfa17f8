// Licensed under the Apache License, Version 2.0.
using NfvConformance.Traffic.Bench;
using NfvConformance.Traffic.Methods;
using NfvConformance.Trex.Generator;

namespace NfvConformance.Trex.Tests;

/// <summary>A whole NDR/PDR search over the TRex protocol (our generator, our server) equals the in-process search of the same seeded device.</summary>
[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class NdrEquivalenceTests
{
    [TestCase(NdrSearchMethod.Mlr, false, "64")]
    [TestCase(NdrSearchMethod.Bisection, true, "IMIX")]
    public async Task SearchOverTrex_EqualsTheInProcessSearch(NdrSearchMethod method, bool bidirectional, string frameSize)
    {
        // Given the same DUT file, in process and behind our TRex server (virtual pacing: runs end at once)
        string dut = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"dut-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(dut, TestServer.Dut);
        NdrBenchOptions options = new()
        {
            DutFile = dut,
            FrameSize = frameSize,
            Flows = 100,
            Bidirectional = bidirectional,
            Search = new NdrPdrOptions { Method = method, TrialDuration = TimeSpan.FromSeconds(1), InitialTrialDuration = TimeSpan.FromSeconds(1) },
            LatencyTrialDuration = TimeSpan.FromSeconds(1),
        };
        NdrBenchReport inProcess = await NdrBench.RunAsync(options);
        using TestServer server = new(realTime: false);
        using TrexGenerator trex = TrexGenerator.Connect(server.Endpoint);

        // When
        NdrBenchReport overTrex = await NdrBench.RunAsync(trex, options);

        // Then: the same search, trial by trial
        Assert.That(overTrex.Search.IsConclusive, Is.EqualTo(inProcess.Search.IsConclusive));
        Assert.That(overTrex.Search.NdrPps, Is.EqualTo(inProcess.Search.NdrPps));
        Assert.That(overTrex.Search.PdrPps, Is.EqualTo(inProcess.Search.PdrPps));
        Assert.That(overTrex.Search.Trials.Select(t => (t.RatePps, t.TxPackets, t.RxPackets)), Is.EqualTo(inProcess.Search.Trials.Select(t => (t.RatePps, t.TxPackets, t.RxPackets))));
        Assert.That(overTrex.Search.Trials, Has.Count.GreaterThan(3));
        Assert.That(overTrex.ToJson(), Does.Contain("\"ndr_pps\"").And.Contain("\"search\""));
    }
}
