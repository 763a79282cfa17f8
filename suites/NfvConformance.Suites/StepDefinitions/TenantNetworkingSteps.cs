// Licensed under the Apache License, Version 2.0.
using Reqnroll;
using NfvConformance.Suites.Drivers;

namespace NfvConformance.Suites.StepDefinitions;

/// <summary>Steps for tenant networks, their security and their resources, through the target's tenant networking service.</summary>
[Binding]
public sealed class TenantNetworkingSteps
{
    private readonly TenantNetworkingDriver _driver;

    /// <summary>Creates the steps for one scenario.</summary>
    /// <param name="driver">The tenant networking driver.</param>
    public TenantNetworkingSteps(TenantNetworkingDriver driver) => _driver = driver;

    /// <summary>Creates projects (tenants), one per comma-separated alias.</summary>
    /// <param name="aliases">The aliases.</param>
    [Given("projects {string}")]
    public async Task GivenProjects(string aliases) => await _driver.CreateProjectsAsync(aliases);

    /// <summary>Creates an internal or external network with one subnet (or several, comma-separated).</summary>
    /// <param name="project">The project.</param>
    /// <param name="kind">internal or external.</param>
    /// <param name="network">The network alias.</param>
    /// <param name="cidr">The subnet prefix.</param>
    [Given("project {string} has {word} network {string} with subnet {string}")]
    [When("project {string} creates {word} network {string} with subnet {string}")]
    public async Task GivenNetwork(string project, string kind, string network, string cidr) => await _driver.CreateNetworkAsync(project, kind, network, cidr);

    /// <summary>Creates a port on a network, bound to a compute node.</summary>
    /// <param name="port">The port alias.</param>
    /// <param name="project">The project.</param>
    /// <param name="network">The network alias.</param>
    /// <param name="ordinal">first, second or third.</param>
    [Given("port {string} of project {string} on network {string} on the {word} compute node")]
    public async Task GivenPort(string port, string project, string network, string ordinal) => await _driver.CreatePortAsync(port, project, network, ordinal);

    /// <summary>Creates a port that takes the same address as another port (on another network).</summary>
    /// <param name="port">The port alias.</param>
    /// <param name="project">The project.</param>
    /// <param name="network">The network alias.</param>
    /// <param name="ordinal">first, second or third.</param>
    /// <param name="other">The port whose address it takes.</param>
    [Given("port {string} of project {string} on network {string} on the {word} compute node with the address of port {string}")]
    public async Task GivenPortSameAddress(string port, string project, string network, string ordinal, string other) => await _driver.CreatePortAsync(port, project, network, ordinal, other);

    /// <summary>Creates a router on networks, with its gateway (source NAT) on an external network.</summary>
    /// <param name="project">The project.</param>
    /// <param name="router">The router alias.</param>
    /// <param name="networks">Comma-separated network aliases.</param>
    /// <param name="external">The external network alias.</param>
    [Given("project {string} has router {string} on networks {string} with its gateway on {string}")]
    public async Task GivenRouterWithGateway(string project, string router, string networks, string external) => await _driver.CreateRouterAsync(project, router, networks, external);

    /// <summary>Creates a router on networks, without gateway.</summary>
    /// <param name="project">The project.</param>
    /// <param name="router">The router alias.</param>
    /// <param name="networks">Comma-separated network aliases.</param>
    [Given("project {string} has router {string} on networks {string}")]
    public async Task GivenRouter(string project, string router, string networks) => await _driver.CreateRouterAsync(project, router, networks, null);

    /// <summary>Deletes a router.</summary>
    /// <param name="project">The project.</param>
    /// <param name="router">The router alias.</param>
    [When("project {string} deletes router {string}")]
    public async Task WhenDeleteRouter(string project, string router) => await _driver.DeleteRouterAsync(project, router);

    /// <summary>Gives a port a floating IP from an external network.</summary>
    /// <param name="port">The port alias.</param>
    /// <param name="external">The external network alias.</param>
    [Given("port {string} has a floating IP on network {string}")]
    public async Task GivenFloatingIp(string port, string external) => await _driver.AddFloatingIpAsync(port, external);

