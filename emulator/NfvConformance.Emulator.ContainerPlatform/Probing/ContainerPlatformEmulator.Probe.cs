// Licensed under the Apache License, Version 2.0.
using System.Net;
using System.Net.Sockets;
using NfvConformance.Abstractions.ContainerPlatform;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Emulator.ContainerPlatform.Cluster;
using NfvConformance.Emulator.ContainerPlatform.Policy;
using NfvConformance.Emulator.ContainerPlatform.Probing;

namespace NfvConformance.Emulator.ContainerPlatform;

/// <summary>
/// The probe fabric: a probe is a real frame built in the sender's network namespace, routed by the default plugin
/// (veth to the node, VXLAN between nodes, the uplink to the outside) or switched on a secondary network's segment,
/// and checked against NetworkPolicy at the sender's egress and the receiver's ingress on the bytes as parsed there.
/// The receiver answers (SYN-ACK, UDP echo, echo reply) and the answer travels back the same way, through the same
/// connection tracking.
/// </summary>
public sealed partial class ContainerPlatformEmulator
{
    private const uint OverlayVni = 4096;

    /// <summary>
    /// Gets or sets a destination translation applied on the default network before routing (a Service's virtual IP to
    /// a backend pod IP, as kube-proxy does); null when there is none. Returns the new destination or null to leave it.
    /// </summary>
    internal Func<IPAddress, ProbeProtocol, int, IPAddress?>? DestinationTranslation { get; set; }

    /// <summary>The synchronous core of <see cref="ProbeAsync"/>.</summary>
    internal ProbeOutcome Probe(PodProbe probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        lock (_lock)
        {
            PodRecord pod = FindPod(probe.Namespace, probe.Pod);
            string container = probe.Container ?? pod.Containers[0].Name;
            if (!pod.ContainerStates.TryGetValue(container, out ContainerState? state))
            {
                throw new NfvConformanceException($"pod {pod.Key} has no container '{container}'; it has {string.Join(", ", pod.InitContainers.Concat(pod.Containers).Select(c => c.Name))}.");
            }

            if (!pod.SandboxReady || state.State != "running")
            {
                throw new NfvConformanceException($"container '{container}' of pod {pod.Key} is not running (pod status {ToView(pod).Status}{(pod.SandboxError is null ? string.Empty : ": " + pod.SandboxError)}); a probe needs a running sender.");
            }

            IPAddress destination = Addresses.ParseAddress(probe.Destination, "probe destination");
            ClusterNode node = NodeOf(pod);
            if (pod.HostNetwork)
            {
                if (!node.Links.TryGetValue(probe.Interface, out HostLink? link) || link.Kind != "physical")
                {
                    throw new NfvConformanceException($"host-network pod {pod.Key} has no physical interface '{probe.Interface}' on node {node.Name}; use one of {string.Join(", ", node.Links.Values.Where(l => l.Kind == "physical").Select(l => l.Name))}.");
                }

                IPAddress? hostSource = node.Addresses.FirstOrDefault(a => a.AddressFamily == destination.AddressFamily);
                if (hostSource is null)
                {
                    return Dropped($"node {node.Name} has no {Addresses.FamilyName(destination)} address", []);
                }

                byte[] hostFrame = Frames.Build(link.Mac, [0x02, 0, 0, 0, 0, 1], hostSource, destination, probe.Protocol, NextPort(), probe.Port, reply: false);
                return Route(new Sender(pod, null, node, link.Mac), hostFrame, [$"node {node.Name} {link.Name} (host network of pod {pod.Key})"]);
            }

            Attachment attachment = pod.Attachments.FirstOrDefault(a => a.Interface == probe.Interface)
                ?? throw new NfvConformanceException($"pod {pod.Key} has no interface '{probe.Interface}'; it has {string.Join(", ", pod.Attachments.Select(a => a.Interface))}.");
            IPAddress? source = attachment.Ips.Select(i => i.Address).FirstOrDefault(a => a.AddressFamily == destination.AddressFamily);
            if (source is null)
            {
                return Dropped($"pod {pod.Key} has no {Addresses.FamilyName(destination)} address on {attachment.Interface} (it has {(attachment.Ips.Count == 0 ? "none" : string.Join(", ", attachment.Ips.Select(i => i.Address)))})", []);
            }

            byte[] frame = Frames.Build(attachment.Mac, [0xee, 0xee, 0xee, 0xee, 0xee, 0xee], source, destination, probe.Protocol, NextPort(), probe.Port, reply: false);
            List<string> path = [$"pod {pod.Key} {attachment.Interface} ({container}) on {node.Name}"];
            return attachment.ClusterDefault
                ? Route(new Sender(pod, attachment, node, attachment.Mac), frame, path)
                : Switch(pod, attachment, frame, path);
        }
    }

