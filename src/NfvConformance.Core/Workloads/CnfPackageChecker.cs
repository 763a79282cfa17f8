// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace NfvConformance.Core.Workloads;

/// <summary>
/// Checks a CNF package's manifests against the RA2 workload rules that concern networking:
/// <list type="bullet">
/// <item><c>RA2:ra2.app.030</c>: no pod attaches to the host network (<c>hostNetwork</c> false or unset).</item>
/// <item><c>RA2:ra2.app.035</c>: no hard-coded IP address in a pod spec (see <see cref="HardCodedAddresses"/>).</item>
/// <item><c>RA2:ra2.app.036</c>: no Service declares a node port (<c>type: NodePort</c> or a <c>nodePort</c> field).</item>
/// <item><c>RA2:ra2.app.047</c>: no container port is bound to a host port (<c>hostPort</c>).</item>
/// </list>
/// Pod specs are found where Kubernetes keeps them: <c>Pod.spec</c>, <c>spec.template.spec</c> of
/// Deployment, ReplicaSet, ReplicationController, StatefulSet, DaemonSet and Job, <c>spec.jobTemplate.spec.template.spec</c>
/// of CronJob, and <c>template.spec</c> of PodTemplate.
/// </summary>
public static class CnfPackageChecker
{
    /// <summary>The host-network rule.</summary>
    public const string HostNetwork = "RA2:ra2.app.030";

    /// <summary>The hard-coded address rule.</summary>
    public const string HardCodedIp = "RA2:ra2.app.035";

    /// <summary>The node-port rule.</summary>
    public const string NodePort = "RA2:ra2.app.036";

    /// <summary>The host-port rule.</summary>
    public const string HostPort = "RA2:ra2.app.047";

    /// <summary>Gets every rule this checker applies.</summary>
    public static IReadOnlyList<string> Rules { get; } = [HostNetwork, HardCodedIp, NodePort, HostPort];

    private static readonly string[] TemplateKinds = ["Deployment", "ReplicaSet", "ReplicationController", "StatefulSet", "DaemonSet", "Job"];

    private static readonly string[] ContainerLists = ["initContainers", "containers", "ephemeralContainers"];

    /// <summary>Checks every manifest of a package.</summary>
    /// <param name="package">The package.</param>
    /// <returns>Every violation, in file and line order.</returns>
    public static IReadOnlyList<PackageViolation> Check(CnfPackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        var found = new List<PackageViolation>();
        foreach (KubernetesManifest manifest in package.Manifests)
        {
            if (manifest.Kind == "Service")
            {
                CheckService(manifest, found);
            }

            foreach (PodSpecAt pod in PodSpecs(manifest))
            {
                CheckPod(manifest, pod, found);
            }
        }

        return found.OrderBy(v => v.File, StringComparer.Ordinal).ThenBy(v => v.Line).ThenBy(v => v.Column).ToList();
    }

    /// <summary>Returns the pod specs of a manifest (none for an object that holds no pod).</summary>
    /// <param name="manifest">The manifest.</param>
    /// <returns>Each pod spec with its path and the pod metadata beside it.</returns>
    public static IEnumerable<PodSpecAt> PodSpecs(KubernetesManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        YamlMappingNode root = manifest.Root;
        if (manifest.Kind == "Pod")
        {
            return One(root, "spec", "metadata", string.Empty);
        }

        if (manifest.Kind == "PodTemplate")
        {
            return YamlMaps.Child(root, "template") is YamlMappingNode t ? One(t, "spec", "metadata", "template.") : [];
        }

        if (Array.IndexOf(TemplateKinds, manifest.Kind) >= 0)
        {
            return YamlMaps.Child(root, "spec") is YamlMappingNode s && YamlMaps.Child(s, "template") is YamlMappingNode t
                ? One(t, "spec", "metadata", "spec.template.")
                : [];
        }

        if (manifest.Kind == "CronJob"
            && YamlMaps.Child(root, "spec") is YamlMappingNode cs
            && YamlMaps.Child(cs, "jobTemplate") is YamlMappingNode jt
            && YamlMaps.Child(jt, "spec") is YamlMappingNode js
            && YamlMaps.Child(js, "template") is YamlMappingNode tt)
        {
            return One(tt, "spec", "metadata", "spec.jobTemplate.spec.template.");
        }

        return [];
    }

