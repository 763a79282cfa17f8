// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Abstractions.LoadBalancing;

/// <summary>
/// The load-balancer platform service of a target (an Octavia amphora pair, a MetalLB/IPVS or Envoy fleet, an
/// appliance), seen from outside: create a load balancer with listeners, pools and members; send real client frames to
/// its virtual IP and observe which member got each frame, what it looked like there, and what came back to the client
/// and by which path; fail load-balancer instances, members and zones; scale out; read the service's event log.
/// Every call may do I/O on a real target (namespaces, nftables, sockets), so every call is asynchronous and takes a
/// <see cref="CancellationToken"/>. What a target cannot realise is returned as a refusal value
/// (<see cref="LoadBalancerView.Refusal"/>, <see cref="LbZoneRecovery.Refusal"/>), never faked. The seeded
/// virtual-time failover trial is not here: it is <see cref="ILoadBalancingSimulation"/>, which only a simulating
/// target offers.
/// </summary>
public interface ILoadBalancing
{
    /// <summary>Creates a load balancer and waits until every instance is up.</summary>
    /// <param name="spec">What to create.</param>
    /// <param name="cancellationToken">Cancels the creation.</param>
    /// <returns>The load balancer as created, or a view with <see cref="LoadBalancerView.Refusal"/> set when the target cannot realise the spec.</returns>
    /// <exception cref="ArgumentException">The spec is invalid; the message names the field and what to change.</exception>
    ValueTask<LoadBalancerView> CreateAsync(LoadBalancerSpec spec, CancellationToken cancellationToken = default);

    /// <summary>Deletes a load balancer and everything it holds; unknown names are ignored.</summary>
    /// <param name="loadBalancer">The load balancer's name.</param>
    /// <param name="cancellationToken">Cancels the deletion.</param>
    /// <returns>A task that completes when it is gone.</returns>
    ValueTask DeleteAsync(string loadBalancer, CancellationToken cancellationToken = default);

