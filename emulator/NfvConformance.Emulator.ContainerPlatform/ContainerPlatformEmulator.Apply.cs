// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NfvConformance.Abstractions.ContainerPlatform;
using NfvConformance.Emulator.ContainerPlatform.Cluster;
using NfvConformance.Emulator.ContainerPlatform.Manifests;
using NfvConformance.Emulator.ContainerPlatform.Policy;

namespace NfvConformance.Emulator.ContainerPlatform;

/// <summary>The API server side: validation and storage of applied objects.</summary>
public sealed partial class ContainerPlatformEmulator
{
    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Dns1123();

    private AppliedObject ApplyOne(ManifestDocument manifest)
    {
        (JsonObject document, string apiVersion, string kind, JsonObject? metadata, string name) = (manifest.Json, manifest.ApiVersion, manifest.Kind, manifest.Metadata, manifest.Name);
        ApiResource? resource = Cluster.ApiResources.FirstOrDefault(r => r.ApiVersion == apiVersion && r.Kind == kind);
        string? ns = resource is { Namespaced: true } ? metadata.Str("namespace") ?? "default" : null;
        AppliedObject Reject(string error) => manifest.Reject(ns, error);

        if (apiVersion.Length == 0 || kind.Length == 0)
        {
            return Reject("apiVersion and kind must be set (e.g. apiVersion: v1, kind: Pod)");
        }

        if (resource is null || kind == "Node")
        {
            return Reject($"resource mapping not found: no matches for kind \"{kind}\" in version \"{apiVersion}\"; ensure its CRDs are installed first (served: {string.Join(", ", Cluster.ApiResources.Select(r => $"{r.ApiVersion} {r.Kind}"))})");
        }

        if (name.Length == 0 || name.Length > 253 || !Dns1123().IsMatch(name))
        {
            return Reject($"metadata.name: Invalid value: \"{name}\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character");
        }

        if (ns is not null && !_namespaces.ContainsKey(ns))
        {
            return Reject($"namespaces \"{ns}\" not found; apply the Namespace first");
        }

        string applied = document.ToJsonString();
        try
        {
            return kind switch
            {
                "Namespace" => ApplyNamespace(name, metadata, applied),
                "Pod" => ApplyPod(ns!, name, document, applied),
                "NetworkAttachmentDefinition" => ApplyNad(ns!, name, document, applied),
                "NetworkPolicy" => Store(_policies, $"{ns}/{name}", applied, p => p.Applied, () => NetworkPolicyRecord.Read(ns!, name, document.Obj("spec"), applied), kind, ns, name),
                "IPPool" => ApplyPool(name, document, applied),
                _ => Reject($"kind {kind} cannot be applied here"),
            };
        }
        catch (ManifestRejectedException e)
        {
            return Reject(e.Message);
        }
    }

    private static AppliedObject Store<T>(Dictionary<string, T> map, string key, string applied, Func<T, string> appliedOf, Func<T> read, string kind, string? ns, string name)
    {
        if (map.TryGetValue(key, out T? existing) && appliedOf(existing) == applied)
        {
            return new AppliedObject(kind, ns, name, ApplyAction.Unchanged);
        }

        T record = read();
        bool existed = map.ContainsKey(key);
        map[key] = record;
        return new AppliedObject(kind, ns, name, existed ? ApplyAction.Configured : ApplyAction.Created);
    }

    private AppliedObject ApplyNamespace(string name, JsonObject? metadata, string applied)
    {
        if (_namespaces.TryGetValue(name, out NamespaceRecord? existing) && existing.Applied == applied)
        {
            return new AppliedObject("Namespace", null, name, ApplyAction.Unchanged);
        }

        Dictionary<string, string> labels = metadata.Map("labels");
        labels["kubernetes.io/metadata.name"] = name;
        Dictionary<string, string> annotations = metadata.Map("annotations");
        foreach (string key in new[] { Ipv4PoolsAnnotation, Ipv6PoolsAnnotation })
        {
            if (annotations.TryGetValue(key, out string? value) && (ManifestReader.TryParseJson(value, out _) is not JsonArray))
            {
                throw new ManifestRejectedException($"metadata.annotations[{key}]: Invalid value: '{value}': must be a JSON list of IPPool names, e.g. [\"tenant-a-ipv4\"]");
            }
        }

        NamespaceRecord record = existing ?? new NamespaceRecord { Name = name };
        record.Labels = labels;
        record.Annotations = annotations;
        record.Applied = applied;
        _namespaces[name] = record;
        return new AppliedObject("Namespace", null, name, existing is null ? ApplyAction.Created : ApplyAction.Configured);
    }

