// Licensed under the Apache License, Version 2.0.
using Reqnroll;
using NfvConformance.Suites.Drivers;

namespace NfvConformance.Suites.StepDefinitions;

/// <summary>Steps for Kubernetes Services, Ingress, the Gateway API and the egress controller.</summary>
[Binding]
public sealed class ServiceExposureSteps
{
    private readonly ServiceExposureDriver _driver;

    /// <summary>Creates the steps for one scenario.</summary>
    /// <param name="driver">The service-exposure driver.</param>
    public ServiceExposureSteps(ServiceExposureDriver driver) => _driver = driver;

    /// <summary>Creates the scenario's namespace and starts the pods of the table (columns pod, labels).</summary>
    /// <param name="table">The pods.</param>
    [Given("the scenario's namespace runs the pods:")]
    public Task GivenPods(DataTable table) => _driver.StartPodsAsync(table.Rows.Select(r => (r["pod"], r["labels"])).ToList());

    /// <summary>Makes the scenario not applicable when the target offers no egress controller.</summary>
    [Given("the target offers an egress controller")]
    public void GivenEgress() => _driver.RequireEgressController();

    /// <summary>Makes the scenario not applicable when the target serves no GatewayClass.</summary>
    [Given("the target serves the Gateway API")]
    public void GivenGatewayApi() => _driver.RequireGatewayApi();

    /// <summary>Applies Services, Ingress, Gateway API objects or egress policies (doc string; ${namespace}, ${scenario} and ${gatewayClass} are replaced).</summary>
    /// <param name="yaml">The manifests.</param>
    [Given("the manifests are applied:")]
    [When("the manifests are applied:")]
    public Task Apply(string yaml) => _driver.ApplyAsync(yaml);

    /// <summary>Checks a Service has a cluster IP per family, in the service ranges.</summary>
    /// <param name="name">The Service.</param>
    [Then("Service {string} has one cluster IP per IP family, in the cluster's service ranges")]
    public Task ThenClusterIps(string name) => _driver.CheckClusterIpsAsync(name);

    /// <summary>Checks a Service got a load-balancer address from the pools.</summary>
    /// <param name="name">The Service.</param>
    [Then("Service {string} is given a load-balancer address from the target's pools")]
    public Task ThenLoadBalancer(string name) => _driver.CheckLoadBalancerAddressAsync(name);

    /// <summary>Probes flows from outside to an address of a Service and checks they spread over every ready pod, each seeing its primary address.</summary>
    /// <param name="flows">Flows.</param>
    /// <param name="protocol">tcp or udp.</param>
    /// <param name="address">load-balancer, cluster or cluster-ipv6.</param>
    /// <param name="name">The Service.</param>
    [Then("{int} {word} flows from outside to the {word} address of Service {string} reach every ready pod on its primary interface, every answer coming back from the address dialed")]
    public Task ThenSpreadFromOutside(int flows, string protocol, string address, string name) => _driver.CheckFlowsSpreadAsync(flows, protocol, address, name, null);

    /// <summary>Probes flows from a pod to an address of a Service and checks they spread over every ready pod.</summary>
    /// <param name="flows">Flows.</param>
    /// <param name="protocol">tcp or udp.</param>
    /// <param name="pod">The sending pod.</param>
    /// <param name="address">cluster or cluster-ipv6.</param>
    /// <param name="name">The Service.</param>
    [Then("{int} {word} flows from pod {string} to the {word} address of Service {string} reach every ready pod on its primary interface, every answer coming back from the address dialed")]
    public Task ThenSpreadFromPod(int flows, string protocol, string pod, string address, string name) => _driver.CheckFlowsSpreadAsync(flows, protocol, address, name, pod);

    /// <summary>Checks the external router learned a Service's address from several nodes.</summary>
    /// <param name="name">The Service.</param>
    /// <param name="nodes">The least number of nodes.</param>
    [Then("the external router has a route to Service {string}'s address from at least {int} nodes, each via that node's own address")]
    public Task ThenAdvertised(string name, int nodes) => _driver.CheckAdvertisedAsync(name, nodes);

    /// <summary>Checks flows from outside enter through several nodes.</summary>
    /// <param name="flows">Flows.</param>
    /// <param name="name">The Service.</param>
    /// <param name="nodes">The least number of nodes.</param>
    [Then("{int} flows from outside to Service {string} are all delivered, entering the cluster through at least {int} nodes")]
    public Task ThenEcmp(int flows, string name, int nodes) => _driver.CheckEntersThroughNodesAsync(flows, name, nodes);

    /// <summary>Deletes a Service.</summary>
    /// <param name="name">The Service.</param>
    [When("Service {string} is deleted")]
    public Task WhenDeleted(string name) => _driver.DeleteServiceAsync(name);

    /// <summary>Checks the deleted Service's address is withdrawn and unreachable.</summary>
    [Then("the external router no longer has a route to its address, and a probe to it is not delivered")]
    public Task ThenWithdrawn() => _driver.CheckWithdrawnAsync();

