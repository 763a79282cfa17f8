// Licensed under the Apache License, Version 2.0.
using BenchmarkDotNet.Attributes;
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Abstractions.Placement;

namespace NfvConformance.Benchmarks.ControlPlane;

/// <summary>
/// Issue 3 goal: 10,000 capability queries and 1,000 placements in well under a second, on the real catalogue and a
/// 40-node inventory. Run: <c>dotnet run -c Release --project tests/NfvConformance.Benchmarks -- --filter '*ControlPlane*'</c>.
/// Figures: docs/control-plane.md.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class ControlPlaneBenchmarks
{
    private static readonly string[] s_uids = ["RM:e.cap.013", "RM:e.cap.006", "RM:e.cap.023", "RM:e.cap.015", "RM:e.cap.001"];
    private static readonly string[] s_topics = ["sriov", "compute", "networking", "acceleration"];

    private Emulator.Capabilities.ControlPlane _queried = null!;
    private Emulator.Capabilities.ControlPlane _placing = null!;

    /// <summary>Builds the control plane the queries run against.</summary>
    [GlobalSetup]
    public void Setup() => _queried = ControlPlaneFixtures.LargeControlPlane();

    /// <summary>A fresh, empty control plane for each placement iteration.</summary>
    [IterationSetup(Target = nameof(Placements1000))]
    public void FreshPlacement() => _placing = ControlPlaneFixtures.LargeControlPlane();

    /// <summary>10,000 queries: by uid (offered only), by topic on one node, and Publishes checks, in rotation.</summary>
    /// <returns>Matches found (keeps the work observable).</returns>
    [Benchmark]
    public int CapabilityQueries10000()
    {
        int found = 0;
        ICapabilityPublisher publisher = _queried.Publisher;
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

    /// <summary>1,000 placements of pinned, NUMA-aligned containers with negotiated network and crypto ladders.</summary>
    /// <returns>Instances placed.</returns>
    [Benchmark]
    [InvocationCount(1)]
    public int Placements1000()
    {
        int placed = 0;
        IPlacementService placement = _placing.Placement;
        for (int i = 0; i < 1000; i++)
        {
            placed += placement.Place(ControlPlaneFixtures.Vnf(i)).Instances.Count;
        }

        return placed;
    }
}
