// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Traffic;

namespace NfvConformance.Traffic.Tests.Abstractions;

public sealed class TrafficRateTests
{
    private const double TenGig = 10e9;

    [TestCase(64, 14_880_952.38)]
    [TestCase(1518, 812_743.82)]
    [TestCase(9216, 135_339.97)]
    public void LineRatePps_TenGigabit_MatchesRfc2544AppendixB(int size, double expected)
    {
        double pps = TrafficRate.LineRatePps(TenGig, size);

        Assert.That(pps, Is.EqualTo(expected).Within(0.01));
    }

    [Test]
    public void ToPps_PercentOfLine_CountsL1OverheadAndFcs()
    {
        TrafficRate half = TrafficRate.PercentOfLine(50);

        double pps = half.ToPps(64, TenGig);

        Assert.That(pps, Is.EqualTo(7_440_476.19).Within(0.01));
    }

    [Test]
    public void ToPps_L1AndL2Bits_DifferByTwentyBytesPerFrame()
    {
        TrafficRate l1 = new(1e9, RateUnit.BitsPerSecondL1);
        TrafficRate l2 = new(1e9, RateUnit.BitsPerSecondL2);

        Assert.Multiple(() =>
        {
            Assert.That(l1.ToPps(64, TenGig), Is.EqualTo(1e9 / (84 * 8)).Within(1e-6));
            Assert.That(l2.ToPps(64, TenGig), Is.EqualTo(1e9 / (64 * 8)).Within(1e-6));
            Assert.That(TrafficRate.Pps(1_000_000).ToBitsPerSecondL1(64, TenGig), Is.EqualTo(672e6).Within(1e-3));
            Assert.That(TrafficRate.Pps(1_000_000).ToBitsPerSecondL2(64, TenGig), Is.EqualTo(512e6).Within(1e-3));
        });
    }

    [Test]
    public void EnsureWithinLineRate_AboveLine_ThrowsNamingPercent()
    {
        TrafficRate tooFast = TrafficRate.Pps(15_000_000);

        ConfigurationException? ex = Assert.Throws<ConfigurationException>(() => tooFast.EnsureWithinLineRate(64, TenGig, "cli"));

        Assert.That(ex!.Message, Does.Contain("100.800 %").And.Contain("cli"));
    }

    [Test]
    public void Constructor_NegativeRate_Throws()
    {
        Assert.Throws<ConfigurationException>(() => _ = TrafficRate.Pps(-1));
    }

    [Test]
    public void Imix_MeanFrameSize_IsNfvbenchsValue()
    {
        Assert.That(FrameSizeMix.Imix.MeanFrameSize, Is.EqualTo(361.83).Within(0.005));
    }

    [TestCase("64", 64.0)]
    [TestCase("imix", 361.833)]
    [TestCase("64:1,1518:1", 791.0)]
    public void Parse_ValidText_GivesMean(string text, double mean)
    {
        FrameSizeMix mix = FrameSizeMix.Parse(text);

        Assert.That(mix.MeanFrameSize, Is.EqualTo(mean).Within(0.001));
    }

    [TestCase("63")]
    [TestCase("9217")]
    [TestCase("64:0")]
    [TestCase("abc")]
    [TestCase("64:1,70000:1")]
    public void Parse_BadText_ThrowsConfiguration(string text)
    {
        Assert.Throws<ConfigurationException>(() => FrameSizeMix.Parse(text));
    }

    [Test]
    public void SizeAt_Imix_RepeatsSevenFourOne()
    {
        int[] counts = new int[3];
        for (int i = 0; i < 1200; i++)
        {
            int s = FrameSizeMix.Imix.SizeAt(i);
            counts[s == 64 ? 0 : s == 594 ? 1 : 2]++;
        }

        Assert.That(counts, Is.EqualTo(new[] { 700, 400, 100 }));
    }

    [Test]
    public void TrafficProfile_ZeroFlowsAndDuplicateNames_ListsBothProblems()
    {
        TrafficStream a = new() { Name = "a", FlowCount = 0 };
        TrafficStream b = new() { Name = "a" };

        ConfigurationException? ex = Assert.Throws<ConfigurationException>(() => _ = new TrafficProfile([a, b]));

        Assert.That(ex!.Message, Does.Contain("flow count 0").And.Contain("used twice"));
    }

    [Test]
    public void TrafficProfile_VxlanVlanMarkedIn64ByteMix_RejectsSmallestSize()
    {
        TrafficStream s = new()
        {
            Name = "vx",
            FrameSizes = FrameSizeMix.Parse("128:1,64:3"),
            Headers = new HeaderStack { VxlanVni = 7, VlanId = 10 },
        };

        ConfigurationException? ex = Assert.Throws<ConfigurationException>(() => _ = new TrafficProfile([s]));

        Assert.That(ex!.Message, Does.Contain("frame size 64 B cannot hold 96 B of headers"));
    }

    [Test]
    public void Bidirectional_Stream_ReverseSwapsPortsAndAddresses()
    {
        TrafficStream fwd = new() { Name = "f", TxPort = 0, RxPort = 1 };

        TrafficProfile p = TrafficProfile.Bidirectional(fwd);

        Assert.Multiple(() =>
        {
            Assert.That(p.Streams, Has.Count.EqualTo(2));
            Assert.That(p.Streams[1].TxPort, Is.EqualTo(1));
            Assert.That(p.Streams[1].Headers.SourceIp, Is.EqualTo(fwd.Headers.DestinationIp));
        });
    }
}
