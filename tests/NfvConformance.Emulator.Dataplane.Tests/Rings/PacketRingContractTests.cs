// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Emulator.Dataplane.Buffers;
using NfvConformance.Emulator.Dataplane.Rings;

namespace NfvConformance.Emulator.Dataplane.Tests.Rings;

public abstract class PacketRingContractTests
{
    protected abstract bool SingleProducer { get; }

    protected abstract bool SingleConsumer { get; }

    private PacketRing CreateRing(int capacity = 32, RingFullMode mode = RingFullMode.Reject, PacketPool? pool = null) =>
        new(new PacketRingOptions { Capacity = capacity, SingleProducer = SingleProducer, SingleConsumer = SingleConsumer, FullMode = mode, DropPool = pool });

    private static PacketHandle[] Handles(int start, int count) => [.. Enumerable.Range(start, count).Select(i => new PacketHandle(i))];

    [Test]
    public void DequeueBurst_Empty_ReturnsZero()
    {
        PacketRing ring = CreateRing();

        Assert.That(ring.DequeueBurst(new PacketHandle[8]), Is.Zero);
        Assert.That(ring.EnqueueBurst([]), Is.Zero);
    }

    [TestCase(1)]
    [TestCase(31)]
    [TestCase(32)]
    public void EnqueueThenDequeue_UpToCapacity_KeepsFifoOrder(int count)
    {
        PacketRing ring = CreateRing();
        PacketHandle[] src = Handles(100, count);

        int enq = ring.EnqueueBurst(src);
        PacketHandle[] dst = new PacketHandle[64];
        int deq = ring.DequeueBurst(dst);

        Assert.That(enq, Is.EqualTo(count));
        Assert.That(deq, Is.EqualTo(count));
        Assert.That(dst.Take(deq), Is.EqualTo(src));
        Assert.That(ring.Enqueued, Is.EqualTo(count));
        Assert.That(ring.Dequeued, Is.EqualTo(count));
    }

    [Test]
    public void EnqueueBurst_RingFull_RejectsTailAndCounts()
    {
        PacketRing ring = CreateRing(16);
        PacketHandle[] src = Handles(0, 20);

        int n = ring.EnqueueBurst(src);

        Assert.That(n, Is.EqualTo(16));
        Assert.That(ring.Rejected, Is.EqualTo(4));
        Assert.That(ring.EnqueueBurst(Handles(50, 1)), Is.Zero);
        Assert.That(ring.Rejected, Is.EqualTo(5));
    }

    [Test]
    public void EnqueueBurst_RingFullDropNewest_FreesTailToPoolAndCounts()
    {
        PacketPool pool = new(new PacketPoolOptions { Capacity = 32, BufferSize = 256, Headroom = 0 });
        PacketHandle[] src = new PacketHandle[20];
        pool.AllocBurst(src);
        PacketRing ring = CreateRing(16, RingFullMode.DropNewest, pool);

        int n = ring.EnqueueBurst(src);

        Assert.That(n, Is.EqualTo(16));
        Assert.That(ring.FullDrops, Is.EqualTo(4));
        Assert.That(pool.Available, Is.EqualTo(32 - 16));
        Assert.That(src.Skip(16).All(h => !pool.IsAllocated(h)), Is.True);
    }

    [Test]
    public void Create_DropNewestWithoutPool_ThrowsConfiguration()
    {
        Assert.Throws<ConfigurationException>(() => CreateRing(16, RingFullMode.DropNewest));
    }

