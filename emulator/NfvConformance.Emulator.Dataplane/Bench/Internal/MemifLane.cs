// Licensed under the Apache License, Version 2.0.
using NfvConformance.Emulator.Dataplane.Buffers;
using NfvConformance.Emulator.Dataplane.Memif;
using NfvConformance.Emulator.Dataplane.Ports;

namespace NfvConformance.Emulator.Dataplane.Bench.Internal;

/// <summary>
/// testpmd's io forwarding over a net_memif pair, in one worker: two <see cref="MemifPort"/>s on the two sides of one
/// shared-memory region; what arrives on one is transmitted on the other, so each stream circulates through one
/// ring (copy into a shared slot, publish, copy out into a pool buffer). Like testpmd's <c>start tx_first</c>, one
/// burst of real UDP frames per direction is transmitted at the start and then forwarded for ever.
/// </summary>
internal sealed class MemifLane : BenchLane
{
    private readonly PacketPool _pool;
    private readonly MemifRegion _region;
    private readonly MemifPort _a;
    private readonly MemifPort _b;
    private readonly PacketHandle[] _burst = new PacketHandle[Port.MaxBurst];
    private readonly string[] _names = ["memif-a-to-memif-b", "memif-b-to-memif-a"];
    private long _dropAb;
    private long _dropBa;
    private long _txA;
    private long _txB;
    private long _startA;
    private long _startB;
    private long _startDropAb;
    private long _startDropBa;

    public MemifLane(DataplaneBenchOptions options, int lane)
    {
        int bufferSize = IoLane.BufferSizeFor(options.FrameSize);
        _pool = new PacketPool(new PacketPoolOptions { Capacity = 4096, BufferSize = bufferSize });
        _region = MemifRegion.Create(new MemifRegionOptions { RingSize = 1024, BufferSize = bufferSize });
        _a = new MemifPort($"memif{2 * lane}", _pool, _region, MemifSide.A);
        _b = new MemifPort($"memif{(2 * lane) + 1}", _pool, _region, MemifSide.B);
        byte[][] flows = BuildFlows(options, lane);
        TransmitFirst(_a, flows, 0);
        TransmitFirst(_b, flows, Port.MaxBurst);
    }

    public override IReadOnlyList<string> NodeNames => _names;

    public override long NodePackets(string name) => name == _names[0] ? _txB : _txA;

    public override double NodeNanoseconds(string name) => WindowSeconds * 1e9 * NodePackets(name) / Math.Max(1, _txA + _txB);

    public override long NodeDrops(string name) => name == _names[0] ? _dropAb : _dropBa;

    public override void Release() => _region.Dispose();

    protected override void Iterate()
    {
        // Stream A→B: receive on A (what B sent), transmit on B; and the reverse, as testpmd pairs ports 0 and 1.
        _dropAb += Forward(_a, _b);
        _dropBa += Forward(_b, _a);
    }

    protected override void SnapshotStart()
    {
        _startA = _a.Stats.TxPackets;
        _startB = _b.Stats.TxPackets;
        _startDropAb = _dropAb;
        _startDropBa = _dropBa;
    }

    protected override void SnapshotEnd()
    {
        _txA = _a.Stats.TxPackets - _startA;
        _txB = _b.Stats.TxPackets - _startB;
        _dropAb -= _startDropAb;
        _dropBa -= _startDropBa;
        Packets = _txA + _txB;
    }

    private void TransmitFirst(MemifPort port, byte[][] flows, int first)
    {
        Span<PacketHandle> burst = _burst;
        if (!_pool.TryAllocBulk(burst))
        {
            throw new InvalidOperationException("The memif benchmark's pool could not supply its first burst.");
        }

        for (int i = 0; i < burst.Length; i++)
        {
            byte[] frame = flows[(first + i) % flows.Length];
            _pool.TrySetLength(burst[i], frame.Length);
            frame.CopyTo(_pool.GetData(burst[i]));
        }

        int sent = port.TransmitBurst(burst);
        _pool.FreeBulk(burst[sent..]);
    }

    private int Forward(MemifPort rx, MemifPort tx)
    {
        Span<PacketHandle> burst = _burst;
        int n = rx.ReceiveBurst(burst);
        if (n == 0)
        {
            return 0;
        }

        int sent = tx.TransmitBurst(burst[..n]);
        if (sent < n)
        {
            _pool.FreeBulk(burst[sent..n]);
        }

        return n - sent;
    }
}
