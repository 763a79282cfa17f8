// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using NfvConformance.Lab.Linux.Run;
using NfvConformance.Lab.Linux.Traffic;

namespace NfvConformance.Lab.Linux.TenantNetworking;

/// <summary>What a security group lets into a port: a protocol (<c>tcp</c>, <c>udp</c>, <c>icmp</c>) and, for TCP and UDP, a destination port.</summary>
/// <param name="Protocol">The protocol.</param>
/// <param name="Port">The destination port, or null for any.</param>
/// <param name="RemotePrefix">The sources admitted (a prefix), or null for any.</param>
internal sealed record FabricIngressRule(string Protocol, int? Port = null, string? RemotePrefix = null);

/// <summary>How a security group is put on a port; the members other than <see cref="Stateful"/> exist to show the checks fail.</summary>
internal enum FabricGroupMode
{
    /// <summary>Default deny ingress, the rules admitted, replies to what the port sent admitted by connection tracking.</summary>
    Stateful,

    /// <summary>Broken: the same rules without connection tracking, so replies to the port's own traffic are dropped.</summary>
    WithoutConnectionTracking,
}

/// <summary>
/// The kernel parts a Neutron-like tenant network is made of on this host (issue 13, tenant networking): a fabric
/// namespace holding one Linux bridge per network (its segment); per port (an instance's vNIC) a namespace of its own
/// joined to its network's bridge by a veth pair; per router a namespace with <c>ip_forward</c> and an interface on each
/// attached network; and a security group as an nftables table with connection tracking in the port's namespace
/// (default deny ingress). Every namespace is named with the run id (<see cref="LabRun.Name"/>), every bridge and veth
/// lives inside them, so deleting the run's namespaces (at dispose, or <c>nfvc lab clean</c>) removes it all.
/// Probes are real packets: ICMP echoes sent from a port's namespace by <c>ping</c>, and UDP datagrams between sockets
/// opened in the two ports' namespaces. The facet
/// (<c>ITenantNetworking</c> on the linux target) is to be built on this; it is not offered yet.
/// </summary>
internal sealed class TenantFabric : IAsyncDisposable
{
    /// <summary>How long a probe's packet may take to arrive before it counts as dropped.</summary>
    public static readonly TimeSpan ArrivalTimeout = TimeSpan.FromMilliseconds(500);

    private readonly LabRun _run;
    private readonly Dictionary<string, int> _networks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _namespaces = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _hostSides = new(StringComparer.Ordinal);
    private readonly List<string> _created = [];
    private int _next;
    private bool _fabricUp;

    public TenantFabric(LabRun run)
    {
        _run = run;
        Fabric = run.Name("tnf");
    }

    /// <summary>Gets the namespace holding the networks' bridges.</summary>
    public string Fabric { get; }

    /// <summary>Gets the namespace of a port or router.</summary>
    /// <param name="name">The port or router.</param>
    /// <returns>The namespace name.</returns>
    public string NamespaceOf(string name) => _namespaces[name];

    /// <summary>Creates a network: a bridge of its own in the fabric namespace.</summary>
    /// <param name="network">The network's name.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    public async Task AddNetworkAsync(string network, CancellationToken cancellationToken = default)
    {
        await EnsureFabricAsync(cancellationToken).ConfigureAwait(false);
        int n = ++_next;
        await IpAsync(Fabric, cancellationToken, "link", "add", Bridge(n), "type", "bridge").ConfigureAwait(false);
        await IpAsync(Fabric, cancellationToken, "link", "set", Bridge(n), "up").ConfigureAwait(false);
        _networks[network] = n;
    }

    /// <summary>Creates a port: a namespace joined to the network's bridge, with an address and a default route.</summary>
    /// <param name="port">The port's name.</param>
    /// <param name="network">The network.</param>
    /// <param name="address">The address with its prefix length (<c>10.0.0.5/24</c>).</param>
    /// <param name="gateway">The router's address on the network, or null.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    public Task AddPortAsync(string port, string network, string address, string? gateway, CancellationToken cancellationToken = default) =>
        AddEndpointAsync(port, "tp", network, address, gateway, cancellationToken);

    /// <summary>Creates a router: a namespace that forwards IPv4.</summary>
    /// <param name="router">The router's name.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    public async Task AddRouterAsync(string router, CancellationToken cancellationToken = default)
    {
        string ns = await NewNamespaceAsync("tr", cancellationToken).ConfigureAwait(false);
        await RunAsync("ip", ["netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1"], cancellationToken).ConfigureAwait(false);
        _namespaces[router] = ns;
    }

    /// <summary>Gives a router an interface on a network, holding the subnet's gateway address.</summary>
    /// <param name="router">The router.</param>
    /// <param name="network">The network.</param>
    /// <param name="gatewayAddress">The gateway address with its prefix length.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    public async Task AttachRouterAsync(string router, string network, string gatewayAddress, CancellationToken cancellationToken = default) =>
        await JoinAsync(_namespaces[router], network, gatewayAddress, null, cancellationToken).ConfigureAwait(false);

