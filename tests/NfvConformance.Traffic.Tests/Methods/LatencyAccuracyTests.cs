// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Traffic.Devices;
using NfvConformance.Traffic.Generators;
using NfvConformance.Traffic.Methods;
using NfvConformance.Traffic.Tests.Support;

namespace NfvConformance.Traffic.Tests.Methods;

public sealed class LatencyAccuracyTests
{
    private const long BiasNs = 2_000;
    private static readonly double[] s_percentiles = [50, 90, 99, 99.9, 99.99];

    [TestCase(0.25, 0.5)]
    [TestCase(0.10, 0.0)]
    [TestCase(0.40, 0.9)]
    public async Task Percentiles_LognormalDevice_WithinOnePercentOfModel(double sigma, double utilisation)
    {
        // Given: 4 million latency frames through the device, and the generator's bias calibrated on a loopback.
        DeviceModel device = new()
        {
            Name = "lat",
            LineRateGbps = 10,
            CapacityPps = new Dictionary<int, double> { [64] = 3_000_000 },
            BaseLatencyUs = 10,
            LoadFactorUs = 2,
            Jitter = JitterKind.Lognormal,
            Sigma = sigma,
            Seed = 11,
        };
        EmulatedGeneratorOptions options = new() { TimestampBiasNs = BiasNs };
        TrafficProfile profile = SeededDevices.Profile(FrameSizeMix.Single(64));
        LatencyBias bias = await LatencyCalibration.CalibrateAsync(new EmulatedDeviceGenerator(null, options), profile, TimeSpan.FromSeconds(1));
        EmulatedDeviceGenerator generator = new(device, options);
        double latencyPps = 100_000;
        double pps = (utilisation * 3_000_000) - latencyPps;

        // When
        IReadOnlyList<LatencyAtLoad> measured = await LatencyProfile.MeasureAsync(
            generator, profile, Math.Max(0, pps), [100], TimeSpan.FromSeconds(40), latencyPps, bias);

        // Then: quantile p of (base + load_factor * utilisation) * exp(sigma * Z).
        LatencySummary s = measured[0].Latency;
        double median = 10 + (2 * Math.Max(utilisation, latencyPps / 3_000_000));
        double[] got = [s.P50Us, s.P90Us, s.P99Us, s.P999Us, s.P9999Us];
        Assert.Multiple(() =>
        {
            Assert.That(bias.BiasNs, Is.EqualTo(BiasNs).Within(1));
            Assert.That(s.Count, Is.EqualTo(4_000_000));
            for (int i = 0; i < s_percentiles.Length; i++)
            {
                double model = median * Math.Exp(sigma * NormalQuantile.Of(s_percentiles[i] / 100));
                TestContext.Out.WriteLine($"sigma {sigma} load {utilisation}: p{s_percentiles[i]} measured {got[i]:F3} us, model {model:F3} us, error {(got[i] - model) / model * 100:F3} %");
                Assert.That(got[i], Is.EqualTo(model).Within(1).Percent, $"p{s_percentiles[i]}");
            }
        });
    }

    [Test]
    public async Task Percentiles_UniformJitter_WithinOnePercentOfModel()
    {
        // Given
        DeviceModel device = new()
        {
            Name = "u",
            LineRateGbps = 10,
            CapacityPps = new Dictionary<int, double> { [64] = 10_000_000 },
            BaseLatencyUs = 50,
            Jitter = JitterKind.Uniform,
            Sigma = 0.2,
            Seed = 5,
        };
        EmulatedDeviceGenerator generator = new(device);

        // When
        TrialResult r = await generator.RunTrialAsync(new TrialRequest
        {
            Profile = SeededDevices.Profile(FrameSizeMix.Single(64)),
            RatePerPort = TrafficRate.Pps(0),
            Duration = TimeSpan.FromSeconds(10),
            LatencyPps = 100_000,
        });

        // Then: uniform on [40, 60] us.
        foreach (double p in s_percentiles)
        {
            Assert.That(r.Latency.ValueAtPercentile(p) / 1000, Is.EqualTo(40 + (20 * p / 100)).Within(1).Percent, $"p{p}");
        }
    }

    [Test]
    public async Task DelayVariation_NoJitter_IpdvAndPdvAreZero()
    {
        // Given
        DeviceModel device = new() { Name = "flat", LineRateGbps = 10, CapacityPps = new Dictionary<int, double> { [64] = 1_000_000 }, BaseLatencyUs = 7 };

        // When
        TrialResult r = await new EmulatedDeviceGenerator(device).RunTrialAsync(new TrialRequest
        {
            Profile = SeededDevices.Profile(FrameSizeMix.Single(64)),
            RatePerPort = TrafficRate.Pps(100_000),
            Duration = TimeSpan.FromSeconds(1),
        });

        // Then
        Assert.Multiple(() =>
        {
            Assert.That(r.DelayVariation.IpdvPairs, Is.EqualTo(999));
            Assert.That(r.DelayVariation.IpdvP99AbsUs, Is.Zero);
            Assert.That(r.DelayVariation.PdvP99Us, Is.Zero);
            Assert.That(r.Latency.Min, Is.EqualTo(7000));
        });
    }
}
