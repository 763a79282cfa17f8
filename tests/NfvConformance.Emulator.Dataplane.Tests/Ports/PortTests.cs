// Licensed under the Apache License, Version 2.0.
using NfvConformance.Emulator.Dataplane.Buffers;
using NfvConformance.Emulator.Dataplane.Ports;
using NfvConformance.Emulator.Dataplane.Rings;

namespace NfvConformance.Emulator.Dataplane.Tests.Ports;

public sealed class PortTests
{
    private static PacketPool Pool(int capacity = 64) => new(new PacketPoolOptions { Capacity = capacity, BufferSize = 512, Headroom = 64 });

    [Test]
    public void NullPortReceiveBurst_Templates_CopiesFramesRoundRobin()
    {
        PacketPool pool = Pool();
        byte[] a = [.. Enumerable.Repeat((byte)1, 60)];
        byte[] b = [.. Enumerable.Repeat((byte)2, 70)];
        NullPort port = new("null0", pool, 64, [a, b]);
        PacketHandle[] burst = new PacketHandle[3];

        int n = port.ReceiveBurst(burst);

        Assert.That(n, Is.EqualTo(3));
        Assert.That(pool.GetData(burst[0]).ToArray(), Is.EqualTo(a));
        Assert.That(pool.GetData(burst[1]).ToArray(), Is.EqualTo(b));
        Assert.That(pool.GetData(burst[2]).ToArray(), Is.EqualTo(a));
        Assert.That(port.Stats.RxPackets, Is.EqualTo(3));
        Assert.That(port.Stats.RxBytes, Is.EqualTo(190));
    }

    [Test]
    public void NullPortReceiveBurst_PoolExhausted_CountsRxNoBuffer()
    {
        PacketPool pool = Pool(40);
        NullPort port = new("null0", pool);
        PacketHandle[] burst = new PacketHandle[Port.MaxBurst];
        port.ReceiveBurst(burst);

        int n = port.ReceiveBurst(burst);

        Assert.That(n, Is.EqualTo(8));
        Assert.That(port.Stats.RxNoBuffer, Is.EqualTo(24));
    }

    [Test]
    public void NullPortReceiveBurst_MoreThanMaxBurst_ReturnsMaxBurst()
    {
        PacketPool pool = Pool();
        NullPort port = new("null0", pool);

        Assert.That(port.ReceiveBurst(new PacketHandle[Port.MaxBurst + 10]), Is.EqualTo(Port.MaxBurst));
    }

    [Test]
    public void NullPortTransmitBurst_FreesEverything()
    {
        PacketPool pool = Pool();
        NullPort port = new("null0", pool, 64);
        PacketHandle[] burst = new PacketHandle[Port.MaxBurst];
        int n = port.ReceiveBurst(burst);

        int sent = port.TransmitBurst(burst.AsSpan(0, n));

        Assert.That(sent, Is.EqualTo(Port.MaxBurst));
        Assert.That(pool.Available, Is.EqualTo(64));
        Assert.That(port.Stats.TxBytes, Is.EqualTo(64 * Port.MaxBurst));
    }

    [Test]
    public void RingPortPair_TransmitOnOneEnd_ReceivesOnTheOther()
    {
        PacketPool pool = Pool();
        (RingPort a, RingPort b) = RingPort.CreatePair("a", "b", pool, 16);
        PacketHandle[] burst = new PacketHandle[4];
        pool.AllocBurst(burst);

        int sent = a.TransmitBurst(burst);
        PacketHandle[] got = new PacketHandle[8];
        int received = b.ReceiveBurst(got);

        Assert.That(sent, Is.EqualTo(4));
        Assert.That(got.Take(received), Is.EqualTo(burst));
        Assert.That(a.ReceiveBurst(got), Is.Zero);
    }

    [Test]
    public void RingPortTransmitBurst_RingFull_CallerKeepsUnsent()
    {
        PacketPool pool = Pool();
        (RingPort a, _) = RingPort.CreatePair("a", "b", pool, 16);
        PacketHandle[] burst = new PacketHandle[20];
        pool.AllocBurst(burst);

        int sent = a.TransmitBurst(burst);

        Assert.That(sent, Is.EqualTo(16));
        Assert.That(a.Stats.TxFull, Is.EqualTo(4));
        Assert.That(burst.Skip(16).All(pool.IsAllocated), Is.True);
    }

    [Test]
    public void RingPortTransmitBurst_DropNewestRing_FreesAndCountsOverflow()
    {
        PacketPool pool = Pool();
        PacketRing tx = new(new PacketRingOptions { Capacity = 8, FullMode = RingFullMode.DropNewest, DropPool = pool });
        RingPort port = new("p", pool, new PacketRing(new PacketRingOptions { Capacity = 8 }), tx);
        PacketHandle[] burst = new PacketHandle[12];
        pool.AllocBurst(burst);

        int taken = port.TransmitBurst(burst);

        Assert.That(taken, Is.EqualTo(12));
        Assert.That(tx.FullDrops, Is.EqualTo(4));
        Assert.That(pool.Available, Is.EqualTo(64 - 8));
        Assert.That(port.Stats.TxPackets, Is.EqualTo(8));
    }
}
