// Licensed under the Apache License, Version 2.0.
using Reqnroll;
using NfvConformance.Suites.Drivers;

namespace NfvConformance.Suites.StepDefinitions;

/// <summary>Steps for the container platform: Kubernetes manifests in, pods, nodes, CNI and probes out.</summary>
[Binding]
public sealed class ContainerPlatformSteps
{
    private readonly ContainerPlatformDriver _driver;

    /// <summary>Creates the steps for one scenario.</summary>
    /// <param name="driver">The container platform driver.</param>
    public ContainerPlatformSteps(ContainerPlatformDriver driver) => _driver = driver;

    /// <summary>Applies Kubernetes manifests (namespaces and IP pools get a run-unique suffix; <c>${node1}</c>, <c>${node2}</c> name nodes) and checks every document was accepted.</summary>
    /// <param name="manifests">The YAML documents.</param>
    [Given("the Kubernetes manifests are applied:")]
    public Task GivenApplied(string manifests) => _driver.ApplyAsync(manifests);

    /// <summary>Applies Kubernetes manifests and checks every document was accepted.</summary>
    /// <param name="manifests">The YAML documents.</param>
    [When("the Kubernetes manifests are applied:")]
    public Task WhenApplied(string manifests) => _driver.ApplyAsync(manifests);

    /// <summary>Applies the last manifests again and checks every object is reported unchanged.</summary>
    [Then("applying the same manifests again leaves every object unchanged")]
    public Task ThenReapplyUnchanged() => _driver.CheckReapplyUnchangedAsync();

    /// <summary>Applies manifests and checks the API server refuses one with a reason.</summary>
    /// <param name="reason">Text the refusal contains.</param>
    /// <param name="manifests">The documents.</param>
    [Then("the API server refuses these manifests with {string}:")]
    public Task ThenRefused(string reason, string manifests) => _driver.CheckRejectedAsync(reason, manifests);

    /// <summary>Checks the API server serves resources given as <c>apiVersion Kind</c>.</summary>
    /// <param name="list">Comma-separated resources.</param>
    [Then("the API server serves {string}")]
    public Task ThenServes(string list) => _driver.CheckServesAsync(list);

    /// <summary>Deletes an object.</summary>
    /// <param name="kind">The kind.</param>
    /// <param name="reference">namespace/name.</param>
    [When("the {word} {string} is deleted")]
    public Task WhenDeleted(string kind, string reference) => _driver.DeleteAsync(kind, reference);

    /// <summary>Checks pods run.</summary>
    /// <param name="list">namespace/name, comma-separated.</param>
    [Then("pod(s) {string} is/are running")]
    public Task ThenRunning(string list) => _driver.CheckRunningAsync(list);

    /// <summary>Checks pods run, as a precondition.</summary>
    /// <param name="list">namespace/name, comma-separated.</param>
    [Given("pod(s) {string} is/are running")]
    public Task GivenRunning(string list) => _driver.CheckRunningAsync(list);

    /// <summary>Checks pods run on pairwise different nodes.</summary>
    /// <param name="list">namespace/name, comma-separated.</param>
    [Then("pods {string} run on different nodes")]
    public Task ThenDifferentNodes(string list) => _driver.CheckDifferentNodesAsync(list);

    /// <summary>Checks a pod stays in a status with a reason.</summary>
    /// <param name="reference">The pod.</param>
    /// <param name="status">The kubectl STATUS expected.</param>
    /// <param name="reason">Text a condition or event contains.</param>
    /// <remarks>Reqnroll's <c>{string}</c> keeps a backslash-escaped quote as written (<c>\"</c>); the reason is matched with the escape removed, as Cucumber's own <c>{string}</c> does.</remarks>
    [Then("pod {string} stays {string} with a reason containing {string}")]
    public Task ThenStuck(string reference, string status, string reason) => _driver.CheckStuckAsync(reference, status, reason.Replace("\\\"", "\"", StringComparison.Ordinal));

    /// <summary>Sends probes from a table and checks each outcome (from, over, protocol, to, port, outcome, source seen, optional reason).</summary>
    /// <param name="table">The probes.</param>
    [Then("the probes have these outcomes:")]
    public Task ThenProbes(DataTable table) => _driver.CheckProbesAsync(Rows(table));

    /// <summary>Checks a pod's network-status annotation, entry by entry, against the table and the pod's own interfaces.</summary>
    /// <param name="reference">The pod.</param>
    /// <param name="table">name, interface, addresses in, default.</param>
    [Then("the network-status of pod {string} lists:")]
    public Task ThenNetworkStatus(string reference, DataTable table) => _driver.CheckNetworkStatusAsync(reference, Rows(table));

    /// <summary>Checks a pod's default route of a family leaves by an interface with a MAC.</summary>
    /// <param name="family">IPv4 or IPv6.</param>
    /// <param name="reference">The pod.</param>
    /// <param name="iface">The interface.</param>
    /// <param name="mac">The MAC.</param>
    [Then("the {word} default route of pod {string} leaves by {word}, whose MAC is {string}")]
    public Task ThenDefaultRoute(string family, string reference, string iface, string mac) => _driver.CheckDefaultRouteAsync(family, reference, iface, mac);

