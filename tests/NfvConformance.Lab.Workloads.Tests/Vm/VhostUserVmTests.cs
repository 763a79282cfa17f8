// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Descriptors.Vnfd;
using NfvConformance.Lab.Linux.Run;
using NfvConformance.Lab.Workloads.Traffic;
using NfvConformance.Lab.Workloads.Vm;
using NfvConformance.Lab.Workloads.Wiring;

namespace NfvConformance.Lab.Workloads.Tests.Vm;

/// <summary>
/// A router VM whose two interfaces are vhost-user ports of a DPDK testpmd vSwitch (QEMU TCG, memfd guest memory):
/// UDP probes from the chain's source cross testpmd into the guest, the guest's kernel routes them, and they cross
/// testpmd again to the sink. Each probe is counted three ways: at the sink, on testpmd's vhost-user ports, and by
/// the guest's own interface counters (printed on its console every second).
/// </summary>
public sealed class VhostUserVmTests
{
    private const string GuestCounters = "(while :; do sleep 1; echo NFVC-DEV; cat /proc/net/dev; echo NFVC-DEV-END; done) &";

    [Test]
    public async Task Udp_probes_cross_a_VM_whose_ports_are_vhost_user_counted_by_testpmd_and_the_guest()
    {
        Need.VhostUser();
        await using VhostUserVm lab = await VhostUserVm.StartAsync("vhu");

        ProbeOutcome outcome = await lab.ProbeAsync();

        TestContext.Out.WriteLine(outcome.Summary);
        Assert.That(outcome.Sent, Is.GreaterThan(500), "the source sent probes");
        Assert.That(outcome.Problems, Is.Empty);
        WorkloadFacts facts = await lab.Vms.InspectAsync(lab.Vm);
        Assert.That(facts["vm.left.port"], Does.StartWith("vhost-user ").And.Contain("memfd"));
        Assert.That(facts["guest.left.ipv4"], Is.EqualTo("10.77.0.10/24"), "the guest configured the vhost-user NIC itself");
    }

    [Test]
    public async Task The_probe_check_fails_when_the_vhost_user_switch_stops_forwarding()
    {
        Need.VhostUser();
        await using VhostUserVm lab = await VhostUserVm.StartAsync("vhubrk");
        string pid = lab.Vms.VhostUserSwitchPid(lab.Vm)!.Value.ToString(CultureInfo.InvariantCulture);

        // Break: the vSwitch stops (SIGSTOP) while the probes flow; the VM, its sockets and the chain stay as they were.
        // It runs again once the flows stop, so that its counters can be read.
        ProbeOutcome outcome = await lab.ProbeAsync(
            breakIt: async () => (await Shell.RunAsync("kill", ["-STOP", pid])).OrThrow(),
            repair: async () => (await Shell.RunAsync("kill", ["-CONT", pid])).OrThrow(),
            guestWait: TimeSpan.FromSeconds(5));

        TestContext.Out.WriteLine(outcome.Summary);
        Assert.That(outcome.Sent, Is.GreaterThan(500));
        Assert.That(outcome.Problems, Has.Some.StartsWith("lost"), "the sink misses the probes");
        Assert.That(outcome.Problems, Has.Some.Contains("guest's left received"), "the guest never saw them");
    }

    /// <summary>What one probe run saw, and every way it fell short.</summary>
    private sealed record ProbeOutcome(long Sent, long Received, IReadOnlyList<string> Problems, string Summary);

    /// <summary>A one-stage chain whose only hop is a router VM with vhost-user interfaces.</summary>
    private sealed class VhostUserVm : IAsyncDisposable
    {
        private VhostUserVm(WorkloadChain chain, VmRuntime vms, WorkloadInstance vm)
        {
            Chain = chain;
            Vms = vms;
            Vm = vm;
        }

        public WorkloadChain Chain { get; }

        public VmRuntime Vms { get; }

        public WorkloadInstance Vm { get; }

        public static async Task<VhostUserVm> StartAsync(string name)
        {
            WorkloadChain chain = await WorkloadChain.CreateAsync(Lab.Run, stages: 1);
            VmRuntime vms = new(Lab.Run);
            try
            {
                VnfRealisation router = Lab.Realisation(RealisationKind.VirtualMachine, [.. chain.Expand(WorkloadChain.RouterCommands, 0, 0), GuestCounters], readOnly: false, 3);
                WorkloadInstance vm = await vms.StartAsync(new WorkloadSpec(name, ["left", "right"], router) { Macs = WorkloadChain.Macs(0, 0), VhostUser = true });
                TestContext.Out.WriteLine($"VM boot to ready (vhost-user): {vms.LastBootTime.TotalSeconds:F1} s");
                await chain.AttachAsync(0, 0, vms, vm);
                await chain.RouteOverAsync([0]);
                return new VhostUserVm(chain, vms, vm);
            }
            catch
            {
                await vms.DisposeAsync();
                await chain.DisposeAsync();
                throw;
            }
        }