    /// <summary>Checks a Service's node ports lie in a range.</summary>
    /// <param name="name">The Service.</param>
    /// <param name="first">The first port.</param>
    /// <param name="last">The last port.</param>
    [Then("Service {string} has a node port between {int} and {int}")]
    public Task ThenNodePortRange(string name, int first, int last) => _driver.CheckNodePortRangeAsync(name, first, last);

    /// <summary>Probes every node address at a Service's node port from outside.</summary>
    /// <param name="protocol">tcp or udp.</param>
    /// <param name="name">The Service.</param>
    [Then("a {word} probe from outside to every node's address at that node port reaches a ready pod of Service {string}")]
    public Task ThenNodePortEverywhere(string protocol, string name) => _driver.CheckNodePortOnEveryNodeAsync(protocol, name);

    /// <summary>Checks the cluster DNS answers an ExternalName Service with a CNAME.</summary>
    /// <param name="name">The Service.</param>
    /// <param name="target">The external name.</param>
    [Then("a pod of the namespace resolving {string} gets a CNAME to {string} from the cluster DNS, and the Service has no cluster IP")]
    public Task ThenExternalName(string name, string target) => _driver.CheckExternalNameAsync(name, target);

    /// <summary>Sends HTTP/1.1 requests through an Ingress (port 80) and checks where each lands (columns host, path, service; service - means 404).</summary>
    /// <param name="name">The Ingress.</param>
    /// <param name="table">The requests.</param>
    [Then("HTTP requests from outside through Ingress {string} reach the pods of the Service of their host and path:")]
    public Task ThenIngress(string name, DataTable table) =>
        _driver.CheckHttpRoutingAsync("Ingress", name, 80, table.Rows.Select(r => (r["host"], r["path"], r["service"])).ToList());

    /// <summary>Sends HTTP/1.1 requests through a Gateway listener and checks where each lands.</summary>
    /// <param name="name">The Gateway.</param>
    /// <param name="port">The listener port.</param>
    /// <param name="table">The requests.</param>
    [Then("HTTP requests from outside through Gateway {string} port {int} reach the pods of the Service of their host and path:")]
    public Task ThenGateway(string name, int port, DataTable table) =>
        _driver.CheckHttpRoutingAsync("Gateway", name, port, table.Rows.Select(r => (r["host"], r["path"], r["service"])).ToList());

    /// <summary>Checks a Gateway's attached routes.</summary>
    /// <param name="name">The Gateway.</param>
    /// <param name="routes">The number of routes.</param>
    [Then("Gateway {string} lists {int} attached HTTPRoute(s)")]
    public Task ThenGatewayRoutes(string name, int routes) => _driver.CheckGatewayRoutesAsync(name, routes);

    /// <summary>Checks egress flows leave from a fixed set of sources, all used, each flow consistent.</summary>
    /// <param name="flows">Flows.</param>
    /// <param name="protocol">tcp or udp.</param>
    /// <param name="pod">The pod.</param>
    /// <param name="destination">The destination.</param>
    /// <param name="port">The port.</param>
    /// <param name="sources">The source addresses, comma-separated.</param>
    [Then("{int} {word} flows from pod {string} to {string} port {int}, each sent twice, leave with sources {string}, all used and each flow always from the same one")]
    public Task ThenEgressSources(int flows, string protocol, string pod, string destination, int port, string sources) =>
        _driver.CheckEgressSourcesAsync(flows, protocol, pod, destination, port, sources);

    /// <summary>Checks where an egress packet arrived, its VLAN tag on the trunk and its source.</summary>
    /// <param name="protocol">tcp or udp.</param>
    /// <param name="pod">The pod.</param>
    /// <param name="destination">The destination.</param>
    /// <param name="port">The port.</param>
    /// <param name="network">The external network.</param>
    /// <param name="source">An address, pod, or service NAME.</param>
    [Then("a {word} packet from pod {string} to {string} port {int} arrives in network {string} with that network's VLAN tag and source {string}")]
    public Task ThenEgressArrival(string protocol, string pod, string destination, int port, string network, string source) =>
        _driver.CheckEgressArrivalAsync(protocol, pod, destination, port, network, source);

    /// <summary>Checks two external networks both route a destination.</summary>
    /// <param name="first">A network.</param>
    /// <param name="second">Another.</param>
    /// <param name="destination">The destination.</param>
    [Then("networks {string} and {string} both route {string}")]
    public void ThenOverlap(string first, string second, string destination) => _driver.CheckOverlap(first, second, destination);

    /// <summary>Checks a probe from outside to a Service's load-balancer address reaches a pod.</summary>
    /// <param name="name">The Service.</param>
    /// <param name="pod">The pod.</param>
    [Then("a probe from outside to Service {string}'s load-balancer address reaches pod {string}")]
    public Task ThenReachesPod(string name, string pod) => _driver.CheckReachesPodAsync(name, pod);
}