    /// <summary>Creates a security group with one ingress rule (new groups allow all egress).</summary>
    /// <param name="project">The project.</param>
    /// <param name="group">The group alias.</param>
    /// <param name="protocol">tcp or udp.</param>
    /// <param name="from">Lowest destination port.</param>
    /// <param name="to">Highest destination port.</param>
    /// <param name="prefix">Remote prefix.</param>
    [Given("project {string} has security group {string} admitting {word} ports {int}-{int} from {string}")]
    public async Task GivenGroup(string project, string group, string protocol, int from, int to, string prefix) => await _driver.CreateGroupAsync(project, group, protocol, from, to, prefix);

    /// <summary>Creates a security group with no ingress rule (only the default egress rules).</summary>
    /// <param name="project">The project.</param>
    /// <param name="group">The group alias.</param>
    [Given("project {string} has security group {string} with no ingress rule")]
    public async Task GivenEmptyGroup(string project, string group) => await _driver.CreateGroupAsync(project, group, null, 0, 0, string.Empty);

    /// <summary>Replaces a group's egress rules (all egress, by default) with one egress rule.</summary>
    /// <param name="group">The group alias.</param>
    /// <param name="protocol">tcp or udp.</param>
    /// <param name="from">Lowest destination port.</param>
    /// <param name="to">Highest destination port.</param>
    /// <param name="prefix">Destination prefix.</param>
    [Given("security group {string} lets out only {word} ports {int}-{int} to {string}")]
    public async Task GivenEgress(string group, string protocol, int from, int to, string prefix) => await _driver.RestrictEgressAsync(group, protocol, from, to, prefix);

    /// <summary>Puts a port in a security group instead of the default one.</summary>
    /// <param name="port">The port alias.</param>
    /// <param name="group">The group alias.</param>
    [Given("port {string} is only in security group {string}")]
    public async Task GivenPortGroup(string port, string group) => await _driver.SetGroupAsync(port, group);

    /// <summary>Adds an ingress rule to a project's default group that admits one port's address.</summary>
    /// <param name="project">The project.</param>
    /// <param name="protocol">The protocol.</param>
    /// <param name="port">The trusted port.</param>
    [When("project {string} admits {word} from the address of port {string} in its default security group")]
    public async Task WhenTrust(string project, string protocol, string port) => await _driver.TrustPortInDefaultGroupAsync(project, protocol, port);

    /// <summary>Checks the network service provisions the fabric through a named SDN controller with a border edge.</summary>
    [Given("the network service provisions the fabric through an SDN controller with a border edge")]
    public void GivenController() => _driver.CheckFabricController();

    /// <summary>Creates a BGP VPN to a border VRF and associates a network with it.</summary>
    /// <param name="project">The project.</param>
    /// <param name="vpn">The VPN alias.</param>
    /// <param name="routeTarget">The route target.</param>
    /// <param name="prefix">The VRF's prefix.</param>
    /// <param name="network">The network alias.</param>
    [When("project {string} creates BGP VPN {string} with route target {string} to {string} and associates network {string}")]
    public async Task WhenVpn(string project, string vpn, string routeTarget, string prefix, string network) => await _driver.CreateVpnAsync(project, vpn, routeTarget, prefix, network);

    /// <summary>Checks the probe reached a VPN's border VRF straight from its compute node on the L3 VNI.</summary>
    /// <param name="from">The source port.</param>
    /// <param name="vpn">The VPN alias.</param>
    [Then("the probe from port {string} reached the border VRF of BGP VPN {string}: routed on its compute node, one underlay hop straight to the border edge on the VPN's L3 VNI")]
    public void ThenVrf(string from, string vpn) => _driver.CheckReachedVrf(from, vpn);

    /// <summary>Shares a network with another project (an RBAC policy).</summary>
    /// <param name="owner">The owner.</param>
    /// <param name="network">The network alias.</param>
    /// <param name="target">The trusted project.</param>
    [When("project {string} shares network {string} with project {string}")]
    public async Task WhenShare(string owner, string network, string target) => await _driver.ShareAsync(owner, network, target);

    /// <summary>Tries to attach a port to a network and keeps any refusal.</summary>
    /// <param name="project">The project.</param>
    /// <param name="network">The network alias.</param>
    [When("project {string} tries to attach a port to network {string}")]
    public async Task WhenTryPort(string project, string network) => await _driver.TryCreatePortAsync(project, network);

    /// <summary>Checks the last request was refused as access denied.</summary>
    [Then("the request is refused as access denied")]
    public void ThenRefused() => _driver.CheckRefused();

