// Licensed under the Apache License, Version 2.0.
using System.Text.Json;

namespace NfvConformance.Cli.Tests.Commands;

[Parallelizable(ParallelScope.All)]
public sealed class ChainAndRfc2544CommandTests
{
    private static readonly string s_threeHop = Path.Combine(NfvcProcess.RepositoryRoot, "tests", "NfvConformance.Emulator.ServiceChaining.Tests", "TestData", "three-hop.yaml");

    [Test]
    public void Chain_TheDocumentedExample_IsAppliedAndItsChainsListed()
    {
        (int code, string stdout, string stderr) = NfvcProcess.Run("chain", s_threeHop);

        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Does.Contain("applied as generation"));
        Assert.That(stdout, Does.Contain("chain web-chain:"));
    }

    [Test]
    public void Chain_UnknownKeyAndAGroupNoChainHas_ExitsTwoWithFileAndLine()
    {
        string spec = Path.Combine(NfvcProcess.NewTempDirectory(), "bad.yaml");
        File.WriteAllText(spec, File.ReadAllText(s_threeHop) + "\nport_chainz: []\n");

        (int code, _, string stderr) = NfvcProcess.Run("chain", spec);

        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain($"{spec}:"));
        Assert.That(stderr, Does.Contain("port_chainz"));
    }

    [Test]
    public void BenchRfc2544_ShortTrials_ReportsTheFourBenchmarksAsJson()
    {
        string dut = Path.Combine(NfvcProcess.NewTempDirectory(), "dut.yaml");
        File.WriteAllText(dut, "name: d\nline_rate_gbps: 10\ncapacity_pps: 3000000\nbuffer_frames: 4096\nlatency_us: {base: 10.0, load_factor: 2.0}\nseed: 1\n");

        (int code, string stdout, string stderr) = NfvcProcess.Run(
            "bench", "rfc2544", "--dut", dut, "--trial-seconds", "1", "--latency-seconds", "1", "--latency-repetitions", "2", "--back-to-back-repetitions", "2", "--json");

        Assert.That(code, Is.Zero, stderr);
        using JsonDocument json = JsonDocument.Parse(stdout);
        JsonElement root = json.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("throughput_pps").GetDouble(), Is.InRange(2_900_000, 3_000_000), "the device's capacity, within the search resolution");
            Assert.That(root.GetProperty("frame_loss").GetArrayLength(), Is.GreaterThan(1));
            Assert.That(root.GetProperty("back_to_back_searches").GetInt32(), Is.EqualTo(2), "--back-to-back-repetitions");
            Assert.That(root.GetProperty("latency_average_us").GetDouble(), Is.GreaterThan(0));
        });
    }
}
