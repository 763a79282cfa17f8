// Licensed under the Apache License, Version 2.0.
using Reqnroll;
using NfvConformance.Suites.Drivers;

namespace NfvConformance.Suites.StepDefinitions;

/// <summary>Steps for the load-balancer platform service: resilience, local scaling and recovery, event logs, DSR, fragments and protocol-aware balancing.</summary>
[Binding]
public sealed class LoadBalancingSteps
{
    private readonly LoadBalancingDriver _driver;

    /// <summary>Creates the steps for one scenario.</summary>
    /// <param name="driver">The load-balancer driver.</param>
    public LoadBalancingSteps(LoadBalancingDriver driver) => _driver = driver;

    /// <summary>Declares a load balancer: VIP, subnet, network, zones of its local environment, instances and forwarding mode (nat or dsr).</summary>
    /// <param name="vip">The IPv4 VIP.</param>
    /// <param name="subnet">Its subnet.</param>
    /// <param name="network">Its tenant network.</param>
    /// <param name="zones">Comma-separated zones.</param>
    /// <param name="instances">Instances.</param>
    /// <param name="mode">nat or dsr.</param>
    [Given("a load balancer on VIP {string} in subnet {string} of network {string}, zones {string}, with {int} instances in {word} mode")]
    public void GivenLoadBalancer(string vip, string subnet, string network, string zones, int instances, string mode) =>
        _driver.Declare(vip, subnet, network, zones, instances, mode, null);

    /// <summary>Declares a dual-stack load balancer (an IPv6 VIP as well).</summary>
    /// <param name="vip">The IPv4 VIP.</param>
    /// <param name="vip6">The IPv6 VIP.</param>
    /// <param name="subnet">Its subnet.</param>
    /// <param name="network">Its tenant network.</param>
    /// <param name="zones">Comma-separated zones.</param>
    /// <param name="instances">Instances.</param>
    /// <param name="mode">nat or dsr.</param>
    [Given("a load balancer on VIPs {string} and {string} in subnet {string} of network {string}, zones {string}, with {int} instances in {word} mode")]
    public void GivenDualStack(string vip, string vip6, string subnet, string network, string zones, int instances, string mode) =>
        _driver.Declare(vip, subnet, network, zones, instances, mode, vip6);

    /// <summary>Adds members from a table with member, pool, address, zone, subnet and optional address6 columns.</summary>
    /// <param name="table">The table.</param>
    [Given("its members:")]
    public void GivenMembers(DataTable table) => _driver.AddMembers(Rows(table));

    /// <summary>Adds a listener (tcp, udp, sctp, mptcp, http, https, http2 or quic) on a port with its default pool.</summary>
    /// <param name="name">The listener.</param>
    /// <param name="protocol">The protocol.</param>
    /// <param name="port">The port.</param>
    /// <param name="pool">The default pool.</param>
    [Given("its listener {string} for {word} on port {int} to pool {string}")]
    public void GivenListener(string name, string protocol, int port, string pool) => _driver.AddListener(name, protocol, port, pool);

    /// <summary>Adds an L7 rule to a listener; * matches anything.</summary>
    /// <param name="listener">The listener.</param>
    /// <param name="host">Host or SNI, or *.</param>
    /// <param name="path">Path prefix, or *.</param>
    /// <param name="pool">The pool.</param>
    [Given("listener {string} sends host {string} and path {string} to pool {string}")]
    public void GivenRule(string listener, string host, string path, string pool) => _driver.AddRule(listener, host, path, pool);

    /// <summary>Creates the declared load balancer on the target.</summary>
    [Given("the load balancer is created")]
    public Task GivenCreated() => _driver.CreateAsync();

    /// <summary>Checks how many instances run.</summary>
    /// <param name="minimum">The minimum.</param>
    [Then("the load balancer runs as at least {int} instances")]
    public Task ThenInstances(int minimum) => _driver.CheckRunningInstancesAsync(minimum);

    /// <summary>Runs the target's failover trial: connections carry traffic while one instance crashes, then new connections open.</summary>
    /// <param name="connections">Connections.</param>
    /// <param name="pps">Packets per second.</param>
    /// <param name="durationMs">Duration.</param>
    /// <param name="instance">1-based instance to crash.</param>
    /// <param name="crashMs">When it crashes.</param>
    /// <param name="fresh">New connections afterwards.</param>
    [When("{int} tcp connections carry {int} packets per second for {int} ms while instance {int} crashes at {int} ms, then {int} new connections open")]
    public Task WhenFailover(int connections, int pps, int durationMs, int instance, int crashMs, int fresh) =>
        _driver.RunFailoverAsync(connections, pps, durationMs, instance, crashMs, fresh);