    /// <summary>Sends one probe (and the destination's reply) from a port to another port.</summary>
    /// <param name="protocol">tcp, udp or icmp.</param>
    /// <param name="from">The source port alias.</param>
    /// <param name="to">The destination port alias, or an IP address.</param>
    /// <param name="port">The destination port number.</param>
    [When("a {word} probe goes from port {string} to {string} port {int}")]
    public async Task WhenProbe(string protocol, string from, string to, int port) => await _driver.ProbeFromPortAsync(protocol, from, to, port);

    /// <summary>Sends one probe over IPv6 from a port to another port's IPv6 address.</summary>
    /// <param name="protocol">tcp, udp or icmp.</param>
    /// <param name="from">The source port alias.</param>
    /// <param name="to">The destination port alias.</param>
    /// <param name="port">The destination port number.</param>
    [When("a {word} probe over IPv6 goes from port {string} to {string} port {int}")]
    public async Task WhenProbeV6(string protocol, string from, string to, int port) => await _driver.ProbeFromPortAsync(protocol, from, to, port, ipv6: true);

    /// <summary>Checks the probe and its reply were IPv6 between the two ports' IPv6 addresses.</summary>
    /// <param name="from">The source port alias.</param>
    /// <param name="to">The destination port alias.</param>
    [Then("the probe and its reply were IPv6 between the IPv6 addresses of ports {string} and {string}")]
    public void ThenIpv6(string from, string to) => _driver.CheckIpv6Between(from, to);

    /// <summary>Sends one probe with a given payload size.</summary>
    /// <param name="protocol">tcp, udp or icmp.</param>
    /// <param name="payload">Payload bytes.</param>
    /// <param name="from">The source port alias.</param>
    /// <param name="to">The destination port alias, or an IP address.</param>
    /// <param name="port">The destination port number.</param>
    [When("a {word} probe with {int} payload bytes goes from port {string} to {string} port {int}")]
    public async Task WhenProbeSized(string protocol, int payload, string from, string to, int port) => await _driver.ProbeFromPortAsync(protocol, from, to, port, payload);

    /// <summary>Sends one probe whose underlay frame gets one bit flipped in transit.</summary>
    /// <param name="protocol">tcp, udp or icmp.</param>
    /// <param name="from">The source port alias.</param>
    /// <param name="to">The destination port alias.</param>
    /// <param name="port">The destination port number.</param>
    [When("a {word} probe from port {string} to {string} port {int} has one bit flipped on the underlay")]
    public async Task WhenTampered(string protocol, string from, string to, int port) =>
        await _driver.ProbeFromPortAsync(protocol, from, to, port, 64, Abstractions.TenantNetworking.UnderlayFault.FlipPayloadBit);

    /// <summary>Sends one probe from a host on an external network to a port's floating IP.</summary>
    /// <param name="protocol">tcp, udp or icmp.</param>
    /// <param name="host">The external host address.</param>
    /// <param name="external">The external network alias.</param>
    /// <param name="alias">The port alias.</param>
    /// <param name="port">The destination port number.</param>
    [When("a {word} probe from external host {string} on network {string} goes to the floating IP of port {string} port {int}")]
    public async Task WhenExternalToFip(string protocol, string host, string external, string alias, int port) =>
        await _driver.ProbeFromExternalAsync(protocol, host, external, "floating IP of port", alias, port);

    /// <summary>Sends one probe from a host on an external network to a router's gateway (source NAT) address.</summary>
    /// <param name="protocol">tcp, udp or icmp.</param>
    /// <param name="host">The external host address.</param>
    /// <param name="external">The external network alias.</param>
    /// <param name="alias">The router alias.</param>
    /// <param name="port">The destination port number.</param>
    [When("a {word} probe from external host {string} on network {string} goes to the gateway address of router {string} port {int}")]
    public async Task WhenExternalToGateway(string protocol, string host, string external, string alias, int port) =>
        await _driver.ProbeFromExternalAsync(protocol, host, external, "gateway address of router", alias, port);

    /// <summary>Checks the probe was delivered to a port and the reply came back.</summary>
    /// <param name="port">The port alias.</param>
    [Then("the probe was delivered to port {string} and its reply came back")]
    public void ThenDelivered(string port) => _driver.CheckDeliveredWithReply(port);

    /// <summary>Checks the probe was dropped for a reason and reached no port.</summary>
    /// <param name="reason">The drop reason.</param>
    [Then("the probe was dropped as {word}")]
    public void ThenDropped(string reason) => _driver.CheckDropped(reason);

