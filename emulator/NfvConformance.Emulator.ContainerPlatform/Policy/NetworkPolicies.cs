// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using NfvConformance.Abstractions.ContainerPlatform;
using NfvConformance.Emulator.ContainerPlatform.Cluster;
using NfvConformance.Emulator.ContainerPlatform.Manifests;

namespace NfvConformance.Emulator.ContainerPlatform.Policy;

/// <summary>A label selector (matchLabels and matchExpressions); an empty selector matches everything.</summary>
/// <param name="MatchLabels">Labels that must be equal.</param>
/// <param name="Expressions">Expressions: key, operator (In, NotIn, Exists, DoesNotExist) and values.</param>
internal sealed record LabelSelector(IReadOnlyDictionary<string, string> MatchLabels, IReadOnlyList<(string Key, string Operator, IReadOnlyList<string> Values)> Expressions)
{
    /// <summary>Reads a selector.</summary>
    /// <param name="node">The selector object.</param>
    /// <param name="field">Its path, for messages.</param>
    /// <returns>The selector.</returns>
    /// <exception cref="ManifestRejectedException">An operator is unknown.</exception>
    public static LabelSelector Read(JsonObject? node, string field)
    {
        List<(string, string, IReadOnlyList<string>)> expressions = [];
        int i = 0;
        foreach (JsonNode? e in node.Arr("matchExpressions"))
        {
            string op = e.Str("operator") ?? string.Empty;
            if (op is not ("In" or "NotIn" or "Exists" or "DoesNotExist"))
            {
                throw new ManifestRejectedException($"{field}.matchExpressions[{i}].operator: Unsupported value: \"{op}\": supported values: \"In\", \"NotIn\", \"Exists\", \"DoesNotExist\"");
            }

            expressions.Add((e.Str("key") ?? string.Empty, op, e.Arr("values").Select(v => v is JsonValue jv ? JsonRead.Text(jv) : string.Empty).ToList()));
            i++;
        }

        return new LabelSelector(node.Map("matchLabels"), expressions);
    }

    /// <summary>Tells whether labels match.</summary>
    /// <param name="labels">The labels.</param>
    /// <returns>True when every term holds.</returns>
    public bool Matches(IReadOnlyDictionary<string, string> labels) =>
        MatchLabels.All(kv => labels.TryGetValue(kv.Key, out string? v) && v == kv.Value)
        && Expressions.All(e => e.Operator switch
        {
            "In" => labels.TryGetValue(e.Key, out string? v) && e.Values.Contains(v),
            "NotIn" => !labels.TryGetValue(e.Key, out string? v) || !e.Values.Contains(v),
            "Exists" => labels.ContainsKey(e.Key),
            _ => !labels.ContainsKey(e.Key),
        });
}

/// <summary>A peer of a rule: pods (by pod and/or namespace selector) or an IP block.</summary>
/// <param name="Pods">The pod selector, or null.</param>
/// <param name="Namespaces">The namespace selector, or null.</param>
/// <param name="Block">The ipBlock CIDR, or null.</param>
/// <param name="Except">The ipBlock exceptions.</param>
internal sealed record PolicyPeer(LabelSelector? Pods, LabelSelector? Namespaces, IPNetwork? Block, IReadOnlyList<IPNetwork> Except);

/// <summary>A port of a rule.</summary>
/// <param name="Protocol">TCP, UDP or SCTP.</param>
/// <param name="Port">The number, or null for all ports.</param>
/// <param name="Named">The named port, or null.</param>
/// <param name="EndPort">The last port of a range, or null.</param>
internal sealed record PolicyPort(string Protocol, int? Port, string? Named, int? EndPort);

/// <summary>An ingress or egress rule; empty peers or ports mean all.</summary>
/// <param name="Peers">The peers.</param>
/// <param name="Ports">The ports.</param>
internal sealed record PolicyRule(IReadOnlyList<PolicyPeer> Peers, IReadOnlyList<PolicyPort> Ports);