    /// <summary>Checks the crashed instance's connections kept their member.</summary>
    [Then("every connection of the crashed instance kept its member")]
    public void ThenKept() => _driver.CheckConnectionsKeptMember();

    /// <summary>Checks the new connections were answered.</summary>
    [Then("every new connection was served")]
    public void ThenServed() => _driver.CheckNewConnectionsServed();

    /// <summary>Checks the recovery time against a figure and that packets were lost only before recovery.</summary>
    /// <param name="pps">The trial's rate.</param>
    /// <param name="figure">The recovery-time figure.</param>
    [Then("packets at {int} per second were lost only until recovery, within {string}")]
    public void ThenRecovery(int pps, string figure) => _driver.CheckRecovery(figure, pps);

    /// <summary>Scales the load balancer out.</summary>
    /// <param name="count">Instances to add.</param>
    [When("the load balancer scales out by {int} instances")]
    public Task WhenScaleOut(int count) => _driver.ScaleOutAsync(count);

    /// <summary>Checks every running instance is in the subnet, network and zones of the local environment.</summary>
    /// <param name="subnet">The subnet.</param>
    /// <param name="network">The network.</param>
    /// <param name="zones">Comma-separated zones.</param>
    [Then("every running instance is in subnet {string} of network {string} and in zones {string}")]
    public Task ThenLocal(string subnet, string network, string zones) => _driver.CheckInstancesLocalAsync(subnet, network, zones);

    /// <summary>Opens connections from many clients and checks every running instance carried some.</summary>
    /// <param name="clients">Clients.</param>
    /// <param name="port">The port.</param>
    [Then("connections from {int} clients to port {int} use every running instance")]
    public Task ThenSpread(int clients, int port) => _driver.CheckSpreadOverInstancesAsync(clients, port);

    /// <summary>Fails an availability zone.</summary>
    /// <param name="zone">The zone.</param>
    [When("zone {string} fails")]
    public Task WhenZoneFails(string zone) => _driver.FailZoneAsync(zone);

    /// <summary>Checks the service replaced the lost instances, reported its recovery in the event log, and recovered within a figure.</summary>
    /// <param name="zone">The zone.</param>
    /// <param name="figure">The figure.</param>
    [Then("the load balancer replaced its instances of zone {string} and reported its recovery within {string}")]
    public Task ThenZoneRecovered(string zone, string figure) => _driver.CheckZoneRecoveryReportedAsync(zone, figure);

    /// <summary>Opens new connections and checks each was served by a member in a zone, through a running instance.</summary>
    /// <param name="clients">Clients.</param>
    /// <param name="port">The port.</param>
    /// <param name="zone">The zone.</param>
    [Then("{int} new connections to port {int} are served by members in zone {string} through running instances")]
    public Task ThenServedFromZone(int clients, int port, string zone) => _driver.CheckServedFromZoneAsync(clients, port, zone);

    /// <summary>Stops a member's service and lets the health monitor run.</summary>
    /// <param name="member">The member.</param>
    [When("member {string} stops serving and the health monitor runs")]
    public Task WhenMemberStops(string member) => _driver.SetServingAsync(member, false);

    /// <summary>Starts a member's service again and lets the health monitor run.</summary>
    /// <param name="member">The member.</param>
    [When("member {string} serves again and the health monitor runs")]
    public Task WhenMemberServes(string member) => _driver.SetServingAsync(member, true);

    /// <summary>Crashes a load-balancer instance.</summary>
    /// <param name="instance">1-based index.</param>
    [When("load-balancer instance {int} crashes")]
    public Task WhenCrash(int instance) => _driver.CrashAsync(instance);

    /// <summary>Checks the event log holds these events in order with these RFC 5424 severities, and every entry is a consistent RFC 5424 message.</summary>
    /// <param name="table">Rows of kind, subject (a member, "instance N" or "load balancer") and severity.</param>
    [Then("the event log holds, in order, as RFC 5424 messages:")]
    public Task ThenEvents(DataTable table) => _driver.CheckEventsAsync([.. Rows(table)]);

    /// <summary>Opens flows (a TCP SYN or a UDP datagram each) from different clients to a port.</summary>
    /// <param name="flows">Flows.</param>
    /// <param name="protocol">tcp or udp.</param>
    /// <param name="port">The port.</param>
    [When("{int} {word} flows from different clients reach port {int}")]
    public Task WhenFlows(int flows, string protocol, int port) => _driver.OpenFlowsAsync(flows, protocol, port);