    /// <summary>Moves a port's host side onto another network's bridge (the defect tenant isolation checks must catch).</summary>
    /// <param name="port">The port.</param>
    /// <param name="network">The network whose bridge it is put on.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    public Task MisplacePortAsync(string port, string network, CancellationToken cancellationToken = default) =>
        IpAsync(Fabric, cancellationToken, "link", "set", _hostSides[port], "master", Bridge(_networks[network]));

    /// <summary>Puts a security group on a port: an nftables table in its namespace, default deny ingress.</summary>
    /// <param name="port">The port.</param>
    /// <param name="ingress">What the group admits.</param>
    /// <param name="mode">Stateful (the contract) or a break.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    public async Task ApplySecurityGroupAsync(string port, IReadOnlyList<FabricIngressRule> ingress, FabricGroupMode mode = FabricGroupMode.Stateful, CancellationToken cancellationToken = default)
    {
        string table = _run.Name("sg");
        List<string> lines =
        [
            $"table inet {table} {{",
            "  chain ingress {",
            "    type filter hook input priority 0; policy drop;",
            "    iif lo accept",
        ];
        if (mode == FabricGroupMode.Stateful)
        {
            lines.Add("    ct state established,related accept");
            lines.Add("    ct state invalid drop");
        }

        lines.AddRange(ingress.Select(Rule));
        lines.Add("  }");
        lines.Add("}");
        string file = _run.StatePath($"tenant/{port}-sg.nft");
        await File.WriteAllLinesAsync(file, lines, cancellationToken).ConfigureAwait(false);
        string ns = _namespaces[port];
        await RunAsync("ip", ["netns", "exec", ns, "nft", "delete", "table", "inet", table], cancellationToken, mayFail: true).ConfigureAwait(false);
        await RunAsync("ip", ["netns", "exec", ns, "nft", "-f", file], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends ICMP echo requests from a port's namespace and tells whether a reply came back.</summary>
    /// <param name="port">The sending port.</param>
    /// <param name="address">The destination address.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>True when an echo reply arrived within a second.</returns>
    public async Task<bool> PingAsync(string port, string address, CancellationToken cancellationToken = default)
    {
        ShellResult r = await Shell.RunAsync("ip", ["netns", "exec", _namespaces[port], "ping", "-n", "-q", "-c", "1", "-W", "1", address], cancellationToken).ConfigureAwait(false);
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
    }

    private static string Bridge(int n) => string.Create(CultureInfo.InvariantCulture, $"br{n}");

    private static string Rule(FabricIngressRule r)
    {
        string from = r.RemotePrefix is null ? string.Empty : $"ip saddr {r.RemotePrefix} ";
        return r.Protocol switch
        {
            "icmp" => $"    {from}icmp type echo-request accept",
            "tcp" or "udp" => r.Port is int p ? $"    {from}{r.Protocol} dport {p.ToString(CultureInfo.InvariantCulture)} accept" : $"    {from}meta l4proto {r.Protocol} accept",
            _ => throw new ArgumentException($"Security group protocol '{r.Protocol}': write tcp, udp or icmp.", nameof(r)),
        };
    }

    private async Task AddEndpointAsync(string name, string role, string network, string address, string? gateway, CancellationToken cancellationToken)
    {
        string ns = await NewNamespaceAsync(role, cancellationToken).ConfigureAwait(false);
        _namespaces[name] = ns;
        _hostSides[name] = await JoinAsync(ns, network, address, gateway, cancellationToken).ConfigureAwait(false);
    }

    // A veth pair: the host side on the network's bridge in the fabric namespace, the other end in the namespace.
    private async Task<string> JoinAsync(string ns, string network, string address, string? gateway, CancellationToken cancellationToken)
    {
        int n = _networks.TryGetValue(network, out int b) ? b : throw new ArgumentException($"Unknown network '{network}': create it first.", nameof(network));
        int link = ++_next;
        string host = string.Create(CultureInfo.InvariantCulture, $"h{link}");
        string inside = string.Create(CultureInfo.InvariantCulture, $"eth{link}");
        await IpAsync(Fabric, cancellationToken, "link", "add", host, "type", "veth", "peer", "name", inside, "netns", ns).ConfigureAwait(false);
        await IpAsync(Fabric, cancellationToken, "link", "set", host, "master", Bridge(n), "up").ConfigureAwait(false);
        await IpAsync(ns, cancellationToken, "addr", "add", address, "dev", inside).ConfigureAwait(false);
        await IpAsync(ns, cancellationToken, "link", "set", inside, "up").ConfigureAwait(false);
        if (gateway is not null)
        {
            await IpAsync(ns, cancellationToken, "route", "add", "default", "via", gateway).ConfigureAwait(false);
        }

        return host;
    }

    private async Task EnsureFabricAsync(CancellationToken cancellationToken)
    {
        if (_fabricUp)
        {
            return;
        }

        await RunAsync("ip", ["netns", "add", Fabric], cancellationToken).ConfigureAwait(false);
        _created.Add(Fabric);
        await IpAsync(Fabric, cancellationToken, "link", "set", "lo", "up").ConfigureAwait(false);
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
