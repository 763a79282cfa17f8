// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using NfvConformance.Abstractions.ContainerPlatform;
using NfvConformance.Abstractions.Measurements;
using NfvConformance.Abstractions.ServiceExposure;
using NfvConformance.Core.Evidence;
using NfvConformance.Core.Running;

namespace NfvConformance.Suites.Drivers;

/// <summary>
/// Drives service exposure and egress on the target: creates a namespace of its own (unique in the run, labelled
/// <c>nfvc.io/scenario</c>), starts pods in it through <see cref="IContainerPlatform"/>, applies Services, Ingress,
/// Gateway API objects and egress policies through <see cref="IServiceExposure"/> and checks what real probes do.
/// Doc strings may use <c>${namespace}</c>, <c>${scenario}</c> (the namespace's label value) and <c>${gatewayClass}</c> (the target's first GatewayClass). Everything it
/// created is deleted by an asynchronous after-scenario hook. Every call to the target is awaited.
/// </summary>
public sealed class ServiceExposureDriver
{
    /// <summary>The token replaced by the scenario's namespace.</summary>
    public const string NamespaceToken = "${namespace}";

    /// <summary>The token replaced by the target's first GatewayClass.</summary>
    public const string GatewayClassToken = "${gatewayClass}";

    /// <summary>The token replaced by the scenario's label value (for namespace selectors).</summary>
    public const string ScenarioToken = "${scenario}";

    private static int s_unique;

    private readonly RunContext _run;
    private readonly ScenarioEvidence _evidence;
    private readonly string _namespace = "svcx-" + Interlocked.Increment(ref s_unique).ToString(CultureInfo.InvariantCulture);
    private readonly List<(string Kind, string? Namespace, string Name)> _created = [];
    private bool _namespaceCreated;
    private string? _lastDeletedAddress;

    /// <summary>Creates the driver for one scenario.</summary>
    /// <param name="run">The run.</param>
    /// <param name="evidence">The scenario's evidence.</param>
    public ServiceExposureDriver(RunContext run, ScenarioEvidence evidence)
    {
        _run = run;
        _evidence = evidence;
    }

    private IServiceExposure Exposure => TargetFacets.Require<IServiceExposure>(_run);

    private IContainerPlatform Platform => TargetFacets.Require<IContainerPlatform>(_run);

    /// <summary>Creates the scenario's namespace and starts pods in it, each with its labels; checks every pod runs with an address.</summary>
    /// <param name="pods">Pod name and labels (<c>k=v,k2=v2</c>).</param>
    public async Task StartPodsAsync(IReadOnlyList<(string Pod, string Labels)> pods)
    {
        _ = Exposure; // not applicable before anything is created when the target exposes no services
        IContainerPlatform platform = Platform;
        if (!_namespaceCreated)
        {
            await ApplyToPlatformAsync($"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {_namespace}\n  labels:\n    nfvc.io/scenario: {_namespace}\n");
            _namespaceCreated = true;
        }

        foreach ((string pod, string labels) in pods)
        {
            string labelYaml = string.Join(string.Empty, labels.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(kv => kv.Split('=', 2))
                .Select(kv => kv.Length == 2 ? $"\n    {kv[0]}: \"{kv[1]}\"" : throw new ArgumentException($"pod {pod}: label '{kv[0]}' must be key=value.", nameof(pods))));
            await ApplyToPlatformAsync($"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {pod}\n  namespace: {_namespace}\n  labels:{labelYaml}\nspec:\n  containers:\n  - name: main\n    image: registry.k8s.io/e2e-test-images/agnhost:2.53\n    args: [netexec, --http-port=8080, --udp-port=8080]\n");
            PodView view = await platform.GetPodAsync(_namespace, pod) ?? throw new InvalidOperationException($"pod {_namespace}/{pod} vanished after apply");
            Check.That(view.Phase == "Running" && view.PodIps.Count > 0, $"pod {_namespace}/{pod} is {view.Status} with addresses [{string.Join(", ", view.PodIps)}]; the scenario needs it running.");
        }
    }

