// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NfvConformance.Abstractions.LoadBalancing;
using NfvConformance.Lab.Linux.Run;
using NfvConformance.Lab.Linux.Traffic;

namespace NfvConformance.Lab.Linux.LoadBalancing;

/// <summary>
/// One load balancer built of network namespaces on this host, all named with the run id:
/// <list type="bullet">
/// <item>a fabric namespace holding the subnet's bridge, with one veth port per client link, instance and member;</item>
/// <item>a client namespace, the router towards clients: frames are put on its wire to the VIP's MAC, and replies
/// come back to it (its address ends in .254; instances and members route clients through it);</item>
/// <item>the fabric's ingress hook on the client port spreads VIP frames over the running instances by rewriting the
/// destination MAC with an nftables jhash of the L4 5-tuple (fragments by their L3 addresses, which every fragment
/// carries): the upstream router's ECMP;</item>
/// <item>each instance namespace balances with nftables: in NAT mode a jhash of the 5-tuple picks the member and the
/// packet is DNATed (and masqueraded, so replies return through it; conntrack reassembles fragments first); in DSR
/// mode a netdev ingress hook rewrites only the destination MAC and sends the frame back onto the subnet;</item>
/// <item>each member namespace runs <see cref="LbMemberServer"/>; in DSR mode it holds the VIP on its loopback.</item>
/// </list>
/// Every instance uses the same hash seed, so any instance maps a flow to the same member.
/// </summary>
internal sealed class LinuxLoadBalancer : IAsyncDisposable
{
    private const string HashSeed = "0x6e666263";
    private const int ReplyWaitMs = 150;
    private const int QuietMs = 25;

    private readonly LabRun _run;
    private readonly LoadBalancerSpec _spec;
    private readonly LinuxLoadBalancerOptions _options;
    private readonly string _prefix;
    private readonly List<Node> _instances = [];
    private readonly List<Node> _members = [];
    private readonly List<string> _namespaces = [];
    private readonly SemaphoreSlim _gate = new(1, 1);
    private LbWire? _client;

    public LinuxLoadBalancer(LabRun run, int index, LoadBalancerSpec spec, LinuxLoadBalancerOptions options)
    {
        _run = run;
        _spec = spec;
        _options = options;
        _prefix = string.Create(CultureInfo.InvariantCulture, $"lb{index}");
        Index = index;
        Fabric = run.Name(_prefix + "-sw");
        ClientNs = run.Name(_prefix + "-cl");
        VipMac = Mac(0xff, 0);
        ClientMac = Mac(0xfe, 0);
        Gateway = HostIn(spec.Subnet, 254);
        Gateway6 = spec.Vip6 is null ? null : Host6(spec.Vip6, 0xfffe);
    }

    public int Index { get; }

    public string Fabric { get; }

    public string ClientNs { get; }

    public string VipMac { get; }

    public string ClientMac { get; }

    public string Gateway { get; }

    public string? Gateway6 { get; }

    public LbEventLog Events { get; } = new();

    /// <summary>Builds the whole load balancer, then logs its configuration.</summary>
    /// <param name="ct">Cancels the build.</param>
    /// <returns>A task that completes when every namespace, link and rule is in place.</returns>
    public async Task BuildAsync(CancellationToken ct)
    {
        await AddNamespaceAsync(Fabric, ct);
        await IpBatchAsync(Fabric, ["link add br0 type bridge", "link set br0 up", "link set lo up"], ct);
        await AddNamespaceAsync(ClientNs, ct);
        List<string> client = ["link set lo up", "link set eth0 up", $"addr add {Gateway}/{PrefixLength} dev eth0"];
        if (Gateway6 is not null)
        {
            client.Add($"addr add {Gateway6}/64 dev eth0 nodad");
        }

        await AttachAsync(ClientNs, "pc", ClientMac, client, ct);

        // The client side is the router towards clients: it is no host, so what is not its own is dropped quietly
        // (after the packet socket has seen it), not answered with ICMP.
        await NftAsync(ClientNs, "table inet quiet {\n chain pre {\n  type filter hook prerouting priority raw; policy accept;\n  meta pkttype host fib daddr type != local drop\n }\n}\n", ct);
        _client = LbWire.Open(ClientNs, "eth0", "client", ClientMac);

        int m = 0;
        foreach (LbPoolSpec pool in _spec.Pools)
        {
            foreach (LbMemberSpec member in pool.Members)
            {
                m++;
                await BuildMemberAsync(m, pool.Name, member, ct);
            }
        }

        for (int i = 0; i < _spec.Instances; i++)
        {
            _ = await BuildInstanceAsync(ct);
        }

        await LoadFrontAsync(ct);
        Events.Add(LbSeverity.Notice, "config-change", _spec.Name, $"created with {_instances.Count} instances, {_members.Count} members and {_spec.Listeners.Count} listeners; rules loaded in every instance");
    }

