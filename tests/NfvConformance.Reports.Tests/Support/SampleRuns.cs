// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Measurements;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Reports.Model;

namespace NfvConformance.Reports.Tests.Support;

/// <summary>Fixed runs for the exporter tests: every status, a hostile feature name, measurements and performance evidence.</summary>
internal static class SampleRuns
{
    public const string Hostile = "<script>alert(1)</script>";

    public const string ConfigHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    public static readonly DateTimeOffset Start = new(2026, 11, 21, 6, 0, 0, TimeSpan.Zero);

    public static RunSummary Mixed(string id = "run-0001", DateTimeOffset? started = null)
    {
        DateTimeOffset t0 = started ?? Start;
        return new RunSummary
        {
            Run = new RunInfo { Id = id, Started = t0, Finished = t0.AddSeconds(42), Target = "emulator", Profile = "basic", ToolVersion = "0.1.0", Seed = 7 },
            Environment = new EnvironmentFingerprint { ToolVersion = "0.1.0", Os = "Linux test", Cpu = "Test CPU @ 2.0GHz", CpuCount = 2, Nics = ["eth0 virtio_net 10000"], ConfigHash = ConfigHash },
            Requirements =
            [
                new Requirement("RA1:e.cap.001", "e.cap.001", "exposed-capability", "Publish the number of vCPUs", "MUST", "compute", ["compute"], "current", "catalog.yaml:10"),
                new Requirement("RA2:net.thr.01", "net.thr.01", "requirement", "Forward 64-byte frames at line rate", "SHOULD", "network", ["networking"], "current", "catalog.yaml:20"),
                new Requirement("RA1:e.cap.099", "e.cap.099", "exposed-capability", "Expose SR-IOV virtual functions", "MAY", "network", ["sriov"], "current", "catalog.yaml:30"),
            ],
            Scenarios =
            [
                Scenario("Discovery/Caps.feature:5", "Published capabilities", "Capabilities are published", ScenarioStatus.Passed, ["RA1:e.cap.001"]),
                Scenario("Perf/Throughput.feature:8", "Throughput", "NDR at 64 bytes", ScenarioStatus.Failed, ["RA2:net.thr.01"]) with
                {
                    Error = "ndr_pps 1.2e6 below target >= 2e6",
                    Steps =
                    [
                        Step("Given ", "a chain of 2 VNFs", "passed"),
                        Step("When ", "I search the NDR at 64 bytes", "passed"),
                        Step("Then ", "the NDR is at least 2 Mpps", "failed", "ndr_pps 1.2e6 below target >= 2e6"),
                    ],
                    Measurements =
                    [
                        new Measurement("ndr_pps", 1_200_000, "pps", ">= 2000000", MeasurementVerdict.Fail),
                        new Measurement("latency_p99_us", 41.5, "us", "<= 100", MeasurementVerdict.Pass) { Spread = new MeasurementSpread(3, 39.25, 44.5, 2.5) },
                    ],
                    Evidence = Evidence(),
                },
                Scenario("Hostile.feature:3", Hostile, Hostile + " scenario", ScenarioStatus.Undefined, [Hostile]) with
                {
                    Steps = [Step("Given ", Hostile, "undefined") with { Snippet = "[Given(\"" + Hostile + "\")]" }],
                },
                Scenario("Discovery/Caps.feature:12", "Published capabilities", "SR-IOV published", ScenarioStatus.NotApplicable, ["RA1:e.cap.099"]) with { Reason = "target does not publish sriov" },
            ],
        };
    }

    public static PerformanceEvidence Evidence() => new()
    {
        Throughput = [new ThroughputPoint(64, 1_200_000, 1_500_000, 14_880_952), new ThroughputPoint(512, 1_000_000, 1_100_000, 2_349_624), new ThroughputPoint(1518, 800_000, 810_000, 812_743)],
        LatencyPercentiles = [new LatencyPercentile(50, 12.5), new LatencyPercentile(90, 20.1), new LatencyPercentile(99, 41.5), new LatencyPercentile(99.9, 77.0)],
        LatencyCdf = [new CdfPoint(5, 0.01), new CdfPoint(10, 0.3), new CdfPoint(12.5, 0.5), new CdfPoint(20.1, 0.9), new CdfPoint(41.5, 0.99), new CdfPoint(77, 0.999), new CdfPoint(90, 1.0)],
        SearchTrace =
        [
            new SearchTrial(1, 64, 14_880_952, 0.82, false),
            new SearchTrial(2, 64, 7_440_476, 0.6, false),
            new SearchTrial(3, 64, 3_720_238, 0.3, false),
            new SearchTrial(4, 64, 1_860_119, 0.01, false),
            new SearchTrial(5, 64, 930_059, 0, true),
            new SearchTrial(6, 64, 1_395_089, 0.001, false),
            new SearchTrial(7, 64, 1_162_574, 0, true),
        ],
    };

    public static ScenarioSummary Scenario(string id, string feature, string name, ScenarioStatus status, IReadOnlyList<string> requirements) => new()
    {
        Id = id,
        Feature = feature,
        FeatureFile = id[..id.LastIndexOf(':')],
        Name = name,
        Location = id,
        Tags = [.. requirements.Select(r => "@req:" + r)],
        Requirements = requirements,
        Status = status,
        DurationMs = 125.5,
        Steps = status == ScenarioStatus.Passed ? [Step("Given ", "the target publishes its capabilities", "passed"), Step("Then ", "the vCPU count is published", "passed")] : [],
    };

    public static StepSummary Step(string keyword, string text, string status, string? error = null) =>
        new() { Keyword = keyword, Text = text, Status = status, Location = "x.feature:1", DurationMs = 10, Error = error };

    /// <summary>A run with one throughput measurement, for history tests.</summary>
    public static RunSummary Throughput(string id, DateTimeOffset started, double ndrPps, string profile = "basic", string cpu = "Test CPU @ 2.0GHz") => new()
    {
        Run = new RunInfo { Id = id, Started = started, Finished = started.AddMinutes(1), Target = "emulator", Profile = profile, ToolVersion = "0.1.0" },
        Environment = new EnvironmentFingerprint { ToolVersion = "0.1.0", Os = "Linux test", Cpu = cpu, CpuCount = 2, ConfigHash = ConfigHash },
        Scenarios =
        [
            Scenario("Perf/Throughput.feature:8", "Throughput", "NDR at 64 bytes", ScenarioStatus.Passed, ["RA2:net.thr.01"]) with
            {
                Measurements = [new Measurement("ndr_pps", ndrPps, "pps", ">= 1000000", MeasurementVerdict.Pass), new Measurement("latency_p99_us", 40, "us")],
            },
        ],
    };
}
