// Licensed under the Apache License, Version 2.0.
using NfvConformance.Descriptors.Vnfd;
using NfvConformance.Lab.Workloads.Docker;
using NfvConformance.Lab.Workloads.Lifecycle;
using NfvConformance.Lab.Workloads.Vm;
using NfvConformance.Lab.Workloads.Wiring;

namespace NfvConformance.Lab.Workloads.Tests.Lifecycle;

public sealed class LifecycleTests
{
    private static WorkloadSpec Member(WorkloadChain chain, string name, int member, RealisationKind kind, string? image) =>
        new(name, ["left", "right"], Lab.Realisation(kind, chain.Expand(LifecycleMeasurements.MarkCommands.Concat(WorkloadChain.RouterCommands), 0, member), readOnly: kind == RealisationKind.Container, 2), image)
        {
            Macs = WorkloadChain.Macs(0, member),
        };

    [Test]
    public async Task Heal_of_a_killed_container_is_measured_with_traffic_flowing()
    {
        (DockerEngine engine, string image) = await Lab.GoodImageAsync();
        await using ContainerRuntime runtime = new(engine);
        await HealAsync(runtime, RealisationKind.Container, image);
    }

    [Test]
    public async Task Heal_of_a_killed_VM_is_measured_with_traffic_flowing()
    {
        Need.Qemu();
        await using VmRuntime runtime = new(Lab.Run);
        await HealAsync(runtime, RealisationKind.VirtualMachine, null);
    }

    [Test]
    public async Task Scale_out_and_in_of_an_ECMP_group_is_measured_with_traffic_flowing()
    {
        (DockerEngine engine, string image) = await Lab.GoodImageAsync();
        await using ContainerRuntime runtime = new(engine);
        await using WorkloadChain chain = await WorkloadChain.CreateAsync(Lab.Run, stages: 1);
        for (int m = 0; m < 2; m++)
        {
            WorkloadInstance i = await runtime.StartAsync(Member(chain, $"ecmp{m}", m, RealisationKind.Container, image));
            await chain.AttachAsync(0, m, runtime, i);
        }

        await chain.RouteOverAsync([0, 1]);
        (LifecycleMeasurement result, WorkloadInstance added) = await LifecycleMeasurements.ScaleOutAsync(chain, runtime, Member(chain, "ecmp2", 2, RealisationKind.Container, image), 2, [0, 1]);
        TestContext.Out.WriteLine(result);
        int[] lastMarks = [.. result.Traffic.PathsByFlow.Select(p => p[^1])];
        Assert.Multiple(() =>
        {
            Assert.That(result.Traffic.FlowsSeen, Is.EqualTo(32));
            Assert.That(lastMarks.Distinct().Order().ToArray(), Is.EqualTo(new[] { 1, 2, 3 }), "after scale-out the flows spread over all three members (marks 1-3)");
            Assert.That(result.Traffic.FlowsMoved, Is.InRange(1, 31), "some flows, not all, moved to the new member");
            // Linux's multipath hash is hash-threshold, not consistent: adding a member also moves flows between the
            // old members. Every flow now on the new member moved there.
            Assert.That(result.Traffic.PathsByFlow.Where(p => p[^1] == 3), Has.All.Matches<IReadOnlyList<int>>(p => p.Count > 1 && p[0] != 3));
        });

        LifecycleMeasurement scaleIn = await LifecycleMeasurements.ScaleInAsync(chain, runtime, added, [0, 1]);
        TestContext.Out.WriteLine(scaleIn);
        Assert.Multiple(() =>
        {
            Assert.That(scaleIn.Traffic.PathsByFlow.Select(p => p[^1]).Distinct().Order().ToArray(), Is.EqualTo(new[] { 1, 2 }), "after scale-in no flow uses the removed member");
            Assert.That(scaleIn.Traffic.FlowsMoved, Is.InRange(1, 31));
            Assert.That(scaleIn.Traffic.PathsByFlow.Where(p => p[0] == 3), Has.All.Matches<IReadOnlyList<int>>(p => p.Count > 1), "every flow of the removed member moved");
            Assert.That(scaleIn.Traffic.Lost, Is.LessThanOrEqualTo(scaleIn.Traffic.Sent / 100), "make-before-break: the route leaves the member before the member goes");
        });
    }

    private static async Task HealAsync(IWorkloadRuntime runtime, RealisationKind kind, string? image)
    {
        await using WorkloadChain chain = await WorkloadChain.CreateAsync(Lab.Run, stages: 1);
        string prefix = kind == RealisationKind.Container ? "hc" : "hv";
        WorkloadInstance first = await runtime.StartAsync(Member(chain, prefix + "1", 0, kind, image));
        await chain.AttachAsync(0, 0, runtime, first);
        await chain.RouteOverAsync([0]);
        (LifecycleMeasurement result, WorkloadInstance replacement) = await LifecycleMeasurements.HealAsync(chain, runtime, first, Member(chain, prefix + "2", 0, kind, image));
        TestContext.Out.WriteLine(result);
        Assert.Multiple(() =>
        {
            Assert.That(result.Traffic.Lost, Is.GreaterThan(0), "killing the only instance loses packets until it is replaced");
            Assert.That(result.Traffic.FlowsSeen, Is.EqualTo(16));
            Assert.That(result.Traffic.LongestFlowGap, Is.GreaterThanOrEqualTo(result.Detection), "no flow recovers before the loss is even detected");
            Assert.That(result.Traffic.LongestFlowGap, Is.LessThan(result.OperationTime + TimeSpan.FromSeconds(1.5)), "every flow recovered after the replacement");
            Assert.That(result.Detection, Is.LessThan(TimeSpan.FromSeconds(5)));
        });
        await runtime.StopAsync(replacement, TimeSpan.FromSeconds(2));
    }
}
