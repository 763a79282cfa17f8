// Licensed under the Apache License, Version 2.0.
using System.Net;
using System.Net.Sockets;
using System.Text;
using NfvConformance.Abstractions.ContainerPlatform;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.ServiceExposure;

namespace NfvConformance.Emulator.ContainerPlatform.ServiceExposure;

/// <summary>
/// The data path of service traffic. From outside, a frame reaches the external router, which forwards it by the
/// routes the cluster advertised (ECMP over equal next hops, chosen by a 5-tuple hash) or to a node address on the
/// node subnet. On the node, kube-proxy matches the destination against ClusterIPs, node ports and load-balancer
/// addresses and rewrites it to a ready endpoint chosen by the 5-tuple hash (masquerading the source to the node unless
/// <c>externalTrafficPolicy: Local</c> keeps the client's address); an Ingress or Gateway address is answered by the
/// node's HTTP proxy, which parses the request in the TCP payload and opens its own connection to the backend chosen by
/// Host and path. The receiving pod is found from the rewritten frame's bytes.
/// </summary>
public sealed partial class ServiceExposureEmulator
{
    private static readonly byte[] ProbeMarker = "nfvc-service-probe"u8.ToArray();

    /// <summary>The synchronous core of <see cref="ProbeAsync"/>.</summary>
    internal ServiceProbeOutcome Probe(ServiceProbe probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        if (!IPAddress.TryParse(probe.Destination, out IPAddress? destination))
        {
            throw new NfvConformanceException($"probe destination '{probe.Destination}' is not an IP address; give a ClusterIP, node address or load-balancer address (resolve names with Resolve first).");
        }

        if (probe.Port is < 1 or > 65535 || probe.SourcePort is < 1 or > 65535)
        {
            throw new NfvConformanceException($"probe ports must be 1-65535 (destination {probe.Port}, source {probe.SourcePort}).");
        }

        lock (_lock)
        {
            List<string> path = [];
            List<NodeView> nodes = Nodes();
            IPAddress source;
            NodeView? entry;
            if (probe.FromPod is null)
            {
                source = _platform.Cluster.ExternalHostAddresses.Select(IPAddress.Parse).FirstOrDefault(a => a.AddressFamily == destination.AddressFamily)
                    ?? throw new NfvConformanceException($"the external client has no {Family(destination)} address.");
                path.Add($"external client {source}");
                entry = null;
            }
            else
            {
                PodView pod = _platform.GetPod(probe.FromNamespace ?? "default", probe.FromPod)
                    ?? throw new NfvConformanceException($"pod {probe.FromNamespace ?? "default"}/{probe.FromPod} does not exist; apply it through the container platform first.");
                if (pod.Phase != "Running")
                {
                    throw new NfvConformanceException($"pod {pod.Namespace}/{pod.Name} is {pod.Phase}; a probe needs a running sender.");
                }

                source = pod.PodIps.Select(IPAddress.Parse).FirstOrDefault(a => a.AddressFamily == destination.AddressFamily)
                    ?? throw new NfvConformanceException($"pod {pod.Namespace}/{pod.Name} has no {Family(destination)} address (it has {string.Join(", ", pod.PodIps)}).");
                entry = nodes.FirstOrDefault(n => n.Name == pod.Node);
                path.Add($"pod {pod.Namespace}/{pod.Name} {source} on {pod.Node}");
            }

            byte[] payload = probe.Http is null ? ProbeMarker : ServiceFrames.HttpRequest(probe.Http);
            byte[] frame = ServiceFrames.Build(ClientMac, RouterMac, source, destination, probe.Protocol, probe.SourcePort, probe.Port, payload);
            ServiceFrameFields sent = ServiceFrames.Read(frame);

            if (entry is null)
            {
                // The external router: advertised service routes first (ECMP by flow hash), then the node subnet.
                List<RibEntry> routes = Rib().Where(r => r.Prefix.Contains(destination)).OrderBy(r => r.NextHop.ToString(), StringComparer.Ordinal).ToList();
                if (routes.Count > 0)
                {
                    RibEntry chosen = routes[(int)(sent.FlowHash % (uint)routes.Count)];
                    entry = nodes.First(n => n.Name == chosen.Node);
                    path.Add($"external router: {chosen.Prefix} ECMP {routes.Count} next hops, flow hash -> {chosen.NextHop} ({chosen.Node})");
                }
                else if (nodes.FirstOrDefault(n => NodeAddresses(n).Contains(destination)) is { } direct)
                {
                    entry = direct;
                    path.Add($"external router: {destination} on the node subnet ({direct.Name})");
                }
                else
                {
                    return Dropped($"the external router has no route to {destination}: it is neither an advertised service address nor a node address", path);
                }
            }

            return AtNode(entry, probe.FromPod is null, frame, path, nodes);
        }
    }

