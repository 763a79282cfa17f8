// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Net;
using System.Text;
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Lab.Linux.Chains.Dpdk;
using NfvConformance.Lab.Linux.Run;

namespace NfvConformance.Lab.Linux.Chains;

/// <summary>One service-function instance of the lab: a network namespace with an ingress and an egress veth.</summary>
internal sealed class LabInstance
{
    public LabInstance(string portPair, string group, InstanceFunction function, int index, string ns, int weight)
    {
        PortPair = portPair;
        Group = group;
        Function = function;
        Index = index;
        Namespace = ns;
        Weight = weight;
    }

    public string PortPair { get; }

    public string Group { get; set; }

    public InstanceFunction Function { get; }

    /// <summary>Gets the instance's number (1 to 250): its addresses, MACs, marks and routing tables derive from it.</summary>
    public int Index { get; }

    public string Namespace { get; }

    public int Weight { get; set; }

    /// <summary>Gets whether the instance is in a tap group: a monitor namespace that counts the copies it gets and forwards nothing.</summary>
    public bool Tap { get; init; }

    public bool LinkDown { get; set; }

    /// <summary>Gets or sets whether the instance's processes are stopped (SIGSTOP).</summary>
    public bool Paused { get; set; }

    /// <summary>Gets or sets the vendor's VNF that realises this instance, or null for the built-in function.</summary>
    public VendorHop? Vendor { get; set; }

    /// <summary>Gets or sets the acceleration asked for and granted, and how it is realised.</summary>
    public HopGrant Grant { get; set; } = HopGrant.Kernel;

    /// <summary>
    /// Gets the namespace of the instance's own nftables table (its proof of path, counters and faults): its own
    /// namespace, or the steering namespace for a DPDK hop (its proof sits on the steering side of its veths).
    /// </summary>
    public string ProofNamespace { get; init; } = string.Empty;

    /// <summary>Gets the name of the instance's own nftables table.</summary>
    public string ProofTable { get; init; } = string.Empty;

    /// <summary>Gets the DPDK testpmd processes that move this instance's frames (empty for a kernel instance).</summary>
    public List<DpdkForwarder> Forwarders { get; } = [];

    /// <summary>Gets whether DPDK testpmd, not the kernel, forwards this instance's frames.</summary>
    public bool IsDpdk => Vendor is null && !Tap && Grant.Dataplane != HopDataplane.Kernel;

    /// <summary>
    /// Gets the nftables family of the instance's own table: <c>netdev</c> for a DPDK hop (its chains hook the veths'
    /// ingress and egress, which frames cross on their way to and from testpmd), <c>bridge</c> for L2, else <c>ip</c>.
    /// </summary>
    public string NftFamily => IsDpdk ? "netdev" : Function == InstanceFunction.L2 && !Tap ? "bridge" : "ip";
}

/// <summary>
/// The namespace chain lab: a steering namespace (the role networking-sfc gives the integration bridge) joined by veth
/// pairs to a client namespace, a server namespace and, per service-function instance, a namespace of its own with an
/// ingress and an egress interface. The steering namespace classifies (nftables) and steers (fwmark, then policy routing,
/// with kernel ECMP over a group's instances, L4 hash); the hop a packet is on travels in its DSCP field. Each instance
/// records every packet it forwards (IP id and path code) in an nftables set and counts per path code, which is the proof
/// of path. Everything is named with the run id and lives in the run's namespaces: deleting them removes it all.
/// </summary>
internal sealed partial class ChainLab : IAsyncDisposable
{
    /// <summary>How long a probe may take to arrive before it counts as lost.</summary>
    public static readonly TimeSpan ArrivalTimeout = TimeSpan.FromMilliseconds(400);

    private const string ClientLink = "100.64.0";
    private const int MaxInstances = 250;

    private readonly LabRun _run;
    private readonly Dictionary<string, LabInstance> _instances = new(StringComparer.Ordinal);
    private readonly List<string> _swRules = [];
    private readonly List<int> _swTables = [];
    private readonly List<string> _swChains = [];
    private readonly HashSet<string> _swSets = new(StringComparer.Ordinal);
    private NetnsRawSocket? _clientSocket;
    private NetnsRawSocket? _serverSocket;
    private ChainPlan? _plan;
    private int _scriptSeq;
    private int _nextId = 1;
    private bool _built;

    public ChainLab(LabRun run, ChainSteering steering = ChainSteering.Kernel)
    {
        _run = run;
        SteeringMode = steering;
        Table = run.Token;
        Steering = run.Name("sw");
        Client = run.Name("client");
        Server = run.Name("server");
    }

    /// <summary>Gets how packets are steered between the instances (kernel routing, or Open vSwitch).</summary>
    public ChainSteering SteeringMode { get; }

    /// <summary>Gets the nftables table name used in every namespace of the lab (the run's token).</summary>
    public string Table { get; }

    public string Steering { get; }

    public string Client { get; }

    public string Server { get; }

    public ChainPlan? Plan => _plan;

    public IReadOnlyDictionary<string, LabInstance> Instances => _instances;

