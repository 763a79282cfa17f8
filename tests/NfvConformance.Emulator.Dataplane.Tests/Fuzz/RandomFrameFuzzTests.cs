// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using NfvConformance.Emulator.Dataplane.Buffers;
using NfvConformance.Emulator.Dataplane.Graph;
using NfvConformance.Packets;
using NfvConformance.Emulator.Dataplane.Tests.Graph;
using NfvConformance.Emulator.Dataplane.Tests.Protocols;
using NfvConformance.Emulator.Dataplane.Vnfs;

namespace NfvConformance.Emulator.Dataplane.Tests.Fuzz;

public sealed class RandomFrameFuzzTests
{
    private const int Frames = 1_000_000;

    /// <summary>Counts what reaches the end of the chain and frees it.</summary>
    private sealed class CountingSink(string name) : GraphNode(name, [], [])
    {
        public long Count { get; private set; }

        public override int Process(ref NodeContext ctx, ReadOnlySpan<PacketHandle> input)
        {
            Count += input.Length;
            ctx.Pool.FreeBulk(input);
            return input.Length;
        }
    }

    [Test]
    public void MillionRandomAndMutatedFrames_ThroughParserAndEveryVnf_NoExceptionNoLeak()
    {
        // Given: every VNF in one graph, and seeds for random and mutated frames.
        ManualTimeProvider time = new();
        PacketPool pool = new(new PacketPoolOptions { Capacity = 8192, BufferSize = 2048, Headroom = 128 });
        RouterNode router = new("router", [new RouterInterface("l2", "02:00:00:00:01:00", "02:00:00:00:02:00"), new RouterInterface("l2", "02:00:00:00:01:01", "02:00:00:00:02:01")]);
        router.AddRoute("0.0.0.0/0", 0);
        router.AddRoute("10.0.0.0/8", 1);
        CountingSink sink = new("sink");
        NodeGraph graph = new NodeGraphBuilder()
            .WithNode(new LoadBalancerNode("lb", ["fw0", "fw1"]))
            .WithNode(new FirewallNode("fw0", new FirewallOptions { Next = "nat", DefaultAction = AclAction.Permit, MaxConnections = 4096 }))
            .WithNode(new FirewallNode("fw1", new FirewallOptions { Next = "nat", Rules = [new AclRule(AclAction.Permit, Protocol: IpProtocols.Udp)], MaxConnections = 4096 }))
            .WithNode(new Nat44Node("nat", new Nat44Options { InsideNetwork = "0.0.0.0/1", ExternalAddresses = ["203.0.113.1", "203.0.113.2"], Next = "router", MaxSessions = 4096 }))
            .WithNode(router)
            .WithNode(new L2ForwarderNode("l2", ["impair"], floodNode: "impair", maxMacs: 1024))
            .WithNode(new ImpairmentNode("impair", new ImpairmentOptions { Next = "sink", LossProbability = 0.01, Delay = TimeSpan.FromMicroseconds(5), QueueCapacity = 1024, Seed = 9 }))
            .WithNode(sink)
            .Build(pool, new NodeGraphOptions { Time = time, MeasureNodeTime = false });
        byte[][] seeds = [.. GoldenFrames.All().Select(f => f.Bytes), .. GoldenFrames.Malformed().Select(m => m.Bytes)];
        Random rng = new(20261121);
        PacketHandle[] batch = new PacketHandle[NodeGraph.MaxVector];
        long parsedOk = 0;

        // When: a million frames, half random bytes and half golden frames with mutated bytes, lengths and fields.
        for (int sent = 0; sent < Frames; sent += batch.Length)
        {
            Assert.That(pool.TryAllocBulk(batch), Is.True, "pool exhausted: a node is leaking buffers");
            foreach (PacketHandle h in batch)
            {
                Span<byte> buffer = pool.GetBuffer(h)[pool.Headroom..];
                int length = Mutate(rng, seeds, buffer);
                pool.TrySetLength(h, length);
                Span<byte> data = pool.GetData(h);
                if (PacketParser.Parse(data, out ParsedPacket p) == ParseResult.Ok)
                {
                    parsedOk++;
                    if (p.InnerOffset >= 0 && p.InnerOffset <= data.Length)
                    {
                        PacketParser.Parse(data[p.InnerOffset..], out _);
                    }
                }
            }

            graph.Inject(0, batch);
            graph.Run();
            time.Advance(TimeSpan.FromMicroseconds(10));
            graph.Poll();
        }

        time.Advance(TimeSpan.FromSeconds(1));
        graph.Poll();

        // Then: nothing threw, every buffer is back, and every frame is accounted for as delivered or dropped.
        long drops = graph.GetAllCounters().Sum(c => c.Drops);
        int total = (Frames + batch.Length - 1) / batch.Length * batch.Length;
        Assert.That(pool.Available, Is.EqualTo(pool.Capacity));
        Assert.That(sink.Count + drops + graph.FrameOverflowDrops, Is.EqualTo(total));
        Assert.That(parsedOk, Is.InRange(total / 10, total - (total / 10)), "the mix should hold both parseable and malformed frames");
        string breakdown = string.Join("; ", graph.GetAllCounters().Select(c => $"{c.NodeName}: drops {c.Drops} [{string.Join(", ", c.Names.Select((n, i) => $"{n}={c.Get(i)}"))}]"));
        Assert.That(sink.Count, Is.GreaterThan(total / 100), "some frames should make it through the whole chain: " + breakdown);
        Assert.That(graph.GetAllCounters().Where(c => c.NodeName != "sink").Select(c => c.Packets), Is.All.GreaterThan(10_000), breakdown);
    }

    private static int Mutate(Random rng, byte[][] seeds, Span<byte> buffer)
    {
        int kind = rng.Next(4);
        if (kind == 0)
        {
            int length = rng.Next(0, 160);
            rng.NextBytes(buffer[..length]);
            return length;
        }

        byte[] seed = seeds[rng.Next(seeds.Length)];
        seed.CopyTo(buffer);
        int len = seed.Length;
        if (kind == 1 && len > 0)
        {
            int flips = rng.Next(1, 4);
            for (int i = 0; i < flips; i++)
            {
                buffer[rng.Next(len)] = (byte)rng.Next(256);
            }
        }
        else if (kind == 2 && len > 0)
        {
            len = rng.Next(len + 1);
        }
        else if (len >= 20)
        {
            // Field-aware mutation: lie about the IPv4 total length or the UDP length, or randomise addresses and ports.
            int at = 14 + (rng.Next(3) switch { 0 => Ipv4Fields.TotalLengthPosition, 1 => 20 + UdpFields.LengthPosition, _ => Ipv4Fields.SourcePosition });
            if (at + 2 <= len)
            {
                BinaryPrimitives.WriteUInt16BigEndian(buffer[at..], (ushort)rng.Next(65536));
            }
        }

        return len;
    }
}
