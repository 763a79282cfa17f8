// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;
using NfvConformance.Emulator.Dataplane.Buffers;
using NfvConformance.Emulator.Dataplane.Graph;
using NfvConformance.Emulator.Dataplane.Ports;
using NfvConformance.Packets;
using NfvConformance.Emulator.Dataplane.Vnfs;

namespace NfvConformance.Emulator.Dataplane.Bench.Internal;

/// <summary>Phases the benchmark's workers follow; written by the controller, polled once per loop iteration.</summary>
internal sealed class BenchControl
{
    public const int Warmup = 0;
    public const int Measure = 1;
    public const int Stop = 2;

    private volatile int _phase;

    public int Phase
    {
        get => _phase;
        set => _phase = value;
    }
}

/// <summary>One worker of a benchmark run: builds its own pool, ports and graph, then loops until told to stop.</summary>
internal abstract class BenchLane
{
    private long _startTimestamp;
    private long _startAllocated;
    private double _startCpu;

    public long Packets { get; protected set; }

    public double WindowSeconds { get; private set; }

    public long AllocatedBytes { get; private set; }

    public double CpuSeconds { get; private set; }

    public abstract IReadOnlyList<string> NodeNames { get; }

    public abstract long NodePackets(string name);

    public abstract double NodeNanoseconds(string name);

    public abstract long NodeDrops(string name);

    public void Loop(BenchControl control)
    {
        int seen = BenchControl.Warmup;
        while (true)
        {
            Iterate();
            int phase = control.Phase;
            if (phase == seen)
            {
                continue;
            }

            if (phase == BenchControl.Measure)
            {
                SnapshotStart();
                _startCpu = ThreadCpuClock.Seconds();
                _startTimestamp = Stopwatch.GetTimestamp();
                // Read last, so the snapshot's own allocations fall outside the window.
                _startAllocated = GC.GetAllocatedBytesForCurrentThread();
            }
            else
            {
                long allocated = GC.GetAllocatedBytesForCurrentThread();
                long end = Stopwatch.GetTimestamp();
                double cpu = ThreadCpuClock.Seconds();
                if (seen == BenchControl.Measure)
                {
                    CpuSeconds = cpu - _startCpu;
                    AllocatedBytes = allocated - _startAllocated;
                    WindowSeconds = (double)(end - _startTimestamp) / Stopwatch.Frequency;
                    SnapshotEnd();
                }

                return;
            }

            seen = phase;
        }
    }

    /// <summary>Releases what the lane holds outside the managed heap (a shared-memory region); called once, after the worker stopped.</summary>
    public virtual void Release()
    {
    }

    protected abstract void Iterate();

    protected abstract void SnapshotStart();

    protected abstract void SnapshotEnd();

    /// <summary>One template frame per flow of this lane: UDP from 10.x inside to 198.18.0.0/15 (RFC 2544's benchmark range).</summary>
    protected static byte[][] BuildFlows(DataplaneBenchOptions options, int lane)
    {
        int count = Math.Max(1, (options.Flows / options.Cores) + (lane < options.Flows % options.Cores ? 1 : 0));
        byte[] dstMac = [0x02, 0x00, 0x00, 0x00, 0xFE, 0x01];
        byte[] srcMac = [0x02, 0x00, 0x00, 0x00, 0x00, (byte)(lane + 1)];
        byte[][] frames = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            int flow = (i * options.Cores) + lane;
            uint src = 0x0A000000u | (uint)(flow % 0xFFFFFF);
            uint dst = 0xC6120000u | (uint)(flow % 0x1FFFF);
            frames[i] = new byte[options.FrameSize];
            FrameBuilder.BuildUdpIpv4(frames[i], options.FrameSize, dstMac, srcMac, src, dst, (ushort)(1024 + (flow % 60000)), 80);
        }

        return frames;
    }
}

