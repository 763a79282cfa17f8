// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NfvConformance.Abstractions.ContainerPlatform;
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.Measurements;
using NfvConformance.Core.Evidence;
using NfvConformance.Core.Running;

namespace NfvConformance.Suites.Drivers;

/// <summary>
/// Drives a Kubernetes-shaped container platform through <see cref="IContainerPlatform"/>: applies the scenario's
/// manifests, reads pods and nodes back the way kubectl shows them, and sends probes from pods. Namespaces and IP
/// pools a scenario declares get a suffix unique in the run (every whole-word occurrence of their names in the
/// scenario's manifests and step arguments is rewritten), so scenarios never share objects; they are deleted when
/// the scenario ends. <c>${node1}</c> and <c>${node2}</c> stand for the first two nodes,
/// <c>${free:RESOURCE}</c> and <c>${over:RESOURCE}</c> for the most free units of an extended resource on one node
/// and one more than that. Every call to the platform is awaited; the scenario's objects are deleted by an
/// asynchronous after-scenario hook.
/// </summary>
public sealed partial class ContainerPlatformDriver
{
    private const string NetworkStatus = "k8s.v1.cni.cncf.io/network-status";
    private static int s_unique;
    private readonly RunContext _run;
    private readonly ScenarioEvidence _evidence;
    private readonly string _suffix = "-c" + Interlocked.Increment(ref s_unique).ToString(CultureInfo.InvariantCulture);
    private readonly Dictionary<string, string> _renamed = new(StringComparer.Ordinal);
    private readonly List<string> _namespaces = [];
    private readonly List<string> _pools = [];
    private readonly Dictionary<string, List<HostInterface>> _recorded = new(StringComparer.Ordinal);
    private string? _lastManifests;
    private ProbeOutcome? _last;

    /// <summary>Creates the driver for one scenario.</summary>
    /// <param name="run">The run.</param>
    /// <param name="evidence">The scenario's evidence.</param>
    public ContainerPlatformDriver(RunContext run, ScenarioEvidence evidence)
    {
        _run = run;
        _evidence = evidence;
    }

    private IContainerPlatform Platform => TargetFacets.Require<IContainerPlatform>(_run);

    /// <summary>Applies manifests and checks the API server accepted every document.</summary>
    /// <param name="manifests">The YAML documents.</param>
    public async Task ApplyAsync(string manifests)
    {
        ApplyResult result = await ApplyRawAsync(manifests);
        List<string> rejected = result.Rejected.Select(o => $"{o.Kind} {o.Namespace}/{o.Name}: {o.Error}").ToList();
        Check.That(rejected.Count == 0, $"The API server rejected {rejected.Count} document(s): {string.Join("; ", rejected)}");
    }

    /// <summary>Applies the last manifests again and checks nothing changed (declarative, idempotent apply).</summary>
    public async Task CheckReapplyUnchangedAsync()
    {
        string text = _lastManifests ?? throw new ConformanceCheckException("No manifests were applied in this scenario.");
        ApplyResult again = await Platform.ApplyAsync(text);
        List<string> changed = again.Objects.Where(o => o.Action != ApplyAction.Unchanged).Select(o => $"{o.Kind} {o.Name}: {o.Action} {o.Error}").ToList();
        Check.That(changed.Count == 0, $"Applying the same manifests again changed {string.Join("; ", changed)}; a declarative apply of unchanged objects must leave them unchanged.");
    }

    /// <summary>Applies manifests expecting the API server to refuse one of them.</summary>
    /// <param name="expected">Text the refusal must contain.</param>
    /// <param name="manifests">The documents.</param>
    public async Task CheckRejectedAsync(string expected, string manifests)
    {
        ApplyResult result = await ApplyRawAsync(manifests);
        List<AppliedObject> rejected = result.Rejected.ToList();
        Check.That(rejected.Count > 0, $"The API server accepted every document ({string.Join(", ", result.Objects.Select(o => $"{o.Kind} {o.Name} {o.Action}"))}); one should have been refused with '{expected}'.");
        string reason = await ResolveAsync(expected);
        Check.That(rejected.Any(r => r.Error!.Contains(reason, StringComparison.Ordinal)), $"Refused, but not for '{expected}': {string.Join("; ", rejected.Select(r => r.Error))}");
    }

    /// <summary>Checks the API server serves resources (<c>apiVersion Kind</c>, comma-separated).</summary>
    /// <param name="list">The resources.</param>
    public async Task CheckServesAsync(string list)
    {
        HashSet<string> served = Platform.Cluster.ApiResources.Select(r => $"{r.ApiVersion} {r.Kind}").ToHashSet(StringComparer.Ordinal);
        List<string> missing = Split(list).Where(r => !served.Contains(r)).ToList();
        Check.That(missing.Count == 0, $"The API server does not serve {string.Join(", ", missing)}; it serves {string.Join(", ", served)}.");
    }

    /// <summary>Deletes an object of the scenario.</summary>
    /// <param name="kind">The kind.</param>
    /// <param name="reference">namespace/name, or a name for cluster-scoped kinds.</param>
    public async Task DeleteAsync(string kind, string reference)
    {
        (string? ns, string name) = await ReferenceAsync(reference);
        Check.That(await Platform.DeleteAsync(kind, ns, name), $"{kind} {reference} did not exist.");
    }

    /// <summary>Checks pods run (phase Running, every main container running).</summary>
    /// <param name="list">namespace/name, comma-separated.</param>
    public async Task CheckRunningAsync(string list)
    {
        foreach (string reference in Split(list))
        {
            PodView pod = await PodAsync(reference);
            Check.That(pod.Phase == "Running" && pod.ContainerStatuses.All(c => c.State == "running"), $"Pod {reference} is {pod.Status} ({pod.Phase}); events: {string.Join(" | ", pod.Events)}");
        }
    }

