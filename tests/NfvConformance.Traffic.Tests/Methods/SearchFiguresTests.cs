// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Text;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Traffic.Devices;
using NfvConformance.Traffic.Generators;
using NfvConformance.Traffic.Methods;
using NfvConformance.Traffic.Tests.Support;

namespace NfvConformance.Traffic.Tests.Methods;

/// <summary>Prints the tables of docs/performance-traffic.md (virtual time; run on demand).</summary>
[Explicit("prints the figures of docs/performance-traffic.md; about a minute")]
[Category("Slow")]
public sealed class SearchFiguresTests
{
    private const int Devices = 1000;

    [Test]
    public async Task Figures_SeededDevices_PrintTable()
    {
        NdrPdrOptions nfvbench = new() { Method = NdrSearchMethod.Bisection, LatencyPps = 0 };
        (string Name, NdrPdrOptions Options)[] methods =
        [
            ("NFVbench bisection (60 s, epsilon 0.1 %)", nfvbench),
            ("VSPERF-like bisection (30 s, 0.05 %)", nfvbench with { TrialDuration = TimeSpan.FromSeconds(30), ResolutionPercent = 0.05, BisectionRangePercent = 100 }),
            ("TST009 (60 s, step 0.1 %, r=3, z=5000)", nfvbench with { Method = NdrSearchMethod.Tst009 }),
            ("MLR (1 s narrow, 60 s confirm, 0.1 %)", nfvbench with { Method = NdrSearchMethod.Mlr }),
        ];
        (string Band, double[] Ratios)[] bands =
        [
            ("background < 0.5 x NDR threshold", SeededDevices.BackgroundRatios),
            ("background 0.5..0.95 x NDR threshold", SeededDevices.NearThresholdRatios),
        ];
        StringBuilder table = new();
        table.AppendLine("| devices | method | NDR and PDR within 0.1 % of line | mean abs NDR error (% line) | max abs error (% line) | mean trials | mean trial time (s) |");
        table.AppendLine("|---|---|---|---|---|---|---|");
        foreach ((string band, double[] ratios) in bands)
        {
            foreach ((string name, NdrPdrOptions options) in methods)
            {
                int within = 0;
                double sumErr = 0;
                double maxErr = 0;
                double trials = 0;
                double seconds = 0;
                for (int seed = 1; seed <= Devices; seed++)
                {
                    (DeviceModel device, FrameSizeMix mix) = SeededDevices.Create(seed, ratios);
                    NdrPdrResult r = await NdrPdrSearch.RunAsync(new EmulatedDeviceGenerator(device), SeededDevices.Profile(mix), options);
                    double ndrErr = Math.Abs(r.NdrPps - device.TrueRateAtLoss(mix, 1e-5)) / r.LineRatePps * 100;
                    double pdrErr = Math.Abs(r.PdrPps - device.TrueRateAtLoss(mix, 1e-3)) / r.LineRatePps * 100;
                    within += ndrErr <= 0.1 && pdrErr <= 0.1 && r.IsConclusive ? 1 : 0;
                    sumErr += ndrErr;
                    maxErr = Math.Max(maxErr, Math.Max(ndrErr, pdrErr));
                    trials += r.Trials.Count;
                    seconds += r.TrialTimeTotal.TotalSeconds;
                }

                table.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {band} | {name} | {within * 100.0 / Devices:F1} % | {sumErr / Devices:F4} | {maxErr:F3} | {trials / Devices:F1} | {seconds / Devices:F1} |"));
            }
        }

        TestContext.Out.WriteLine(table.ToString());
        Assert.Pass(table.ToString());
    }
}
