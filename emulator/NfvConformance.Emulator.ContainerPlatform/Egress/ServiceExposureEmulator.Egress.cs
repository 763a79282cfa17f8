// Licensed under the Apache License, Version 2.0.
using System.Net;
using System.Text.Json.Nodes;
using NfvConformance.Abstractions.ContainerPlatform;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.ServiceExposure;
using NfvConformance.Emulator.ContainerPlatform.Manifests;

namespace NfvConformance.Emulator.ContainerPlatform.ServiceExposure;

/// <summary>
/// The egress controller. Pod traffic to the outside leaves through the cluster's uplink trunk, where each external
/// network (a VRF on the provider edge: <c>oam</c>, <c>signalling</c>, <c>media</c>, and the untagged <c>default</c>)
/// has its own 802.1Q VLAN; <c>oam</c> and <c>signalling</c> deliberately hold the same prefix, 198.51.100.0/24, so
/// only VRF separation keeps their traffic apart. An <c>EgressPolicy</c> selects pods (namespace and optionally pod
/// labels: a traffic class), routes them into a VRF, and sets their source: one of its fixed egress IPs (chosen per
/// flow by hash, hosted on a node each), the load-balancer address of a Service (the same VIP in and out), or the
/// pod's own address. Pods no policy selects are masqueraded to their node and leave untagged into <c>default</c>.
/// The provider edge demultiplexes the captured frame by its VLAN tag, as a real one does.
/// </summary>
public sealed partial class ServiceExposureEmulator
{
    private static readonly EgressNetworkRecord[] Networks =
    [
        new("oam", 110, [IPNetwork.Parse("198.51.100.0/24"), IPNetwork.Parse("2001:db8:51::/64")]),
        new("signalling", 120, [IPNetwork.Parse("198.51.100.0/24"), IPNetwork.Parse("192.0.2.0/25")]),
        new("media", 130, [IPNetwork.Parse("100.64.0.0/16")]),
        new("default", 0, [IPNetwork.Parse("0.0.0.0/0"), IPNetwork.Parse("::/0")]),
    ];

    private readonly Dictionary<string, EgressPolicyRecord> _egressPolicies = new(StringComparer.Ordinal);

