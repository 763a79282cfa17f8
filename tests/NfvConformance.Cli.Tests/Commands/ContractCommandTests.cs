// Licensed under the Apache License, Version 2.0.
using System.Text.Json;

namespace NfvConformance.Cli.Tests.Commands;

/// <summary>The JSON contracts that checks outside the repository read (issues 3, 4 and 5), through the real tool.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class ContractCommandTests
{
    [TestCase("basic")]
    [TestCase("high-performance")]
    public void Discover_Json_HasTheContractShape(string profile)
    {
        (int code, string stdout, string stderr) = NfvcProcess.Run("discover", "--target", "emulator", "--profile", profile, "--json");

        Assert.That(code, Is.EqualTo(0), stderr);
        using JsonDocument doc = JsonDocument.Parse(stdout);
        Assert.That(doc.RootElement.GetProperty("profile").GetString(), Is.EqualTo(profile));
        JsonElement[] nodes = [.. doc.RootElement.GetProperty("nodes").EnumerateArray()];
        Assert.That(nodes, Is.Not.Empty);
        foreach (JsonElement node in nodes)
        {
            Assert.That(node.GetProperty("id").GetString(), Is.Not.Empty);
            Assert.That(node.GetProperty("site").GetString(), Is.Not.Empty);
            Assert.That(node.GetProperty("capabilities").TryGetProperty("RM:e.cap.001", out _), Is.True);
            Assert.That(node.GetProperty("nics").ValueKind, Is.EqualTo(JsonValueKind.Array));
            Assert.That(node.GetProperty("accelerators").ValueKind, Is.EqualTo(JsonValueKind.Array));
            Assert.That(node.GetProperty("provenance").ValueKind, Is.EqualTo(JsonValueKind.Object));
        }
    }

    [TestCase("io")]
    [TestCase("memif")]
    public void BenchDataplane_Json_HasTheContractKeysAndAllocatesNothing(string chain)
    {
        (int code, string stdout, string stderr) = NfvcProcess.Run("bench", "dataplane", "--chain", chain, "--seconds", "1", "--json");

        Assert.That(code, Is.EqualTo(0), stderr);
        using JsonDocument doc = JsonDocument.Parse(stdout);
        JsonElement root = doc.RootElement;
        foreach (string key in new[] { "chain", "frame_size", "flows", "cores", "packets", "seconds", "mpps", "ns_per_packet", "allocated_bytes_per_packet", "nodes" })
        {
            Assert.That(root.TryGetProperty(key, out _), Is.True, key);
        }

        Assert.That(root.GetProperty("chain").GetString(), Is.EqualTo(chain));
        Assert.That(root.GetProperty("frame_size").GetInt32(), Is.EqualTo(64));
        Assert.That(root.GetProperty("packets").GetInt64(), Is.Positive);
        Assert.That(root.GetProperty("nodes").EnumerateArray().Sum(n => n.GetProperty("packets").GetInt64()), Is.EqualTo(root.GetProperty("packets").GetInt64()));
        Assert.That(root.GetProperty("allocated_bytes_per_packet").GetDouble(), Is.Zero);
    }

    [Test]
    public void BenchDataplane_MemifCombinedWithAVnf_ExitsTwoNamingTheFix()
    {
        (int code, _, string stderr) = NfvcProcess.Run("bench", "dataplane", "--chain", "memif,fw", "--seconds", "1", "--json");

        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("--chain memif on its own"));
    }

    [Test]
    public void BenchDataplane_UnknownChain_ExitsTwo()
    {
        (int code, _, string stderr) = NfvcProcess.Run("bench", "dataplane", "--chain", "bogus", "--seconds", "1", "--json");

        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("bogus"));
    }

    [TestCase("bisection")]
    [TestCase("tst009")]
    [TestCase("mlr")]
    public void BenchNdr_IssueExampleDevice_FindsItsCapacity(string method)
    {
        string dut = Path.Combine(NfvcProcess.NewTempDirectory(), "dut.yaml");
        File.WriteAllText(dut, """
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
            """);

        (int code, string stdout, string stderr) = NfvcProcess.Run("bench", "ndr", "--dut", dut, "--frame-size", "64", "--method", method, "--json");

        Assert.That(code, Is.EqualTo(0), stderr);
        using JsonDocument doc = JsonDocument.Parse(stdout);
        JsonElement root = doc.RootElement;
        foreach (string key in new[] { "ndr_pps", "pdr_pps", "ndr_pct_line", "pdr_pct_line", "trials", "trial_seconds_total", "latency", "search" })
        {
            Assert.That(root.TryGetProperty(key, out _), Is.True, key);
        }

        // True capacity 3,000,000 pps of a 14,880,952 pps line: within 0.1 % of line rate (14,881 pps).
        Assert.That(root.GetProperty("ndr_pps").GetDouble(), Is.EqualTo(3_000_000).Within(14_881));
        Assert.That(root.GetProperty("pdr_pps").GetDouble(), Is.GreaterThanOrEqualTo(root.GetProperty("ndr_pps").GetDouble()));
        Assert.That(root.GetProperty("search").GetArrayLength(), Is.EqualTo(root.GetProperty("trials").GetInt32()));
    }

    [Test]
    public void BenchNdr_FrameSizeOutOfRange_ExitsTwoBeforeAnyTraffic()
    {
        string dut = Path.Combine(NfvcProcess.NewTempDirectory(), "dut.yaml");
        File.WriteAllText(dut, "name: d\nline_rate_gbps: 10\ncapacity_pps: 1000000\nseed: 1\n");

        (int code, _, string stderr) = NfvcProcess.Run("bench", "ndr", "--dut", dut, "--frame-size", "63", "--json");

        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("63"));
    }
}
