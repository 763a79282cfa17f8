// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using NfvConformance.Emulator.Dataplane.Buffers;
using NfvConformance.Emulator.Dataplane.Memif;
using NfvConformance.Emulator.Dataplane.Ports;

namespace NfvConformance.Emulator.Dataplane.Tests.Memif;

/// <summary>The shared-memory rings: full and empty, wrap-around, burst sizes, nothing lost or duplicated, across two mappings.</summary>
public sealed class MemifRingTests
{
    private static PacketPool Pool(int capacity = 256, int bufferSize = 512) =>
        new(new PacketPoolOptions { Capacity = capacity, BufferSize = bufferSize, Headroom = 64 });

    /// <summary>Allocates packets whose first 8 bytes are their sequence numbers and whose length varies with it.</summary>
    private static void Fill(PacketPool pool, Span<PacketHandle> burst, ref long next)
    {
        Assert.That(pool.TryAllocBulk(burst), Is.True, "test pool exhausted");
        foreach (PacketHandle h in burst)
        {
            int length = 60 + (int)(next % 40);
            pool.TrySetLength(h, length);
            Span<byte> data = pool.GetData(h);
            data.Fill((byte)next);
            BinaryPrimitives.WriteInt64LittleEndian(data, next);
            next++;
        }
    }

    /// <summary>Checks each received packet is the next sequence number with its exact length and bytes, then frees it.</summary>
    private static void Check(PacketPool pool, ReadOnlySpan<PacketHandle> burst, ref long expected)
    {
        foreach (PacketHandle h in burst)
        {
            Span<byte> data = pool.GetData(h);
            long seq = BinaryPrimitives.ReadInt64LittleEndian(data);
            if (seq != expected || data.Length != 60 + (int)(expected % 40) || data[^1] != (byte)expected)
            {
                Assert.Fail($"expected packet {expected} ({60 + (expected % 40)} bytes), got {seq} ({data.Length} bytes)");
            }

            expected++;
        }

        pool.FreeBulk(burst);
    }

    [Test]
    public void Ring_FullAndEmpty_RefusesBeyondCapacityAndReturnsNothingWhenEmpty()
    {
        using MemifRegion region = MemifRegion.Create(new MemifRegionOptions { RingSize = 8, BufferSize = 128 });
        (MemifRing tx, _) = region.Connect(MemifSide.A);
        (_, MemifRing rx) = region.Connect(MemifSide.B);
        PacketPool pool = Pool();
        PacketHandle[] burst = new PacketHandle[10];
        long next = 0;
        long expected = 0;

        Assert.That(rx.DequeueBurst(pool, burst), Is.Zero, "empty ring");
        Fill(pool, burst, ref next);
        Assert.That(tx.EnqueueBurst(pool, burst), Is.EqualTo(8), "only 8 slots");
        Assert.That(tx.Count, Is.EqualTo(8));
        Assert.That(tx.EnqueueBurst(pool, burst.AsSpan(8)), Is.Zero, "full ring");
        pool.FreeBulk(burst);

        int got = rx.DequeueBurst(pool, burst);
        Assert.That(got, Is.EqualTo(8));
        Check(pool, burst.AsSpan(0, got), ref expected);
        Assert.That(rx.DequeueBurst(pool, burst), Is.Zero, "drained");
        Assert.That(rx.Count, Is.Zero);
        Assert.That(pool.Available, Is.EqualTo(pool.Capacity), "every buffer back in the pool");
    }

    [TestCase(1, 1)]
    [TestCase(3, 5)]
    [TestCase(7, 7)]
    [TestCase(32, 1)]
    [TestCase(32, 32)]
    public void Ring_ManyWrapsWithBurstSizes_EveryPacketOnceInOrder(int producerBurst, int consumerBurst)
    {
        using MemifRegion region = MemifRegion.Create(new MemifRegionOptions { RingSize = 16, BufferSize = 128 });
        (MemifRing tx, _) = region.Connect(MemifSide.B);
        (_, MemifRing rx) = region.Connect(MemifSide.A);
        PacketPool pool = Pool();
        PacketHandle[] produce = new PacketHandle[producerBurst];
        PacketHandle[] consume = new PacketHandle[consumerBurst];
        long next = 0;
        long expected = 0;
        const long total = 100_000;

        while (expected < total)
        {
            if (next < total)
            {
                int want = (int)Math.Min(producerBurst, total - next);
                Span<PacketHandle> p = produce.AsSpan(0, want);
                long seq = next;
                Fill(pool, p, ref seq);
                int taken = tx.EnqueueBurst(pool, p);
                next += taken;
                pool.FreeBulk(p);
            }

            int got = rx.DequeueBurst(pool, consume);
            Check(pool, consume.AsSpan(0, got), ref expected);
        }

        Assert.That(expected, Is.EqualTo(total));
        Assert.That(rx.DequeueBurst(pool, consume), Is.Zero, "nothing extra");
        Assert.That(total / region.RingSize, Is.GreaterThan(1000), "the head and tail wrapped the ring many times");
        Assert.That(pool.Available, Is.EqualTo(pool.Capacity));
    }