    /// <summary>Checks each member got the client's frame with only the Ethernet header changed (L2 DSR).</summary>
    [Then("each member received the client's frame with only the destination MAC rewritten to its own")]
    public Task ThenMacOnly() => _driver.CheckOnlyMacRewrittenAsync();

    /// <summary>Checks each reply went from the member to the client via the router, from the VIP, without crossing the load balancer.</summary>
    [Then("each reply went from the member straight to the client with the VIP as source, bypassing the load balancer")]
    public Task ThenDirect() => _driver.CheckRepliesDirectAsync();

    /// <summary>Sends UDP datagrams as fragments, last fragment first, and checks each datagram's fragments reached one member that reassembled it.</summary>
    /// <param name="datagrams">Datagrams.</param>
    /// <param name="size">Payload bytes.</param>
    /// <param name="client">The client address (IPv4 or IPv6).</param>
    /// <param name="port">The port.</param>
    /// <param name="chunk">Fragment data bytes.</param>
    [Then("{int} udp datagrams of {int} bytes from {string} to port {int}, sent as {int}-byte fragments last first, each reach one member whole")]
    public Task ThenFragments(int datagrams, int size, string client, int port, int chunk) => _driver.CheckFragmentsAsync(datagrams, size, client, port, chunk);

    /// <summary>Opens SCTP associations from multi-homed clients and checks both paths reach the association's member.</summary>
    /// <param name="associations">Associations.</param>
    /// <param name="port">The port.</param>
    [Then("{int} SCTP associations to port {int} from two addresses each keep one member, which acknowledges DATA from both")]
    public Task ThenSctp(int associations, int port) => _driver.CheckSctpMultihomedAsync(associations, port);

    /// <summary>Checks an SCTP packet with a bad CRC32c is dropped.</summary>
    /// <param name="port">The port.</param>
    /// <param name="reason">The drop reason.</param>
    [Then("an SCTP packet to port {int} with a corrupted CRC32c is dropped as {string}")]
    public Task ThenSctpBadCrc(int port, string reason) => _driver.CheckSctpBadChecksumAsync(port, reason);

    /// <summary>Opens MPTCP connections and joins a subflow to each from a second address.</summary>
    /// <param name="connections">Connections.</param>
    /// <param name="port">The port.</param>
    [Then("{int} MPTCP connections to port {int} each join a subflow from a second address that reaches the connection's member")]
    public Task ThenMptcp(int connections, int port) => _driver.CheckMptcpJoinsAsync(connections, port);

    /// <summary>Sends HTTP/1.1 requests on one connection and checks each reached its pool.</summary>
    /// <param name="port">The port.</param>
    /// <param name="table">Rows of host, path and pool.</param>
    [Then("HTTP\\/1.1 requests on one connection to port {int} reach the pool of their host and path:")]
    public Task ThenHttp(int port, DataTable table) => _driver.CheckHttpRoutingAsync(port, [.. Rows(table)]);

    /// <summary>Opens TLS connections and checks each reached the pool of its ClientHello's server name.</summary>
    /// <param name="port">The port.</param>
    /// <param name="table">Rows of sni and pool.</param>
    /// <returns>A task.</returns>
    [Then("TLS connections to port {int} reach the pool of the server name in their ClientHello:")]
    public Task ThenSni(int port, DataTable table) => _driver.CheckSniRoutingAsync(port, [.. Rows(table)]);

    /// <summary>Sends HTTP/2 streams on one connection and checks each reached its pool.</summary>
    /// <param name="port">The port.</param>
    /// <param name="table">Rows of authority, path and pool.</param>
    [Then("HTTP\\/2 streams of one connection to port {int} reach the pool of their :authority and :path:")]
    public Task ThenHttp2(int port, DataTable table) => _driver.CheckHttp2RoutingAsync(port, [.. Rows(table)]);

    /// <summary>Starts QUIC connections, migrates each client, and checks the connection stays on its member.</summary>
    /// <param name="connections">Connections.</param>
    /// <param name="port">The port.</param>
    [Then("{int} QUIC connections to port {int} keep their member after the client migrates to a new address and port")]
    public Task ThenQuic(int connections, int port) => _driver.CheckQuicMigrationAsync(connections, port);

    private static IEnumerable<IReadOnlyDictionary<string, string>> Rows(DataTable table) =>
        table.Rows.Select(r => (IReadOnlyDictionary<string, string>)table.Header.Select((h, i) => (h, i)).ToDictionary(x => x.h, x => r[x.i], StringComparer.Ordinal));
}
