// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using NfvConformance.Abstractions.ContainerPlatform;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Emulator.ContainerPlatform.Cluster;
using NfvConformance.Emulator.ContainerPlatform.Cni;
using NfvConformance.Emulator.ContainerPlatform.Manifests;

namespace NfvConformance.Emulator.ContainerPlatform;

/// <summary>
/// The CNI side of the kubelet: the meta-plugin (Multus-style, CNI spec 1.0.0 and the Network Plumbing WG multi-net
/// spec v1.2), the default routed plugin with pool IPAM, and the macvlan, ipvlan and sriov delegates.
/// </summary>
public sealed partial class ContainerPlatformEmulator
{
    private const string CniVersion = "1.0.0";
    private static readonly string[] s_supportedCniVersions = ["0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"];
    private readonly Dictionary<string, (string Node, Attachment Attachment)> _directAttachments = new(StringComparer.Ordinal);

    /// <summary>The synchronous core of <see cref="GetCniConfigurationAsync"/>.</summary>
    internal IReadOnlyList<CniConfigFile> GetCniConfiguration(string node)
    {
        lock (_lock)
        {
            FindNode(node);
            if (!_options.CniDefaultNetwork)
            {
                return [];
            }

            List<CniConfigFile> files = [];
            if (_options.MetaPlugin)
            {
                JsonObject multus = new()
                {
                    ["cniVersion"] = CniVersion,
                    ["name"] = "multus-cni-network",
                    ["type"] = "multus",
                    ["kubeconfig"] = "/etc/cni/net.d/multus.d/multus.kubeconfig",
                    ["namespaceIsolation"] = _options.NamespaceIsolation,
                    ["globalNamespaces"] = "default",
                    ["delegates"] = new JsonArray(DefaultConflist()),
                };
                files.Add(new CniConfigFile("/etc/cni/net.d/00-multus.conf", multus.ToJsonString(new JsonSerializerOptions { WriteIndented = true })));
            }

            files.Add(new CniConfigFile("/etc/cni/net.d/10-emu.conflist", DefaultConflist().ToJsonString(new JsonSerializerOptions { WriteIndented = true })));
            return files;
        }
    }