    /// <summary>The synchronous core of <see cref="ProbeEgressAsync"/>.</summary>
    internal EgressProbeOutcome ProbeEgress(EgressProbe probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        if (!IPAddress.TryParse(probe.Destination, out IPAddress? destination))
        {
            throw new NfvConformanceException($"egress destination '{probe.Destination}' is not an IP address.");
        }

        lock (_lock)
        {
            PodView pod = _platform.GetPod(probe.Namespace, probe.Pod)
                ?? throw new NfvConformanceException($"pod {probe.Namespace}/{probe.Pod} does not exist; apply it through the container platform first.");
            IPAddress source = pod.PodIps.Select(IPAddress.Parse).FirstOrDefault(a => a.AddressFamily == destination.AddressFamily)
                ?? throw new NfvConformanceException($"pod {pod.Namespace}/{pod.Name} has no {Family(destination)} address.");
            List<NodeView> nodes = Nodes();
            List<string> path = [$"pod {pod.Namespace}/{pod.Name} {source} on {pod.Node}"];
            byte[] frame = ServiceFrames.Build([0x0a, 0x58, 0, 0, 0, 1], RouterMac, source, destination, probe.Protocol, probe.SourcePort, probe.Port, "nfvc-egress-probe"u8);
            ServiceFrameFields sent = ServiceFrames.Read(frame);

            EgressPolicyRecord? policy = _options.EgressController ? MatchPolicy(pod) : null;
            EgressNetworkRecord network = Networks[^1];
            string egressNode = pod.Node ?? nodes[0].Name;
            IPAddress? newSource;
            if (policy is null)
            {
                newSource = nodes.Where(n => n.Name == egressNode).SelectMany(NodeAddresses).FirstOrDefault(a => a.AddressFamily == destination.AddressFamily);
                path.Add($"no EgressPolicy selects the pod: masquerade on {egressNode}");
            }
            else
            {
                path.Add($"EgressPolicy {policy.Name} (vrf {policy.Vrf})");
                EgressNetworkRecord? chosen = _options.SeparateVrfs
                    ? Networks.First(n => n.Vrf == policy.Vrf) is var own && own.Contains(destination) ? own : null
                    : Networks.FirstOrDefault(n => n.Contains(destination));
                if (chosen is null)
                {
                    return EgressDropped($"VRF {policy.Vrf} has no route to {destination} (its prefixes: {string.Join(", ", Networks.First(n => n.Vrf == policy.Vrf).Prefixes)})", path);
                }

                network = chosen;
                if (!_options.ApplyEgressSource)
                {
                    newSource = nodes.Where(n => n.Name == egressNode).SelectMany(NodeAddresses).FirstOrDefault(a => a.AddressFamily == destination.AddressFamily);
                    path.Add($"masquerade on {egressNode}");
                }
                else if (policy.PreserveSourceIp)
                {
                    newSource = null;
                    path.Add("source preserved (no SNAT)");
                }
                else if (policy.ServiceRef is { } svcRef)
                {
                    if (!_services.TryGetValue($"{svcRef.Namespace}/{svcRef.Name}", out ServiceRecord? svc) || svc.LoadBalancerIps.FirstOrDefault(a => a.AddressFamily == destination.AddressFamily) is not { } vip)
                    {
                        return EgressDropped($"EgressPolicy {policy.Name}: Service {svcRef.Namespace}/{svcRef.Name} has no {Family(destination)} load-balancer address to leave from", path);
                    }

                    newSource = vip;
                    egressNode = Rib().Where(r => r.Prefix.BaseAddress.Equals(vip)).Select(r => r.Node).Order(StringComparer.Ordinal).FirstOrDefault() ?? egressNode;
                    path.Add($"source = Service {svc.Key} VIP {vip}, via {egressNode}");
                }
                else
                {
                    List<IPAddress> ips = policy.EgressIps.Where(a => a.AddressFamily == destination.AddressFamily).ToList();
                    if (ips.Count == 0)
                    {
                        return EgressDropped($"EgressPolicy {policy.Name} has no {Family(destination)} egress IP", path);
                    }

                    int index = (int)(sent.FlowHash % (uint)ips.Count);
                    newSource = ips[index];
                    egressNode = nodes[policy.EgressIps.IndexOf(newSource) % nodes.Count].Name;
                    path.Add($"egress IP {newSource} ({index + 1} of {ips.Count} by flow hash) hosted on {egressNode}");
                }
            }

            if (newSource is not null)
            {
                ServiceFrames.Rewrite(frame, newSource, null, source: true);
            }

            if (network.VlanId > 0 && _options.TagEgressVlans)
            {
                frame = ServiceFrames.Tag(frame, network.VlanId);
                path.Add($"{egressNode} trunk: 802.1Q VLAN {network.VlanId} (vrf {network.Vrf})");
            }
            else
            {
                path.Add($"{egressNode} trunk: untagged");
            }

            // The provider edge: the VLAN tag picks the VRF, the VRF's table the destination.
            ServiceFrameFields captured = ServiceFrames.Read(frame);
            EgressNetworkRecord arrived = Networks.FirstOrDefault(n => n.VlanId == captured.VlanId) ?? Networks[^1];
            if (!arrived.Contains(captured.Destination))
            {
                return new EgressProbeOutcome(false, $"provider edge: VRF {arrived.Vrf} (VLAN {captured.VlanId}) has no route to {captured.Destination}", arrived.Vrf, null, null, egressNode, frame, path);
            }

            path.Add($"received in VRF {arrived.Vrf} by {captured.Destination}");
            return new EgressProbeOutcome(true, null, arrived.Vrf, captured.Source.ToString(), captured.Destination.ToString(), egressNode, frame, path);
        }
    }

    private static EgressProbeOutcome EgressDropped(string reason, List<string> path) => new(false, reason, null, null, null, null, [], path);

