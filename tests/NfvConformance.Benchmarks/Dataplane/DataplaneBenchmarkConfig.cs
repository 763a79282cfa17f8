// Licensed under the Apache License, Version 2.0.
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;

namespace NfvConformance.Benchmarks.Dataplane;

/// <summary>Short jobs (the machine has 2 vCPUs shared with builds), memory diagnoser on: the budget is 0 B per operation.</summary>
internal sealed class DataplaneBenchmarkConfig : ManualConfig
{
    public DataplaneBenchmarkConfig()
    {
        AddJob(Job.ShortRun.WithWarmupCount(3).WithIterationCount(5));
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}