/// <summary>
/// testpmd's io forwarding between two ports: receive a burst on one, transmit it on the other, free what is refused;
/// and the same the other way. The ports decide what the forward crosses (null ports, a shared-memory pair, ...).
/// </summary>
internal abstract class PortPairLane : BenchLane
{
    private readonly PacketHandle[] _burst = new PacketHandle[Port.MaxBurst];
    private readonly string[] _names;
    private long _drop01;
    private long _drop10;
    private long _tx0;
    private long _tx1;
    private long _start0;
    private long _start1;
    private long _startDrop01;
    private long _startDrop10;

    // The stream names are the same in every lane: the bench sums each name over the lanes.
    protected PortPairLane(PacketPool pool, Port p0, Port p1, string forward, string backward)
    {
        Pool = pool;
        P0 = p0;
        P1 = p1;
        _names = [forward, backward];
    }

    public override IReadOnlyList<string> NodeNames => _names;

    protected PacketPool Pool { get; }

    protected Port P0 { get; }

    protected Port P1 { get; }

    // Stream 0→1 is received on port 0 and transmitted on port 1, so its packets are port 1's transmits.
    public override long NodePackets(string name) => name == _names[0] ? _tx1 : _tx0;

    public override double NodeNanoseconds(string name) => WindowSeconds * 1e9 * NodePackets(name) / Math.Max(1, _tx0 + _tx1);

    public override long NodeDrops(string name) => name == _names[0] ? _drop01 : _drop10;

    protected override void Iterate()
    {
        _drop01 += Forward(P0, P1);
        _drop10 += Forward(P1, P0);
    }

    protected override void SnapshotStart()
    {
        _start0 = P0.Stats.TxPackets;
        _start1 = P1.Stats.TxPackets;
        _startDrop01 = _drop01;
        _startDrop10 = _drop10;
    }

    protected override void SnapshotEnd()
    {
        _tx0 = P0.Stats.TxPackets - _start0;
        _tx1 = P1.Stats.TxPackets - _start1;
        _drop01 -= _startDrop01;
        _drop10 -= _startDrop10;
        Packets = _tx0 + _tx1;
    }

    private int Forward(Port rx, Port tx)
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
            Pool.FreeBulk(burst[sent..n]);
        }

        return n - sent;
    }
}

/// <summary>testpmd's io forwarding over two null ports (net_null): the dataplane's own cost of a forward.</summary>
internal sealed class IoLane : PortPairLane
{
    public IoLane(DataplaneBenchOptions options, int lane)
        : this(new PacketPool(new PacketPoolOptions { Capacity = 4096, BufferSize = BufferSizeFor(options.FrameSize) }), options.FrameSize, lane)
    {
    }

    private IoLane(PacketPool pool, int frameSize, int lane)
        : base(pool, new NullPort($"null{2 * lane}", pool, frameSize), new NullPort($"null{(2 * lane) + 1}", pool, frameSize), "null0-to-null1", "null1-to-null0")
    {
    }

    internal static int BufferSizeFor(int frameSize) => Math.Max(2048, ((frameSize + 128 + 63) / 64) * 64);
}

/// <summary>A VNF chain: rx port → chain nodes → tx port, one graph per worker.</summary>
internal sealed class ChainLane : BenchLane
{
    private readonly DataplaneWorker _worker;
    private readonly NullPort _tx;
    private readonly NodeCounters[] _counters;
    private readonly string[] _names;
    private readonly long[] _packets;
    private readonly long[] _ticks;
    private readonly long[] _drops;
    private long _startTx;

