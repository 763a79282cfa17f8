// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Lab.Linux.Chains;
using NfvConformance.Lab.Linux.Chains.Dpdk;
using NfvConformance.Lab.Linux.Run;

namespace NfvConformance.Lab.Linux.Tests.Chains;

/// <summary>
/// Accelerated hops for real: a port pair granted DPDK is a testpmd process on the instance's veths, one granted shared
/// memory is two testpmd processes joined by memif. The namespace does not forward, so a probe that arrives went through
/// testpmd; breaks (testpmd stopped, half of a memif pair gone) make the path check fail.
/// </summary>
[NonParallelizable]
public sealed class AcceleratedHopTests : ChainLabTestBase
{
    internal static ChainSpecBuilder Accelerated(AccelerationMode mode)
    {
        ChainSpecBuilder b = new ChainSpecBuilder()
            .WithPortPair(new PortPair("fw-1", "fw-1-in", "fw-1-out", "firewall"))
            .WithPortPairGroup(new PortPairGroup("fw", ["fw-1"]))
            .WithPortPair(new PortPair("acc-1", "acc-1-in", "acc-1-out", "router") { Acceleration = mode })
            .WithPortPairGroup(new PortPairGroup("acc", ["acc-1"]))
            .WithFlowClassifier(Classifier("app", ClassifierProtocol.Udp, "10.0.0.0/8"));
        return b.WithPortChain(Chain("app", 40, "fw,acc", "app", symmetric: true));
    }

    private static int TestpmdCount(string token) =>
        HostProcesses.All().Count(p => HostProcesses.CommandLine(p) is { } c && c.Contains("dpdk-testpmd", StringComparison.Ordinal) && c.Contains(token, StringComparison.Ordinal));

    /// <summary>Requires what a net_af_xdp hop needs (the PMD and a kernel that opens AF_XDP sockets), or turns net_af_xdp off.</summary>
    private void UseAfXdp(bool afXdp)
    {
        Chaining.DpdkAfXdp = afXdp;
        if (afXdp && !Discovery.HostDiscovery.ScanDpdk().Has("net", "af_xdp"))
        {
            Tools.Missing("DPDK has no net_af_xdp PMD here; install dpdk-dev (librte-net-af-xdp)");
        }

        if (afXdp && Discovery.HostDiscovery.AfXdpProblem() is { } refused)
        {
            Tools.Missing("the kernel refuses AF_XDP: " + refused);
        }
    }

    [TestCase(AccelerationMode.DpdkVhostUser, 1, true, "net_af_xdp")]
    [TestCase(AccelerationMode.DpdkVhostUser, 1, false, "net_af_packet")]
    [TestCase(AccelerationMode.SharedMemory, 2, false, "memif")]
    public async Task AcceleratedHop_CarriesEveryProbeOnItsExactPath_ThroughTestpmd(AccelerationMode mode, int processes, bool afXdp, string vdev)
    {
        ChainLabHost.Require("dpdk-testpmd");
        UseAfXdp(afXdp);
        ChainApplyResult applied = await Chaining.ApplyAsync(Accelerated(mode).Build());
        Assert.That(applied.Applied, Is.True, string.Join("; ", applied.Problems));

        IReadOnlyList<ChainPathTrace> flows = await FlowsAsync(50, "10.4.0.1", "198.51.100.4", 8080);
        ChainPathTrace reply = await Chaining.ProbeAsync(Udp("10.4.0.1", 10_000, "198.51.100.4", 8080) with { Reverse = true });
        IReadOnlyList<ChainHopCounters> counters = await Chaining.ReadCountersAsync();

        Assert.Multiple(() =>
        {
            Assert.That(applied.Implementations["acc-1"], Does.Contain("testpmd").And.Contain(vdev));
            Assert.That(TestpmdCount(Token), Is.EqualTo(processes), "testpmd processes of this run");
            Assert.That(flows.Count(f => f.Delivered), Is.EqualTo(50), string.Join("; ", flows.Where(f => !f.Delivered).Select(f => f.DropReason).Distinct()));
            Assert.That(flows.Select(Path).Distinct(), Is.EquivalentTo(new[] { "40/255 fw/fw-1 -> 40/254 acc/acc-1" }));
            Assert.That(reply.Delivered, Is.True, "the reverse path crosses testpmd the other way: " + reply.DropReason);
            Assert.That(Path(reply), Is.EqualTo("65576/255 acc/acc-1 -> 65576/254 fw/fw-1"));
            Assert.That(counters.Where(c => c.PortPair == "acc-1").Sum(c => c.Packets), Is.GreaterThanOrEqualTo(51), "testpmd's transmissions counted on the veths' egress");
        });
    }