    /// <summary>Checks pods were bound to pairwise different nodes.</summary>
    /// <param name="list">namespace/name, comma-separated.</param>
    public async Task CheckDifferentNodesAsync(string list)
    {
        List<(string Pod, string? Node)> nodes = [];
        foreach (string reference in Split(list))
        {
            nodes.Add((reference, (await PodAsync(reference)).Node));
        }

        Check.That(nodes.Select(n => n.Node).Distinct().Count() == nodes.Count && nodes.All(n => n.Node is not null), $"Pods share nodes or are unbound: {string.Join(", ", nodes.Select(n => $"{n.Pod} on {n.Node ?? "none"}"))}");
    }

    /// <summary>Checks a pod is stuck in a status with a reason in its conditions or events.</summary>
    /// <param name="reference">namespace/name.</param>
    /// <param name="status">The STATUS column expected.</param>
    /// <param name="reason">Text the reason must contain.</param>
    public async Task CheckStuckAsync(string reference, string status, string reason)
    {
        PodView pod = await PodAsync(reference);
        string why = string.Join(" | ", pod.Conditions.Select(c => c.Message).OfType<string>().Concat(pod.Events));
        Check.That(pod.Status == status, $"Pod {reference} is {pod.Status}, not {status}: {why}");
        Check.That(why.Contains(await ResolveAsync(reason), StringComparison.Ordinal), $"Pod {reference} is {status} but no condition or event says '{reason}': {why}");
    }

    /// <summary>Reads the host interfaces of a node, to compare later.</summary>
    /// <param name="node">The node (placeholders allowed).</param>
    public async Task RecordHostInterfacesAsync(string node)
    {
        string name = await ResolveAsync(node);
        _recorded[name] = (await Platform.GetHostInterfacesAsync(name)).ToList();
    }

    /// <summary>Checks a node's host interfaces differ from the recorded ones only by the pod's own veth (added) and the VFs handed to it (moved into the pod).</summary>
    /// <param name="node">The node.</param>
    /// <param name="reference">The pod.</param>
    public async Task CheckHostInterfacesOnlyPodsAsync(string node, string reference)
    {
        string name = await ResolveAsync(node);
        PodView pod = await PodAsync(reference);
        Check.That(pod.Node == name, $"Pod {reference} runs on {pod.Node}, not {name}.");
        ContainerView inside = await Platform.ExecAsync(pod.Namespace, pod.Name);
        HashSet<string> podVfs = NetworkStatusOf(pod).Select(e => e.Obj("device-info")?.Obj("pci")?.Str("pci-address")).OfType<string>().ToHashSet(StringComparer.Ordinal);
        List<HostInterface> before = Recorded(name);
        List<HostInterface> now = (await Platform.GetHostInterfacesAsync(name)).ToList();
        List<string> added = now.Where(i => !before.Any(b => Same(b, i))).Where(i => !(i.Kind == "veth" && i.PeerNetworkNamespace == inside.NetworkNamespace)).Select(Describe).ToList();
        List<string> removed = before.Where(b => !now.Any(i => Same(b, i))).Where(b => !(b.PciAddress is not null && podVfs.Contains(b.PciAddress))).Select(Describe).ToList();
        int veths = now.Count(i => i.Kind == "veth" && i.PeerNetworkNamespace == inside.NetworkNamespace);
        _evidence.Record(new Measurement("host_interfaces_changed_not_owned", added.Count + removed.Count, "interfaces"));
        Check.That(added.Count == 0 && removed.Count == 0, $"Node {name} changed interfaces pod {reference} does not own: added or changed {string.Join("; ", added)}; removed or changed {string.Join("; ", removed)}.");
        Check.That(veths <= 1, $"Node {name} holds {veths} veths into the pod's namespace; one is expected.");
    }

    /// <summary>Checks a node has exactly the recorded host interfaces (after the scenario's pods are gone).</summary>
    /// <param name="node">The node.</param>
    public async Task CheckHostInterfacesAsRecordedAsync(string node)
    {
        string name = await ResolveAsync(node);
        List<HostInterface> before = Recorded(name);
        List<HostInterface> now = (await Platform.GetHostInterfacesAsync(name)).ToList();
        List<string> diff = now.Where(i => !before.Any(b => Same(b, i))).Select(i => "+" + Describe(i))
            .Concat(before.Where(b => !now.Any(i => Same(b, i))).Select(b => "-" + Describe(b))).ToList();
        Check.That(diff.Count == 0, $"Node {name}'s interfaces differ from before the pod: {string.Join("; ", diff)}.");
    }