    private ServiceProbeOutcome AtNode(NodeView entry, bool fromOutside, byte[] frame, List<string> path, List<NodeView> nodes)
    {
        ServiceFrameFields f = ServiceFrames.Read(frame);
        string proto = f.Protocol == ServiceProtocol.Tcp ? "TCP" : "UDP";

        HttpFrontend? frontend = _frontends.Values.FirstOrDefault(x => x.Addresses.Contains(f.Destination) && x.Ports.Contains(f.DestinationPort) && x.Reason is null);
        if (frontend is not null)
        {
            return Proxy(entry, frontend, frame, path, fromOutside);
        }

        foreach (ServiceRecord s in _services.Values.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            foreach (ServicePortRecord p in s.Ports.Where(p => p.Protocol == proto))
            {
                string? how =
                    !fromOutside && s.ClusterIps.Contains(f.Destination) && p.Port == f.DestinationPort ? "ClusterIP"
                    : s.LoadBalancerIps.Contains(f.Destination) && p.Port == f.DestinationPort ? "LoadBalancer"
                    : p.NodePort == f.DestinationPort && nodes.Any(n => NodeAddresses(n).Contains(f.Destination)) && (!fromOutside || NodeAddresses(entry).Contains(f.Destination)) ? "NodePort"
                    : null;
                if (how is not null)
                {
                    return Dnat(entry, s, p, how, frame, path, fromOutside);
                }
            }
        }

        return Dropped($"node {entry.Name}: no Service, node port or listener at {ServiceFrameFields.Endpoint(f.Destination, f.DestinationPort)}/{proto} (kube-proxy has no rule; the connection is refused)", path);
    }

    private ServiceProbeOutcome Dnat(NodeView entry, ServiceRecord s, ServicePortRecord port, string how, byte[] frame, List<string> path, bool fromOutside)
    {
        ServiceFrameFields f = ServiceFrames.Read(frame);
        bool local = fromOutside && how != "ClusterIP" && s.ExternalTrafficPolicy == "Local" && _options.HonourLocalTrafficPolicy;
        var candidates = Endpoints(s)
            .Where(e => e.Ready || !_options.OnlyReadyEndpoints)
            .Where(e => !local || e.Pod.Node == entry.Name)
            .Select(e => (e.Pod, Address: e.Pod.PodIps.Select(IPAddress.Parse).FirstOrDefault(a => a.AddressFamily == f.Destination.AddressFamily)))
            .Where(e => e.Address is not null)
            .ToList();
        if (candidates.Count == 0)
        {
            return Dropped($"node {entry.Name}: Service {s.Key} ({how} {ServiceFrameFields.Endpoint(f.Destination, f.DestinationPort)}) has no ready {Family(f.Destination)} endpoint{(local ? " on this node (externalTrafficPolicy Local)" : string.Empty)}", path);
        }

        int index = _options.SpreadFlows ? (int)(f.FlowHash % (uint)candidates.Count) : 0;
        Conntrack original = new(f.Source, f.SourcePort, f.Destination, f.DestinationPort);
        (PodView backend, IPAddress? address) = candidates[index];
        ServiceFrames.Rewrite(frame, address!, port.TargetPort, source: false);
        path.Add($"{entry.Name} kube-proxy: {how} {s.Key} DNAT {ServiceFrameFields.Endpoint(f.Destination, f.DestinationPort)} -> {ServiceFrameFields.Endpoint(address!, port.TargetPort)} (endpoint {index + 1} of {candidates.Count} by flow hash)");
        if (fromOutside && !local)
        {
            IPAddress? nodeAddress = NodeAddresses(entry).FirstOrDefault(a => a.AddressFamily == f.Source.AddressFamily);
            if (nodeAddress is not null)
            {
                ServiceFrames.Rewrite(frame, nodeAddress, null, source: true);
                path.Add($"{entry.Name} masquerade {f.Source} -> {nodeAddress}");
            }
        }

        return Deliver(backend, entry, frame, path, null, original);
    }

