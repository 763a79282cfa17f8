// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NfvConformance.Abstractions.ContainerPlatform;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.ServiceExposure;
using NfvConformance.Emulator.ContainerPlatform.Manifests;

namespace NfvConformance.Emulator.ContainerPlatform.ServiceExposure;

/// <summary>
/// Service exposure over the emulated <see cref="ContainerPlatformEmulator"/>: an API server for Services, Ingress,
/// Gateway API and egress policies; a ClusterIP allocator over the cluster's service CIDRs (one address per family);
/// a node-port allocator; a load-balancer controller allocating from address pools and advertising each address to
/// an external router from several nodes (BGP-like announcements with the node as next hop); kube-proxy-like DNAT to
/// ready endpoints chosen by a 5-tuple hash; an HTTP/1.1 proxy for Ingress and Gateway listeners routing on Host and
/// path; a cluster DNS answering in RFC 1035 wire format (CNAME for ExternalName); and an egress controller (see
/// <c>Egress/</c>). Probes are real frames rewritten in place at each NAT. Thread-safe: every call holds one lock.
/// Pods and nodes are read from the emulator's model synchronously, as kube-proxy and the cluster DNS read them from
/// their informer caches rather than from the API server per packet.
/// </summary>
public sealed partial class ServiceExposureEmulator : IServiceExposure
{
    private const string ClusterDomain = "cluster.local";

    private static readonly byte[] ClientMac = [0x02, 0xe0, 0, 0, 0, 0x10];
    private static readonly byte[] RouterMac = [0x02, 0xe0, 0, 0, 0, 0x01];

    private readonly Lock _lock = new();
    private readonly ContainerPlatformEmulator _platform;
    private readonly ServiceExposureOptions _options;
    private readonly Dictionary<string, ServiceRecord> _services = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HttpFrontend> _frontends = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HttpRouteRecord> _routes = new(StringComparer.Ordinal);
    private readonly HashSet<IPAddress> _usedClusterIps = [];
    private readonly HashSet<int> _usedNodePorts = [];
    private readonly HashSet<IPAddress> _usedPoolAddresses = [];
    private readonly IPNetwork[] _serviceCidrs;
    private readonly IPNetwork[] _pools;
    private readonly Random _random;
    private readonly ManifestApplier _applier;
    private ushort _dnsId;

    /// <summary>Builds service exposure over a cluster.</summary>
    /// <param name="platform">The container platform whose pods are the backends.</param>
    /// <param name="options">How it behaves; null for conformant.</param>
    /// <param name="seed">The seed for node-port allocation.</param>
    public ServiceExposureEmulator(ContainerPlatformEmulator platform, ServiceExposureOptions? options = null, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(platform);
        _platform = platform;
        _options = options ?? new ServiceExposureOptions();
        _random = new Random(seed);
        _serviceCidrs = platform.Cluster.ServiceCidrs.Select(IPNetwork.Parse).ToArray();
        _pools = _options.LoadBalancerPools.Select(IPNetwork.Parse).ToArray();
        Info = new ServiceExposureInfo(
            _options.ServiceTypes,
            _options.IngressClasses,
            _options.GatewayClasses,
            _options.LoadBalancerPools,
            $"{_options.NodePortRange.First}-{_options.NodePortRange.Last}",
            ClusterDomain,
            _options.EgressController,
            _options.EgressController ? Networks.Select(n => new ExternalNetwork(n.Vrf, n.VlanId, n.Prefixes.Select(p => p.ToString()).ToList())).ToList() : [],
            platform.Cluster.ExternalHostAddresses);
        _applier = new ManifestApplier(_lock, "one Service, Ingress, Gateway, HTTPRoute or EgressPolicy", ApplyOne, DeleteOne);
    }

    /// <inheritdoc />
    public ServiceExposureInfo Info { get; }

    /// <summary>Applies manifests (the synchronous core of <see cref="ApplyAsync"/>).</summary>
    /// <param name="manifests">One or more YAML documents.</param>
    /// <returns>One entry per document.</returns>
    internal ApplyResult Apply(string manifests) => _applier.Apply(manifests);

    /// <summary>Deletes an object (the synchronous core of <see cref="DeleteAsync"/>).</summary>
    /// <param name="kind">The kind.</param>
    /// <param name="namespace">The namespace, or null.</param>
    /// <param name="name">The name.</param>
    /// <returns>True when it existed.</returns>
    internal bool Delete(string kind, string? @namespace, string name) => _applier.Delete(kind, @namespace, name);