    /// <summary>Runs probes from a table and checks each outcome.</summary>
    /// <param name="rows">Columns: from, over, protocol, to, port, outcome (delivered, dropped, delivered-no-reply), source seen (sender, sender node, -), and optionally reason.</param>
    public async Task CheckProbesAsync(IEnumerable<IReadOnlyDictionary<string, string>> rows)
    {
        List<string> failures = [];
        int n = 0;
        foreach (IReadOnlyDictionary<string, string> row in rows)
        {
            n++;
            string from = await ResolveAsync(row["from"]);
            string over = await ResolveAsync(row["over"]);
            ProbeProtocol protocol = Enum.Parse<ProbeProtocol>(row["protocol"], ignoreCase: true);
            int port = int.Parse(row["port"], CultureInfo.InvariantCulture);
            string destination = await TargetAsync(row["to"]);
            ProbeOutcome outcome;
            string? expectedSource;
            if (from == "external")
            {
                outcome = await Platform.ProbeFromExternalAsync(new ExternalProbe(protocol, destination, port));
                expectedSource = Platform.Cluster.ExternalHostAddresses.FirstOrDefault(a => Family(a) == Family(destination));
            }
            else
            {
                string[] parts = from.Split('/');
                Check.That(parts.Length is 2 or 3, $"'from' must be namespace/pod or namespace/pod/container, not '{row["from"]}'.");
                PodView sender = await PodAsync($"{parts[0]}/{parts[1]}");
                outcome = await Platform.ProbeAsync(new PodProbe(parts[0], parts[1], over, protocol, destination, port, parts.Length == 3 ? parts[2] : null));
                expectedSource = row.GetValueOrDefault("source seen") switch
                {
                    "sender node" => await NodeAddressAsync(sender.Node!, Family(destination)),
                    _ => SenderAddress(sender, over, Family(destination)),
                };
            }

            _last = outcome;
            string expected = row["outcome"];
            bool ok = expected switch
            {
                "delivered" => outcome.Delivered && outcome.ReplyDelivered,
                "delivered-no-reply" => outcome.Delivered && !outcome.ReplyDelivered,
                "dropped" => !outcome.Delivered,
                _ => throw new ConformanceCheckException($"outcome '{expected}' is not one of delivered, delivered-no-reply, dropped."),
            };
            string seen = row.GetValueOrDefault("source seen") ?? "-";
            if (ok && seen != "-" && outcome.SourceSeen != expectedSource)
            {
                ok = false;
            }

            if (ok && row.TryGetValue("reason", out string? reason) && reason.Length > 0 && reason != "-"
                && !(outcome.DropReason ?? outcome.ReplyDropReason ?? string.Empty).Contains(await ResolveAsync(reason), StringComparison.Ordinal))
            {
                ok = false;
            }

            if (ok && outcome.Delivered && outcome.DestinationSeen != destination)
            {
                failures.Add($"row {n}: the receiver saw destination {outcome.DestinationSeen}, not {destination}");
            }

            if (!ok)
            {
                failures.Add($"row {n} ({row["from"]} -> {row["to"]} {protocol} {port} over {over}): expected {expected}{(seen == "-" ? string.Empty : $" with source {expectedSource}")}, got delivered={outcome.Delivered} reply={outcome.ReplyDelivered} source seen={outcome.SourceSeen ?? "-"} receiver={outcome.Receiver ?? "-"} drop={outcome.DropReason ?? outcome.ReplyDropReason ?? "-"}; path {string.Join(" > ", outcome.Path)}");
            }
        }

        _evidence.Record(new Measurement("probes_checked", n, "probes"));
        _evidence.Record(new Measurement("probes_unexpected", failures.Count, "probes"));
        Check.That(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>Checks a pod's network-status annotation (multi-net spec v1.2) against a table and against what the pod sees inside.</summary>
    /// <param name="reference">The pod.</param>
    /// <param name="rows">Columns: name, interface, addresses in (CIDRs, comma-separated), default (yes/no).</param>
    public async Task CheckNetworkStatusAsync(string reference, IEnumerable<IReadOnlyDictionary<string, string>> rows)
    {
        PodView pod = await PodAsync(reference);
        List<JsonObject> status = NetworkStatusOf(pod);
        ContainerView inside = await Platform.ExecAsync(pod.Namespace, pod.Name);
        List<IReadOnlyDictionary<string, string>> expected = rows.ToList();
        Check.That(status.Count == expected.Count, $"network-status of {reference} has {status.Count} entries ({string.Join(", ", status.Select(s => s.Str("interface")))}), the table {expected.Count}.");
        for (int i = 0; i < expected.Count; i++)
        {
            JsonObject entry = status[i];
            IReadOnlyDictionary<string, string> row = expected[i];
            string name = await ResolveAsync(row["name"]);
            string iface = row["interface"];
            Check.That(entry.Str("name") == name && entry.Str("interface") == iface, $"network-status entry {i} is {entry.Str("name")} on {entry.Str("interface")}, expected {name} on {iface}.");
            List<string> ips = entry.Arr("ips").Select(v => v is JsonValue jv ? jv.ToString() : string.Empty).ToList();
            List<IPNetwork> ranges = Split(await ResolveAsync(row["addresses in"])).Select(c => IPNetwork.Parse(c)).ToList();
            Check.That(ips.Count == ranges.Count && ips.All(ip => ranges.Any(r => r.Contains(IPAddress.Parse(ip)))), $"{iface} has addresses {string.Join(", ", ips)}; expected one in each of {row["addresses in"]}.");
            bool isDefault = entry.Bool("default") == true;
            Check.That(isDefault == (row["default"] == "yes"), $"{iface}: 'default' is {isDefault}, expected {row["default"]}.");
            PodInterface? seen = inside.Interfaces.FirstOrDefault(x => x.Name == iface);
            Check.That(seen is not null, $"network-status lists {iface} but the pod has only {string.Join(", ", inside.Interfaces.Select(x => x.Name))}.");
            Check.That(string.Equals(seen.Mac, entry.Str("mac"), StringComparison.OrdinalIgnoreCase), $"{iface}: network-status says MAC {entry.Str("mac")}, the pod sees {seen.Mac}.");
            Check.That(ips.All(ip => seen.Addresses.Any(a => a.StartsWith(ip + "/", StringComparison.Ordinal))), $"{iface}: network-status says {string.Join(", ", ips)}, the pod has {string.Join(", ", seen.Addresses)}.");
        }

        Check.That(inside.Interfaces.Count == status.Count, $"The pod has interfaces {string.Join(", ", inside.Interfaces.Select(x => x.Name))} but network-status lists {status.Count}.");
    }

    /// <summary>Checks the default route of a family inside a pod leaves by an interface.</summary>
    /// <param name="family">IPv4 or IPv6.</param>
    /// <param name="reference">The pod.</param>
    /// <param name="iface">The interface.</param>
    /// <param name="mac">The MAC the interface must have, or null.</param>
    public async Task CheckDefaultRouteAsync(string family, string reference, string iface, string? mac)
    {
        PodView pod = await PodAsync(reference);
        ContainerView inside = await Platform.ExecAsync(pod.Namespace, pod.Name);
        List<PodRoute> defaults = inside.Routes.Where(r => r.Destination == "default" && r.Family == family).ToList();
        Check.That(defaults.Count == 1 && defaults[0].Interface == iface, $"{family} default routes of {reference}: {string.Join(", ", defaults.Select(r => $"via {r.Gateway} dev {r.Interface}"))}; expected one via {iface}.");
        if (mac is not null)
        {
            string? actual = inside.Interfaces.FirstOrDefault(i => i.Name == iface)?.Mac;
            Check.That(string.Equals(actual, mac, StringComparison.OrdinalIgnoreCase), $"{iface} of {reference} has MAC {actual}, the selection asked for {mac}.");
        }
    }

    /// <summary>Checks the addresses pods hold on an interface are pairwise different and inside a range.</summary>
    /// <param name="iface">The interface.</param>
    /// <param name="list">The pods.</param>
    /// <param name="range">The CIDR.</param>
    public async Task CheckDistinctAddressesAsync(string iface, string list, string range)
    {
        IPNetwork net = IPNetwork.Parse(range);
        List<(string Pod, string Address)> all = [];
        foreach (string reference in Split(list))
        {
            JsonObject? entry = NetworkStatusOf(await PodAsync(reference)).FirstOrDefault(e => e.Str("interface") == iface);
            Check.That(entry is not null, $"Pod {reference} has no {iface} in its network-status.");
            all.AddRange(entry.Arr("ips").Select(v => (reference, v!.ToString())).Where(x => IPAddress.Parse(x.Item2).AddressFamily == net.BaseAddress.AddressFamily));
        }

        List<string> duplicates = all.GroupBy(a => a.Address).Where(g => g.Count() > 1).Select(g => $"{g.Key} held by {string.Join(" and ", g.Select(x => x.Pod))}").ToList();
        List<string> outside = all.Where(a => !net.Contains(IPAddress.Parse(a.Address))).Select(a => $"{a.Pod} {a.Address}").ToList();
        _evidence.Record(new Measurement("duplicate_addresses", duplicates.Count, "addresses"));
        Check.That(duplicates.Count == 0, $"The IPAM handed out the same address twice: {string.Join("; ", duplicates)}.");
        Check.That(outside.Count == 0, $"Addresses outside {range}: {string.Join(", ", outside)}.");
        Check.That(all.Count == Split(list).Count, $"Expected one {range} address per pod, got {all.Count}.");
    }

    /// <summary>Checks every pod of a namespace has its pod IPs inside given ranges.</summary>
    /// <param name="ns">The namespace.</param>
    /// <param name="ranges">CIDRs, comma-separated (one per family).</param>
    public async Task CheckNamespaceAddressesAsync(string ns, string ranges)
    {
        string name = await ResolveAsync(ns);
        List<IPNetwork> nets = Split(await ResolveAsync(ranges)).Select(c => IPNetwork.Parse(c)).ToList();
        IReadOnlyList<PodView> pods = await Platform.GetPodsAsync(name);
        Check.That(pods.Count > 0, $"Namespace {name} has no pod.");
        List<string> wrong = pods.SelectMany(p => p.PodIps.Where(ip => !nets.Any(n => n.Contains(IPAddress.Parse(ip)))).Select(ip => $"{p.Name} {ip}")).ToList();
        Check.That(wrong.Count == 0 && pods.All(p => p.PodIps.Count > 0), $"Pods of {name} with addresses outside {ranges}: {string.Join(", ", wrong)}.");
    }

    /// <summary>Checks pools overlap neither each other, the cluster's pod and service ranges, nor any node address.</summary>
    /// <param name="ranges">The tenant pools' CIDRs.</param>
    public async Task CheckPoolsApartAsync(string ranges)
    {
        List<IPNetwork> pools = Split(await ResolveAsync(ranges)).Select(c => IPNetwork.Parse(c)).ToList();
        ClusterInfo cluster = Platform.Cluster;
        List<(string What, IPNetwork Net)> others = cluster.PodCidrs.Select(c => ("cluster pod range", IPNetwork.Parse(c)))
            .Concat(cluster.ServiceCidrs.Select(c => ("service range", IPNetwork.Parse(c)))).ToList();
        List<string> clashes = [];
        for (int i = 0; i < pools.Count; i++)
        {
            clashes.AddRange(pools.Skip(i + 1).Where(p => Overlap(p, pools[i])).Select(p => $"{pools[i]} and {p}"));
            clashes.AddRange(others.Where(o => Overlap(o.Net, pools[i])).Select(o => $"{pools[i]} and the {o.What} {o.Net}"));
            clashes.AddRange((await Platform.GetNodesAsync()).SelectMany(n => n.Addresses.Where(a => a.Type == "InternalIP" && pools[i].Contains(IPAddress.Parse(a.Address))).Select(a => $"{pools[i]} and node {n.Name} {a.Address}")));
        }

        Check.That(clashes.Count == 0, $"Pools overlap: {string.Join("; ", clashes)}.");
    }

    /// <summary>Checks the CNI configuration of every node: the same files on each (configured centrally), a conflist per the CNI specification, and a kubelet that does not use kubenet.</summary>
    /// <param name="metaPluginFirst">True to require the meta-plugin as the first file, delegating the default network.</param>
    public async Task CheckCniConfigurationAsync(bool metaPluginFirst)
    {
        IContainerPlatform platform = Platform;
        Check.That(!platform.Cluster.ComponentArguments.GetValueOrDefault("kubelet", []).Any(a => a.StartsWith("--network-plugin=kubenet", StringComparison.Ordinal)), $"The kubelet runs the kubenet network plugin ({string.Join(" ", platform.Cluster.ComponentArguments["kubelet"])}), not CNI.");
        List<NodeView> nodes = (await platform.GetNodesAsync()).ToList();
        IReadOnlyList<CniConfigFile> first = await platform.GetCniConfigurationAsync(nodes[0].Name);
        Check.That(first.Count > 0, $"Node {nodes[0].Name} has no CNI network configuration in /etc/cni/net.d.");
        foreach (NodeView node in nodes.Skip(1))
        {
            IReadOnlyList<CniConfigFile> files = await platform.GetCniConfigurationAsync(node.Name);
            Check.That(files.Select(f => f.Path + f.Content).SequenceEqual(first.Select(f => f.Path + f.Content)), $"Node {node.Name}'s CNI configuration differs from {nodes[0].Name}'s: it is not administered centrally.");
        }

        JsonObject config = ParseJson(first[0].Content, first[0].Path);
        string? version = config.Str("cniVersion");
        Check.That(version is not null && Regex.IsMatch(version, @"^(0\.[34]\.\d|1\.\d\.\d)$"), $"{first[0].Path}: cniVersion '{version}' is not a CNI 0.3+/1.x version.");
        Check.That(config.Str("name") is { Length: > 0 }, $"{first[0].Path}: a CNI network configuration needs a name.");
        JsonObject defaultNetwork;
        if (metaPluginFirst)
        {
            Check.That(config.Str("type") == "multus" || config.Arr("delegates").Count > 0, $"{first[0].Path} is not a meta-plugin configuration (type {config.Str("type")}, no delegates).");
            defaultNetwork = config.Arr("delegates").OfType<JsonObject>().FirstOrDefault() ?? throw new ConformanceCheckException($"{first[0].Path}: the meta-plugin has no delegate for the cluster default network.");
        }
        else
        {
            defaultNetwork = first.Count > 1 && config.Str("type") == "multus" ? ParseJson(first[1].Content, first[1].Path) : config;
        }

        List<JsonObject> plugins = defaultNetwork.Arr("plugins").OfType<JsonObject>().ToList();
        Check.That(plugins.Count > 0 && plugins.All(p => p.Str("type") is { Length: > 0 }), $"The default network's configuration has no plugin list with types: {defaultNetwork.ToJsonString()}");
        Check.That(defaultNetwork.Str("name") == platform.Cluster.DefaultNetworkName, $"The default network is named {defaultNetwork.Str("name")}, the cluster reports {platform.Cluster.DefaultNetworkName}.");
        _evidence.Record(new Measurement("cni_nodes_checked", nodes.Count, "nodes"));
    }

    /// <summary>Invokes the default CNI network directly with ADD, CHECK, DEL and checks each result against the CNI specification.</summary>
    /// <param name="node">The node.</param>
    public async Task CheckCniOperationsAsync(string node)
    {
        string name = await ResolveAsync(node);
        IContainerPlatform platform = Platform;
        NodeView view = (await platform.GetNodesAsync()).FirstOrDefault(n => n.Name == name) ?? throw new ConformanceCheckException($"No node {name}.");
        string id = "nfvc-cni" + _suffix;
        string netns = "/var/run/netns/" + id;
        CniOutcome add = await platform.InvokeCniAsync(new CniInvocation(name, CniCommand.Add, id, "eth0", netns));
        try
        {
            Check.That(add.ExitCode == 0, $"CNI ADD failed with {add.ExitCode}: {add.Stdout}");
            JsonObject result = ParseJson(add.Stdout, "ADD result");
            Check.That(result.Str("cniVersion") is not null, "The ADD result has no cniVersion.");
            List<JsonObject> interfaces = result.Arr("interfaces").OfType<JsonObject>().ToList();
            int sandboxIndex = interfaces.FindIndex(i => i.Str("sandbox") == netns && i.Str("name") == "eth0");
            Check.That(sandboxIndex >= 0, $"The ADD result lists no eth0 in sandbox {netns}: {result.ToJsonString()}");
            List<JsonObject> ips = result.Arr("ips").OfType<JsonObject>().ToList();
            Check.That(ips.Count > 0, "The ADD result has no ips.");
            foreach (JsonObject ip in ips)
            {
                string address = ip.Str("address") ?? string.Empty;
                // CNI writes the interface's own address with its prefix length (10.244.1.5/24), so host bits are set: not an IPNetwork.
                string[] parts = address.Split('/');
                IPAddress? a = parts.Length == 2 && IPAddress.TryParse(parts[0], out IPAddress? parsed) ? parsed : null;
                int prefix = a is not null && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int p) ? p : -1;
                Check.That(
                    a is not null && prefix >= 0 && prefix <= (a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 128 : 32),
                    $"ips[].address '{address}' is not an address with a prefix length.");
                Check.That(ip.Long("interface") == sandboxIndex, $"ips[] entry {address} points at interface {ip.Long("interface")}, not the sandbox's eth0 ({sandboxIndex}).");
                Check.That(view.PodCidrs.Any(c => IPNetwork.Parse(c).Contains(a)), $"{a} is outside node {name}'s pod ranges {string.Join(", ", view.PodCidrs)}.");
                Check.That(ip.Str("gateway") is { } gw && IPAddress.TryParse(gw, out _), $"ips[] entry {address} has no gateway.");
            }

            CniOutcome check = await platform.InvokeCniAsync(new CniInvocation(name, CniCommand.Check, id, "eth0", netns));
            Check.That(check.ExitCode == 0, $"CNI CHECK of an attached container failed: {check.Stdout}");
        }
        finally
        {
            CniOutcome del = await platform.InvokeCniAsync(new CniInvocation(name, CniCommand.Del, id, "eth0", netns));
            Check.That(del.ExitCode == 0, $"CNI DEL failed: {del.Stdout}");
        }

        CniOutcome delAgain = await platform.InvokeCniAsync(new CniInvocation(name, CniCommand.Del, id, "eth0", netns));
        Check.That(delAgain.ExitCode == 0, $"A second CNI DEL must succeed (the spec requires DEL to be idempotent): {delAgain.Stdout}");
        CniOutcome checkGone = await platform.InvokeCniAsync(new CniInvocation(name, CniCommand.Check, id, "eth0", netns));
        Check.That(checkGone.ExitCode != 0 && ParseJson(checkGone.Stdout, "CHECK error").Long("code") is not null, $"CHECK after DEL must fail with a CNI error object, got {checkGone.ExitCode}: {checkGone.Stdout}");
    }

    /// <summary>Checks the cluster and the named control-plane components are configured for both IP families, and every node has an address and a pod range of each.</summary>
    public async Task CheckDualStackConfigurationAsync()
    {
        ClusterInfo cluster = Platform.Cluster;
        Check.That(cluster.IpFamilies.Contains("IPv4") && cluster.IpFamilies.Contains("IPv6"), $"The cluster's IP families are {string.Join(", ", cluster.IpFamilies)}.");
        (string Component, string Flag)[] flags =
        [
            ("kube-apiserver", "--service-cluster-ip-range"),
            ("kube-controller-manager", "--cluster-cidr"),
            ("kube-controller-manager", "--service-cluster-ip-range"),
            ("kubelet", "--node-ip"),
            ("kube-proxy", "--cluster-cidr"),
        ];
        foreach ((string component, string flag) in flags)
        {
            string? value = cluster.ComponentArguments.GetValueOrDefault(component, [])
                .FirstOrDefault(a => a.StartsWith(flag + "=", StringComparison.Ordinal))?[(flag.Length + 1)..];
            List<string> families = value is null ? [] : value.Split(',').Select(v => Family(v.Split('/')[0])).Distinct().ToList();
            Check.That(families.Count == 2, $"{component} {flag} is '{value ?? "(not set)"}': dual stack needs one IPv4 and one IPv6 value.");
        }

        foreach (NodeView node in await Platform.GetNodesAsync())
        {
            List<string> addressFamilies = node.Addresses.Where(a => a.Type == "InternalIP").Select(a => Family(a.Address)).Distinct().ToList();
            List<string> podFamilies = node.PodCidrs.Select(c => Family(c.Split('/')[0])).Distinct().ToList();
            Check.That(addressFamilies.Count == 2, $"Node {node.Name} has InternalIPs {string.Join(", ", node.Addresses.Select(a => a.Address))}: one of each family is needed.");
            Check.That(podFamilies.Count == 2, $"Node {node.Name} has podCIDRs {string.Join(", ", node.PodCidrs)}: one of each family is needed.");
        }
    }

    /// <summary>Checks pods have one pod IP of each family, inside the cluster's pod ranges.</summary>
    /// <param name="list">The pods.</param>
    public async Task CheckDualStackPodsAsync(string list)
    {
        List<IPNetwork> ranges = Platform.Cluster.PodCidrs.Select(c => IPNetwork.Parse(c)).ToList();
        foreach (string reference in Split(list))
        {
            PodView pod = await PodAsync(reference);
            Check.That(pod.PodIps.Count == 2 && pod.PodIps.Select(Family).Distinct().Count() == 2, $"Pod {reference} has podIPs {string.Join(", ", pod.PodIps)}: one IPv4 and one IPv6 are needed.");
            Check.That(pod.PodIps.All(ip => ranges.Any(r => r.Contains(IPAddress.Parse(ip)))), $"Pod {reference}'s podIPs {string.Join(", ", pod.PodIps)} are not inside the cluster's pod ranges {string.Join(", ", ranges)}.");
        }
    }

    /// <summary>Checks a native sidecar started before a main container, still runs beside it, and shares the pod's network namespace and interfaces.</summary>
    /// <param name="reference">The pod.</param>
    /// <param name="sidecar">The sidecar (an init container with restartPolicy Always).</param>
    /// <param name="main">The main container.</param>
    public async Task CheckSidecarAsync(string reference, string sidecar, string main)
    {
        PodView pod = await PodAsync(reference);
        ContainerStatusView? side = pod.InitContainerStatuses.FirstOrDefault(c => c.Name == sidecar);
        ContainerStatusView? app = pod.ContainerStatuses.FirstOrDefault(c => c.Name == main);
        Check.That(side is not null && app is not null, $"Pod {reference} has no init container {sidecar} or container {main}.");
        Check.That(side.State == "running" && side.Started, $"Sidecar {sidecar} is {side.State} ({side.Reason}); a sidecar keeps running. Pod status {pod.Status}.");
        Check.That(app.State == "running", $"Container {main} is {app.State} ({app.Reason}); pod status {pod.Status}: the sidecar must not block the main containers.");
        Check.That(side.StartedAt is not null && app.StartedAt is not null && side.StartedAt < app.StartedAt, $"Sidecar {sidecar} started at {side.StartedAt:O}, container {main} at {app.StartedAt:O}; the sidecar must start first.");
        ContainerView a = await Platform.ExecAsync(pod.Namespace, pod.Name, sidecar);
        ContainerView b = await Platform.ExecAsync(pod.Namespace, pod.Name, main);
        Check.That(a.NetworkNamespace == b.NetworkNamespace, $"Sidecar {sidecar} is in network namespace {a.NetworkNamespace}, {main} in {b.NetworkNamespace}.");
        string Ifaces(ContainerView v) => string.Join("; ", v.Interfaces.Select(i => $"{i.Name} {i.Mac} {string.Join(",", i.Addresses)}"));
        Check.That(Ifaces(a) == Ifaces(b), $"Sidecar sees {Ifaces(a)}; {main} sees {Ifaces(b)}.");
    }

    /// <summary>Checks every node advertises, as an extended resource, exactly the free SR-IOV VFs the hardware inventory lists on its NICs of a driver.</summary>
    /// <param name="resource">The resource name.</param>
    /// <param name="driver">The NIC driver whose VFs the device plugin exposes.</param>
    public async Task CheckDeviceResourcesAsync(string resource, string driver)
    {
        HardwareInventory inventory = TargetFacets.Require<IHardwareInventory>(_run).Current;
        List<string> wrong = [];
        long total = 0;
        foreach (NodeView node in await Platform.GetNodesAsync())
        {
            NodeHardware? hardware = inventory.Nodes.FirstOrDefault(n => n.Id == node.Name);
            Check.That(hardware is not null, $"Kubernetes node {node.Name} is not in the hardware inventory: the platform does not sit on the inventoried hardware.");
            long expected = hardware.Nics.Where(n => n.Driver == driver).Sum(n => (long)n.SriovFreeVfs);
            long advertised = long.TryParse(node.Allocatable.GetValueOrDefault(resource, "0"), NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : -1;
            total += advertised;
            if (advertised != expected)
            {
                wrong.Add($"{node.Name} advertises {advertised}, the inventory has {expected} free VFs on {driver} NICs");
            }
        }

        _evidence.Record(new Measurement($"allocatable:{resource}", total, "devices"));
        Check.That(total > 0, $"No node advertises {resource}.");
        Check.That(wrong.Count == 0, $"{resource}: {string.Join("; ", wrong)}.");
    }

    /// <summary>Checks a pod got a device of a resource from the device plugin and its interface is that device.</summary>
    /// <param name="reference">The pod.</param>
    /// <param name="resource">The resource.</param>
    /// <param name="iface">The interface the device backs.</param>
    public async Task CheckPodDeviceAsync(string reference, string resource, string iface)
    {
        PodView pod = await PodAsync(reference);
        ContainerView inside = await Platform.ExecAsync(pod.Namespace, pod.Name);
        string variable = "PCIDEVICE_" + new string(resource.ToUpperInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
        Check.That(inside.Environment.TryGetValue(variable, out string? devices) && devices.Length > 0, $"Pod {reference} has no {variable}: the device plugin allocated no {resource}.");
        string? pci = NetworkStatusOf(pod).FirstOrDefault(e => e.Str("interface") == iface)?.Obj("device-info")?.Obj("pci")?.Str("pci-address");
        Check.That(pci is not null, $"network-status of {reference} gives {iface} no device-info PCI address.");
        Check.That(devices.Split(',').Contains(pci), $"{iface} is backed by {pci}, but the device plugin gave the pod {devices}.");
        IEnumerable<string> others = (await Platform.GetPodsAsync()).Where(p => p.Node == pod.Node && (p.Name != pod.Name || p.Namespace != pod.Namespace))
            .Where(p => p.Annotations.ContainsKey(NetworkStatus))
            .SelectMany(p => NetworkStatusOf(p).Select(e => e.Obj("device-info")?.Obj("pci")?.Str("pci-address")))
            .OfType<string>();
        Check.That(!others.Contains(pci), $"Device {pci} of node {pod.Node} is also attached to another pod there.");
    }

    private static bool Overlap(IPNetwork a, IPNetwork b) => a.BaseAddress.AddressFamily == b.BaseAddress.AddressFamily && (a.Contains(b.BaseAddress) || b.Contains(a.BaseAddress));

    private static string Family(string address) => address.Contains(':', StringComparison.Ordinal) ? "IPv6" : "IPv4";

    private static List<string> Split(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static bool Same(HostInterface a, HostInterface b) => Describe(a) == Describe(b);

    private static string Describe(HostInterface i) => $"{i.Name} ({i.Kind}, {i.Mac}, mtu {i.Mtu}, {(i.Up ? "up" : "down")}, {string.Join(" ", i.Addresses)})";

    private static JsonObject ParseJson(string text, string what)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw new ConformanceCheckException($"{what} is not a JSON object: {text}");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new ConformanceCheckException($"{what} is not JSON ({e.Message}): {text}");
        }
    }

    private List<HostInterface> Recorded(string node) =>
        _recorded.TryGetValue(node, out List<HostInterface>? list) ? list : throw new ConformanceCheckException($"The host interfaces of {node} were not recorded first.");

    private async Task<ApplyResult> ApplyRawAsync(string manifests)
    {
        foreach (string document in DocumentSeparator().Split(manifests))
        {
            Match kind = DeclaredKind().Match(document);
            Match name = DeclaredName().Match(document);
            string declared = name.Groups[1].Success ? name.Groups[1].Value : name.Groups[2].Value;
            if (kind.Success && name.Success && !_renamed.ContainsKey(declared))
            {
                // Renaming is textual: a name that is also a YAML or JSON key in the scenario would corrupt that key.
                Match key = Regex.Match(manifests, $@"(?<![\w.-]){Regex.Escape(declared)}""?[ \t]*:(?!:)", RegexOptions.None, TimeSpan.FromSeconds(1));
                Check.That(
                    !key.Success,
                    $"{kind.Groups[1].Value} '{declared}' is also a key in this scenario's manifests ('{key.Value.Trim()}' at line {manifests[..Math.Max(key.Index, 0)].Count(c => c == '\n') + 1} of the manifests); " +
                    "the driver gives each scenario's namespaces and pools a unique name by rewriting every whole-word use, so choose a name that is not a key (for example '" + declared + "-ns').");
                _renamed[declared] = declared + _suffix;
                (kind.Groups[1].Value == "Namespace" ? _namespaces : _pools).Add(declared + _suffix);
            }
        }

        string text = await ResolveAsync(manifests);
        _lastManifests = text;
        return await Platform.ApplyAsync(text);
    }

    /// <summary>Replaces placeholders and renamed namespaces and pools in a text.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The text as the target must see it.</returns>
    public async Task<string> ResolveAsync(string text)
    {
        string result = text;
        foreach ((string from, string to) in _renamed.OrderByDescending(r => r.Key.Length))
        {
            result = Regex.Replace(result, $@"(?<![\w.-]){Regex.Escape(from)}(?![\w-])", to);
        }

        if (!result.Contains("${", StringComparison.Ordinal))
        {
            return result;
        }

        Dictionary<string, string> values = new(StringComparer.Ordinal);
        foreach (string key in Placeholder().Matches(result).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal))
        {
            values[key] = await ExpandAsync(key);
        }

        return Placeholder().Replace(result, m => values[m.Groups[1].Value]);
    }

    private async Task<string> ExpandAsync(string key)
    {
        List<NodeView> nodes = (await Platform.GetNodesAsync()).ToList();
        switch (key)
        {
            case "node1":
                return nodes[0].Name;
            case "node2":
                Check.That(nodes.Count > 1, "The cluster has one node; this scenario needs two.");
                return nodes[1].Name;
            case "uplink1" or "uplink2":
                NodeView node = nodes[key[^1] - '1'];
                string address = node.Addresses.First(a => a.Type == "InternalIP").Address;
                return (await Platform.GetHostInterfacesAsync(node.Name)).FirstOrDefault(i => i.Addresses.Any(a => a.StartsWith(address + "/", StringComparison.Ordinal)))?.Name
                    ?? throw new ConformanceCheckException($"No interface of node {node.Name} carries its InternalIP {address}.");
        }

        if (key.StartsWith("free:", StringComparison.Ordinal) || key.StartsWith("over:", StringComparison.Ordinal))
        {
            string resource = key[5..];
            long most = nodes.Select(n => long.TryParse(n.Allocatable.GetValueOrDefault(resource), NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : 0).DefaultIfEmpty(0).Max();
            return (key[0] == 'f' ? most : most + 1).ToString(CultureInfo.InvariantCulture);
        }

        throw new ConformanceCheckException($"Unknown placeholder ${{{key}}}; use ${{node1}}, ${{node2}}, ${{uplink1}}, ${{uplink2}}, ${{free:RESOURCE}} or ${{over:RESOURCE}}.");
    }

    private async Task<(string? Namespace, string Name)> ReferenceAsync(string reference)
    {
        string resolved = await ResolveAsync(reference);
        int slash = resolved.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (null, resolved) : (resolved[..slash], resolved[(slash + 1)..]);
    }

    private async Task<PodView> PodAsync(string reference)
    {
        (string? ns, string name) = await ReferenceAsync(reference);
        return await Platform.GetPodAsync(ns ?? "default", name) ?? throw new ConformanceCheckException($"Pod {reference} does not exist.");
    }

    private static List<JsonObject> NetworkStatusOf(PodView pod)
    {
        Check.That(pod.Annotations.TryGetValue(NetworkStatus, out string? text), $"Pod {pod.Namespace}/{pod.Name} has no {NetworkStatus} annotation (no meta-plugin attached its networks); status {pod.Status}.");
        return (JsonNode.Parse(text) as JsonArray ?? []).OfType<JsonObject>().ToList();
    }

    private string SenderAddress(PodView sender, string iface, string family)
    {
        if (sender.HostNetwork || iface == "eth0")
        {
            return sender.PodIps.FirstOrDefault(ip => Family(ip) == family) ?? "(none)";
        }

        JsonObject? entry = NetworkStatusOf(sender).FirstOrDefault(e => e.Str("interface") == iface);
        return entry?.Arr("ips").Select(v => v!.ToString()).FirstOrDefault(ip => Family(ip) == family) ?? "(none)";
    }

    private async Task<string> NodeAddressAsync(string node, string family) =>
        (await Platform.GetNodesAsync()).First(n => n.Name == node).Addresses.FirstOrDefault(a => a.Type == "InternalIP" && Family(a.Address) == family)?.Address ?? "(none)";

    /// <summary>Resolves a probe target: <c>ns/pod</c>, <c>ns/pod IPv6</c>, <c>ns/pod net1 [IPv6]</c>, <c>external IPv4</c>, <c>node NAME IPv6</c>.</summary>
    private async Task<string> TargetAsync(string text)
    {
        string[] words = (await ResolveAsync(text)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string family = words.Length > 1 && words[^1] is "IPv4" or "IPv6" ? words[^1] : "IPv4";
        if (words[0] == "external")
        {
            return Platform.Cluster.ExternalHostAddresses.FirstOrDefault(a => Family(a) == family) ?? throw new ConformanceCheckException($"The target names no {family} address of an external host.");
        }

        if (words[0] == "node" && words.Length > 1)
        {
            return await NodeAddressAsync(words[1], family);
        }

        PodView pod = await PodAsync(words[0]);
        string iface = words.Length > 1 && words[1] is not ("IPv4" or "IPv6") ? words[1] : "eth0";
        string address = SenderAddress(pod, iface, family);
        Check.That(address != "(none)", $"Pod {words[0]} has no {family} address on {iface}.");
        return address;
    }

    /// <summary>Deletes the namespaces (with their pods) and IP pools the scenario created, whatever its outcome.</summary>
    /// <returns>A task that completes when the target answered.</returns>
    public async Task DeleteCreatedAsync()
    {
        IContainerPlatform? platform = _run.Target.GetFeature<IContainerPlatform>();
        if (platform is null)
        {
            return;
        }

        foreach (string ns in _namespaces)
        {
            await platform.DeleteAsync("Namespace", null, ns);
        }

        foreach (string pool in _pools)
        {
            await platform.DeleteAsync("IPPool", null, pool);
        }

        _namespaces.Clear();
        _pools.Clear();
    }

    [GeneratedRegex(@"^---\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex DocumentSeparator();

    [GeneratedRegex(@"^kind:\s*(Namespace|IPPool)\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex DeclaredKind();

    [GeneratedRegex(@"^metadata:\s*\n\s+name:\s*([a-z0-9][-a-z0-9.]*)|^metadata:\s*\{\s*name:\s*([a-z0-9][-a-z0-9.]*)", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex DeclaredName();

    [GeneratedRegex(@"\$\{([^}]+)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}

/// <summary>Reads JSON members in the driver.</summary>
internal static class ContainerJson
{
    public static string? Str(this JsonNode? node, string key) => node is JsonObject o && o[key] is JsonValue v ? v.ToString() : null;

    public static long? Long(this JsonNode? node, string key) => node is JsonObject o && o[key] is JsonValue v && long.TryParse(v.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) ? n : null;

    public static bool? Bool(this JsonNode? node, string key) => node is JsonObject o && o[key] is JsonValue v && v.TryGetValue(out bool b) ? b : null;

    public static JsonObject? Obj(this JsonNode? node, string key) => node is JsonObject o ? o[key] as JsonObject : null;

    public static IReadOnlyList<JsonNode?> Arr(this JsonNode? node, string key) => node is JsonObject o && o[key] is JsonArray a ? [.. a] : [];
}