    private static PodSpecAt[] One(YamlMappingNode holder, string specKey, string metaKey, string prefix) =>
        YamlMaps.Child(holder, specKey) is YamlMappingNode spec
            ? [new PodSpecAt(prefix + specKey, spec, YamlMaps.Child(holder, metaKey) as YamlMappingNode, prefix + metaKey)]
            : [];

    private static void CheckService(KubernetesManifest m, List<PackageViolation> found)
    {
        if (YamlMaps.Child(m.Root, "spec") is not YamlMappingNode spec)
        {
            return;
        }

        if (YamlMaps.Child(spec, "type") is YamlScalarNode { Value: "NodePort" } type)
        {
            found.Add(At(NodePort, m, type, "spec.type", "type NodePort opens a port on every node. Use ClusterIP, or LoadBalancer with allocateLoadBalancerNodePorts: false, and expose the CNF through the platform's load balancer or ingress."));
        }

        if (YamlMaps.Child(spec, "ports") is YamlSequenceNode ports)
        {
            int i = 0;
            foreach (YamlNode port in ports)
            {
                if (port is YamlMappingNode p && YamlMaps.Child(p, "nodePort") is YamlScalarNode np && !IsZero(np.Value))
                {
                    found.Add(At(NodePort, m, np, $"spec.ports[{i}].nodePort", $"nodePort {np.Value} is declared. Remove the nodePort field; let traffic reach the Service through its ClusterIP, the load balancer or an ingress."));
                }

                i++;
            }
        }
    }

    private static void CheckPod(KubernetesManifest m, PodSpecAt pod, List<PackageViolation> found)
    {
        if (YamlMaps.Child(pod.Spec, "hostNetwork") is YamlScalarNode hn && IsTrue(hn.Value))
        {
            found.Add(At(HostNetwork, m, hn, pod.Path + ".hostNetwork", "the pod shares the node's network namespace. Remove hostNetwork (or set it to false) and attach the pod through the CNI (secondary networks through Multus)."));
        }

        if (YamlMaps.Child(pod.Spec, "hostAliases") is YamlSequenceNode aliases)
        {
            int i = 0;
            foreach (YamlNode alias in aliases)
            {
                if (alias is YamlMappingNode a && YamlMaps.Child(a, "ip") is YamlScalarNode ip)
                {
                    AddAddresses(m, ip, $"{pod.Path}.hostAliases[{i}].ip", "a hostAliases entry pins a name to an address. Resolve the name through the cluster DNS (a Service) instead.", found);
                }

                i++;
            }
        }

        if (YamlMaps.Child(pod.Spec, "dnsConfig") is YamlMappingNode dns && YamlMaps.Child(dns, "nameservers") is YamlSequenceNode ns)
        {
            int i = 0;
            foreach (YamlNode server in ns)
            {
                if (server is YamlScalarNode s)
                {
                    AddAddresses(m, s, $"{pod.Path}.dnsConfig.nameservers[{i}]", "the pod names a DNS server by address. Use the cluster DNS (dnsPolicy ClusterFirst).", found);
                }

                i++;
            }
        }

        foreach (string list in ContainerLists)
        {
            if (YamlMaps.Child(pod.Spec, list) is not YamlSequenceNode containers)
            {
                continue;
            }

            int c = 0;
            foreach (YamlNode node in containers)
            {
                if (node is YamlMappingNode container)
                {
                    CheckContainer(m, container, $"{pod.Path}.{list}[{c}]", found);
                }

                c++;
            }
        }

        if (pod.Metadata is not null && YamlMaps.Child(pod.Metadata, "annotations") is YamlMappingNode annotations)
        {
            foreach ((YamlNode key, YamlNode value) in annotations.Children)
            {
                if (key is YamlScalarNode { Value: { } name } && value is YamlScalarNode text && HardCodedAddresses.IsAddressAnnotation(name))
                {
                    foreach (AddressHit hit in HardCodedAddresses.InAnnotation(name, text.Value ?? string.Empty))
                    {
                        found.Add(new PackageViolation(HardCodedIp, m.File, (int)text.Start.Line, (int)text.Start.Column, m.Display, $"{pod.MetadataPath}.annotations[{name}]",
                            $"'{hit.Address}' ({hit.Where}) is a fixed address. Leave the address to the network's IPAM (remove \"{hit.Field}\" and give the attachment an IPAM range)."));
                    }
                }
            }
        }
    }