    /// <summary>Checks a routed probe went straight between the compute nodes, routed on the source node.</summary>
    /// <param name="from">The source port.</param>
    /// <param name="to">The destination port.</param>
    /// <param name="network">The destination network.</param>
    [Then("the probe from port {string} reached port {string} routed on its own compute node: one underlay hop, straight to the destination node on the VNI of network {string}")]
    public void ThenDistributed(string from, string to, string network) => _driver.CheckDistributedRoute(from, to, network);

    /// <summary>Sends flows, each twice.</summary>
    /// <param name="flows">Flows.</param>
    /// <param name="from">Source port.</param>
    /// <param name="to">Destination port.</param>
    [When("{int} udp flows go from port {string} to port {string}, each twice")]
    public async Task WhenFlows(int flows, string from, string to) => await _driver.SendFlowsAsync(flows, from, to);

    /// <summary>Checks the flows crossed the underlay as VXLAN on the network's VNI, inner frames intact.</summary>
    /// <param name="network">The network alias.</param>
    [Then("every flow crossed the underlay as VXLAN with the VNI of network {string}, its inner frame unchanged")]
    public void ThenVxlan(string network) => _driver.CheckFlowsOverVxlan(network);

    /// <summary>Checks the outer source ports spread the flows and stay fixed per flow.</summary>
    /// <param name="minimum">Fewest distinct ports.</param>
    [Then("the outer UDP source ports on the wire take at least {int} distinct values in 49152-65535, one per flow")]
    public void ThenEntropy(int minimum) => _driver.CheckEntropy(minimum);

    /// <summary>Checks the probe left on the external network from its router's gateway address (source NAT), and the reply came back untranslated.</summary>
    /// <param name="external">The external network alias.</param>
    /// <param name="router">The router alias.</param>
    /// <param name="from">The sending port.</param>
    [Then("on network {string} the probe came from the gateway address of router {string} with valid checksums, and the reply reached port {string} at its own address and port")]
    public void ThenSnat(string external, string router, string from) => _driver.CheckTranslatedOut(external, "gateway address of router", router, from);

    /// <summary>Checks the probe left on the external network from the port's floating IP, and the reply came back untranslated.</summary>
    /// <param name="external">The external network alias.</param>
    /// <param name="port">The port alias (with the floating IP).</param>
    /// <param name="from">The sending port.</param>
    [Then("on network {string} the probe came from the floating IP of port {string} with valid checksums, and the reply reached port {string} at its own address and port")]
    public void ThenFipOut(string external, string port, string from) => _driver.CheckTranslatedOut(external, "floating IP of port", port, from);

    /// <summary>Checks an inbound probe to a floating IP reached the port's fixed address and the reply left from the floating IP.</summary>
    /// <param name="port">The port alias.</param>
    /// <param name="external">The external network alias.</param>
    [Then("the probe reached port {string} at its fixed address, and the reply left on network {string} from its floating IP")]
    public void ThenDnat(string port, string external) => _driver.CheckTranslatedIn(port, external);

    /// <summary>Checks the probe reached its port and another tenant's port with the same address saw nothing.</summary>
    /// <param name="port">The intended port.</param>
    /// <param name="other">The other tenant's port.</param>
    [Then("the probe reached port {string} on its own network's VNI, and port {string} with the same address received nothing")]
    public async Task ThenIsolated(string port, string other) => await _driver.CheckIsolatedAsync(port, other);

    /// <summary>Checks every node's underlay address is unreachable from a tenant port.</summary>
    /// <param name="from">The port alias.</param>
    [Then("probes from port {string} to the underlay address of every node are dropped as UnderlayUnreachable")]
    public async Task ThenUnderlayUnreachable(string from) => await _driver.CheckUnderlayUnreachableAsync(from);

    /// <summary>Checks the probe's underlay frames were addressed between node underlay addresses only.</summary>
    [Then("the probe's underlay frames were addressed between node underlay addresses only")]
    public void ThenUnderlayAddressing() => _driver.CheckUnderlayAddressing();

    /// <summary>Checks the probe's underlay frames were ESP in UDP, without its payload or addresses in clear.</summary>
    [Then("the probe's underlay frames were ESP in UDP and carried neither its payload nor its addresses in clear")]
    public void ThenCiphertext() => _driver.CheckUnderlayCiphertext();

