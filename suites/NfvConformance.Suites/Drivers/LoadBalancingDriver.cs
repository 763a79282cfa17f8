// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using NfvConformance.Abstractions.LoadBalancing;
using NfvConformance.Abstractions.Measurements;
using NfvConformance.Core.Evidence;
using NfvConformance.Packets;
using NfvConformance.Core.Running;

namespace NfvConformance.Suites.Drivers;

/// <summary>
/// Drives the target's load-balancer platform service (<see cref="ILoadBalancing"/>) as a client would: builds a
/// load balancer, sends real frames (TCP, UDP, IPv4 and IPv6 fragments, SCTP with CRC32c, MPTCP options, HTTP/1.1, a TLS
/// ClientHello from .NET's SslStream, HTTP/2 with HPACK, QUIC headers) and checks what the members received and what
/// came back. Deletes what it created when the scenario ends (<see cref="DeleteCreatedAsync"/>, run by <see cref="StepDefinitions.CleanupHooks"/>).
/// </summary>
public sealed class LoadBalancingDriver
{
    private static readonly byte[] ClientMac = [0x02, 0xc1, 0x00, 0x00, 0x00, 0x01];

    private readonly RunContext _run;
    private readonly ScenarioEvidence _evidence;
    private readonly FiguresDriver _figures;
    private readonly List<string> _created = [];
    private readonly List<LbListenerSpec> _listeners = [];
    private readonly List<(string Pool, LbMemberSpec Member)> _members = [];
    private readonly List<(byte[] Sent, LbExchange Exchange)> _exchanges = [];
    private LoadBalancerSpec? _spec;
    private LoadBalancerView? _view;
    private LbFailoverResult? _trial;
    private LbZoneRecovery? _zone;

    /// <summary>Creates the driver for one scenario.</summary>
    /// <param name="run">The run.</param>
    /// <param name="evidence">The scenario's evidence.</param>
    /// <param name="figures">The target figures.</param>
    public LoadBalancingDriver(RunContext run, ScenarioEvidence evidence, FiguresDriver figures)
    {
        _run = run;
        _evidence = evidence;
        _figures = figures;
    }

    private ILoadBalancing Service => TargetFacets.Require<ILoadBalancing>(_run);

    private ILoadBalancingSimulation Simulation => TargetFacets.Require<ILoadBalancingSimulation>(_run);

    private LoadBalancerView View => _view ?? throw new InvalidOperationException("no load balancer was created in this scenario; add 'the load balancer is created' first.");

    private string Name => View.Name;

    private byte[] VipMac => Convert.FromHexString(View.VipMac.Replace(":", string.Empty, StringComparison.Ordinal));

    /// <summary>Declares the load balancer to create.</summary>
    /// <param name="vip">The IPv4 VIP.</param>
    /// <param name="subnet">Its subnet.</param>
    /// <param name="network">Its tenant network.</param>
    /// <param name="zones">Comma-separated zones.</param>
    /// <param name="instances">Instances.</param>
    /// <param name="mode">nat or dsr.</param>
    /// <param name="vip6">An IPv6 VIP, or null.</param>
    public void Declare(string vip, string subnet, string network, string zones, int instances, string mode, string? vip6)
    {
        LbForwardingMode m = mode.ToLowerInvariant() switch
        {
            "nat" => LbForwardingMode.Nat,
            "dsr" => LbForwardingMode.DirectServerReturn,
            _ => throw new ArgumentException($"mode '{mode}' is unknown; write nat or dsr."),
        };
        string name = "lb-" + Guid.NewGuid().ToString("N")[..8];
        _spec = new LoadBalancerSpec(name, vip, network, subnet, Split(zones), instances, m, [], []) { Vip6 = vip6 };
    }

    /// <summary>Adds members from rows with member, pool, address, zone, subnet and optional address6.</summary>
    /// <param name="rows">The rows.</param>
    public void AddMembers(IEnumerable<IReadOnlyDictionary<string, string>> rows)
    {
        foreach (IReadOnlyDictionary<string, string> r in rows)
        {
            string? a6 = r.TryGetValue("address6", out string? v) && v.Length > 0 ? v : null;
            _members.Add((r["pool"], new LbMemberSpec(r["member"], r["address"], r["zone"], r["subnet"]) { Address6 = a6 }));
        }
    }

    /// <summary>Adds a listener.</summary>
    /// <param name="name">Its name.</param>
    /// <param name="protocol">tcp, udp, sctp, mptcp, http, https, http2 or quic.</param>
    /// <param name="port">Its port.</param>
    /// <param name="pool">Its default pool.</param>
    public void AddListener(string name, string protocol, int port, string pool) =>
        _listeners.Add(new LbListenerSpec(name, ParseProtocol(protocol), port, pool));

    /// <summary>Adds an L7 rule to a listener.</summary>
    /// <param name="listener">The listener.</param>
    /// <param name="host">The host, or * for any.</param>
    /// <param name="path">The path prefix, or * for any.</param>
    /// <param name="pool">The pool.</param>
    public void AddRule(string listener, string host, string path, string pool)
    {
        int i = _listeners.FindIndex(l => l.Name == listener);
        Check.That(i >= 0, $"There is no listener '{listener}' to add a rule to; declare it first.");
        _listeners[i] = _listeners[i] with { Rules = [.. _listeners[i].Rules, new LbRouteRule(pool, host == "*" ? null : host, path == "*" ? null : path)] };
    }

    /// <summary>Creates the declared load balancer.</summary>
    public async Task CreateAsync()
    {
        LoadBalancerSpec spec = _spec ?? throw new InvalidOperationException("declare the load balancer first.");
        spec = spec with
        {
            Listeners = [.. _listeners],
            Pools = [.. _members.GroupBy(m => m.Pool).Select(g => new LbPoolSpec(g.Key, [.. g.Select(x => x.Member)]))],
        };
        LoadBalancerView view = await Service.CreateAsync(spec);
        if (view.Refusal is not null)
        {
            throw new ScenarioNotApplicableException($"target '{_run.Target.Name}' cannot realise this load balancer: {view.Refusal}");
        }

        _view = view;
        _created.Add(spec.Name);
        _evidence.Record(new Measurement("lb_instances", _view.Instances.Count, "instances"));
    }

    /// <summary>Checks the number of running instances.</summary>
    /// <param name="minimum">The minimum.</param>
    public async Task CheckRunningInstancesAsync(int minimum)
    {
        LoadBalancerView v = await Service.DescribeAsync(Name);
        int up = v.Instances.Count(i => i.Up);
        _evidence.Record(new Measurement("lb_instances_up", up, "instances"));
        Check.That(up >= minimum, $"The load balancer runs {up} instances ({string.Join(", ", v.Instances.Select(i => $"{i.Name}:{(i.Up ? "up" : "down")}"))}); a resilient one runs at least {minimum}.");
    }

