// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NfvConformance.Abstractions.LoadBalancing;
using NfvConformance.Packets;
using NfvConformance.Emulator.LoadBalancing.Protocols;

namespace NfvConformance.Emulator.LoadBalancing;

/// <summary>
/// One emulated load balancer: N instances behind an upstream router that spreads client traffic over the instances it
/// believes up (rendezvous hash of the source and destination address, BFD to detect failures), each instance a
/// stateful L4/L7 balancer with a flow table (shared across instances when <see cref="LoadBalancerEmulationOptions.StateSync"/>),
/// and emulated member hosts that answer.
/// </summary>
internal sealed partial class EmulatedLoadBalancer
{
    private static readonly byte[] VipMacBytes = [0x02, 0x1b, 0x00, 0x00, 0x00, 0x01];
    private static readonly byte[] GatewayMacBytes = [0x02, 0xfe, 0x00, 0x00, 0x00, 0x01];

    private readonly LoadBalancerSpec _spec;
    private readonly LoadBalancerEmulationOptions _options;
    private readonly Random _random;
    private readonly DateTimeOffset _start;
    private readonly List<Instance> _instances = [];
    private readonly List<MemberHost> _members = [];
    private readonly List<LbEvent> _events = [];
    private readonly IPAddress _vip;
    private readonly IPAddress? _vip6;
    private int _instanceCounter;
    private int _addressCounter;

    public EmulatedLoadBalancer(LoadBalancerSpec spec, LoadBalancerEmulationOptions options, int seed, DateTimeOffset start)
    {
        _spec = spec;
        _options = options;
        _random = new Random(seed);
        _start = start;
        _vip = Frames.Address(spec.Vip, $"load balancer '{spec.Name}': vip");
        _vip6 = spec.Vip6 is null ? null : Frames.Address(spec.Vip6, $"load balancer '{spec.Name}': vip6");
        ushort serverId = 1;
        foreach (LbPoolSpec pool in spec.Pools)
        {
            foreach (LbMemberSpec m in pool.Members)
            {
                IPAddress a = Frames.Address(m.Address, $"member '{m.Name}': address");
                IPAddress? a6 = m.Address6 is null ? null : Frames.Address(m.Address6, $"member '{m.Name}': address6");
                byte[] mac = [0x02, 0x00, .. a.GetAddressBytes()];
                MemberHost host = new(m.Name, pool.Name, a, a6, mac, m.Zone, m.Subnet, serverId++, new Random(seed + serverId))
                {
                    GatewayMac = spec.Mode == LbForwardingMode.DirectServerReturn ? GatewayMacBytes : VipMacBytes,
                    Loopback = spec.Mode == LbForwardingMode.DirectServerReturn ? [.. new[] { _vip, _vip6 }.OfType<IPAddress>()] : [],
                    QuicPorts = [.. spec.Listeners.Where(l => l.Protocol == LbProtocol.Quic).Select(l => l.Port)],
                };
                _members.Add(host);
            }
        }

        for (int i = 0; i < spec.Instances; i++)
        {
            AddInstance(replacing: null, initial: true);
        }

        Log(LbSeverity.Notice, "config-change", spec.Name, $"load balancer created with {spec.Instances} instances, {spec.Listeners.Count} listeners and {_members.Count} members in {string.Join(",", spec.Zones)}");
    }

    public string Name => _spec.Name;

    /// <summary>Gets the virtual time elapsed since creation.</summary>
    public TimeSpan Now { get; private set; }

    public LoadBalancerView View() => new(
        _spec.Name,
        _spec.Vip,
        Frames.Mac(VipMacBytes),
        Frames.Mac(GatewayMacBytes),
        _spec.Network,
        _spec.Subnet,
        _spec.Zones,
        _spec.Mode,
        [.. _instances.Select(i => new LbInstanceView(i.Name, i.Zone, i.Network, i.Subnet, i.Address.ToString(), Frames.Mac(i.Mac), i.Up))],
        [.. _members.Select(m => new LbMemberView(m.Name, m.Pool, m.Address.ToString(), Frames.Mac(m.Mac), m.Zone, m.Subnet, m.Healthy))])
    {
        Vip6 = _spec.Vip6,
    };