    /// <summary>The synchronous core of <see cref="ProbeFromExternalAsync"/>.</summary>
    internal ProbeOutcome ProbeFromExternal(ExternalProbe probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        lock (_lock)
        {
            IPAddress destination = Addresses.ParseAddress(probe.Destination, "probe destination");
            IPAddress source = destination.AddressFamily == AddressFamily.InterNetwork ? ExternalV4 : ExternalV6;
            byte[] frame = Frames.Build([0x02, 0xe0, 0, 0, 0, 1], [0x02, 0, 0, 0, 0, 1], source, destination, probe.Protocol, NextPort(), probe.Port, reply: false);
            return Route(new Sender(null, null, null, [0x02, 0xe0, 0, 0, 0, 1]), frame, [$"external host {source}"]);
        }
    }

    private static ProbeOutcome Dropped(string reason, List<string> path) => new(false, reason, null, null, null, false, null, path);

    private int NextPort() => 32768 + (int)(++_sequence % 28000);

    private PolicyEndpoint Endpoint(IPAddress address)
    {
        PodRecord? pod = DefaultNetworkOwner(address);
        return new PolicyEndpoint(address, pod, pod is null ? null : _namespaces.GetValueOrDefault(pod.Namespace)?.Labels);
    }

    private PodRecord? DefaultNetworkOwner(IPAddress address) =>
        _pods.Values.FirstOrDefault(p => p.SandboxReady && !p.HostNetwork && p.PodIps.Contains(address));

    private string? PolicyDeny(PodRecord? pod, bool ingress, IPAddress peer, FrameFields fields, HashSet<string> conntrack, bool reply)
    {
        if (pod is null || !_options.EnforceNetworkPolicy)
        {
            return null;
        }

        if (reply && _options.StatefulPolicy && conntrack.Contains(Tuple(fields, reversed: true)))
        {
            return null;
        }

        string? deny = PolicyEvaluator.Deny(_policies.Values, pod, ingress, Endpoint(peer), fields.Protocol, fields.DestinationPort);
        if (deny is null)
        {
            conntrack.Add(Tuple(fields, reversed: false));
        }

        return deny;
    }

    private static string Tuple(FrameFields f, bool reversed) => reversed
        ? $"{f.Protocol}|{f.Destination}|{(f.Protocol == ProbeProtocol.Icmp ? f.SourcePort : f.DestinationPort)}|{f.Source}|{f.SourcePort}"
        : $"{f.Protocol}|{f.Source}|{f.SourcePort}|{f.Destination}|{(f.Protocol == ProbeProtocol.Icmp ? f.SourcePort : f.DestinationPort)}";

