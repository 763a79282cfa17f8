// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using NfvConformance.Lab.Linux.Run;
using NfvConformance.Lab.Linux.Traffic;

namespace NfvConformance.Lab.Linux.TenantNetworking;

/// <summary>
/// What a security group lets through a port in one direction (Neutron's rule fields): a protocol (<c>tcp</c>,
/// <c>udp</c>, <c>icmp</c>, or null for any), for TCP and UDP a destination port range, and the remote prefix (the
/// source of ingress, the destination of egress).
/// </summary>
/// <param name="Protocol">The protocol, or null for any.</param>
/// <param name="Port">The lowest destination port, or null for any.</param>
/// <param name="RemotePrefix">The remote prefix, or null for any.</param>
/// <param name="PortMax">The highest destination port; null for <paramref name="Port"/> alone.</param>
/// <param name="EtherType">4 or 6.</param>
internal sealed record FabricRule(string? Protocol, int? Port = null, string? RemotePrefix = null, int? PortMax = null, int EtherType = 4);

/// <summary>How a security group is put on a port; the members other than <see cref="Stateful"/> exist to show the checks fail.</summary>
internal enum FabricGroupMode
{
    /// <summary>Default deny ingress, the rules admitted, replies to what the port sent admitted by connection tracking.</summary>
    Stateful,

    /// <summary>Broken: the same rules without connection tracking, so replies to the port's own traffic are dropped.</summary>
    WithoutConnectionTracking,
}

/// <summary>
/// The kernel parts a Neutron-like tenant network is made of on this host (issue 13, tenant networking): per compute
/// node a namespace holding one Linux bridge per network (its segment); with two nodes, the nodes are joined by an
/// underlay veth and each network's bridges by a VXLAN device on the network's VNI (UDP 4789, the outer source port a
/// hash of the inner flow in 49152-65535, RFC 7348 section 5). Per port (an instance's vNIC) a namespace of its own
/// joined to its network's bridge on its node by a veth pair, with an accounting table (<c>acct</c>: counters
/// <c>tx</c>/<c>rx</c> of its IP packets); per router a namespace with forwarding and an interface on each attached
/// network (on the first node); and a security group as an nftables table with connection tracking in the port's
/// namespace (default deny ingress, its drops counted by the named counters <c>ingress_drop</c>/<c>egress_drop</c>, so
/// a probe's drop is read from the counter that took it). Every namespace is named with the run id
/// (<see cref="LabRun.Name"/>), every bridge, VXLAN and veth lives inside them, so deleting the run's namespaces (at
/// dispose, or <c>nfvc lab clean</c>) removes it all. Probes are real packets: ICMP echoes sent from a port's namespace
/// by <c>ping</c>, and UDP datagrams between sockets opened in the two ports' namespaces. The linux target's
/// <c>ITenantNetworking</c> (<see cref="LinuxTenantNetworking"/>) is built on this.
/// </summary>
internal sealed class TenantFabric : IAsyncDisposable
{
    /// <summary>How long a probe's packet may take to arrive before it counts as dropped.</summary>
    public static readonly TimeSpan ArrivalTimeout = TimeSpan.FromMilliseconds(500);

    /// <summary>The underlay interface's name in each node namespace.</summary>
    public const string UnderlayDevice = "ul";

    /// <summary>The UDP port of the VXLAN overlay (IANA).</summary>
    public const int VxlanPort = 4789;