    [Test]
    public void Ring_CountersNearUInt32Wrap_StillExact()
    {
        using MemifRegion region = MemifRegion.Create(new MemifRegionOptions { RingSize = 8, BufferSize = 128 });
        // Start both free-running counters (head at byte 0 of the ring, tail at byte 64) just below 2^32 so they overflow during the test.
        using (MemoryMappedFile file = MemoryMappedFile.CreateFromFile(region.Path, FileMode.Open, null, 0, MemoryMappedFileAccess.ReadWrite))
        using (MemoryMappedViewAccessor view = file.CreateViewAccessor())
        {
            view.Write(MemifRegion.RingOffset(0, 8), uint.MaxValue - 20);
            view.Write(MemifRegion.RingOffset(0, 8) + 64, uint.MaxValue - 20);
        }

        (MemifRing tx, _) = region.Connect(MemifSide.A);
        (_, MemifRing rx) = region.Connect(MemifSide.B);
        PacketPool pool = Pool();
        PacketHandle[] burst = new PacketHandle[5];
        long next = 0;
        long expected = 0;
        for (int round = 0; round < 20; round++)
        {
            long seq = next;
            Fill(pool, burst, ref seq);
            next += tx.EnqueueBurst(pool, burst);
            pool.FreeBulk(burst);
            Check(pool, burst.AsSpan(0, rx.DequeueBurst(pool, burst)), ref expected);
        }

        Assert.That(expected, Is.EqualTo(100));
    }

    [Test]
    public void Region_TwoMappingsOnTwoThreads_MillionPacketsNoneLostOrDuplicated()
    {
        using MemifRegion created = MemifRegion.Create(new MemifRegionOptions { RingSize = 64, BufferSize = 128 });
        using MemifRegion opened = MemifRegion.Open(created.Path);
        (MemifRing tx, _) = created.Connect(MemifSide.A);
        (_, MemifRing rx) = opened.Connect(MemifSide.B);
        const long total = 1_000_000;
        Exception? producerError = null;
        bool stop = false;

        // Both sides yield when the ring gives them nothing to do: on a loaded host the two threads rarely run at the
        // same time, and a side that spins through its whole time slice only delays the other. The producer stops
        // with the consumer, so a consumer that gives up at its deadline never leaves it spinning on a full ring.
        Thread producer = new(() =>
        {
            try
            {
                PacketPool pool = Pool();
                PacketHandle[] burst = new PacketHandle[32];
                long next = 0;
                SpinWait idle = default;
                while (next < total && !Volatile.Read(ref stop))
                {
                    int want = (int)Math.Min(1 + (next % 32), total - next);
                    long seq = next;
                    Fill(pool, burst.AsSpan(0, want), ref seq);
                    int sent = tx.EnqueueBurst(pool, burst.AsSpan(0, want));
                    next += sent;
                    pool.FreeBulk(burst.AsSpan(0, want));
                    if (sent == 0)
                    {
                        idle.SpinOnce();
                    }
                }
            }
            catch (Exception e)
            {
                producerError = e;
            }
        });
        producer.Start();
        PacketPool pool = Pool();
        PacketHandle[] burst = new PacketHandle[32];
        long expected = 0;
        SpinWait idle = default;
        DateTime deadline = DateTime.UtcNow.AddMinutes(5);
        while (expected < total && DateTime.UtcNow < deadline && producerError is null)
        {
            int want = 1 + (int)(expected % 32);
            int got = rx.DequeueBurst(pool, burst.AsSpan(0, want));
            Check(pool, burst.AsSpan(0, got), ref expected);
            if (got == 0)
            {
                idle.SpinOnce();
            }
        }

        Volatile.Write(ref stop, true);
        producer.Join();
        Assert.That(producerError, Is.Null);
        Assert.That(expected, Is.EqualTo(total));
        Assert.That(rx.DequeueBurst(pool, burst), Is.Zero);
    }

