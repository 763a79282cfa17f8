// Licensed under the Apache License, Version 2.0.
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using Perfolizer.Horology;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace NfvConformance.Benchmarks.Dataplane;

/// <summary>
/// In-process short jobs (the machine has 2 vCPUs shared with builds; run without --inProcess, which would add a
/// second job), memory diagnoser on: the budget is 0 B per operation.
/// </summary>
internal sealed class DataplaneBenchmarkConfig : ManualConfig
{
    public DataplaneBenchmarkConfig()
    {
        AddJob(Job.ShortRun
            .WithWarmupCount(3)
            .WithIterationCount(5)
            .WithIterationTime(TimeInterval.FromMilliseconds(250))
            .WithToolchain(InProcessEmitToolchain.Instance)
            .AsDefault());
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}
