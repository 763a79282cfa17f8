// Licensed under the Apache License, Version 2.0.
using NfvConformance.Emulator.Dataplane.Buffers;

namespace NfvConformance.Emulator.Dataplane.Tests.Buffers;

public abstract class PacketPoolContractTests
{
    protected abstract PoolConcurrency Concurrency { get; }

    private PacketPool CreatePool(int capacity = 64) =>
        new(new PacketPoolOptions { Capacity = capacity, BufferSize = 512, Headroom = 128, Concurrency = Concurrency });

    [Test]
    public void Alloc_RecycledBuffer_CarriesNoOffloadFlagOfItsLastUse()
    {
        PacketPool pool = CreatePool(1);
        Assert.That(pool.TryAlloc(out PacketHandle first), Is.True);
        pool.Meta(first).Offload = PacketOffloadFlags.Ipv4HeaderGood;
        pool.Free(first);

        Assert.That(pool.TryAlloc(out PacketHandle again), Is.True);

        Assert.That(again.Index, Is.EqualTo(first.Index));
        Assert.That(pool.Meta(again).Offload, Is.EqualTo(PacketOffloadFlags.None), "a stale 'header good' would let a corrupted frame pass every interface");
    }

    [Test]
    public void AllocBurst_Empty_ReturnsZeroAndTakesNothing()
    {
        PacketPool pool = CreatePool();

        int n = pool.AllocBurst([]);

        Assert.That(n, Is.Zero);
        Assert.That(pool.Available, Is.EqualTo(64));
    }

    [TestCase(1)]
    [TestCase(32)]
    [TestCase(64)]
    public void AllocBurst_WithinCapacity_ReturnsAllDistinctWithHeadroom(int count)
    {
        PacketPool pool = CreatePool();
        PacketHandle[] handles = new PacketHandle[count];

        int n = pool.AllocBurst(handles);

        Assert.That(n, Is.EqualTo(count));
        Assert.That(handles.Distinct().Count(), Is.EqualTo(count));
        Assert.That(pool.Available, Is.EqualTo(64 - count));
        foreach (PacketHandle h in handles)
        {
            Assert.That(pool.Meta(h).DataOffset, Is.EqualTo(128));
            Assert.That(pool.Meta(h).Length, Is.Zero);
            Assert.That(pool.IsAllocated(h), Is.True);
        }
    }

    [Test]
    public void AllocBurst_PoolExhausted_ReturnsWhatIsLeftAndCountsFailure()
    {
        PacketPool pool = CreatePool(40);
        PacketHandle[] first = new PacketHandle[32];
        pool.AllocBurst(first);
        PacketHandle[] second = new PacketHandle[32];

        int n = pool.AllocBurst(second);

        Assert.That(n, Is.EqualTo(8));
        Assert.That(pool.Available, Is.Zero);
        Assert.That(pool.AllocFailures, Is.EqualTo(1));
        Assert.That(pool.AllocBurst(second), Is.Zero);
    }

    [Test]
    public void TryAllocBulk_PoolShort_AllocatesNothing()
    {
        PacketPool pool = CreatePool(40);
        pool.AllocBurst(new PacketHandle[32]);
        PacketHandle[] bulk = new PacketHandle[32];

        bool ok = pool.TryAllocBulk(bulk);

        Assert.That(ok, Is.False);
        Assert.That(pool.Available, Is.EqualTo(8));
        Assert.That(pool.AllocFailures, Is.EqualTo(1));
    }

    [Test]
    public void TryAllocBulk_ExactlyAvailable_Succeeds()
    {
        PacketPool pool = CreatePool(32);
        PacketHandle[] bulk = new PacketHandle[32];

        bool ok = pool.TryAllocBulk(bulk);

        Assert.That(ok, Is.True);
        Assert.That(pool.Available, Is.Zero);
    }

    [Test]
    public void FreeBulk_AllocatedHandles_ReturnsThemForReuse()
    {
        PacketPool pool = CreatePool();
        PacketHandle[] handles = new PacketHandle[64];
        pool.AllocBurst(handles);

        pool.FreeBulk(handles);

        Assert.That(pool.Available, Is.EqualTo(64));
        Assert.That(pool.DoubleFrees, Is.Zero);
        Assert.That(pool.AllocBurst(new PacketHandle[64]), Is.EqualTo(64));
    }

    [Test]
    public void Free_Twice_SecondIsCountedAndIgnored()
    {
        PacketPool pool = CreatePool();
        Assert.That(pool.TryAlloc(out PacketHandle h), Is.True);

        pool.Free(h);
        pool.Free(h);

        Assert.That(pool.DoubleFrees, Is.EqualTo(1));
        Assert.That(pool.Available, Is.EqualTo(64));
    }

    [Test]
    public void PrependAndAdjust_MoveOffsetWithoutCopying()
    {
        PacketPool pool = CreatePool();
        pool.TryAlloc(out PacketHandle h);
        pool.TrySetLength(h, 4);
        pool.GetData(h).Fill(0xAB);

        bool prepended = pool.TryPrepend(h, 8);
        Span<byte> grown = pool.GetData(h);

        Assert.That(prepended, Is.True);
        Assert.That(grown.Length, Is.EqualTo(12));
        Assert.That(grown[8..].ToArray(), Is.EqualTo(new byte[] { 0xAB, 0xAB, 0xAB, 0xAB }));
        Assert.That(pool.TryAdjust(h, 8), Is.True);
        Assert.That(pool.Meta(h).DataOffset, Is.EqualTo(128));
        Assert.That(pool.TryPrepend(h, 129), Is.False);
        Assert.That(pool.TryAdjust(h, 5), Is.False);
        Assert.That(pool.TrySetLength(h, 512 - 128 + 1), Is.False);
    }

    [Test]
    public void GetData_DistinctHandles_DoNotOverlap()
    {
        PacketPool pool = CreatePool();
        PacketHandle[] handles = new PacketHandle[64];
        pool.AllocBurst(handles);
        for (int i = 0; i < handles.Length; i++)
        {
            pool.TrySetLength(handles[i], 384);
            pool.GetData(handles[i]).Fill((byte)i);
        }

        for (int i = 0; i < handles.Length; i++)
        {
            Assert.That(pool.GetData(handles[i]).ToArray().All(b => b == (byte)i), Is.True);
        }
    }
}

public sealed class SingleThreadPacketPoolTests : PacketPoolContractTests
{
    protected override PoolConcurrency Concurrency => PoolConcurrency.SingleThread;
}

public sealed class MultiThreadPacketPoolTests : PacketPoolContractTests
{
    protected override PoolConcurrency Concurrency => PoolConcurrency.MultiThread;

    [Test]
    public void AllocAndFree_FromTwoThreads_LosesNoBuffer()
    {
        PacketPool pool = new(new PacketPoolOptions { Capacity = 256, BufferSize = 256, Headroom = 0, Concurrency = PoolConcurrency.MultiThread });

        void Churn()
        {
            PacketHandle[] h = new PacketHandle[16];
            for (int i = 0; i < 20_000; i++)
            {
                int n = pool.AllocBurst(h);
                pool.FreeBulk(h.AsSpan(0, n));
            }
        }

        Thread t = new(Churn);
        t.Start();
        Churn();
        t.Join();

        Assert.That(pool.Available, Is.EqualTo(256));
        Assert.That(pool.DoubleFrees, Is.Zero);
    }
}