    private bool DeleteOne(string kind, string name, string key)
    {
        switch (kind)
        {
            case "Service":
                if (!_services.Remove(key, out ServiceRecord? s))
                {
                    return false;
                }

                Release(s);
                return true;
            case "Ingress":
            case "Gateway":
                if (!_frontends.Remove($"{kind}/{key}", out HttpFrontend? f))
                {
                    return false;
                }

                _usedPoolAddresses.ExceptWith(f.Addresses);
                return true;
            case "HTTPRoute":
                return _routes.Remove(key);
            case EgressPolicyFields.Kind:
                return _egressPolicies.Remove(name);
            default:
                throw new NfvConformanceException($"cannot delete kind '{kind}' here; this facet serves Service, Ingress, Gateway, HTTPRoute and {EgressPolicyFields.Kind}.");
        }
    }

    /// <summary>The synchronous core of <see cref="GetServiceAsync"/>.</summary>
    internal ServiceView? GetService(string @namespace, string name)
    {
        lock (_lock)
        {
            return _services.TryGetValue($"{@namespace}/{name}", out ServiceRecord? s) ? View(s) : null;
        }
    }

    /// <summary>The synchronous core of <see cref="GetIngressAsync"/>.</summary>
    internal IngressView? GetIngress(string @namespace, string name)
    {
        lock (_lock)
        {
            return _frontends.TryGetValue($"Ingress/{@namespace}/{name}", out HttpFrontend? f)
                ? new IngressView(f.Namespace, f.Name, f.ClassName, f.Addresses.Select(a => a.ToString()).ToList(), f.Hosts)
                : null;
        }
    }

    /// <summary>The synchronous core of <see cref="GetGatewayAsync"/>.</summary>
    internal GatewayView? GetGateway(string @namespace, string name)
    {
        lock (_lock)
        {
            if (!_frontends.TryGetValue($"Gateway/{@namespace}/{name}", out HttpFrontend? f))
            {
                return null;
            }

            int attached = _routes.Values.Count(r => r.Parents.Contains((f.Namespace, f.Name)));
            return new GatewayView(f.Namespace, f.Name, f.ClassName, f.Reason is null && f.Addresses.Count > 0, f.Addresses.Select(a => a.ToString()).ToList(), attached, f.Reason);
        }
    }

    /// <summary>The synchronous core of <see cref="GetExternalRoutesAsync"/>.</summary>
    internal IReadOnlyList<AdvertisedRoute> GetExternalRoutes()
    {
        lock (_lock)
        {
            return Rib().Select(r => new AdvertisedRoute(r.Prefix.ToString(), r.NextHop.ToString(), r.Node, r.Owner)).ToList();
        }
    }

    private AppliedObject ApplyOne(ManifestDocument manifest)
    {
        (JsonObject document, string apiVersion, string kind, JsonObject? metadata, string name) = (manifest.Json, manifest.ApiVersion, manifest.Kind, manifest.Metadata, manifest.Name);
        bool clusterScoped = kind == EgressPolicyFields.Kind;
        string? ns = clusterScoped ? null : metadata.Str("namespace") ?? "default";
        AppliedObject Reject(string error) => manifest.Reject(ns, error);

        string? expected = kind switch
        {
            "Service" => "v1",
            "Ingress" => "networking.k8s.io/v1",
            "Gateway" or "HTTPRoute" => "gateway.networking.k8s.io/v1",
            EgressPolicyFields.Kind => EgressPolicyFields.ApiVersion,
            _ => null,
        };
        if (expected is null || apiVersion != expected)
        {
            return Reject($"no matches for kind \"{kind}\" in version \"{apiVersion}\" on this facet; it serves v1 Service, networking.k8s.io/v1 Ingress, gateway.networking.k8s.io/v1 Gateway and HTTPRoute, {EgressPolicyFields.ApiVersion} {EgressPolicyFields.Kind} (apply pods and namespaces through the container platform)");
        }

        if (name.Length == 0 || name.Length > 63 || !Dns1035().IsMatch(name))
        {
            return Reject($"metadata.name: Invalid value: \"{name}\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with a letter and end with an alphanumeric character");
        }

        if (ns is not null && _platform.GetNamespace(ns) is null)
        {
            return Reject($"namespaces \"{ns}\" not found; create the Namespace through the container platform first");
        }

        if ((kind is "Gateway" or "HTTPRoute") && _options.GatewayClasses.Count == 0)
        {
            return Reject($"no matches for kind \"{kind}\" in version \"{apiVersion}\": the Gateway API CRDs are not installed");
        }

        if (kind == EgressPolicyFields.Kind && !_options.EgressController)
        {
            return Reject($"no matches for kind \"{kind}\" in version \"{apiVersion}\": no egress controller is installed");
        }

        string applied = document.ToJsonString();
        try
        {
            return kind switch
            {
                "Service" => ApplyService(document, ns!, name, applied),
                "Ingress" => ApplyIngress(document, ns!, name, applied),
                "Gateway" => ApplyGateway(document, ns!, name, applied),
                "HTTPRoute" => ApplyRoute(document, ns!, name, applied),
                _ => ApplyEgressPolicy(document, name, applied),
            };
        }
        catch (InvalidManifestException e)
        {
            return Reject(e.Message);
        }
    }