    private ProbeOutcome Route(Sender sender, byte[] frame, List<string> path)
    {
        HashSet<string> conntrack = new(StringComparer.Ordinal);
        FrameFields sent = Frames.Read(frame);
        IPAddress originalDestination = sent.Destination;
        if (DestinationTranslation?.Invoke(sent.Destination, sent.Protocol, sent.DestinationPort) is { } translated)
        {
            Frames.Rewrite(frame, translated, source: false);
            path.Add($"DNAT {sent.Destination} -> {translated}");
            sent = Frames.Read(frame);
        }

        PodRecord? targetPod = DefaultNetworkOwner(sent.Destination);
        ClusterNode? targetNode = NodeAddresses().GetValueOrDefault(sent.Destination);
        bool external = sent.Destination.Equals(ExternalV4) || sent.Destination.Equals(ExternalV6);
        bool senderIsPod = sender.Pod is { HostNetwork: false };
        if (targetPod is null && targetNode is null && !external)
        {
            return Dropped($"no route to host {sent.Destination}: it is not a pod IP on the default network, a node address or the external host", path);
        }

        if (PolicyDeny(senderIsPod ? sender.Pod : null, ingress: false, sent.Destination, sent, conntrack, reply: false) is { } egressDeny)
        {
            return Dropped(egressDeny, path);
        }

        IPAddress? masqueradedFrom = null;
        ClusterNode? arrival = targetPod is not null ? NodeOf(targetPod) : targetNode;
        if (sender.Node is null)
        {
            // From the external host: pod prefixes are reachable only if the cluster advertises them (NAT-less exposure).
            if (targetPod is not null && !_options.NatLessExposure)
            {
                return Dropped($"no route from the external host to {sent.Destination}: the cluster does not advertise pod prefixes (pods are reachable from outside only through NAT)", path);
            }

            path.Add($"fabric route to {sent.Destination} via node {arrival?.Name}");
        }
        else if (external)
        {
            if (senderIsPod && !_options.NatLessExposure)
            {
                masqueradedFrom = Masquerade(sender.Node, frame, path);
                if (masqueradedFrom is null)
                {
                    return Dropped($"node {sender.Node.Name} has no {Addresses.FamilyName(sent.Destination)} address to masquerade to", path);
                }
            }

            path.Add($"node {sender.Node.Name} uplink {sender.Node.Uplink} -> external network");
        }
        else if (arrival is not null && arrival != sender.Node)
        {
            if (senderIsPod && _options.MasqueradeBetweenNodes)
            {
                masqueradedFrom = Masquerade(sender.Node, frame, path);
            }

            byte[] outer = Frames.Encapsulate(frame, sender.Node.Addresses[0], arrival.Addresses[0], OverlayVni);
            path.Add($"vxlan vni {OverlayVni} {sender.Node.Addresses[0]} -> {arrival.Addresses[0]} ({outer.Length} bytes)");
            frame = Frames.Decapsulate(outer, arrival.Addresses[0], OverlayVni)
                ?? throw new InvalidOperationException("overlay frame did not decapsulate at its destination node");
        }
        else
        {
            path.Add($"node {sender.Node.Name} local delivery");
        }

        FrameFields seen = Frames.Read(frame);
        if (PolicyDeny(targetPod, ingress: true, seen.Source, seen, conntrack, reply: false) is { } ingressDeny)
        {
            return Dropped(ingressDeny, path);
        }

        string receiver = targetPod is not null ? $"pod {targetPod.Key} {targetPod.Attachments[0].Interface}" : targetNode is not null ? $"node {targetNode.Name}" : "external host";
        path.Add($"received by {receiver}");

        // The answer: built by the receiver from what it saw, back through the same hops.
        byte[] answer = Frames.Build([0x02, 0, 0, 0, 0, 2], sender.Mac, seen.Destination, seen.Source, seen.Protocol, seen.Protocol == ProbeProtocol.Icmp ? seen.SourcePort : seen.DestinationPort, seen.SourcePort, reply: true);
        FrameFields back = Frames.Read(answer);
        if (PolicyDeny(targetPod, ingress: false, back.Destination, back, conntrack, reply: true) is { } replyEgress)
        {
            return new ProbeOutcome(true, null, receiver, seen.Source.ToString(), seen.Destination.ToString(), false, replyEgress, path);
        }

        if (masqueradedFrom is not null)
        {
            Frames.Rewrite(answer, masqueradedFrom, source: false);
            path.Add($"un-NAT reply to {masqueradedFrom}");
        }

        if (!originalDestination.Equals(sent.Destination))
        {
            Frames.Rewrite(answer, originalDestination, source: true);
        }

        FrameFields arrived = Frames.Read(answer);
        string? replyIngress = PolicyDeny(senderIsPod ? sender.Pod : null, ingress: true, arrived.Source, arrived, conntrack, reply: true);
        return new ProbeOutcome(true, null, receiver, seen.Source.ToString(), seen.Destination.ToString(), replyIngress is null, replyIngress, path);
    }