    [TestCase(AccelerationMode.DpdkVhostUser, true)]
    [TestCase(AccelerationMode.DpdkVhostUser, false)]
    [TestCase(AccelerationMode.SharedMemory, false)]
    public async Task Break_TestpmdStopped_NothingCrossesTheHop_SoThePathCheckFails_AndResumingRestoresIt(AccelerationMode mode, bool afXdp)
    {
        ChainLabHost.Require("dpdk-testpmd");
        UseAfXdp(afXdp);
        await ApplyAsync(Accelerated(mode));

        InstanceStateChange paused = await Chaining.SetInstanceStateAsync("acc-1", InstanceState.Paused);
        IReadOnlyList<ChainPathTrace> whilePaused = await FlowsAsync(10, "10.4.0.2", "198.51.100.4", 8080);
        _ = await Chaining.SetInstanceStateAsync("acc-1", InstanceState.Running);
        IReadOnlyList<ChainPathTrace> resumed = await FlowsAsync(10, "10.4.0.3", "198.51.100.4", 8080, firstPort: 20_000);

        Assert.Multiple(() =>
        {
            Assert.That(paused.Applied, Is.True, paused.Refusal);
            Assert.That(whilePaused.Count(f => f.Delivered), Is.Zero, "the namespace does not forward: with testpmd stopped nothing gets through");
            Assert.That(whilePaused.Select(f => f.DroppedAt).Distinct(), Is.EquivalentTo(new[] { "acc-1" }));
            Assert.That(resumed.Count(f => f.Delivered), Is.EqualTo(10));
        });
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task Break_DpdkHopDroppingTenPercent_LosesFlowsCountedAtThatHop_SoTheNoDropCheckFails(bool afXdp)
    {
        ChainLabHost.Require("dpdk-testpmd");
        UseAfXdp(afXdp);
        await ApplyAsync(Accelerated(AccelerationMode.DpdkVhostUser));
        await Lab.SetLossAsync("acc-1", 10, CancellationToken.None);

        await AssertRandomLossOnlyAtAsync("acc-1", 200, "10.4.0.6", "198.51.100.4", 8080, 4, 50, "about 10 % of 200");
    }

    [Test]
    public async Task Negotiation_FirewallAskingForDpdk_FallsBackToTheKernel_WithTheReason()
    {
        ChainLabHost.Require("dpdk-testpmd");
        ChainSpecBuilder spec = new ChainSpecBuilder()
            .WithPortPair(new PortPair("fw-1", "fw-1-in", "fw-1-out", "firewall") { Acceleration = AccelerationMode.SriovVf })
            .WithPortPairGroup(new PortPairGroup("fw", ["fw-1"]))
            .WithPortPair(new PortPair("rt-1", "rt-1-in", "rt-1-out", "router") { Acceleration = AccelerationMode.SriovVf })
            .WithPortPairGroup(new PortPairGroup("rt", ["rt-1"]))
            .WithFlowClassifier(Classifier("app", ClassifierProtocol.Udp, "10.0.0.0/8"))
            .WithPortChain(Chain("app", 41, "fw,rt", "app"));

        ChainApplyResult applied = await Chaining.ApplyAsync(spec.Build());
        ChainPathTrace probe = await Chaining.ProbeAsync(Udp("10.4.0.5", 10_000, "198.51.100.4", 8080));

        Assert.Multiple(() =>
        {
            Assert.That(applied.Applied, Is.True, string.Join("; ", applied.Problems));
            Assert.That(applied.Problems.Select(p => p.Message), Has.Some.Contains("'fw-1' asks for SriovVf; granted KernelVirtio").And.Some.Contains("cannot run a firewall"));
            Assert.That(applied.Implementations["fw-1"], Does.Contain("nftables"));
            if (Placement.CpuPinning.AllowedCpus(Environment.ProcessId).Count >= HopGrant.CpusForOwnPollCore)
            {
                Assert.That(applied.Problems.Select(p => p.Message), Has.Some.Contains("'rt-1' asks for SriovVf; granted DpdkVhostUser"));
                Assert.That(applied.Implementations["rt-1"], Does.Contain("testpmd"));
            }
            else
            {
                // A poll-mode hop would share a CPU with the kernel's receive work: the fallback skips it, saying why.
                Assert.That(applied.Problems.Select(p => p.Message), Has.Some.Contains("'rt-1' asks for SriovVf; granted KernelVirtio").And.Some.Contains("needs a CPU of its own"));
                Assert.That(applied.Implementations["rt-1"], Does.Contain("kernel forwarding"));
            }
            Assert.That(probe.Delivered, Is.True, probe.DropReason);
        });
    }

    [Test]
    public async Task Teardown_LeavesNoTestpmdAndNoMemifSocket()
    {
        ChainLabHost.Require("dpdk-testpmd");
        await ApplyAsync(Accelerated(AccelerationMode.SharedMemory));
        Assert.That(TestpmdCount(Token), Is.EqualTo(2));

        await ApplyAsync(new ChainSpecBuilder());

        Assert.Multiple(() =>
        {
            Assert.That(TestpmdCount(Token), Is.Zero);
            Assert.That(Directory.Exists(CurrentRun.StateDirectory) ? Directory.GetFiles(CurrentRun.StateDirectory, "memif-*") : [], Is.Empty);
        });
    }

    [Test]
    public async Task MemifHop_AfterAKill_LabCleanRemovesTestpmdAndItsRuntimeFolders()
    {
        ChainLabHost.Require("dpdk-testpmd");
        await ApplyAsync(Accelerated(AccelerationMode.SharedMemory));
        string[] runtime = [.. Directory.GetDirectories(LabCleanup.DpdkRuntimeRoot, CurrentRun.Token + "-*")];

        // What nfvc lab clean does for a run whose owner was killed (the owner check aside): everything carrying its id.
        LabCleanReport report = LabCleanup.Sweep(CurrentRun.Id, dryRun: false);

        Assert.Multiple(() =>
        {
            Assert.That(runtime, Has.Length.EqualTo(2), "one runtime folder per testpmd of the memif pair");
            Assert.That(report.Removed, Has.Some.StartsWith("process"));
            Assert.That(TestpmdCount(Token), Is.Zero, string.Join("; ", report.Failed));
            Assert.That(runtime.Where(Directory.Exists), Is.Empty, string.Join("; ", report.Failed));
        });
    }
}
