// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Text;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Lab.Linux.Chains.Dpdk;
using NfvConformance.Lab.Linux.Placement;
using NfvConformance.Lab.Linux.Run;

namespace NfvConformance.Lab.Linux.Chains;

/// <summary>
/// Accelerated hops: an instance granted DPDK is one testpmd process whose two <c>net_af_xdp</c> ports (when DPDK has
/// the PMD and the kernel allows AF_XDP; else <c>net_af_packet</c>) sit on the instance's veths; one granted shared memory is two testpmd processes, each with one af_packet port on a veth, joined
/// by <c>net_memif</c> (a socket under the run's state folder), so every frame crosses between them in shared memory.
/// The namespace does not forward and its veths have no address: frames get through only if testpmd moves them (a
/// <c>netdev</c> ingress drop there discards the kernel's own copy of what an af_packet socket already took). The
/// proof of path is a <c>netdev</c> table on the steering side of the hop's veths (<see cref="DpdkRuleset"/>): what
/// goes into the hop is recorded, what comes out is counted per path code and passes the fault chain before the
/// steering namespace forwards it. Faults sit there, not on the hop's own egress, because a frame an egress hook drops
/// under an af_packet TX ring is sent again by testpmd (the ring slot stays "send request"): a 10 % loss lost nothing.
/// </summary>
internal sealed partial class ChainLab
{
    private string? _testpmd;

    /// <summary>Says what realises a DPDK hop, for the report.</summary>
    private static string DpdkBuiltIn(LabInstance i) =>
        $"built-in router (mac forwarding, no TTL decrement) on {i.Grant.Describe()}; asked {i.Grant.Asked}, granted {i.Grant.Granted}";

