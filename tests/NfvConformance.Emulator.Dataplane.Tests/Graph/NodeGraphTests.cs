// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Emulator.Dataplane.Buffers;
using NfvConformance.Emulator.Dataplane.Graph;
using NfvConformance.Emulator.Dataplane.Ports;

namespace NfvConformance.Emulator.Dataplane.Tests.Graph;

public sealed class NodeGraphTests
{
    private static PacketPool Pool(int capacity = 1024) => new(new PacketPoolOptions { Capacity = capacity, BufferSize = 256, Headroom = 0 });

    private static PacketHandle[] Packets(PacketPool pool, params byte[] firstBytes)
    {
        PacketHandle[] handles = new PacketHandle[firstBytes.Length];
        pool.AllocBurst(handles);
        for (int i = 0; i < handles.Length; i++)
        {
            pool.TrySetLength(handles[i], firstBytes[i] == 255 ? 0 : 16);
            if (firstBytes[i] != 255)
            {
                pool.GetData(handles[i])[0] = firstBytes[i];
            }
        }

        return handles;
    }

    [Test]
    public void Run_EvenOddSplit_DeliversEachPacketToItsNext()
    {
        PacketPool pool = Pool();
        SinkNode even = new("even");
        SinkNode odd = new("odd");
        NodeGraph graph = new NodeGraphBuilder()
            .WithNode(new EvenOddNode("split", "even", "odd"))
            .WithNode(even)
            .WithNode(odd)
            .Build(pool);

        graph.Inject(graph.IndexOf("split"), Packets(pool, 1, 2, 3, 4, 6, 255));
        int processed = graph.Run();

        Assert.That(even.Received, Is.EqualTo(new[] { 2, 4, 6 }));
        Assert.That(odd.Received, Is.EqualTo(new[] { 1, 3 }));
        Assert.That(processed, Is.EqualTo(6 + 3 + 2));
        NodeCounters counters = graph.GetCounters("split");
        Assert.That(counters.Packets, Is.EqualTo(6));
        Assert.That(counters.Drops, Is.EqualTo(1));
        Assert.That(counters["empty"], Is.EqualTo(1));
        Assert.That(pool.Available, Is.EqualTo(1024));
    }

    [Test]
    public void Run_NothingInjected_ProcessesNothing()
    {
        PacketPool pool = Pool();
        NodeGraph graph = new NodeGraphBuilder().WithNode(new SinkNode("sink")).Build(pool);

        Assert.That(graph.Run(), Is.Zero);
    }

    [Test]
    public void Inject_MoreThanMaxVector_SplitsIntoVectorsOfAtMostMaxVector()
    {
        PacketPool pool = Pool(1024);
        SinkNode sink = new("sink");
        NodeGraph graph = new NodeGraphBuilder().WithNode(sink).Build(pool);
        PacketHandle[] many = Packets(pool, [.. Enumerable.Repeat((byte)7, 600)]);

        graph.Inject(0, many);
        graph.Run();

        Assert.That(sink.Received, Has.Count.EqualTo(600));
        Assert.That(sink.VectorSizes.Max(), Is.LessThanOrEqualTo(NodeGraph.MaxVector));
    }

    [Test]
    public void Build_UnknownNextAndDuplicateName_ReportsBothProblems()
    {
        NodeGraphBuilder builder = new NodeGraphBuilder()
            .WithNode(new EvenOddNode("split", "even", "nowhere"))
            .WithNode(new SinkNode("even"))
            .WithNode(new SinkNode("even"));

        IReadOnlyList<ValidationError> errors = builder.Validate();
        ConfigurationException ex = Assert.Throws<ConfigurationException>(() => builder.Build(Pool()))!;

        Assert.That(errors, Has.Count.EqualTo(2));
        Assert.That(ex.Message, Does.Contain("nowhere").And.Contain("'even'"));
    }

    [Test]
    public void SetTrace_Enabled_RecordsEveryHopWithNextName()
    {
        PacketPool pool = Pool();
        NodeGraph graph = new NodeGraphBuilder()
            .WithNode(new EvenOddNode("split", "even", "odd"))
            .WithNode(new SinkNode("even"))
            .WithNode(new SinkNode("odd"))
            .Build(pool);
        graph.SetTrace("split", true);
        PacketHandle[] packets = Packets(pool, 1, 2);

        graph.Inject(0, packets);
        graph.Run();
        IReadOnlyList<TraceRecord> trace = graph.Trace.Snapshot();

        Assert.That(trace.Select(t => (t.Node, t.Next, t.PacketIndex)), Is.EqualTo(new[]
        {
            ("split", "odd", packets[0].Index),
            ("split", "even", packets[1].Index),
        }));
    }

    [Test]
    public void Trace_Disabled_RecordsNothing()
    {
        PacketPool pool = Pool();
        NodeGraph graph = new NodeGraphBuilder().WithNode(new EvenOddNode("split", "a", "a")).WithNode(new SinkNode("a")).Build(pool);

        graph.Inject(0, Packets(pool, 1, 2, 3));
        graph.Run();

        Assert.That(graph.Trace.Recorded, Is.Zero);
    }

    [Test]
    public void Worker_NullPortThroughOutput_ForwardsAndFreesAll()
    {
        PacketPool pool = Pool(256);
        NullPort rx = new("rx", pool, 64);
        NullPort tx = new("tx", pool, 64);
        NodeGraph graph = new NodeGraphBuilder().WithNode(new PortOutputNode("out", tx, TimeSpan.Zero)).Build(pool);
        DataplaneWorker worker = new(graph);
        worker.AddInput(rx, "out");

        for (int i = 0; i < 100; i++)
        {
            worker.RunIteration();
        }

        Assert.That(tx.Stats.TxPackets, Is.EqualTo(100 * Port.MaxBurst));
        Assert.That(rx.Stats.RxPackets, Is.EqualTo(100 * Port.MaxBurst));
        Assert.That(pool.Available, Is.EqualTo(256));
    }

    [Test]
    public void Worker_AddInputUnknownNode_ThrowsConfiguration()
    {
        PacketPool pool = Pool();
        NodeGraph graph = new NodeGraphBuilder().WithNode(new SinkNode("sink")).Build(pool);
        DataplaneWorker worker = new(graph);

        ConfigurationException ex = Assert.Throws<ConfigurationException>(() => worker.AddInput(new NullPort("p", pool), "nope"))!;
        Assert.That(ex.Message, Does.Contain("nope"));
    }
}
