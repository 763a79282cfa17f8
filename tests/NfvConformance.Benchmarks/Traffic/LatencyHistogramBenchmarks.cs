// Licensed under the Apache License, Version 2.0.
using BenchmarkDotNet.Attributes;
using NfvConformance.Abstractions.Traffic;

namespace NfvConformance.Benchmarks.Traffic;

/// <summary>Cost of recording and reading latency (docs/performance-traffic.md).</summary>
[MemoryDiagnoser]
public class LatencyHistogramBenchmarks
{
    private const int Values = 100_000;
    private readonly long[] _values = new long[Values];
    private LatencyHistogram _full = null!;
    private LatencyHistogram _other = null!;

    [Params(2, 3)]
    public int Digits { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Random rng = new(1);
        for (int i = 0; i < Values; i++)
        {
            _values[i] = (long)(10_000 * Math.Exp(0.25 * ((rng.NextDouble() * 6) - 3)));
        }

        _full = new LatencyHistogram(Digits);
        _other = new LatencyHistogram(Digits);
        foreach (long v in _values)
        {
            _full.Record(v);
            _other.Record(v);
        }
    }

    [Benchmark(OperationsPerInvoke = Values)]
    public LatencyHistogram Record()
    {
        LatencyHistogram h = new(Digits);
        foreach (long v in _values)
        {
            h.Record(v);
        }

        return h;
    }

    [Benchmark]
    public LatencySummary Summary() => _full.ToSummaryMicroseconds();

    [Benchmark]
    public void Merge() => _full.Merge(_other);

    [Benchmark]
    public byte[] Serialize() => _full.ToBytes();
}
