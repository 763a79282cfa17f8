// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Traffic.Devices;

namespace NfvConformance.Traffic.Tests.Devices;

public sealed class DeviceFileTests
{
    private const string IssueExample = """
        name: example-dut
        line_rate_gbps: 10            # 64 B line rate = 14,880,952 pps at 10 Gb/s
        capacity_pps: 3000000         # forwards this many packets/s without loss; or a map {64: ..., 1518: ...}
        loss:
          background_ratio: 0.0       # loss independent of load
          above_capacity: proportional  # offered above capacity: the excess is dropped
        latency_us:
          base: 10.0
          load_factor: 2.0            # added latency at 100 % of capacity, growing with load
          jitter: lognormal           # none | uniform | lognormal
          sigma: 0.25
        seed: 1
        """;

    [Test]
    public void Parse_IssueExample_ReadsEveryField()
    {
        DeviceModel d = DeviceFile.Parse(IssueExample, "dut.yaml");

        Assert.Multiple(() =>
        {
            Assert.That(d.Name, Is.EqualTo("example-dut"));
            Assert.That(d.LineRateGbps, Is.EqualTo(10));
            Assert.That(d.CapacityAt(64), Is.EqualTo(3_000_000));
            Assert.That(d.BackgroundLossRatio, Is.Zero);
            Assert.That(d.AboveCapacity, Is.EqualTo(AboveCapacityLoss.Proportional));
            Assert.That(d.BaseLatencyUs, Is.EqualTo(10));
            Assert.That(d.LoadFactorUs, Is.EqualTo(2));
            Assert.That(d.Jitter, Is.EqualTo(JitterKind.Lognormal));
            Assert.That(d.Sigma, Is.EqualTo(0.25));
            Assert.That(d.Seed, Is.EqualTo(1));
        });
    }

    [Test]
    public void Parse_CapacityMap_InterpolatesBetweenSizesAndCombinesImix()
    {
        DeviceModel d = DeviceFile.Parse("line_rate_gbps: 10\ncapacity_pps: {64: 4000000, 1518: 800000}\n", "m.yaml");

        Assert.Multiple(() =>
        {
            Assert.That(d.Name, Is.EqualTo("m"));
            Assert.That(d.CapacityAt(64), Is.EqualTo(4_000_000));
            Assert.That(d.CapacityAt(791), Is.EqualTo(2_400_000).Within(1));
            Assert.That(d.CapacityAt(9000), Is.EqualTo(800_000));
            // IMIX: 7/12 at 64 B, 4/12 at 594 B, 1/12 at 1518 B; each packet takes 1/capacity(size) seconds.
            double perPacket = (7 / 12.0 / 4e6) + (4 / 12.0 / d.CapacityAt(594)) + (1 / 12.0 / 8e5);
            Assert.That(d.CapacityFor(FrameSizeMix.Imix), Is.EqualTo(1 / perPacket).Within(1e-6));
        });
    }

    [Test]
    public void Parse_ManyProblems_ListsEachWithFileAndLine()
    {
        const string Yaml = "name: x\nline_rate_gbps: -1\ncapacity_pps: [1, 2]\nloss:\n  background_ratio: 2\n  above_capacity: tail\nlatency_us:\n  jitter: gaussian\nfoo: 1\n";

        ConfigurationException? ex = Assert.Throws<ConfigurationException>(() => DeviceFile.Parse(Yaml, "bad.yaml"));

        Assert.That(ex!.Message, Does.Contain("bad.yaml:2:17")
            .And.Contain("bad.yaml:3:15")
            .And.Contain("bad.yaml:5:21")
            .And.Contain("bad.yaml:6:19").And.Contain("'proportional'")
            .And.Contain("bad.yaml:8:11").And.Contain("gaussian")
            .And.Contain("bad.yaml:9:1").And.Contain("unknown key 'foo'"));
    }

    [Test]
    public void Parse_MissingRequired_SaysWhatIsRequired()
    {
        ConfigurationException? ex = Assert.Throws<ConfigurationException>(() => DeviceFile.Parse("name: x\n", "r.yaml"));

        Assert.That(ex!.Message, Does.Contain("'line_rate_gbps' is required").And.Contain("'capacity_pps' is required"));
    }

    [Test]
    public void Parse_BrokenYaml_NamesLine()
    {
        ConfigurationException? ex = Assert.Throws<ConfigurationException>(() => DeviceFile.Parse("name: [x\nseed: 1\n", "s.yaml"));

        Assert.That(ex!.Message, Does.StartWith("s.yaml").And.Contain("not valid YAML"));
    }

    [Test]
    public void Parse_CapacityMapBadSize_NamesLine()
    {
        ConfigurationException? ex = Assert.Throws<ConfigurationException>(() => DeviceFile.Parse("line_rate_gbps: 10\ncapacity_pps:\n  32: 100\n", "c.yaml"));

        Assert.That(ex!.Message, Does.Contain("c.yaml:3:3").And.Contain("64..9216"));
    }

    [Test]
    public void Load_MissingFile_SaysNotFound()
    {
        ConfigurationException? ex = Assert.Throws<ConfigurationException>(() => DeviceFile.Load("/nonexistent/dut.yaml"));

        Assert.That(ex!.Message, Does.Contain("/nonexistent/dut.yaml").And.Contain("not found"));
    }

    [Test]
    public void TrueRateAtLoss_BackgroundBelowThreshold_IsCapacityScaled()
    {
        DeviceModel d = DeviceFile.Parse("line_rate_gbps: 10\ncapacity_pps: 3000000\nloss: {background_ratio: 0.000001}\n", "t.yaml");

        double ndr = d.TrueRateAtLoss(FrameSizeMix.Single(64), 1e-5);

        Assert.That(ndr, Is.EqualTo(3_000_000 * (1 - 1e-6) / (1 - 1e-5)).Within(1e-6));
    }
}