    private AppliedObject ApplyService(JsonObject document, string ns, string name, string applied)
    {
        string key = $"{ns}/{name}";
        if (_services.TryGetValue(key, out ServiceRecord? existing))
        {
            if (existing.Applied == applied)
            {
                return new AppliedObject("Service", ns, name, ApplyAction.Unchanged);
            }

            _services.Remove(key);
            Release(existing);
        }

        JsonObject spec = document.Obj("spec") ?? throw new InvalidManifestException("spec: Required value");
        string type = spec.Str("type") ?? "ClusterIP";
        if (!_options.ServiceTypes.Contains(type))
        {
            throw new InvalidManifestException($"spec.type: Unsupported value: \"{type}\": supported values: {string.Join(", ", _options.ServiceTypes.Select(t => $"\"{t}\""))}");
        }

        string? externalName = spec.Str("externalName");
        if (type == "ExternalName" && string.IsNullOrEmpty(externalName))
        {
            throw new InvalidManifestException("spec.externalName: Required value: a DNS name is required for type ExternalName");
        }

        List<ServicePortRecord> ports = [];
        foreach (JsonNode? p in spec.Arr("ports"))
        {
            int port = (int)(p.Long("port") ?? throw new InvalidManifestException("spec.ports[].port: Required value"));
            string protocol = p.Str("protocol") ?? "TCP";
            if (protocol is not ("TCP" or "UDP"))
            {
                throw new InvalidManifestException($"spec.ports[].protocol: Unsupported value: \"{protocol}\": this load balancer carries \"TCP\" and \"UDP\"");
            }

            ports.Add(new ServicePortRecord(p.Str("name") ?? string.Empty, protocol, port, (int)(p.Long("targetPort") ?? port)) { NodePort = (int?)p.Long("nodePort") });
        }

        if (type != "ExternalName" && ports.Count == 0)
        {
            throw new InvalidManifestException("spec.ports: Required value");
        }

        string policy = spec.Str("ipFamilyPolicy") ?? "SingleStack";
        List<string> clusterFamilies = _serviceCidrs.Select(c => Family(c.BaseAddress)).ToList();
        List<string> families = spec.Arr("ipFamilies").Select(f => f?.GetValue<string>() ?? string.Empty).ToList();
        if (families.Count == 0)
        {
            families = policy == "SingleStack" ? [clusterFamilies[0]] : clusterFamilies.ToList();
        }

        if (families.FirstOrDefault(f => !clusterFamilies.Contains(f)) is { } missing)
        {
            throw new InvalidManifestException($"spec.ipFamilies: Invalid value: \"{missing}\": the cluster has no {missing} service CIDR (it has {string.Join(", ", _platform.Cluster.ServiceCidrs)})");
        }

        if (policy == "RequireDualStack" && clusterFamilies.Count < 2)
        {
            throw new InvalidManifestException("spec.ipFamilyPolicy: Invalid value: \"RequireDualStack\": the cluster is not configured for dual-stack services");
        }

        if (policy == "SingleStack" && families.Count > 1)
        {
            throw new InvalidManifestException("spec.ipFamilies: Invalid value: two families need ipFamilyPolicy PreferDualStack or RequireDualStack");
        }

        if (policy != "SingleStack" && families.Count == 1 && clusterFamilies.Count > 1)
        {
            families.Add(clusterFamilies.First(f => f != families[0]));
        }

        ServiceRecord s = new()
        {
            Namespace = ns,
            Name = name,
            Type = type,
            Selector = spec.Map("selector"),
            Ports = ports,
            IpFamilies = type == "ExternalName" ? [] : families,
            IpFamilyPolicy = type == "ExternalName" ? string.Empty : policy,
            ExternalName = type == "ExternalName" ? externalName!.TrimEnd('.') : null,
            ExternalTrafficPolicy = spec.Str("externalTrafficPolicy") ?? "Cluster",
            Headless = spec.Str("clusterIP") == "None",
            Applied = applied,
        };

        if (type != "ExternalName" && !s.Headless)
        {
            foreach (string family in s.IpFamilies)
            {
                s.ClusterIps.Add(AllocateClusterIp(family));
            }
        }

        if (type is "NodePort" or "LoadBalancer")
        {
            foreach (ServicePortRecord port in ports)
            {
                if (port.NodePort is { } asked)
                {
                    if (asked < _options.NodePortRange.First || asked > _options.NodePortRange.Last || _usedNodePorts.Contains(asked))
                    {
                        Release(s);
                        throw new InvalidManifestException($"spec.ports[].nodePort: Invalid value: {asked}: provided port is {(_usedNodePorts.Contains(asked) ? "already allocated" : $"not in the valid range. The range of valid ports is {_options.NodePortRange.First}-{_options.NodePortRange.Last}")}");
                    }

                    _usedNodePorts.Add(asked);
                }
                else
                {
                    port.NodePort = AllocateNodePort();
                }
            }
        }

        if (type == "LoadBalancer")
        {
            foreach (string family in s.IpFamilies)
            {
                if (AllocatePoolAddress(family) is { } lb)
                {
                    s.LoadBalancerIps.Add(lb);
                }
                else
                {
                    s.Events.Add($"AllocationFailed: no {family} address pool has a free address (pools: {string.Join(", ", _options.LoadBalancerPools)})");
                }
            }
        }

        _services[key] = s;
        return new AppliedObject("Service", ns, name, existing is null ? ApplyAction.Created : ApplyAction.Configured);
    }

    private AppliedObject ApplyIngress(JsonObject document, string ns, string name, string applied)
    {
        string key = $"Ingress/{ns}/{name}";
        bool existed = _frontends.Remove(key, out HttpFrontend? old);
        if (old is not null)
        {
            _usedPoolAddresses.ExceptWith(old.Addresses);
        }

        JsonObject spec = document.Obj("spec") ?? throw new InvalidManifestException("spec: Required value");
        string className = spec.Str("ingressClassName") ?? _options.IngressClasses.FirstOrDefault() ?? string.Empty;
        HttpFrontend f = new() { Kind = "Ingress", Namespace = ns, Name = name, ClassName = className, Hosts = [], Applied = applied };
        f.Ports.Add(80);
        foreach (JsonNode? rule in spec.Arr("rules"))
        {
            string? host = rule.Str("host");
            if (host is not null)
            {
                f.Hosts.Add(host);
            }

            foreach (JsonNode? p in rule.Obj("http").Arr("paths"))
            {
                JsonObject? svc = p.Obj("backend").Obj("service");
                string backend = svc.Str("name") ?? throw new InvalidManifestException("spec.rules[].http.paths[].backend.service.name: Required value");
                int port = (int)(svc.Obj("port").Long("number") ?? throw new InvalidManifestException("spec.rules[].http.paths[].backend.service.port.number: Required value"));
                string pathType = p.Str("pathType") ?? throw new InvalidManifestException("spec.rules[].http.paths[].pathType: Required value: pathType must be specified");
                f.Rules.Add(new HttpRule(host, p.Str("path") ?? "/", pathType == "Exact", ns, backend, port));
            }
        }

        if (_options.IngressClasses.Contains(className))
        {
            // One controller VIP per class, shared by its Ingresses, as an ingress controller's LoadBalancer Service has.
            IPAddress? shared = _frontends.Values.FirstOrDefault(x => x.Kind == "Ingress" && x.ClassName == className && x.Addresses.Count > 0)?.Addresses[0];
            IPAddress? vip = shared ?? AllocatePoolAddress("IPv4");
            if (vip is not null)
            {
                f.Addresses.Add(vip);
            }
        }
        else
        {
            f.Reason = $"no controller for IngressClass \"{className}\" (known: {string.Join(", ", _options.IngressClasses)})";
        }

        _frontends[key] = f;
        return new AppliedObject("Ingress", ns, name, existed ? ApplyAction.Configured : ApplyAction.Created);
    }

    private AppliedObject ApplyGateway(JsonObject document, string ns, string name, string applied)
    {
        string key = $"Gateway/{ns}/{name}";
        bool existed = _frontends.Remove(key, out HttpFrontend? old);
        if (old is not null)
        {
            _usedPoolAddresses.ExceptWith(old.Addresses);
        }

        JsonObject spec = document.Obj("spec") ?? throw new InvalidManifestException("spec: Required value");
        string className = spec.Str("gatewayClassName") ?? throw new InvalidManifestException("spec.gatewayClassName: Required value");
        HttpFrontend f = new() { Kind = "Gateway", Namespace = ns, Name = name, ClassName = className, Hosts = [], Applied = applied };
        foreach (JsonNode? l in spec.Arr("listeners"))
        {
            string protocol = l.Str("protocol") ?? "HTTP";
            if (protocol != "HTTP")
            {
                throw new InvalidManifestException($"spec.listeners[].protocol: Unsupported value: \"{protocol}\": this gateway implements \"HTTP\"");
            }

            f.Ports.Add((int)(l.Long("port") ?? throw new InvalidManifestException("spec.listeners[].port: Required value")));
            if (l.Str("hostname") is { } h)
            {
                f.Hosts.Add(h);
            }
        }

        if (f.Ports.Count == 0)
        {
            throw new InvalidManifestException("spec.listeners: Required value: at least one listener");
        }

        if (!_options.GatewayClasses.Contains(className))
        {
            f.Reason = $"GatewayClass \"{className}\" has no controller (known: {string.Join(", ", _options.GatewayClasses)})";
        }
        else if (AllocatePoolAddress("IPv4") is { } vip)
        {
            f.Addresses.Add(vip);
        }
        else
        {
            f.Reason = "AddressNotAssigned: the address pool is exhausted";
        }

        _frontends[key] = f;
        return new AppliedObject("Gateway", ns, name, existed ? ApplyAction.Configured : ApplyAction.Created);
    }

    private AppliedObject ApplyRoute(JsonObject document, string ns, string name, string applied)
    {
        string key = $"{ns}/{name}";
        bool existed = _routes.ContainsKey(key);
        JsonObject spec = document.Obj("spec") ?? throw new InvalidManifestException("spec: Required value");
        List<(string, string)> parents = spec.Arr("parentRefs").Select(p => (p.Str("namespace") ?? ns, p.Str("name") ?? throw new InvalidManifestException("spec.parentRefs[].name: Required value"))).ToList();
        List<string?> hostnames = spec.Arr("hostnames").Select(h => h?.GetValue<string>()).ToList();
        if (hostnames.Count == 0)
        {
            hostnames.Add(null);
        }

        List<HttpRule> rules = [];
        foreach (JsonNode? rule in spec.Arr("rules"))
        {
            JsonNode? backend = rule.Arr("backendRefs").FirstOrDefault() ?? throw new InvalidManifestException("spec.rules[].backendRefs: Required value");
            string service = backend.Str("name") ?? throw new InvalidManifestException("spec.rules[].backendRefs[].name: Required value");
            int port = (int)(backend.Long("port") ?? throw new InvalidManifestException("spec.rules[].backendRefs[].port: Required value"));
            IReadOnlyList<JsonNode?> matches = rule.Arr("matches");
            IEnumerable<(string Path, bool Exact)> paths = matches.Count == 0
                ? [("/", false)]
                : matches.Select(m => (m.Obj("path").Str("value") ?? "/", m.Obj("path").Str("type") == "Exact"));
            foreach ((string path, bool exact) in paths)
            {
                rules.AddRange(hostnames.Select(h => new HttpRule(h, path, exact, ns, service, port)));
            }
        }

        _routes[key] = new HttpRouteRecord { Namespace = ns, Name = name, Parents = parents, Rules = rules, Applied = applied };
        return new AppliedObject("HTTPRoute", ns, name, existed ? ApplyAction.Configured : ApplyAction.Created);
    }

    private ServiceView View(ServiceRecord s) => new(
        s.Namespace,
        s.Name,
        s.Type,
        s.ClusterIps.Select(a => a.ToString()).ToList(),
        s.IpFamilies,
        s.IpFamilyPolicy,
        s.Ports.Select(p => new ServicePortView(p.Name, p.Protocol, p.Port, p.TargetPort, p.NodePort)).ToList(),
        s.LoadBalancerIps.Select(a => a.ToString()).ToList(),
        s.ExternalName,
        s.ExternalTrafficPolicy,
        Endpoints(s).Select(e => new EndpointView(e.Pod.Namespace + "/" + e.Pod.Name, e.Pod.PodIps, e.Pod.Node, e.Ready)).ToList(),
        s.Events);

    /// <summary>The endpoints of a Service: running pods of its namespace whose labels match its selector.</summary>
    private List<(PodView Pod, bool Ready)> Endpoints(ServiceRecord s)
    {
        if (s.Selector.Count == 0 || s.Type == "ExternalName")
        {
            return [];
        }

        return _platform.GetPods(s.Namespace)
            .Where(p => !p.HostNetwork && p.PodIps.Count > 0 && s.Selector.All(kv => p.Labels.TryGetValue(kv.Key, out string? v) && v == kv.Value))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => (p, p.Phase == "Running" && p.Conditions.Any(c => c.Type == "Ready" && c.Status == "True")))
            .ToList();
    }

    private List<NodeView> Nodes() => _platform.GetNodes().Where(n => n.Ready).OrderBy(n => n.Name, StringComparer.Ordinal).ToList();

    private static IEnumerable<IPAddress> NodeAddresses(NodeView node) =>
        node.Addresses.Where(a => a.Type == "InternalIP").Select(a => IPAddress.Parse(a.Address));

    private static string Family(IPAddress a) => a.AddressFamily == AddressFamily.InterNetwork ? "IPv4" : "IPv6";

    private IPAddress AllocateClusterIp(string family)
    {
        IPNetwork cidr = _serviceCidrs.First(c => Family(c.BaseAddress) == family);
        for (int offset = 16; offset < 60000; offset++)
        {
            IPAddress candidate = Add(cidr.BaseAddress, offset);
            if (!cidr.Contains(candidate))
            {
                break;
            }

            if (_usedClusterIps.Add(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidManifestException($"spec.clusterIPs: Internal error: the {family} service range {cidr} is full");
    }

    private int AllocateNodePort()
    {
        int size = _options.NodePortRange.Last - _options.NodePortRange.First + 1;
        int start = _random.Next(size);
        for (int i = 0; i < size; i++)
        {
            int candidate = _options.NodePortRange.First + ((start + i) % size);
            if (_usedNodePorts.Add(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidManifestException($"spec.ports[].nodePort: Internal error: the node port range {_options.NodePortRange.First}-{_options.NodePortRange.Last} is full");
    }

    private IPAddress? AllocatePoolAddress(string family)
    {
        foreach (IPNetwork pool in _pools.Where(p => Family(p.BaseAddress) == family))
        {
            for (int offset = 1; offset < 250; offset++)
            {
                IPAddress candidate = Add(pool.BaseAddress, offset);
                if (pool.Contains(candidate) && _usedPoolAddresses.Add(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private void Release(ServiceRecord s)
    {
        _usedClusterIps.ExceptWith(s.ClusterIps);
        _usedPoolAddresses.ExceptWith(s.LoadBalancerIps);
        foreach (ServicePortRecord p in s.Ports)
        {
            if (p.NodePort is { } np)
            {
                _usedNodePorts.Remove(np);
            }
        }
    }

    private static IPAddress Add(IPAddress baseAddress, int offset)
    {
        byte[] bytes = baseAddress.GetAddressBytes();
        int carry = offset;
        for (int i = bytes.Length - 1; i >= 0 && carry > 0; i--)
        {
            int sum = bytes[i] + (carry & 0xFF);
            bytes[i] = (byte)sum;
            carry = (carry >> 8) + (sum >> 8);
        }

        return new IPAddress(bytes);
    }

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1035();

    /// <summary>A manifest the API server would reject; the message is its field error.</summary>
    private sealed class InvalidManifestException(string message) : Exception(message);
}
