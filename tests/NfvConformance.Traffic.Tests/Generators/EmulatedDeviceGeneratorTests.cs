// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Traffic.Devices;
using NfvConformance.Traffic.Generators;

namespace NfvConformance.Traffic.Tests.Generators;

public sealed class EmulatedDeviceGeneratorTests
{
    private static DeviceModel Device(double capacity = 3_000_000, int seed = 1) => new()
    {
        Name = "d",
        LineRateGbps = 10,
        CapacityPps = new Dictionary<int, double> { [64] = capacity },
        BaseLatencyUs = 10,
        Jitter = JitterKind.Lognormal,
        Sigma = 0.2,
        Seed = seed,
    };

    private static TrialRequest Request(TrafficProfile profile, TrafficRate rate, double seconds = 1, double latencyPps = 1000) =>
        new() { Profile = profile, RatePerPort = rate, Duration = TimeSpan.FromSeconds(seconds), LatencyPps = latencyPps };

    [Test]
    public async Task RunTrial_Bidirectional_EachDirectionForwardsItsCapacity()
    {
        // Given: 50 % of line per direction, above the 3 Mpps capacity of each direction.
        EmulatedDeviceGenerator g = new(Device());
        TrafficProfile p = TrafficProfile.Bidirectional(new TrafficStream { Name = "f", LatencyMarked = false });

        // When
        TrialResult r = await g.RunTrialAsync(Request(p, TrafficRate.PercentOfLine(50), 2));

        // Then
        Assert.Multiple(() =>
        {
            Assert.That(r.Streams, Has.Count.EqualTo(2));
            Assert.That(r.Streams[0].TxPackets, Is.EqualTo(14_880_952).Within(1));
            Assert.That(r.Streams[1].RxPackets, Is.EqualTo(6_000_000).Within(6_000));
            Assert.That(r.RxPackets, Is.EqualTo(12_000_000).Within(12_000));
            Assert.That(r.AchievedPpsPerPort, Is.EqualTo(7_440_476).Within(1));
        });
    }

    [Test]
    public async Task RunTrial_ImixInL1Bits_SendsRateTimesDurationWithLatencyStream()
    {
        // Given: 1 Gb/s at L1 of IMIX = 1e9 / ((361.83 + 20) * 8) pps.
        EmulatedDeviceGenerator g = new(Device(capacity: 10_000_000));
        TrafficProfile p = new([new TrafficStream { Name = "imix", FrameSizes = FrameSizeMix.Imix }]);

        // When
        TrialResult r = await g.RunTrialAsync(Request(p, new TrafficRate(1e9, RateUnit.BitsPerSecondL1), 10));

        // Then
        double pps = 1e9 / ((FrameSizeMix.Imix.MeanFrameSize + 20) * 8);
        Assert.Multiple(() =>
        {
            Assert.That(r.TxPackets, Is.EqualTo(Math.Round(pps * 10) + 10_000).Within(1));
            Assert.That(r.LostPackets, Is.Zero);
            Assert.That(r.Streams[0].LatencyPackets, Is.EqualTo(10_000));
            Assert.That(r.Flags, Is.EqualTo(MeasurementFlags.None));
        });
    }

    [Test]
    public void RunTrial_AboveLineRate_ThrowsBeforeAnyTraffic()
    {
        EmulatedDeviceGenerator g = new(Device());
        TrafficProfile p = new([new TrafficStream { Name = "s" }]);

        ConfigurationException? ex = Assert.ThrowsAsync<ConfigurationException>(async () => await g.RunTrialAsync(Request(p, TrafficRate.Pps(20_000_000))));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain("134.400 % of line rate"));
            Assert.That(g.Clock.GetTimestamp(), Is.Zero);
        });
    }

    [Test]
    public void RunTrial_PortBeyondGenerator_Throws()
    {
        EmulatedDeviceGenerator g = new(Device());
        TrafficProfile p = new([new TrafficStream { Name = "s", RxPort = 5 }]);

        ConfigurationException? ex = Assert.ThrowsAsync<ConfigurationException>(async () => await g.RunTrialAsync(Request(p, TrafficRate.Pps(1))));

        Assert.That(ex!.Message, Does.Contain("port 5").And.Contain("2 ports"));
    }

    [Test]
    public async Task RunTrial_VirtualClock_AdvancesByTrialDurationOnly()
    {
        EmulatedDeviceGenerator g = new(Device());
        TrafficProfile p = new([new TrafficStream { Name = "s" }]);
        DateTimeOffset before = g.Clock.GetUtcNow();

        await g.RunTrialAsync(Request(p, TrafficRate.Pps(1000), 60));

        Assert.That(g.Clock.GetUtcNow() - before, Is.EqualTo(TimeSpan.FromSeconds(60)));
    }

    [Test]
    public async Task RunTrial_SameSeed_SameCounts()
    {
        TrafficProfile p = new([new TrafficStream { Name = "s" }]);
        DeviceModel lossy = Device() with { BackgroundLossRatio = 1e-3 };

        TrialResult a = await new EmulatedDeviceGenerator(lossy).RunTrialAsync(Request(p, TrafficRate.Pps(1_000_000)));
        TrialResult b = await new EmulatedDeviceGenerator(lossy).RunTrialAsync(Request(p, TrafficRate.Pps(1_000_000)));

        Assert.Multiple(() =>
        {
            Assert.That(a.RxPackets, Is.EqualTo(b.RxPackets));
            Assert.That(a.LostPackets, Is.EqualTo(1_001).Within(150), "binomial around 1e-3 of 1,001,000");
            Assert.That(a.Latency.ToBytes(), Is.EqualTo(b.Latency.ToBytes()));
        });
    }

    [Test]
    public async Task RunTrial_Loopback_NoLossLatencyIsGeneratorBias()
    {
        EmulatedDeviceGenerator g = new(null, new EmulatedGeneratorOptions { TimestampBiasNs = 1500, TimestampResolutionNs = 10 });
        TrafficProfile p = new([new TrafficStream { Name = "s" }]);

        TrialResult r = await g.RunTrialAsync(Request(p, TrafficRate.PercentOfLine(100)));

        Assert.Multiple(() =>
        {
            Assert.That(r.LostPackets, Is.Zero);
            Assert.That(r.Latency.Min, Is.EqualTo(1500));
            Assert.That(r.Latency.Max, Is.EqualTo(1500));
        });
    }

    [Test]
    public async Task RunTrial_LossyDevice_LatencySequenceLossMatchesCounters()
    {
        // Given: 10 % background loss, so about 10 % of latency frames never come back.
        EmulatedDeviceGenerator g = new(Device() with { BackgroundLossRatio = 0.1 });
        TrafficProfile p = new([new TrafficStream { Name = "s" }]);

        // When
        TrialResult r = await g.RunTrialAsync(Request(p, TrafficRate.Pps(1000), 10));

        // Then
        Assert.Multiple(() =>
        {
            Assert.That(r.Streams[0].LatencyPackets, Is.EqualTo(9_000).Within(300));
            Assert.That(r.Streams[0].OutOfOrder, Is.Zero);
            Assert.That(r.Streams[0].Duplicates, Is.Zero);
            Assert.That(r.DelayVariation.IpdvPairs, Is.LessThan(r.Streams[0].LatencyPackets), "a loss breaks an IPDV pair");
        });
    }
}
