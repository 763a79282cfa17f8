// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.ServiceChaining;

namespace NfvConformance.Lab.Linux.Chains;

/// <summary>A way to break the lab on purpose, so a test can show that the check that should fail does.</summary>
internal enum LabBreak
{
    /// <summary>The steering namespace hashes ECMP on addresses only (<c>fib_multipath_hash_policy=0</c>): one source and destination take one instance.</summary>
    EcmpL3Only,

    /// <summary>Under Open vSwitch steering, the select groups hash on addresses only (<c>fields(ip_src,ip_dst)</c>): one source and destination take one instance.</summary>
    SelectGroupL3Only,

    /// <summary>Every firewall keeps its ACL but without connection tracking: replies are not recognised and are dropped.</summary>
    FirewallWithoutConntrack,

    /// <summary>Every NAT44 rewrites the source statelessly (no conntrack): replies to the translated address are not translated back.</summary>
    NatNotTranslatingReplies,
}

/// <summary>Faults caused for real: an instance's link down, loss by nftables <c>numgen</c>, an instance deleted and re-created, and deliberate breaks.</summary>
internal sealed partial class ChainLab
{
    /// <summary>Puts an instance's two interfaces administratively down (<c>ip link set down</c>) or up again (with its routes).</summary>
    /// <param name="portPair">The instance.</param>
    /// <param name="down">True for down.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    public async Task SetLinkAsync(string portPair, bool down, CancellationToken cancellationToken)
    {
        LabInstance i = _instances[portPair];
        string state = down ? "down" : "up";
        List<string> lines = [$"link set {IngressOf(i)} {state}", $"link set {EgressOf(i)} {state}"];
        if (i.Vendor is not null)
        {
            if (down)
            {
                // IPv4 drops the routes of an interface that goes down: keep the vendor's to put them back on the way up.
                await SaveOrRestoreVendorRoutesAsync(i, save: true, cancellationToken).ConfigureAwait(false);
            }
        }
        else if (!down && i.Function != InstanceFunction.L2 && !i.Tap && !i.IsDpdk)
        {
            // IPv4 drops the routes of an interface that goes down: put them back (a bridge, a tap and a DPDK hop have none).
            lines.AddRange(InstanceRoutes(i.Index));
        }

        await IpBatchAsync(i.Namespace, cancellationToken, lines).ConfigureAwait(false);
        if (i.Vendor is not null && !down)
        {
            await SaveOrRestoreVendorRoutesAsync(i, save: false, cancellationToken).ConfigureAwait(false);
        }

        i.LinkDown = down;
        if (!down)
        {
            // The kernel reports carrier asynchronously (linkwatch): wait until both steering-side ends are UP again.
            DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(3);
            while (DateTime.UtcNow < deadline)
            {
                string links = (await Run.Shell.RunAsync("ip", ["-n", Steering, "-o", "link", "show"], cancellationToken).ConfigureAwait(false)).Stdout;
                bool up = links.Split('\n').Where(l => l.Contains(Ki(i) + "@", StringComparison.Ordinal) || l.Contains(Ko(i) + "@", StringComparison.Ordinal)).Count(l => l.Contains("state UP", StringComparison.Ordinal)) == 2;
                if (up)
                {
                    break;
                }

                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Makes an instance drop a share of what it forwards (nftables <c>numgen random mod 100 &lt; N drop</c>, counted as <c>random_loss</c>); 0 ends it.</summary>
    /// <param name="portPair">The instance.</param>
    /// <param name="percent">Whole percent, 0 to 100.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    public async Task SetLossAsync(string portPair, int percent, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(percent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        LabInstance i = _instances[portPair];
        string family = i.NftFamily;
        string script = $"flush chain {family} {i.ProofTable} faults\n";
        if (percent > 0)
        {
            script += string.Create(CultureInfo.InvariantCulture, $"add rule {family} {i.ProofTable} faults numgen random mod 100 < {percent} counter name loss drop\n");
        }

        await NftAsync(i.ProofNamespace, cancellationToken, script).ConfigureAwait(false);
    }

    /// <summary>Deletes an instance's namespace (its state, conntrack and counters with it) and creates it again, then re-steers.</summary>
    /// <param name="portPair">The instance.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    public async Task RecreateInstanceAsync(string portPair, CancellationToken cancellationToken)
    {
        LabInstance old = _instances[portPair];
        await DeleteInstanceAsync(old, cancellationToken).ConfigureAwait(false);
        await CreateInstanceAsync(old.PortPair, old.Group, old.Function, old.Weight, old.Grant, old.Tap, cancellationToken).ConfigureAwait(false);
        await WriteSteeringAsync(_plan!, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Tells whether an instance's namespace exists on the host now.</summary>
    /// <param name="portPair">The instance.</param>
    /// <returns>True when it exists.</returns>
    public bool InstanceExists(string portPair) => _instances.TryGetValue(portPair, out LabInstance? i) && File.Exists("/run/netns/" + i.Namespace);

    /// <summary>Breaks the lab one way (see <see cref="LabBreak"/>); the break lasts until the lab is torn down.</summary>
    /// <param name="kind">The break.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    public async Task BreakAsync(LabBreak kind, CancellationToken cancellationToken)
    {
        switch (kind)
        {
            case LabBreak.EcmpL3Only when SteeringMode == ChainSteering.Kernel:
                await SysctlAsync(Steering, cancellationToken, "net.ipv4.fib_multipath_hash_policy=0").ConfigureAwait(false);
                break;
            case LabBreak.SelectGroupL3Only when SteeringMode == ChainSteering.Ovs:
                await BreakOvsHashAsync(cancellationToken).ConfigureAwait(false);
                break;
            case LabBreak.EcmpL3Only or LabBreak.SelectGroupL3Only:
                throw new InvalidOperationException($"{kind} breaks {(kind == LabBreak.EcmpL3Only ? "kernel" : "Open vSwitch")} steering; this lab steers with {SteeringMode}.");
            case LabBreak.FirewallWithoutConntrack:
                foreach (LabInstance i in _instances.Values.Where(i => i.Vendor is null && i.Function == InstanceFunction.Firewall))
                {
                    await NftAsync(i.Namespace, cancellationToken, $"delete chain ip {Table} filter\ntable ip {Table} {{\n{FirewallChain(If("in"), conntrack: false)}}}\n").ConfigureAwait(false);
                }

                break;
            case LabBreak.NatNotTranslatingReplies:
                foreach (LabInstance i in _instances.Values.Where(i => i.Vendor is null && i.Function == InstanceFunction.Nat44))
                {
                    await NftAsync(i.Namespace, cancellationToken, $$"""
                        delete chain ip {{Table}} nat
                        table ip {{Table}} {
                          chain raw { type filter hook prerouting priority raw; policy accept; notrack; }
                          chain rewrite { type filter hook postrouting priority srcnat; policy accept; oifname "{{If("out")}}" ip saddr set {{OutAddr(i.Index, 2)}}; }
                        }

                        """).ConfigureAwait(false);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown break");
        }
    }

    /// <summary>Says why a kernel instance cannot be paused: it is the kernel forwarding in a namespace, with no process to stop.</summary>
    /// <param name="portPair">The instance.</param>
    /// <returns>The reason.</returns>
    public static string CannotPause(string portPair) =>
        $"instance '{portPair}' is kernel forwarding in a network namespace, which has no process to stop (SIGSTOP) or freeze (cgroup freezer); only process-backed instances can be paused";

    /// <summary>Applies a state to an instance, or refuses it.</summary>
    /// <param name="portPair">The instance.</param>
    /// <param name="state">The state.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>The change or refusal.</returns>
    public async Task<InstanceStateChange> SetStateAsync(string portPair, InstanceState state, CancellationToken cancellationToken)
    {
        if (!_instances.ContainsKey(portPair))
        {
            return InstanceStateChange.Refused(portPair, state, $"no instance '{portPair}' in the applied spec; instances: {string.Join(", ", _instances.Keys)}");
        }

        switch (state)
        {
            case InstanceState.LinkAdminDown:
                await SetLinkAsync(portPair, down: true, cancellationToken).ConfigureAwait(false);
                return InstanceStateChange.Done(portPair, state);
            case InstanceState.Running:
                if (_instances[portPair].LinkDown)
                {
                    await SetLinkAsync(portPair, down: false, cancellationToken).ConfigureAwait(false);
                }

                if (_instances[portPair].Paused)
                {
                    await SignalForwardersAsync(_instances[portPair], stop: false, cancellationToken).ConfigureAwait(false);
                }

                return InstanceStateChange.Done(portPair, state);
            case InstanceState.Paused when _instances[portPair].Forwarders.Count > 0:
                // A DPDK hop is processes: SIGSTOP stops its forwarding for real until SIGCONT.
                await SignalForwardersAsync(_instances[portPair], stop: true, cancellationToken).ConfigureAwait(false);
                return InstanceStateChange.Done(portPair, state);
            case InstanceState.Paused:
                return InstanceStateChange.Refused(portPair, state, CannotPause(portPair));
            default:
                return InstanceStateChange.Refused(portPair, state, $"unknown state {state}");
        }
    }
}