    private EgressPolicyRecord? MatchPolicy(PodView pod)
    {
        IReadOnlyDictionary<string, string> nsLabels = _platform.GetNamespace(pod.Namespace)?.Labels ?? new Dictionary<string, string>();
        return _egressPolicies.Values
            .Where(p => Matches(p.NamespaceSelector, nsLabels) && Matches(p.PodSelector, pod.Labels))
            .OrderByDescending(p => p.PodSelector.Count)
            .ThenBy(p => p.Name, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    private static bool Matches(Dictionary<string, string> selector, IReadOnlyDictionary<string, string> labels) =>
        selector.All(kv => labels.TryGetValue(kv.Key, out string? v) && v == kv.Value);

    private AppliedObject ApplyEgressPolicy(JsonObject document, string name, string applied)
    {
        bool existed = _egressPolicies.TryGetValue(name, out EgressPolicyRecord? old);
        if (old is not null && old.Applied == applied)
        {
            return new AppliedObject(EgressPolicyFields.Kind, null, name, ApplyAction.Unchanged);
        }

        JsonObject spec = document.Obj("spec") ?? throw new InvalidManifestException("spec: Required value");
        if (spec.Obj("namespaceSelector") is null)
        {
            throw new InvalidManifestException("spec.namespaceSelector: Required value: select the namespaces whose traffic the policy takes (matchLabels)");
        }

        List<IPAddress> ips = [];
        foreach (JsonNode? node in spec.Arr("egressIPs"))
        {
            string text = node?.GetValue<string>() ?? string.Empty;
            if (!IPAddress.TryParse(text, out IPAddress? ip))
            {
                throw new InvalidManifestException($"spec.egressIPs: Invalid value: \"{text}\": not an IP address");
            }

            if (_platform.Cluster.PodCidrs.Concat(_platform.Cluster.ServiceCidrs).Select(IPNetwork.Parse).Any(c => c.Contains(ip)))
            {
                throw new InvalidManifestException($"spec.egressIPs: Invalid value: \"{text}\": inside the cluster's pod or service range; egress IPs must be routable outside the cluster");
            }

            ips.Add(ip);
        }

        JsonObject? serviceRef = spec.Obj("serviceRef");
        bool preserve = spec.Bool("preserveSourceIP") ?? false;
        int ways = (ips.Count > 0 ? 1 : 0) + (serviceRef is null ? 0 : 1) + (preserve ? 1 : 0);
        if (ways != 1)
        {
            throw new InvalidManifestException("spec: Invalid value: set exactly one of egressIPs, serviceRef or preserveSourceIP: true");
        }

        string vrf = spec.Str("vrf") ?? "default";
        if (Networks.All(n => n.Vrf != vrf))
        {
            throw new InvalidManifestException($"spec.vrf: Unsupported value: \"{vrf}\": supported values: {string.Join(", ", Networks.Select(n => $"\"{n.Vrf}\""))}");
        }

        _egressPolicies[name] = new EgressPolicyRecord(
            name,
            spec.Obj("namespaceSelector").Map("matchLabels"),
            spec.Obj("podSelector").Map("matchLabels"),
            ips,
            serviceRef is null ? null : (serviceRef.Str("namespace") ?? "default", serviceRef.Str("name") ?? throw new InvalidManifestException("spec.serviceRef.name: Required value")),
            preserve,
            vrf,
            applied);
        return new AppliedObject(EgressPolicyFields.Kind, null, name, existed ? ApplyAction.Configured : ApplyAction.Created);
    }

    private sealed record EgressNetworkRecord(string Vrf, int VlanId, IPNetwork[] Prefixes)
    {
        public bool Contains(IPAddress address) => Prefixes.Any(p => p.Contains(address));
    }

    private sealed record EgressPolicyRecord(
        string Name,
        Dictionary<string, string> NamespaceSelector,
        Dictionary<string, string> PodSelector,
        List<IPAddress> EgressIps,
        (string Namespace, string Name)? ServiceRef,
        bool PreserveSourceIp,
        string Vrf,
        string Applied);
}