    private const string AccountingTable = "acct";
    private readonly LabRun _run;
    private readonly int _nodes;
    private readonly Dictionary<string, (int Bridge, int Vni)> _networks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _namespaces = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _hostSides = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Node, string Inside, string Namespace)> _links = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _networkOf = new(StringComparer.Ordinal);
    private readonly List<string> _created = [];
    private int _next;
    private bool _fabricUp;

    /// <summary>Creates the fabric (nothing is made until the first network).</summary>
    /// <param name="run">The run whose id names everything.</param>
    /// <param name="nodes">The compute nodes: 1 (one bridge per network) or 2 (joined by a VXLAN underlay).</param>
    public TenantFabric(LabRun run, int nodes = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nodes, 2);
        _run = run;
        _nodes = nodes;
        Fabric = run.Name("tnf");
    }

    /// <summary>Gets the namespace holding the first node's bridges.</summary>
    public string Fabric { get; }

    /// <summary>Gets the number of compute nodes.</summary>
    public int Nodes => _nodes;

    /// <summary>Gets the nftables table a security group is in, in its port's namespace.</summary>
    public string GroupTable => _run.Name("sg");

    /// <summary>Gets the namespace of a compute node.</summary>
    /// <param name="node">The node index (0 or 1).</param>
    /// <returns>The namespace name.</returns>
    public string NodeNamespace(int node) => node == 0 ? Fabric : _run.Name(string.Create(CultureInfo.InvariantCulture, $"tnf{node}"));

    /// <summary>Gets a node's underlay (tunnel endpoint) address.</summary>
    /// <param name="node">The node index.</param>
    /// <returns>The address.</returns>
    public static string UnderlayAddress(int node) => string.Create(CultureInfo.InvariantCulture, $"100.64.0.{node + 1}");

    /// <summary>Gets the namespace of a port or router.</summary>
    /// <param name="name">The port or router.</param>
    /// <returns>The namespace name.</returns>
    public string NamespaceOf(string name) => _namespaces[name];

    /// <summary>Gets the interface of a port (inside its namespace) or of a router on a network.</summary>
    /// <param name="name">The port, or <c>router/network</c>.</param>
    /// <returns>The interface name.</returns>
    public string InterfaceOf(string name) => _links[name].Inside;

    /// <summary>Creates a network: a bridge of its own on every node, joined across nodes by a VXLAN on its VNI.</summary>
    /// <param name="network">The network's name.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <param name="vni">The VXLAN network identifier (two nodes only); null for the bridge number.</param>
    /// <returns>A task.</returns>
    public async Task AddNetworkAsync(string network, CancellationToken cancellationToken = default, int? vni = null)
    {
        await EnsureFabricAsync(cancellationToken).ConfigureAwait(false);
        int n = ++_next;
        int id = vni ?? n;
        for (int node = 0; node < _nodes; node++)
        {
            string ns = NodeNamespace(node);
            await IpAsync(ns, cancellationToken, "link", "add", Bridge(n), "type", "bridge").ConfigureAwait(false);
            if (_nodes > 1)
            {
                string vx = Numbered("vx", n);
                string vniText = id.ToString(CultureInfo.InvariantCulture);
                await IpAsync(ns, cancellationToken, "link", "add", vx, "type", "vxlan", "id", vniText, "local", UnderlayAddress(node), "remote", UnderlayAddress(1 - node),
                    "dstport", "4789", "srcport", "49152", "65535", "dev", UnderlayDevice).ConfigureAwait(false);
                await IpAsync(ns, cancellationToken, "link", "set", vx, "mtu", "1500", "master", Bridge(n), "up").ConfigureAwait(false);
            }

            await IpAsync(ns, cancellationToken, "link", "set", Bridge(n), "up").ConfigureAwait(false);
        }

        _networks[network] = (n, id);
    }

    /// <summary>Deletes a network's bridges and VXLAN devices (its ports are gone first).</summary>
    /// <param name="network">The network.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    public async Task RemoveNetworkAsync(string network, CancellationToken cancellationToken = default)
    {
        if (!_networks.Remove(network, out (int Bridge, int Vni) b))
        {
            return;
        }

        for (int node = 0; node < _nodes; node++)
        {
            if (_nodes > 1)
            {
                await RunAsync("ip", ["-n", NodeNamespace(node), "link", "delete", Numbered("vx", b.Bridge)], cancellationToken, mayFail: true).ConfigureAwait(false);
            }

            await RunAsync("ip", ["-n", NodeNamespace(node), "link", "delete", Bridge(b.Bridge)], cancellationToken, mayFail: true).ConfigureAwait(false);
        }
    }

    /// <summary>Joins two networks' bridges on the first node by a veth pair (the defect tenant isolation checks must catch).</summary>
    /// <param name="a">One network.</param>
    /// <param name="b">The other.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    public async Task JoinNetworksAsync(string a, string b, CancellationToken cancellationToken = default)
    {
        int link = ++_next;
        string ns = NodeNamespace(0);
        await IpAsync(ns, cancellationToken, "link", "add", Numbered("ja", link), "type", "veth", "peer", "name", Numbered("jb", link)).ConfigureAwait(false);
        await IpAsync(ns, cancellationToken, "link", "set", Numbered("ja", link), "master", Bridge(_networks[a].Bridge), "up").ConfigureAwait(false);
        await IpAsync(ns, cancellationToken, "link", "set", Numbered("jb", link), "master", Bridge(_networks[b].Bridge), "up").ConfigureAwait(false);
    }

    /// <summary>Sets a network's bridges up or down (its administrative state).</summary>
    /// <param name="network">The network.</param>
    /// <param name="up">Up or down.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    public async Task SetNetworkUpAsync(string network, bool up, CancellationToken cancellationToken = default)
    {
        for (int node = 0; node < _nodes; node++)
        {
            await IpAsync(NodeNamespace(node), cancellationToken, "link", "set", Bridge(_networks[network].Bridge), up ? "up" : "down").ConfigureAwait(false);
        }
    }

    /// <summary>Sets the MTU of every interface attached to a network (ports' and routers').</summary>
    /// <param name="network">The network.</param>
    /// <param name="mtu">The MTU.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    public async Task SetNetworkMtuAsync(string network, int mtu, CancellationToken cancellationToken = default)
    {
        foreach ((string name, string net) in _networkOf.ToList())
        {
            if (net == network)
            {
                await IpAsync(_links[name].Namespace, cancellationToken, "link", "set", _links[name].Inside, "mtu", mtu.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Creates a port: a namespace joined to the network's bridge, with an address and a default route.</summary>
    /// <param name="port">The port's name.</param>
    /// <param name="network">The network.</param>
    /// <param name="address">The address with its prefix length (<c>10.0.0.5/24</c>).</param>
    /// <param name="gateway">The router's address on the network, or null.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    public Task AddPortAsync(string port, string network, string address, string? gateway, CancellationToken cancellationToken = default) =>
        AddPortAsync(port, network, 0, null, [address], gateway is null ? [] : [gateway], cancellationToken);

    /// <summary>Creates a port on a node: a namespace joined to the network's bridge there, with its addresses, default routes and accounting.</summary>
    /// <param name="port">The port's name.</param>
    /// <param name="network">The network.</param>
    /// <param name="node">The node index.</param>
    /// <param name="mac">The MAC address, or null for the kernel's.</param>
    /// <param name="addresses">The addresses with their prefix lengths (IPv4 or IPv6).</param>
    /// <param name="gateways">The default gateways (one per family at most).</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    public async Task AddPortAsync(string port, string network, int node, string? mac, IReadOnlyList<string> addresses, IReadOnlyList<string> gateways, CancellationToken cancellationToken = default)
    {
        string ns = await NewNamespaceAsync("tp", cancellationToken).ConfigureAwait(false);
        _namespaces[port] = ns;
        _hostSides[port] = await JoinAsync(port, ns, network, node, mac, addresses, cancellationToken).ConfigureAwait(false);
        foreach (string gateway in gateways)
        {
            await IpAsync(ns, cancellationToken, gateway.Contains(':', StringComparison.Ordinal) ? "-6" : "-4", "route", "add", "default", "via", gateway).ConfigureAwait(false);
        }

        string[] nd = ["icmpv6 type { echo-request, echo-reply } counter name {0}", "meta nfproto ipv6 meta l4proto != ipv6-icmp counter name {0}", "meta nfproto ipv4 counter name {0}"];
        List<string> lines = [$"table inet {AccountingTable} {{", "  counter tx {}", "  counter rx {}", "  chain in {", "    type filter hook input priority -300; policy accept;"];
        lines.AddRange(nd.Select(r => "    " + r.Replace("{0}", "rx", StringComparison.Ordinal)));
        lines.AddRange(["  }", "  chain out {", "    type filter hook output priority -300; policy accept;"]);
        lines.AddRange(nd.Select(r => "    " + r.Replace("{0}", "tx", StringComparison.Ordinal)));
        lines.AddRange(["  }", "}"]);
        await LoadAsync(ns, $"tenant/{ns}-acct.nft", lines, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a port's accounting: IP packets and their bytes (from the IP header) sent and received.</summary>
    /// <param name="port">The port.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>The counters.</returns>
    public async Task<(long TxPackets, long TxBytes, long RxPackets, long RxBytes)> ReadAccountingAsync(string port, CancellationToken cancellationToken = default)
    {
        (long tp, long tb) = await ReadCounterAsync(port, AccountingTable, "tx", cancellationToken).ConfigureAwait(false);
        (long rp, long rb) = await ReadCounterAsync(port, AccountingTable, "rx", cancellationToken).ConfigureAwait(false);
        return (tp, tb, rp, rb);
    }

    /// <summary>Reads one named counter of a table in a port's namespace (zero when the table is not there).</summary>
    /// <param name="port">The port.</param>
    /// <param name="table">The inet table.</param>
    /// <param name="counter">The counter.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>Packets and bytes.</returns>
    public async Task<(long Packets, long Bytes)> ReadCounterAsync(string port, string table, string counter, CancellationToken cancellationToken = default)
    {
        ShellResult r = await RunAsync("ip", ["netns", "exec", _namespaces[port], "nft", "list", "counter", "inet", table, counter], cancellationToken, mayFail: true).ConfigureAwait(false);
        System.Text.RegularExpressions.Match m = System.Text.RegularExpressions.Regex.Match(r.Stdout, @"packets (\d+) bytes (\d+)");
        return m.Success ? (long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)) : (0, 0);
    }

    /// <summary>Deletes a port's or router's namespace (and with it its veth ends).</summary>
    /// <param name="name">The port or router.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    public async Task RemoveEndpointAsync(string name, CancellationToken cancellationToken = default)
    {
        if (!_namespaces.Remove(name, out string? ns))
        {
            return;
        }

        _created.Remove(ns);
        foreach (string link in _links.Keys.Where(k => k == name || k.StartsWith(name + "/", StringComparison.Ordinal)).ToList())
        {
            _links.Remove(link);
            _networkOf.Remove(link);
        }

        await RunAsync("ip", ["netns", "delete", ns], cancellationToken, mayFail: true).ConfigureAwait(false);
    }

    /// <summary>Creates a router: a namespace that forwards IPv4 and IPv6.</summary>
    /// <param name="router">The router's name.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    public async Task AddRouterAsync(string router, CancellationToken cancellationToken = default)
    {
        string ns = await NewNamespaceAsync("tr", cancellationToken).ConfigureAwait(false);
        await RunAsync("ip", ["netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1"], cancellationToken).ConfigureAwait(false);
        _namespaces[router] = ns;
    }

    /// <summary>Creates a namespace on a network with the given addresses and no filter (an external network's upstream, say).</summary>
    /// <param name="name">Its name.</param>
    /// <param name="network">The network.</param>
    /// <param name="address">The address with its prefix length.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>The namespace.</returns>
    public async Task<string> AddHostAsync(string name, string network, string address, CancellationToken cancellationToken = default)
    {
        string ns = await NewNamespaceAsync("tx", cancellationToken).ConfigureAwait(false);
        _namespaces[name] = ns;
        _hostSides[name] = await JoinAsync(name, ns, network, 0, null, [address], cancellationToken).ConfigureAwait(false);
        return ns;
    }

    /// <summary>Gives a router an interface on a network holding a gateway address, or adds the address to the interface it has there.</summary>
    /// <param name="router">The router.</param>
    /// <param name="network">The network.</param>
    /// <param name="gatewayAddress">The gateway address with its prefix length.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>The router's interface on the network.</returns>
    public async Task<string> AttachRouterAsync(string router, string network, string gatewayAddress, CancellationToken cancellationToken = default)
    {
        string key = router + "/" + network;
        if (_links.TryGetValue(key, out (int Node, string Inside, string Namespace) link))
        {
            await AddAddressAsync(_namespaces[router], link.Inside, gatewayAddress, cancellationToken).ConfigureAwait(false);
            return link.Inside;
        }

        await JoinAsync(key, _namespaces[router], network, 0, null, [gatewayAddress], cancellationToken).ConfigureAwait(false);
        return _links[key].Inside;
    }

    /// <summary>Moves a port's host side onto another network's bridge (the defect tenant isolation checks must catch).</summary>
    /// <param name="port">The port.</param>
    /// <param name="network">The network whose bridge it is put on.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    public Task MisplacePortAsync(string port, string network, CancellationToken cancellationToken = default) =>
        IpAsync(NodeNamespace(_links[port].Node), cancellationToken, "link", "set", _hostSides[port], "master", Bridge(_networks[network].Bridge));

    /// <summary>Puts a security group on a port: an nftables table in its namespace, default deny ingress, all egress.</summary>
    /// <param name="port">The port.</param>
    /// <param name="ingress">What the group admits.</param>
    /// <param name="mode">Stateful (the contract) or a break.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    public Task ApplySecurityGroupAsync(string port, IReadOnlyList<FabricRule> ingress, FabricGroupMode mode = FabricGroupMode.Stateful, CancellationToken cancellationToken = default) =>
        ApplySecurityGroupAsync(port, ingress, null, mode, cancellationToken);

    /// <summary>
    /// Puts a security group on a port: an nftables table in its namespace, default deny ingress and (when an egress rule
    /// set is given) default deny egress, each default drop counted by a named counter (<c>ingress_drop</c>,
    /// <c>egress_drop</c>). Neighbour discovery always passes.
    /// </summary>
    /// <param name="port">The port.</param>
    /// <param name="ingress">What the group admits in.</param>
    /// <param name="egress">What the group lets out; null for everything.</param>
    /// <param name="mode">Stateful (the contract) or a break.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    public async Task ApplySecurityGroupAsync(string port, IReadOnlyList<FabricRule> ingress, IReadOnlyList<FabricRule>? egress, FabricGroupMode mode = FabricGroupMode.Stateful, CancellationToken cancellationToken = default)
    {
        string table = GroupTable;
        List<string> lines = [$"table inet {table} {{", "  counter ingress_drop {}", "  counter egress_drop {}"];
        foreach ((string chain, string hook, IReadOnlyList<FabricRule>? rules, bool inbound) in new[] { ("ingress", "input", (IReadOnlyList<FabricRule>?)ingress, true), ("egress", "output", egress, false) })
        {
            lines.AddRange([$"  chain {chain} {{", $"    type filter hook {hook} priority 0; policy {(rules is null ? "accept" : "drop")};", inbound ? "    iif lo accept" : "    oif lo accept"]);
            if (rules is not null)
            {
                // ICMPv6 other than echo is the link's own control traffic (neighbour discovery, MLD reports, errors): always
                // passed, so the drop counters count only what the rules refused.
                lines.Add("    icmpv6 type != { echo-request, echo-reply } accept");
                if (mode == FabricGroupMode.Stateful)
                {
                    lines.Add("    ct state established,related accept");
                    lines.Add("    ct state invalid drop");
                }

                lines.AddRange(rules.Select(r => Rule(r, inbound)));
                lines.Add($"    counter name {chain}_drop drop");
            }

            lines.Add("  }");
        }

        lines.Add("}");
        await RunAsync("ip", ["netns", "exec", _namespaces[port], "nft", "delete", "table", "inet", table], cancellationToken, mayFail: true).ConfigureAwait(false);
        await LoadAsync(_namespaces[port], $"tenant/{port}-sg.nft", lines, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Loads an nftables ruleset file into a namespace.</summary>
    /// <param name="ns">The namespace.</param>
    /// <param name="relative">The file, under the run's state directory.</param>
    /// <param name="lines">The ruleset.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    public async Task LoadAsync(string ns, string relative, IEnumerable<string> lines, CancellationToken cancellationToken = default)
    {
        string file = _run.StatePath(relative);
        await File.WriteAllLinesAsync(file, lines, cancellationToken).ConfigureAwait(false);
        await RunAsync("ip", ["netns", "exec", ns, "nft", "-f", file], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds an address to an interface in a namespace (IPv6 without duplicate address detection, so it is usable at once).</summary>
    /// <param name="ns">The namespace.</param>
    /// <param name="device">The interface.</param>
    /// <param name="address">The address with its prefix length.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    public static Task AddAddressAsync(string ns, string device, string address, CancellationToken cancellationToken = default) =>
        address.Contains(':', StringComparison.Ordinal)
            ? IpAsync(ns, cancellationToken, "addr", "add", address, "dev", device, "nodad")
            : IpAsync(ns, cancellationToken, "addr", "add", address, "dev", device);

    /// <summary>
    /// Sends ICMP echo requests from a port's namespace and tells whether a reply came back: three requests 0.2 s apart,
    /// a second for the last one's reply. One request with one second was not enough: in CI, under parallel test load,
    /// the first echo right after a port was moved onto another bridge went unanswered once (the cause not reproduced).
    /// </summary>
    /// <param name="port">The sending port.</param>
    /// <param name="address">The destination address.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>True when an echo reply arrived.</returns>
    public async Task<bool> PingAsync(string port, string address, CancellationToken cancellationToken = default)
    {
        ShellResult r = await Shell.RunAsync("ip", ["netns", "exec", _namespaces[port], "ping", "-n", "-q", "-c", "3", "-i", "0.2", "-W", "1", address], cancellationToken).ConfigureAwait(false);
        return r.Succeeded;
    }

    /// <summary>
    /// Sends one UDP datagram from a port's namespace to a socket bound in another port's namespace, which echoes it
    /// back, and tells what arrived: the request at the destination's socket, the reply at the sender's.
    /// </summary>
    /// <param name="from">The sending port.</param>
    /// <param name="to">The receiving port.</param>
    /// <param name="address">The receiving port's address.</param>
    /// <param name="port">The UDP port.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>Whether the request and the reply arrived within <see cref="ArrivalTimeout"/> each.</returns>
    public async Task<(bool Request, bool Reply)> UdpEchoAsync(string from, string to, string address, int port, CancellationToken cancellationToken = default)
    {
        IPAddress destination = IPAddress.Parse(address);
        using Socket server = NetNamespace.Run(_namespaces[to], () => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp));
        server.Bind(new IPEndPoint(destination, port));
        using Socket client = NetNamespace.Run(_namespaces[from], () => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp));
        byte[] buffer = new byte[64];
        await client.SendToAsync("nfvc-tenant-probe"u8.ToArray(), SocketFlags.None, new IPEndPoint(destination, port), cancellationToken).ConfigureAwait(false);
        SocketReceiveFromResult? request = await WithinAsync(t => server.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), t), cancellationToken).ConfigureAwait(false);
        if (request is not SocketReceiveFromResult got)
        {
            return (false, false);
        }

        await server.SendToAsync(buffer.AsMemory(0, got.ReceivedBytes), SocketFlags.None, got.RemoteEndPoint, cancellationToken).ConfigureAwait(false);
        int? reply = await WithinAsync(t => client.ReceiveAsync(buffer, SocketFlags.None, t), cancellationToken).ConfigureAwait(false);
        return (true, reply is not null);
    }

    // The received value, or null when nothing arrived in time (the caller's own cancellation still throws).
    private static async Task<T?> WithinAsync<T>(Func<CancellationToken, ValueTask<T>> receive, CancellationToken cancellationToken)
        where T : struct
    {
        using CancellationTokenSource limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(ArrivalTimeout);
        try
        {
            return await receive(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Deletes every namespace the fabric created (the run's teardown would too).</summary>
    /// <returns>A task.</returns>
    public async ValueTask DisposeAsync()
    {
        foreach (string ns in Enumerable.Reverse(_created))
        {
            await Shell.RunAsync("ip", ["netns", "delete", ns]).ConfigureAwait(false);
        }

        _created.Clear();
        _networks.Clear();
        _namespaces.Clear();
        _hostSides.Clear();
        _links.Clear();
        _networkOf.Clear();
        _fabricUp = false;
    }

    private static string Bridge(int n) => Numbered("br", n);

    private static string Numbered(string prefix, int n) => prefix + n.ToString(CultureInfo.InvariantCulture);

    private static string Rule(FabricRule r, bool inbound)
    {
        string family = r.EtherType == 6 ? "ip6" : "ip";
        string remote = r.RemotePrefix is null ? string.Empty : $"{family} {(inbound ? "saddr" : "daddr")} {r.RemotePrefix} ";
        string version = $"meta nfproto {(r.EtherType == 6 ? "ipv6" : "ipv4")} ";
        string ports = r.Port is int lo ? $" dport {lo.ToString(CultureInfo.InvariantCulture)}{(r.PortMax is int hi && hi != lo ? "-" + hi.ToString(CultureInfo.InvariantCulture) : string.Empty)}" : string.Empty;
        return r.Protocol switch
        {
            null => $"    {version}{remote}accept",
            "icmp" => $"    {version}{remote}meta l4proto {(r.EtherType == 6 ? "ipv6-icmp" : "icmp")} accept",
            "tcp" or "udp" => ports.Length > 0 ? $"    {version}{remote}{r.Protocol}{ports} accept" : $"    {version}{remote}meta l4proto {r.Protocol} accept",
            _ => throw new ArgumentException($"Security group protocol '{r.Protocol}': write tcp, udp or icmp.", nameof(r)),
        };
    }

    // A veth pair: the host side on the network's bridge in the node's namespace, the other end in the namespace.
    private async Task<string> JoinAsync(string name, string ns, string network, int node, string? mac, IReadOnlyList<string> addresses, CancellationToken cancellationToken)
    {
        int n = _networks.TryGetValue(network, out (int Bridge, int Vni) b) ? b.Bridge : throw new ArgumentException($"Unknown network '{network}': create it first.", nameof(network));
        int link = ++_next;
        string host = Numbered("h", link);
        string inside = Numbered("eth", link);
        string nodeNs = NodeNamespace(node);
        await IpAsync(nodeNs, cancellationToken, "link", "add", host, "type", "veth", "peer", "name", inside, "netns", ns).ConfigureAwait(false);

        // Both ends receive through their own queue, set while they are down (a feature change on a live veth restarts
        // IPv6 duplicate address detection): a port's probes are then not lost in the host's shared backlog while
        // another lab floods it (docs/test-flakes.md).
        await VethQueues.OwnQueueAsync(nodeNs, host, cancellationToken).ConfigureAwait(false);
        await VethQueues.OwnQueueAsync(ns, inside, cancellationToken).ConfigureAwait(false);
        await IpAsync(nodeNs, cancellationToken, "link", "set", host, "master", Bridge(n), "up").ConfigureAwait(false);
        if (mac is not null)
        {
            await IpAsync(ns, cancellationToken, "link", "set", inside, "address", mac).ConfigureAwait(false);
        }

        foreach (string address in addresses)
        {
            await AddAddressAsync(ns, inside, address, cancellationToken).ConfigureAwait(false);
        }

        await IpAsync(ns, cancellationToken, "link", "set", inside, "up").ConfigureAwait(false);

        // Checksums computed when sent, not left to an offload a veth never does: taps then see the frame as the wire carries it.
        await RunAsync("ip", ["netns", "exec", ns, "ethtool", "-K", inside, "tx", "off"], cancellationToken).ConfigureAwait(false);
        _links[name] = (node, inside, ns);
        _networkOf[name] = network;
        return host;
    }

    private async Task EnsureFabricAsync(CancellationToken cancellationToken)
    {
        if (_fabricUp)
        {
            return;
        }

        for (int node = 0; node < _nodes; node++)
        {
            string ns = NodeNamespace(node);
            await RunAsync("ip", ["netns", "add", ns], cancellationToken).ConfigureAwait(false);
            _created.Add(ns);
            await IpAsync(ns, cancellationToken, "link", "set", "lo", "up").ConfigureAwait(false);
        }

        if (_nodes > 1)
        {
            // The underlay: one link between the two nodes' tunnel endpoints, with room for the VXLAN header.
            await IpAsync(NodeNamespace(0), cancellationToken, "link", "add", UnderlayDevice, "mtu", "9000", "type", "veth", "peer", "name", UnderlayDevice, "mtu", "9000", "netns", NodeNamespace(1)).ConfigureAwait(false);
            for (int node = 0; node < _nodes; node++)
            {
                await IpAsync(NodeNamespace(node), cancellationToken, "addr", "add", UnderlayAddress(node) + "/30", "dev", UnderlayDevice).ConfigureAwait(false);
                await IpAsync(NodeNamespace(node), cancellationToken, "link", "set", UnderlayDevice, "up").ConfigureAwait(false);
            }
        }

        _fabricUp = true;
    }

    private async Task<string> NewNamespaceAsync(string role, CancellationToken cancellationToken)
    {
        string ns = _run.Name(string.Create(CultureInfo.InvariantCulture, $"{role}{++_next}"));
        await RunAsync("ip", ["netns", "add", ns], cancellationToken).ConfigureAwait(false);
        _created.Add(ns);
        await IpAsync(ns, cancellationToken, "link", "set", "lo", "up").ConfigureAwait(false);
        return ns;
    }

    private static Task<ShellResult> IpAsync(string ns, CancellationToken cancellationToken, params string[] args) =>
        RunAsync("ip", ["-n", ns, .. args], cancellationToken);

    private static async Task<ShellResult> RunAsync(string tool, IReadOnlyList<string> args, CancellationToken cancellationToken, bool mayFail = false)
    {
        ShellResult r = await Shell.RunAsync(tool, args, cancellationToken).ConfigureAwait(false);
        if (!mayFail)
        {
            r.OrThrow();
        }

        return r;
    }
}
