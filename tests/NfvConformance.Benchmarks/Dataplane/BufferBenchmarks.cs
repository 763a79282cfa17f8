// Licensed under the Apache License, Version 2.0.
using BenchmarkDotNet.Attributes;
using NfvConformance.Emulator.Dataplane.Buffers;
using NfvConformance.Emulator.Dataplane.Ports;
using NfvConformance.Emulator.Dataplane.Rings;

namespace NfvConformance.Benchmarks.Dataplane;

/// <summary>Pool, ring and port burst operations; one operation is one packet.</summary>
[MemoryDiagnoser]
[Config(typeof(DataplaneBenchmarkConfig))]
public class BufferBenchmarks
{
    private const int Rounds = 64;
    private PacketPool _pool = null!;
    private PacketPool _sharedPool = null!;
    private PacketRing _spsc = null!;
    private PacketRing _mpmc = null!;
    private NullPort _rx = null!;
    private NullPort _tx = null!;
    private PacketHandle[] _burst = null!;

    [Params(1, 32, 256)]
    public int Burst { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _pool = new PacketPool(new PacketPoolOptions { Capacity = 4096 });
        _sharedPool = new PacketPool(new PacketPoolOptions { Capacity = 4096, Concurrency = PoolConcurrency.MultiThread });
        _spsc = new PacketRing(new PacketRingOptions { Capacity = 1024 });
        _mpmc = new PacketRing(new PacketRingOptions { Capacity = 1024, SingleProducer = false, SingleConsumer = false });
        _rx = new NullPort("rx", _pool);
        _tx = new NullPort("tx", _pool);
        _burst = new PacketHandle[Burst];
        _pool.AllocBurst(_burst);
        _pool.FreeBulk(_burst);
    }

    [Benchmark(OperationsPerInvoke = Rounds * 256, Baseline = true)]
    public void PoolAllocFreeSingleThread() => AllocFree(_pool);

    [Benchmark(OperationsPerInvoke = Rounds * 256)]
    public void PoolAllocFreeMultiThread() => AllocFree(_sharedPool);

    [Benchmark(OperationsPerInvoke = Rounds * 256)]
    public void RingSpscEnqueueDequeue() => EnqueueDequeue(_spsc);

    [Benchmark(OperationsPerInvoke = Rounds * 256)]
    public void RingMpmcEnqueueDequeue() => EnqueueDequeue(_mpmc);

    // testpmd io forwarding over net_null, one direction: rx burst (alloc), tx burst (free).
    [Benchmark(OperationsPerInvoke = Rounds * 256)]
    public void NullPortRxTx()
    {
        Span<PacketHandle> burst = _burst.AsSpan(0, Math.Min(Burst, Port.MaxBurst));
        int packets = 0;
        while (packets < Rounds * 256)
        {
            int n = _rx.ReceiveBurst(burst);
            _tx.TransmitBurst(burst[..n]);
            packets += n;
        }
    }

    private void AllocFree(PacketPool pool)
    {
        Span<PacketHandle> burst = _burst;
        for (int r = 0; r < Rounds * 256 / Burst; r++)
        {
            pool.AllocBurst(burst);
            pool.FreeBulk(burst);
        }
    }

    private void EnqueueDequeue(PacketRing ring)
    {
        Span<PacketHandle> burst = _burst;
        for (int r = 0; r < Rounds * 256 / Burst; r++)
        {
            ring.EnqueueBurst(burst);
            ring.DequeueBurst(burst);
        }
    }
}
