// Licensed under the Apache License, Version 2.0.
using NfvConformance.Emulator.Dataplane.Buffers;
using NfvConformance.Emulator.Dataplane.Graph;
using NfvConformance.Emulator.Dataplane.Ports;

namespace NfvConformance.Emulator.Dataplane.Tests.Graph;

public sealed class PortOutputNodeTests
{
    [Test]
    public void PartialBurst_BeforeDrainInterval_IsHeldThenSentAfterIt()
    {
        ManualTimeProvider time = new();
        PacketPool pool = new(new PacketPoolOptions { Capacity = 64, BufferSize = 256, Headroom = 0 });
        NullPort tx = new("tx", pool);
        PortOutputNode output = new("out", tx, TimeSpan.FromMicroseconds(100));
        NodeGraph graph = new NodeGraphBuilder().WithNode(output).Build(pool, new NodeGraphOptions { Time = time });
        PacketHandle[] packets = new PacketHandle[5];
        pool.AllocBurst(packets);

        graph.Inject(0, packets);
        graph.Run();
        time.Advance(TimeSpan.FromMicroseconds(50));
        graph.Poll();
        long afterHalf = tx.Stats.TxPackets;
        time.Advance(TimeSpan.FromMicroseconds(60));
        graph.Poll();

        Assert.That(afterHalf, Is.Zero);
        Assert.That(tx.Stats.TxPackets, Is.EqualTo(5));
        Assert.That(output.Buffered, Is.Zero);
    }

    [Test]
    public void FullBurst_IsSentWithoutWaiting()
    {
        ManualTimeProvider time = new();
        PacketPool pool = new(new PacketPoolOptions { Capacity = 64, BufferSize = 256, Headroom = 0 });
        NullPort tx = new("tx", pool);
        NodeGraph graph = new NodeGraphBuilder().WithNode(new PortOutputNode("out", tx)).Build(pool, new NodeGraphOptions { Time = time });
        PacketHandle[] packets = new PacketHandle[Port.MaxBurst + 3];
        pool.AllocBurst(packets);

        graph.Inject(0, packets);
        graph.Run();

        Assert.That(tx.Stats.TxPackets, Is.EqualTo(Port.MaxBurst));
    }

    [Test]
    public void PortRefuses_UnsentAreFreedAndCounted()
    {
        PacketPool pool = new(new PacketPoolOptions { Capacity = 64, BufferSize = 256, Headroom = 0 });
        (RingPort a, _) = RingPort.CreatePair("a", "b", pool, 4);
        NodeGraph graph = new NodeGraphBuilder().WithNode(new PortOutputNode("out", a, TimeSpan.Zero)).Build(pool);
        PacketHandle[] packets = new PacketHandle[10];
        pool.AllocBurst(packets);

        graph.Inject(0, packets);
        graph.Run();

        NodeCounters c = graph.GetCounters("out");
        Assert.That(c["tx_full_drop"], Is.EqualTo(6));
        Assert.That(c.Drops, Is.EqualTo(6));
        Assert.That(pool.Available, Is.EqualTo(64 - 4));
    }
}

/// <summary>A virtual clock for tests: time moves only when told.</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => _ticks;

    public override DateTimeOffset GetUtcNow() => new(_ticks, TimeSpan.Zero);

    public void Advance(TimeSpan by) => _ticks += by.Ticks;
}