    private static IPAddress? Masquerade(ClusterNode node, byte[] frame, List<string> path)
    {
        FrameFields f = Frames.Read(frame);
        IPAddress? nodeAddress = node.Addresses.FirstOrDefault(a => a.AddressFamily == f.Source.AddressFamily);
        if (nodeAddress is null)
        {
            return null;
        }

        Frames.Rewrite(frame, nodeAddress, source: true);
        path.Add($"masquerade {f.Source} -> {nodeAddress} on {node.Name}");
        return f.Source;
    }

    private ProbeOutcome Switch(PodRecord pod, Attachment attachment, byte[] frame, List<string> path)
    {
        FrameFields sent = Frames.Read(frame);
        bool connected = attachment.Ips.Any(ip => Connected(ip.Address, ip.Prefix).Contains(sent.Destination))
            || attachment.Routes.Any(r => IPNetwork.TryParse(r.Destination, out IPNetwork n) && n.Contains(sent.Destination));
        if (!connected)
        {
            return Dropped($"no route to {sent.Destination} over {attachment.Interface}: it is outside the interface's subnets ({string.Join(", ", attachment.Ips.Select(i => Connected(i.Address, i.Prefix)))}) and routes", path);
        }

        (PodRecord Pod, Attachment Attachment)? target = _pods.Values
            .Where(p => p.SandboxReady)
            .SelectMany(p => p.Attachments.Where(a => !a.ClusterDefault).Select(a => (Pod: p, Attachment: a)))
            .Where(x => x.Attachment.Segment == attachment.Segment && x.Attachment.Ips.Any(i => i.Address.Equals(sent.Destination)))
            .Select(x => ((PodRecord, Attachment)?)x)
            .FirstOrDefault();
        if (target is null)
        {
            return Dropped($"no host answers {sent.Destination} on the segment of {attachment.Interface} ({attachment.NetworkName}, {attachment.Plugin} over {attachment.Segment}); secondary networks are not routed", path);
        }

        ClusterNode from = NodeOf(pod);
        ClusterNode to = NodeOf(target.Value.Pod);
        path.Add(from == to ? $"{attachment.Plugin} segment {attachment.Segment} on {from.Name}" : $"{attachment.Plugin} segment {attachment.Segment}: {from.Name} -> physical network -> {to.Name}");
        FrameFields seen = Frames.Read(frame);
        string receiver = $"pod {target.Value.Pod.Key} {target.Value.Attachment.Interface}";
        path.Add($"received by {receiver}");
        byte[] answer = Frames.Build(target.Value.Attachment.Mac, attachment.Mac, seen.Destination, seen.Source, seen.Protocol, seen.Protocol == ProbeProtocol.Icmp ? seen.SourcePort : seen.DestinationPort, seen.SourcePort, reply: true);
        bool back = attachment.Ips.Any(i => i.Address.Equals(Frames.Read(answer).Destination));
        return new ProbeOutcome(true, null, receiver, seen.Source.ToString(), seen.Destination.ToString(), back, back ? null : "the answer's destination is not on the sender's interface", path);
    }

    private static IPNetwork Connected(IPAddress address, int prefix)
    {
        int bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        return new IPNetwork(Addresses.FromInteger(Addresses.ToInteger(address) >> (bits - prefix) << (bits - prefix), address.AddressFamily), prefix);
    }

    private sealed record Sender(PodRecord? Pod, Attachment? Attachment, ClusterNode? Node, byte[] Mac);
}