    private AppliedObject ApplyPool(string name, JsonObject document, string applied)
    {
        JsonObject? spec = document.Obj("spec");
        IPNetwork cidr = ParseCidrOrReject(spec.Str("cidr"), "spec.cidr");
        bool v4 = cidr.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
        int blockSize = (int?)spec.Long("blockSize") ?? (v4 ? 26 : 122);
        if (blockSize < cidr.PrefixLength || blockSize > (v4 ? 32 : 128))
        {
            throw new ManifestRejectedException($"spec.blockSize: Invalid value: {blockSize}: must be between the pool's prefix length /{cidr.PrefixLength} and {(v4 ? 32 : 128)}");
        }

        foreach (IpPool other in _pools.Values.Where(p => p.Name != name && Addresses.Overlap(p.Cidr, cidr)))
        {
            throw new ManifestRejectedException($"spec.cidr: Invalid value: \"{cidr}\": overlaps IPPool {other.Name} ({other.Cidr}); pools must not overlap");
        }

        foreach (ClusterNode node in _nodes.Where(n => n.Addresses.Any(cidr.Contains)))
        {
            throw new ManifestRejectedException($"spec.cidr: Invalid value: \"{cidr}\": contains the address of node {node.Name}; pod pools must not overlap the node network");
        }

        return Store(_pools, name, applied, p => p.Applied, () => new IpPool(name, cidr, blockSize, applied), "IPPool", null, name);
    }

    private AppliedObject ApplyNad(string ns, string name, JsonObject document, string applied)
    {
        JsonObject? spec = document.Obj("spec");
        string? config = spec.Str("config");
        if (spec is not null && spec["config"] is JsonObject inline)
        {
            throw new ManifestRejectedException($"spec.config: Invalid value: must be a string holding the CNI configuration JSON, not an object (quote it, or use a YAML block scalar '|'); got {inline.ToJsonString()}");
        }

        string? resourceName = document.Obj("metadata").Map("annotations").GetValueOrDefault(ResourceNameAnnotation);
        return Store(_nads, $"{ns}/{name}", applied, n => n.Applied, () => new NetworkAttachmentDefinition(ns, name, config ?? string.Empty, resourceName, applied), "NetworkAttachmentDefinition", ns, name);
    }

    private static IPNetwork ParseCidrOrReject(string? text, string field)
    {
        if (text is null || !IPNetwork.TryParse(text, out IPNetwork network))
        {
            throw new ManifestRejectedException($"{field}: Invalid value: \"{text}\": must be a CIDR prefix with its base address, e.g. 10.10.0.0/24");
        }

        return network;
    }

    private AppliedObject ApplyPod(string ns, string name, JsonObject document, string applied)
    {
        JsonObject? spec = document.Obj("spec");
        JsonObject? metadata = document.Obj("metadata");
        string key = $"{ns}/{name}";
        string specJson = spec?.ToJsonString() ?? "{}";
        if (_pods.TryGetValue(key, out PodRecord? existing))
        {
            if (existing.SpecJson != specJson)
            {
                throw new ManifestRejectedException("spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`, `spec.initContainers[*].image`, `spec.activeDeadlineSeconds`, `spec.tolerations` (only additions to existing tolerations) or `spec.terminationGracePeriodSeconds`; delete the pod and apply it again");
            }

            Dictionary<string, string> labels = metadata.Map("labels");
            Dictionary<string, string> annotations = metadata.Map("annotations");
            foreach ((string k, string v) in existing.Annotations.Where(a => a.Key == NetworkStatusAnnotation))
            {
                annotations[k] = v;
            }

            bool same = labels.Count == existing.Labels.Count && labels.All(kv => existing.Labels.GetValueOrDefault(kv.Key) == kv.Value)
                && annotations.Count == existing.Annotations.Count && annotations.All(kv => existing.Annotations.GetValueOrDefault(kv.Key) == kv.Value);
            existing.Labels = labels;
            existing.Annotations = annotations;
            return new AppliedObject("Pod", ns, name, same ? ApplyAction.Unchanged : ApplyAction.Configured);
        }

        IReadOnlyList<JsonNode?> containers = spec.Arr("containers");
        if (containers.Count == 0)
        {
            throw new ManifestRejectedException("spec.containers: Required value: a pod needs at least one container");
        }

        PodRecord pod = new()
        {
            Namespace = ns,
            Name = name,
            Labels = metadata.Map("labels"),
            Annotations = metadata.Map("annotations"),
            SpecJson = specJson,
            Spec = spec!,
            HostNetwork = spec.Bool("hostNetwork") ?? false,
            InitContainers = ReadContainers(spec.Arr("initContainers"), "spec.initContainers", init: true),
            Containers = ReadContainers(containers, "spec.containers", init: false),
        };
        pod.Annotations.Remove(NetworkStatusAnnotation);
        List<string> names = pod.InitContainers.Concat(pod.Containers).Select(c => c.Name).ToList();
        foreach (string duplicate in names.GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key))
        {
            throw new ManifestRejectedException($"spec.containers: Duplicate value: \"{duplicate}\": container names must be unique within a pod");
        }