    /// <summary>Applies manifests to the service-exposure facet; every document must be accepted.</summary>
    /// <param name="yaml">The manifests, with <c>${namespace}</c> and <c>${scenario}</c>.</param>
    public async Task ApplyAsync(string yaml)
    {
        ApplyResult result = await Exposure.ApplyAsync(Expand(yaml));
        foreach (AppliedObject o in result.Objects.Where(o => o.Action != ApplyAction.Rejected))
        {
            _created.Add((o.Kind, o.Namespace, o.Name));
        }

        Check.That(!result.Rejected.Any(), $"the target rejected: {string.Join("; ", result.Rejected.Select(r => $"{r.Kind} {r.Name}: {r.Error}"))}");
    }

    /// <summary>Makes the scenario not applicable when the target offers no egress controller (RA2's egress rows apply only if one is offered).</summary>
    public void RequireEgressController()
    {
        if (!Exposure.Info.EgressController)
        {
            throw new Core.Running.ScenarioNotApplicableException($"target '{_run.Target.Name}' offers no egress controller; RA2 ra2.plat.034-040 apply only when one is offered");
        }
    }

    /// <summary>Makes the scenario not applicable when the target serves no Gateway API (RA2 ra2.ntw.019 is a MAY).</summary>
    public void RequireGatewayApi()
    {
        if (Exposure.Info.GatewayClasses.Count == 0)
        {
            throw new Core.Running.ScenarioNotApplicableException($"target '{_run.Target.Name}' serves no GatewayClass; the Gateway API is optional (RA2 ra2.ntw.019 MAY)");
        }
    }

    /// <summary>Checks a Service has one cluster IP per requested family, each inside the cluster's service range of that family.</summary>
    /// <param name="name">The Service.</param>
    public async Task CheckClusterIpsAsync(string name)
    {
        ServiceView s = await ServiceAsync(name);
        var cidrs = Platform.Cluster.ServiceCidrs.Select(IPNetwork.Parse).ToList();
        Check.That(s.ClusterIps.Count == s.IpFamilies.Count && s.ClusterIps.Count > 0, $"Service {name}: families [{string.Join(", ", s.IpFamilies)}] but cluster IPs [{string.Join(", ", s.ClusterIps)}].");
        for (int i = 0; i < s.ClusterIps.Count; i++)
        {
            IPAddress ip = IPAddress.Parse(s.ClusterIps[i]);
            Check.That(Family(ip) == s.IpFamilies[i], $"Service {name}: cluster IP {ip} is not {s.IpFamilies[i]}.");
            Check.That(cidrs.Any(c => c.Contains(ip)), $"Service {name}: cluster IP {ip} is outside the service ranges {string.Join(", ", cidrs)}.");
        }
    }

    /// <summary>Checks a Service got a load-balancer address for each family, from the target's pools.</summary>
    /// <param name="name">The Service.</param>
    public async Task CheckLoadBalancerAddressAsync(string name)
    {
        ServiceView s = await ServiceAsync(name);
        Check.That(s.Type == "LoadBalancer", $"Service {name} is of type {s.Type}, not LoadBalancer.");
        var pools = Exposure.Info.LoadBalancerPools.Select(IPNetwork.Parse).ToList();
        Check.That(s.LoadBalancerIngress.Count == s.IpFamilies.Count, $"Service {name}: status.loadBalancer.ingress = [{string.Join(", ", s.LoadBalancerIngress)}] for families [{string.Join(", ", s.IpFamilies)}]; events: {string.Join("; ", s.Events)}.");
        foreach (string a in s.LoadBalancerIngress)
        {
            Check.That(pools.Any(p => p.Contains(IPAddress.Parse(a))), $"Service {name}: load-balancer address {a} is not in the pools {string.Join(", ", pools)}.");
        }
    }