    public async Task<LoadBalancerView> ViewAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            return new LoadBalancerView(
                _spec.Name,
                _spec.Vip,
                VipMac,
                ClientMac,
                _spec.Network,
                _spec.Subnet,
                _spec.Zones,
                _spec.Mode,
                [.. _instances.Select(i => new LbInstanceView(i.Name, i.Zone, _spec.Network, _spec.Subnet, i.Address, i.Mac, !i.Crashed && NamespaceExists(i.Ns)))],
                [.. _members.Select(x => new LbMemberView(x.Name, x.Pool, x.Address, x.Mac, x.Zone, x.Subnet, x.Healthy))]) { Vip6 = _spec.Vip6 };
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<LbExchange> SendAsync(ReadOnlyMemory<byte> frame, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            LbWire client = _client ?? throw new InvalidOperationException("the load balancer is not built.");
            List<Node> members = [.. _members.Where(x => x.Wire is not null)];
            List<LbWire> wires = [client, .. members.Select(x => x.Wire!)];
            wires.ForEach(w => w.Drain());
            FlowKey key = FlowKey.Of(frame.Span);
            client.Send(frame.Span);

            List<LbForwardedFrame> forwarded = [];
            List<LbReplyFrame> replies = [];
            Stopwatch clock = Stopwatch.StartNew();
            long lastAt = -1;
            long until = ReplyWaitMs;
            bool owed = false;
            while (clock.ElapsedMilliseconds < until)
            {
                int wait = lastAt < 0 ? (int)(until - clock.ElapsedMilliseconds) : QuietMs;
                await LbWire.WaitAsync(wires, wait, ct);

                // Looked at before the wires are read: a member's service that owes nothing now has sent every answer
                // it owed, so the reads below see them.
                bool owes = clock.Elapsed < _options.AnswerLimit && members.Any(m => m.Server?.Owes == true);
                bool got = false;
                foreach (Node member in members)
                {
                    foreach (byte[] f in member.Wire!.Drain())
                    {
                        forwarded.Add(new LbForwardedFrame(member.Name, member.Pool, InstanceByMac(f.AsSpan(6, 6))?.Name ?? "?", f));
                        got = true;
                    }
                }

                foreach (byte[] f in client.Drain().Where(key.IsReply))
                {
                    Node? via = InstanceByMac(f.AsSpan(6, 6));
                    Node? from = _members.FirstOrDefault(x => x.MacBytes.AsSpan().SequenceEqual(f.AsSpan(6, 6)));
                    string? member = from?.Name ?? (forwarded.Select(x => x.Member).Distinct().Count() == 1 ? forwarded[0].Member : null);
                    replies.Add(new LbReplyFrame(member, via?.Name, f));
                    got = true;
                }

                if (got)
                {
                    lastAt = clock.ElapsedMilliseconds;
                }
                else if (lastAt >= 0 && replies.Count > 0)
                {
                    break;
                }

                // A member's service that holds a datagram it has not answered yet owes a reply: it is late because this
                // process was not scheduled (the services run on its thread pool), not lost. The window stays open
                // while it owes one, and a quiet time after it answered, up to the hang guard (AnswerLimit).
                if (owes || owed)
                {
                    until = Math.Max(until, clock.ElapsedMilliseconds + QuietMs);
                }

                owed = owes;
            }

            string? instance = forwarded.Select(x => x.Instance).FirstOrDefault(x => x != "?") ?? replies.Select(r => r.ViaInstance).FirstOrDefault(x => x is not null);
            bool nothing = forwarded.Count == 0 && replies.Count == 0;
            bool held = nothing && key.Fragment;
            string? drop = nothing && !held ? "no member received it and nothing came back" : null;
            return new LbExchange(instance, forwarded, replies, drop, held);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<LoadBalancerView> ScaleOutAsync(int count, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            for (int i = 0; i < count; i++)
            {
                Node added = await BuildInstanceAsync(ct);
                await LoadFrontAsync(ct);
                Events.Add(LbSeverity.Notice, "config-change", added.Name, $"instance added in namespace {added.Ns} ({added.Address}); the upstream hash now spreads over {_instances.Count(x => !x.Crashed)} instances");
            }
        }
        finally
        {
            _gate.Release();
        }

        return await ViewAsync(ct);
    }