    /// <summary>Runs the failover trial.</summary>
    /// <param name="connections">Connections.</param>
    /// <param name="pps">Packets per second.</param>
    /// <param name="durationMs">Duration.</param>
    /// <param name="instance">1-based instance index to crash.</param>
    /// <param name="crashMs">When it crashes.</param>
    /// <param name="fresh">New connections afterwards.</param>
    public async Task RunFailoverAsync(int connections, int pps, int durationMs, int instance, int crashMs, int fresh)
    {
        LbFailoverResult trial = await Simulation.RunFailoverTrialAsync(Name, new LbFailoverTrial(connections, pps, TimeSpan.FromMilliseconds(durationMs), await InstanceNameAsync(instance), TimeSpan.FromMilliseconds(crashMs), fresh));
        _trial = trial;
        _evidence.Record(new Measurement("packets_sent", _trial.PacketsSent, "packets"));
        _evidence.Record(new Measurement("packets_lost", _trial.PacketsLost, "packets"));
        _evidence.Record(new Measurement("connections_on_crashed_instance", _trial.ConnectionsOnCrashedInstance, "connections"));
        _evidence.Record(new Measurement("connections_moved_member", _trial.ConnectionsMovedMember, "connections"));
    }

    /// <summary>Checks that the crashed instance's connections kept their member.</summary>
    public void CheckConnectionsKeptMember()
    {
        LbFailoverResult t = Trial;
        Check.That(t.ConnectionsOnCrashedInstance > 0, "The crashed instance carried no connection, so the trial shows nothing; crash an instance that carries traffic or open more connections.");
        Check.That(t.ConnectionsMovedMember == 0 && t.ConnectionsKeptMember == t.ConnectionsOnCrashedInstance,
            $"Of {t.ConnectionsOnCrashedInstance} connections of the crashed instance, {t.ConnectionsKeptMember} kept their member and {t.ConnectionsMovedMember} reached another member after the crash (their TCP connection breaks): the instances do not share flow state.");
    }

    /// <summary>Checks that every new connection after the crash was answered by a member.</summary>
    public void CheckNewConnectionsServed()
    {
        LbFailoverResult t = Trial;
        Check.That(t.NewConnections > 0 && t.NewConnectionsServed == t.NewConnections, $"{t.NewConnectionsServed} of {t.NewConnections} new connections got a SYN-ACK after the crash.");
    }

    /// <summary>Checks the loss window and the recovery time against a figure.</summary>
    /// <param name="figure">The figure (seconds).</param>
    /// <param name="pps">The trial's rate.</param>
    public void CheckRecovery(string figure, int pps)
    {
        LbFailoverResult t = Trial;
        Check.That(t.RecoveryTime != TimeSpan.MaxValue, "The crashed instance's connections never carried a packet again during the trial.");
        double seconds = t.RecoveryTime.TotalSeconds;
        _figures.CheckAtMost("lb_instance_recovery_s", seconds, figure);

        // Every lost packet must fall in the window before recovery: at most the rate times that window.
        double bound = Math.Ceiling(pps * seconds) + 1;
        Check.That(t.PacketsLost <= bound, $"{t.PacketsLost} packets were lost, more than the {bound} the clients sent during the {seconds * 1000:F1} ms before recovery: packets are lost after recovery too.");
    }

    /// <summary>Scales out.</summary>
    /// <param name="count">Instances to add.</param>
    public async Task ScaleOutAsync(int count) => _view = await Service.ScaleOutAsync(Name, count);

    /// <summary>Checks that every running instance is in the load balancer's local environment.</summary>
    /// <param name="subnet">The subnet.</param>
    /// <param name="network">The network.</param>
    /// <param name="zones">Comma-separated zones.</param>
    public async Task CheckInstancesLocalAsync(string subnet, string network, string zones)
    {
        HashSet<string> allowed = [.. Split(zones)];
        LoadBalancerView v = await Service.DescribeAsync(Name);
        List<LbInstanceView> outside = [.. v.Instances.Where(i => i.Up && (i.Subnet != subnet || i.Network != network || !allowed.Contains(i.Zone) || !InSubnet(i.Address, subnet)))];
        _evidence.Record(new Measurement("lb_instances_outside_local_environment", outside.Count, "instances"));
        Check.That(outside.Count == 0, $"Instances outside subnet {subnet} of {network} in {zones}: {string.Join("; ", outside.Select(i => $"{i.Name} in {i.Zone}, {i.Network} {i.Subnet} ({i.Address})"))}.");
    }

    /// <summary>Opens connections from many clients and checks they use every running instance.</summary>
    /// <param name="clients">Clients.</param>
    /// <param name="port">The port.</param>
    public async Task CheckSpreadOverInstancesAsync(int clients, int port)
    {
        LoadBalancerView v = await Service.DescribeAsync(Name);
        Dictionary<string, int> used = new(StringComparer.Ordinal);
        for (int c = 0; c < clients; c++)
        {
            LbExchange x = await SendAsync(Tcp(ClientV4(c, 60), (ushort)(30000 + c), (ushort)port, Syn, [], []));
            Check.That(x.Replies.Count > 0, $"Client {c} got no SYN-ACK ({x.DropReason ?? "nothing came back"}).");
            used[x.Instance!] = used.GetValueOrDefault(x.Instance!) + 1;
        }

        List<string> idle = [.. v.Instances.Where(i => i.Up && !used.ContainsKey(i.Name)).Select(i => i.Name)];
        _evidence.Record(new Measurement("lb_instances_carrying_traffic", used.Count, "instances"));
        Check.That(idle.Count == 0, $"Running instances {string.Join(", ", idle)} carried none of {clients} connections: the added capacity takes no traffic.");
    }

    /// <summary>Fails a zone.</summary>
    /// <param name="zone">The zone.</param>
    public async Task FailZoneAsync(string zone)
    {
        LbZoneRecovery recovery = await Service.FailZoneAsync(Name, zone);
        if (recovery.Refusal is not null)
        {
            throw new ScenarioNotApplicableException($"target '{_run.Target.Name}' cannot fail zone {zone}: {recovery.Refusal}");
        }

        _zone = recovery;
        _evidence.Record(new Measurement("zone_recovery_s", _zone.RecoveryTime.TotalSeconds, "s"));
    }