    /// <summary>Checks the addresses pods hold on an interface are all different and inside a range.</summary>
    /// <param name="iface">The interface.</param>
    /// <param name="list">The pods.</param>
    /// <param name="range">The range.</param>
    [Then("the {word} addresses of pods {string} are all different and inside {string}")]
    public Task ThenDistinct(string iface, string list, string range) => _driver.CheckDistinctAddressesAsync(iface, list, range);

    /// <summary>Checks every pod of a namespace has its addresses inside ranges.</summary>
    /// <param name="ns">The namespace.</param>
    /// <param name="ranges">CIDRs.</param>
    [Then("every pod of namespace {string} has its pod IPs inside {string}")]
    public Task ThenNamespaceAddresses(string ns, string ranges) => _driver.CheckNamespaceAddressesAsync(ns, ranges);

    /// <summary>Checks pools overlap neither each other, the cluster's pod and service ranges, nor node addresses.</summary>
    /// <param name="ranges">The pools' CIDRs.</param>
    [Then("the pools {string} overlap neither each other, the cluster's default pod and service ranges, nor any node address")]
    public Task ThenPoolsApart(string ranges) => _driver.CheckPoolsApartAsync(ranges);

    /// <summary>Checks every node's CNI configuration: identical on all nodes, a CNI conflist, no kubenet.</summary>
    [Then("every node has the same CNI network configuration list for the default network, and the kubelet does not use kubenet")]
    public Task ThenCniConfig() => _driver.CheckCniConfigurationAsync(metaPluginFirst: false);

    /// <summary>Checks every node runs the meta-plugin first, delegating the default network to a CNI plugin.</summary>
    [Then("every node's first CNI configuration is the meta-plugin, delegating the cluster default network to a CNI plugin list")]
    public Task ThenMetaPluginConfig() => _driver.CheckCniConfigurationAsync(metaPluginFirst: true);

    /// <summary>Invokes the default network's plugins directly with ADD, CHECK and DEL and checks the results against the CNI specification.</summary>
    /// <param name="node">The node.</param>
    [Then("CNI ADD, CHECK and DEL of the default network on node {string} behave as the CNI specification requires")]
    public Task ThenCniOperations(string node) => _driver.CheckCniOperationsAsync(node);

    /// <summary>Checks the cluster, its components and its nodes are configured for IPv4 and IPv6.</summary>
    [Then("the API server, controller manager, kubelet and kube-proxy are configured for IPv4 and IPv6, and every node has an address and a pod range of each family")]
    public Task ThenDualStackConfig() => _driver.CheckDualStackConfigurationAsync();

    /// <summary>Checks pods have an IPv4 and an IPv6 pod IP inside the cluster's pod ranges.</summary>
    /// <param name="list">The pods.</param>
    [Then("pods {string} each have an IPv4 and an IPv6 pod IP from the cluster's pod ranges")]
    public Task ThenDualStackPods(string list) => _driver.CheckDualStackPodsAsync(list);

    /// <summary>Reads a node's host interfaces to compare later.</summary>
    /// <param name="node">The node.</param>
    [Given("the host interfaces of node {string} were recorded")]
    public Task GivenRecorded(string node) => _driver.RecordHostInterfacesAsync(node);

    /// <summary>Checks a node's host interfaces changed only by what the pod owns.</summary>
    /// <param name="node">The node.</param>
    /// <param name="reference">The pod.</param>
    [Then("node {string} differs from its recorded interfaces only by the veth and the VFs of pod {string}")]
    public Task ThenOnlyPods(string node, string reference) => _driver.CheckHostInterfacesOnlyPodsAsync(node, reference);

    /// <summary>Checks a node has exactly its recorded host interfaces.</summary>
    /// <param name="node">The node.</param>
    [Then("node {string} has exactly its recorded interfaces again")]
    public Task ThenAsRecorded(string node) => _driver.CheckHostInterfacesAsRecordedAsync(node);

    /// <summary>Checks a sidecar started first, runs beside the main container and shares its network.</summary>
    /// <param name="sidecar">The sidecar.</param>
    /// <param name="reference">The pod.</param>
    /// <param name="main">The main container.</param>
    [Then("sidecar {string} of pod {string} started before container {string}, still runs, and shares its network namespace and interfaces")]
    public Task ThenSidecar(string sidecar, string reference, string main) => _driver.CheckSidecarAsync(reference, sidecar, main);

    /// <summary>Checks every node advertises the free VFs of its NICs of a driver as an extended resource.</summary>
    /// <param name="resource">The resource.</param>
    /// <param name="driver">The NIC driver.</param>
    [Then("every node advertises as {string} exactly the free SR-IOV VFs the hardware inventory lists on its {string} NICs")]
    public Task ThenDeviceResources(string resource, string driver) => _driver.CheckDeviceResourcesAsync(resource, driver);

    /// <summary>Checks a pod's interface is backed by the device the device plugin allocated to it.</summary>
    /// <param name="reference">The pod.</param>
    /// <param name="resource">The resource.</param>
    /// <param name="iface">The interface.</param>
    [Then("pod {string} was allocated a {string} device by the device plugin, and its {word} is that device")]
    public Task ThenPodDevice(string reference, string resource, string iface) => _driver.CheckPodDeviceAsync(reference, resource, iface);

    private static IEnumerable<IReadOnlyDictionary<string, string>> Rows(DataTable table) =>
        table.Rows.Select(r => (IReadOnlyDictionary<string, string>)table.Header.Select((h, i) => (h, i)).ToDictionary(x => x.h, x => r[x.i], StringComparer.Ordinal));
}
