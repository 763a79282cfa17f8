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
/// proof of path is a <c>netdev</c> table (<see cref="DpdkRuleset"/>): on af_packet hops, the veths' ingress hooks
/// record each frame that reached the hop (as a kernel instance records what it forwards) and then drop the kernel's
/// own copy, testpmd's socket having had its copy first; their egress hooks count per path code what testpmd
/// transmitted (af_packet ports with <c>qdisc_bypass=0</c>, so transmitted frames pass the egress hook), and the faults
/// chain drops there; on af_xdp hops, the same on the steering side of the veths.
/// </summary>
internal sealed partial class ChainLab
{
    private string? _testpmd;

    /// <summary>Says what realises a DPDK hop, for the report.</summary>
    private static string DpdkBuiltIn(LabInstance i) =>
        $"built-in router (mac forwarding, no TTL decrement) on {i.Grant.Describe()}; asked {i.Grant.Asked}, granted {i.Grant.Granted}";

    /// <summary>
    /// The hop's proof of path in a netdev table. A net_af_packet hop's table hooks its own veths: ingress records each
    /// frame that reached it, then drops the kernel's copy (testpmd's socket had its own); egress counts per path code
    /// what testpmd sent and passes the fault chain. A net_af_xdp hop's frames bypass those hooks (XDP hands them to
    /// testpmd before ingress, AF_XDP sends them without egress), so its table hooks the steering side of its veths
    /// instead: egress of ki and ko (into the hop) records, ingress (out of the hop) counts and passes the fault chain
    /// before the steering namespace forwards the frame.
    /// </summary>
    private string DpdkRuleset(LabInstance instance)
    {
        bool steeringSide = instance.Grant.Dataplane == HopDataplane.DpdkAfXdp;
        (string name, string dev)[] devices = steeringSide
            ? [("i", Ki(instance)), ("o", Ko(instance))]
            : [("i", IngressOf(instance)), ("o", EgressOf(instance))];
        (string into, string outOf, string policy) = steeringSide ? ("egress", "ingress", "accept") : ("ingress", "egress", "drop");
        string map = string.Join(", ", Enumerable.Range(1, ChainPlan.MaxCodes).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c} : \"c{c}\"")));
        StringBuilder sb = RulesetHead("netdev", instance.ProofTable);
        foreach ((string name, string dev) in devices)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  chain rx{name} {{ type filter hook {into} device \"{dev}\" priority 0; policy {policy};\n");
            sb.Append("    meta protocol ip add @seen { ip id . ip dscp }\n  }\n");
            sb.Append(CultureInfo.InvariantCulture, $"  chain tx{name} {{ type filter hook {outOf} device \"{dev}\" priority 0; policy accept;\n");
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