    /// <summary>Checks the service reported its recovery from a zone loss, with replacements, within a figure.</summary>
    /// <param name="zone">The zone.</param>
    /// <param name="figure">The recovery-time figure.</param>
    public async Task CheckZoneRecoveryReportedAsync(string zone, string figure)
    {
        LbZoneRecovery z = _zone ?? throw new InvalidOperationException("no zone failed in this scenario.");
        Check.That(z.LostInstances.Count > 0, $"Zone {zone} held no instance of the load balancer, so its loss shows nothing; spread the instances over the zones.");
        Check.That(z.Replacements.Count >= z.LostInstances.Count, $"The service lost {z.LostInstances.Count} instances with {zone} and started {z.Replacements.Count} replacements.");
        LbEvent? reported = (await Service.ReadEventsAsync(Name)).LastOrDefault(e => e.Kind == "zone-recovered" && e.Subject == zone);
        Check.That(reported is not null, $"The event log has no zone-recovered event for {zone}; the service must report its recovery.");
        _figures.CheckAtMost("zone_recovery_s", z.RecoveryTime.TotalSeconds, figure);
    }

    /// <summary>Opens new connections and checks members and instances.</summary>
    /// <param name="clients">Clients.</param>
    /// <param name="port">The port.</param>
    /// <param name="zone">The only zone members may be in.</param>
    public async Task CheckServedFromZoneAsync(int clients, int port, string zone)
    {
        LoadBalancerView v = await Service.DescribeAsync(Name);
        Dictionary<string, LbMemberView> members = v.Members.ToDictionary(m => m.Name);
        Dictionary<string, LbInstanceView> instances = v.Instances.ToDictionary(i => i.Name);
        for (int c = 0; c < clients; c++)
        {
            LbExchange x = await SendAsync(Tcp(ClientV4(c, 70), (ushort)(31000 + c), (ushort)port, Syn, [], []));
            Check.That(x.Replies.Count > 0 && x.Forwarded.Count > 0, $"New connection {c} was not served after the zone failure ({x.DropReason ?? "no reply"}).");
            LbMemberView m = members[x.Forwarded[0].Member];
            Check.That(m.Zone == zone, $"Connection {c} reached member {m.Name} in {m.Zone}; only members in {zone} survive.");
            Check.That(instances[x.Instance!].Up, $"Connection {c} was handled by {x.Instance}, which is down.");
        }
    }

    /// <summary>Stops or starts a member's service and lets the health monitor run.</summary>
    /// <param name="member">The member.</param>
    /// <param name="serving">Serving or not.</param>
    public async Task SetServingAsync(string member, bool serving)
    {
        await Service.SetMemberServingAsync(Name, member, serving);
        TimeSpan t = await Service.RunHealthMonitorAsync(Name);
        _evidence.Record(new Measurement($"health_monitor_settle_s:{member}", t.TotalSeconds, "s"));
    }

    /// <summary>Crashes an instance.</summary>
    /// <param name="instance">1-based index.</param>
    public async Task CrashAsync(int instance) => await Service.CrashInstanceAsync(Name, await InstanceNameAsync(instance));

    /// <summary>Checks the event log contains the rows in order, each with its severity, and that every entry is a well-formed RFC 5424 message agreeing with it.</summary>
    /// <param name="rows">Rows of kind, subject and severity.</param>
    public async Task CheckEventsAsync(IReadOnlyList<IReadOnlyDictionary<string, string>> rows)
    {
        IReadOnlyList<LbEvent> events = await Service.ReadEventsAsync(Name);
        _evidence.Record(new Measurement("lb_events", events.Count, "events"));
        DateTimeOffset previous = DateTimeOffset.MinValue;
        foreach (LbEvent e in events)
        {
            Rfc5424 parsed = Rfc5424.Parse(e.Syslog);
            Check.That(parsed.Severity == (int)e.Severity, $"Event {e.Sequence} ({e.Kind}) has severity {e.Severity} but its syslog PRI <{parsed.Priority}> says severity {parsed.Severity}.");
            Check.That(parsed.MessageId == e.Kind, $"Event {e.Sequence}: syslog MSGID '{parsed.MessageId}' is not its kind '{e.Kind}'.");
            Check.That(parsed.Timestamp == e.Time, $"Event {e.Sequence}: syslog time {parsed.Timestamp:O} is not the event's {e.Time:O}.");
            Check.That(e.Time >= previous, $"Event {e.Sequence} at {e.Time:O} is older than the one before it.");
            previous = e.Time;
        }

        int at = 0;
        foreach (IReadOnlyDictionary<string, string> row in rows)
        {
            string subject = await ResolveSubjectAsync(row["subject"]);
            LbSeverity severity = ParseSeverity(row["severity"]);
            int found = -1;
            for (int i = at; i < events.Count; i++)
            {
                if (events[i].Kind == row["kind"] && events[i].Subject == subject)
                {
                    found = i;
                    break;
                }
            }

            Check.That(found >= 0, $"No {row["kind"]} event about {subject} after event {at}; the log has: {string.Join("; ", events.Select(e => $"{e.Sequence} {e.Kind} {e.Subject} {e.Severity}"))}.");
            Check.That(events[found].Severity == severity, $"The {row["kind"]} event about {subject} has severity {events[found].Severity} ({(int)events[found].Severity}); expected {severity} ({(int)severity}).");
            at = found + 1;
        }
    }

    /// <summary>Opens flows from clients and records what happened.</summary>
    /// <param name="flows">Flows.</param>
    /// <param name="protocol">tcp or udp.</param>
    /// <param name="port">The port.</param>
    public async Task OpenFlowsAsync(int flows, string protocol, int port)
    {
        for (int c = 0; c < flows; c++)
        {
            byte[] frame = protocol == "udp"
                ? Udp(ClientV4(c, 80), (ushort)(32000 + c), (ushort)port, Encoding.ASCII.GetBytes($"query {c}"))
                : Tcp(ClientV4(c, 80), (ushort)(32000 + c), (ushort)port, Syn, [], []);
            LbExchange x = await SendAsync(frame);
            Check.That(x.Forwarded.Count == 1, $"Flow {c} reached {x.Forwarded.Count} members ({x.DropReason ?? "-"}).");
            _exchanges.Add((frame, x));
        }
    }