    /// <summary>Runs a flood next to a victim flow over one uplink.</summary>
    /// <param name="attacker">The attacker project.</param>
    /// <param name="attackerFrom">Attacker source port.</param>
    /// <param name="attackerTo">Attacker destination port.</param>
    /// <param name="attackerLoad">Attacker load in uplinks.</param>
    /// <param name="victim">The victim project.</param>
    /// <param name="victimFrom">Victim source port.</param>
    /// <param name="victimTo">Victim destination port.</param>
    /// <param name="victimLoad">Victim load in uplinks.</param>
    [When("project {string} floods from port {string} to port {string} at {double} times the uplink while project {string} sends from port {string} to port {string} at {double} of it")]
    public void WhenFlood(string attacker, string attackerFrom, string attackerTo, double attackerLoad, string victim, string victimFrom, string victimTo, double victimLoad) =>
        _driver.Contend(attacker, attackerFrom, attackerTo, attackerLoad, victim, victimFrom, victimTo, victimLoad);

    /// <summary>Checks the victim's loss against a figure while the flood overloaded the uplink.</summary>
    /// <param name="key">The figure.</param>
    [Then("the flood overloaded the uplink, and the other project's flow lost at most {string}")]
    public void ThenVictim(string key) => _driver.CheckVictimLoss(key);

    /// <summary>Checks a timed network operation against a figure.</summary>
    /// <param name="operation">creation, update or deletion.</param>
    /// <param name="network">The network alias.</param>
    /// <param name="key">The figure.</param>
    [Then("the {word} of network {string} took at most {string}")]
    public void ThenTime(string operation, string network, string key) => _driver.CheckTime(operation, network, key);

    /// <summary>Changes a network's MTU.</summary>
    /// <param name="project">The project.</param>
    /// <param name="network">The network alias.</param>
    /// <param name="mtu">The MTU.</param>
    [When("project {string} sets the MTU of network {string} to {int}")]
    public async Task WhenMtu(string project, string network, int mtu) => await _driver.SetMtuAsync(project, network, mtu);

    /// <summary>Deletes a network (after the scenario's ports on it).</summary>
    /// <param name="project">The project.</param>
    /// <param name="network">The network alias.</param>
    [When("project {string} deletes network {string} with its ports")]
    public async Task WhenDeleteNetwork(string project, string network) => await _driver.DeleteNetworkAsync(project, network);

    /// <summary>Checks two ports reach each other.</summary>
    /// <param name="a">A port.</param>
    /// <param name="b">Another port.</param>
    [Then("port {string} reaches port {string} and gets the reply")]
    public async Task ThenReach(string a, string b) => await _driver.CheckReachAsync(a, b);

    /// <summary>Checks the MTU is in force on the next frames.</summary>
    /// <param name="over">Over-MTU payload.</param>
    /// <param name="under">Within-MTU payload.</param>
    /// <param name="from">Source port.</param>
    /// <param name="to">Destination port.</param>
    [Then("a udp probe with {int} payload bytes is dropped as ExceedsMtu and one with {int} is delivered, from port {string} to port {string}")]
    public async Task ThenMtu(int over, int under, string from, string to) => await _driver.CheckMtuEnforcedAsync(over, under, from, to);

    /// <summary>Checks a project lists a network as ACTIVE with an MTU.</summary>
    /// <param name="project">The project.</param>
    /// <param name="network">The network alias.</param>
    /// <param name="mtu">The MTU.</param>
    [Then("project {string} lists network {string} as ACTIVE with MTU {int}")]
    public async Task ThenListed(string project, string network, int mtu) => await _driver.CheckListedAsync(project, network, true, mtu);

    /// <summary>Checks a deleted network is gone: not listed, and no port can be put on it.</summary>
    /// <param name="network">The network alias.</param>
    /// <param name="project">The project.</param>
    [Then("network {string} is no longer listed for project {string} and takes no port")]
    public async Task ThenGone(string network, string project)
    {
        await _driver.CheckListedAsync(project, network, false);
        await _driver.CheckNoPortOnAsync(project, network);
    }

    /// <summary>Marks the notifications read so far for projects.</summary>
    /// <param name="projects">Comma-separated project aliases.</param>
    [Given("the notifications of projects {string} were read")]
    public async Task GivenMark(string projects)
    {
        foreach (string p in projects.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            await _driver.MarkEventsAsync(p);
        }
    }

    /// <summary>Checks a project's notifications since the mark, in order.</summary>
    /// <param name="project">The project.</param>
    /// <param name="table">Rows of event and status.</param>
    [Then("project {string} was notified, in order, of:")]
    public async Task ThenEvents(string project, DataTable table) =>
        await _driver.CheckEventsAsync(project, table.Rows.Select(r => (r["event"], r["status"])).ToList());