    private ServiceProbeOutcome Proxy(NodeView entry, HttpFrontend frontend, byte[] frame, List<string> path, bool fromOutside)
    {
        ServiceFrameFields f = ServiceFrames.Read(frame);
        path.Add($"{entry.Name} {frontend.Kind.ToLowerInvariant()} proxy ({frontend.ClassName}) {ServiceFrameFields.Endpoint(f.Destination, f.DestinationPort)}");
        if (f.Protocol != ServiceProtocol.Tcp || ServiceFrames.ParseHttpRequest(f.Payload) is not { } request)
        {
            return Dropped($"{frontend.Kind} {frontend.Namespace}/{frontend.Name}: the segment carries no HTTP/1.1 request with a Host header; the proxy closes the connection", path);
        }

        IEnumerable<HttpRule> rules = frontend.Kind == "Ingress"
            ? _frontends.Values.Where(x => x.Kind == "Ingress" && x.ClassName == frontend.ClassName && x.Reason is null).SelectMany(x => x.Rules)
            : _routes.Values.Where(r => r.Parents.Contains((frontend.Namespace, frontend.Name))).SelectMany(r => r.Rules)
                .Where(r => frontend.Hosts.Count == 0 || r.Host is null || frontend.Hosts.Contains(r.Host, StringComparer.OrdinalIgnoreCase));
        HttpRule? best = rules
            .Select(r => (Rule: r, Length: r.Match(request.Host, request.Target, _options.RouteOnHost)))
            .Where(x => x.Length >= 0)
            .OrderByDescending(x => x.Length)
            .Select(x => x.Rule)
            .FirstOrDefault();
        if (best is null)
        {
            int code = ServiceFrames.ParseHttpStatus(ServiceFrames.HttpResponse(404, "Not Found", frontend.ClassName)) ?? 0;
            return new ServiceProbeOutcome(false, $"the proxy answered {code}: no rule for host '{request.Host}' path '{request.Target}'", null, null, null, entry.Name, code, path);
        }

        if (!_services.TryGetValue($"{best.ServiceNamespace}/{best.Service}", out ServiceRecord? service) || service.Ports.FirstOrDefault(p => p.Port == best.Port) is not { } port)
        {
            return new ServiceProbeOutcome(false, $"the proxy answered 503: backend Service {best.ServiceNamespace}/{best.Service} port {best.Port} does not exist", null, null, null, entry.Name, 503, path);
        }

        IPAddress proxyAddress = NodeAddresses(entry).FirstOrDefault(a => a.AddressFamily == f.Source.AddressFamily) ?? f.Destination;
        string forwarded = Encoding.ASCII.GetString(f.Payload).Replace("\r\n\r\n", $"\r\nX-Forwarded-For: {f.Source}\r\n\r\n", StringComparison.Ordinal);
        IPAddress target = service.ClusterIps.FirstOrDefault(a => a.AddressFamily == proxyAddress.AddressFamily) ?? proxyAddress;
        byte[] upstream = ServiceFrames.Build(RouterMac, ClientMac, proxyAddress, target, ServiceProtocol.Tcp, 50000 + (int)(f.FlowHash % 10000), port.Port, Encoding.ASCII.GetBytes(forwarded));
        path.Add($"route host '{request.Host}' path '{request.Target}' -> Service {service.Key}:{port.Port}");
        return Dnat(entry, service, port, "ClusterIP", upstream, path, fromOutside: false) switch
        {
            { Delivered: true } ok => ok with
            {
                HttpStatus = ServiceFrames.ParseHttpStatus(ServiceFrames.HttpResponse(200, "OK", ok.Backend ?? string.Empty)),
                ReplySourceSeen = ServiceFrameFields.Endpoint(f.Destination, f.DestinationPort),
            },
            var failed => failed with { HttpStatus = 503 },
        };
    }