/// <summary>A NetworkPolicy (networking.k8s.io/v1) as the policy plugin holds it.</summary>
/// <param name="Namespace">The namespace.</param>
/// <param name="Name">The name.</param>
/// <param name="PodSelector">Which pods of the namespace it selects.</param>
/// <param name="Ingress">True when it isolates the selected pods for ingress.</param>
/// <param name="Egress">True when it isolates them for egress.</param>
/// <param name="IngressRules">The ingress rules.</param>
/// <param name="EgressRules">The egress rules.</param>
/// <param name="Applied">The manifest as applied.</param>
internal sealed record NetworkPolicyRecord(string Namespace, string Name, LabelSelector PodSelector, bool Ingress, bool Egress, IReadOnlyList<PolicyRule> IngressRules, IReadOnlyList<PolicyRule> EgressRules, string Applied)
{
    /// <summary>Reads and validates a NetworkPolicy the way the API server does.</summary>
    /// <param name="ns">The namespace.</param>
    /// <param name="name">The name.</param>
    /// <param name="spec">spec.</param>
    /// <param name="applied">The manifest text.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="ManifestRejectedException">A field is invalid.</exception>
    public static NetworkPolicyRecord Read(string ns, string name, JsonObject? spec, string applied)
    {
        if (spec is null || !spec.Has("podSelector"))
        {
            throw new ManifestRejectedException("spec.podSelector: Required value (use {} to select every pod of the namespace)");
        }

        List<string> types = spec.Arr("policyTypes").Select(t => t is JsonValue v ? JsonRead.Text(v) : string.Empty).ToList();
        foreach (string t in types.Where(t => t is not ("Ingress" or "Egress")))
        {
            throw new ManifestRejectedException($"spec.policyTypes: Unsupported value: \"{t}\": supported values: \"Ingress\", \"Egress\"");
        }

        if (types.Count == 0)
        {
            types.Add("Ingress");
            if (spec.Has("egress"))
            {
                types.Add("Egress");
            }
        }

        return new NetworkPolicyRecord(
            ns,
            name,
            LabelSelector.Read(spec.Obj("podSelector"), "spec.podSelector"),
            types.Contains("Ingress"),
            types.Contains("Egress"),
            ReadRules(spec, "ingress", "from"),
            ReadRules(spec, "egress", "to"),
            applied);
    }

    private static List<PolicyRule> ReadRules(JsonObject spec, string key, string peersKey)
    {
        List<PolicyRule> rules = [];
        int r = 0;
        foreach (JsonNode? rule in spec.Arr(key))
        {
            string path = $"spec.{key}[{r}]";
            List<PolicyPeer> peers = [];
            int p = 0;
            foreach (JsonNode? peer in rule.Arr(peersKey))
            {
                string peerPath = $"{path}.{peersKey}[{p}]";
                JsonObject? block = peer.Obj("ipBlock");
                if (block is not null && (peer.Has("podSelector") || peer.Has("namespaceSelector")))
                {
                    throw new ManifestRejectedException($"{peerPath}: Forbidden: may not specify both ipBlock and another peer");
                }

                peers.Add(new PolicyPeer(
                    peer.Has("podSelector") ? LabelSelector.Read(peer.Obj("podSelector"), peerPath + ".podSelector") : null,
                    peer.Has("namespaceSelector") ? LabelSelector.Read(peer.Obj("namespaceSelector"), peerPath + ".namespaceSelector") : null,
                    block is null ? null : Addresses.ParseCidr(block.Str("cidr") ?? string.Empty, peerPath + ".ipBlock.cidr"),
                    block.Arr("except").Select(x => Addresses.ParseCidr(x is JsonValue v ? JsonRead.Text(v) : string.Empty, peerPath + ".ipBlock.except")).ToList()));
                p++;
            }

            List<PolicyPort> ports = [];
            int q = 0;
            foreach (JsonNode? port in rule.Arr("ports"))
            {
                string protocol = port.Str("protocol") ?? "TCP";
                if (protocol is not ("TCP" or "UDP" or "SCTP"))
                {
                    throw new ManifestRejectedException($"{path}.ports[{q}].protocol: Unsupported value: \"{protocol}\": supported values: \"TCP\", \"UDP\", \"SCTP\"");
                }

                string? text = port.Str("port");
                int? number = text is not null && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : null;
                ports.Add(new PolicyPort(protocol, number, number is null ? text : null, (int?)port.Long("endPort")));
                q++;
            }

            rules.Add(new PolicyRule(peers, ports));
            r++;
        }

        return rules;
    }
}