    /// <summary>Describes a load balancer: its instances, members, health and addresses.</summary>
    /// <param name="loadBalancer">The load balancer's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The current view.</returns>
    ValueTask<LoadBalancerView> DescribeAsync(string loadBalancer, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends one client frame (Ethernet, addressed to <see cref="LoadBalancerView.VipMac"/>) to the load balancer and
    /// returns what it caused: the frames each member received and the frames the client got back.
    /// </summary>
    /// <param name="loadBalancer">The load balancer's name.</param>
    /// <param name="frame">The client frame, from its Ethernet header.</param>
    /// <param name="cancellationToken">Cancels the exchange.</param>
    /// <returns>The exchange.</returns>
    ValueTask<LbExchange> SendAsync(string loadBalancer, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken = default);

    /// <summary>Adds load-balancer instances (capacity) and returns the load balancer afterwards.</summary>
    /// <param name="loadBalancer">The load balancer's name.</param>
    /// <param name="instances">How many instances to add (1 or more).</param>
    /// <param name="cancellationToken">Cancels the scale-out.</param>
    /// <returns>The view afterwards.</returns>
    ValueTask<LoadBalancerView> ScaleOutAsync(string loadBalancer, int instances, CancellationToken cancellationToken = default);

    /// <summary>Crashes one load-balancer instance (process or VM gone, no graceful hand-over).</summary>
    /// <param name="loadBalancer">The load balancer's name.</param>
    /// <param name="instance">The instance's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes once the crash is observed.</returns>
    ValueTask CrashInstanceAsync(string loadBalancer, string instance, CancellationToken cancellationToken = default);

    /// <summary>Fails a whole availability zone under the load balancer (its instances and members in that zone) and lets the service recover.</summary>
    /// <param name="loadBalancer">The load balancer's name.</param>
    /// <param name="zone">The zone.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What the service lost and how it recovered, or a recovery with <see cref="LbZoneRecovery.Refusal"/> set when the target has no zones to fail.</returns>
    ValueTask<LbZoneRecovery> FailZoneAsync(string loadBalancer, string zone, CancellationToken cancellationToken = default);

    /// <summary>Makes a member's service stop (or start again) answering; the load balancer learns it only through its health monitor.</summary>
    /// <param name="loadBalancer">The load balancer's name.</param>
    /// <param name="member">The member's name.</param>
    /// <param name="serving">False to stop the service on the member, true to start it again.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the member's service is in the asked state.</returns>
    ValueTask SetMemberServingAsync(string loadBalancer, string member, bool serving, CancellationToken cancellationToken = default);

    /// <summary>Lets the health monitor run until every member's state matches what its probes see.</summary>
    /// <param name="loadBalancer">The load balancer's name.</param>
    /// <param name="cancellationToken">Cancels the monitor run.</param>
    /// <returns>The time the monitor took to settle.</returns>
    ValueTask<TimeSpan> RunHealthMonitorAsync(string loadBalancer, CancellationToken cancellationToken = default);

    /// <summary>Reads the load balancer's event log, oldest first.</summary>
    /// <param name="loadBalancer">The load balancer's name.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Every event so far.</returns>
    ValueTask<IReadOnlyList<LbEvent>> ReadEventsAsync(string loadBalancer, CancellationToken cancellationToken = default);
}

/// <summary>
/// The simulation-only part of the load-balancer service: a seeded failover trial in virtual time. Only a target that
/// models its load balancers (the emulator) offers it; a real target crashes an instance for real
/// (<see cref="ILoadBalancing.CrashInstanceAsync"/>) but has no virtual time to measure the loss window in. Scenarios
/// that need it carry <c>@requires:</c><see cref="Capability"/>, so they are not applicable, with the reason, on a
/// real target.
/// </summary>
public interface ILoadBalancingSimulation
{
    /// <summary>The feature name a target publishes on its nodes when it offers virtual-time trials (what <c>@requires:</c> tags name).</summary>
    const string Capability = "virtual-time-trials";

    /// <summary>
    /// Runs a seeded trial in virtual time: established connections carry traffic through the load balancer's
    /// instances while one instance crashes; reports lost packets, the time until the crashed instance's connections
    /// were carried again, whether they kept their member, and whether new connections were served afterwards.
    /// </summary>
    /// <param name="loadBalancer">The load balancer's name (created through <see cref="ILoadBalancing"/> of the same target).</param>
    /// <param name="trial">The trial.</param>
    /// <param name="cancellationToken">Cancels the trial.</param>
    /// <returns>The result; the same trial and seed give the same result.</returns>
    ValueTask<LbFailoverResult> RunFailoverTrialAsync(string loadBalancer, LbFailoverTrial trial, CancellationToken cancellationToken = default);
}

/// <summary>The protocol a listener balances.</summary>
public enum LbProtocol
{
    /// <summary>TCP, stateful (a connection stays on its member).</summary>
    Tcp,

    /// <summary>UDP.</summary>
    Udp,

    /// <summary>SCTP (RFC 9260), stateful per association, including multi-homed paths.</summary>
    Sctp,

    /// <summary>TCP aware of multipath TCP (RFC 8684): subflows that join a connection reach its member.</summary>
    MptcpTcp,

    /// <summary>HTTP/1.1, routed by Host and path.</summary>
    Http,

    /// <summary>HTTPS, routed by the TLS ClientHello's server name (SNI) without terminating TLS.</summary>
    Https,

    /// <summary>HTTP/2 (RFC 9113), each stream routed by :authority and :path.</summary>
    Http2,

    /// <summary>QUIC (RFC 9000), routed by destination connection ID so that migrated connections keep their member.</summary>
    Quic,
}

/// <summary>How the load balancer forwards to members.</summary>
public enum LbForwardingMode
{
    /// <summary>Destination NAT (or proxy): the member sees its own address; replies return through the load balancer.</summary>
    Nat,