    /// <summary>Builds (or updates) the lab for a valid plan; an empty spec tears the whole lab down.</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="cancellationToken">Cancels between steps.</param>
    /// <returns>A task.</returns>
    public async Task ApplyAsync(ChainPlan plan, CancellationToken cancellationToken)
    {
        if (plan.Spec.PortPairs.Count == 0 && plan.Spec.PortChains.Count == 0)
        {
            await TearDownAsync().ConfigureAwait(false);
            _plan = plan;
            return;
        }

        if (!_built)
        {
            await BuildBaseAsync(cancellationToken).ConfigureAwait(false);
        }

        Dictionary<string, string> groupOf = new(StringComparer.Ordinal);
        foreach (PortPairGroup g in plan.Spec.PortPairGroups)
        {
            foreach (string p in g.PortPairs)
            {
                groupOf[p] = g.Name;
            }
        }

        // Remove instances that left the spec or changed function; keep the rest (their conntrack and pins stay).
        foreach (LabInstance gone in _instances.Values.ToList())
        {
            PortPair? now = plan.Spec.PortPairs.FirstOrDefault(p => p.Name == gone.PortPair);
            if (now is null || !ChainPlan.TryParseFunction(now.ServiceFunction, out InstanceFunction f) || f != gone.Function || plan.GrantOf(now.Name) != gone.Grant
                || plan.IsTap(groupOf.GetValueOrDefault(now.Name, string.Empty)) != gone.Tap)
            {
                await DeleteInstanceAsync(gone, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (PortPair pair in plan.Spec.PortPairs)
        {
            _ = ChainPlan.TryParseFunction(pair.ServiceFunction, out InstanceFunction function);
            string group = groupOf.GetValueOrDefault(pair.Name, string.Empty);
            if (_instances.TryGetValue(pair.Name, out LabInstance? existing))
            {
                existing.Group = group;
                existing.Weight = pair.Weight;
                continue;
            }

            await CreateInstanceAsync(pair.Name, group, function, pair.Weight, plan.GrantOf(pair.Name), plan.IsTap(group), cancellationToken).ConfigureAwait(false);
        }

        await WriteSteeringAsync(plan, cancellationToken).ConfigureAwait(false);
        _plan = plan;
    }

    /// <summary>Removes every namespace of the lab (instances, steering, client, server). Idempotent.</summary>
    /// <returns>A task.</returns>
    public async Task TearDownAsync()
    {
        _clientSocket?.Dispose();
        _serverSocket?.Dispose();
        _clientSocket = null;
        _serverSocket = null;
        await StopOvsAsync().ConfigureAwait(false);
        foreach (LabInstance i in _instances.Values)
        {
            if (i.Vendor is { } vendor)
            {
                await StopVendorAsync(vendor, i.PortPair, CancellationToken.None).ConfigureAwait(false);
            }

            await StopForwardersAsync(i).ConfigureAwait(false);
            _ = await Shell.RunAsync("ip", ["netns", "del", i.Namespace]).ConfigureAwait(false);
        }

        _instances.Clear();
        if (_built)
        {
            foreach (string ns in new[] { Steering, Client, Server })
            {
                _ = await Shell.RunAsync("ip", ["netns", "del", ns]).ConfigureAwait(false);
            }
        }

        _swRules.Clear();
        _swTables.Clear();
        _swChains.Clear();
        _swSets.Clear();
        _built = false;
        _napiRefused = null;
        _plan = null;
    }

    public async ValueTask DisposeAsync() => await TearDownAsync().ConfigureAwait(false);

    /// <summary>Names the instance namespace of a port pair.</summary>
    /// <param name="portPair">The port pair.</param>
    /// <returns>The namespace name.</returns>
    public string InstanceNamespace(string portPair)
    {
        StringBuilder sb = new("i-");
        foreach (char c in portPair.ToLowerInvariant())
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '-');
        }

        return _run.Name(sb.ToString());
    }

    // ---- building ----------------------------------------------------------------------------------------------

    private string If(string role) => _run.InterfaceName(role);

    private static string Mac(int role, int index, int side) => string.Create(CultureInfo.InvariantCulture, $"02:6e:{role:x2}:{index:x2}:{side:x2}:01");

    private static string InAddr(int k, int host) => string.Create(CultureInfo.InvariantCulture, $"100.65.{k}.{host}");

    private static string OutAddr(int k, int host) => string.Create(CultureInfo.InvariantCulture, $"100.66.{k}.{host}");

    private async Task BuildBaseAsync(CancellationToken cancellationToken)
    {
        bool ovs = SteeringMode == ChainSteering.Ovs;
        foreach (string ns in new[] { Steering, Client, Server })
        {
            // Under Open vSwitch the steering namespace's kernel only hosts the switch's ports: it must not forward too.
            await AddNamespaceAsync(ns, forwarding: ns == Steering && !ovs, cancellationToken).ConfigureAwait(false);
        }

        _built = true;
        string c = If("c"), s = If("s"), e = If("e");
        string[] links =
        [
            $"link add {c} address {Mac(1, 0, 1)} type veth peer name {e} address {Mac(1, 0, 2)} netns {Client}",
            $"link add {s} address {Mac(2, 0, 1)} type veth peer name {e} address {Mac(2, 0, 2)} netns {Server}",
        ];
        if (ovs)
        {
            await IpBatchAsync(Steering, cancellationToken, [.. links, $"link set {c} up", $"link set {s} up"]).ConfigureAwait(false);
        }
        else
        {
            await SysctlAsync(Steering, cancellationToken, "net.ipv4.fib_multipath_hash_policy=1").ConfigureAwait(false);
            await IpBatchAsync(Steering, cancellationToken, [
            .. links,
            $"addr add {ClientLink}.1/30 dev {c}",
            $"addr add {ClientLink}.5/30 dev {s}",
            $"link set {c} up",
            $"link set {s} up",
            $"neigh replace {ClientLink}.2 lladdr {Mac(1, 0, 2)} dev {c} nud permanent",
            $"neigh replace {ClientLink}.6 lladdr {Mac(2, 0, 2)} dev {s} nud permanent",
            $"route add default via {ClientLink}.6 dev {s}",
            $"route add default via {ClientLink}.2 dev {c} table 200",
            $"rule add iif {s} lookup 200 pref 200",
            ]).ConfigureAwait(false);
            await ThreadNapiAsync(Steering, [c, s], cancellationToken).ConfigureAwait(false);
        }

        await IpBatchAsync(Client, cancellationToken, [
            $"addr add {ClientLink}.2/30 dev {e}",
            $"link set {e} up",
            $"neigh replace {ClientLink}.1 lladdr {Mac(1, 0, 1)} dev {e} nud permanent",
            $"route add default via {ClientLink}.1 dev {e}",
        ]).ConfigureAwait(false);
        await IpBatchAsync(Server, cancellationToken, [
            $"addr add {ClientLink}.6/30 dev {e}",
            $"link set {e} up",
            $"neigh replace {ClientLink}.5 lladdr {Mac(2, 0, 1)} dev {e} nud permanent",
            $"route add default via {ClientLink}.5 dev {e}",
        ]).ConfigureAwait(false);

        // The ends record every probe that arrives (IP id, source as it arrived, path code) and keep it: nothing
        // answers, so probes cause no stray replies.
        foreach (string ns in new[] { Client, Server })
        {
            await NftAsync(ns, cancellationToken, $$"""
                table ip {{Table}} {
                  set got { typeof ip id . ip saddr . th sport . ip dscp; flags dynamic,timeout; timeout 10m; size 65535; }
                  chain pre { type filter hook prerouting priority raw; policy accept;
                    meta l4proto { tcp, udp } add @got { ip id . ip saddr . th sport . ip dscp } counter drop
                    counter drop
                  }
                }
                """).ConfigureAwait(false);
        }

        if (ovs)
        {
            await StartOvsAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await NftAsync(Steering, cancellationToken, $$"""
                table ip {{Table}} {
                  chain pre { type filter hook prerouting priority mangle; policy accept; }
                  chain post { type filter hook postrouting priority mangle; policy accept; }
                }
                """).ConfigureAwait(false);
        }

        _clientSocket = NetnsRawSocket.Open(Client);
        _serverSocket = NetnsRawSocket.Open(Server);
    }

    private async Task AddNamespaceAsync(string ns, bool forwarding, CancellationToken cancellationToken)
    {
        _ = (await Shell.RunAsync("ip", ["netns", "add", ns], cancellationToken).ConfigureAwait(false)).OrThrow();
        await IpBatchAsync(ns, cancellationToken, ["link set lo up"]).ConfigureAwait(false);

        // Before any interface exists, so every interface inherits the defaults.
        await SysctlAsync(
            ns,
            cancellationToken,
            $"net.ipv4.ip_forward={(forwarding ? 1 : 0)}",
            "net.ipv4.conf.all.rp_filter=0",
            "net.ipv4.conf.default.rp_filter=0",
            "net.ipv4.conf.all.send_redirects=0",
            "net.ipv4.conf.default.send_redirects=0",
            "net.ipv4.conf.all.accept_local=1",
            "net.ipv4.conf.default.accept_local=1").ConfigureAwait(false);
    }

    private async Task CreateInstanceAsync(string portPair, string group, InstanceFunction function, int weight, HopGrant grant, bool tap, CancellationToken cancellationToken)
    {
        int k = Enumerable.Range(1, MaxInstances).FirstOrDefault(i => _instances.Values.All(x => x.Index != i));
        if (k == 0)
        {
            throw new ConfigurationException($"the linux chain lab holds at most {MaxInstances} instances.");
        }

        string ns = InstanceNamespace(portPair);
        bool dpdkHop = !tap && grant.Dataplane != HopDataplane.Kernel && VendorFor(function) is null;
        LabInstance instance = new(portPair, group, function, k, ns, weight)
        {
            Grant = grant,
            Tap = tap,
            ProofNamespace = dpdkHop ? Steering : ns,
            ProofTable = dpdkHop ? string.Create(CultureInfo.InvariantCulture, $"{Table}_h{k}") : Table,
        };

        if (!tap && VendorFor(function) is { } package)
        {
            instance.Vendor = await StartVendorAsync(package, portPair, ns, k, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // A DPDK hop's namespace does not forward: only testpmd moves its frames.
            await AddNamespaceAsync(ns, forwarding: !instance.IsDpdk && !tap, cancellationToken).ConfigureAwait(false);
        }

        _instances[portPair] = instance;

        string ki = If(k.ToString(CultureInfo.InvariantCulture) + "i"), ko = If(k.ToString(CultureInfo.InvariantCulture) + "o");
        string iin = IngressOf(instance), iout = EgressOf(instance);
        bool l2 = function == InstanceFunction.L2 && !tap;
        List<string> sw =
        [
            $"link add {ki} address {Mac(3, k, 1)} type veth peer name {iin} address {Mac(3, k, 2)} netns {ns}",
            $"link add {ko} address {Mac(4, k, 1)} type veth peer name {iout} address {Mac(4, k, 2)} netns {ns}",
            $"link set {ki} up",
            $"link set {ko} up",
        ];
        if (SteeringMode == ChainSteering.Ovs)
        {
            // The switch's ports: no address, no route; the OpenFlow rules do the steering.
        }
        else if (l2)
        {
            // A bridge passes frames untouched: the steering namespace sends into the ingress side frames addressed to
            // its own egress-side interface's MAC, and the other way round. The gateway is the other end's address
            // (no one holds it: a bridge has none), resolved to that MAC; the kernel refuses a gateway that is local.
            sw.Add($"addr add {InAddr(k, 1)}/30 dev {ki}");
            sw.Add($"addr add {OutAddr(k, 1)}/30 dev {ko}");
            sw.Add($"neigh replace {OutAddr(k, 2)} lladdr {Mac(4, k, 1)} dev {ki} nud permanent");
            sw.Add($"neigh replace {InAddr(k, 2)} lladdr {Mac(3, k, 1)} dev {ko} nud permanent");
            sw.Add($"route add default via {OutAddr(k, 2)} dev {ki} onlink table {3000 + k}");
            sw.Add($"route add default via {InAddr(k, 2)} dev {ko} onlink table {4000 + k}");
        }
        else
        {
            sw.Add($"addr add {InAddr(k, 1)}/30 dev {ki}");
            sw.Add($"addr add {OutAddr(k, 1)}/30 dev {ko}");
            sw.Add($"neigh replace {InAddr(k, 2)} lladdr {Mac(3, k, 2)} dev {ki} nud permanent");
            sw.Add($"neigh replace {OutAddr(k, 2)} lladdr {Mac(4, k, 2)} dev {ko} nud permanent");
            sw.Add($"route add default via {InAddr(k, 2)} dev {ki} table {3000 + k}");
            sw.Add($"route add default via {OutAddr(k, 2)} dev {ko} table {4000 + k}");
        }

        if (SteeringMode == ChainSteering.Kernel)
        {
            sw.Add($"rule add fwmark {0x20000 | k} lookup {3000 + k} pref 100");
            sw.Add($"rule add fwmark {0x30000 | k} lookup {4000 + k} pref 100");
            sw.Add($"rule add iif {ki} lookup 200 pref 200");
        }

        await IpBatchAsync(Steering, cancellationToken, sw).ConfigureAwait(false);

        List<string> inside = l2
            ?
            [
                "link add br0 type bridge",
                $"link set {iin} master br0",
                $"link set {iout} master br0",
                $"link set {iin} up",
                $"link set {iout} up",
                "link set br0 up",
            ]
            :
            [
                $"addr add {InAddr(k, 2)}/30 dev {iin}",
                $"addr add {OutAddr(k, 2)}/30 dev {iout}",
                $"link set {iin} up",
                $"link set {iout} up",
                $"neigh replace {InAddr(k, 1)} lladdr {Mac(3, k, 1)} dev {iin} nud permanent",
                $"neigh replace {OutAddr(k, 1)} lladdr {Mac(4, k, 1)} dev {iout} nud permanent",
                .. InstanceRoutes(k),
                $"rule add iif {iin} lookup 100 pref 100",
                $"rule add iif {iout} lookup 101 pref 101",
            ];
        if (instance.Vendor is { } vendor)
        {
            // The lab's own table (proof of path, counters, faults) goes in first; the vendor's commands do the rest.
            await NftAsync(ns, cancellationToken, InstanceRuleset(instance)).ConfigureAwait(false);
            await vendor.Realiser.ActivateAsync(vendor.Request, vendor.Hop, cancellationToken).ConfigureAwait(false);
            if (SteeringMode == ChainSteering.Ovs)
            {
                // The switch's ports have no address, so nothing answers the unit's ARP for its next hops: the lab gives
                // the unit the steering side's MACs as permanent neighbours, as it does for its built-in instances.
                await IpBatchAsync(ns, cancellationToken, [
                    $"neigh replace {InAddr(k, 1)} lladdr {Mac(3, k, 1)} dev {iin} nud permanent",
                    $"neigh replace {OutAddr(k, 1)} lladdr {Mac(4, k, 1)} dev {iout} nud permanent",
                ]).ConfigureAwait(false);
                await AttachOvsPortsAsync(instance, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        if (tap)
        {
            // A monitor: its ingress has the address the steering namespace duplicates copies to; it forwards nothing.
            await IpBatchAsync(ns, cancellationToken, [
                $"addr add {InAddr(k, 2)}/30 dev {iin}",
                $"link set {iin} up",
                $"link set {iout} up",
            ]).ConfigureAwait(false);
            await NftAsync(ns, cancellationToken, TapRuleset()).ConfigureAwait(false);
            return;
        }

        if (instance.IsDpdk)
        {
            // No address, no route, no bridge: the veths only carry frames to and from testpmd's ports.
            await IpBatchAsync(ns, cancellationToken, [$"link set {iin} up", $"link set {iout} up"]).ConfigureAwait(false);
            await NftAsync(ns, cancellationToken, KernelCopyDrop(instance)).ConfigureAwait(false);
            await NftAsync(instance.ProofNamespace, cancellationToken, DpdkRuleset(instance)).ConfigureAwait(false);
            await StartForwardersAsync(instance, cancellationToken).ConfigureAwait(false);
            return;
        }

        await IpBatchAsync(ns, cancellationToken, inside).ConfigureAwait(false);
        await ThreadNapiAsync(Steering, [ki, ko], cancellationToken).ConfigureAwait(false);
        await ThreadNapiAsync(ns, [iin, iout], cancellationToken).ConfigureAwait(false);
        await NftAsync(ns, cancellationToken, InstanceRuleset(instance)).ConfigureAwait(false);
        if (SteeringMode == ChainSteering.Ovs)
        {
            await AttachOvsPortsAsync(instance, cancellationToken).ConfigureAwait(false);
        }
    }

    private static IEnumerable<string> InstanceRoutes(int k) =>
    [
        $"route replace default via {OutAddr(k, 1)} table 100",
        $"route replace default via {InAddr(k, 1)} table 101",
    ];

    /// <summary>Starts an instance's table: the set of recorded probes, a counter per path code, the loss and ACL counters, the (empty) fault chain.</summary>
    private StringBuilder RulesetHead(string family, string? table = null)
    {
        StringBuilder sb = new();
        sb.Append(CultureInfo.InvariantCulture, $"table {family} {table ?? Table} {{\n");
        sb.Append("  set seen { typeof ip id . ip dscp; flags dynamic,timeout; timeout 10m; size 65535; }\n");
        for (int code = 1; code <= ChainPlan.MaxCodes; code++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  counter c{code} {{ }}\n");
        }

        sb.Append("  counter loss { }\n  counter acl { }\n");
        sb.Append("  chain faults { }\n");
        return sb;
    }

    /// <summary>The instance's nftables: the record of forwarded probes, a counter per path code, the fault chain, and its function.</summary>
    private string InstanceRuleset(LabInstance instance)
    {
        StringBuilder sb = RulesetHead(instance.NftFamily);
        sb.Append("  chain fw { type filter hook forward priority -10; policy accept;\n");
        sb.Append("    meta protocol ip add @seen { ip id . ip dscp }\n");
        sb.Append("    meta protocol ip counter name ip dscp map { ");
        sb.Append(string.Join(", ", Enumerable.Range(1, ChainPlan.MaxCodes).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c} : \"c{c}\""))));
        sb.Append(" }\n");
        sb.Append("    jump faults\n  }\n");
        string iin = If("in"), iout = If("out");
        switch (instance.Vendor is null ? instance.Function : InstanceFunction.Router)
        {
            case InstanceFunction.Firewall:
                sb.Append(FirewallChain(iin, conntrack: true));
                break;
            case InstanceFunction.Nat44:
                sb.Append(CultureInfo.InvariantCulture, $"  chain nat {{ type nat hook postrouting priority srcnat; policy accept; oifname \"{iout}\" masquerade; }}\n");
                break;
            default:
                break;
        }

        sb.Append("}\n");
        return sb.ToString();
    }

    /// <summary>
    /// A tap instance's nftables: the copies it gets counted per path code, as an instance on the path counts what it
    /// forwards (layer 3, so the octets compare), then dropped; nothing is recorded in <c>seen</c>, so no probe's path
    /// names it. The fault chain comes after the count, as on an instance of the path.
    /// </summary>
    private string TapRuleset()
    {
        StringBuilder sb = RulesetHead("ip");
        sb.Append("  chain copies { type filter hook prerouting priority raw; policy accept;\n");
        sb.Append("    meta protocol ip counter name ip dscp map { ");
        sb.Append(string.Join(", ", Enumerable.Range(1, ChainPlan.MaxCodes).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c} : \"c{c}\""))));
        sb.Append(" }\n");
        sb.Append("    jump faults\n    drop\n  }\n}\n");
        return sb.ToString();
    }

    private static string FirewallChain(string inside, bool conntrack) => conntrack
        ? $$"""
              chain filter { type filter hook forward priority filter; policy accept;
                ct state established,related accept
                ct state invalid counter name acl drop
                iifname "{{inside}}" ct state new accept
                counter name acl drop
              }

            """
        : $$"""
              chain filter { type filter hook forward priority filter; policy accept;
                iifname "{{inside}}" accept
                counter name acl drop
              }

            """;

    private async Task DeleteInstanceAsync(LabInstance instance, CancellationToken cancellationToken)
    {
        int k = instance.Index;
        if (SteeringMode == ChainSteering.Ovs)
        {
            await DetachOvsPortsAsync(instance, cancellationToken).ConfigureAwait(false);
        }

        // The steering side of its veths goes first and synchronously (a namespace is deleted asynchronously by the
        // kernel, so its peers could linger and block a re-created instance of the same number).
        await IpBatchAsync(Steering, cancellationToken, [
            $"link del {Ki(instance)}",
            $"link del {Ko(instance)}",
        ], force: true).ConfigureAwait(false);
        if (instance.Vendor is { } vendor)
        {
            await StopVendorAsync(vendor, instance.PortPair, cancellationToken).ConfigureAwait(false);
        }

        await StopForwardersAsync(instance).ConfigureAwait(false);
        if (instance.ProofNamespace != instance.Namespace)
        {
            _ = await Shell.RunAsync("ip", ["netns", "exec", instance.ProofNamespace, "nft", "delete", "table", instance.NftFamily, instance.ProofTable], cancellationToken).ConfigureAwait(false);
        }

        _ = await Shell.RunAsync("ip", ["netns", "del", instance.Namespace], cancellationToken).ConfigureAwait(false);
        await IpBatchAsync(Steering, cancellationToken, [
            $"rule del fwmark {0x20000 | k} lookup {3000 + k} pref 100",
            $"rule del fwmark {0x30000 | k} lookup {4000 + k} pref 100",
            $"rule del iif {If(k.ToString(CultureInfo.InvariantCulture) + "i")} lookup 200 pref 200",
            $"route flush table {3000 + k}",
            $"route flush table {4000 + k}",
        ], force: true).ConfigureAwait(false);
        _instances.Remove(instance.PortPair);
    }

    // ---- steering ----------------------------------------------------------------------------------------------

    private static int GroupMark(int code) => 0x10000 | code;

    private string Ki(LabInstance i) => If(i.Index.ToString(CultureInfo.InvariantCulture) + "i");

    private string Ko(LabInstance i) => If(i.Index.ToString(CultureInfo.InvariantCulture) + "o");

    private List<LabInstance> Members(string group) => [.. _instances.Values.Where(i => i.Group == group).OrderBy(i => i.Index)];

    private const string Tuple = "ip saddr . ip daddr . meta l4proto . th sport . th dport";
    private const string ReverseTuple = "ip daddr . ip saddr . meta l4proto . th dport . th sport";
    private const string TupleType = "typeof ip saddr . ip daddr . meta l4proto . th sport . th dport; flags dynamic,timeout; timeout 10m; size 65535;";

    private async Task WriteSteeringAsync(ChainPlan plan, CancellationToken cancellationToken)
    {
        if (SteeringMode == ChainSteering.Ovs)
        {
            await WriteOvsSteeringAsync(plan, cancellationToken).ConfigureAwait(false);
            return;
        }

        // Routes and rules of the previous plan go first.
        List<string> undo = [.. _swRules.Select(r => "rule del " + r), .. _swTables.Select(t => string.Create(CultureInfo.InvariantCulture, $"route flush table {t}"))];
        if (undo.Count > 0)
        {
            await IpBatchAsync(Steering, cancellationToken, undo, force: true).ConfigureAwait(false);
        }

        _swRules.Clear();
        _swTables.Clear();

        StringBuilder nft = new();
        nft.Append(CultureInfo.InvariantCulture, $"flush chain ip {Table} pre\nflush chain ip {Table} post\n");
        foreach (string chain in _swChains)
        {
            nft.Append(CultureInfo.InvariantCulture, $"delete chain ip {Table} {chain}\n");
        }

        _swChains.Clear();
        HashSet<string> sets = new(StringComparer.Ordinal);
        foreach (LabInstance i in _instances.Values)
        {
            sets.Add($"pin{i.Index}");
        }

        foreach (PlannedChain chain in plan.Chains)
        {
            foreach (PathHop hop in chain.Forward.Where(h => h.Code <= ChainPlan.MaxCodes && !plan.IsTap(h.Group)))
            {
                foreach (LabInstance i in Members(hop.Group))
                {
                    sets.Add(OutSet(i, hop.Code));
                }
            }
        }

        foreach (string gone in _swSets.Where(s => !sets.Contains(s)))
        {
            nft.Append(CultureInfo.InvariantCulture, $"delete set ip {Table} {gone}\n");
        }

        foreach (string set in sets)
        {
            nft.Append(CultureInfo.InvariantCulture, $"add set ip {Table} {set} {{ {TupleType} }}\n");
        }

        _swSets.Clear();
        _swSets.UnionWith(sets);

        List<string> ipLines = [];
        string client = If("c"), server = If("s");
        List<string> pre = [];
        List<string> post = [];

        // Every instance's exits and entries are remembered: what left an instance forward (for the reverse path of
        // symmetric chains) and what entered it (so a flow stays on its instance when the group changes).
        foreach (LabInstance i in _instances.Values.OrderBy(i => i.Index))
        {
            post.Add($"oifname \"{Ki(i)}\" meta l4proto {{ tcp, udp }} add @pin{i.Index} {{ {Tuple} }}");
        }

        foreach (PlannedChain chain in plan.Chains)
        {
            IReadOnlyList<PathHop> f = chain.Forward;
            if (f.Count == 0 || f.Any(h => h.Code > ChainPlan.MaxCodes))
            {
                continue;
            }

            // The hops a packet goes through, and before each (and after the last) the copies its tap groups get.
            (List<PathHop> path, string[] copies) = Split(plan, chain);

            // Group selection for each forward hop: a pinned flow keeps its instance, else ECMP over the group.
            foreach (PathHop hop in path)
            {
                List<LabInstance> members = Members(hop.Group);
                string sel = string.Create(CultureInfo.InvariantCulture, $"sel{hop.Code}");
                _swChains.Add(sel);
                nft.Append(CultureInfo.InvariantCulture, $"add chain ip {Table} {sel}\n");
                foreach (LabInstance i in members.Where(m => m.Weight > 0))
                {
                    nft.Append(CultureInfo.InvariantCulture, $"add rule ip {Table} {sel} meta l4proto {{ tcp, udp }} {Tuple} @pin{i.Index} meta mark set {0x20000 | i.Index} accept\n");
                }

                int table = 1000 + hop.Code;
                _swTables.Add(table);
                List<LabInstance> live = [.. members.Where(m => m.Weight > 0)];
                if (live.Count == 1)
                {
                    ipLines.Add($"route add default {Nexthop(live[0])} table {table}");
                }
                else if (live.Count > 1)
                {
                    ipLines.Add($"route add default table {table} " + string.Join(' ', live.Select(m => string.Create(CultureInfo.InvariantCulture, $"nexthop {Nexthop(m)} weight {m.Weight}"))));
                }

                string rule = string.Create(CultureInfo.InvariantCulture, $"fwmark {GroupMark(hop.Code)} lookup {table} pref 100");
                _swRules.Add(rule);
                ipLines.Add("rule add " + rule);
            }

            // Classification at the ingress (chains that a service graph feeds are entered only from their source).
            if (!chain.GraphDestination)
            {
                foreach (FlowClassifier c in chain.Classifiers)
                {
                    pre.Add(path.Count == 0
                        ? $"iifname \"{client}\" {Match(c)} {copies[0]}ip dscp set 0 meta mark set 0 accept"
                        : $"iifname \"{client}\" {Match(c)} {copies[0]}ip dscp set {path[0].Code} meta mark set {GroupMark(path[0].Code)} goto sel{path[0].Code}");
                }
            }

            // The chains a service graph feeds from this one's end, each split once for every member of the last hop.
            List<(PlannedChain Chain, List<PathHop> Path, string[] Copies)> nextChains = [];
            foreach (string next in plan.GraphLinks.GetValueOrDefault(chain.Chain.Name) ?? [])
            {
                if (plan.Chains.FirstOrDefault(x => x.Chain.Name == next) is { } q && q.Forward.Count > 0 && q.Forward.All(x => x.Code <= ChainPlan.MaxCodes))
                {
                    (List<PathHop> qPath, string[] qCopies) = Split(plan, q);
                    nextChains.Add((q, qPath, qCopies));
                }
            }

            // Forward hops: what leaves an instance of hop h goes to hop h+1, or on into a graph's next chain, or out.
            for (int h = 0; h < path.Count; h++)
            {
                foreach (LabInstance i in Members(path[h].Group))
                {
                    string from = $"iifname \"{Ko(i)}\" ip dscp {path[h].Code}";
                    pre.Add($"{from} meta l4proto {{ tcp, udp }} add @{OutSet(i, path[h].Code)} {{ {Tuple} }}");
                    if (h + 1 < path.Count)
                    {
                        pre.Add($"{from} {copies[h + 1]}ip dscp set {path[h + 1].Code} meta mark set {GroupMark(path[h + 1].Code)} goto sel{path[h + 1].Code}");
                        continue;
                    }

                    foreach ((PlannedChain q, List<PathHop> qPath, string[] qCopies) in nextChains)
                    {
                        foreach (FlowClassifier c in q.Classifiers)
                        {
                            pre.Add(qPath.Count == 0
                                ? $"{from} {Match(c)} {copies[^1]}{qCopies[0]}ip dscp set 0 meta mark set 0 accept"
                                : $"{from} {Match(c)} {copies[^1]}{qCopies[0]}ip dscp set {qPath[0].Code} meta mark set {GroupMark(qPath[0].Code)} goto sel{qPath[0].Code}");
                        }
                    }

                    pre.Add($"{from} {copies[^1]}ip dscp set 0 meta mark set 0 accept");
                }
            }

            // Reverse path of a symmetric chain: each hop goes back through the instance that carried the request.
            IReadOnlyList<PathHop> r = chain.Reverse;
            if (r.Count == f.Count && r.Count > 0)
            {
                for (int step = 0; step < r.Count; step++)
                {
                    PathHop forwardHop = f[f.Count - 1 - step];
                    List<LabInstance> targets = Members(forwardHop.Group);
                    if (step == 0)
                    {
                        foreach (LabInstance j in targets)
                        {
                            pre.Add($"iifname \"{server}\" meta l4proto {{ tcp, udp }} {ReverseTuple} @{OutSet(j, forwardHop.Code)} ip dscp set {r[0].Code} meta mark set {0x30000 | j.Index} accept");
                        }

                        continue;
                    }

                    foreach (LabInstance i in Members(r[step - 1].Group))
                    {
                        foreach (LabInstance j in targets)
                        {
                            pre.Add($"iifname \"{Ki(i)}\" ip dscp {r[step - 1].Code} meta l4proto {{ tcp, udp }} {ReverseTuple} @{OutSet(j, forwardHop.Code)} ip dscp set {r[step].Code} meta mark set {0x30000 | j.Index} accept");
                        }

                        pre.Add($"iifname \"{Ki(i)}\" ip dscp {r[step - 1].Code} counter drop");
                    }
                }

                foreach (LabInstance i in Members(r[^1].Group))
                {
                    pre.Add($"iifname \"{Ki(i)}\" ip dscp {r[^1].Code} ip dscp set 0 meta mark set 0 accept");
                }
            }
        }

        foreach (string rule in pre)
        {
            nft.Append(CultureInfo.InvariantCulture, $"add rule ip {Table} pre {rule}\n");
        }

        foreach (string rule in post)
        {
            nft.Append(CultureInfo.InvariantCulture, $"add rule ip {Table} post {rule}\n");
        }

        await NftAsync(Steering, cancellationToken, nft.ToString()).ConfigureAwait(false);
        if (ipLines.Count > 0)
        {
            await IpBatchAsync(Steering, cancellationToken, ipLines).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Splits a chain's forward hops into the hops a packet goes through and, before each of them and after the last,
    /// the nftables statements that give each tap group on the way a copy: the copy carries the tap hop's path code and
    /// goes to one live instance of the group (chosen per flow by a hash of its 5-tuple), the original goes on.
    /// </summary>
    private (List<PathHop> Path, string[] Copies) Split(ChainPlan plan, PlannedChain chain)
    {
        List<PathHop> path = [];
        List<string> copies = [];
        StringBuilder pending = new();
        foreach (PathHop hop in chain.Forward)
        {
            if (!plan.IsTap(hop.Group))
            {
                path.Add(hop);
                copies.Add(pending.ToString());
                pending.Clear();
                continue;
            }

            List<LabInstance> live = [.. Members(hop.Group).Where(m => m.Weight > 0)];
            if (live.Count == 1)
            {
                pending.Append(CultureInfo.InvariantCulture, $"ip dscp set {hop.Code} dup to {InAddr(live[0].Index, 2)} device \"{Ki(live[0])}\" ");
            }
            else if (live.Count > 1)
            {
                string pick = string.Create(CultureInfo.InvariantCulture, $"jhash {Tuple} mod {live.Count} seed 0x{hop.Code:x}");
                string addresses = string.Join(", ", live.Select((m, n) => string.Create(CultureInfo.InvariantCulture, $"{n} : {InAddr(m.Index, 2)}")));
                string devices = string.Join(", ", live.Select((m, n) => string.Create(CultureInfo.InvariantCulture, $"{n} : \"{Ki(m)}\"")));
                pending.Append(CultureInfo.InvariantCulture, $"ip dscp set {hop.Code} dup to {pick} map {{ {addresses} }} device {pick} map {{ {devices} }} ");
            }
        }

        copies.Add(pending.ToString());
        return (path, [.. copies]);
    }

    private static string OutSet(LabInstance i, int code) => string.Create(CultureInfo.InvariantCulture, $"out{i.Index}c{code}");

    private string Nexthop(LabInstance i) => i.Function == InstanceFunction.L2
        ? $"via {OutAddr(i.Index, 2)} dev {Ki(i)} onlink"
        : $"via {InAddr(i.Index, 2)} dev {Ki(i)}";

    private static string Match(FlowClassifier c)
    {
        List<string> parts = [];
        if (c.SourceIpPrefix is { } src && src != "0.0.0.0/0")
        {
            parts.Add("ip saddr " + src);
        }

        if (c.DestinationIpPrefix is { } dst && dst != "0.0.0.0/0")
        {
            parts.Add("ip daddr " + dst);
        }

        string? proto = c.Protocol switch
        {
            ClassifierProtocol.Tcp => "tcp",
            ClassifierProtocol.Udp => "udp",
            ClassifierProtocol.Icmp => "icmp",
            _ => null,
        };
        if (proto is not null)
        {
            parts.Add("meta l4proto " + proto);
        }

        if (c.Protocol is ClassifierProtocol.Tcp or ClassifierProtocol.Udp)
        {
            if (c.SourcePortMin is not null || c.SourcePortMax is not null)
            {
                parts.Add($"th sport {Range(c.SourcePortMin, c.SourcePortMax)}");
            }

            if (c.DestinationPortMin is not null || c.DestinationPortMax is not null)
            {
                parts.Add($"th dport {Range(c.DestinationPortMin, c.DestinationPortMax)}");
            }
        }

        return parts.Count == 0 ? "meta nfproto ipv4" : string.Join(' ', parts);
    }

    private static string Range(int? min, int? max)
    {
        int lo = min ?? 0, hi = max ?? 65535;
        return lo == hi ? lo.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{lo}-{hi}");
    }

    // ---- host commands -------------------------------------------------------------------------------------------

    private string ScriptPath(string what) => _run.StatePath($"scripts/{Interlocked.Increment(ref _scriptSeq):D5}-{what}");

    private async Task IpBatchAsync(string ns, CancellationToken cancellationToken, IReadOnlyList<string> lines, bool force = false)
    {
        string path = ScriptPath("ip.batch");
        await File.WriteAllLinesAsync(path, lines, cancellationToken).ConfigureAwait(false);
        List<string> args = ["-n", ns];
        if (force)
        {
            args.Add("-force");
        }

        args.AddRange(["-batch", path]);
        ShellResult result = await Shell.RunAsync("ip", args, cancellationToken).ConfigureAwait(false);
        if (!force)
        {
            _ = result.OrThrow();
        }
    }

    internal async Task NftAsync(string ns, CancellationToken cancellationToken, string script)
    {
        string path = ScriptPath("rules.nft");
        await File.WriteAllTextAsync(path, script, cancellationToken).ConfigureAwait(false);
        _ = (await Shell.RunAsync("ip", ["netns", "exec", ns, "nft", "-f", path], cancellationToken).ConfigureAwait(false)).OrThrow();
    }

    internal static async Task<string> NftQueryAsync(string ns, CancellationToken cancellationToken, params string[] args) =>
        (await Shell.RunAsync("ip", ["netns", "exec", ns, "nft", "-n", "-j", .. args], cancellationToken).ConfigureAwait(false)).OrThrow();

    internal static async Task SysctlAsync(string ns, CancellationToken cancellationToken, params string[] settings) =>
        _ = (await Shell.RunAsync("ip", ["netns", "exec", ns, "sysctl", "-q", "-w", .. settings], cancellationToken).ConfigureAwait(false)).OrThrow();

    internal static IPAddress Parse(string address) => IPAddress.Parse(address);
}
