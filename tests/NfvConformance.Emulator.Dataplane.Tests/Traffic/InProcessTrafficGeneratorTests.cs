// Licensed under the Apache License, Version 2.0.
using System.Net;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Emulator.Dataplane.Buffers;
using NfvConformance.Emulator.Dataplane.Graph;
using NfvConformance.Emulator.Dataplane.Ports;
using NfvConformance.Emulator.Dataplane.Traffic;
using NfvConformance.Emulator.Dataplane.Vnfs;

namespace NfvConformance.Emulator.Dataplane.Tests.Traffic;

[Category("Slow")]
public sealed class InProcessTrafficGeneratorTests
{
    private static TrialRequest Request(long frames, params TrafficStream[] streams) => new()
    {
        Profile = new TrafficProfile(streams),
        RatePerPort = TrafficRate.Pps(200_000),
        FramesPerPort = frames,
    };

    private static TrafficStream Forward(int flows = 16) => new() { Name = "fwd", TxPort = 0, RxPort = 1, FlowCount = flows };

    /// <summary>A device: port 0 → impairment → port 1, and port 1 straight back to port 0.</summary>
    private static DataplaneWorker Lossy(PacketPool pool, IReadOnlyList<Port> ports)
    {
        NodeGraph graph = new NodeGraphBuilder()
            .WithNode(new ImpairmentNode("loss", new ImpairmentOptions { Next = "out1", LossProbability = 0.1, Seed = 5 }))
            .WithNode(new PortOutputNode("out1", ports[1], TimeSpan.Zero))
            .WithNode(new PortOutputNode("out0", ports[0], TimeSpan.Zero))
            .Build(pool);
        DataplaneWorker worker = new(graph);
        worker.AddInput(ports[0], "loss");
        worker.AddInput(ports[1], "out0");
        return worker;
    }

    [Test]
    public async Task Wire_BothDirections_EveryFrameBackInOrderWithLatency()
    {
        InProcessTrafficGenerator generator = new();
        TrafficStream fwd = Forward();

        TrialResult result = await generator.RunTrialAsync(Request(2000, fwd, fwd.Reverse()));

        Assert.That(result.TxPackets, Is.EqualTo(4000));
        Assert.That(result.RxPackets, Is.EqualTo(4000));
        Assert.That(result.LostPackets, Is.Zero);
        Assert.That(result.Streams.Select(s => s.RxPackets), Is.EqualTo(new long[] { 2000, 2000 }));
        Assert.That(result.Streams.Sum(s => s.OutOfOrder + s.Duplicates), Is.Zero);
        Assert.That(result.Latency.Count, Is.EqualTo(4000));
        Assert.That(result.Latency.Min, Is.GreaterThan(0));
    }

    [Test]
    public async Task LossyDevice_LossIsAValueNearTheConfiguredRatio()
    {
        InProcessTrafficGenerator generator = new(new InProcessTrafficGeneratorOptions { Device = Lossy });

        TrialResult result = await generator.RunTrialAsync(Request(5000, Forward()));

        Assert.That(result.TxPackets, Is.EqualTo(5000));
        Assert.That(result.LossRatio, Is.InRange(0.07, 0.13));
    }

    [Test]
    public async Task DenyingFirewall_NothingComesBack_NoException()
    {
        InProcessTrafficGenerator generator = new(new InProcessTrafficGeneratorOptions
        {
            Device = (pool, ports) =>
            {
                NodeGraph graph = new NodeGraphBuilder()
                    .WithNode(new FirewallNode("fw", new FirewallOptions { Next = "out1" }))
                    .WithNode(new PortOutputNode("out1", ports[1], TimeSpan.Zero))
                    .Build(pool);
                DataplaneWorker worker = new(graph);
                worker.AddInput(ports[0], "fw");
                return worker;
            },
        });

        TrialResult result = await generator.RunTrialAsync(Request(500, Forward()));

        Assert.That(result.TxPackets, Is.EqualTo(500));
        Assert.That(result.RxPackets, Is.Zero);
        Assert.That(result.Flags & MeasurementFlags.LatencyUnavailable, Is.EqualTo(MeasurementFlags.LatencyUnavailable));
    }

    [Test]
    public void Ipv6Stream_RejectedBeforeSending()
    {
        InProcessTrafficGenerator generator = new();
        TrafficStream v6 = Forward() with { FrameSizes = FrameSizeMix.Single(128), Headers = new HeaderStack { L3 = L3Protocol.IPv6, SourceIp = IPAddress.Parse("2001:db8::1"), DestinationIp = IPAddress.Parse("2001:db8::2") } };

        ConfigurationException ex = Assert.ThrowsAsync<ConfigurationException>(async () => await generator.RunTrialAsync(Request(10, v6)))!;

        Assert.That(ex.Message, Does.Contain("fwd").And.Contain("IPv4/UDP"));
    }

    [Test]
    public void UnknownPort_RejectedBeforeSending()
    {
        InProcessTrafficGenerator generator = new();

        Assert.ThrowsAsync<ConfigurationException>(async () => await generator.RunTrialAsync(Request(10, Forward() with { RxPort = 5 })));
    }
}