    /// <summary>L2 Direct Server Return: only the destination MAC is rewritten; the member holds the VIP and replies straight to the client.</summary>
    DirectServerReturn,
}

/// <summary>Syslog severities of RFC 5424 section 6.2.1 (numerical code = value).</summary>
public enum LbSeverity
{
    /// <summary>0: system is unusable.</summary>
    Emergency = 0,

    /// <summary>1: action must be taken immediately.</summary>
    Alert = 1,

    /// <summary>2: critical conditions.</summary>
    Critical = 2,

    /// <summary>3: error conditions.</summary>
    Error = 3,

    /// <summary>4: warning conditions.</summary>
    Warning = 4,

    /// <summary>5: normal but significant condition.</summary>
    Notice = 5,

    /// <summary>6: informational messages.</summary>
    Informational = 6,

    /// <summary>7: debug-level messages.</summary>
    Debug = 7,
}

/// <summary>A load balancer to create.</summary>
/// <param name="Name">Its name, unique on the target.</param>
/// <param name="Vip">The IPv4 virtual IP.</param>
/// <param name="Network">The tenant network it lives on.</param>
/// <param name="Subnet">The subnet (CIDR) of its instances and VIP.</param>
/// <param name="Zones">The availability zones of its local environment; instances are spread over them.</param>
/// <param name="Instances">How many instances to start (2 or more for a resilient load balancer).</param>
/// <param name="Mode">How it forwards to members.</param>
/// <param name="Listeners">Its listeners.</param>
/// <param name="Pools">Its pools.</param>
public sealed record LoadBalancerSpec(
    string Name,
    string Vip,
    string Network,
    string Subnet,
    IReadOnlyList<string> Zones,
    int Instances,
    LbForwardingMode Mode,
    IReadOnlyList<LbListenerSpec> Listeners,
    IReadOnlyList<LbPoolSpec> Pools)
{
    /// <summary>Gets the IPv6 virtual IP, or null for IPv4 only.</summary>
    public string? Vip6 { get; init; }
}

/// <summary>A listener: a protocol and port on the VIP, and where its traffic goes.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Protocol">The protocol.</param>
/// <param name="Port">The port on the VIP.</param>
/// <param name="DefaultPool">The pool for traffic no rule matches.</param>
public sealed record LbListenerSpec(string Name, LbProtocol Protocol, int Port, string DefaultPool)
{
    /// <summary>Gets the L7 rules, first match wins (HTTP, HTTPS, HTTP/2 listeners only).</summary>
    public IReadOnlyList<LbRouteRule> Rules { get; init; } = [];
}

/// <summary>An L7 routing rule.</summary>
/// <param name="Pool">The pool it sends to.</param>
/// <param name="Host">The host (HTTP Host, HTTP/2 :authority, TLS SNI) it matches, case-insensitive, or null for any.</param>
/// <param name="PathPrefix">The path prefix it matches, or null for any (ignored for HTTPS, whose path is encrypted).</param>
public sealed record LbRouteRule(string Pool, string? Host, string? PathPrefix);

/// <summary>A pool of members.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Members">Its members.</param>
public sealed record LbPoolSpec(string Name, IReadOnlyList<LbMemberSpec> Members);

/// <summary>A member (backend).</summary>
/// <param name="Name">Its name, unique in the load balancer.</param>
/// <param name="Address">Its IPv4 address.</param>
/// <param name="Zone">Its availability zone.</param>
/// <param name="Subnet">Its subnet (CIDR).</param>
public sealed record LbMemberSpec(string Name, string Address, string Zone, string Subnet)
{
    /// <summary>Gets its IPv6 address, or null.</summary>
    public string? Address6 { get; init; }
}

/// <summary>A load balancer as the target reports it.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Vip">The IPv4 VIP.</param>
/// <param name="VipMac">The MAC clients (their router) send VIP traffic to.</param>
/// <param name="GatewayMac">The MAC of the router towards clients (replies leave through it).</param>
/// <param name="Network">Its tenant network.</param>
/// <param name="Subnet">Its subnet.</param>
/// <param name="Zones">The zones of its local environment.</param>
/// <param name="Mode">Its forwarding mode.</param>
/// <param name="Instances">Its instances, including crashed ones.</param>
/// <param name="Members">Its members.</param>
public sealed record LoadBalancerView(
    string Name,
    string Vip,
    string VipMac,
    string GatewayMac,
    string Network,
    string Subnet,
    IReadOnlyList<string> Zones,
    LbForwardingMode Mode,
    IReadOnlyList<LbInstanceView> Instances,
    IReadOnlyList<LbMemberView> Members)
{
    /// <summary>Gets the IPv6 VIP, or null.</summary>
    public string? Vip6 { get; init; }

    /// <summary>
    /// Gets why the target cannot realise the spec (a listener protocol or forwarding mode it has no real balancer
    /// for), or null when the load balancer was created. A refused load balancer was not created; the scenario is not
    /// applicable with this reason.
    /// </summary>
    public string? Refusal { get; init; }

    /// <summary>Makes the view of a spec the target refuses to realise.</summary>
    /// <param name="spec">The spec.</param>
    /// <param name="reason">Why, naming what the target lacks.</param>
    /// <returns>A view with no instances or members and <see cref="Refusal"/> set.</returns>
    public static LoadBalancerView Refused(LoadBalancerSpec spec, string reason) =>
        new(spec.Name, spec.Vip, string.Empty, string.Empty, spec.Network, spec.Subnet, spec.Zones, spec.Mode, [], []) { Vip6 = spec.Vip6, Refusal = reason };
}

/// <summary>One load-balancer instance.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Zone">Its availability zone.</param>
/// <param name="Network">Its tenant network.</param>
/// <param name="Subnet">Its subnet.</param>
/// <param name="Address">Its own address on the subnet.</param>
/// <param name="Mac">Its MAC.</param>
/// <param name="Up">True while it runs.</param>
public sealed record LbInstanceView(string Name, string Zone, string Network, string Subnet, string Address, string Mac, bool Up);

/// <summary>One member.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Pool">Its pool.</param>
/// <param name="Address">Its IPv4 address.</param>
/// <param name="Mac">Its MAC.</param>
/// <param name="Zone">Its zone.</param>
/// <param name="Subnet">Its subnet.</param>
/// <param name="Healthy">The health monitor's view of it.</param>
public sealed record LbMemberView(string Name, string Pool, string Address, string Mac, string Zone, string Subnet, bool Healthy);

/// <summary>What one client frame caused.</summary>
/// <param name="Instance">The load-balancer instance that handled it, or null when none did.</param>
/// <param name="Forwarded">The frames members received because of it (none while it is held, several when it releases held fragments).</param>
/// <param name="Replies">The frames the client received back.</param>
/// <param name="DropReason">Why the load balancer dropped it (for example <c>bad_sctp_checksum</c>), or null.</param>
/// <param name="Held">True when the load balancer holds it (a fragment waiting for its first fragment).</param>
public sealed record LbExchange(string? Instance, IReadOnlyList<LbForwardedFrame> Forwarded, IReadOnlyList<LbReplyFrame> Replies, string? DropReason, bool Held);

/// <summary>A frame as a member received it.</summary>
/// <param name="Member">The member.</param>
/// <param name="Pool">Its pool.</param>
/// <param name="Instance">The load-balancer instance that sent it.</param>
/// <param name="Frame">The frame, from its Ethernet header.</param>
public sealed record LbForwardedFrame(string Member, string Pool, string Instance, byte[] Frame);

/// <summary>A frame as the client received it.</summary>
/// <param name="Member">The member that answered, or null when the load balancer answered itself (a proxy's side of the TCP handshake).</param>
/// <param name="ViaInstance">The load-balancer instance it crossed, or null when it went straight to the client.</param>
/// <param name="Frame">The frame, from its Ethernet header.</param>
public sealed record LbReplyFrame(string? Member, string? ViaInstance, byte[] Frame);

/// <summary>One entry of the event log.</summary>
/// <param name="Sequence">Its position in the log (1, 2, ...).</param>
/// <param name="Time">When it happened (the target's clock).</param>
/// <param name="Severity">Its severity.</param>
/// <param name="Kind">What happened (for example <c>member-down</c>, <c>instance-failover</c>, <c>config-change</c>).</param>
/// <param name="Subject">What it is about (a member, an instance, the load balancer).</param>
/// <param name="Message">A sentence for people.</param>
/// <param name="Syslog">The entry as the service emits it, an RFC 5424 syslog message.</param>
public sealed record LbEvent(long Sequence, DateTimeOffset Time, LbSeverity Severity, string Kind, string Subject, string Message, string Syslog);

/// <summary>What a zone failure cost and how the service recovered.</summary>
/// <param name="Zone">The failed zone.</param>
/// <param name="LostInstances">The instances that were in it.</param>
/// <param name="LostMembers">The members that were in it.</param>
/// <param name="Replacements">The instances started to replace the lost ones.</param>
/// <param name="RecoveryTime">The time until the replacements carried traffic.</param>
public sealed record LbZoneRecovery(string Zone, IReadOnlyList<string> LostInstances, IReadOnlyList<string> LostMembers, IReadOnlyList<LbInstanceView> Replacements, TimeSpan RecoveryTime)
{
    /// <summary>Gets why the target cannot fail a zone (a single host has none), or null when it did.</summary>
    public string? Refusal { get; init; }