        _pods[key] = pod;
        Admit(pod);
        return new AppliedObject("Pod", ns, name, ApplyAction.Created);
    }

    private List<ContainerSpec> ReadContainers(IReadOnlyList<JsonNode?> items, string path, bool init)
    {
        List<ContainerSpec> result = [];
        for (int i = 0; i < items.Count; i++)
        {
            JsonNode? c = items[i];
            string at = $"{path}[{i}]";
            string name = c.Str("name") ?? throw new ManifestRejectedException($"{at}.name: Required value");
            if (c.Str("image") is null)
            {
                throw new ManifestRejectedException($"{at}.image: Required value");
            }

            string? restart = c.Str("restartPolicy");
            if (restart is not null && (!init || restart != "Always"))
            {
                throw new ManifestRejectedException($"{at}.restartPolicy: {(init ? $"Unsupported value: \"{restart}\": supported values: \"Always\"" : "Forbidden: may not be set for non-init containers")}");
            }

            Dictionary<string, long> limits = ReadResources(c.Obj("resources").Obj("limits"), $"{at}.resources.limits");
            Dictionary<string, long> requests = ReadResources(c.Obj("resources").Obj("requests"), $"{at}.resources.requests");
            foreach ((string resource, long value) in requests.Where(r => IsExtended(r.Key)))
            {
                if (!limits.TryGetValue(resource, out long limit))
                {
                    throw new ManifestRejectedException($"{at}.resources.limits: Required value: Limit must be set for non overcommitable resources ({resource})");
                }

                if (limit != value)
                {
                    throw new ManifestRejectedException($"{at}.resources.requests[{resource}]: Invalid value: \"{value}\": must be equal to {resource} limit of {limit}");
                }
            }

            List<(string?, int, string)> ports = c.Arr("ports").Select(p => (p.Str("name"), (int)(p.Long("containerPort") ?? 0), p.Str("protocol") ?? "TCP")).ToList();
            result.Add(new ContainerSpec(name, init && restart == "Always" && _options.SidecarContainers, init, limits.Where(l => IsExtended(l.Key)).ToDictionary(), ports));
        }

        return result;
    }

    private static bool IsExtended(string resource) => resource.StartsWith("hugepages-", StringComparison.Ordinal) || (resource.Contains('/', StringComparison.Ordinal) && !resource.StartsWith("kubernetes.io/", StringComparison.Ordinal));

    private static Dictionary<string, long> ReadResources(JsonObject? map, string path)
    {
        Dictionary<string, long> result = new(StringComparer.Ordinal);
        if (map is null)
        {
            return result;
        }

        foreach ((string resource, JsonNode? value) in map)
        {
            string text = value is JsonValue v ? JsonRead.Text(v) : string.Empty;
            if (!IsExtended(resource))
            {
                continue;
            }

            result[resource] = ParseQuantity(text) ?? throw new ManifestRejectedException($"{path}[{resource}]: Invalid value: \"{text}\": quantities must match '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' (e.g. 2, 1Gi)");
        }

        return result;
    }

    private static long? ParseQuantity(string text)
    {
        Match m = Regex.Match(text.Trim(), "^([0-9]+)(Ki|Mi|Gi|Ti|k|M|G|T)?$", RegexOptions.CultureInvariant);
        if (!m.Success)
        {
            return null;
        }

        long n = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch
        {
            "Ki" => n << 10,
            "Mi" => n << 20,
            "Gi" => n << 30,
            "Ti" => n << 40,
            "k" => n * 1000,
            "M" => n * 1_000_000,
            "G" => n * 1_000_000_000,
            "T" => n * 1_000_000_000_000,
            _ => n,
        };
    }
}