    public async Task CrashAsync(string instance, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            Node i = _instances.FirstOrDefault(x => x.Name == instance) ?? throw new ArgumentException($"load balancer {_spec.Name} has no instance '{instance}'; it has {string.Join(", ", _instances.Select(x => x.Name))}.", nameof(instance));
            if (i.Crashed)
            {
                return;
            }

            // The instance dies at once: its namespace, and with it its end of the link, is deleted.
            _ = await Shell.RunAsync("ip", ["netns", "del", i.Ns], ct);
            i.Crashed = true;
            // The kernel dismantles a deleted namespace (and so the veth) asynchronously: wait until the fabric has
            // really lost the instance's port before logging it down.
            Stopwatch gone = Stopwatch.StartNew();
            bool portGone;
            while (!(portGone = !(await Shell.RunAsync("ip", ["-n", Fabric, "link", "show", i.Port], ct)).Succeeded) && gone.Elapsed < _options.CrashObservationLimit)
            {
                await Task.Delay(20, ct);
            }

            if (!NamespaceExists(i.Ns) && portGone)
            {
                Events.Add(LbSeverity.Critical, "instance-down", i.Name, $"namespace {i.Ns} is gone and its port {i.Port} left the fabric");
            }

            await LoadFrontAsync(ct);
            string rules = (await Shell.RunAsync("ip", ["netns", "exec", Fabric, "nft", "list", "table", "netdev", "front"], ct)).OrThrow();
            if (!rules.Contains(i.Mac, StringComparison.Ordinal))
            {
                Events.Add(LbSeverity.Warning, "instance-failover", i.Name, $"its flows now hash over {string.Join(", ", _instances.Where(x => !x.Crashed).Select(x => x.Name))}");
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task SetServingAsync(string member, bool serving, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            Node m = FindMember(member);
            if (serving)
            {
                m.Server!.Start();
            }
            else
            {
                m.Server!.Stop();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Runs probe rounds until every member's state agrees with what its probes see, or the limit passes.</summary>
    /// <param name="ct">Cancels the monitor run.</param>
    /// <returns>The time it took.</returns>
    public async Task<TimeSpan> RunHealthMonitorAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            Stopwatch clock = Stopwatch.StartNew();
            while (clock.Elapsed < _options.HealthMonitorLimit)
            {
                Node? prober = _instances.FirstOrDefault(x => !x.Crashed);
                if (prober is null)
                {
                    break;
                }

                bool settled = true;
                bool changed = false;
                foreach (Node m in _members)
                {
                    bool ok = await ProbeAsync(prober, m, ct);
                    m.Passes = ok ? m.Passes + 1 : 0;
                    m.Fails = ok ? 0 : m.Fails + 1;
                    if (m.Healthy && m.Fails >= _options.FailsToMarkDown)
                    {
                        m.Healthy = false;
                        changed = true;
                        Events.Add(LbSeverity.Error, "member-down", m.Name, $"{m.Fails} health probes from {prober.Name} to {m.Address} failed (last: {m.ProbeError})");
                    }
                    else if (!m.Healthy && m.Passes >= _options.PassesToMarkUp)
                    {
                        m.Healthy = true;
                        changed = true;
                        Events.Add(LbSeverity.Notice, "member-up", m.Name, $"{m.Passes} health probes from {prober.Name} to {m.Address} passed");
                    }

                    settled &= m.Healthy == ok;
                }

                if (changed)
                {
                    await LoadInstancesAsync(ct);
                }

                if (settled)
                {
                    return clock.Elapsed;
                }

                await Task.Delay(_options.ProbeInterval, ct);
            }

            return clock.Elapsed;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        // Teardown runs to the end even when the scenario was cancelled: nothing of the run may stay behind.
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            _client?.Dispose();
            foreach (Node n in _members)
            {
                n.Server?.Dispose();
                n.Wire?.Dispose();
            }

            foreach (string ns in Enumerable.Reverse(_namespaces))
            {
                _ = await Shell.RunAsync("ip", ["netns", "del", ns], CancellationToken.None);
            }

            _namespaces.Clear();
        }
        finally
        {
            _gate.Release();
        }
    }

    private int PrefixLength => int.Parse(_spec.Subnet.Split('/')[1], CultureInfo.InvariantCulture);

    private string Mac(int role, int index) => string.Create(CultureInfo.InvariantCulture, $"02:1b:{Index & 0xff:x2}:{role:x2}:{index:x2}:01");

    private async Task BuildMemberAsync(int index, string pool, LbMemberSpec spec, CancellationToken ct)
    {
        string ns = _run.Name($"{_prefix}-m{index}");
        string mac = Mac(0x20, index);
        await AddNamespaceAsync(ns, ct);
        List<string> lines = ["link set lo up", "link set eth0 up", $"addr add {spec.Address}/{PrefixLength} dev eth0", $"route add default via {Gateway}"];
        if (spec.Address6 is not null)
        {
            lines.Add($"addr add {spec.Address6}/64 dev eth0 nodad");
            if (Gateway6 is not null)
            {
                lines.Add($"route add default via {Gateway6}");
            }
        }

        List<IPAddress> udpAddresses = [IPAddress.Parse(spec.Address)];
        if (spec.Address6 is not null)
        {
            udpAddresses.Add(IPAddress.Parse(spec.Address6));
        }

        if (_spec.Mode == LbForwardingMode.DirectServerReturn)
        {
            // L2 DSR: the member holds the VIP on its loopback, never answers ARP for it, and answers from it.
            lines.Add($"addr add {_spec.Vip}/32 dev lo");
            udpAddresses.Add(IPAddress.Parse(_spec.Vip));
        }

        string port = string.Create(CultureInfo.InvariantCulture, $"pm{index}");
        await AttachAsync(ns, port, mac, lines, ct);
        if (_spec.Mode == LbForwardingMode.DirectServerReturn)
        {
            await SysctlAsync(ns, ct, "net.ipv4.conf.all.arp_ignore=1", "net.ipv4.conf.all.arp_announce=2");
        }

        Node node = new(spec.Name, ns, mac, spec.Address, spec.Zone, port) { Pool = pool, Subnet = spec.Subnet, Healthy = true };
        node.Server = new LbMemberServer(
            ns,
            spec.Name,
            [.. _spec.Listeners.Where(l => l.DefaultPool == pool && l.Protocol == LbProtocol.Tcp).Select(l => l.Port).Distinct()],
            [.. _spec.Listeners.Where(l => l.DefaultPool == pool && l.Protocol == LbProtocol.Udp).Select(l => l.Port).Distinct()],
            udpAddresses,
            _options.AnswerDelay);
        node.Server.Start();
        node.Wire = LbWire.Open(ns, "eth0", spec.Name, mac);
        node.Address6 = spec.Address6;
        _members.Add(node);
    }

    private async Task<Node> BuildInstanceAsync(CancellationToken ct)
    {
        int k = _instances.Count + 1;
        string ns = _run.Name(string.Create(CultureInfo.InvariantCulture, $"{_prefix}-i{k}"));
        string mac = Mac(0x10, k);
        string address = HostIn(_spec.Subnet, 100 + k);
        string zone = _spec.Zones.Count == 0 ? "-" : _spec.Zones[(k - 1) % _spec.Zones.Count];
        await AddNamespaceAsync(ns, ct);
        List<string> lines = ["link set lo up", "link set eth0 up", $"addr add {address}/{PrefixLength} dev eth0", $"route add default via {Gateway}"];
        string? address6 = _spec.Vip6 is null ? null : Host6(_spec.Vip6, 0x100 + k);
        if (address6 is not null)
        {
            lines.Add($"addr add {address6}/64 dev eth0 nodad");
            lines.Add($"route add default via {Gateway6}");
        }

        string port = string.Create(CultureInfo.InvariantCulture, $"pi{k}");
        await AttachAsync(ns, port, mac, lines, ct);
        await SysctlAsync(ns, ct, "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.eth0.rp_filter=0");
        Node node = new(string.Create(CultureInfo.InvariantCulture, $"{_spec.Name}-i{k}"), ns, mac, address, zone, port) { Address6 = address6 };
        _instances.Add(node);
        await NftAsync(ns, InstanceRules(node), ct);
        return node;
    }

    private async Task LoadInstancesAsync(CancellationToken ct)
    {
        foreach (Node i in _instances.Where(x => !x.Crashed))
        {
            await NftAsync(i.Ns, InstanceRules(i), ct);
        }
    }

    /// <summary>The instance's balancing rules over the members the health monitor sees healthy.</summary>
    private string InstanceRules(Node instance)
    {
        StringBuilder s = new();
        bool dsr = _spec.Mode == LbForwardingMode.DirectServerReturn;
        string table = dsr ? "netdev dsr" : "inet lb";
        s.Append(CultureInfo.InvariantCulture, $"table {table} {{}}\ndelete table {table}\ntable {table} {{\n");
        s.Append(dsr ? " chain in {\n  type filter hook ingress device \"eth0\" priority filter; policy accept;\n" : " chain pre {\n  type nat hook prerouting priority dstnat; policy accept;\n");
        foreach (LbListenerSpec l in _spec.Listeners)
        {
            string proto = l.Protocol == LbProtocol.Udp ? "udp" : "tcp";
            List<Node> healthy = [.. _members.Where(m => m.Pool == l.DefaultPool && m.Healthy)];
            string match4 = $"ip daddr {_spec.Vip} {proto} dport {l.Port}";
            if (healthy.Count == 0)
            {
                s.Append(CultureInfo.InvariantCulture, $"  {match4} drop\n");
                continue;
            }

            if (dsr)
            {
                s.Append(CultureInfo.InvariantCulture, $"  {match4} ether saddr set {instance.Mac} ether daddr set {Hash("ip", healthy.Count)} map {{ {Map(healthy, m => m.Mac)} }} fwd to \"eth0\"\n");
                continue;
            }

            s.Append(CultureInfo.InvariantCulture, $"  {match4} dnat ip to {Hash("ip", healthy.Count)} map {{ {Map(healthy, m => m.Address)} }}\n");
            List<Node> healthy6 = [.. healthy.Where(m => m.Address6 is not null)];
            if (_spec.Vip6 is not null && healthy6.Count > 0)
            {
                s.Append(CultureInfo.InvariantCulture, $"  ip6 daddr {_spec.Vip6} {proto} dport {l.Port} dnat ip6 to {Hash("ip6", healthy6.Count)} map {{ {Map(healthy6, m => m.Address6!)} }}\n");
            }
        }

        s.Append(" }\n");
        if (!dsr)
        {
            s.Append(" chain post {\n  type nat hook postrouting priority srcnat; policy accept;\n  ct status dnat masquerade\n }\n");
        }

        s.Append("}\n");
        return s.ToString();
    }

    /// <summary>The upstream router's spread of VIP frames over the running instances, on the fabric's client port.</summary>
    private async Task LoadFrontAsync(CancellationToken ct)
    {
        List<Node> up = [.. _instances.Where(x => !x.Crashed)];
        StringBuilder s = new("table netdev front {}\ndelete table netdev front\ntable netdev front {\n chain in {\n  type filter hook ingress device \"pc\" priority filter; policy accept;\n");
        if (up.Count == 0)
        {
            s.Append(CultureInfo.InvariantCulture, $"  ether daddr {VipMac} drop\n");
        }
        else
        {
            string map = Map(up, i => i.Mac);
            s.Append(CultureInfo.InvariantCulture, $"  ether daddr {VipMac} ip frag-off & 0x3fff != 0 ether daddr set jhash ip saddr . ip daddr mod {up.Count} seed {HashSeed} map {{ {map} }}\n");
            s.Append(CultureInfo.InvariantCulture, $"  ether daddr {VipMac} ip6 nexthdr ipv6-frag ether daddr set jhash ip6 saddr . ip6 daddr mod {up.Count} seed {HashSeed} map {{ {map} }}\n");
            s.Append(CultureInfo.InvariantCulture, $"  ether daddr {VipMac} meta protocol ip ether daddr set {Hash("ip", up.Count)} map {{ {map} }}\n");
            s.Append(CultureInfo.InvariantCulture, $"  ether daddr {VipMac} meta protocol ip6 ether daddr set {Hash("ip6", up.Count)} map {{ {map} }}\n");
        }

        s.Append(" }\n}\n");
        await NftAsync(Fabric, s.ToString(), ct);
    }

    private string Hash(string family, int modulus) => _options.HashL3Only
        ? $"jhash {family} saddr . {family} daddr mod {modulus} seed {HashSeed}"
        : $"jhash {family} saddr . {family} daddr . meta l4proto . th sport . th dport mod {modulus} seed {HashSeed}";

    private static string Map(List<Node> nodes, Func<Node, string> value) =>
        string.Join(", ", nodes.Select((n, i) => string.Create(CultureInfo.InvariantCulture, $"{i} : {value(n)}")));

    private Node? InstanceByMac(ReadOnlySpan<byte> mac)
    {
        foreach (Node i in _instances)
        {
            if (i.MacBytes.AsSpan().SequenceEqual(mac))
            {
                return i;
            }
        }

        return null;
    }

    private Node FindMember(string member) =>
        _members.FirstOrDefault(x => x.Name == member) ?? throw new ArgumentException($"load balancer {_spec.Name} has no member '{member}'; it has {string.Join(", ", _members.Select(x => x.Name))}.", nameof(member));

    private async Task<bool> ProbeAsync(Node prober, Node member, CancellationToken ct)
    {
        LbListenerSpec? tcp = _spec.Listeners.FirstOrDefault(l => l.DefaultPool == member.Pool && l.Protocol == LbProtocol.Tcp);
        LbListenerSpec? udp = _spec.Listeners.FirstOrDefault(l => l.DefaultPool == member.Pool && l.Protocol == LbProtocol.Udp);
        IPEndPoint target = new(IPAddress.Parse(member.Address), (tcp ?? udp)?.Port ?? 0);
        if (target.Port == 0)
        {
            return false;
        }

        using Socket s = NetNamespace.Run(prober.Ns, () => tcp is not null ? new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) : new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp));
        try
        {
            if (tcp is not null)
            {
                using CancellationTokenSource limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
                limit.CancelAfter(_options.ProbeTimeout);
                await s.ConnectAsync(target, limit.Token);
                return true;
            }

            using CancellationTokenSource answer = CancellationTokenSource.CreateLinkedTokenSource(ct);
            answer.CancelAfter(_options.ProbeTimeout);
            await s.ConnectAsync(target, answer.Token);
            _ = await s.SendAsync("probe"u8.ToArray(), SocketFlags.None, answer.Token);
            byte[] buffer = new byte[256];
            return await s.ReceiveAsync(buffer, SocketFlags.None, answer.Token) > 0;
        }
        catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            member.ProbeError = e is SocketException se ? se.SocketErrorCode.ToString() : "no answer within " + _options.ProbeTimeout.TotalMilliseconds + " ms";
            return false;
        }
    }

    private async Task AddNamespaceAsync(string ns, CancellationToken ct)
    {
        _ = (await Shell.RunAsync("ip", ["netns", "add", ns], ct)).OrThrow();
        _namespaces.Add(ns);

        // No duplicate address detection: every address here is unique by construction, and a tentative link-local
        // address would hold back neighbour discovery (and so the first IPv6 frames) for a second or more.
        await SysctlAsync(ns, ct, "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0");
    }

    /// <summary>Links a namespace to the fabric's bridge with a veth (eth0 inside, <paramref name="port"/> on the bridge) and configures it.</summary>
    private async Task AttachAsync(string ns, string port, string mac, List<string> lines, CancellationToken ct)
    {
        await IpBatchAsync(Fabric, [$"link add {port} type veth peer name eth0 address {mac} netns {ns}", $"link set {port} master br0", $"link set {port} up"], ct);
        await IpBatchAsync(ns, lines, ct);

        // Both ends receive through their own queue, not the host's shared backlog: a scenario counts every frame
        // (the 3 fragments of a datagram, 1 reply), and a flood in another lab must not drop one of them.
        await VethQueues.OwnQueueAsync(Fabric, port, ct);
        await VethQueues.OwnQueueAsync(ns, "eth0", ct);
        _ = (await Shell.RunAsync("bridge", ["-n", Fabric, "fdb", "replace", mac, "dev", port, "master", "static"], ct)).OrThrow();
    }

    private async Task IpBatchAsync(string ns, IReadOnlyList<string> lines, CancellationToken ct)
    {
        string path = _run.StatePath(Path.Combine(_prefix, "ip.batch"));
        await File.WriteAllLinesAsync(path, lines, ct);
        _ = (await Shell.RunAsync("ip", ["-n", ns, "-batch", path], ct)).OrThrow();
    }

    private async Task NftAsync(string ns, string script, CancellationToken ct)
    {
        string path = _run.StatePath(Path.Combine(_prefix, "rules.nft"));
        await File.WriteAllTextAsync(path, script, ct);
        _ = (await Shell.RunAsync("ip", ["netns", "exec", ns, "nft", "-f", path], ct)).OrThrow();
    }

    private static async Task SysctlAsync(string ns, CancellationToken ct, params string[] settings) =>
        _ = (await Shell.RunAsync("ip", ["netns", "exec", ns, "sysctl", "-q", "-w", .. settings], ct)).OrThrow();

    private static bool NamespaceExists(string ns) => File.Exists(Path.Combine("/run/netns", ns));

    /// <summary>The address <paramref name="host"/> of an IPv4 subnet.</summary>
    private static string HostIn(string subnet, int host)
    {
        string[] parts = subnet.Split('/');
        uint network = BinaryPrimitives.ReadUInt32BigEndian(IPAddress.Parse(parts[0]).GetAddressBytes());
        byte[] a = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(a, network + (uint)host);
        return new IPAddress(a).ToString();
    }

    /// <summary>The address with interface id <paramref name="host"/> in the /64 of <paramref name="address"/>.</summary>
    private static string Host6(string address, int host)
    {
        byte[] a = IPAddress.Parse(address).GetAddressBytes();
        Array.Clear(a, 8, 8);
        BinaryPrimitives.WriteUInt16BigEndian(a.AsSpan(14), (ushort)host);
        return new IPAddress(a).ToString();
    }

    private sealed class Node(string name, string ns, string mac, string address, string zone, string port)
    {
        public string Name { get; } = name;

        public string Ns { get; } = ns;

        public string Mac { get; } = mac;

        public byte[] MacBytes { get; } = LbWire.ParseMac(mac);

        public string Address { get; } = address;

        public string? Address6 { get; set; }

        public string Zone { get; } = zone;

        public string Port { get; } = port;

        public string Pool { get; init; } = string.Empty;

        public string Subnet { get; init; } = string.Empty;

        public bool Healthy { get; set; }

        public bool Crashed { get; set; }

        public int Fails { get; set; }

        public int Passes { get; set; }

        public string ProbeError { get; set; } = string.Empty;

        public LbMemberServer? Server { get; set; }

        public LbWire? Wire { get; set; }
    }

    /// <summary>The client side of a sent frame: its source address and, when the frame has its L4 header, protocol and source port.</summary>
    private readonly record struct FlowKey(byte[] Source, int Protocol, int Port, bool Fragment)
    {
        public static FlowKey Of(ReadOnlySpan<byte> f)
        {
            bool v6 = BinaryPrimitives.ReadUInt16BigEndian(f[12..]) == 0x86DD;
            if (v6)
            {
                int next = f[20];
                bool fragment = next == 44;
                return new FlowKey(f.Slice(22, 16).ToArray(), fragment ? -1 : next, fragment ? -1 : BinaryPrimitives.ReadUInt16BigEndian(f[54..]), fragment);
            }

            int ihl = (f[14] & 0x0F) * 4;
            bool frag = (BinaryPrimitives.ReadUInt16BigEndian(f[20..]) & 0x3FFF) != 0;
            bool ports = !frag && f[23] is 6 or 17;
            return new FlowKey(f.Slice(26, 4).ToArray(), ports ? f[23] : -1, ports ? BinaryPrimitives.ReadUInt16BigEndian(f[(14 + ihl)..]) : -1, frag);
        }

        public bool IsReply(byte[] f)
        {
            bool v6 = BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(12)) == 0x86DD;
            if (v6 != (Source.Length == 16))
            {
                return false;
            }

            ReadOnlySpan<byte> destination = v6 ? f.AsSpan(38, 16) : f.AsSpan(30, 4);
            if (!destination.SequenceEqual(Source))
            {
                return false;
            }

            int protocol = v6 ? f[20] : f[23];
            if (Port < 0 || protocol != Protocol)
            {
                return true;
            }

            int l4 = v6 ? 54 : 14 + ((f[14] & 0x0F) * 4);
            return BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(l4 + 2)) == Port;
        }
    }
}