    /// <summary>Makes the answer of a target that cannot fail a zone.</summary>
    /// <param name="zone">The zone asked for.</param>
    /// <param name="reason">Why.</param>
    /// <returns>A recovery with nothing lost and <see cref="Refusal"/> set.</returns>
    public static LbZoneRecovery Refused(string zone, string reason) => new(zone, [], [], [], TimeSpan.Zero) { Refusal = reason };
}

/// <summary>A failover trial.</summary>
/// <param name="Connections">Established TCP connections carrying traffic.</param>
/// <param name="PacketsPerSecond">The aggregate packet rate.</param>
/// <param name="Duration">How long traffic runs.</param>
/// <param name="CrashInstance">The instance to crash.</param>
/// <param name="CrashAt">When it crashes, from the start.</param>
/// <param name="NewConnectionsAfter">New connections opened once the trial has run, to see that new ones are served.</param>
public sealed record LbFailoverTrial(int Connections, double PacketsPerSecond, TimeSpan Duration, string CrashInstance, TimeSpan CrashAt, int NewConnectionsAfter);

/// <summary>What a failover trial measured.</summary>
/// <param name="PacketsSent">Packets the clients sent.</param>
/// <param name="PacketsLost">Packets no member received.</param>
/// <param name="RecoveryTime">From the crash to the first packet of the crashed instance's connections reaching a member again.</param>
/// <param name="ConnectionsOnCrashedInstance">Connections the crashed instance carried before the crash.</param>
/// <param name="ConnectionsKeptMember">Of those, connections whose packets after the crash all reached the member they had before.</param>
/// <param name="ConnectionsMovedMember">Of those, connections with a packet after the crash at another member (broken connections).</param>
/// <param name="NewConnections">New connections opened after the crash.</param>
/// <param name="NewConnectionsServed">Of those, the ones a member accepted (SYN-ACK back to the client).</param>
public sealed record LbFailoverResult(
    long PacketsSent,
    long PacketsLost,
    TimeSpan RecoveryTime,
    int ConnectionsOnCrashedInstance,
    int ConnectionsKeptMember,
    int ConnectionsMovedMember,
    int NewConnections,
    int NewConnectionsServed);
