// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Traffic.Devices;
using NfvConformance.Traffic.Generators;
using NfvConformance.Traffic.Methods;

namespace NfvConformance.Traffic.Tests.Methods;

public sealed class SearchSmokeTests
{
    [TestCase(NdrSearchMethod.Bisection)]
    [TestCase(NdrSearchMethod.Tst009)]
    [TestCase(NdrSearchMethod.Mlr)]
    public async Task Smoke(NdrSearchMethod method)
    {
        DeviceModel d = new() { Name = "d", LineRateGbps = 10, CapacityPps = new Dictionary<int, double> { [64] = 3_000_000 }, BackgroundLossRatio = 1e-6, Seed = 1 };
        EmulatedDeviceGenerator g = new(d);
        TrafficProfile p = new([new TrafficStream { Name = "s" }]);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        NdrPdrResult r = await NdrPdrSearch.RunAsync(g, p, new NdrPdrOptions { Method = method });
        TestContext.Out.WriteLine($"wall {sw.ElapsedMilliseconds} ms");
        TestContext.Out.WriteLine($"{method}: ndr {r.NdrPps:F0} pdr {r.PdrPps:F0} trials {r.Trials.Count} time {r.TrialTimeTotal.TotalSeconds} flags {r.Flags} {r.Note}");
        TestContext.Out.WriteLine($"true ndr {d.TrueRateAtLoss(FrameSizeMix.Single(64), 1e-5):F0} pdr {d.TrueRateAtLoss(FrameSizeMix.Single(64), 1e-3):F0}");
        foreach (TrialRecord t in r.Trials)
        {
            TestContext.Out.WriteLine($"  {t.Index} {t.Phase} {t.PercentOfLine:F4}% {t.Duration.TotalSeconds}s tx {t.TxPackets} rx {t.RxPackets} loss {t.LossRatio:E3} lat p50 {t.Latency.P50Us:F2}");
        }
    }
}