    private static void CheckContainer(KubernetesManifest m, YamlMappingNode container, string path, List<PackageViolation> found)
    {
        if (YamlMaps.Child(container, "ports") is YamlSequenceNode ports)
        {
            int i = 0;
            foreach (YamlNode port in ports)
            {
                if (port is YamlMappingNode p && YamlMaps.Child(p, "hostPort") is YamlScalarNode hp && !IsZero(hp.Value))
                {
                    found.Add(At(HostPort, m, hp, $"{path}.ports[{i}].hostPort", $"hostPort {hp.Value} binds the container port on the node. Remove hostPort and expose the port through a Service."));
                }

                i++;
            }
        }

        if (YamlMaps.Child(container, "env") is YamlSequenceNode env)
        {
            int i = 0;
            foreach (YamlNode item in env)
            {
                if (item is YamlMappingNode e && YamlMaps.Child(e, "value") is YamlScalarNode v)
                {
                    string name = YamlMaps.Scalar(e, "name") ?? "?";
                    AddAddresses(m, v, $"{path}.env[{i}] ({name})", "the environment variable holds a fixed address. Use a Service name resolved by DNS, or valueFrom (fieldRef status.podIP, a ConfigMap the operator fills per site).", found);
                }

                i++;
            }
        }

        foreach (string field in new[] { "command", "args" })
        {
            if (YamlMaps.Child(container, field) is YamlSequenceNode words)
            {
                int i = 0;
                foreach (YamlNode word in words)
                {
                    if (word is YamlScalarNode s)
                    {
                        AddAddresses(m, s, $"{path}.{field}[{i}]", $"the {field} carries a fixed address. Pass a Service name, or $(VAR) from an env valueFrom.", found);
                    }

                    i++;
                }
            }
        }
    }

    private static void AddAddresses(KubernetesManifest m, YamlScalarNode node, string path, string advice, List<PackageViolation> found)
    {
        foreach (string address in HardCodedAddresses.Find(node.Value ?? string.Empty))
        {
            found.Add(At(HardCodedIp, m, node, path, $"'{address}': {advice}"));
        }
    }

    private static PackageViolation At(string rule, KubernetesManifest m, YamlNode node, string path, string message) =>
        new(rule, m.File, (int)node.Start.Line, (int)node.Start.Column, m.Display, path, message);

    private static bool IsTrue(string? value) =>
        value is not null && (value.Equals("true", StringComparison.OrdinalIgnoreCase) || value.Equals("yes", StringComparison.OrdinalIgnoreCase) || value == "on");

    private static bool IsZero(string? value) =>
        value is null || value.Length == 0 || (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n == 0);
}

/// <summary>A pod spec inside a manifest.</summary>
/// <param name="Path">The spec's path, for example <c>spec.template.spec</c>.</param>
/// <param name="Spec">The spec.</param>
/// <param name="Metadata">The pod's metadata (labels, annotations), when present.</param>
/// <param name="MetadataPath">The metadata's path.</param>
public sealed record PodSpecAt(string Path, YamlMappingNode Spec, YamlMappingNode? Metadata, string MetadataPath);