    /// <summary>Checks L2 DSR on the recorded exchanges: only the Ethernet addresses changed.</summary>
    public async Task CheckOnlyMacRewrittenAsync()
    {
        Dictionary<string, LbMemberView> members = (await Service.DescribeAsync(Name)).Members.ToDictionary(m => m.Name);
        HashSet<string> used = [];
        foreach ((byte[] sent, LbExchange x) in _exchanges)
        {
            byte[] got = x.Forwarded[0].Frame;
            used.Add(x.Forwarded[0].Member);
            string mac = Mac(got.AsSpan(0, 6));
            Check.That(mac == members[x.Forwarded[0].Member].Mac, $"The frame for {x.Forwarded[0].Member} went to MAC {mac}, not the member's {members[x.Forwarded[0].Member].Mac}.");
            Check.That(got.AsSpan(14).SequenceEqual(sent.AsSpan(14)), $"The frame {x.Forwarded[0].Member} received differs from the client's beyond the Ethernet header (destination {DestinationOf(got)}; the client sent to {DestinationOf(sent)}): the load balancer translated the packet instead of L2 DSR.");
        }

        Check.That(used.Count >= 2, $"All flows reached {string.Join(",", used)}; spread them over several members.");
    }

    /// <summary>Checks every reply went from the member straight to the client, from the VIP.</summary>
    public async Task CheckRepliesDirectAsync()
    {
        Dictionary<string, LbMemberView> members = (await Service.DescribeAsync(Name)).Members.ToDictionary(m => m.Name);
        foreach ((byte[] sent, LbExchange x) in _exchanges)
        {
            Check.That(x.Replies.Count == 1, $"The flow to {x.Forwarded[0].Member} got {x.Replies.Count} replies.");
            LbReplyFrame r = x.Replies[0];
            Check.That(r.ViaInstance is null, $"The reply of {r.Member} crossed load-balancer instance {r.ViaInstance}; with DSR it goes straight to the client.");
            Check.That(Mac(r.Frame.AsSpan(6, 6)) == members[r.Member!].Mac && Mac(r.Frame.AsSpan(0, 6)) == View.GatewayMac, $"The reply of {r.Member} went from MAC {Mac(r.Frame.AsSpan(6, 6))} to {Mac(r.Frame.AsSpan(0, 6))}; expected from the member to the router {View.GatewayMac}.");
            Check.That(SourceOf(r.Frame) == View.Vip, $"The reply of {r.Member} has source {SourceOf(r.Frame)}; the client talks to the VIP {View.Vip}, so the member must answer from the VIP on its loopback.");
            Check.That(DestinationOf(r.Frame) == SourceOf(sent), $"The reply of {r.Member} went to {DestinationOf(r.Frame)}, not the client {SourceOf(sent)}.");
        }
    }

    /// <summary>Sends UDP datagrams as out-of-order fragments and checks each datagram's fragments reached one member that reassembled it.</summary>
    /// <param name="datagrams">Datagrams.</param>
    /// <param name="size">Payload bytes.</param>
    /// <param name="client">Client address (IPv4 or IPv6).</param>
    /// <param name="port">Port.</param>
    /// <param name="chunk">Fragment data size (multiple of 8).</param>
    public async Task CheckFragmentsAsync(int datagrams, int size, string client, int port, int chunk)
    {
        Check.That(chunk % 8 == 0, $"Fragment size {chunk} is not a multiple of 8.");
        IPAddress source = IPAddress.Parse(client);
        bool v6 = source.AddressFamily == AddressFamily.InterNetworkV6;
        IPAddress vip = v6 ? IPAddress.Parse(View.Vip6 ?? throw new InvalidOperationException("the load balancer has no IPv6 VIP")) : IPAddress.Parse(View.Vip);
        HashSet<string> used = [];
        for (int d = 0; d < datagrams; d++)
        {
            ushort sport = (ushort)(33000 + d);
            List<byte[]> fragments = Fragment(source, vip, sport, (ushort)port, new byte[size], (uint)(0x100 + d), chunk);
            Check.That(fragments.Count >= 3, $"{size} bytes in {chunk}-byte fragments make {fragments.Count} fragments; use at least 3.");
            List<LbExchange> xs = [];
            foreach (byte[] f in Enumerable.Reverse(fragments))
            {
                xs.Add(await SendAsync(f)); // last fragment first
            }

            List<LbForwardedFrame> got = [.. xs.SelectMany(x => x.Forwarded)];
            Check.That(got.Count == fragments.Count, $"Datagram {d}: {got.Count} of {fragments.Count} fragments reached a member ({string.Join(",", xs.Select(x => x.DropReason).OfType<string>())}).");
            List<string> at = [.. got.Select(g => g.Member).Distinct()];
            Check.That(at.Count == 1, $"Datagram {d}: its fragments reached {string.Join(" and ", at)}; no member can reassemble it.");
            List<LbReplyFrame> replies = [.. xs.SelectMany(x => x.Replies)];
            Check.That(replies.Count == 1, $"Datagram {d}: member {at[0]} answered {replies.Count} times; it answers once it has reassembled a datagram whose UDP checksum verifies.");
            string answer = Encoding.ASCII.GetString(UdpPayload(replies[0].Frame));
            Check.That(answer.EndsWith($" {size}", StringComparison.Ordinal), $"Datagram {d}: member {at[0]} answered '{answer}', not that it reassembled the {size}-byte payload.");
            LbExchange whole = await SendAsync(Udp(source, vip, sport, (ushort)port, new byte[64]));
            Check.That(whole.Forwarded.Count == 1 && whole.Forwarded[0].Member == at[0], $"Datagram {d}: an unfragmented datagram of the same flow went to {whole.Forwarded.FirstOrDefault()?.Member ?? whole.DropReason}, not {at[0]}.");
            used.Add(at[0]);
        }

        _evidence.Record(new Measurement("members_used", used.Count, "members"));
        Check.That(used.Count >= 2, $"All datagrams went to {string.Join(",", used)}; with one member, keeping fragments together is not tested.");
    }

