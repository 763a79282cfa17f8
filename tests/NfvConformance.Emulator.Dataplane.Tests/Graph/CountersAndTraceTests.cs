// Licensed under the Apache License, Version 2.0.
using NfvConformance.Emulator.Dataplane.Buffers;
using NfvConformance.Emulator.Dataplane.Graph;
using NfvConformance.Emulator.Dataplane.Ports;
using NfvConformance.Packets;

namespace NfvConformance.Emulator.Dataplane.Tests.Graph;

public sealed class CountersAndTraceTests
{
    /// <summary>Pushes an NSH header into the headroom (no copy) and records the service path in the metadata.</summary>
    private sealed class NshEncapNode(string name, string next, uint spi, byte si) : GraphNode(name, [next], ["no_headroom"])
    {
        public override int Process(ref NodeContext ctx, ReadOnlySpan<PacketHandle> input)
        {
            for (int i = 0; i < input.Length; i++)
            {
                PacketHandle h = input[i];
                if (!ctx.Pool.TryPrepend(h, NshFields.MdType1Length))
                {
                    ctx.Counters[0]++;
                    ctx.Nexts[i] = NextIndex.Drop;
                    continue;
                }

                FrameBuilder.WriteNsh(ctx.Pool.GetData(h), spi, si, NshFields.NextEthernet);
                ctx.Pool.Meta(h).UserData = ((ulong)spi << 8) | si;
                ctx.Nexts[i] = 0;
            }

            ctx.EnqueueToNext(input);
            return input.Length;
        }
    }

    /// <summary>Decrements the NSH service index in place, as a service function does.</summary>
    private sealed class ServiceFunctionNode(string name, string next) : GraphNode(name, [next], [])
    {
        public override int Process(ref NodeContext ctx, ReadOnlySpan<PacketHandle> input)
        {
            foreach (PacketHandle h in input)
            {
                NshView nsh = new(ctx.Pool.GetData(h));
                nsh.ServiceIndex--;
                ctx.Pool.Meta(h).UserData = ((ulong)nsh.ServicePathId << 8) | nsh.ServiceIndex;
            }

            ctx.EnqueueToSingleNext(input, 0);
            return input.Length;
        }
    }

    [Test]
    public void Trace_NshChain_RecordsServicePathAndIndexPerHop()
    {
        PacketPool pool = new(new PacketPoolOptions { Capacity = 16, BufferSize = 256, Headroom = 64 });
        NodeGraph graph = new NodeGraphBuilder()
            .WithNode(new NshEncapNode("classifier", "sf1", 42, 255))
            .WithNode(new ServiceFunctionNode("sf1", "sf2"))
            .WithNode(new ServiceFunctionNode("sf2", "sink"))
            .WithNode(new SinkNode("sink"))
            .Build(pool);
        foreach (string node in new[] { "classifier", "sf1", "sf2" })
        {
            graph.SetTrace(node, true);
        }

        pool.TryAlloc(out PacketHandle h);
        pool.TrySetLength(h, 60);
        pool.GetData(h).Fill(0x11);

        graph.Inject(0, [h]);
        graph.Run();

        IReadOnlyList<TraceRecord> hops = graph.Trace.Snapshot();
        Assert.That(hops.Select(t => (t.Node, t.Next, t.UserData)), Is.EqualTo(new[]
        {
            ("classifier", "sf1", (42UL << 8) | 255),
            ("sf1", "sf2", (42UL << 8) | 254),
            ("sf2", "sink", (42UL << 8) | 253),
        }));
        Assert.That(hops.Select(t => t.Length), Is.All.EqualTo(84));
    }

    [Test]
    public void NshEncap_NoHeadroom_DroppedWithReason()
    {
        PacketPool pool = new(new PacketPoolOptions { Capacity = 4, BufferSize = 256, Headroom = 8 });
        NodeGraph graph = new NodeGraphBuilder().WithNode(new NshEncapNode("classifier", "sink", 1, 1)).WithNode(new SinkNode("sink")).Build(pool);
        pool.TryAlloc(out PacketHandle h);
        pool.TrySetLength(h, 60);

        graph.Inject(0, [h]);
        graph.Run();

        Assert.That(graph.GetCounters("classifier")["no_headroom"], Is.EqualTo(1));
        Assert.That(pool.Available, Is.EqualTo(4));
    }

    [Test]
    public void NodeCountersSum_TwoWorkers_AddsEveryCounter()
    {
        NodeGraph Worker(int id, int packets)
        {
            PacketPool pool = new(new PacketPoolOptions { Capacity = 64, BufferSize = 256, Headroom = 0 });
            NodeGraph g = new NodeGraphBuilder().WithNode(new EvenOddNode("split", "sink", "sink")).WithNode(new SinkNode("sink")).Build(pool, new NodeGraphOptions { WorkerId = id });
            PacketHandle[] hs = new PacketHandle[packets];
            pool.AllocBurst(hs);
            g.Inject(0, hs);
            g.Run();
            return g;
        }

        NodeCounters sum = NodeCounters.Sum([Worker(0, 3).GetCounters("split"), Worker(1, 5).GetCounters("split")]);

        Assert.That(sum.Packets, Is.EqualTo(8));
        Assert.That(sum.Drops, Is.EqualTo(8));
        Assert.That(sum["empty"], Is.EqualTo(8));
        Assert.That(sum.Calls, Is.EqualTo(2));
    }

    [Test]
    public void Worker_StampsInputPortOnReceivedPackets()
    {
        PacketPool pool = new(new PacketPoolOptions { Capacity = 128, BufferSize = 256, Headroom = 0 });
        List<int> ports = [];
        NodeGraph graph = new NodeGraphBuilder().WithNode(new PortRecorder("rec", ports)).Build(pool);
        DataplaneWorker worker = new(graph);
        worker.AddInput(new NullPort("a", pool, 64), "rec", portId: 7);
        worker.AddInput(new NullPort("b", pool, 64), "rec");

        worker.RunIteration();

        Assert.That(ports.Distinct().Order(), Is.EqualTo(new[] { 1, 7 }));
        Assert.That(worker.Received, Is.EqualTo(2 * Port.MaxBurst));
    }

    private sealed class PortRecorder(string name, List<int> ports) : GraphNode(name, [], [])
    {
        public override int Process(ref NodeContext ctx, ReadOnlySpan<PacketHandle> input)
        {
            foreach (PacketHandle h in input)
            {
                ports.Add(ctx.Pool.Meta(h).InputPort);
            }

            ctx.Pool.FreeBulk(input);
            return input.Length;
        }
    }
}
