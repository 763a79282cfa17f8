// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Lab.Linux.Chains;
using NfvConformance.Lab.Linux.Placement;
using NfvConformance.Lab.Linux.Run;

namespace NfvConformance.Lab.Linux.Tests.Chains;

/// <summary>
/// The kernel-steered chain receives through threaded NAPI on every veth end it forwards through (the steering side's
/// links and each instance's two interfaces, not the generator's own ends), and the traffic facet can place those
/// threads on the device's CPUs (docs/linux-chain-lab.md, "Where the chain's receive work runs").
/// </summary>
[NonParallelizable]
public sealed class ReceiveThreadTests : ChainLabTestBase
{
    [Test]
    public async Task Apply_OneRouterChain_EachForwardingVethEndHasANapiThreadOfTheRun_PinnedWhereAsked_AndProbesStillCrossIt()
    {
        ChainLabHost.Require("ethtool");
        await ApplyAsync(Instances(("rt-1", "router", "rt"))
            .WithFlowClassifier(Classifier("perf", ClassifierProtocol.Udp, "10.0.0.0/8"))
            .WithPortChain(Chain("perf", 90, "rt", "perf")));
        string ns = Lab.InstanceNamespace("rt-1");

        Assert.That(Lab.ThreadedNapi, Is.True, Lab.ReceiveNote);
        Assert.That(
            await ThreadedAsync(Lab.Steering, CurrentRun.InterfaceName("c"), CurrentRun.InterfaceName("s"), CurrentRun.InterfaceName("1i"), CurrentRun.InterfaceName("1o")),
            Is.EqualTo("1 1 1 1"));
        Assert.That(await ThreadedAsync(ns, CurrentRun.InterfaceName("in"), CurrentRun.InterfaceName("out")), Is.EqualTo("1 1"));
        Assert.That(await ThreadedAsync(Lab.Client, CurrentRun.InterfaceName("e")), Is.EqualTo("0"), "the generator's own end stays on the backlog");

        IReadOnlyList<int> threads = Lab.NapiThreads();
        Assert.That(threads, Has.Count.EqualTo(6), "one NAPI thread per forwarding veth end: steering c, s, 1i, 1o and the instance's in, out");
        int cpu = CpuPinning.AllowedCpus(Environment.ProcessId)[^1];
        Assert.That(Lab.PinReceiveThreads([cpu]), Is.EqualTo(6));
        Assert.That(threads.Select(t => HostProcesses.StatusField(t, "Cpus_allowed_list")), Is.All.EqualTo(cpu.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        ChainPathTrace trace = await Chaining.ProbeAsync(Udp("10.1.1.1", 4000, "198.51.100.7", 53));
        Assert.That(trace.Delivered, Is.True, trace.DropReason);
        Assert.That(Path(trace), Is.EqualTo("90/255 rt/rt-1"));
    }

    private static async Task<string> ThreadedAsync(string ns, params string[] devices)
    {
        List<string> values = [];
        foreach (string d in devices)
        {
            values.Add((await Shell.RunAsync("ip", ["netns", "exec", ns, "cat", $"/sys/class/net/{d}/threaded"])).OrThrow().Trim());
        }

        return string.Join(' ', values);
    }
}