    /// <summary>Opens SCTP associations from multi-homed clients and checks every path stays on the association's member.</summary>
    /// <param name="associations">Associations.</param>
    /// <param name="port">Port.</param>
    public async Task CheckSctpMultihomedAsync(int associations, int port)
    {
        HashSet<string> used = [];
        for (int a = 0; a < associations; a++)
        {
            IPAddress primary = ClientV4(a, 90);
            IPAddress secondary = ClientV4(a, 91);
            uint clientTag = (uint)(0x5C000000 + a);
            byte[] initValue = SctpInit(clientTag, 1, [primary, secondary]);
            LbExchange init = await SendAsync(Ip(primary, IPAddress.Parse(View.Vip), 132, SctpBuild((ushort)port, (ushort)port, 0, [(1, 0, initValue)])));
            Check.That(init.Forwarded.Count == 1 && init.Replies.Count == 1, $"Association {a}: the INIT got {init.Replies.Count} replies ({init.DropReason ?? "-"}).");
            byte[] initAck = L4(init.Replies[0].Frame);
            Check.That(SctpChecksumOk(initAck) && initAck[12] == 2, $"Association {a}: the reply is not an INIT ACK with a valid CRC32c.");
            Check.That(BinaryPrimitives.ReadUInt32BigEndian(initAck.AsSpan(4)) == clientTag, $"Association {a}: the INIT ACK carries verification tag {BinaryPrimitives.ReadUInt32BigEndian(initAck.AsSpan(4)):x8}, not the client's {clientTag:x8}.");
            uint serverTag = BinaryPrimitives.ReadUInt32BigEndian(initAck.AsSpan(16));
            string member = init.Forwarded[0].Member;
            used.Add(member);
            foreach ((IPAddress from, int tsn) in new[] { (primary, 1), (secondary, 2), (secondary, 3) })
            {
                byte[] data = new byte[12 + 8];
                BinaryPrimitives.WriteUInt32BigEndian(data, (uint)tsn);
                LbExchange x = await SendAsync(Ip(from, IPAddress.Parse(View.Vip), 132, SctpBuild((ushort)port, (ushort)port, serverTag, [(0, 3, data)])));
                Check.That(x.Forwarded.Count == 1 && x.Forwarded[0].Member == member, $"Association {a}: DATA {tsn} from {from} reached {x.Forwarded.FirstOrDefault()?.Member ?? x.DropReason}, not the association's member {member}.");
                byte[] answer = x.Replies.Count == 1 ? L4(x.Replies[0].Frame) : [];
                Check.That(answer.Length > 12 && answer[12] == 3 && BinaryPrimitives.ReadUInt32BigEndian(answer.AsSpan(16)) == (uint)tsn, $"Association {a}: DATA {tsn} from {from} was not acknowledged by a SACK (chunk type {(answer.Length > 12 ? answer[12] : -1)}; 6 is ABORT).");
            }
        }

        _evidence.Record(new Measurement("members_used", used.Count, "members"));
        Check.That(used.Count >= 2, $"All associations went to {string.Join(",", used)}; spread them over several members.");
    }

    /// <summary>Sends an SCTP packet with a corrupted CRC32c and checks the drop reason.</summary>
    /// <param name="port">Port.</param>
    /// <param name="reason">The expected reason.</param>
    public async Task CheckSctpBadChecksumAsync(int port, string reason)
    {
        byte[] packet = SctpBuild((ushort)port, (ushort)port, 0, [(1, 0, SctpInit(7, 1, []))]);
        packet[8] ^= 0x5A;
        LbExchange x = await SendAsync(Ip(ClientV4(1, 92), IPAddress.Parse(View.Vip), 132, packet));
        Check.That(x.Forwarded.Count == 0 && x.DropReason == reason, $"An SCTP packet with a corrupted CRC32c was {(x.Forwarded.Count > 0 ? "forwarded to " + x.Forwarded[0].Member : "dropped as " + x.DropReason)}; expected a drop as {reason}.");
    }

