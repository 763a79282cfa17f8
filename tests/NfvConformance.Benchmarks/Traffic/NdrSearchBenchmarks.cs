// Licensed under the Apache License, Version 2.0.
using BenchmarkDotNet.Attributes;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Traffic.Devices;
using NfvConformance.Traffic.Generators;
using NfvConformance.Traffic.Methods;

namespace NfvConformance.Benchmarks.Traffic;

/// <summary>Wall-clock cost of one whole NDR/PDR search on an emulated device in virtual time (docs/performance-traffic.md).</summary>
[MemoryDiagnoser]
public class NdrSearchBenchmarks
{
    private static readonly DeviceModel s_device = new()
    {
        Name = "example-dut",
        LineRateGbps = 10,
        CapacityPps = new Dictionary<int, double> { [64] = 3_000_000 },
        BaseLatencyUs = 10,
        LoadFactorUs = 2,
        Jitter = JitterKind.Lognormal,
        Sigma = 0.25,
    };

    private static readonly TrafficProfile s_profile = new([new TrafficStream { Name = "fwd" }]);

    [Params(NdrSearchMethod.Mlr, NdrSearchMethod.Bisection, NdrSearchMethod.Tst009)]
    public NdrSearchMethod Method { get; set; }

    // 1000 latency frames per second of trial, as NFVbench; 0 = counters only.
    [Params(0, 1000)]
    public double LatencyPps { get; set; }

    [Benchmark]
    public Task<NdrPdrResult> Search() =>
        NdrPdrSearch.RunAsync(new EmulatedDeviceGenerator(s_device), s_profile, new NdrPdrOptions { Method = Method, LatencyPps = LatencyPps });
}
