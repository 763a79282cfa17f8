// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Runtime.InteropServices;
using NfvConformance.Emulator.Dataplane.Buffers;
using NfvConformance.Emulator.Dataplane.Graph;
using NfvConformance.Packets;
using NfvConformance.Emulator.Dataplane.Vnfs;

namespace NfvConformance.Benchmarks.Dataplane;

/// <summary>
/// What a new flow costs the dataplane's stateful VNFs: the stateful firewall (ACL + connection-tracking insert) and
/// NAT44 (session create + port allocation). Each round builds a fresh node, sends 60,000 distinct UDP flows once
/// (every packet is a flow's first: the insert path), then the same 60,000 again (every packet hits an entry: the
/// established path), in vectors of 32, and reads the thread's CPU time around each pass (so other processes' turns on
/// a shared machine are not counted). The set-up cost is the difference per packet; the figure feeds the chain
/// model's <c>FlowSetupCycles</c>. Run: <c>NfvConformance.Benchmarks flow-setup [rounds]</c>.
/// </summary>
public static partial class FlowSetupCost
{
    private const int Flows = 60_000;
    private const int Vector = 32;

    /// <summary>Runs the harness and prints one line per node and round, then the medians.</summary>
    /// <param name="rounds">Rounds per node.</param>
    /// <returns>0.</returns>
    public static int Run(int rounds)
    {
        PacketPool pool = new(new PacketPoolOptions { Capacity = 4096 });
        byte[][] frames = new byte[Flows][];
        for (int i = 0; i < Flows; i++)
        {
            frames[i] = new byte[60];
            FrameBuilder.BuildUdpIpv4(frames[i], 60, [2, 0, 0, 0, 0xFE, 1], [2, 0, 0, 0, 0, 1], 0x0A000000u | (uint)(i >> 8), 0xC6120001u, (ushort)(1024 + (i & 0xFF)), 53);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"flow-setup: {Flows} distinct UDP flows, vector {Vector}, CPU ns/packet (thread CPU time); load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
        foreach (string node in new[] { "copy", "fw", "nat" })
        {
            List<double> first = [];
            List<double> again = [];
            for (int r = 0; r < rounds; r++)
            {
                NodeGraph graph = new NodeGraphBuilder().WithNode(Create(node)).WithNode(new Sink()).Build(pool, new NodeGraphOptions());
                first.Add(Pass(graph, pool, frames));
                again.Add(Pass(graph, pool, frames));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {node,-5} round {r + 1}: new flows {first[^1]:F1} ns/pkt, established {again[^1]:F1} ns/pkt, set-up {first[^1] - again[^1]:F1} ns"));
            }

            double m1 = Median(first), m2 = Median(again);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{node,-5} median: new flows {m1:F1} ns/pkt, established {m2:F1} ns/pkt, set-up cost {m1 - m2:F1} ns per new flow"));
        }

        return 0;
    }

    private static double Pass(NodeGraph graph, PacketPool pool, byte[][] frames)
    {
        PacketHandle[] vector = new PacketHandle[Vector];
        double start = CpuSeconds();
        for (int sent = 0; sent + Vector <= frames.Length; sent += Vector)
        {
            pool.AllocBurst(vector);
            for (int k = 0; k < Vector; k++)
            {
                byte[] frame = frames[sent + k];
                pool.TrySetLength(vector[k], frame.Length);
                frame.CopyTo(pool.GetData(vector[k]));
            }

            graph.Inject(0, vector);
            graph.Run();
        }

        return (CpuSeconds() - start) * 1e9 / (frames.Length / Vector * Vector);
    }

    private static GraphNode Create(string node) => node switch
    {
        "fw" => new FirewallNode("n", new FirewallOptions { Next = "sink", MaxConnections = 131_072, DefaultAction = AclAction.Permit, StrictTcp = false }),
        "nat" => new Nat44Node("n", new Nat44Options { Next = "sink", InsideNetwork = "10.0.0.0/8", ExternalAddresses = ["203.0.113.1", "203.0.113.2"], MaxSessions = 131_072 }),
        _ => new PassNode(),
    };

    private static double Median(List<double> values)
    {
        double[] v = [.. values.Order()];
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[(v.Length / 2) - 1] + v[v.Length / 2]) / 2;
    }

    private static double CpuSeconds() => ClockGetTime(3, out Timespec ts) == 0 ? ts.Seconds + (ts.Nanoseconds / 1e9) : double.NaN;

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clockId, out Timespec timespec);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private sealed class PassNode() : GraphNode("n", ["sink"], [])
    {
        public override int Process(ref NodeContext ctx, ReadOnlySpan<PacketHandle> input)
        {
            ctx.EnqueueToSingleNext(input, 0);
            return input.Length;
        }
    }

    private sealed class Sink() : GraphNode("sink", [], ["freed"])
    {
        public override int Process(ref NodeContext ctx, ReadOnlySpan<PacketHandle> input)
        {
            ctx.Counters[0] += input.Length;
            ctx.Pool.FreeBulk(input);
            return input.Length;
        }
    }
}
