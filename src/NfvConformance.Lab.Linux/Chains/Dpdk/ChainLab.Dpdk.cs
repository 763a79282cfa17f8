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
/// The namespace does not forward and its veths have no address: frames get through only if testpmd moves them. The
/// proof of path is a <c>netdev</c> table on the veths: their ingress hooks record each frame that reached the hop (as
/// a kernel instance records what it forwards) and then drop the kernel's own copy, testpmd's socket having had its
/// copy first; their egress hooks count per path code what testpmd transmitted (af_packet ports with
/// <c>qdisc_bypass=0</c>, so transmitted frames pass the egress hook), and the faults chain drops there.
/// </summary>
internal sealed partial class ChainLab
{
    private string? _testpmd;

    /// <summary>Says what realises a DPDK hop, for the report.</summary>
    private static string DpdkBuiltIn(LabInstance i) =>
        $"built-in router (mac forwarding, no TTL decrement) on {i.Grant.Describe()}; asked {i.Grant.Asked}, granted {i.Grant.Granted}";

    private string DpdkRuleset(LabInstance instance)
    {
        string map = string.Join(", ", Enumerable.Range(1, ChainPlan.MaxCodes).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c} : \"c{c}\"")));
        if (instance.Grant.Dataplane == HopDataplane.DpdkAfXdp)
        {
            return AfXdpRuleset(instance, map);
        }

        string iin = IngressOf(instance), iout = EgressOf(instance);
        StringBuilder sb = RulesetHead("netdev");
        foreach ((string name, string dev) in new[] { ("i", iin), ("o", iout) })
        {
            sb.Append(CultureInfo.InvariantCulture, $"  chain rx{name} {{ type filter hook ingress device \"{dev}\" priority 0; policy drop;\n");
            sb.Append("    meta protocol ip add @seen { ip id . ip dscp }\n  }\n");
            sb.Append(CultureInfo.InvariantCulture, $"  chain tx{name} {{ type filter hook egress device \"{dev}\" priority 0; policy accept;\n");
            sb.Append(CultureInfo.InvariantCulture, $"    meta protocol ip counter name ip dscp map {{ {map} }}\n");
            sb.Append("    jump faults\n  }\n");
        }

        sb.Append("}\n");
        return sb.ToString();
    }

    /// <summary>
    /// The proof of path of a net_af_xdp hop, on the steering side of its veths: XDP hands the frames to testpmd before
    /// the hop's ingress hooks, and AF_XDP sends them without its egress hooks. A frame the steering namespace sends
    /// into the hop (egress of ki or ko) is recorded as having reached it; a frame that comes back out of the hop
    /// (ingress of ki or ko) is counted per path code and passes the fault chain, before the steering namespace
    /// forwards it.
    /// </summary>
    private string AfXdpRuleset(LabInstance instance, string map)
    {
        StringBuilder sb = RulesetHead("netdev", instance.ProofTable);
        foreach ((string name, string dev) in new[] { ("i", Ki(instance)), ("o", Ko(instance)) })
        {
            sb.Append(CultureInfo.InvariantCulture, $"  chain to{name} {{ type filter hook egress device \"{dev}\" priority 0; policy accept;\n");
            sb.Append("    meta protocol ip add @seen { ip id . ip dscp }\n  }\n");
            sb.Append(CultureInfo.InvariantCulture, $"  chain from{name} {{ type filter hook ingress device \"{dev}\" priority 0; policy accept;\n");
            sb.Append(CultureInfo.InvariantCulture, $"    meta protocol ip counter name ip dscp map {{ {map} }}\n");
            sb.Append("    jump faults\n  }\n");
        }

        sb.Append("}\n");
        return sb.ToString();
    }

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