    [Test]
    public void EnqueueDequeue_SteadyState_AllocatesNothing()
    {
        using MemifRegion region = MemifRegion.Create(new MemifRegionOptions { RingSize = 256, BufferSize = 128 });
        (MemifRing tx, MemifRing rx) = region.Connect(MemifSide.A);
        (MemifRing txB, MemifRing rxB) = region.Connect(MemifSide.B);
        PacketPool pool = Pool();
        PacketHandle[] burst = new PacketHandle[32];
        Assert.That(pool.TryAllocBulk(burst), Is.True);
        foreach (PacketHandle h in burst)
        {
            pool.TrySetLength(h, 64);
        }

        void Loop(int rounds)
        {
            for (int i = 0; i < rounds; i++)
            {
                int n = tx.EnqueueBurst(pool, burst);
                pool.FreeBulk(burst.AsSpan(0, n));
                n = rxB.DequeueBurst(pool, burst);
                n = txB.EnqueueBurst(pool, burst.AsSpan(0, n));
                pool.FreeBulk(burst.AsSpan(0, n));
                rx.DequeueBurst(pool, burst);
            }
        }

        Loop(1000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Loop(100_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.Zero);
        Assert.That(pool.Available, Is.EqualTo(pool.Capacity - 32));
    }

    [Test]
    public void Dequeue_DescriptorPointingOutsideTheBuffers_DroppedAndCounted()
    {
        using MemifRegion region = MemifRegion.Create(new MemifRegionOptions { RingSize = 8, BufferSize = 128 });
        (MemifRing tx, _) = region.Connect(MemifSide.A);
        (_, MemifRing rx) = region.Connect(MemifSide.B);
        PacketPool pool = Pool();
        PacketHandle[] burst = new PacketHandle[3];
        long next = 0;
        long expected = 0;
        long seq = next;
        Fill(pool, burst, ref seq);
        tx.EnqueueBurst(pool, burst);
        pool.FreeBulk(burst);

        // A faulty or hostile peer rewrites descriptor 1 (through its own mapping of the same file) to point past the end.
        using (MemoryMappedFile file = MemoryMappedFile.CreateFromFile(region.Path, FileMode.Open, null, 0, MemoryMappedFileAccess.ReadWrite))
        using (MemoryMappedViewAccessor view = file.CreateViewAccessor())
        {
            long descriptor1 = MemifRegion.RingOffset(0, 8) + MemifRegion.RingControlSize + MemifRegion.DescriptorSize;
            view.Write(descriptor1 + 8, (uint)(region.SizeBytes - 10));
        }

        int got = rx.DequeueBurst(pool, burst);

        Assert.That(got, Is.EqualTo(2));
        Assert.That(rx.BadDescriptors, Is.EqualTo(1));
        Check(pool, burst.AsSpan(0, 1), ref expected);
        Assert.That(BinaryPrimitives.ReadInt64LittleEndian(pool.GetData(burst[1])), Is.EqualTo(2), "packet 1 dropped, 2 kept");
        pool.Free(burst[1]);
        Assert.That(rx.Count, Is.Zero, "the bad slot was given back too");
        Assert.That(pool.Available, Is.EqualTo(pool.Capacity));
    }

    [Test]
    public void Enqueue_PacketLongerThanASlot_TakenNotSentAndCounted()
    {
        using MemifRegion region = MemifRegion.Create(new MemifRegionOptions { RingSize = 8, BufferSize = 128 });
        (MemifRing tx, _) = region.Connect(MemifSide.A);
        (_, MemifRing rx) = region.Connect(MemifSide.B);
        PacketPool pool = Pool();
        PacketHandle[] burst = new PacketHandle[3];
        Assert.That(pool.TryAllocBulk(burst), Is.True);
        pool.TrySetLength(burst[0], 100);
        pool.TrySetLength(burst[1], 200);
        pool.TrySetLength(burst[2], 128);

        Assert.That(tx.EnqueueBurst(pool, burst), Is.EqualTo(3));
        Assert.That(tx.Oversized, Is.EqualTo(1));
        pool.FreeBulk(burst);
        int got = rx.DequeueBurst(pool, burst);
        Assert.That(got, Is.EqualTo(2));
        Assert.That(pool.GetData(burst[0]).Length, Is.EqualTo(100));
        Assert.That(pool.GetData(burst[1]).Length, Is.EqualTo(128));
    }

    [Test]
    public void Dequeue_PoolExhausted_LeavesPacketsInTheRingAndCountsNoBuffer()
    {
        using MemifRegion region = MemifRegion.Create(new MemifRegionOptions { RingSize = 8, BufferSize = 128 });
        (MemifRing tx, _) = region.Connect(MemifSide.A);
        (_, MemifRing rx) = region.Connect(MemifSide.B);
        PacketPool sender = Pool();
        PacketPool receiver = Pool(capacity: 2);
        PacketHandle[] burst = new PacketHandle[4];
        long next = 0;
        long expected = 0;
        Fill(sender, burst, ref next);
        tx.EnqueueBurst(sender, burst);
        sender.FreeBulk(burst);

        Assert.That(rx.DequeueBurst(receiver, burst), Is.EqualTo(2));
        Assert.That(rx.NoBuffer, Is.EqualTo(2));
        Assert.That(rx.Count, Is.EqualTo(2));
        Check(receiver, burst.AsSpan(0, 2), ref expected);
        Assert.That(rx.DequeueBurst(receiver, burst), Is.EqualTo(2));
        Check(receiver, burst.AsSpan(0, 2), ref expected);
    }

    [Test]
    public void Connect_SideTwiceOrWrongDirection_ClearErrors()
    {
        using MemifRegion region = MemifRegion.Create(new MemifRegionOptions { RingSize = 8, BufferSize = 128 });
        (MemifRing tx, MemifRing rx) = region.Connect(MemifSide.A);
        PacketPool pool = Pool();
        PacketHandle[] burst = new PacketHandle[1];

        Assert.That(() => region.Connect(MemifSide.A), Throws.InvalidOperationException.With.Message.Contains("already connected"));
        Assert.That(() => tx.DequeueBurst(pool, burst), Throws.InvalidOperationException.With.Message.Contains("consumer"));
        Assert.That(() => rx.EnqueueBurst(pool, burst), Throws.InvalidOperationException.With.Message.Contains("producer"));
    }

    [Test]
    public void Create_BadSizes_NameTheOption()
    {
        Assert.That(() => MemifRegion.Create(new MemifRegionOptions { RingSize = 12 }), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("RingSize"));
        Assert.That(() => MemifRegion.Create(new MemifRegionOptions { BufferSize = 100 }), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("BufferSize"));
    }

    [Test]
    public void Open_FileThatIsNotARegion_SaysWhatIsWrong()
    {
        string path = Path.Combine(Path.GetTempPath(), $"not-memif-{Guid.NewGuid():N}");
        File.WriteAllBytes(path, new byte[4096]);
        try
        {
            Assert.That(() => MemifRegion.Open(path), Throws.TypeOf<InvalidDataException>().With.Message.Contains(path).And.Message.Contains("magic"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Dispose_CreatorDeletesTheFile()
    {
        MemifRegion region = MemifRegion.Create();
        string path = region.Path;
        Assert.That(File.Exists(path), Is.True);

        region.Dispose();

        Assert.That(File.Exists(path), Is.False);
    }

    [Test]
    public void MemifPortPair_TransmitOnOneEnd_ReceivedOnTheOtherWithStats()
    {
        using MemifRegion region = MemifRegion.Create(new MemifRegionOptions { RingSize = 64, BufferSize = 2048 });
        PacketPool poolA = Pool();
        PacketPool poolB = Pool();
        MemifPort a = new("memif0", poolA, region, MemifSide.A);
        MemifPort b = new("memif1", poolB, region, MemifSide.B);
        PacketHandle[] burst = new PacketHandle[Port.MaxBurst];
        long next = 0;
        long expected = 0;
        Fill(poolA, burst, ref next);
        long bytes = burst.Sum(h => (long)poolA.Meta(h).Length);

        Assert.That(a.TransmitBurst(burst), Is.EqualTo(Port.MaxBurst));
        Assert.That(poolA.Available, Is.EqualTo(poolA.Capacity), "the port freed what it sent");
        int got = b.ReceiveBurst(burst);

        Assert.That(got, Is.EqualTo(Port.MaxBurst));
        Check(poolB, burst.AsSpan(0, got), ref expected);
        Assert.That((a.Stats.TxPackets, a.Stats.TxBytes), Is.EqualTo((32L, bytes)));
        Assert.That((b.Stats.RxPackets, b.Stats.RxBytes), Is.EqualTo((32L, bytes)));
        Assert.That(a.ReceiveBurst(burst), Is.Zero, "nothing came back");
    }
}