    /// <summary>Opens MPTCP connections, adds a subflow from a second address to each, and checks the join reached the connection's member, which proved it holds the keys.</summary>
    /// <param name="connections">Connections.</param>
    /// <param name="port">Port.</param>
    public async Task CheckMptcpJoinsAsync(int connections, int port)
    {
        HashSet<string> used = [];
        for (int c = 0; c < connections; c++)
        {
            IPAddress first = ClientV4(c, 100);
            IPAddress second = ClientV4(c, 101);
            ulong keyA = BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(Encoding.ASCII.GetBytes($"client-key-{c}")));
            LbExchange syn = await SendAsync(Tcp(first, (ushort)(34000 + c), (ushort)port, Syn, [30, 4, 0x01, 0x01], []));
            Check.That(syn.Replies.Count == 1, $"Connection {c}: no SYN-ACK ({syn.DropReason ?? "-"}).");
            byte[] capable = FindMptcp(L4(syn.Replies[0].Frame));
            Check.That(capable.Length == 12, $"Connection {c}: the SYN-ACK carries no MP_CAPABLE with the server's key.");
            ulong keyB = BinaryPrimitives.ReadUInt64BigEndian(capable.AsSpan(4));
            byte[] third = [30, 20, 0x01, 0x01, .. Be64(keyA), .. Be64(keyB)];
            await SendAsync(Tcp(first, (ushort)(34000 + c), (ushort)port, Ack, third, []));
            uint token = BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(Be64(keyB)));
            uint randomA = (uint)(0xA0000000 + c);
            byte[] join = [30, 12, 0x10, 0x01, .. Be32(token), .. Be32(randomA)];
            LbExchange j = await SendAsync(Tcp(second, (ushort)(35000 + c), (ushort)port, Syn, join, []));
            string member = syn.Forwarded[0].Member;
            Check.That(j.Forwarded.Count == 1 && j.Forwarded[0].Member == member, $"Connection {c}: the MP_JOIN from {second} reached {j.Forwarded.FirstOrDefault()?.Member ?? j.DropReason}, not the connection's member {member}.");
            byte[] reply = j.Replies.Count == 1 ? FindMptcp(L4(j.Replies[0].Frame)) : [];
            Check.That(reply.Length == 16, $"Connection {c}: the join got no SYN-ACK with MP_JOIN (the member does not know token {token:x8} and resets).");
            byte[] mac = HMACSHA256.HashData([.. Be64(keyB), .. Be64(keyA)], [.. reply.AsSpan(12, 4), .. Be32(randomA)]);
            Check.That(mac.AsSpan(0, 8).SequenceEqual(reply.AsSpan(4, 8)), $"Connection {c}: the MP_JOIN SYN-ACK's HMAC does not match HMAC-SHA256 of the connection's keys.");
            used.Add(member);
        }

        _evidence.Record(new Measurement("members_used", used.Count, "members"));
        Check.That(used.Count >= 2, $"All connections went to {string.Join(",", used)}; spread them over several members.");
    }

    /// <summary>Sends HTTP/1.1 requests on one connection and checks each reached the pool of the row.</summary>
    /// <param name="port">Port.</param>
    /// <param name="rows">Rows of host, path and pool.</param>
    public async Task CheckHttpRoutingAsync(int port, IReadOnlyList<IReadOnlyDictionary<string, string>> rows)
    {
        IPAddress client = ClientV4(1, 110);
        await SendAsync(Tcp(client, 36000, (ushort)port, Syn, [], []));
        StringBuilder requests = new();
        foreach (IReadOnlyDictionary<string, string> r in rows)
        {
            requests.Append(CultureInfo.InvariantCulture, $"GET {r["path"]} HTTP/1.1\r\nHost: {r["host"]}\r\nUser-Agent: nfvc\r\n\r\n");
        }

        LbExchange x = await SendAsync(Tcp(client, 36000, (ushort)port, Ack | Psh, [], Encoding.ASCII.GetBytes(requests.ToString())));
        Check.That(x.Forwarded.Count == rows.Count, $"{x.Forwarded.Count} of {rows.Count} requests reached a member ({x.DropReason ?? "-"}).");
        for (int i = 0; i < rows.Count; i++)
        {
            string text = Encoding.ASCII.GetString(L4Payload(x.Forwarded[i].Frame));
            Check.That(x.Forwarded[i].Pool == rows[i]["pool"], $"GET {rows[i]["path"]} for {rows[i]["host"]} reached pool {x.Forwarded[i].Pool}; expected {rows[i]["pool"]}.");
            Check.That(text.StartsWith($"GET {rows[i]["path"]} HTTP/1.1\r\n", StringComparison.Ordinal) && text.Contains($"Host: {rows[i]["host"]}", StringComparison.Ordinal), $"Member {x.Forwarded[i].Member} received '{text.Split("\r\n")[0]}', not request {i + 1}.");
        }
    }

    /// <summary>Opens TLS connections whose real ClientHello (from SslStream) names a server, and checks the pool; the bytes pass through unchanged.</summary>
    /// <param name="port">Port.</param>
    /// <param name="rows">Rows of sni and pool.</param>
    /// <returns>A task.</returns>
    public async Task CheckSniRoutingAsync(int port, IReadOnlyList<IReadOnlyDictionary<string, string>> rows)
    {
        for (int i = 0; i < rows.Count; i++)
        {
            byte[] hello = await Packets.TlsHandshakeCapture.ClientHelloAsync(rows[i]["sni"]);
            IPAddress client = ClientV4(i, 111);
            await SendAsync(Tcp(client, (ushort)(37000 + i), (ushort)port, Syn, [], []));
            LbExchange x = await SendAsync(Tcp(client, (ushort)(37000 + i), (ushort)port, Ack | Psh, [], hello));
            Check.That(x.Forwarded.Count == 1, $"The ClientHello for {rows[i]["sni"]} reached no member ({x.DropReason ?? "held"}).");
            Check.That(x.Forwarded[0].Pool == rows[i]["pool"], $"The TLS connection for {rows[i]["sni"]} reached pool {x.Forwarded[0].Pool}; expected {rows[i]["pool"]}.");
            Check.That(L4Payload(x.Forwarded[0].Frame).SequenceEqual(hello), $"The ClientHello for {rows[i]["sni"]} was changed on its way to {x.Forwarded[0].Member}; passthrough must not touch TLS.");
        }
    }

    /// <summary>Sends HTTP/2 requests as streams of one connection (HPACK with the dynamic table) and checks each stream's pool and headers at the member.</summary>
    /// <param name="port">Port.</param>
    /// <param name="rows">Rows of authority, path and pool.</param>
    public async Task CheckHttp2RoutingAsync(int port, IReadOnlyList<IReadOnlyDictionary<string, string>> rows)
    {
        IPAddress client = ClientV4(1, 112);
        await SendAsync(Tcp(client, 38000, (ushort)port, Syn, [], []));
        List<byte> bytes = [.. "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8, 0, 0, 0, 4, 0, 0, 0, 0, 0];
        List<string> indexed = []; // our mirror of the decoder's dynamic table (newest first)
        int reused = 0;
        for (int i = 0; i < rows.Count; i++)
        {
            List<byte> block = [0x82, 0x87]; // :method GET, :scheme https (static table)
            string authority = rows[i]["authority"];
            int at = indexed.IndexOf(authority);
            if (at >= 0)
            {
                block.Add((byte)(0x80 | (62 + at))); // indexed field from the dynamic table
                reused++;
            }
            else
            {
                block.Add(0x41); // literal with incremental indexing, name :authority (static 1), value Huffman-coded
                HpackHuffmanLiteral(block, authority);
                indexed.Insert(0, authority);
            }

            block.Add(0x04); // literal without indexing, name :path (static 4)
            HpackString(block, rows[i]["path"]);
            int stream = 1 + (2 * i);
            bytes.AddRange([(byte)(block.Count >> 16), (byte)(block.Count >> 8), (byte)block.Count, 1, 0x05, .. Be32((uint)stream)]);
            bytes.AddRange(block);
        }

        Check.That(reused > 0, "No :authority repeats, so the dynamic table is never used; repeat one.");
        LbExchange x = await SendAsync(Tcp(client, 38000, (ushort)port, Ack | Psh, [], [.. bytes]));
        Check.That(x.Forwarded.Count == rows.Count, $"{x.Forwarded.Count} of {rows.Count} streams reached a member ({x.DropReason ?? "-"}).");
        for (int i = 0; i < rows.Count; i++)
        {
            Check.That(x.Forwarded[i].Pool == rows[i]["pool"], $"Stream {1 + (2 * i)} ({rows[i]["authority"]}{rows[i]["path"]}) reached pool {x.Forwarded[i].Pool}; expected {rows[i]["pool"]}.");
            string seen = Encoding.Latin1.GetString(L4Payload(x.Forwarded[i].Frame));
            Check.That(seen.Contains(rows[i]["authority"], StringComparison.Ordinal) && seen.Contains(rows[i]["path"], StringComparison.Ordinal), $"The HEADERS member {x.Forwarded[i].Member} received do not carry {rows[i]["authority"]}{rows[i]["path"]}.");
        }

        _evidence.Record(new Measurement("pools_used", x.Forwarded.Select(f => f.Pool).Distinct().Count(), "pools"));
    }

    /// <summary>Starts QUIC connections, migrates each client to a new address and port, and checks the connection stays on its member.</summary>
    /// <param name="connections">Connections.</param>
    /// <param name="port">Port.</param>
    public async Task CheckQuicMigrationAsync(int connections, int port)
    {
        HashSet<string> used = [];
        IPAddress vip = IPAddress.Parse(View.Vip);
        for (int c = 0; c < connections; c++)
        {
            byte[] dcid = [.. SHA256.HashData(Encoding.ASCII.GetBytes($"dcid-{c}")).AsSpan(0, 8)];
            dcid[0] |= 0xC0; // not a server-issued CID
            byte[] scid = [0xCC, 0, (byte)(c >> 8), (byte)c];
            byte[] initial = [0xC0, 0, 0, 0, 1, 8, .. dcid, 4, .. scid, 0, 0x44, 0xB0, .. new byte[1180]]; // Initial, v1, padded to 1200
            LbExchange first = await SendAsync(Udp(ClientV4(c, 120), vip, (ushort)(39000 + c), (ushort)port, initial));
            Check.That(first.Forwarded.Count == 1 && first.Replies.Count == 1, $"QUIC connection {c}: the Initial got {first.Replies.Count} replies ({first.DropReason ?? "-"}).");
            byte[] reply = UdpPayload(first.Replies[0].Frame);
            Check.That(reply.Length > 7 && (reply[0] & 0x80) != 0 && reply[5] == scid.Length && reply.AsSpan(6, scid.Length).SequenceEqual(scid), $"QUIC connection {c}: the server's reply is not a long header addressed to the client's connection ID.");
            int scidAt = 6 + scid.Length;
            byte[] serverCid = reply.AsSpan(scidAt + 1, reply[scidAt]).ToArray();
            string member = first.Forwarded[0].Member;
            used.Add(member);
            byte[] shortHeader = [0x41, .. serverCid, 0, 1, 2, 3];
            LbExchange migrated = await SendAsync(Udp(ClientV4(c, 121), vip, (ushort)(50000 + c), (ushort)port, shortHeader));
            Check.That(migrated.Forwarded.Count == 1 && migrated.Forwarded[0].Member == member, $"QUIC connection {c}: after migrating to a new address and port it reached {migrated.Forwarded.FirstOrDefault()?.Member ?? migrated.DropReason}, not {member}.");
            Check.That(migrated.Replies.Count == 1, $"QUIC connection {c}: member {member} did not answer on the migrated path (it does not know connection ID {Convert.ToHexString(serverCid)}).");
        }

        _evidence.Record(new Measurement("members_used", used.Count, "members"));
        Check.That(used.Count >= 2, $"All connections went to {string.Join(",", used)}; spread them over several members.");
    }

    /// <inheritdoc/>
    /// <summary>Deletes every load balancer this scenario created (the scenario's after-hook calls it; teardown is not cancelled).</summary>
    /// <returns>A task that completes when they are gone.</returns>
    public async Task DeleteCreatedAsync()
    {
        ILoadBalancing? service = _run.Target.GetFeature<ILoadBalancing>();
        foreach (string name in _created)
        {
            if (service is not null)
            {
                await service.DeleteAsync(name, CancellationToken.None);
            }
        }

        _created.Clear();
    }

    private const byte Syn = 0x02;
    private const byte Ack = 0x10;
    private const byte Psh = 0x08;

    private LbFailoverResult Trial => _trial ?? throw new InvalidOperationException("no failover trial has run in this scenario.");

    private ValueTask<LbExchange> SendAsync(byte[] frame) => Service.SendAsync(Name, frame);

    private async Task<string> InstanceNameAsync(int index)
    {
        LoadBalancerView v = await Service.DescribeAsync(Name);
        Check.That(index >= 1 && index <= v.Instances.Count, $"Instance {index} does not exist; the load balancer has {v.Instances.Count}.");
        return v.Instances[index - 1].Name;
    }

    private async Task<string> ResolveSubjectAsync(string subject)
    {
        if (subject.StartsWith("instance ", StringComparison.Ordinal) && int.TryParse(subject.AsSpan(9), out int index))
        {
            return await InstanceNameAsync(index);
        }

        return subject == "load balancer" ? Name : subject;
    }

    private static LbSeverity ParseSeverity(string text) =>
        Enum.TryParse(text, ignoreCase: true, out LbSeverity s) ? s : throw new ArgumentException($"severity '{text}' is not an RFC 5424 severity (emergency, alert, critical, error, warning, notice, informational, debug).");

    private static LbProtocol ParseProtocol(string protocol) => protocol.ToLowerInvariant() switch
    {
        "tcp" => LbProtocol.Tcp,
        "udp" => LbProtocol.Udp,
        "sctp" => LbProtocol.Sctp,
        "mptcp" => LbProtocol.MptcpTcp,
        "http" => LbProtocol.Http,
        "https" => LbProtocol.Https,
        "http2" => LbProtocol.Http2,
        "quic" => LbProtocol.Quic,
        _ => throw new ArgumentException($"protocol '{protocol}' is unknown; write tcp, udp, sctp, mptcp, http, https, http2 or quic."),
    };

    private static List<string> Split(string list) => [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static bool InSubnet(string address, string cidr)
    {
        string[] parts = cidr.Split('/');
        byte[] a = IPAddress.Parse(address).GetAddressBytes();
        byte[] n = IPAddress.Parse(parts[0]).GetAddressBytes();
        int prefix = int.Parse(parts[1], CultureInfo.InvariantCulture);
        for (int bit = 0; bit < prefix; bit++)
        {
            int mask = 0x80 >> (bit % 8);
            if ((a[bit / 8] & mask) != (n[bit / 8] & mask))
            {
                return false;
            }
        }

        return a.Length == n.Length;
    }

    private static IPAddress ClientV4(int index, int net) => new([198, (byte)(18 + (net % 2)), (byte)((net * 2) + (index / 250)), (byte)((index % 250) + 1)]);

    private static string Mac(ReadOnlySpan<byte> mac) => string.Join(":", mac.ToArray().Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));

    private static bool IsV6(byte[] frame) => frame[12] == 0x86 && frame[13] == 0xDD;

    private static string SourceOf(byte[] frame) => IsV6(frame) ? new IPAddress(frame.AsSpan(22, 16)).ToString() : new IPAddress(frame.AsSpan(26, 4)).ToString();

    private static string DestinationOf(byte[] frame) => IsV6(frame) ? new IPAddress(frame.AsSpan(38, 16)).ToString() : new IPAddress(frame.AsSpan(30, 4)).ToString();

    private static byte[] L4(byte[] frame) => IsV6(frame) ? frame[54..] : frame[(14 + ((frame[14] & 0x0F) * 4))..(14 + BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(16)))];

    private static byte[] UdpPayload(byte[] frame) => L4(frame)[8..];

    private static byte[] L4Payload(byte[] frame)
    {
        byte[] tcp = L4(frame);
        return tcp[((tcp[12] >> 4) * 4)..];
    }

    private static byte[] Be64(ulong v)
    {
        byte[] b = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, v);
        return b;
    }

    private static byte[] Be32(uint v)
    {
        byte[] b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, v);
        return b;
    }

    private static void HpackString(List<byte> block, string value)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(value);
        Check.That(bytes.Length < 127, $"'{value}' is too long for this client's one-byte HPACK length.");
        block.Add((byte)bytes.Length);
        block.AddRange(bytes);
    }

    /// <summary>Writes an HPACK string literal Huffman-coded (RFC 7541 section 5.2, the code of appendix B).</summary>
    private static void HpackHuffmanLiteral(List<byte> block, string value)
    {
        byte[] raw = Encoding.ASCII.GetBytes(value);
        byte[] coded = new byte[HpackHuffman.EncodedLength(raw)];
        int n = HpackHuffman.Encode(raw, coded);
        Check.That(n < 127, $"'{value}' is too long for this client's one-byte HPACK length.");
        block.Add((byte)(0x80 | n));
        block.AddRange(coded);
    }

    private static byte[] FindMptcp(byte[] tcp)
    {
        int end = (tcp[12] >> 4) * 4;
        for (int o = 20; o < end;)
        {
            if (tcp[o] == 0)
            {
                break;
            }

            if (tcp[o] == 1)
            {
                o++;
                continue;
            }

            if (tcp[o] == 30)
            {
                return tcp[o..(o + tcp[o + 1])];
            }

            o += Math.Max(2, (int)tcp[o + 1]);
        }

        return [];
    }

    /// <summary>Builds Ethernet (client to the VIP's MAC) + IPv4 or IPv6 + the L4 bytes; fills the checksums (not of a fragment's L4 bytes).</summary>
    private byte[] Ip(IPAddress source, IPAddress destination, byte protocol, byte[] l4, ushort id = 0, bool fillChecksum = true)
    {
        byte[] s = source.GetAddressBytes();
        byte[] f = new byte[IpFrames.FrameLength(s.Length, l4.Length)];
        if (fillChecksum)
        {
            IpFrames.Write(f, VipMac, ClientMac, s, destination.GetAddressBytes(), protocol, l4, id);
            return f;
        }

        int o = FrameBuilder.WriteEthernet(f, VipMac, ClientMac, s.Length == 4 ? EthernetFields.TypeIpv4 : EthernetFields.TypeIpv6);
        o += IpFrames.WriteIp(f.AsSpan(o), s, destination.GetAddressBytes(), protocol, l4.Length, id);
        l4.CopyTo(f, o);
        return f;
    }

    private byte[] Tcp(IPAddress source, ushort sport, ushort dport, byte flags, byte[] options, byte[] payload)
    {
        int optionLength = (options.Length + 3) & ~3;
        byte[] t = new byte[20 + optionLength + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(t, sport);
        BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(2), dport);
        BinaryPrimitives.WriteUInt32BigEndian(t.AsSpan(4), 1000);
        t[12] = (byte)(((20 + optionLength) / 4) << 4);
        t[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(14), 65535);
        options.CopyTo(t, 20);
        for (int i = 20 + options.Length; i < 20 + optionLength; i++)
        {
            t[i] = 1;
        }

        payload.CopyTo(t, 20 + optionLength);
        return Ip(source, IPAddress.Parse(View.Vip), 6, t);
    }

    private byte[] Udp(IPAddress source, ushort sport, ushort dport, byte[] payload) => Udp(source, IPAddress.Parse(View.Vip), sport, dport, payload);

    private byte[] Udp(IPAddress source, IPAddress destination, ushort sport, ushort dport, byte[] payload)
    {
        byte[] u = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(u, sport);
        BinaryPrimitives.WriteUInt16BigEndian(u.AsSpan(2), dport);
        BinaryPrimitives.WriteUInt16BigEndian(u.AsSpan(4), (ushort)u.Length);
        payload.CopyTo(u, 8);
        return Ip(source, destination, 17, u);
    }

    /// <summary>Splits a UDP datagram into IPv4 fragments (RFC 791) or IPv6 Fragment headers (RFC 8200 section 4.5).</summary>
    private List<byte[]> Fragment(IPAddress source, IPAddress destination, ushort sport, ushort dport, byte[] payload, uint id, int chunk) =>
        IpFragmenter.Fragment(Udp(source, destination, sport, dport, payload), chunk, id);

    private static byte[] Be16(ushort v) => [(byte)(v >> 8), (byte)v];

    /// <summary>An SCTP packet (RFC 9260 section 3) with its CRC32c (appendix A), from chunks of type, flags and value.</summary>
    private static byte[] SctpBuild(ushort sport, ushort dport, uint tag, IEnumerable<(byte Type, byte Flags, byte[] Value)> chunks)
    {
        List<byte> p = [.. Be16(sport), .. Be16(dport), .. Be32(tag), 0, 0, 0, 0];
        foreach ((byte type, byte flags, byte[] value) in chunks)
        {
            p.AddRange([type, flags, .. Be16((ushort)(4 + value.Length)), .. value]);
            while (p.Count % 4 != 0)
            {
                p.Add(0);
            }
        }

        byte[] packet = [.. p];
        BinaryPrimitives.WriteUInt32LittleEndian(packet.AsSpan(8), Crc32c.Compute(packet));
        return packet;
    }

    private static bool SctpChecksumOk(byte[] packet)
    {
        uint stated = BinaryPrimitives.ReadUInt32LittleEndian(packet.AsSpan(8));
        return Crc32c.ComputeSctp(packet) == stated;
    }

    private static byte[] SctpInit(uint initiateTag, uint tsn, IEnumerable<IPAddress> addresses)
    {
        List<byte> v = [.. Be32(initiateTag), .. Be32(65536), 0, 10, 0, 10, .. Be32(tsn)];
        foreach (IPAddress a in addresses)
        {
            v.AddRange([0, 5, 0, 8, .. a.GetAddressBytes()]);
        }

        return [.. v];
    }

    /// <summary>The header fields of an RFC 5424 syslog message.</summary>
    private sealed record Rfc5424(int Priority, int Severity, DateTimeOffset Timestamp, string MessageId)
    {
        public static Rfc5424 Parse(string line)
        {
            int close = line.IndexOf('>', StringComparison.Ordinal);
            Check.That(line.StartsWith('<') && close is > 1 and <= 4, $"'{line}' does not start with an RFC 5424 <PRI>.");
            int pri = int.Parse(line.AsSpan(1, close - 1), CultureInfo.InvariantCulture);
            string[] fields = line[(close + 1)..].Split(' ', 7);
            Check.That(fields.Length == 7 && fields[0] == "1", $"'{line}' is not an RFC 5424 message (VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD).");
            bool timeOk = DateTimeOffset.TryParse(fields[1], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset time);
            Check.That(timeOk, $"'{fields[1]}' is not an RFC 3339 timestamp.");
            return new Rfc5424(pri, pri % 8, time, fields[5]);
        }
    }
}