    public IReadOnlyList<LbEvent> Events => [.. _events];

    /// <summary>Sends one client frame through the upstream router to an instance.</summary>
    /// <param name="frame">The frame.</param>
    /// <returns>What it caused.</returns>
    public LbExchange Send(ReadOnlyMemory<byte> frame)
    {
        byte[] copy = frame.ToArray();
        ParseResult parsed = PacketParser.Parse(copy, out ParsedPacket p);

        // A first fragment's UDP length covers the whole datagram, which the dataplane parser reports as BadL4.
        if (parsed is not (ParseResult.Ok or ParseResult.BadL4) || p.L3Offset < 0 || !(p.IsIpv4 || p.IsIpv6))
        {
            return Drop(null, "not_an_ip_frame");
        }

        Instance? instance = Route(copy, p);
        if (instance is null)
        {
            return Drop(null, "no_instance_up");
        }

        if (!instance.Up)
        {
            return Drop(instance.Name, "instance_down");
        }

        return instance.Handle(this, copy, p);
    }

    public LoadBalancerView ScaleOut(int count)
    {
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "Scale out by 1 or more instances.");
        }

        for (int i = 0; i < count; i++)
        {
            Instance added = AddInstance(replacing: null);
            Log(LbSeverity.Notice, "config-change", added.Name, $"scaled out: instance {added.Name} added in {added.Zone}, subnet {added.Subnet}");
        }

        return View();
    }

    public void CrashInstance(string name)
    {
        Instance instance = FindInstance(name);
        if (!instance.Up)
        {
            return;
        }

        instance.Up = false;
        Now += DetectionTime();
        Log(LbSeverity.Critical, "instance-down", instance.Name, $"instance {instance.Name} in {instance.Zone} missed {_options.BfdMultiplier} BFD intervals");
        instance.Routed = false;
        string peers = string.Join(",", _instances.Where(i => i.Routed).Select(i => i.Name));
        Log(LbSeverity.Warning, "instance-failover", instance.Name, $"traffic of {instance.Name} failed over to {peers}; flow state {(_options.StateSync ? "synchronised" : "not shared")}");
    }

    public LbZoneRecovery FailZone(string zone)
    {
        if (!_options.PlatformZones.ContainsKey(zone))
        {
            throw new ArgumentException($"Zone '{zone}' is not a zone of the platform; the platform has {string.Join(", ", _options.PlatformZones.Keys)}.");
        }

        TimeSpan started = Now;
        Log(LbSeverity.Alert, "zone-failure", zone, $"availability zone {zone} failed");
        List<Instance> lost = [.. _instances.Where(i => i.Zone == zone && i.Up)];
        List<MemberHost> lostMembers = [.. _members.Where(m => m.Zone == zone)];
        foreach (MemberHost m in lostMembers)
        {
            m.HostUp = false;
        }

        foreach (Instance i in lost)
        {
            i.Up = false;
            Log(LbSeverity.Critical, "instance-down", i.Name, $"instance {i.Name} lost with zone {zone}");
        }

        Now += DetectionTime();
        foreach (Instance i in lost)
        {
            i.Routed = false;
        }

        List<Instance> replacements = [];
        foreach (Instance i in lost)
        {
            Instance added = AddInstance(replacing: zone);
            replacements.Add(added);
            Log(LbSeverity.Notice, "instance-replaced", added.Name, $"instance {added.Name} started in {added.Zone}, subnet {added.Subnet}, to replace {i.Name}");
        }

        Now += lost.Count > 0 ? _options.InstanceBootTime : TimeSpan.Zero;
        TimeSpan instancesBack = Now - started;
        Now = started;
        TimeSpan health = RunHealthMonitor();
        Now = started + (health > instancesBack ? health : instancesBack);
        Log(LbSeverity.Notice, "zone-recovered", zone, $"recovered from the loss of {zone} with {replacements.Count} replacement instances in {string.Join(",", replacements.Select(r => r.Zone).Distinct())}");
        return new LbZoneRecovery(
            zone,
            [.. lost.Select(i => i.Name)],
            [.. lostMembers.Select(m => m.Name)],
            [.. replacements.Select(i => new LbInstanceView(i.Name, i.Zone, i.Network, i.Subnet, i.Address.ToString(), Frames.Mac(i.Mac), i.Up))],
            Now - started);
    }

    public void SetMemberServing(string member, bool serving)
    {
        MemberHost m = FindMember(member);
        m.Serving = serving;
    }

    /// <summary>Runs health-monitor rounds (a real TCP SYN to each member's service port) until every member's state matches its probes.</summary>
    /// <returns>The time the rounds took.</returns>
    public TimeSpan RunHealthMonitor()
    {
        TimeSpan started = Now;
        int port = _spec.Listeners.FirstOrDefault()?.Port ?? 80;
        for (int round = 0; round < 1 + Math.Max(_options.HealthFallThreshold, _options.HealthRiseThreshold); round++)
        {
            bool settled = true;
            foreach (MemberHost m in _members)
            {
                bool answered = Probe(m, port);
                if (answered == m.Healthy)
                {
                    m.FailedProbes = 0;
                    m.PassedProbes = 0;
                    continue;
                }

                settled = false;
                if (answered)
                {
                    m.FailedProbes = 0;
                    if (++m.PassedProbes >= _options.HealthRiseThreshold)
                    {
                        m.Healthy = true;
                        m.PassedProbes = 0;
                        Log(LbSeverity.Notice, "member-up", m.Name, $"member {m.Name} ({m.Address}) of pool {m.Pool} answers health probes again");
                    }
                }
                else
                {
                    m.PassedProbes = 0;
                    if (++m.FailedProbes >= _options.HealthFallThreshold)
                    {
                        m.Healthy = false;
                        m.FailedProbes = 0;
                        Log(LbSeverity.Error, "member-down", m.Name, $"member {m.Name} ({m.Address}) of pool {m.Pool} failed {_options.HealthFallThreshold} health probes");
                    }
                }
            }

            if (settled)
            {
                break;
            }

            Now += _options.HealthInterval;
        }

        return Now - started;
    }

    private bool Probe(MemberHost m, int port)
    {
        Instance? from = _instances.FirstOrDefault(i => i.Up);
        if (from is null)
        {
            return false;
        }

        byte[] syn = MemberHost.TcpSegment((ushort)(33000 + _random.Next(1000)), (ushort)port, (uint)_random.Next(), 0, TcpFields.Syn, [], []);
        foreach (byte[] reply in m.Receive(Frames.Ip(m.Mac, from.Mac, from.Address, m.Address, IpProtocols.Tcp, syn)))
        {
            if (PacketParser.Parse(reply, out ParsedPacket r) == ParseResult.Ok && (r.TcpFlags & (TcpFields.Syn | TcpFields.Ack)) == (TcpFields.Syn | TcpFields.Ack))
            {
                return true;
            }
        }

        return false;
    }

    private TimeSpan DetectionTime()
    {
        // The last hello before the crash left a random phase ago; detection is multiplier intervals after it.
        double phase = _random.NextDouble() * _options.BfdInterval.TotalMilliseconds;
        return TimeSpan.FromMilliseconds((_options.BfdMultiplier * _options.BfdInterval.TotalMilliseconds) - phase);
    }

    private void Log(LbSeverity severity, string kind, string subject, string message)
    {
        LbSeverity logged = _options.SeverityLevels ? severity : LbSeverity.Informational;
        DateTimeOffset exact = _start + Now;
        DateTimeOffset time = new(exact.Ticks - (exact.Ticks % 10), exact.Offset); // RFC 5424 carries microseconds
        const int Local0 = 16;
        string syslog = $"<{(Local0 * 8) + (int)logged}>1 {time.UtcDateTime:yyyy-MM-ddTHH:mm:ss.ffffffZ} {_spec.Name} nfv-lb - {kind} [lb@32473 subject=\"{subject}\"] {message}";
        _events.Add(new LbEvent(_events.Count + 1, time, logged, kind, subject, message, syslog));
    }

    private Instance AddInstance(string? replacing, bool initial = false)
    {
        // Place on the least-loaded zone: of the load balancer's local environment, or (non-conformant, when scaling or
        // recovering) of the platform.
        bool local = initial || _options.StayInLocalEnvironment;
        IEnumerable<string> candidates = local ? _spec.Zones : _options.PlatformZones.Keys;
        string zone = candidates
            .Where(z => z != replacing)
            .OrderBy(z => _instances.Count(i => i.Up && i.Zone == z))
            .ThenBy(z => local ? 0 : -_options.PlatformZones.Keys.ToList().IndexOf(z))
            .First();
        string subnet = local ? _spec.Subnet : _options.PlatformZones[zone];
        (IPAddress network, _) = Frames.Cidr(subnet, "subnet");
        byte[] a = network.GetAddressBytes();
        a[3] = (byte)(200 + _addressCounter++);
        int n = ++_instanceCounter;
        Instance instance = new(this, $"{_spec.Name}-lb{n}", zone, _spec.Network, subnet, new IPAddress(a), [0x02, 0x1b, 0x00, 0x00, (byte)(n >> 8), (byte)n]);
        if (_options.StateSync)
        {
            // A joining instance gets a full table from its peers (bulk sync), as conntrackd or Katran's state sync does.
            foreach (Instance peer in _instances.Where(i => i.Up))
            {
                foreach (var entry in peer.Flows)
                {
                    instance.Flows.TryAdd(entry.Key, entry.Value);
                }
            }
        }

        _instances.Add(instance);
        return instance;
    }

    private Instance FindInstance(string name) =>
        _instances.FirstOrDefault(i => i.Name == name)
        ?? throw new ArgumentException($"Load balancer '{_spec.Name}' has no instance '{name}'; its instances are {string.Join(", ", _instances.Select(i => i.Name))}.");

    private MemberHost FindMember(string name) =>
        _members.FirstOrDefault(m => m.Name == name)
        ?? throw new ArgumentException($"Load balancer '{_spec.Name}' has no member '{name}'; its members are {string.Join(", ", _members.Select(m => m.Name))}.");

    /// <summary>The upstream router: rendezvous hash of the source and destination address over the instances it routes to.</summary>
    private Instance? Route(byte[] frame, ParsedPacket p)
    {
        ReadOnlySpan<byte> ip = frame.AsSpan(p.L3Offset);
        ReadOnlySpan<byte> addresses = p.IsIpv6 ? ip.Slice(8, 32) : ip.Slice(12, 8);
        Instance? best = null;
        ulong bestScore = 0;
        foreach (Instance i in _instances.Where(i => i.Routed))
        {
            ulong h = Fnv(addresses, Fnv(Encoding.ASCII.GetBytes(i.Name), 14695981039346656037UL));
            h ^= h >> 29;
            h *= 0xbf58476d1ce4e5b9UL;
            h ^= h >> 32;
            if (best is null || h > bestScore)
            {
                best = i;
                bestScore = h;
            }
        }

        return best;
    }

    private static ulong Fnv(ReadOnlySpan<byte> data, ulong h)
    {
        foreach (byte b in data)
        {
            h = (h ^ b) * 1099511628211UL;
        }

        return h;
    }

    private static LbExchange Drop(string? instance, string reason) => new(instance, [], [], reason, false);

    private void Learn(Instance at, string key, MemberHost member)
    {
        if (_options.StateSync)
        {
            foreach (Instance i in _instances.Where(i => i.Up))
            {
                i.Flows[key] = member;
            }
        }
        else
        {
            at.Flows[key] = member;
        }
    }
}
