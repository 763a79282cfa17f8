// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Emulator.Dataplane.Bench.Internal;

namespace NfvConformance.Emulator.Dataplane.Bench;

/// <summary>
/// Measures the dataplane in real time (<c>nfvc bench dataplane</c>): each worker thread owns a pool, a net_null-like
/// receive port that produces frames of the configured flows, the chain's VNF nodes and a transmit port that frees
/// what it is given, and runs to completion. After a warm-up, the measured window counts forwarded packets, time
/// per node, and the bytes the workers allocated (GC.GetAllocatedBytesForCurrentThread on each worker).
/// </summary>
public static class DataplaneBench
{
    /// <summary>Runs one measurement.</summary>
    /// <param name="options">Chain, frame size, flows, duration and workers.</param>
    /// <param name="cancellationToken">Stops the run early.</param>
    /// <returns>The figures.</returns>
    /// <exception cref="ConfigurationException">An option is invalid; the message lists every problem.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public static DataplaneBenchResult Run(DataplaneBenchOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<ValidationError> errors = options.Validate();
        if (errors.Count > 0)
        {
            ThrowHelper.ThrowConfiguration(string.Join(Environment.NewLine, errors));
        }

        BenchControl control = new();
        BenchLane[] lanes = new BenchLane[options.Cores];
        for (int c = 0; c < lanes.Length; c++)
        {
            lanes[c] = options.IsMemif ? new MemifLane(options, c) : options.ChainNodes().Count == 0 ? new IoLane(options, c) : new ChainLane(options, c);
        }

        Thread[] threads = new Thread[lanes.Length];
        for (int c = 0; c < lanes.Length; c++)
        {
            BenchLane lane = lanes[c];
            threads[c] = new Thread(() => lane.Loop(control)) { IsBackground = true, Name = $"dataplane-worker-{c}" };
            threads[c].Start();
        }

        try
        {
            Wait(TimeSpan.FromSeconds(Math.Max(0.2, options.Seconds / 5)), cancellationToken);
            control.Phase = BenchControl.Measure;
            Stopwatch window = Stopwatch.StartNew();
            Wait(TimeSpan.FromSeconds(options.Seconds), cancellationToken);
            control.Phase = BenchControl.Stop;
            window.Stop();
        }
        finally
        {
            control.Phase = BenchControl.Stop;
            foreach (Thread t in threads)
            {
                t.Join();
            }

            foreach (BenchLane lane in lanes)
            {
                lane.Release();
            }
        }

        return Summarise(options, lanes);
    }

    private static void Wait(TimeSpan duration, CancellationToken cancellationToken)
    {
        if (cancellationToken.WaitHandle.WaitOne(duration))
        {
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private static DataplaneBenchResult Summarise(DataplaneBenchOptions options, BenchLane[] lanes)
    {
        long packets = lanes.Sum(l => l.Packets);
        double seconds = lanes.Average(l => l.WindowSeconds);
        long allocated = lanes.Sum(l => l.AllocatedBytes);
        List<DataplaneBenchNode> nodes = [];
        foreach (string name in lanes[0].NodeNames)
        {
            long nodePackets = lanes.Sum(l => l.NodePackets(name));
            double ns = lanes.Sum(l => l.NodeNanoseconds(name));
            nodes.Add(new DataplaneBenchNode(name, nodePackets == 0 ? 0 : ns / nodePackets, nodePackets, lanes.Sum(l => l.NodeDrops(name))));
        }

        return new DataplaneBenchResult(
            options.Chain,
            options.FrameSize,
            options.Flows,
            options.Cores,
            packets,
            seconds,
            packets / seconds / 1e6,
            packets == 0 ? 0 : seconds * options.Cores * 1e9 / packets,
            packets == 0 ? 0 : (double)allocated / packets,
            nodes,
            lanes.Sum(l => l.CpuSeconds));
    }
}
