// Licensed under the Apache License, Version 2.0.
using System.Text.Json;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Traffic.Bench;
using NfvConformance.Traffic.Devices;
using NfvConformance.Traffic.Generators;
using NfvConformance.Traffic.Methods;

namespace NfvConformance.Traffic.Tests.Bench;

public sealed class NdrBenchTests
{
    private const string Dut = """
        name: example-dut
        line_rate_gbps: 10
        capacity_pps: 3000000
        loss:
          background_ratio: 0.0
          above_capacity: proportional
        latency_us:
          base: 10.0
          load_factor: 2.0
          jitter: lognormal
          sigma: 0.25
        seed: 1
        """;

    private string _dir = string.Empty;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "nfvc-ndr-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [TestCase(NdrSearchMethod.Mlr)]
    [TestCase(NdrSearchMethod.Bisection)]
    [TestCase(NdrSearchMethod.Tst009)]
    public async Task RunAsync_IssueExample_JsonHasContractFields(NdrSearchMethod method)
    {
        // Given
        string file = Write("dut.yaml", Dut);

        // When
        NdrBenchReport report = await NdrBench.RunAsync(new NdrBenchOptions { DutFile = file, Search = new NdrPdrOptions { Method = method } });
        using JsonDocument json = JsonDocument.Parse(report.ToJson());
        JsonElement root = json.RootElement;

        // Then
        Assert.Multiple(() =>
        {
            foreach (string field in new[] { "ndr_pps", "pdr_pps", "ndr_pct_line", "pdr_pct_line", "trials", "trial_seconds_total" })
            {
                Assert.That(root.TryGetProperty(field, out _), Is.True, field);
            }

            Assert.That(root.GetProperty("ndr_pps").GetDouble(), Is.EqualTo(3_000_000).Within(14_881), "within 0.1 % of line");
            Assert.That(root.GetProperty("pdr_pct_line").GetDouble(), Is.EqualTo(20.18).Within(0.1));
            Assert.That(root.GetProperty("search").GetArrayLength(), Is.EqualTo(root.GetProperty("trials").GetInt32()));
            Assert.That(root.GetProperty("search")[0].GetProperty("tx").GetInt64(), Is.GreaterThan(0));
            Assert.That(root.GetProperty("latency").GetProperty("p99").GetDouble(), Is.GreaterThan(root.GetProperty("latency").GetProperty("p50").GetDouble()));
            Assert.That(root.GetProperty("latency").GetProperty("generator_bias_us").GetDouble(), Is.EqualTo(2.0));
            Assert.That(root.GetProperty("latency").GetProperty("at_pct_pdr").GetProperty("90").GetProperty("p50").GetDouble(), Is.EqualTo(10 + (2 * 0.9 * 0.998)).Within(0.2));
            Assert.That(root.GetProperty("method").GetString(), Is.EqualTo(method.ToString().ToLowerInvariant()));
        });
    }

    [Test]
    public void RunAsync_EveryBadInput_OneErrorListingAllBeforeTraffic()
    {
        // Given
        string file = Write("bad.yaml", "name: x\nline_rate_gbps: 10\ncapacity_pps: -5\n");
        NdrBenchOptions options = new()
        {
            DutFile = file,
            FrameSize = "9217",
            Flows = 0,
            Search = new NdrPdrOptions { NdrLossRatio = 0.5, PdrLossRatio = 0.1 },
        };

        // When
        ConfigurationException? ex = Assert.ThrowsAsync<ConfigurationException>(() => NdrBench.RunAsync(options));

        // Then
        Assert.That(ex!.Message, Does.Contain("9217 B is outside 64..9216")
            .And.Contain("--flows 0")
            .And.Contain("PDR loss ratio 0.1 must be >= NDR loss ratio 0.5")
            .And.Contain("bad.yaml:3:15"));
    }

