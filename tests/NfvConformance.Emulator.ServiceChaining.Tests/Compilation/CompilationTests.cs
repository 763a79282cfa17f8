// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Emulator.ServiceChaining.Acceleration;
using NfvConformance.Emulator.ServiceChaining.Compilation;

namespace NfvConformance.Emulator.ServiceChaining.Tests.Compilation;

public sealed class CompilationTests
{
    [Test]
    public void BuildBuckets_Weights3To1_SplitsBucketsInThatRatio()
    {
        ushort[] buckets = CompiledHop.BuildBuckets([7, 9], [3, 1], 256);

        Assert.Multiple(() =>
        {
            Assert.That(buckets.Count(b => b == 7), Is.EqualTo(192));
            Assert.That(buckets.Count(b => b == 9), Is.EqualTo(64));
            Assert.That(buckets.Take(4), Is.EquivalentTo(new ushort[] { 7, 7, 7, 9 }), "smooth weighted round robin interleaves");
        });
    }

    [Test]
    public void BuildBuckets_NoInstanceInService_AllNoInstance()
    {
        Assert.That(CompiledHop.BuildBuckets([], [], 256), Is.All.EqualTo(CompiledHop.NoInstance));
    }

    [Test]
    public void Compile_Reapplied_KeepsInstanceIdsByName()
    {
        CompiledChains first = ChainCompiler.Compile(ChainSpecs.FwNatRouter(firewalls: 2).Build(), CompiledChains.Empty, out _);
        CompiledChains second = ChainCompiler.Compile(ChainSpecs.FwNatRouter(firewalls: 3).WithoutPortPair("fw-1").WithPortPairGroup(new PortPairGroup("fw", ["fw-2", "fw-3"])).Build(), first, out IReadOnlyList<ValidationError> problems);

        Assert.Multiple(() =>
        {
            Assert.That(problems, Is.Empty);
            Assert.That(second.Generation, Is.EqualTo(2));
            Assert.That(second.FindInstance("fw-2"), Is.EqualTo(first.FindInstance("fw-2")));
            Assert.That(second.InService[first.FindInstance("fw-1")], Is.False);
            Assert.That(second.FindInstance("fw-3"), Is.EqualTo(first.Instances.Length));
        });
    }

    [Test]
    public void Compile_CriticalProblem_ReturnsPreviousSnapshot()
    {
        CompiledChains first = ChainCompiler.Compile(ChainSpecs.FwNatRouter().Build(), CompiledChains.Empty, out _);

        CompiledChains second = ChainCompiler.Compile(ChainSpecs.FwNatRouter().WithPortPair(new PortPair("fw-1", "", "", "firewall")).Build(), first, out IReadOnlyList<ValidationError> problems);

        Assert.Multiple(() =>
        {
            Assert.That(second, Is.SameAs(first));
            Assert.That(problems, Is.Not.Empty);
        });
    }

    [Test]
    public void Intern_SamePathTwice_SameIdAndFullTableReturnsMinusOne()
    {
        ChainPathTable table = new();

        int a = table.Intern(0, [1, 2, 3]);
        int b = table.Intern(0, [1, 2, 3]);
        int other = table.Intern(1, [1, 2, 3]);
        for (int i = table.Count; i < ChainPathTable.MaxPaths; i++)
        {
            table.Intern(2, [(ushort)(i & 0xFFFF), (ushort)(i >> 16)]);
        }

        Assert.Multiple(() =>
        {
            Assert.That(b, Is.EqualTo(a));
            Assert.That(other, Is.Not.EqualTo(a));
            Assert.That(table.Intern(3, [9]), Is.EqualTo(-1));
            Assert.That(table.Intern(0, [1, 2, 3]), Is.EqualTo(a), "known paths still resolve when full");
        });
    }

    [Test]
    public void Lookup_ProbeWindowFull_EvictsAndCounts()
    {
        FlowAffinityTable table = new(16);

        for (ulong k = 0; k < FlowAffinityTable.ProbeLimit + 1; k++)
        {
            table.Lookup(k, 0, hash: 5, out bool isNew, out _);
            Assert.That(isNew, Is.True);
        }

        Assert.Multiple(() =>
        {
            Assert.That(table.Evictions, Is.EqualTo(1));
            Assert.That(table.Count, Is.EqualTo(FlowAffinityTable.ProbeLimit));
        });
    }

    [TestCase(AccelerationMode.SmartNicOffload, new[] { AccelerationMode.SriovVf, AccelerationMode.KernelVirtio }, AccelerationMode.SriovVf)]
    [TestCase(AccelerationMode.SharedMemory, new[] { AccelerationMode.SriovVf }, AccelerationMode.KernelVirtio)]
    [TestCase(AccelerationMode.SharedMemory, new[] { AccelerationMode.DpdkVhostUser }, AccelerationMode.DpdkVhostUser)]
    [TestCase(AccelerationMode.DpdkVhostUser, new AccelerationMode[0], AccelerationMode.KernelVirtio)]
    [TestCase(AccelerationMode.SriovVf, new[] { AccelerationMode.SriovVf }, AccelerationMode.SriovVf)]
    public void Negotiate_RequestedNotGranted_FallsBackDownItsLadder(AccelerationMode requested, AccelerationMode[] granted, AccelerationMode expected)
    {
        Assert.That(AccelerationCostModel.Negotiate(requested, new HashSet<AccelerationMode>(granted)), Is.EqualTo(expected));
    }

    [Test]
    public void Defaults_EveryModeHasCostAndSource()
    {
        Assert.That(Enum.GetValues<AccelerationMode>().Select(m => AccelerationCostModel.Defaults[m]), Has.All.Matches<AccelerationCost>(c => c.CapacityPps > 0 && c.Source.Length > 20));
    }
}
