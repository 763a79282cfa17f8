// Licensed under the Apache License, Version 2.0.
using NfvConformance.Emulator.Dataplane.Buffers;
using NfvConformance.Emulator.Dataplane.Graph;
using NfvConformance.Emulator.Dataplane.Tests.Graph;

namespace NfvConformance.Emulator.Dataplane.Tests.Vnfs;

/// <summary>Copies every frame it receives (so tests can inspect them) and frees the buffers.</summary>
internal sealed class CaptureNode(string name) : GraphNode(name, [], [])
{
    public List<byte[]> Frames { get; } = [];

    public override int Process(ref NodeContext ctx, ReadOnlySpan<PacketHandle> input)
    {
        foreach (PacketHandle h in input)
        {
            Frames.Add(ctx.Pool.GetData(h).ToArray());
        }

        ctx.Pool.FreeBulk(input);
        return input.Length;
    }
}

/// <summary>One node under test, a capture node per next, a pool and a virtual clock.</summary>
internal sealed class VnfHarness
{
    private readonly Dictionary<string, CaptureNode> _sinks = new(StringComparer.Ordinal);
    private readonly GraphNode _node;

    public VnfHarness(GraphNode node, int poolSize = 4096)
    {
        _node = node;
        Pool = new PacketPool(new PacketPoolOptions { Capacity = poolSize, BufferSize = 2048, Headroom = 128 });
        NodeGraphBuilder builder = new NodeGraphBuilder().WithNode(node);
        foreach (string next in node.NextNodes.Distinct())
        {
            CaptureNode sink = new(next);
            _sinks[next] = sink;
            builder = builder.WithNode(sink);
        }

        Graph = builder.Build(Pool, new NodeGraphOptions { Time = Time });
    }

    public ManualTimeProvider Time { get; } = new();

    public PacketPool Pool { get; }

    public NodeGraph Graph { get; }

    public NodeCounters Counters => Graph.GetCounters(_node.Name);

    public List<byte[]> Received(string sink) => _sinks[sink].Frames;

    public int TotalReceived => _sinks.Values.Sum(s => s.Frames.Count);

    public void Send(byte[] frame, int inputPort = 0) => SendMany([frame], inputPort);

    public void SendMany(IReadOnlyList<byte[]> frames, int inputPort = 0)
    {
        PacketHandle[] handles = new PacketHandle[frames.Count];
        Assert.That(Pool.TryAllocBulk(handles), Is.True, "pool exhausted in the harness");
        for (int i = 0; i < frames.Count; i++)
        {
            Assert.That(Pool.TrySetLength(handles[i], frames[i].Length), Is.True);
            frames[i].CopyTo(Pool.GetData(handles[i]));
            Pool.Meta(handles[i]).InputPort = inputPort;
        }

        Graph.Inject(0, handles);
        Graph.Run();
    }

    public void Advance(TimeSpan by)
    {
        Time.Advance(by);
        Graph.Poll();
    }

    /// <summary>Every buffer went back to the pool or sits in a node's queue.</summary>
    public void AssertNoLeak(int held = 0) => Assert.That(Pool.Available, Is.EqualTo(Pool.Capacity - held), "buffers leaked");
}