    [Test]
    public async Task RunAsync_Bidirectional_NdrPerDirectionAndBothPortsSend()
    {
        string file = Write("dut.yaml", Dut);

        NdrBenchReport report = await NdrBench.RunAsync(new NdrBenchOptions { DutFile = file, Bidirectional = true, FrameSize = "IMIX" });

        Assert.Multiple(() =>
        {
            Assert.That(report.Search.NdrPps, Is.EqualTo(3_000_000).Within(0.001 * report.Search.LineRatePps));
            Assert.That(report.Search.Trials[0].TxPackets, Is.EqualTo(2 * 3_273_680 + 2_000).Within(2), "1 s at 100 % of IMIX line rate on two ports, plus two latency streams");
        });
    }

    [Test]
    public void RunAsync_MaxRateAboveLine_Rejected()
    {
        string file = Write("dut.yaml", Dut);

        ConfigurationException? ex = Assert.ThrowsAsync<ConfigurationException>(() => NdrBench.RunAsync(new NdrBenchOptions { DutFile = file, MaxRatePps = 15_000_000 }));

        Assert.That(ex!.Message, Does.Contain("--max-rate 15000000 pps").And.Contain("14880952"));
    }

    [Test]
    public async Task RunAsync_MaxRateBelowCapacity_NdrCappedAtIt()
    {
        string file = Write("dut.yaml", Dut);

        NdrBenchReport report = await NdrBench.RunAsync(new NdrBenchOptions { DutFile = file, MaxRatePps = 1_000_000 });

        Assert.That(report.Search.NdrPps, Is.EqualTo(1_000_000).Within(1));
    }

    [Test]
    public void RunAsyncThroughAGenerator_EveryBadInput_OneErrorListingAllBeforeTraffic()
    {
        CountingGenerator generator = new(new EmulatedDeviceGenerator(DeviceFile.Parse(Dut, "dut.yaml")));
        NdrBenchOptions options = new() { FrameSize = "9217", Flows = 0, MaxRatePps = 15_000_000, Search = new NdrPdrOptions { NdrLossRatio = 0.5, PdrLossRatio = 0.1 } };

        ConfigurationException? ex = Assert.ThrowsAsync<ConfigurationException>(() => NdrBench.RunAsync(generator, options));

        Assert.That(ex!.Message, Does.Contain("9217 B is outside 64..9216").And.Contain("--flows 0").And.Contain("PDR loss ratio 0.1 must be >= NDR loss ratio 0.5"));
        Assert.That(generator.Trials, Is.Zero, "nothing ran");
    }

    [Test]
    public async Task RunAsyncThroughAGenerator_SameSearchAsTheDutFile_NamedAfterTheGeneratorWithoutBias()
    {
        string file = Write("dut.yaml", Dut);
        NdrBenchOptions options = new() { DutFile = file, MaxRatePps = 1_000_000 };
        EmulatedDeviceGenerator generator = new(DeviceFile.Parse(Dut, "dut.yaml"));

        NdrBenchReport fromFile = await NdrBench.RunAsync(options);
        NdrBenchReport through = await NdrBench.RunAsync(generator, options);

        Assert.That(through.Search.NdrPps, Is.EqualTo(fromFile.Search.NdrPps));
        Assert.That(through.Search.Trials.Select(t => (t.RatePps, t.TxPackets, t.RxPackets)), Is.EqualTo(fromFile.Search.Trials.Select(t => (t.RatePps, t.TxPackets, t.RxPackets))));
        Assert.That(through.Device.Name, Is.EqualTo(generator.Name));
        Assert.That(through.Bias, Is.EqualTo(LatencyBias.None));
    }

    private sealed class CountingGenerator(ITrafficGeneration inner) : ITrafficGeneration
    {
        public int Trials { get; private set; }

        public string Name => inner.Name;

        public TrafficGeneratorInfo Info => inner.Info;

        public TimeProvider Clock => inner.Clock;

        public ValueTask<TrialResult> RunTrialAsync(TrialRequest request, CancellationToken cancellationToken = default)
        {
            Trials++;
            return inner.RunTrialAsync(request, cancellationToken);
        }
    }

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }
}