    [TestCase(0)]
    [TestCase(3)]
    [TestCase(100)]
    public void Create_CapacityNotPowerOfTwo_Throws(int capacity)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CreateRing(capacity));
    }

    [Test]
    public void TryEnqueueBulk_NotEnoughRoom_TakesNothing()
    {
        PacketRing ring = CreateRing(16);
        ring.EnqueueBurst(Handles(0, 10));

        bool ok = ring.TryEnqueueBulk(Handles(10, 7));

        Assert.That(ok, Is.False);
        Assert.That(ring.Count, Is.EqualTo(10));
        Assert.That(ring.TryEnqueueBulk(Handles(10, 6)), Is.True);
        Assert.That(ring.Count, Is.EqualTo(16));
    }

    [Test]
    public void TryDequeueBulk_TooFewQueued_TakesNothing()
    {
        PacketRing ring = CreateRing(16);
        ring.EnqueueBurst(Handles(0, 5));

        Assert.That(ring.TryDequeueBulk(new PacketHandle[6]), Is.False);
        Assert.That(ring.Count, Is.EqualTo(5));
        Assert.That(ring.TryDequeueBulk(new PacketHandle[5]), Is.True);
        Assert.That(ring.Count, Is.Zero);
    }

    [Test]
    public void EnqueueDequeue_ManyTimesAroundTheRing_WrapsCorrectly()
    {
        PacketRing ring = CreateRing(8);
        PacketHandle[] dst = new PacketHandle[5];
        int next = 0;
        for (int round = 0; round < 100; round++)
        {
            Assert.That(ring.EnqueueBurst(Handles(round * 5, 5)), Is.EqualTo(5));
            Assert.That(ring.DequeueBurst(dst), Is.EqualTo(5));
            foreach (PacketHandle h in dst)
            {
                Assert.That(h.Index, Is.EqualTo(next++));
            }
        }
    }

    [Test]
    public void ProducerAndConsumerThreads_TransferEverythingInOrderPerProducer()
    {
        const int PerProducer = 20_000;
        int producers = SingleProducer ? 1 : 2;
        int consumers = SingleConsumer ? 1 : 2;
        PacketRing ring = CreateRing(64);
        long received = 0;
        bool ordered = true;

        Thread[] threads = new Thread[producers + consumers];
        for (int p = 0; p < producers; p++)
        {
            int id = p;
            threads[p] = new Thread(() =>
            {
                PacketHandle[] burst = new PacketHandle[7];
                int sent = 0;
                SpinWait idle = default;
                while (sent < PerProducer)
                {
                    int k = Math.Min(burst.Length, PerProducer - sent);
                    for (int i = 0; i < k; i++)
                    {
                        burst[i] = new PacketHandle((id << 24) | (sent + i));
                    }

                    int n = ring.EnqueueBurst(burst.AsSpan(0, k));
                    sent += n;
                    if (n == 0)
                    {
                        idle.SpinOnce();
                    }
                }
            });
        }

        for (int c = 0; c < consumers; c++)
        {
            threads[producers + c] = new Thread(() =>
            {
                PacketHandle[] burst = new PacketHandle[9];
                SpinWait idle = default;
                long[] last = [.. Enumerable.Repeat(-1L, producers)];
                while (Interlocked.Read(ref received) < (long)PerProducer * producers)
                {
                    int n = ring.DequeueBurst(burst);
                    for (int i = 0; i < n; i++)
                    {
                        int producer = burst[i].Index >> 24;
                        int seq = burst[i].Index & 0xFFFFFF;
                        if (seq <= last[producer])
                        {
                            ordered = false;
                        }

                        last[producer] = seq;
                    }

                    Interlocked.Add(ref received, n);
                    if (n == 0)
                    {
                        idle.SpinOnce();
                    }
                }
            });
        }

        foreach (Thread t in threads)
        {
            t.Start();
        }

        foreach (Thread t in threads)
        {
            t.Join();
        }

        Assert.That(received, Is.EqualTo((long)PerProducer * producers));
        Assert.That(ordered, Is.True);
    }
}

public sealed class SpscPacketRingTests : PacketRingContractTests
{
    protected override bool SingleProducer => true;

    protected override bool SingleConsumer => true;
}

public sealed class MpmcPacketRingTests : PacketRingContractTests
{
    protected override bool SingleProducer => false;

    protected override bool SingleConsumer => false;
}

public sealed class SpmcPacketRingTests : PacketRingContractTests
{
    protected override bool SingleProducer => true;

    protected override bool SingleConsumer => false;
}

public sealed class MpscPacketRingTests : PacketRingContractTests
{
    protected override bool SingleProducer => false;

    protected override bool SingleConsumer => true;
}
