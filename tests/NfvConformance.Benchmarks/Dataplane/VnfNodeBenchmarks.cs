// Licensed under the Apache License, Version 2.0.
using BenchmarkDotNet.Attributes;
using NfvConformance.Emulator.Dataplane.Buffers;
using NfvConformance.Emulator.Dataplane.Graph;
using NfvConformance.Packets;
using NfvConformance.Emulator.Dataplane.Vnfs;

namespace NfvConformance.Benchmarks.Dataplane;

/// <summary>
/// One VNF node at a time in a graph: frames of 10,000 UDP flows are copied into buffers (as a NIC would), given to
/// the node as one vector, and freed by a sink. The "copy" baseline is the same with a pass-through node, so a
/// node's own cost is its time minus the baseline's. One operation is one packet.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(DataplaneBenchmarkConfig))]
public class VnfNodeBenchmarks
{
    private const int Flows = 10_000;
    private const int PacketsPerInvoke = 4096;
    private PacketPool _pool = null!;
    private NodeGraph _graph = null!;
    private byte[][] _frames = null!;
    private PacketHandle[] _vector = null!;
    private int _nextFlow;

    [Params("copy", "fw", "nat", "router", "lb", "l2fwd", "impair")]
    public string Node { get; set; } = "copy";

    [Params(1, 32, 256)]
    public int Vector { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _pool = new PacketPool(new PacketPoolOptions { Capacity = 4096 });
        _frames = new byte[Flows][];
        for (int i = 0; i < Flows; i++)
        {
            _frames[i] = new byte[60];
            FrameBuilder.BuildUdpIpv4(_frames[i], 60, [2, 0, 0, 0, 0xFE, 1], [2, 0, 0, 0, 0, 1], 0x0A000000u | (uint)i, 0xC6120000u | (uint)i, (ushort)(1024 + i), 80);
        }

        _graph = new NodeGraphBuilder().WithNode(Create(Node)).WithNode(new Sink()).Build(_pool, new NodeGraphOptions { MeasureNodeTime = false });
        _vector = new PacketHandle[Vector];
        for (int i = 0; i < 2 * Flows / PacketsPerInvoke + 1; i++)
        {
            Run();
        }
    }

    [Benchmark(OperationsPerInvoke = PacketsPerInvoke)]
    public void Run()
    {
        Span<PacketHandle> vector = _vector;
        for (int sent = 0; sent < PacketsPerInvoke; sent += vector.Length)
        {
            _pool.AllocBurst(vector);
            foreach (PacketHandle h in vector)
            {
                byte[] frame = _frames[_nextFlow];
                _nextFlow = _nextFlow + 1 == Flows ? 0 : _nextFlow + 1;
                _pool.TrySetLength(h, frame.Length);
                frame.CopyTo(_pool.GetData(h));
            }

            _graph.Inject(0, vector);
            _graph.Run();
        }
    }

    private static GraphNode Create(string node)
    {
        switch (node)
        {
            case "fw":
                return new FirewallNode("n", new FirewallOptions { Next = "sink", MaxConnections = 16384, Rules = [new AclRule(AclAction.Permit, Source: "10.0.0.0/8", Protocol: IpProtocols.Udp)] });
            case "nat":
                return new Nat44Node("n", new Nat44Options { Next = "sink", InsideNetwork = "10.0.0.0/8", ExternalAddresses = ["203.0.113.1"], MaxSessions = 16384 });
            case "router":
                RouterNode r = new("n", [new RouterInterface("sink", "02:00:00:00:fe:01", "02:00:00:00:0b:01"), new RouterInterface("sink", "02:00:00:00:fe:02", "02:00:00:00:0b:02")]);
                r.AddRoute("0.0.0.0/0", 0);
                r.AddRoute("198.18.0.0/15", 1);
                return r;
            case "lb":
                return new LoadBalancerNode("n", ["sink", "sink", "sink", "sink"]);
            case "l2fwd":
                L2ForwarderNode l2 = new("n", ["sink"], floodNode: "sink");
                l2.AddStatic("02:00:00:00:fe:01", 0);
                return l2;
            case "impair":
                return new ImpairmentNode("n", new ImpairmentOptions { Next = "sink", LossProbability = 0.001 });
            default:
                return new PassNode();
        }
    }

    private sealed class PassNode() : GraphNode("n", ["sink"], [])
    {
        public override int Process(ref NodeContext ctx, ReadOnlySpan<PacketHandle> input)
        {
            ctx.EnqueueToSingleNext(input, 0);
            return input.Length;
        }
    }

    private sealed class Sink() : GraphNode("sink", [], [])
    {
        public override int Process(ref NodeContext ctx, ReadOnlySpan<PacketHandle> input)
        {
            ctx.Pool.FreeBulk(input);
            return input.Length;
        }
    }
}