        public async Task<ProbeOutcome> ProbeAsync(Func<Task>? breakIt = null, Func<Task>? repair = null, TimeSpan? guestWait = null)
        {
            (long Rx, long Tx) guestLeft0 = await GuestCountersAsync("left", _ => true, TimeSpan.FromSeconds(60));
            (long Rx, long Tx) guestRight0 = await GuestCountersAsync("right", _ => true, TimeSpan.FromSeconds(60));
            VhostUserCounters left0 = (await Vms.VhostUserCountersAsync(Vm, 0))!;
            VhostUserCounters right0 = (await Vms.VhostUserCountersAsync(Vm, 1))!;

            if (breakIt is not null)
            {
                await breakIt();
            }

            using UdpFlows flows = new(Host.Netns.PathOf(Chain.SourceNetns), Chain.Source, Host.Netns.PathOf(Chain.SinkNetns), Chain.Destination, flows: 4, packetsPerSecond: 300);
            FlowReport report;
            try
            {
                flows.Start(TimeSpan.FromSeconds(4));
                await Task.Delay(TimeSpan.FromSeconds(3));
                report = flows.Stop();
            }
            finally
            {
                if (repair is not null)
                {
                    await repair();
                }
            }

            // The guest prints its counters every second: wait (generous cap) for a print that has them all.
            TimeSpan wait = guestWait ?? TimeSpan.FromSeconds(60);
            (long Rx, long Tx) guestLeft = await GuestCountersAsync("left", c => c.Rx - guestLeft0.Rx >= report.Sent, wait);
            (long Rx, long Tx) guestRight = await GuestCountersAsync("right", c => c.Tx - guestRight0.Tx >= report.Sent, wait);
            VhostUserCounters left = (await Vms.VhostUserCountersAsync(Vm, 0))!;
            VhostUserCounters right = (await Vms.VhostUserCountersAsync(Vm, 1))!;

            long sent = report.Sent;
            List<string> problems = [];
            void AtLeast(string what, long delta)
            {
                if (delta < sent)
                {
                    problems.Add($"{what} {delta} of {sent} probes");
                }
            }

            if (report.Received != sent)
            {
                problems.Add($"lost {sent - report.Received} of {sent} probes between source and sink");
            }

            AtLeast("testpmd took from the chain on left", left.FromChain - left0.FromChain);
            AtLeast("testpmd delivered into the guest's left vhost-user rings", left.ToGuest - left0.ToGuest);
            AtLeast("the guest's left received", guestLeft.Rx - guestLeft0.Rx);
            AtLeast("the guest's right sent", guestRight.Tx - guestRight0.Tx);
            AtLeast("testpmd took from the guest's right vhost-user rings", right.FromGuest - right0.FromGuest);
            AtLeast("testpmd sent to the chain on right", right.ToChain - right0.ToChain);
            string summary = string.Create(
                CultureInfo.InvariantCulture,
                $"sent {sent} received {report.Received}; testpmd left: chain->guest {left.FromChain - left0.FromChain}/{left.ToGuest - left0.ToGuest}; right: guest->chain {right.FromGuest - right0.FromGuest}/{right.ToChain - right0.ToChain}; guest: left rx {guestLeft.Rx - guestLeft0.Rx}, right tx {guestRight.Tx - guestRight0.Tx}");
            return new ProbeOutcome(sent, report.Received, problems, summary);
        }

        public async ValueTask DisposeAsync()
        {
            await Vms.StopAsync(Vm, TimeSpan.FromSeconds(3));
            await Vms.DisposeAsync();
            await Chain.DisposeAsync();
        }

        /// <summary>The guest's packet counters of one interface from the last /proc/net/dev it printed, once <paramref name="enough"/> holds or the cap passes.</summary>
        private async Task<(long Rx, long Tx)> GuestCountersAsync(string device, Func<(long Rx, long Tx), bool> enough, TimeSpan cap)
        {
            string console = Lab.Run.StatePath($"vm/{Vm.Name}.console");
            DateTime deadline = DateTime.UtcNow + cap;
            (long Rx, long Tx)? last = null;
            while (true)
            {
                string text = File.Exists(console) ? await File.ReadAllTextAsync(console) : string.Empty;
                int end = text.LastIndexOf("NFVC-DEV-END", StringComparison.Ordinal);
                int start = end <= 0 ? -1 : text.LastIndexOf("NFVC-DEV", end - 1, StringComparison.Ordinal);
                if (start >= 0)
                {
                    foreach (string line in text[start..end].Split('\n'))
                    {
                        string[] f = line.Replace(":", " : ", StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                        if (f.Length > 11 && f[0] == device && f[1] == ":")
                        {
                            // /proc/net/dev: rx bytes, rx packets, ... (8 rx fields), tx bytes, tx packets, ...
                            last = (long.Parse(f[3], CultureInfo.InvariantCulture), long.Parse(f[11], CultureInfo.InvariantCulture));
                        }
                    }
                }

                if ((last is { } c && enough(c)) || DateTime.UtcNow > deadline)
                {
                    return last ?? throw new AssertionException($"the guest printed no counters of {device} within {cap.TotalSeconds:0} s: {text[Math.Max(0, text.Length - 600)..]}");
                }

                await Task.Delay(200);
            }
        }
    }
}
