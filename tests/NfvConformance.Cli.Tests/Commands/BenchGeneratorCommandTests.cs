// Licensed under the Apache License, Version 2.0.
using System.Text.Json;

namespace NfvConformance.Cli.Tests.Commands;

/// <summary><c>nfvc bench generator</c> through the real executable.</summary>
[TestFixture]
public sealed class BenchGeneratorCommandTests
{
    [TestCase("--frame-size", "32", "--frame-size 32")]
    [TestCase("--seconds", "0", "--seconds 0")]
    public void Bad_settings_exit_2_before_anything_is_created(string option, string value, string expected)
    {
        (int code, string stdout, string stderr) = NfvcProcess.Run("bench", "generator", option, value, "--json");

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(2), stderr);
            Assert.That(stderr, Does.Contain(expected));
            Assert.That(stdout, Is.Empty);
        });
    }

    [Test]
    public void As_root_it_prints_the_figures_of_a_veth_pair_it_creates_and_removes()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Tools.Missing("nfvc bench generator needs root (namespace, veth pair, AF_PACKET sockets); run the tests as root.");
        }

        (int code, string stdout, string stderr) = NfvcProcess.Run("bench", "generator", "--frame-size", "64", "--seconds", "1", "--json");

        Assert.That(code, Is.Zero, stderr);
        using JsonDocument doc = JsonDocument.Parse(stdout);
        JsonElement r = doc.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(r.GetProperty("frame_size").GetInt32(), Is.EqualTo(64));
            Assert.That(r.GetProperty("seconds").GetDouble(), Is.GreaterThan(0.5));
            Assert.That(r.GetProperty("sent").GetInt64(), Is.GreaterThan(10_000));
            Assert.That(r.GetProperty("received").GetInt64(), Is.EqualTo(r.GetProperty("sent").GetInt64()), "a veth pair loses nothing");
            Assert.That(r.GetProperty("pps").GetDouble(), Is.GreaterThan(10_000));
            Assert.That(r.GetProperty("method").GetString(), Does.Contain("af_packet"));
        });
    }
}
