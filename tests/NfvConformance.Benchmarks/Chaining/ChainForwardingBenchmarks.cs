// Licensed under the Apache License, Version 2.0.
using BenchmarkDotNet.Attributes;

namespace NfvConformance.Benchmarks.Chaining;

/// <summary>
/// BenchmarkDotNet view of the same rig as <see cref="ChainThroughput"/>: one operation is one packet through the
/// chain (rx from a null port, the chain's nodes, tx to a null port); the memory diagnoser checks zero bytes per packet.
/// </summary>
[MemoryDiagnoser]
public class ChainForwardingBenchmarks
{
    private const int Iterations = 1024;
    private ChainBenchSetup _rig = null!;

    /// <summary>Gets or sets the chain: io, wire3 or fw,nat,router.</summary>
    [Params("io", "wire3", "fw,nat,router")]
    public string Chain { get; set; } = "fw,nat,router";

    /// <summary>Builds the rig with 10,000 flows and warms every flow's state.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _rig = ChainBenchSetup.Create(Chain, 10_000);
        ChainThroughput.Loop(_rig, TimeSpan.FromMilliseconds(300));
    }

    /// <summary>1,024 worker iterations of a 32-packet burst each.</summary>
    /// <returns>Packets forwarded.</returns>
    [Benchmark(OperationsPerInvoke = Iterations * 32)]
    public long Forward()
    {
        long packets = 0;
        for (int i = 0; i < Iterations; i++)
        {
            packets += _rig.Engine.RunIteration();
        }

        return packets;
    }
}