/// <summary>One side of a connection as the policy plugin sees it.</summary>
/// <param name="Address">The address in the packet.</param>
/// <param name="Pod">The pod owning it on the default network, or null (external, node).</param>
/// <param name="NamespaceLabels">The labels of that pod's namespace, or null.</param>
internal sealed record PolicyEndpoint(IPAddress Address, PodRecord? Pod, IReadOnlyDictionary<string, string>? NamespaceLabels);

/// <summary>Evaluates NetworkPolicy on a packet's fields, as the policy plugin on a node would.</summary>
internal static class PolicyEvaluator
{
    /// <summary>Decides whether a packet may enter (or leave) a pod.</summary>
    /// <param name="policies">All policies in the cluster.</param>
    /// <param name="pod">The pod the decision is about.</param>
    /// <param name="ingress">True for traffic to <paramref name="pod"/>, false for traffic from it.</param>
    /// <param name="peer">The other side.</param>
    /// <param name="protocol">The packet's transport.</param>
    /// <param name="port">The destination port of the packet.</param>
    /// <returns>Null when allowed, else why not.</returns>
    public static string? Deny(IEnumerable<NetworkPolicyRecord> policies, PodRecord pod, bool ingress, PolicyEndpoint peer, ProbeProtocol protocol, int port)
    {
        if (pod.HostNetwork)
        {
            return null;
        }

        List<NetworkPolicyRecord> selecting = policies
            .Where(p => p.Namespace == pod.Namespace && (ingress ? p.Ingress : p.Egress) && p.PodSelector.Matches(pod.Labels))
            .ToList();
        if (selecting.Count == 0)
        {
            return null;
        }

        PodRecord? destinationPod = ingress ? pod : peer.Pod;
        foreach (NetworkPolicyRecord policy in selecting)
        {
            foreach (PolicyRule rule in ingress ? policy.IngressRules : policy.EgressRules)
            {
                if ((rule.Peers.Count == 0 || rule.Peers.Any(p => PeerMatches(p, policy.Namespace, peer)))
                    && (rule.Ports.Count == 0 || rule.Ports.Any(p => PortMatches(p, protocol, port, destinationPod))))
                {
                    return null;
                }
            }
        }

        string direction = ingress ? "ingress" : "egress";
        string what = protocol == ProbeProtocol.Icmp ? "ICMP" : $"{protocol.ToString().ToUpperInvariant()} port {port}";
        string peerText = peer.Pod is null ? peer.Address.ToString() : $"{peer.Address} (pod {peer.Pod.Key})";
        return $"dropped by NetworkPolicy ({direction} of pod {pod.Key}): {string.Join(", ", selecting.Select(p => $"{p.Namespace}/{p.Name}"))} select the pod and no rule admits {what} {(ingress ? "from" : "to")} {peerText}";
    }

    private static bool PeerMatches(PolicyPeer peer, string policyNamespace, PolicyEndpoint endpoint)
    {
        if (peer.Block is { } block)
        {
            return block.Contains(endpoint.Address) && !peer.Except.Any(e => e.Contains(endpoint.Address));
        }

        if (endpoint.Pod is null || endpoint.NamespaceLabels is null)
        {
            return false;
        }

        bool namespaceOk = peer.Namespaces is null ? endpoint.Pod.Namespace == policyNamespace : peer.Namespaces.Matches(endpoint.NamespaceLabels);
        bool podOk = peer.Pods is null || peer.Pods.Matches(endpoint.Pod.Labels);
        return namespaceOk && podOk;
    }

    private static bool PortMatches(PolicyPort rule, ProbeProtocol protocol, int port, PodRecord? destinationPod)
    {
        if (protocol == ProbeProtocol.Icmp || !string.Equals(rule.Protocol, protocol.ToString(), StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (rule.Named is { } named)
        {
            return destinationPod is not null && destinationPod.Containers.Concat(destinationPod.InitContainers)
                .SelectMany(c => c.Ports)
                .Any(p => p.Name == named && p.Port == port && string.Equals(p.Protocol, rule.Protocol, StringComparison.OrdinalIgnoreCase));
        }

        return rule.Port is not { } first || (port >= first && port <= (rule.EndPort ?? first));
    }
}

/// <summary>The API server refused a manifest; the message names the field and the reason, as <c>kubectl</c> prints them.</summary>
internal sealed class ManifestRejectedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ManifestRejectedException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Field path and reason.</param>
    public ManifestRejectedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Field path and reason.</param>
    /// <param name="inner">The cause.</param>
    public ManifestRejectedException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