    private ServiceProbeOutcome Deliver(PodView backend, NodeView entry, byte[] frame, List<string> path, int? status, Conntrack original)
    {
        ServiceFrameFields seen = ServiceFrames.Read(frame);
        if (!backend.PodIps.Contains(seen.Destination.ToString()))
        {
            return Dropped($"the rewritten frame's destination {seen.Destination} is not an address of {backend.Namespace}/{backend.Name}", path);
        }

        if (backend.Node != entry.Name)
        {
            path.Add($"overlay {entry.Name} -> {backend.Node}");
        }

        path.Add($"received by pod {backend.Namespace}/{backend.Name} eth0");

        // The answer: built by the pod from what it saw, then translated back by the connection-tracking entry the
        // request created (un-SNAT to the client, un-DNAT to the address and port the client dialed).
        byte[] answer = ServiceFrames.Build(RouterMac, ClientMac, seen.Destination, seen.Source, seen.Protocol, seen.DestinationPort, seen.SourcePort, "nfvc-service-answer"u8);
        if (!seen.Source.Equals(original.Source) || seen.SourcePort != original.SourcePort)
        {
            ServiceFrames.Rewrite(answer, original.Source, original.SourcePort, source: false);
            path.Add($"answer un-SNAT -> {ServiceFrameFields.Endpoint(original.Source, original.SourcePort)}");
        }

        if (_options.ReverseNat)
        {
            ServiceFrames.Rewrite(answer, original.Destination, original.DestinationPort, source: true);
            path.Add($"answer un-DNAT from {ServiceFrameFields.Endpoint(original.Destination, original.DestinationPort)}");
        }

        ServiceFrameFields back = ServiceFrames.Read(answer);
        return new ServiceProbeOutcome(true, null, $"{backend.Namespace}/{backend.Name}", ServiceFrameFields.Endpoint(seen.Source, seen.SourcePort), ServiceFrameFields.Endpoint(seen.Destination, seen.DestinationPort), entry.Name, status, path, ServiceFrameFields.Endpoint(back.Source, back.SourcePort));
    }

    private sealed record Conntrack(IPAddress Source, int SourcePort, IPAddress Destination, int DestinationPort);

    private static ServiceProbeOutcome Dropped(string reason, List<string> path) => new(false, reason, null, null, null, null, null, path);

    /// <summary>The external router's routes for cluster prefixes: every service and listener address, from each advertising node.</summary>
    private List<RibEntry> Rib()
    {
        List<RibEntry> rib = [];
        if (!_options.AdvertiseServiceAddresses)
        {
            return rib;
        }

        List<NodeView> nodes = Nodes();
        foreach (ServiceRecord s in _services.Values.Where(s => s.LoadBalancerIps.Count > 0))
        {
            List<NodeView> eligible = s.ExternalTrafficPolicy == "Local" && _options.HonourLocalTrafficPolicy
                ? nodes.Where(n => Endpoints(s).Any(e => e.Ready && e.Pod.Node == n.Name)).ToList()
                : nodes;
            foreach (IPAddress vip in s.LoadBalancerIps)
            {
                rib.AddRange(Announce(vip, eligible, s.Key));
            }
        }

        foreach (HttpFrontend f in _frontends.Values.Where(f => f.Reason is null))
        {
            foreach (IPAddress vip in f.Addresses.Where(vip => !rib.Any(r => r.Prefix.BaseAddress.Equals(vip))))
            {
                rib.AddRange(Announce(vip, nodes, $"{f.Namespace}/{f.Name}"));
            }
        }

        return rib;
    }

    private IEnumerable<RibEntry> Announce(IPAddress vip, List<NodeView> nodes, string owner)
    {
        IEnumerable<NodeView> speakers = _options.AdvertisingNodes > 0 ? nodes.Take(_options.AdvertisingNodes) : nodes;
        foreach (NodeView n in speakers)
        {
            if (NodeAddresses(n).FirstOrDefault(a => a.AddressFamily == vip.AddressFamily) is { } hop)
            {
                yield return new RibEntry(new IPNetwork(vip, vip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128), hop, n.Name, owner);
            }
        }
    }

    private sealed record RibEntry(IPNetwork Prefix, IPAddress NextHop, string Node, string Owner);
}
