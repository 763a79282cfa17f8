// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;
using System.Globalization;
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Emulator.Dataplane.Graph;

namespace NfvConformance.Benchmarks.Chaining;

/// <summary>
/// Stopwatch harness for the compiled chain on one core: <c>io</c>, <c>wire3</c> and <c>fw,nat,router</c> measured
/// side by side in one process, with allocated bytes per packet and per-node ns/packet. Figures go to docs/service-chaining.md.
/// Arguments: <c>[flows] [seconds per round] [rounds] [novirtual]</c>; <c>novirtual</c> skips the virtual-time trials.
/// </summary>
internal static class ChainThroughput
{
    public static int Run(string[] args)
    {
        int flows = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
        double seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        int rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5;
        CultureInfo c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"chain throughput: {flows} flows, 64 B, {rounds} rounds of {seconds} s, 1 core, {Environment.ProcessorCount} cpus"));
        foreach (string chain in new[] { "io", "wire3", "fw,nat,router" })
        {
            ChainBenchSetup rig = ChainBenchSetup.Create(chain, flows);
            Loop(rig, TimeSpan.FromSeconds(1));
            List<(double Mpps, double BytesPerPacket, double CpuMpps)> results = [];
            for (int r = 0; r < rounds; r++)
            {
                results.Add(Loop(rig, TimeSpan.FromSeconds(seconds)));
            }

            results.Sort();
            double cpuMedian = results.Select(x => x.CpuMpps).Order().ElementAt(rounds / 2);
            Console.WriteLine(string.Create(c, $"{chain,-14} median {results[rounds / 2].Mpps,6:F2} Mpps  best {results[^1].Mpps,6:F2}  worst {results[0].Mpps,6:F2}  ns/pkt {1000 / results[rounds / 2].Mpps,6:F1}  per CPU-second {cpuMedian,6:F2} Mpps  alloc B/pkt {results.Max(x => x.BytesPerPacket):F4}"));
        }

        foreach (string chain in new[] { "wire3", "fw,nat,router" })
        {
            ChainBenchSetup measured = ChainBenchSetup.Create(chain, flows, measureNodes: true);
            Loop(measured, TimeSpan.FromSeconds(seconds));
            Console.WriteLine($"per node ({chain}, MeasureNodeTime on; includes the timing overhead and polls of polled nodes):");
            foreach (NodeCounters n in measured.Engine.Graph.GetAllCounters())
            {
                Console.WriteLine(string.Create(c, $"  {n.NodeName,-22} {n.NanosecondsPerPacket,7:F1} ns/pkt  packets {n.Packets,12}  drops {n.Drops}"));
            }
        }

        if (!args.Contains("novirtual", StringComparer.Ordinal))
        {
            VirtualTrials(flows);
        }

        return 0;
    }

    /// <summary>Times 60-second virtual-time trials of the three-VNF chain (with a crash and failover) at several loads.</summary>
    public static void VirtualTrials(int flows)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        ChainBenchSetup rig = ChainBenchSetup.Create("fw,nat,router", flows);
        FaultSchedule faults = new(7, [new FaultEvent(TimeSpan.FromSeconds(20), FaultKind.LossRatio, "hop1") { Value = 0.001 }]);
        foreach ((double pps, int burst) in new[] { (1_000.0, 1), (10_000, 1), (100_000, 1), (100_000, 32), (1_000_000, 32) })
        {
            ChainTrialOptions options = new("bench") { Duration = TimeSpan.FromSeconds(60), OfferedLoadPps = pps, Flows = flows, Seed = 1, Faults = faults, BurstSize = burst };
            rig.Engine.RunTrial(options with { Duration = TimeSpan.FromSeconds(1) });
            long start = Stopwatch.GetTimestamp();
            ChainTrialResult r = rig.Engine.RunTrial(options);
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            ChainTrialResult again = rig.Engine.RunTrial(options);
            Console.WriteLine(string.Create(c, $"virtual 60 s trial at {pps,9:F0} pps, burst {burst,2}: {ms,8:F1} ms wall, {r.Events,10} events, {r.Events / ms / 1000,6:F2} M events/s, delivered {r.Delivered}, p99 {r.Latency.P99Ns / 1000:F1} us, repeat digest equal: {again.Digest == r.Digest}"));
        }
    }

    /// <summary>Runs the worker loop for a while; returns wall-clock Mpps, allocated bytes per packet and Mpps per second of process CPU time (fairer on a loaded machine).</summary>
    public static (double Mpps, double BytesPerPacket, double CpuMpps) Loop(ChainBenchSetup rig, TimeSpan duration)
    {
        using Process process = Process.GetCurrentProcess();
        TimeSpan cpuStart = process.TotalProcessorTime;
        long packets = 0;
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        long end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long now;
        do
        {
            for (int i = 0; i < 256; i++)
            {
                packets += rig.Engine.RunIteration();
            }

            now = Stopwatch.GetTimestamp();
        }
        while (now < end);

        double elapsed = (now - start) / (double)Stopwatch.Frequency;
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpuStart).TotalSeconds;
        return (packets / elapsed / 1e6, (double)allocated / packets, packets / cpu / 1e6);
    }
}
