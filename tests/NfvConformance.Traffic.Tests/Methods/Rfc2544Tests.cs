// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Traffic.Devices;
using NfvConformance.Traffic.Generators;
using NfvConformance.Traffic.Methods;
using NfvConformance.Traffic.Tests.Support;

namespace NfvConformance.Traffic.Tests.Methods;

public sealed class Rfc2544Tests
{
    private static readonly TrafficProfile s_profile = SeededDevices.Profile(FrameSizeMix.Single(64));

    private static DeviceModel Device(long buffer = 4096) => new()
    {
        Name = "d",
        LineRateGbps = 10,
        CapacityPps = new Dictionary<int, double> { [64] = 3_000_000 },
        BaseLatencyUs = 10,
        LoadFactorUs = 2,
        BufferFrames = buffer,
    };

    [Test]
    public void FrameSizes_AreTheRfcsEthernetSizes()
    {
        Assert.That(FrameSizeMix.Rfc2544FrameSizes, Is.EqualTo(new[] { 64, 128, 256, 512, 1024, 1280, 1518 }));
    }

    [Test]
    public async Task Throughput_ZeroLossDevice_WithinResolutionBelowCapacity()
    {
        NdrPdrResult r = await Rfc2544.ThroughputAsync(new EmulatedDeviceGenerator(Device()), s_profile, new Rfc2544Options());

        Assert.Multiple(() =>
        {
            Assert.That(r.NdrPps, Is.LessThanOrEqualTo(3_000_000));
            Assert.That(3_000_000 - r.NdrPps, Is.LessThan(0.001 * r.LineRatePps));
            Assert.That(r.Trials.All(t => t.Duration == TimeSpan.FromSeconds(60)), Is.True);
        });
    }

    [Test]
    public async Task FrameLossRate_From100Down_StopsAfterTwoLossFreeSteps()
    {
        IReadOnlyList<FrameLossPoint> curve = await Rfc2544.FrameLossRateAsync(new EmulatedDeviceGenerator(Device()), s_profile, new Rfc2544Options { TrialDuration = TimeSpan.FromSeconds(1) });

        // Capacity is 20.16 % of line: 100..30 % lose, 20 % and 10 % do not.
        Assert.Multiple(() =>
        {
            Assert.That(curve.Select(p => p.PercentOfLine), Is.EqualTo(new[] { 100.0, 90, 80, 70, 60, 50, 40, 30, 20, 10 }).Within(1e-9));
            Assert.That(curve[0].LossPercent, Is.EqualTo(79.84).Within(0.01));
            Assert.That(curve[^1].LossPercent, Is.Zero);
            Assert.That(curve[^2].LossPercent, Is.Zero);
        });
    }

    [Test]
    public async Task BackToBack_BufferedDevice_FindsLongestLossFreeBurst()
    {
        // Given: a burst of N at line rate queues N(1 - C/line) frames; 4096 fit.
        Rfc2544Options options = new() { BackToBackRepetitions = 3 };
        double line = TrafficRate.LineRatePps(10e9, 64);
        long expected = (long)Math.Floor(4096 / (1 - (3_000_000 / line)));

        // When
        BackToBackResult r = await Rfc2544.BackToBackAsync(new EmulatedDeviceGenerator(Device()), s_profile, 3_000_000, options);

        // Then
        Assert.Multiple(() =>
        {
            Assert.That(r.Bursts, Is.All.EqualTo(expected));
            Assert.That(r.BufferedFramesEstimate, Is.EqualTo(4096).Within(1));
            Assert.That(r.ImpliedBufferTime.TotalMicroseconds, Is.EqualTo(expected / line * 1e6).Within(0.1));
            Assert.That(r.StdDevFrames, Is.Zero);
        });
    }

    [Test]
    public async Task Latency_AtThroughput_AveragesRepetitions()
    {
        // Given: no jitter, so each repetition's mean is base + load_factor * utilisation.
        Rfc2544Options options = new() { LatencyRepetitions = 3, LatencyTrialDuration = TimeSpan.FromSeconds(2) };

        // When
        Rfc2544LatencyResult r = await Rfc2544.LatencyAsync(new EmulatedDeviceGenerator(Device()), s_profile, 1_500_000, LatencyBias.None, options);

        // Then
        Assert.Multiple(() =>
        {
            Assert.That(r.Repetitions, Has.Count.EqualTo(3));
            Assert.That(r.AverageOfMeansUs, Is.EqualTo(10 + (2 * 1_501_000 / 3_000_000.0)).Within(0.01));
        });
    }

    [Test]
    public void Options_StepAboveTenPercent_Rejected()
    {
        Assert.Throws<ConfigurationException>(() => new Rfc2544Options { FrameLossStepPercent = 20 }.EnsureValid());
    }
}
