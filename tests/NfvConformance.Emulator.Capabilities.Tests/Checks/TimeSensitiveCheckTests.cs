// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Core.Evidence;

namespace NfvConformance.Emulator.Capabilities.Tests.Checks;

/// <summary>The rt-tsn checks of features/HardwareDiscovery/TimeSensitiveNodes.feature pass on edge-h1 and fail where it is broken.</summary>
public sealed class TimeSensitiveCheckTests
{
    [Test]
    public async Task ReferenceEdgeNode_PassesPtpSyncEAndRealTimeChecks()
    {
        await using SuiteHarness h = await SuiteHarness.StartAsync(Profiles.HighPerformance);
        var hw = h.Hardware();
        Assert.That(() => hw.CheckTimeSensitivePorts("rt-tsn"), Throws.Nothing);
        await hw.SynchroniseAsync("rt-tsn", 60);
        Assert.That(() => hw.CheckPtpOffsets(10, 70), Throws.Nothing);
        Assert.That(() => hw.CheckSyncEFrequency(10, 50), Throws.Nothing);
        Assert.That(() => hw.CheckRealTimeConfiguration("rt-tsn"), Throws.Nothing);
    }

    [Test]
    public async Task PortsWithoutSyncE_FailThePortAndFrequencyChecks()
    {
        HardwareInventory inv = SuiteHarness.WithNode(Profiles.HighPerformance, "edge-h1", n => n with
        {
            Nics = [.. n.Nics.Select(x => x.Timestamping is { } t ? x with { Timestamping = t with { SyncE = false } } : x)],
        });
        await using SuiteHarness h = await SuiteHarness.StartAsync(Profiles.HighPerformance, inv);
        var hw = h.Hardware();
        Assert.That(() => hw.CheckTimeSensitivePorts("rt-tsn"), Throws.TypeOf<ConformanceCheckException>().With.Message.Contains("edge-h1 has no port with a PTP hardware clock, hardware time-stamping and SyncE"));
        await hw.SynchroniseAsync("rt-tsn", 60);
        Assert.That(() => hw.CheckSyncEFrequency(10, 50), Throws.TypeOf<ConformanceCheckException>().With.Message.Contains("SyncE DPLL not locked").And.Message.Contains("not syntonised"));
    }

    [Test]
    public async Task PortsWithSoftwareTimestampsOnly_FailTheOffsetBudget()
    {
        HardwareInventory inv = SuiteHarness.WithNode(Profiles.HighPerformance, "edge-h1", n => n with
        {
            Nics = [.. n.Nics.Select(x => x.Timestamping is { } t ? x with { Timestamping = t with { PtpClockIndex = null } } : x)],
        });
        await using SuiteHarness h = await SuiteHarness.StartAsync(Profiles.HighPerformance, inv);
        var hw = h.Hardware();
        await hw.SynchroniseAsync("rt-tsn", 60);
        Assert.That(() => hw.CheckPtpOffsets(10, 70), Throws.TypeOf<ConformanceCheckException>().With.Message.Contains("software time-stamps").And.Message.Contains("max |offset|"));
    }

    [Test]
    public async Task GenericKernelAndDeepCStates_FailTheRealTimeCheck()
    {
        HardwareInventory inv = SuiteHarness.WithNode(Profiles.HighPerformance, "edge-h1", n => n with
        {
            Software = n.Software! with { KernelVersion = "#1 SMP PREEMPT_DYNAMIC Wed Apr 10 10:29:16 EDT 2024", KernelCmdline = "ro isolcpus=2-7 nohz_full=2-7 rcu_nocbs=2-7" },
            Bios = new Dictionary<string, string> { ["c_states"] = "C6", ["turbo_boost"] = "enabled", ["p_states"] = "enabled" },
        });
        await using SuiteHarness h = await SuiteHarness.StartAsync(Profiles.HighPerformance, inv);
        Assert.That(
            () => h.Hardware().CheckRealTimeConfiguration("rt-tsn"),
            Throws.TypeOf<ConformanceCheckException>().With.Message.Contains("is not PREEMPT_RT").And.Message.Contains("isolcpus leaves workload cores 1 out").And.Message.Contains("C-states C6").And.Message.Contains("does not publish RM:e.cap.026"));
    }
}