    public ChainLane(DataplaneBenchOptions options, int lane)
    {
        PacketPool pool = new(new PacketPoolOptions { Capacity = 8192, BufferSize = IoLane.BufferSizeFor(options.FrameSize) });
        NullPort rx = new($"rx{lane}", pool, options.FrameSize, BuildFlows(options, lane));
        _tx = new NullPort($"tx{lane}", pool, options.FrameSize);
        IReadOnlyList<string> elements = options.ChainNodes();
        string[] names = new string[elements.Count];
        for (int i = 0; i < elements.Count; i++)
        {
            int repeat = elements.Take(i).Count(e => e == elements[i]);
            names[i] = repeat == 0 ? elements[i] : $"{elements[i]}{repeat + 1}";
        }

        int flowsPerLane = (options.Flows / options.Cores) + 1;
        NodeGraphBuilder builder = new();
        for (int i = 0; i < elements.Count; i++)
        {
            builder = builder.WithNode(CreateNode(elements[i], names[i], i + 1 < names.Length ? names[i + 1] : "tx", flowsPerLane));
        }

        builder = builder.WithNode(new PortOutputNode("tx", _tx));
        NodeGraph graph = builder.Build(pool, new NodeGraphOptions { WorkerId = lane, MeasureNodeTime = true });
        _worker = new DataplaneWorker(graph);
        _worker.AddInput(rx, names[0]);
        _names = [.. names, "tx"];
        _counters = [.. _names.Select(graph.GetCounters)];
        _packets = new long[_names.Length];
        _ticks = new long[_names.Length];
        _drops = new long[_names.Length];
    }

    public override IReadOnlyList<string> NodeNames => _names;

    public override long NodePackets(string name) => _packets[Array.IndexOf(_names, name)];

    public override double NodeNanoseconds(string name) => _ticks[Array.IndexOf(_names, name)] * 1e9 / Stopwatch.Frequency;

    public override long NodeDrops(string name) => _drops[Array.IndexOf(_names, name)];

    protected override void Iterate() => _worker.RunIteration();

    protected override void SnapshotStart()
    {
        _startTx = _tx.Stats.TxPackets;
        for (int i = 0; i < _counters.Length; i++)
        {
            _packets[i] = _counters[i].Packets;
            _ticks[i] = _counters[i].Ticks;
            _drops[i] = _counters[i].Drops;
        }
    }

    protected override void SnapshotEnd()
    {
        Packets = _tx.Stats.TxPackets - _startTx;
        for (int i = 0; i < _counters.Length; i++)
        {
            _packets[i] = _counters[i].Packets - _packets[i];
            _ticks[i] = _counters[i].Ticks - _ticks[i];
            _drops[i] = _counters[i].Drops - _drops[i];
        }
    }

    private static GraphNode CreateNode(string element, string name, string next, int flows)
    {
        int table = Math.Max(1024, flows + (flows / 4));
        switch (element)
        {
            case "fw":
                return new FirewallNode(name, new FirewallOptions
                {
                    Next = next,
                    MaxConnections = table,
                    Rules = [new AclRule(AclAction.Deny, Source: "10.255.255.255/32"), new AclRule(AclAction.Permit, Source: "10.0.0.0/8", Protocol: IpProtocols.Udp)],
                });
            case "nat":
                int addresses = (flows / 60000) + 1;
                return new Nat44Node(name, new Nat44Options
                {
                    Next = next,
                    InsideNetwork = "10.0.0.0/8",
                    ExternalAddresses = [.. Enumerable.Range(1, addresses).Select(a => $"203.0.{113 + (a / 250)}.{a % 250}")],
                    MaxSessions = table,
                });
            case "router":
                RouterNode router = new(name, [new RouterInterface(next, "02:00:00:00:fe:01", "02:00:00:00:0b:01"), new RouterInterface(next, "02:00:00:00:fe:02", "02:00:00:00:0b:02")], maxLpmGroups: 2048);
                router.AddRoute("0.0.0.0/0", 0);
                router.AddRoute("198.18.0.0/15", 1);
                for (int i = 0; i < 512; i++)
                {
                    // A realistic table: 512 /24s inside the benchmark range, alternating interfaces.
                    router.AddRoute($"198.{18 + (i >> 8)}.{i & 255}.0/24", i & 1);
                }

                return router;
            case "lb":
                return new LoadBalancerNode(name, [next, next, next, next]);
            case "l2fwd":
                L2ForwarderNode l2 = new(name, [next], floodNode: next);
                l2.AddStatic("02:00:00:00:fe:01", 0);
                return l2;
            default:
                return new ImpairmentNode(name, new ImpairmentOptions { Next = next });
        }
    }
}