    /// <summary>The synchronous core of <see cref="InvokeCniAsync"/>.</summary>
    internal CniOutcome InvokeCni(CniInvocation invocation)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        lock (_lock)
        {
            ClusterNode node = FindNode(invocation.Node);
            if (!_options.CniDefaultNetwork)
            {
                return Error(1, $"no CNI network configuration found in /etc/cni/net.d on {node.Name}: the kubelet runs the kubenet network plugin");
            }

            string key = $"{invocation.ContainerId}/{invocation.InterfaceName}";
            try
            {
                switch (invocation.Command)
                {
                    case CniCommand.Add:
                        if (_directAttachments.ContainsKey(key))
                        {
                            return Error(4, $"container {invocation.ContainerId} already has {invocation.InterfaceName} on {DefaultNetwork}; DEL it before ADD");
                        }

                        if (invocation.ContainerId.Length == 0 || invocation.InterfaceName.Length == 0 || invocation.NetworkNamespacePath.Length == 0)
                        {
                            return Error(4, "CNI_CONTAINERID, CNI_IFNAME and CNI_NETNS must all be set");
                        }

                        Attachment a = AddDefault(node, invocation.InterfaceName, _pools.Values.Where(p => p.Name is DefaultIpv4Pool or DefaultIpv6Pool).ToList(), invocation.NetworkNamespacePath);
                        _directAttachments[key] = (node.Name, a);
                        return new CniOutcome(0, CniResult(a, invocation.NetworkNamespacePath).ToJsonString());
                    case CniCommand.Check:
                        if (!_directAttachments.TryGetValue(key, out (string Node, Attachment Attachment) found) || found.Node != node.Name)
                        {
                            return Error(100, $"CHECK: container {invocation.ContainerId} has no interface {invocation.InterfaceName} on {DefaultNetwork} on {node.Name}");
                        }

                        bool intact = node.Links.ContainsKey(found.Attachment.HostVeth!)
                            && found.Attachment.Ips.All(ip => found.Attachment.Leases.Any(l => _stores.IsLeased(l.Store, ip.Address)));
                        return intact ? new CniOutcome(0, string.Empty) : Error(100, $"CHECK: the attachment of {invocation.ContainerId} is no longer as ADD left it (veth or address lease missing)");
                    default:
                        if (_directAttachments.Remove(key, out (string Node, Attachment Attachment) gone))
                        {
                            DelDefault(FindNode(gone.Node), gone.Attachment);
                        }

                        return new CniOutcome(0, string.Empty);
                }
            }
            catch (CniException e)
            {
                return Error(e.Code, e.Message);
            }
        }
    }

    private static CniOutcome Error(int code, string message) =>
        new(code is > 0 and < 256 ? code : 1, new JsonObject { ["cniVersion"] = CniVersion, ["code"] = code, ["msg"] = message }.ToJsonString());

    private static JsonObject CniResult(Attachment a, string sandbox)
    {
        JsonArray ips = [];
        foreach ((IPAddress address, int prefix, IPAddress? gateway) in a.Ips)
        {
            JsonObject ip = new() { ["interface"] = 1, ["address"] = $"{address}/{prefix}" };
            if (gateway is not null)
            {
                ip["gateway"] = gateway.ToString();
            }

            ips.Add(ip);
        }

        JsonArray routes = [];
        foreach ((IPAddress _, int _, IPAddress? gateway) in a.Ips.Where(ip => ip.Gateway is not null))
        {
            routes.Add(new JsonObject { ["dst"] = gateway!.AddressFamily == AddressFamily.InterNetwork ? "0.0.0.0/0" : "::/0", ["gw"] = gateway.ToString() });
        }

        return new JsonObject
        {
            ["cniVersion"] = CniVersion,
            ["interfaces"] = new JsonArray(
                new JsonObject { ["name"] = a.HostVeth ?? a.Plugin, ["mac"] = "ee:ee:ee:ee:ee:ee" },
                new JsonObject { ["name"] = a.Interface, ["mac"] = Addresses.Mac(a.Mac), ["sandbox"] = sandbox }),
            ["ips"] = ips,
            ["routes"] = routes,
            ["dns"] = new JsonObject(),
        };
    }

    private JsonObject DefaultConflist() => new()
    {
        ["cniVersion"] = CniVersion,
        ["name"] = DefaultNetwork,
        ["plugins"] = new JsonArray(
            new JsonObject
            {
                ["type"] = "emu-ptp",
                ["mtu"] = 1450,
                ["ipam"] = new JsonObject
                {
                    ["type"] = "emu-ipam",
                    ["assign_ipv4"] = "true",
                    ["assign_ipv6"] = _options.DualStack ? "true" : "false",
                    ["ipv4_pools"] = new JsonArray(DefaultIpv4Pool),
                    ["ipv6_pools"] = _options.DualStack ? new JsonArray(DefaultIpv6Pool) : new JsonArray(),
                },
                ["policy"] = new JsonObject { ["type"] = _options.EnforceNetworkPolicy ? "k8s" : "none" },
                ["nat_outgoing"] = !_options.NatLessExposure,
            },
            new JsonObject { ["type"] = "portmap", ["snat"] = true, ["capabilities"] = new JsonObject { ["portMappings"] = true } }),
    };

    private void CreateSandbox(PodRecord pod, ClusterNode node)
    {
        pod.SandboxId = NextId(string.Empty, 64);
        pod.NetworkNamespace = $"net:[{4026532000 + _sequence}]";
        pod.SandboxError = null;
        if (pod.HostNetwork)
        {
            pod.PodIps = node.Addresses.ToList();
            return;
        }

        try
        {
            List<IpPool> pools = PoolsFor(pod);
            Attachment primary = _options.CniDefaultNetwork
                ? AddDefault(node, "eth0", pools, pod.NetworkNamespace)
                : AddKubenet(node, pod.NetworkNamespace);
            pod.Attachments.Add(primary);
            pod.PodIps = primary.Ips.Select(ip => ip.Address).ToList();
            if (_options.MetaPlugin && _options.CniDefaultNetwork)
            {
                AttachSecondaries(pod, node);
                pod.Annotations[NetworkStatusAnnotation] = NetworkStatus(pod).ToJsonString(new JsonSerializerOptions { WriteIndented = true });
            }
        }
        catch (CniException e)
        {
            TearDownSandbox(pod, node);
            pod.PodIps = [];
            pod.SandboxError = e.Message;
            pod.Events.Add($"FailedCreatePodSandBox: Failed to create pod sandbox: plugin type=\"multus\" name=\"multus-cni-network\" failed (add): {e.Message}");
        }
    }

    private void TearDownSandbox(PodRecord pod, ClusterNode node)
    {
        foreach (Attachment a in pod.Attachments)
        {
            if (a.ClusterDefault)
            {
                DelDefault(node, a);
                continue;
            }

            _ipam.Del(a.Leases);
            if (a.PciAddress is not null && node.VirtualFunctions.FirstOrDefault(v => v.PciAddress == a.PciAddress) is { } vf)
            {
                node.Links[vf.NetdevName] = new HostLink { Name = vf.NetdevName, Kind = "vf", Mac = vf.Mac, PciAddress = vf.PciAddress };
            }
        }

        pod.Attachments.Clear();
    }

    private List<IpPool> PoolsFor(PodRecord pod)
    {
        List<IpPool> pools = [];
        NamespaceRecord ns = _namespaces[pod.Namespace];
        foreach ((string annotation, string fallback, bool wanted) in new[] { (Ipv4PoolsAnnotation, DefaultIpv4Pool, true), (Ipv6PoolsAnnotation, DefaultIpv6Pool, _options.DualStack) })
        {
            if (!wanted)
            {
                continue;
            }

            string? chosen = fallback;
            if (_options.NamespacePools && (pod.Annotations.GetValueOrDefault(annotation) ?? ns.Annotations.GetValueOrDefault(annotation)) is { } text)
            {
                chosen = (ManifestReader.TryParseJson(text, out _) as JsonArray)?.Select(n => n is JsonValue v ? JsonRead.Text(v) : null).FirstOrDefault();
            }

            if (chosen is null || !_pools.TryGetValue(chosen, out IpPool? pool))
            {
                throw new CniException(7, $"emu-ipam: the IP pool '{chosen}' named by {annotation} of namespace {pod.Namespace} does not exist; apply the IPPool first");
            }

            pools.Add(pool);
        }

        return pools;
    }

    private Attachment AddDefault(ClusterNode node, string ifName, IReadOnlyList<IpPool> pools, string netns)
    {
        string veth = "veth" + NextId(string.Empty, 8);
        List<(IPAddress, int, IPAddress?)> ips = [];
        List<(string, IPAddress)> leases = [];
        try
        {
            foreach (IpPool pool in pools)
            {
                IPNetwork block = BlockFor(pool, node);
                IPAddress gateway = Addresses.Nth(block, 1);
                bool v4 = block.BaseAddress.AddressFamily == AddressFamily.InterNetwork;
                UInt128 size = Addresses.Size(block);
                IPAddress last = Addresses.Nth(block, v4 ? size - 2 : Math.Min((ulong)(size - 1), 65_535UL));
                string store = $"pool:{pool.Name}:{block}";
                IPAddress address = _stores.Lease(store, block, Addresses.Nth(block, 2), last, [])
                    ?? throw new CniException(11, $"emu-ipam: block {block} of pool {pool.Name} on {node.Name} is full");
                leases.Add((store, address));
                ips.Add((address, block.PrefixLength, gateway));
            }
        }
        catch
        {
            _ipam.Del(leases);
            throw;
        }

        IPAddress first = ips[0].Item1;
        byte[] mac = first.AddressFamily == AddressFamily.InterNetwork ? [0x0a, 0x58, .. first.GetAddressBytes()] : RandomMac();
        Attachment a = new() { NetworkName = DefaultNetwork, Interface = ifName, Plugin = "emu-ptp", Mac = mac, Mtu = 1450, DefaultRoute = true, ClusterDefault = true, HostVeth = veth };
        a.Ips.AddRange(ips);
        a.Leases.AddRange(leases);
        node.Links[veth] = new HostLink { Name = veth, Kind = "veth", Mac = [0xee, 0xee, 0xee, 0xee, 0xee, 0xee], Mtu = 1450, PeerNetworkNamespace = netns };
        return a;
    }

    private Attachment AddKubenet(ClusterNode node, string netns)
    {
        IPNetwork block = node.PodCidrs[0];
        string store = $"kubenet:{node.Name}";
        IPAddress address = _stores.Lease(store, block, Addresses.Nth(block, 2), Addresses.Nth(block, 254), [])
            ?? throw new CniException(11, $"kubenet: {block} is full on {node.Name}");
        string veth = "veth" + NextId(string.Empty, 8);
        Attachment a = new() { NetworkName = "kubenet", Interface = "eth0", Plugin = "kubenet", Mac = [0x0a, 0x58, .. address.GetAddressBytes()], DefaultRoute = true, ClusterDefault = true, HostVeth = veth };
        a.Ips.Add((address, 24, Addresses.Nth(block, 1)));
        a.Leases.Add((store, address));
        node.Links[veth] = new HostLink { Name = veth, Kind = "veth", Mac = [0xee, 0xee, 0xee, 0xee, 0xee, 0xee], PeerNetworkNamespace = netns };
        return a;
    }

    private void DelDefault(ClusterNode node, Attachment a)
    {
        _ipam.Del(a.Leases);
        if (!_options.DisturbHostInterfaces && a.HostVeth is not null)
        {
            node.Links.Remove(a.HostVeth);
        }
    }

    private IPNetwork BlockFor(IpPool pool, ClusterNode node)
    {
        string key = $"{pool.Name}@{node.Name}";
        if (_blocks.TryGetValue(key, out IPNetwork block) && pool.Cidr.Contains(block.BaseAddress))
        {
            return block;
        }

        bool v4 = pool.Cidr.BaseAddress.AddressFamily == AddressFamily.InterNetwork;
        int shift = (v4 ? 32 : 128) - pool.BlockSize;
        UInt128 count = Addresses.Size(pool.Cidr) >> shift;
        for (UInt128 i = 0; i < count && i < 65_536; i++)
        {
            IPNetwork candidate = new(Addresses.Nth(pool.Cidr, i << shift), pool.BlockSize);
            if (!_blocks.Values.Contains(candidate))
            {
                _blocks[key] = candidate;
                return candidate;
            }
        }

        throw new CniException(11, $"emu-ipam: pool {pool.Name} ({pool.Cidr}) has no free /{pool.BlockSize} block for node {node.Name}; widen the pool");
    }

    private sealed record NetworkSelection(string Namespace, string Name, string? Interface, IReadOnlyList<string> Ips, string? Mac, IReadOnlyList<string> DefaultRoute);

    private static List<NetworkSelection> ParseSelections(string text, string podNamespace)
    {
        string trimmed = text.Trim();
        List<NetworkSelection> result = [];
        if (trimmed.StartsWith('['))
        {
            if (ManifestReader.TryParseJson(trimmed, out string? error) is not JsonArray array)
            {
                throw new CniException(7, $"failed to parse the {NetworksAnnotation} annotation as JSON: {error}; write a JSON list of {{\"name\": ...}} objects or a comma-separated list");
            }

            foreach (JsonNode? item in array)
            {
                string name = item.Str("name") ?? throw new CniException(7, $"a network selection element of {NetworksAnnotation} has no \"name\": {item?.ToJsonString()}");
                result.Add(new NetworkSelection(
                    item.Str("namespace") ?? podNamespace,
                    name,
                    item.Str("interface"),
                    item.Arr("ips").Select(v => v is JsonValue jv ? JsonRead.Text(jv) : string.Empty).ToList(),
                    item.Str("mac"),
                    item.Arr("default-route").Select(v => v is JsonValue jv ? JsonRead.Text(jv) : string.Empty).ToList()));
            }

            return result;
        }

        foreach (string element in trimmed.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string rest = element;
            string ns = podNamespace;
            string? iface = null;
            int slash = rest.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0)
            {
                ns = rest[..slash];
                rest = rest[(slash + 1)..];
            }

            int at = rest.IndexOf('@', StringComparison.Ordinal);
            if (at >= 0)
            {
                iface = rest[(at + 1)..];
                rest = rest[..at];
            }

            if (rest.Length == 0 || ns.Length == 0 || iface?.Length == 0)
            {
                throw new CniException(7, $"network selection element '{element}' of {NetworksAnnotation} is malformed; write [namespace/]name[@interface]");
            }

            result.Add(new NetworkSelection(ns, rest, iface, [], null, []));
        }

        return result;
    }

    private void AttachSecondaries(PodRecord pod, ClusterNode node)
    {
        if (!pod.Annotations.TryGetValue(NetworksAnnotation, out string? text) || string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        List<NetworkSelection> selections = ParseSelections(text, pod.Namespace);
        HashSet<string> usedDevices = new(StringComparer.Ordinal);
        int index = 1;
        foreach (NetworkSelection selection in selections)
        {
            if (_options.NamespaceIsolation && selection.Namespace != pod.Namespace && selection.Namespace != "default")
            {
                throw new CniException(7, $"namespace isolation enabled, annotation violates permission, pod is in namespace {pod.Namespace} but refers to target namespace {selection.Namespace}");
            }

            if (!_nads.TryGetValue($"{selection.Namespace}/{selection.Name}", out NetworkAttachmentDefinition? nad))
            {
                throw new CniException(7, $"cannot find a network-attachment-definition ({selection.Name}) in namespace ({selection.Namespace}): network-attachment-definitions.k8s.cni.cncf.io \"{selection.Name}\" not found");
            }

            string ifName = selection.Interface ?? $"net{index}";
            index++;
            if (pod.Attachments.Any(a => a.Interface == ifName))
            {
                throw new CniException(7, $"interface name {ifName} is used twice in pod {pod.Key}; give each selection its own \"interface\"");
            }

            Attachment attachment = Delegate(pod, node, nad, selection, ifName, usedDevices);
            pod.Attachments.Add(attachment);
            foreach (string gw in selection.DefaultRoute)
            {
                if (!IPAddress.TryParse(gw, out IPAddress? gateway) || !attachment.Ips.Any(ip => new IPNetwork(Addresses.FromInteger(Addresses.ToInteger(ip.Address) >> (Bits(ip.Address) - ip.Prefix) << (Bits(ip.Address) - ip.Prefix), ip.Address.AddressFamily), ip.Prefix).Contains(gateway)))
                {
                    throw new CniException(7, $"default-route gateway '{gw}' of network {nad.Namespace}/{nad.Name} is not in a subnet of {ifName} ({string.Join(", ", attachment.Ips.Select(i => $"{i.Address}/{i.Prefix}"))})");
                }

                foreach (Attachment other in pod.Attachments.Where(a => a != attachment))
                {
                    for (int i = 0; i < other.Ips.Count; i++)
                    {
                        if (other.Ips[i].Address.AddressFamily == gateway.AddressFamily)
                        {
                            other.DefaultRoute = false;
                        }
                    }
                }

                attachment.DefaultRoute = true;
                for (int i = 0; i < attachment.Ips.Count; i++)
                {
                    if (attachment.Ips[i].Address.AddressFamily == gateway.AddressFamily)
                    {
                        attachment.Ips[i] = (attachment.Ips[i].Address, attachment.Ips[i].Prefix, gateway);
                    }
                }
            }
        }
    }

    private Attachment Delegate(PodRecord pod, ClusterNode node, NetworkAttachmentDefinition nad, NetworkSelection selection, string ifName, HashSet<string> usedDevices)
    {
        string where = $"network {nad.Namespace}/{nad.Name}";
        if (ManifestReader.TryParseJson(nad.Config, out string? error) is not JsonObject config)
        {
            throw new CniException(7, $"{where}: spec.config is not a CNI configuration JSON object ({error ?? "empty"}); set cniVersion, type and ipam");
        }

        string? version = config.Str("cniVersion");
        JsonObject plugin = config.Arr("plugins").OfType<JsonObject>().FirstOrDefault() ?? config;
        if (version is null || !s_supportedCniVersions.Contains(version))
        {
            throw new CniException(1, $"{where}: incompatible CNI versions: config is \"{version ?? "(missing)"}\", plugins support [{string.Join(", ", s_supportedCniVersions.Select(v => $"\"{v}\""))}]");
        }

        string type = plugin.Str("type") ?? throw new CniException(7, $"{where}: the CNI configuration has no \"type\"; name the plugin (macvlan, ipvlan, sriov)");
        JsonObject? capabilities = plugin.Obj("capabilities");
        IReadOnlyList<string> requestedIps = capabilities.Bool("ips") == true ? selection.Ips : [];
        byte[]? requestedMac = capabilities.Bool("mac") == true && selection.Mac is not null
            ? Addresses.ParseMac(selection.Mac) ?? throw new CniException(7, $"{where}: mac '{selection.Mac}' is not a MAC address")
            : null;
        HostLink Master()
        {
            string master = plugin.Str("master") ?? node.Uplink;
            return node.Links.TryGetValue(master, out HostLink? link) && link.Kind == "physical"
                ? link
                : throw new CniException(100, $"{where}: failed to lookup master \"{master}\" on {node.Name}: Link not found (physical interfaces: {string.Join(", ", node.Links.Values.Where(l => l.Kind == "physical").Select(l => l.Name))})");
        }

        Attachment attachment;
        switch (type)
        {
            case "macvlan":
            {
                HostLink master = Master();
                int mtu = (int?)plugin.Long("mtu") ?? master.Mtu;
                if (_options.DisturbHostInterfaces)
                {
                    master.Mtu = 9000;
                }

                attachment = new Attachment { NetworkName = $"{nad.Namespace}/{nad.Name}", Interface = ifName, Plugin = type, Mac = requestedMac ?? RandomMac(), Mtu = mtu, Segment = Segment(node, master.Name, plugin.Long("vlan") ?? 0) };
                break;
            }

            case "ipvlan":
            {
                HostLink master = Master();
                attachment = new Attachment { NetworkName = $"{nad.Namespace}/{nad.Name}", Interface = ifName, Plugin = type, Mac = master.Mac, Mtu = (int?)plugin.Long("mtu") ?? master.Mtu, Segment = Segment(node, master.Name, 0) };
                break;
            }

            case "sriov":
            {
                string resource = nad.ResourceName ?? string.Empty;
                string? device = pod.Devices.GetValueOrDefault(resource)?.FirstOrDefault(d => !usedDevices.Contains(d));
                if (device is null)
                {
                    throw new CniException(7, $"{where}: SRIOV-CNI failed to load netconf: LoadConf(): VF pci addr is required; the pod must request the device-plugin resource '{(resource.Length == 0 ? "(the NAD has no k8s.v1.cni.cncf.io/resourceName annotation)" : resource)}' in resources.limits");
                }

                usedDevices.Add(device);
                VirtualFunction vf = node.VirtualFunctions.First(v => v.PciAddress == device);
                node.Links.Remove(vf.NetdevName);
                attachment = new Attachment { NetworkName = $"{nad.Namespace}/{nad.Name}", Interface = ifName, Plugin = type, Mac = requestedMac ?? vf.Mac, Mtu = 1500, Segment = Segment(node, vf.PhysicalFunction, plugin.Long("vlan") ?? 0), PciAddress = device };
                break;
            }

            default:
                throw new CniException(100, $"{where}: failed to find plugin \"{type}\" in path [/opt/cni/bin]; installed plugins: emu-ptp, macvlan, ipvlan, sriov, whereabouts, host-local, static, portmap");
        }

        IReadOnlyList<IpamLease> leases = _ipam.Add(plugin.Obj("ipam"), node.Name, requestedIps);
        foreach (IpamLease lease in leases)
        {
            attachment.Ips.Add((lease.Address, lease.Prefix, lease.Gateway));
            attachment.Leases.Add((lease.Store, lease.Address));
        }

        foreach (JsonNode? route in plugin.Obj("ipam").Arr("routes"))
        {
            if (route.Str("dst") is { } dst)
            {
                attachment.Routes.Add((dst, route.Str("gw") is { } gw && IPAddress.TryParse(gw, out IPAddress? g) ? g : null));
            }
        }

        return attachment;
    }

    /// <summary>
    /// The L2 segment an interface of a node is cabled to: port N of every node is on physical network N (the uplinks
    /// share one), and a VLAN splits it further.
    /// </summary>
    private static string Segment(ClusterNode node, string nic, long vlan)
    {
        int index = node.Hardware.Nics.ToList().FindIndex(n => n.Name == nic);
        return $"physnet{Math.Max(0, index)}/vlan{vlan}";
    }

    private JsonArray NetworkStatus(PodRecord pod)
    {
        JsonArray status = [];
        foreach (Attachment a in pod.Attachments)
        {
            JsonObject entry = new()
            {
                ["name"] = a.NetworkName,
                ["interface"] = a.Interface,
                ["ips"] = new JsonArray(a.Ips.Select(ip => (JsonNode)JsonValue.Create(ip.Address.ToString())).ToArray()),
                ["mac"] = Addresses.Mac(a.Mac),
            };
            if (a.DefaultRoute)
            {
                entry["default"] = true;
            }

            entry["dns"] = new JsonObject();
            if (a.PciAddress is not null)
            {
                entry["device-info"] = new JsonObject
                {
                    ["type"] = "pci",
                    ["version"] = "1.1.0",
                    ["pci"] = new JsonObject { ["pci-address"] = a.PciAddress },
                };
            }

            status.Add(entry);
        }

        return status;
    }
}