    /// <summary>Probes flows from outside (or from a pod) to one of a Service's addresses and checks all reach its ready pods, spread over every one, each pod seeing its own primary address and the target port.</summary>
    /// <param name="flows">Flows (source port varies).</param>
    /// <param name="protocol">tcp or udp.</param>
    /// <param name="address">Which address: <c>load-balancer</c>, <c>cluster</c> or <c>cluster-ipv6</c>.</param>
    /// <param name="name">The Service.</param>
    /// <param name="fromPod">The sending pod, or null for the external client.</param>
    public async Task CheckFlowsSpreadAsync(int flows, string protocol, string address, string name, string? fromPod)
    {
        ServiceView s = await ServiceAsync(name);
        ServicePortView port = s.Ports.FirstOrDefault(p => p.Protocol.Equals(protocol, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Service {name} has no {protocol} port.", nameof(protocol));
        string destination = address switch
        {
            "load-balancer" => s.LoadBalancerIngress.FirstOrDefault() ?? Fail<string>($"Service {name} has no load-balancer address."),
            "cluster" => s.ClusterIps.FirstOrDefault() ?? Fail<string>($"Service {name} has no cluster IP."),
            "cluster-ipv6" => s.ClusterIps.FirstOrDefault(a => a.Contains(':', StringComparison.Ordinal)) ?? Fail<string>($"Service {name} has no IPv6 cluster IP."),
            _ => throw new ArgumentException($"address '{address}': use load-balancer, cluster or cluster-ipv6.", nameof(address)),
        };
        var ready = s.Endpoints.Where(e => e.Ready).ToDictionary(e => e.Pod, StringComparer.Ordinal);
        Check.That(ready.Count >= 2, $"Service {name} has {ready.Count} ready endpoint(s); spreading needs at least 2.");
        Dictionary<string, int> hits = new(StringComparer.Ordinal);
        for (int i = 0; i < flows; i++)
        {
            ServiceProbeOutcome o = await Exposure.ProbeAsync(new ServiceProbe(destination, port.Port, ParseProtocol(protocol), fromPod is null ? null : _namespace, fromPod, 20000 + i));
            Check.That(o.Delivered, $"flow {i} to {destination}:{port.Port}/{protocol} was dropped: {o.DropReason} (path: {string.Join(" | ", o.Path)}).");
            Check.That(o.Backend is not null && ready.ContainsKey(o.Backend), $"flow {i} reached {o.Backend}, which is not a ready endpoint of Service {name} ({string.Join(", ", ready.Keys)}).");
            PodView pod = (await Platform.GetPodAsync(_namespace, o.Backend!.Split('/')[1]))!;
            string primary = (await Platform.ExecAsync(_namespace, pod.Name)).Interfaces.FirstOrDefault(n => n.Name == "eth0")?.Addresses.Select(a => a.Split('/')[0]).FirstOrDefault(a => IPAddress.Parse(a).AddressFamily == IPAddress.Parse(destination).AddressFamily) ?? "(none)";
            string expected = (primary.Contains(':', StringComparison.Ordinal) ? $"[{primary}]" : primary) + ":" + port.TargetPort.ToString(CultureInfo.InvariantCulture);
            Check.That(o.DestinationSeen == expected, $"flow {i}: pod {o.Backend} saw destination {o.DestinationSeen}; its primary interface eth0 and the target port make {expected}.");
            string dialed = (destination.Contains(':', StringComparison.Ordinal) ? $"[{destination}]" : destination) + ":" + port.Port.ToString(CultureInfo.InvariantCulture);
            Check.That(o.ReplySourceSeen == dialed, $"flow {i}: the answer of {o.Backend} reached the client from {o.ReplySourceSeen ?? "(nothing)"}; the client dialed {dialed} and drops any other source.");
            hits[o.Backend] = hits.GetValueOrDefault(o.Backend) + 1;
        }

        foreach ((string pod, int count) in hits.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            _evidence.Record(new Measurement($"{protocol} flows to {name} received by {pod}", count, "flows"));
        }

        Check.That(hits.Count == ready.Count, $"{flows} flows reached {hits.Count} of the {ready.Count} ready pods ({string.Join(", ", hits.Select(h => $"{h.Key}={h.Value}"))}); the load balancer must use every one.");
    }

    /// <summary>Checks the external router has a route to each load-balancer address of a Service with distinct node next hops, each hop a node address.</summary>
    /// <param name="name">The Service.</param>
    /// <param name="nodes">The least number of advertising nodes.</param>
    public async Task CheckAdvertisedAsync(string name, int nodes)
    {
        ServiceView s = await ServiceAsync(name);
        var nodeAddresses = (await Platform.GetNodesAsync()).ToDictionary(n => n.Name, n => n.Addresses.Select(a => a.Address).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        Check.That(s.LoadBalancerIngress.Count > 0, $"Service {name} has no load-balancer address to advertise.");
        foreach (string vip in s.LoadBalancerIngress)
        {
            string prefix = vip + (vip.Contains(':', StringComparison.Ordinal) ? "/128" : "/32");
            var routes = (await Exposure.GetExternalRoutesAsync()).Where(r => r.Prefix == prefix).ToList();
            foreach (AdvertisedRoute r in routes)
            {
                Check.That(nodeAddresses.TryGetValue(r.Node, out HashSet<string>? own) && own.Contains(r.NextHop), $"route {r.Prefix} via {r.NextHop}: the next hop is not an address of node {r.Node}.");
            }

            int distinct = routes.Select(r => r.Node).Distinct(StringComparer.Ordinal).Count();
            _evidence.Record(new Measurement($"nodes advertising {prefix}", distinct, "nodes", $">= {nodes}", distinct >= nodes ? MeasurementVerdict.Pass : MeasurementVerdict.Fail));
            Check.That(distinct >= nodes, $"the external router learned {prefix} from {distinct} node(s) ({string.Join(", ", routes.Select(r => $"{r.NextHop} ({r.Node})"))}); active/active needs at least {nodes}.");
        }
    }

    /// <summary>Probes flows from outside to a Service's load-balancer address and checks they enter through several nodes, all delivered.</summary>
    /// <param name="flows">Flows.</param>
    /// <param name="name">The Service.</param>
    /// <param name="nodes">The least number of entry nodes.</param>
    public async Task CheckEntersThroughNodesAsync(int flows, string name, int nodes)
    {
        ServiceView s = await ServiceAsync(name);
        ServicePortView port = s.Ports[0];
        HashSet<string> entries = new(StringComparer.Ordinal);
        for (int i = 0; i < flows; i++)
        {
            ServiceProbeOutcome o = await Exposure.ProbeAsync(new ServiceProbe(s.LoadBalancerIngress[0], port.Port, ParseProtocol(port.Protocol), SourcePort: 40000 + i));
            Check.That(o.Delivered, $"flow {i} was dropped: {o.DropReason}.");
            entries.Add(o.EntryNode!);
        }

        Check.That(entries.Count >= nodes, $"{flows} flows entered through {entries.Count} node(s) ({string.Join(", ", entries)}); ECMP over the advertised next hops must use at least {nodes}.");
    }

    /// <summary>Deletes a Service and remembers its load-balancer address.</summary>
    /// <param name="name">The Service.</param>
    public async Task DeleteServiceAsync(string name)
    {
        _lastDeletedAddress = (await ServiceAsync(name)).LoadBalancerIngress.FirstOrDefault();
        Check.That(await Exposure.DeleteAsync("Service", _namespace, name), $"Service {name} did not exist.");
        _created.Remove(("Service", _namespace, name));
    }

    /// <summary>Checks the deleted Service's address is withdrawn from the external router and a probe to it is dropped.</summary>
    public async Task CheckWithdrawnAsync()
    {
        string vip = _lastDeletedAddress ?? Fail<string>("no load-balancer Service was deleted in this scenario.");
        var left = (await Exposure.GetExternalRoutesAsync()).Where(r => IPNetwork.Parse(r.Prefix).Contains(IPAddress.Parse(vip))).ToList();
        Check.That(left.Count == 0, $"the external router still routes {vip} via {string.Join(", ", left.Select(r => r.NextHop))} after the Service was deleted.");
        ServiceProbeOutcome o = await Exposure.ProbeAsync(new ServiceProbe(vip, 80, ServiceProtocol.Tcp));
        Check.That(!o.Delivered, $"a probe to the withdrawn address {vip} still reached {o.Backend}.");
    }

    /// <summary>Checks a Service's node ports are in a range.</summary>
    /// <param name="name">The Service.</param>
    /// <param name="first">The first port.</param>
    /// <param name="last">The last port.</param>
    public async Task CheckNodePortRangeAsync(string name, int first, int last)
    {
        ServiceView s = await ServiceAsync(name);
        foreach (ServicePortView p in s.Ports)
        {
            Check.That(p.NodePort is { } n && n >= first && n <= last, $"Service {name} port {p.Port}: node port {p.NodePort?.ToString(CultureInfo.InvariantCulture) ?? "(none)"} is not in {first}-{last}.");
        }
    }

    /// <summary>Probes every node's every address at a Service's node port from outside and checks each reaches a ready pod of the Service.</summary>
    /// <param name="protocol">tcp or udp.</param>
    /// <param name="name">The Service.</param>
    public async Task CheckNodePortOnEveryNodeAsync(string protocol, string name)
    {
        ServiceView s = await ServiceAsync(name);
        ServicePortView port = s.Ports.First(p => p.Protocol.Equals(protocol, StringComparison.OrdinalIgnoreCase));
        var ready = s.Endpoints.Where(e => e.Ready).Select(e => e.Pod).ToHashSet(StringComparer.Ordinal);
        int probed = 0;
        foreach (NodeView node in (await Platform.GetNodesAsync()).Where(n => n.Ready))
        {
            foreach (NodeAddress address in node.Addresses.Where(a => a.Type == "InternalIP"))
            {
                ServiceProbeOutcome o = await Exposure.ProbeAsync(new ServiceProbe(address.Address, port.NodePort!.Value, ParseProtocol(protocol)));
                Check.That(o.Delivered && ready.Contains(o.Backend!), $"node {node.Name} {address.Address}:{port.NodePort}/{protocol}: {(o.Delivered ? $"reached {o.Backend}, not a ready endpoint" : $"dropped: {o.DropReason}")}.");
                probed++;
            }
        }

        _evidence.Record(new Measurement($"node addresses answering {name}'s node port", probed, "addresses"));
        Check.That(probed >= 2, $"only {probed} node address(es) to probe; the check needs at least 2 nodes.");
    }

    /// <summary>Resolves a name from the scenario's namespace and checks the cluster DNS answers a CNAME to the external name, and the Service has no cluster IP.</summary>
    /// <param name="name">The Service name.</param>
    /// <param name="externalName">The expected canonical name.</param>
    public async Task CheckExternalNameAsync(string name, string externalName)
    {
        ServiceView s = await ServiceAsync(name);
        Check.That(s.Type == "ExternalName" && s.ClusterIps.Count == 0, $"Service {name}: type {s.Type}, cluster IPs [{string.Join(", ", s.ClusterIps)}]; an ExternalName Service has none.");
        DnsAnswer answer = await Exposure.ResolveAsync(_namespace, name, DnsRecordType.A);
        Check.That(answer.Message.Length >= 12 && (answer.Message[2] & 0x80) != 0 && BinaryPrimitives.ReadUInt16BigEndian(answer.Message.AsSpan(6)) == answer.Answers.Count, $"the DNS response for {answer.Question} is not a well-formed response message ({answer.Message.Length} bytes).");
        Check.That(answer.ResponseCode == 0, $"the cluster DNS answered {answer.Question} with RCODE {answer.ResponseCode}.");
        DnsRecord? cname = answer.Answers.FirstOrDefault(r => r.Type == DnsRecordType.Cname);
        Check.That(cname is not null && cname.Data.TrimEnd('.').Equals(externalName.TrimEnd('.'), StringComparison.OrdinalIgnoreCase),
            $"the cluster DNS answered {answer.Question} with [{string.Join(", ", answer.Answers.Select(r => $"{r.Type} {r.Data}"))}]; expected CNAME {externalName}.");
    }

    /// <summary>Checks an Ingress or a Gateway has an address, then sends HTTP/1.1 requests through it and checks each reaches a pod of the expected Service (or gets 404 when the Service is <c>-</c>).</summary>
    /// <param name="kind">Ingress or Gateway.</param>
    /// <param name="name">Its name.</param>
    /// <param name="port">The listener port.</param>
    /// <param name="requests">Host, path and expected Service.</param>
    public async Task CheckHttpRoutingAsync(string kind, string name, int port, IReadOnlyList<(string Host, string Path, string Service)> requests)
    {
        string address = kind switch
        {
            "Ingress" => (await Exposure.GetIngressAsync(_namespace, name) ?? Fail<IngressView>($"Ingress {name} does not exist.")).LoadBalancerIngress.FirstOrDefault()
                ?? Fail<string>($"Ingress {name} has no address in status.loadBalancer.ingress: no controller admitted it (classes: {string.Join(", ", Exposure.Info.IngressClasses)})."),
            "Gateway" => (await Exposure.GetGatewayAsync(_namespace, name) ?? Fail<GatewayView>($"Gateway {name} does not exist.")) is var g && g is { Programmed: true, Addresses.Count: > 0 }
                ? g.Addresses[0]
                : Fail<string>($"Gateway {name} is not programmed with an address: {g.Reason}."),
            _ => throw new ArgumentException($"kind '{kind}': use Ingress or Gateway.", nameof(kind)),
        };
        foreach ((string rawHost, string path, string service) in requests)
        {
            string host = Expand(rawHost);
            ServiceProbeOutcome o = await Exposure.ProbeAsync(new ServiceProbe(address, port, ServiceProtocol.Tcp, SourcePort: 45000 + requests.Count, Http: new HttpProbeRequest(host, path)));
            if (service == "-")
            {
                Check.That(!o.Delivered && o.HttpStatus == 404, $"GET http://{host}{path} via {kind} {name}: expected 404 from the proxy, got {(o.Delivered ? $"pod {o.Backend}" : o.DropReason)} (status {o.HttpStatus}).");
                continue;
            }

            var pods = (await ServiceAsync(service)).Endpoints.Select(e => e.Pod).ToHashSet(StringComparer.Ordinal);
            Check.That(o.Delivered && o.HttpStatus == 200 && pods.Contains(o.Backend!), $"GET http://{host}{path} via {kind} {name} ({address}:{port}): expected a pod of Service {service} ({string.Join(", ", pods)}) with 200, got {(o.Delivered ? o.Backend : o.DropReason)} (status {o.HttpStatus}).");
        }
    }

    /// <summary>Checks a Gateway lists a number of attached routes.</summary>
    /// <param name="name">The Gateway.</param>
    /// <param name="routes">The expected number.</param>
    public async Task CheckGatewayRoutesAsync(string name, int routes)
    {
        GatewayView g = await Exposure.GetGatewayAsync(_namespace, name) ?? Fail<GatewayView>($"Gateway {name} does not exist.");
        Check.That(g.AttachedRoutes == routes, $"Gateway {name} has {g.AttachedRoutes} attached route(s); expected {routes}.");
    }

    /// <summary>Sends egress flows from a pod and checks each leaves with a source from the expected set, every address of the set used, and a flow sent again leaves from the same one.</summary>
    /// <param name="flows">Flows.</param>
    /// <param name="protocol">tcp or udp.</param>
    /// <param name="pod">The pod.</param>
    /// <param name="destination">The destination.</param>
    /// <param name="port">The port.</param>
    /// <param name="sources">The expected source addresses, comma-separated.</param>
    public async Task CheckEgressSourcesAsync(int flows, string protocol, string pod, string destination, int port, string sources)
    {
        var expected = sources.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        string podIp = (await Platform.GetPodAsync(_namespace, pod))?.PodIps.FirstOrDefault() ?? Fail<string>($"pod {pod} does not exist.");
        Dictionary<int, string> first = [];
        HashSet<string> seen = new(StringComparer.Ordinal);
        for (int round = 0; round < 2; round++)
        {
            for (int i = 0; i < flows; i++)
            {
                EgressProbeOutcome o = await Exposure.ProbeEgressAsync(new EgressProbe(_namespace, pod, destination, port, ParseProtocol(protocol), 30000 + i));
                Check.That(o.Delivered, $"egress flow {i} from {pod} to {destination}:{port} was dropped: {o.DropReason} (path: {string.Join(" | ", o.Path)}).");
                Check.That(expected.Contains(o.SourceSeen!), $"egress flow {i} from {pod} ({podIp}) arrived from {o.SourceSeen}; expected one of {sources}.");
                if (round == 0)
                {
                    first[i] = o.SourceSeen!;
                    seen.Add(o.SourceSeen!);
                }
                else
                {
                    Check.That(first[i] == o.SourceSeen, $"egress flow {i} left from {first[i]} and, sent again, from {o.SourceSeen}; a flow's source must stay fixed.");
                }
            }
        }

        _evidence.Record(new Measurement($"egress source addresses used by {pod}", seen.Count, "addresses"));
        Check.That(seen.SetEquals(expected), $"{flows} flows left from [{string.Join(", ", seen.Order(StringComparer.Ordinal))}]; every one of [{sources}] must be usable.");
    }

    /// <summary>Sends one egress packet and checks the network (VRF) it arrived in, its 802.1Q tag as captured (read from the frame's bytes), and its source.</summary>
    /// <param name="protocol">tcp or udp.</param>
    /// <param name="pod">The pod.</param>
    /// <param name="destination">The destination.</param>
    /// <param name="port">The port.</param>
    /// <param name="network">The expected VRF.</param>
    /// <param name="source">The expected source: an address, <c>pod</c> (the pod's own address), or <c>service NAME</c> (the Service's load-balancer address).</param>
    public async Task CheckEgressArrivalAsync(string protocol, string pod, string destination, int port, string network, string source)
    {
        EgressProbeOutcome o = await Exposure.ProbeEgressAsync(new EgressProbe(_namespace, pod, destination, port, ParseProtocol(protocol)));
        Check.That(o.Delivered, $"egress from {pod} to {destination}:{port} was dropped: {o.DropReason} (path: {string.Join(" | ", o.Path)}).");
        ExternalNetwork expectedNetwork = Exposure.Info.ExternalNetworks.FirstOrDefault(n => n.Vrf == network)
            ?? Fail<ExternalNetwork>($"the target has no external network '{network}' (it has {string.Join(", ", Exposure.Info.ExternalNetworks.Select(n => n.Vrf))}).");
        Check.That(o.Vrf == network, $"egress from {pod} to {destination} arrived in network {o.Vrf}, not {network} (path: {string.Join(" | ", o.Path)}).");
        int vlan = o.CapturedFrame.Length >= 18 && BinaryPrimitives.ReadUInt16BigEndian(o.CapturedFrame.AsSpan(12)) == 0x8100
            ? BinaryPrimitives.ReadUInt16BigEndian(o.CapturedFrame.AsSpan(14)) & 0x0FFF
            : 0;
        Check.That(vlan == expectedNetwork.VlanId, $"egress from {pod} was captured on the trunk with VLAN {vlan} (0 = untagged); network {network} is VLAN {expectedNetwork.VlanId}.");
        string wanted = source switch
        {
            "pod" => (await Platform.GetPodAsync(_namespace, pod))!.PodIps.First(a => IPAddress.Parse(a).AddressFamily == IPAddress.Parse(destination).AddressFamily),
            _ when source.StartsWith("service ", StringComparison.Ordinal) => (await ServiceAsync(source["service ".Length..])).LoadBalancerIngress.FirstOrDefault() ?? Fail<string>($"{source} has no load-balancer address."),
            _ => source,
        };
        Check.That(o.SourceSeen == wanted, $"egress from {pod} arrived in {network} from {o.SourceSeen}; expected {wanted} ({source}).");
        _evidence.Record(new Measurement($"egress {pod} -> {destination} VLAN", vlan, "vlan id"));
    }

    /// <summary>Checks two external networks both route one destination (so the overlap the scenario relies on is real).</summary>
    /// <param name="first">A network.</param>
    /// <param name="second">Another network.</param>
    /// <param name="destination">The destination.</param>
    public void CheckOverlap(string first, string second, string destination)
    {
        IPAddress d = IPAddress.Parse(destination);
        foreach (string vrf in new[] { first, second })
        {
            ExternalNetwork n = Exposure.Info.ExternalNetworks.FirstOrDefault(x => x.Vrf == vrf) ?? Fail<ExternalNetwork>($"no external network '{vrf}'.");
            Check.That(n.Prefixes.Any(p => IPNetwork.Parse(p).Contains(d)), $"network {vrf} ({string.Join(", ", n.Prefixes)}) does not hold {destination}; the overlap check needs both to.");
        }
    }

    /// <summary>Checks a probe from outside to a Service's load-balancer address reaches a given pod.</summary>
    /// <param name="name">The Service.</param>
    /// <param name="pod">The pod.</param>
    public async Task CheckReachesPodAsync(string name, string pod)
    {
        ServiceView s = await ServiceAsync(name);
        ServiceProbeOutcome o = await Exposure.ProbeAsync(new ServiceProbe(s.LoadBalancerIngress.FirstOrDefault() ?? Fail<string>($"Service {name} has no load-balancer address."), s.Ports[0].Port, ParseProtocol(s.Ports[0].Protocol)));
        Check.That(o.Delivered && o.Backend == $"{_namespace}/{pod}", $"a probe from outside to Service {name} reached {(o.Delivered ? o.Backend : o.DropReason)}, not pod {pod}.");
    }

    /// <summary>Deletes what the scenario created (its objects in reverse order, then its namespace), whatever its outcome.</summary>
    /// <returns>A task that completes when the target answered.</returns>
    public async Task DeleteCreatedAsync()
    {
        if (_created.Count == 0 && !_namespaceCreated)
        {
            return;
        }

        if (_run.Target.GetFeature<IServiceExposure>() is { } exposure)
        {
            foreach ((string kind, string? ns, string name) in Enumerable.Reverse(_created))
            {
                await exposure.DeleteAsync(kind, ns, name);
            }
        }

        _created.Clear();
        if (_namespaceCreated && _run.Target.GetFeature<IContainerPlatform>() is { } platform)
        {
            await platform.DeleteAsync("Namespace", null, _namespace);
        }

        _namespaceCreated = false;
    }

    private async Task<ServiceView> ServiceAsync(string name) =>
        await Exposure.GetServiceAsync(_namespace, name) ?? Fail<ServiceView>($"Service {_namespace}/{name} does not exist; apply it first.");

    private async Task ApplyToPlatformAsync(string yaml)
    {
        ApplyResult result = await Platform.ApplyAsync(yaml);
        Check.That(!result.Rejected.Any(), $"the container platform rejected: {string.Join("; ", result.Rejected.Select(r => $"{r.Kind} {r.Name}: {r.Error}"))}");
    }

    private string Expand(string yaml)
    {
        string expanded = yaml.Replace(NamespaceToken, _namespace, StringComparison.Ordinal).Replace(ScenarioToken, _namespace, StringComparison.Ordinal);
        return expanded.Contains(GatewayClassToken, StringComparison.Ordinal)
            ? expanded.Replace(GatewayClassToken, Exposure.Info.GatewayClasses.FirstOrDefault() ?? "(none)", StringComparison.Ordinal)
            : expanded;
    }

    private static string Family(IPAddress a) => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? "IPv4" : "IPv6";

    private static ServiceProtocol ParseProtocol(string protocol) => protocol.ToUpperInvariant() switch
    {
        "TCP" => ServiceProtocol.Tcp,
        "UDP" => ServiceProtocol.Udp,
        _ => throw new ArgumentException($"protocol '{protocol}': use tcp or udp.", nameof(protocol)),
    };

    private static T Fail<T>(string message) => throw new ConformanceCheckException(message);
}
