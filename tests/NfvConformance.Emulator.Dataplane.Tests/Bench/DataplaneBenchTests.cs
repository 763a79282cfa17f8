// Licensed under the Apache License, Version 2.0.
using System.Text.Json;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Emulator.Dataplane.Bench;

namespace NfvConformance.Emulator.Dataplane.Tests.Bench;

public sealed class DataplaneBenchTests
{
    private static readonly string[] s_keys = ["chain", "frame_size", "flows", "cores", "packets", "seconds", "mpps", "ns_per_packet", "allocated_bytes_per_packet", "nodes"];

    [TestCase("io")]
    [TestCase("memif")]
    [TestCase("fw,nat,router")]
    [TestCase("lb,l2fwd,impair")]
    public void Validate_KnownChains_NoErrors(string chain)
    {
        Assert.That(new DataplaneBenchOptions { Chain = chain }.Validate(), Is.Empty);
    }

    [Test]
    public void Validate_EveryBadOption_ReportedTogether()
    {
        DataplaneBenchOptions options = new() { Chain = "fw,bogus", FrameSize = 10, Flows = 0, Seconds = 0, Cores = 0 };

        IReadOnlyList<ValidationError> errors = options.Validate();

        Assert.That(errors.Select(e => e.Subject), Is.EquivalentTo(new[] { "--chain", "--frame-size", "--flows", "--seconds", "--cores" }));
        Assert.That(errors[0].Message, Does.Contain("bogus").And.Contain("fw, nat, router"));
    }

    [TestCase("memif,fw")]
    [TestCase("fw,io")]
    public void Validate_MemifOrIoCombined_SaysToUseItAlone(string chain)
    {
        IReadOnlyList<ValidationError> errors = new DataplaneBenchOptions { Chain = chain }.Validate();

        Assert.That(errors, Has.Count.EqualTo(1));
        Assert.That(errors[0].Message, Does.Contain("on its own"));
    }

    [Test]
    public void Run_Memif_NodesAreTheTwoDirectionsAndSumToThePackets()
    {
        DataplaneBenchResult result = DataplaneBench.Run(new DataplaneBenchOptions { Chain = "memif", Seconds = 0.1 });

        Assert.That(result.Nodes.Select(n => n.Name), Is.EqualTo(new[] { "memif-a-to-memif-b", "memif-b-to-memif-a" }));
        Assert.That(result.Nodes.Sum(n => n.Packets), Is.EqualTo(result.Packets));
        Assert.That(result.Nodes.Min(n => n.Packets), Is.GreaterThan(0), "both directions forwarded");
    }

    [Test]
    public void Run_BadOptions_ThrowsConfiguration()
    {
        Assert.Throws<ConfigurationException>(() => DataplaneBench.Run(new DataplaneBenchOptions { Chain = "nope" }));
    }

    [Test]
    public void ToJson_HasExactlyTheContractKeysInOrder()
    {
        DataplaneBenchResult result = new("io", 64, 1, 1, 10, 1.0, 0.00001, 100, 0, [new DataplaneBenchNode("a", 1.5, 10, 0)]);

        using JsonDocument doc = JsonDocument.Parse(result.ToJson());

        Assert.That(doc.RootElement.EnumerateObject().Select(p => p.Name), Is.EqualTo(s_keys));
        Assert.That(doc.RootElement.GetProperty("nodes")[0].EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "name", "ns_per_packet", "packets", "drops" }));
    }

    [TestCase("io", 1)]
    [TestCase("memif", 1)]
    [TestCase("fw,nat,router", 1000)]
    [Category("Slow")]
    public void Run_ShortChain_ForwardsPacketsWithoutAllocating(string chain, int flows)
    {
        DataplaneBenchResult result = DataplaneBench.Run(new DataplaneBenchOptions { Chain = chain, Flows = flows, Seconds = 0.1 });

        Assert.That(result.Packets, Is.GreaterThan(0));
        Assert.That(result.AllocatedBytesPerPacket, Is.Zero);
        Assert.That(result.Nodes.Sum(n => n.Drops), Is.Zero);
        Assert.That(result.Nodes, Is.Not.Empty);
    }
}
