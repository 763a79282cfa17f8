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
internal sealed class MemifLane : PortPairLane
{
    private readonly MemifRegion _region;

    public MemifLane(DataplaneBenchOptions options, int lane)
        : this(options, lane, IoLane.BufferSizeFor(options.FrameSize))
    {
    }

    private MemifLane(DataplaneBenchOptions options, int lane, int bufferSize)
        : this(
            options,
            lane,
            new PacketPool(new PacketPoolOptions { Capacity = 4096, BufferSize = bufferSize }),
            MemifRegion.Create(new MemifRegionOptions { RingSize = 1024, BufferSize = bufferSize }))
    {
    }

    private MemifLane(DataplaneBenchOptions options, int lane, PacketPool pool, MemifRegion region)
        : base(pool, new MemifPort($"memif{2 * lane}", pool, region, MemifSide.A), new MemifPort($"memif{(2 * lane) + 1}", pool, region, MemifSide.B), "memif-a-to-memif-b", "memif-b-to-memif-a")
    {
        _region = region;
        byte[][] flows = BuildFlows(options, lane);
        TransmitFirst(P0, flows, 0);
        TransmitFirst(P1, flows, Port.MaxBurst);
    }

    public override void Release() => _region.Dispose();

    private void TransmitFirst(Port port, byte[][] flows, int first)
    {
        Span<PacketHandle> burst = stackalloc PacketHandle[Port.MaxBurst];
        if (!Pool.TryAllocBulk(burst))
        {
            throw new InvalidOperationException("The memif benchmark's pool could not supply its first burst.");
        }

        for (int i = 0; i < burst.Length; i++)
        {
            byte[] frame = flows[(first + i) % flows.Length];
            Pool.TrySetLength(burst[i], frame.Length);
            frame.CopyTo(Pool.GetData(burst[i]));
        }

        int sent = port.TransmitBurst(burst);
        Pool.FreeBulk(burst[sent..]);
    }
}