    /// <summary>
    /// The hop's proof of path in a netdev table on the steering side of its veths (af_xdp frames bypass the hop's own
    /// hooks, and an af_packet TX ring resends what an egress hook drops): egress of ki and ko (into the hop) records,
    /// ingress (out of the hop) counts per path code and passes the fault chain before the steering namespace forwards.
    /// </summary>
    private string DpdkRuleset(LabInstance instance)
    {
        (string name, string dev)[] devices = [("i", Ki(instance)), ("o", Ko(instance))];
        string map = string.Join(", ", Enumerable.Range(1, ChainPlan.MaxCodes).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c} : \"c{c}\"")));
        StringBuilder sb = RulesetHead("netdev", instance.ProofTable);
        foreach ((string name, string dev) in devices)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  chain rx{name} {{ type filter hook egress device \"{dev}\" priority 0; policy accept;\n");
            sb.Append("    meta protocol ip add @seen { ip id . ip dscp }\n  }\n");
            sb.Append(CultureInfo.InvariantCulture, $"  chain tx{name} {{ type filter hook ingress device \"{dev}\" priority 0; policy accept;\n");
            sb.Append(CultureInfo.InvariantCulture, $"    meta protocol ip counter name ip dscp map {{ {map} }}\n");

            // Faults act on IPv4 only, as on a kernel instance (its forward hook): the namespace's own IPv6 neighbour
            // discovery and MLD frames cross these hooks too, and a random drop of one was counted as a lost probe.
            sb.Append("    meta protocol ip jump faults\n  }\n");
        }

        sb.Append("}\n");
        return sb.ToString();
    }

    /// <summary>In the hop's namespace: the kernel's own copy of each frame (an af_packet socket has taken its copy before this hook) is dropped at ingress.</summary>
    private string KernelCopyDrop(LabInstance instance) => $$"""
        table netdev {{Table}} {
          chain ini { type filter hook ingress device "{{IngressOf(instance)}}" priority 0; policy drop; }
          chain ino { type filter hook ingress device "{{EgressOf(instance)}}" priority 0; policy drop; }
        }

        """;

    private async Task StartForwardersAsync(LabInstance instance, CancellationToken cancellationToken)
    {
        _testpmd ??= Shell.Find("dpdk-testpmd") ?? throw new NfvConformanceException("dpdk-testpmd is not on PATH any more; install dpdk-dev.");
        IReadOnlyList<int> cpus = CpuPinning.AllowedCpus(Environment.ProcessId);
        int cpu = cpus.Count > 0 ? cpus[^1] : 0;
        int k = instance.Index;
        string iin = IngressOf(instance), iout = EgressOf(instance);
        string AfPacket(int port, string dev) => string.Create(CultureInfo.InvariantCulture, $"net_af_packet{port},iface={dev},qdisc_bypass=0");
        string AfXdp(int port, string dev) => string.Create(CultureInfo.InvariantCulture, $"net_af_xdp{port},iface={dev},start_queue=0,queue_count=1");

        // Towards the steering namespace: the ingress side's frames go to its ki interface, the egress side's to ko.
        string toIn = Mac(3, k, 1), toOut = Mac(4, k, 1);
        try
        {
            if (instance.Grant.Dataplane == HopDataplane.DpdkAfXdp)
            {
                instance.Forwarders.Add(await DpdkForwarder.StartAsync(_testpmd, instance.Namespace, _run.Name($"dpdk{k}"), cpu, [AfXdp(0, iin), AfXdp(1, iout)], [toIn, toOut], cancellationToken).ConfigureAwait(false));
                return;
            }

            if (instance.Grant.Dataplane == HopDataplane.DpdkAfPacket)
            {
                instance.Forwarders.Add(await DpdkForwarder.StartAsync(_testpmd, instance.Namespace, _run.Name($"dpdk{k}"), cpu, [AfPacket(0, iin), AfPacket(1, iout)], [toIn, toOut], cancellationToken).ConfigureAwait(false));
                return;
            }

            string socket = MemifSocket(instance);
            string memif(string role) => $"net_memif0,role={role},socket={socket},socket-abstract=no,id=0";
            instance.Forwarders.Add(await DpdkForwarder.StartAsync(_testpmd, instance.Namespace, _run.Name($"dpdk{k}a"), cpu, [AfPacket(0, iin), memif("server")], [toIn, toOut], cancellationToken).ConfigureAwait(false));
            instance.Forwarders.Add(await DpdkForwarder.StartAsync(_testpmd, instance.Namespace, _run.Name($"dpdk{k}b"), cpu, [memif("client"), AfPacket(1, iout)], [toIn, toOut], cancellationToken).ConfigureAwait(false));
        }
        catch
        {
            await StopForwardersAsync(instance).ConfigureAwait(false);
            throw;
        }
    }

    private async Task StopForwardersAsync(LabInstance instance)
    {
        if (instance.Paused)
        {
            // A stopped process reads no "quit": let it run again so it can stop cleanly.
            await SignalForwardersAsync(instance, stop: false, CancellationToken.None).ConfigureAwait(false);
        }

        foreach (DpdkForwarder f in instance.Forwarders)
        {
            await f.DisposeAsync().ConfigureAwait(false);
        }

        instance.Forwarders.Clear();
        File.Delete(MemifSocket(instance));
    }

    private string MemifSocket(LabInstance instance) => _run.StatePath(string.Create(CultureInfo.InvariantCulture, $"memif-{instance.Index}.sock"));

    /// <summary>Stops (SIGSTOP) or resumes (SIGCONT) the testpmd processes of a DPDK hop.</summary>
    private static async Task SignalForwardersAsync(LabInstance instance, bool stop, CancellationToken cancellationToken)
    {
        foreach (DpdkForwarder f in instance.Forwarders)
        {
            _ = (await Shell.RunAsync("kill", [stop ? "-STOP" : "-CONT", f.Pid.ToString(CultureInfo.InvariantCulture)], cancellationToken).ConfigureAwait(false)).OrThrow();
        }

        instance.Paused = stop;
    }
}
