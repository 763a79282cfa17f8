// Licensed under the Apache License, Version 2.0.
using NfvConformance.Emulator.Dataplane.Buffers;
using NfvConformance.Emulator.Dataplane.Graph;

namespace NfvConformance.Emulator.Dataplane.Tests.Graph;

/// <summary>Sends packets with an even first byte to next 0 and odd ones to next 1; a zero-length packet is dropped.</summary>
internal sealed class EvenOddNode(string name, string even, string odd) : GraphNode(name, [even, odd], ["empty"])
{
    public override int Process(ref NodeContext ctx, ReadOnlySpan<PacketHandle> input)
    {
        for (int i = 0; i < input.Length; i++)
        {
            Span<byte> data = ctx.Pool.GetData(input[i]);
            if (data.IsEmpty)
            {
                ctx.Counters[0]++;
                ctx.Nexts[i] = NextIndex.Drop;
                continue;
            }

            ctx.Nexts[i] = (ushort)(data[0] & 1);
        }

        ctx.EnqueueToNext(input);
        return input.Length;
    }
}

/// <summary>Keeps what it is given (and frees on demand) so tests can see which packets arrived.</summary>
internal sealed class SinkNode(string name) : GraphNode(name, [], [])
{
    public List<int> Received { get; } = [];

    public List<int> VectorSizes { get; } = [];

    public override int Process(ref NodeContext ctx, ReadOnlySpan<PacketHandle> input)
    {
        VectorSizes.Add(input.Length);
        foreach (PacketHandle h in input)
        {
            Received.Add(ctx.Pool.GetData(h)[0]);
        }

        ctx.Pool.FreeBulk(input);
        return input.Length;
    }
}
