// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Traffic.Devices;

namespace NfvConformance.Traffic.Tests.Support;

/// <summary>A family of emulated devices drawn from a seed, for the accuracy goals (docs/performance-traffic.md).</summary>
internal static class SeededDevices
{
    private static readonly double[] s_lineRates = [10, 25, 40, 100];
    private static readonly FrameSizeMix[] s_mixes = [FrameSizeMix.Single(64), FrameSizeMix.Imix, FrameSizeMix.Single(1518), FrameSizeMix.Single(512)];

    /// <summary>Background loss ratios drawn: all below half the NDR threshold of 1e-5.</summary>
    internal static readonly double[] BackgroundRatios = [0, 1e-9, 1e-8, 1e-7, 1e-6, 3e-6, 5e-6];

    /// <summary>Background loss ratios from half to 0.95 of the NDR threshold, where single trials are noisy.</summary>
    internal static readonly double[] NearThresholdRatios = [5e-6, 6e-6, 7e-6, 8e-6, 9e-6, 9.5e-6];

    public static (DeviceModel Device, FrameSizeMix Mix) Create(int seed, double[]? backgroundRatios = null)
    {
        Random rng = new(seed);
        double[] ratios = backgroundRatios ?? BackgroundRatios;
        double line = s_lineRates[rng.Next(s_lineRates.Length)];
        FrameSizeMix mix = s_mixes[rng.Next(s_mixes.Length)];
        double linePps = TrafficRate.LineRatePps(line * 1e9, mix.MeanFrameSize);
        // Capacities from 2 % to 120 % of line rate: some devices forward at line rate.
        double capacity = linePps * (0.02 + (1.18 * rng.NextDouble()));
        DeviceModel device = new()
        {
            Name = $"seeded-{seed}",
            LineRateGbps = line,
            CapacityPps = new Dictionary<int, double> { [64] = capacity },
            BackgroundLossRatio = ratios[rng.Next(ratios.Length)],
            BaseLatencyUs = 5 + (20 * rng.NextDouble()),
            LoadFactorUs = 10 * rng.NextDouble(),
            Jitter = JitterKind.Lognormal,
            Sigma = 0.3 * rng.NextDouble(),
            Seed = seed,
        };
        return (device, mix);
    }

    public static TrafficProfile Profile(FrameSizeMix mix) =>
        new([new TrafficStream { Name = "fwd", FrameSizes = mix, LatencyMarked = true }]);
}