    /// <summary>Checks a project got no notification since the mark.</summary>
    /// <param name="project">The project.</param>
    [Then("project {string} was notified of nothing")]
    public async Task ThenNoEvents(string project) => await _driver.CheckNoEventsAsync(project);

    /// <summary>Tags a network or a port.</summary>
    /// <param name="alias">The network or port alias.</param>
    /// <param name="tags">Comma-separated tags.</param>
    [Given("{string} is tagged {string}")]
    public async Task GivenTagged(string alias, string tags) => await _driver.TagAsync(alias, tags);

    /// <summary>Checks tag filters, one per row.</summary>
    /// <param name="project">The project.</param>
    /// <param name="table">Rows of filter (all, any, not), tags and the networks expected.</param>
    [Then("listing the networks of project {string} by tags gives:")]
    public async Task ThenTagFilters(string project, DataTable table)
    {
        foreach (DataTableRow row in table.Rows)
        {
            await _driver.CheckTagFilterAsync(project, row["filter"], row["tags"], row["networks"]);
        }
    }

    /// <summary>Checks a project's usage counts.</summary>
    /// <param name="project">The project.</param>
    /// <param name="networks">Networks.</param>
    /// <param name="subnets">Subnets.</param>
    /// <param name="ports">Ports.</param>
    /// <param name="volumes">Volumes.</param>
    [Then("the usage of project {string} shows {int} networks, {int} subnets, {int} ports and {int} volumes")]
    public async Task ThenUsage(string project, int networks, int subnets, int ports, int volumes) => await _driver.CheckUsageAsync(project, networks, subnets, ports, volumes);

    /// <summary>Sends probes and checks the ports' traffic counters grew by exactly them.</summary>
    /// <param name="count">Probes.</param>
    /// <param name="payload">Payload bytes.</param>
    /// <param name="from">Source port.</param>
    /// <param name="to">Destination port.</param>
    [Then("after {int} udp probes with {int} payload bytes from port {string} to port {string}, both ports' usage counters grew by exactly those frames and bytes")]
    public async Task ThenCounters(int count, int payload, string from, string to) => await _driver.CheckCountersFollowProbesAsync(count, payload, from, to);

    /// <summary>Asks for another project's usage.</summary>
    /// <param name="requester">The asking project.</param>
    /// <param name="owner">The owner.</param>
    [When("project {string} asks for the usage of project {string}")]
    public async Task WhenForeignUsage(string requester, string owner) => await _driver.TryReadUsageAsync(requester, owner);

    /// <summary>Creates a volume and checks the pool's allocation.</summary>
    /// <param name="project">The project.</param>
    /// <param name="size">GiB.</param>
    /// <param name="volume">The volume alias.</param>
    [When("project {string} creates a {int} GiB volume {string}")]
    public async Task WhenVolume(string project, int size, string volume) => await _driver.CreateVolumeAsync(project, size, volume);

    /// <summary>Attaches a volume to a port's workload, writes and reads back.</summary>
    /// <param name="volume">The volume alias.</param>
    /// <param name="port">The port alias.</param>
    /// <param name="bytes">Bytes.</param>
    /// <param name="offset">Offset.</param>
    [Then("volume {string} attached to the workload of port {string} returns the {int} bytes written at offset {int}")]
    public async Task ThenVolumeIo(string volume, string port, int bytes, int offset) => await _driver.AttachWriteReadAsync(volume, port, bytes, offset);

    /// <summary>Detaches and deletes a volume and checks the capacity came back.</summary>
    /// <param name="volume">The volume alias.</param>
    [Then("after volume {string} is detached and deleted the pool's allocation is what it was before")]
    public async Task ThenVolumeGone(string volume) => await _driver.DetachDeleteAsync(volume);

    /// <summary>Checks a volume's data at rest is ciphertext and tamper-evident.</summary>
    /// <param name="volume">The volume alias.</param>
    /// <param name="bytes">Bytes written.</param>
    /// <param name="offset">Offset.</param>
    [Then("the storage back end holds those {int} bytes of volume {string} at offset {int} only as ciphertext, and a bit flipped there fails the next read")]
    public async Task ThenVolumeProtected(int bytes, string volume, int offset) => await _driver.CheckVolumeProtectedAsync(volume, bytes, offset);
}
