// Licensed under the Apache License, Version 2.0.
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Abstractions.Placement;

namespace NfvConformance.Benchmarks.ControlPlane;

/// <summary>
/// In-process jobs: the control plane has no native state worth isolating, and the out-of-process boilerplate build
/// exceeded BenchmarkDotNet's 2-minute build timeout on the shared 2-core machine.
/// </summary>
internal sealed class ControlPlaneBenchmarkConfig : ManualConfig
{
    public ControlPlaneBenchmarkConfig(bool singleInvocation)
    {
        Job job = Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10).WithToolchain(InProcessEmitToolchain.Instance);
        AddJob(singleInvocation ? job.WithInvocationCount(1).WithUnrollFactor(1) : job);
    }
}

/// <summary>
/// Issue 3 goal: 10,000 capability queries in well under a second (real catalogue, 40-node inventory).
/// Run: <c>dotnet run -c Release --project tests/NfvConformance.Benchmarks -- --filter '*ControlPlane*'</c>. Figures: docs/control-plane.md.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(QueryConfig))]
public class ControlPlaneQueryBenchmarks
{
    private static readonly string[] s_uids = ["RM:e.cap.013", "RM:e.cap.006", "RM:e.cap.023", "RM:e.cap.015", "RM:e.cap.001"];
    private static readonly string[] s_topics = ["sriov", "compute", "networking", "acceleration"];

    private Emulator.Capabilities.ControlPlane _controlPlane = null!;

    /// <summary>Builds the control plane the queries run against.</summary>
    [GlobalSetup]
    public void Setup() => _controlPlane = ControlPlaneFixtures.LargeControlPlane();

    /// <summary>10,000 queries: by uid (offered only) over all nodes, by topic on one node, and Publishes checks, in rotation.</summary>
    /// <returns>Matches found (keeps the work observable).</returns>
    [Benchmark]
    public int CapabilityQueries10000()
    {
        int found = 0;
        ICapabilities publisher = _controlPlane.Publisher;
        for (int i = 0; i < 10_000; i++)
        {
            switch (i % 3)
            {
                case 0:
                    found += publisher.Query(new CapabilityQuery(Uid: s_uids[i % s_uids.Length], OfferedOnly: true)).Count;
                    break;
                case 1:
                    found += publisher.Query(new CapabilityQuery(Topic: s_topics[i % s_topics.Length], NodeId: "node-07")).Count;
                    break;
                default:
                    found += publisher.Current.Publishes(s_uids[i % s_uids.Length]) ? 1 : 0;
                    break;
            }
        }

        return found;
    }

    private sealed class QueryConfig : ManualConfig
    {
        public QueryConfig() => Add(new ControlPlaneBenchmarkConfig(singleInvocation: false));
    }
}

/// <summary>
/// Issue 3 goal: 1,000 placements in well under a second: pinned, NUMA-aligned containers negotiating a full network
/// ladder and a crypto ladder on a 40-node inventory, each on a fresh control plane.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(PlacementConfig))]
public class ControlPlanePlacementBenchmarks
{
    private Emulator.Capabilities.ControlPlane _controlPlane = null!;

    /// <summary>A fresh, empty control plane for each iteration.</summary>
    [IterationSetup]
    public void Fresh() => _controlPlane = ControlPlaneFixtures.LargeControlPlane();

    /// <summary>1,000 placements.</summary>
    /// <returns>Instances placed.</returns>
    [Benchmark]
    public async Task<int> Placements1000()
    {
        int placed = 0;
        IPlacement placement = _controlPlane.Placement;
        for (int i = 0; i < 1000; i++)
        {
            placed += (await placement.PlaceAsync(ControlPlaneFixtures.Vnf(i))).Instances.Count;
        }

        return placed;
    }

    private sealed class PlacementConfig : ManualConfig
    {
        public PlacementConfig() => Add(new ControlPlaneBenchmarkConfig(singleInvocation: true));
    }
}
