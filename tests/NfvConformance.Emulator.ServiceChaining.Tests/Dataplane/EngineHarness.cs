// Licensed under the Apache License, Version 2.0.
using NfvConformance.Emulator.ServiceChaining.Compilation;
using NfvConformance.Emulator.ServiceChaining.Dataplane;
using NfvConformance.Emulator.Dataplane.Buffers;

namespace NfvConformance.Emulator.ServiceChaining.Tests.Dataplane;

/// <summary>Builds real frames for flows and pushes them through an engine, counting what was sent.</summary>
internal sealed class EngineHarness
{
    private readonly PacketHandle[] _burst = new PacketHandle[32];

    public EngineHarness(int flows, uint sourceBase = 0x0A00_0000, int poolCapacity = 4096)
    {
        Pool = new PacketPool(new PacketPoolOptions { Capacity = poolCapacity });
        Flows = new FlowKey[flows];
        for (int f = 0; f < flows; f++)
        {
            Flows[f] = Flow(sourceBase + 1 + (uint)f, (ushort)(10_000 + (f % 50_000)));
        }
    }

    public PacketPool Pool { get; }

    public FlowKey[] Flows { get; }

    public long Sent { get; private set; }

    public static FlowKey Flow(uint source, ushort sourcePort) => new()
    {
        Source = source,
        Destination = 0xC0A8_0001,
        SourcePort = sourcePort,
        DestinationPort = 80,
        Protocol = 6,
        SourceMac = 0x02_00_00_00_00_01,
        DestinationMac = 0x02_00_00_00_00_02,
    };

    /// <summary>Sends <paramref name="rounds"/> packets of every flow in [first, first + count), 32 per burst.</summary>
    public void Send(ServiceChainEngine engine, int first, int count, int rounds = 1)
    {
        int n = 0;
        for (int r = 0; r < rounds; r++)
        {
            for (int f = first; f < first + count; f++)
            {
                if (!Pool.TryAlloc(out PacketHandle h))
                {
                    throw new InvalidOperationException("test pool exhausted: packets leak");
                }

                Pool.TrySetLength(h, ChainHeaders.WriteFrame(Pool.GetBuffer(h)[Pool.Meta(h).DataOffset..], in Flows[f]));
                _burst[n++] = h;
                if (n == _burst.Length)
                {
                    engine.Process(_burst);
                    n = 0;
                }
            }
        }

        if (n > 0)
        {
            engine.Process(_burst.AsSpan(0, n));
        }

        Sent += (long)rounds * count;
    }

    public static string Ip(uint a) => $"{a >> 24}.{(a >> 16) & 255}.{(a >> 8) & 255}.{a & 255}";
}
