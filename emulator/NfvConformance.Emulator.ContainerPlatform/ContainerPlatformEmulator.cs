// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using NfvConformance.Abstractions.ContainerPlatform;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Emulator.ContainerPlatform.Cluster;
using NfvConformance.Emulator.ContainerPlatform.Cni;
using NfvConformance.Emulator.ContainerPlatform.Manifests;
using NfvConformance.Emulator.ContainerPlatform.Policy;

namespace NfvConformance.Emulator.ContainerPlatform;

/// <summary>
/// An emulated Kubernetes cluster whose nodes are the nodes of a hardware inventory. It keeps API objects
/// (namespaces, pods, NetworkAttachmentDefinitions, NetworkPolicies, IP pools), schedules pods against node
/// resources (device plugins advertise SR-IOV VFs, accelerators and huge pages), wires each pod's network through a
/// CNI chain (a Multus-style meta-plugin delegating to a routed default plugin and to macvlan, ipvlan or sriov with
/// whereabouts, host-local or static IPAM), and carries probes as real frames between pods, nodes and an external
/// host, applying NetworkPolicy to the parsed bytes. Thread-safe: every call holds one lock.
/// </summary>
public sealed partial class ContainerPlatformEmulator : IContainerPlatform
{
    /// <summary>The name of the cluster default network.</summary>
    public const string DefaultNetwork = "emu-pod-network";

    private const string NetworksAnnotation = "k8s.v1.cni.cncf.io/networks";
    private const string NetworkStatusAnnotation = "k8s.v1.cni.cncf.io/network-status";
    private const string ResourceNameAnnotation = "k8s.v1.cni.cncf.io/resourceName";
    private const string Ipv4PoolsAnnotation = "cni.projectcalico.org/ipv4pools";
    private const string Ipv6PoolsAnnotation = "cni.projectcalico.org/ipv6pools";
    private const string DefaultIpv4Pool = "default-ipv4-ippool";
    private const string DefaultIpv6Pool = "default-ipv6-ippool";

    private static readonly IPNetwork s_podCidrV4 = IPNetwork.Parse("10.244.0.0/16");
    private static readonly IPNetwork s_podCidrV6 = IPNetwork.Parse("fd00:10:244::/56");
    private static readonly IPNetwork s_serviceCidrV4 = IPNetwork.Parse("10.96.0.0/16");
    private static readonly IPNetwork s_serviceCidrV6 = IPNetwork.Parse("fd00:10:96::/112");

    /// <summary>The external test host's IPv4 address (TEST-NET-3).</summary>
    internal static readonly IPAddress ExternalV4 = IPAddress.Parse("203.0.113.10");

    /// <summary>The external test host's IPv6 address (documentation prefix).</summary>
    internal static readonly IPAddress ExternalV6 = IPAddress.Parse("2001:db8:203::10");

    private readonly Lock _lock = new();
    private readonly ContainerPlatformOptions _options;
    private readonly TimeProvider _clock;
    private readonly List<ClusterNode> _nodes = [];
    private readonly Dictionary<string, NamespaceRecord> _namespaces = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PodRecord> _pods = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NetworkAttachmentDefinition> _nads = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NetworkPolicyRecord> _policies = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IpPool> _pools = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IPNetwork> _blocks = new(StringComparer.Ordinal);
    private readonly IpamStores _stores = new();
    private readonly IpamPlugins _ipam;
    private readonly Random _random;
    private readonly ManifestApplier _applier;
    private long _sequence;
    private long _ticks;

    /// <summary>Builds a cluster over the nodes of an inventory.</summary>
    /// <param name="inventory">The hardware inventory; every node becomes a Kubernetes node.</param>
    /// <param name="options">How the cluster is built; null for a conformant cluster.</param>
    /// <param name="clock">The clock container start times are read from; null for the system clock.</param>
    /// <param name="seed">The seed for MAC addresses and ids.</param>
    /// <exception cref="ArgumentException">The inventory has no node.</exception>
    public ContainerPlatformEmulator(HardwareInventory inventory, ContainerPlatformOptions? options = null, TimeProvider? clock = null, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        if (inventory.Nodes.Count == 0)
        {
            throw new ArgumentException($"inventory '{inventory.Source}' has no node; a cluster needs at least one.", nameof(inventory));
        }

        _options = options ?? new ContainerPlatformOptions();
        _clock = clock ?? TimeProvider.System;
        _random = new Random(seed);
        _ipam = new IpamPlugins(_stores, _options);
        _pools[DefaultIpv4Pool] = new IpPool(DefaultIpv4Pool, s_podCidrV4, 24, string.Empty);
        if (_options.DualStack)
        {
            _pools[DefaultIpv6Pool] = new IpPool(DefaultIpv6Pool, s_podCidrV6, 64, string.Empty);
        }

        for (int i = 0; i < inventory.Nodes.Count; i++)
        {
            _nodes.Add(BuildNode(inventory.Nodes[i], i));
        }

        foreach (string ns in new[] { "default", "kube-system" })
        {
            _namespaces[ns] = new NamespaceRecord { Name = ns, Labels = { ["kubernetes.io/metadata.name"] = ns } };
        }

        Cluster = BuildClusterInfo();
        _applier = new ManifestApplier(_lock, "one object with apiVersion, kind and metadata.name", ApplyOne, DeleteOne);
    }

    /// <inheritdoc />
    public ClusterInfo Cluster { get; }

    /// <summary>Gets the lock every operation holds; code in this assembly that reads the model takes it too.</summary>
    internal Lock SyncRoot => _lock;

    /// <summary>Gets the nodes.</summary>
    internal IReadOnlyList<ClusterNode> Nodes => _nodes;

    /// <summary>Gets the pods by <c>namespace/name</c> (read under <see cref="SyncRoot"/>).</summary>
    internal IReadOnlyDictionary<string, PodRecord> Pods => _pods;

    /// <summary>Gets the options the cluster was built with.</summary>
    internal ContainerPlatformOptions Options => _options;

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
            case "Namespace":
                if (!_namespaces.Remove(name))
                {
                    return false;
                }

                foreach (PodRecord pod in _pods.Values.Where(p => p.Namespace == name).ToList())
                {
                    DeletePod(pod);
                }

                RemoveWhere(_nads, k => k.StartsWith(name + "/", StringComparison.Ordinal));
                RemoveWhere(_policies, k => k.StartsWith(name + "/", StringComparison.Ordinal));
                SchedulePending();
                return true;
            case "Pod":
                if (!_pods.TryGetValue(key, out PodRecord? p))
                {
                    return false;
                }

                DeletePod(p);
                SchedulePending();
                return true;
            case "NetworkAttachmentDefinition":
                return _nads.Remove(key);
            case "NetworkPolicy":
                return _policies.Remove(key);
            case "IPPool":
                return name is not (DefaultIpv4Pool or DefaultIpv6Pool) && _pools.Remove(name);
            default:
                throw new NfvConformanceException($"kind '{kind}' is not served; the cluster serves {string.Join(", ", Cluster.ApiResources.Select(r => r.Kind))}.");
        }
    }

    /// <summary>The synchronous core of <see cref="GetNodesAsync"/>.</summary>
    internal IReadOnlyList<NodeView> GetNodes()
    {
        lock (_lock)
        {
            return _nodes.Select(ToView).ToList();
        }
    }

    /// <summary>The synchronous core of <see cref="GetNamespaceAsync"/>.</summary>
    internal NamespaceView? GetNamespace(string name)
    {
        lock (_lock)
        {
            return _namespaces.TryGetValue(name, out NamespaceRecord? ns)
                ? new NamespaceView(ns.Name, new Dictionary<string, string>(ns.Labels), new Dictionary<string, string>(ns.Annotations), "Active")
                : null;
        }
    }

    /// <summary>The synchronous core of <see cref="GetPodAsync"/>.</summary>
    internal PodView? GetPod(string @namespace, string name)
    {
        lock (_lock)
        {
            return _pods.TryGetValue($"{@namespace}/{name}", out PodRecord? pod) ? ToView(pod) : null;
        }
    }

    /// <summary>The synchronous core of <see cref="GetPodsAsync"/>.</summary>
    internal IReadOnlyList<PodView> GetPods(string? @namespace = null)
    {
        lock (_lock)
        {
            return _pods.Values.Where(p => @namespace is null || p.Namespace == @namespace).OrderBy(p => p.Key, StringComparer.Ordinal).Select(ToView).ToList();
        }
    }

    /// <summary>The synchronous core of <see cref="ExecAsync"/>.</summary>
    internal ContainerView Exec(string @namespace, string pod, string? container = null)
    {
        lock (_lock)
        {
            PodRecord record = FindPod(@namespace, pod);
            string name = container ?? record.Containers[0].Name;
            if (!record.ContainerStates.TryGetValue(name, out ContainerState? state))
            {
                throw new NfvConformanceException($"pod {record.Key} has no container '{name}'; it has {string.Join(", ", record.InitContainers.Concat(record.Containers).Select(c => c.Name))}.");
            }

            if (state.State != "running")
            {
                throw new NfvConformanceException($"container '{name}' of pod {record.Key} is {state.State} ({state.Reason}); exec needs a running container.");
            }

            Dictionary<string, string> env = new(StringComparer.Ordinal)
            {
                ["HOSTNAME"] = record.Name,
                ["KUBERNETES_SERVICE_HOST"] = Addresses.Nth(s_serviceCidrV4, 1).ToString(),
            };
            foreach ((string resource, List<string> devices) in record.Devices)
            {
                env["PCIDEVICE_" + new string(resource.ToUpperInvariant().Select(ch => char.IsAsciiLetterOrDigit(ch) ? ch : '_').ToArray())] = string.Join(',', devices);
            }

            if (record.HostNetwork)
            {
                ClusterNode node = NodeOf(record);
                return new ContainerView(
                    name,
                    "net:[4026531840]",
                    node.Links.Values.Select(l => new PodInterface(l.Name, Addresses.Mac(l.Mac), l.Mtu, l.Addresses.ToList())).ToList(),
                    env,
                    node.Addresses.Select(a => new PodRoute("default", null, node.Uplink, Addresses.FamilyName(a))).ToList());
            }

            List<PodRoute> routes = [];
            foreach (Attachment a in record.Attachments)
            {
                foreach ((IPAddress address, int prefix, IPAddress? gateway) in a.Ips)
                {
                    string family = Addresses.FamilyName(address);
                    routes.Add(new PodRoute(new IPNetwork(Addresses.FromInteger(Addresses.ToInteger(address) >> (Bits(address) - prefix) << (Bits(address) - prefix), address.AddressFamily), prefix).ToString(), null, a.Interface, family));
                    if (a.DefaultRoute && gateway is not null && !routes.Any(r => r.Destination == "default" && r.Family == family))
                    {
                        routes.Add(new PodRoute("default", gateway.ToString(), a.Interface, family));
                    }
                }

                routes.AddRange(a.Routes.Select(r => new PodRoute(r.Destination, r.Gateway?.ToString(), a.Interface, r.Destination.Contains(':', StringComparison.Ordinal) ? "IPv6" : "IPv4")));
            }

            return new ContainerView(
                name,
                record.NetworkNamespace,
                record.Attachments.Select(a => new PodInterface(a.Interface, Addresses.Mac(a.Mac), a.Mtu, a.Ips.Select(ip => $"{ip.Address}/{ip.Prefix}").ToList())).ToList(),
                env,
                routes);
        }
    }

    /// <summary>The synchronous core of <see cref="GetHostInterfacesAsync"/>.</summary>
    internal IReadOnlyList<HostInterface> GetHostInterfaces(string node)
    {
        lock (_lock)
        {
            ClusterNode n = FindNode(node);
            return n.Links.Values.Select(l => new HostInterface(l.Name, l.Kind, Addresses.Mac(l.Mac), l.Mtu, l.Up, l.Addresses.ToList(), l.PeerNetworkNamespace, l.PciAddress)).ToList();
        }
    }

    /// <summary>Gets the addresses of the nodes and the external host: who answers probes outside the pod networks.</summary>
    /// <returns>Node name by address.</returns>
    internal Dictionary<IPAddress, ClusterNode> NodeAddresses() =>
        _nodes.SelectMany(n => n.Addresses.Select(a => (a, n))).ToDictionary(x => x.a, x => x.n);

    private static int Bits(IPAddress address) => address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;

    private static void RemoveWhere<T>(Dictionary<string, T> map, Func<string, bool> predicate)
    {
        foreach (string key in map.Keys.Where(predicate).ToList())
        {
            map.Remove(key);
        }
    }

    private ClusterNode FindNode(string name) =>
        _nodes.FirstOrDefault(n => n.Name == name)
        ?? throw new NfvConformanceException($"node '{name}' does not exist; the nodes are {string.Join(", ", _nodes.Select(n => n.Name))}.");

    private PodRecord FindPod(string ns, string name) =>
        _pods.TryGetValue($"{ns}/{name}", out PodRecord? pod)
            ? pod
            : throw new NfvConformanceException($"pod {ns}/{name} does not exist; apply it first (pods in {ns}: {string.Join(", ", _pods.Values.Where(p => p.Namespace == ns).Select(p => p.Name).DefaultIfEmpty("none"))}).");

    private ClusterNode NodeOf(PodRecord pod) => FindNode(pod.NodeName ?? throw new InvalidOperationException($"pod {pod.Key} is not scheduled"));

    private byte[] RandomMac()
    {
        byte[] mac = new byte[6];
        _random.NextBytes(mac);
        mac[0] = (byte)((mac[0] & 0xFE) | 0x02);
        return mac;
    }

    private string NextId(string prefix, int length)
    {
        long n = ++_sequence;
        return prefix + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{prefix}{n}:{_random.Next()}"))).ToLowerInvariant()[..length];
    }

    private DateTimeOffset Now() => _clock.GetUtcNow().AddMilliseconds(++_ticks);

    private ClusterNode BuildNode(NodeHardware hardware, int index)
    {
        ClusterNode node = new() { Name = hardware.Id, Index = index, Hardware = hardware, Uplink = hardware.Nics.Count > 0 ? hardware.Nics[0].Name : "eth0" };
        node.Addresses.Add(IPAddress.Parse($"192.168.10.{11 + index}"));
        if (_options.DualStack)
        {
            node.Addresses.Add(IPAddress.Parse($"fd00:192:168:10::{11 + index:x}"));
        }

        node.PodCidrs.Add(new IPNetwork(Addresses.Nth(s_podCidrV4, (UInt128)index << 8), 24));
        _blocks[$"{DefaultIpv4Pool}@{node.Name}"] = node.PodCidrs[0];
        if (_options.DualStack)
        {
            node.PodCidrs.Add(new IPNetwork(Addresses.Nth(s_podCidrV6, (UInt128)index << 64), 64));
            _blocks[$"{DefaultIpv6Pool}@{node.Name}"] = node.PodCidrs[1];
        }

        int vfResources = 0;
        foreach (NicInfo nic in hardware.Nics)
        {
            byte[] mac = SHA256.HashData(Encoding.UTF8.GetBytes($"{hardware.Id}/{nic.PciAddress}"))[..6];
            mac[0] = (byte)((mac[0] & 0xFE) | 0x02);
            HostLink link = new() { Name = nic.Name, Kind = "physical", Mac = mac, Mtu = 1500, Up = nic.LinkUp, PciAddress = nic.PciAddress };
            if (nic.Name == node.Uplink)
            {
                link.Addresses.Add($"{node.Addresses[0]}/24");
                if (_options.DualStack)
                {
                    link.Addresses.Add($"{node.Addresses[1]}/64");
                }
            }

            node.Links[nic.Name] = link;
            string? resource = nic.Driver switch
            {
                "ice" or "i40e" or "ixgbe" or "iavf" => "intel.com/sriov_netdevice",
                "mlx5_core" => "nvidia.com/mlnx_sriov_netdevice",
                _ => null,
            };
            if (resource is null || nic.SriovTotalVfs == 0)
            {
                continue;
            }

            string[] pci = nic.PciAddress.Split(':', '.');
            int function = int.Parse(pci[^1], CultureInfo.InvariantCulture);
            for (int vf = 0; vf < nic.SriovTotalVfs; vf++)
            {
                int slot = 2 + (function * 4) + (vf / 8);
                string vfPci = $"{pci[0]}:{pci[1]}:{slot:x2}.{vf % 8}";
                byte[] vfMac = SHA256.HashData(Encoding.UTF8.GetBytes($"{hardware.Id}/{vfPci}"))[..6];
                vfMac[0] = (byte)((vfMac[0] & 0xFE) | 0x02);
                VirtualFunction v = new(resource, vfPci, nic.Name, $"{nic.Name}v{vf}", vfMac);
                if (vf < nic.SriovUsedVfs || !nic.LinkUp)
                {
                    v.AllocatedTo = "(outside the cluster)";
                }
                else
                {
                    node.Links[v.NetdevName] = new HostLink { Name = v.NetdevName, Kind = "vf", Mac = vfMac, PciAddress = vfPci };
                }

                node.VirtualFunctions.Add(v);
                vfResources++;
            }
        }

        node.Links["emu.vxlan"] = new HostLink { Name = "emu.vxlan", Kind = "vxlan", Mac = [0x02, 0x42, 0, 0, 0, (byte)index], Mtu = 1450 };
        node.Labels["kubernetes.io/hostname"] = hardware.Id;
        node.Labels["kubernetes.io/os"] = "linux";
        node.Labels["kubernetes.io/arch"] = hardware.Cpu.Architecture == "x86_64" ? "amd64" : "arm64";
        node.Labels["topology.kubernetes.io/zone"] = hardware.Site;
        node.Labels[$"anuket.io/profile/{hardware.Profile}"] = "true";
        if (vfResources > 0)
        {
            node.Labels["feature.node.kubernetes.io/network-sriov.capable"] = "true";
        }

        int threads = hardware.Cpu.Sockets * hardware.Cpu.CoresPerSocket * (hardware.Cpu.Smt ? 2 : 1);
        node.Allocatable["cpu"] = threads - (hardware.Numa.Count * hardware.Cpu.ReservedCoresPerNuma * (hardware.Cpu.Smt ? 2 : 1));
        node.Allocatable["pods"] = 110;
        long hugeBytes1G = hardware.Numa.Sum(n => (long)n.Hugepages1G) << 30;
        long hugeBytes2M = hardware.Numa.Sum(n => (long)n.Hugepages2M) << 21;
        node.Allocatable["memory"] = (hardware.TotalMemoryMb << 20) - hugeBytes1G - hugeBytes2M;
        node.Allocatable["hugepages-1Gi"] = hugeBytes1G;
        node.Allocatable["hugepages-2Mi"] = hugeBytes2M;
        if (_options.DevicePlugins)
        {
            foreach (IGrouping<string, VirtualFunction> group in node.VirtualFunctions.GroupBy(v => v.Resource))
            {
                node.Allocatable[group.Key] = group.Count(v => v.AllocatedTo is null);
            }

            foreach (AcceleratorInfo acc in hardware.Accelerators)
            {
                string? resource = acc.Kind switch
                {
                    "crypto" => "qat.intel.com/cy",
                    "compression" => "qat.intel.com/dc",
                    "gpu" => "nvidia.com/gpu",
                    "fpga" => "intel.com/fpga",
                    _ => null,
                };
                if (resource is not null)
                {
                    node.Allocatable[resource] = node.Allocatable.GetValueOrDefault(resource) + 1;
                }
            }
        }

        return node;
    }

    private ClusterInfo BuildClusterInfo()
    {
        List<string> families = _options.DualStack ? ["IPv4", "IPv6"] : ["IPv4"];
        List<string> podCidrs = _options.DualStack ? [s_podCidrV4.ToString(), s_podCidrV6.ToString()] : [s_podCidrV4.ToString()];
        List<string> serviceCidrs = _options.DualStack ? [s_serviceCidrV4.ToString(), s_serviceCidrV6.ToString()] : [s_serviceCidrV4.ToString()];
        string pods = string.Join(',', podCidrs);
        string services = string.Join(',', serviceCidrs);
        List<ApiResource> resources =
        [
            new(string.Empty, "v1", "Namespace", false, false),
            new(string.Empty, "v1", "Pod", true, false),
            new(string.Empty, "v1", "Node", false, false),
            new("networking.k8s.io", "v1", "NetworkPolicy", true, false),
            new("projectcalico.org", "v3", "IPPool", false, true),
        ];
        if (_options.MetaPlugin && _options.CniDefaultNetwork)
        {
            resources.Add(new ApiResource("k8s.cni.cncf.io", "v1", "NetworkAttachmentDefinition", true, true));
        }

        Dictionary<string, IReadOnlyList<string>> args = new(StringComparer.Ordinal)
        {
            ["kube-apiserver"] = ["--advertise-address=192.168.10.11", $"--service-cluster-ip-range={services}", "--allow-privileged=true", "--enable-admission-plugins=NodeRestriction"],
            ["kube-controller-manager"] = new List<string> { "--allocate-node-cidrs=true", $"--cluster-cidr={pods}", $"--service-cluster-ip-range={services}", "--node-cidr-mask-size-ipv4=24" }
                .Concat(_options.DualStack ? new[] { "--node-cidr-mask-size-ipv6=64" } : []).ToList(),
            ["kube-scheduler"] = ["--leader-elect=true"],
            ["kubelet"] = (_options.CniDefaultNetwork
                ? new List<string> { "--container-runtime-endpoint=unix:///run/containerd/containerd.sock" }
                : ["--network-plugin=kubenet", "--container-runtime=docker"])
                .Append($"--node-ip={(_options.DualStack ? "192.168.10.11,fd00:192:168:10::b" : "192.168.10.11")}")
                .Append(_options.SidecarContainers ? "--feature-gates=SidecarContainers=true" : "--feature-gates=SidecarContainers=false")
                .ToList(),
            ["kube-proxy"] = [$"--cluster-cidr={pods}", "--proxy-mode=nftables"],
        };
        return new ClusterInfo(
            _options.SidecarContainers ? (_options.CniDefaultNetwork ? "v1.33.1" : "v1.23.17") : "v1.28.9",
            families,
            podCidrs,
            serviceCidrs,
            resources,
            args,
            DefaultNetwork,
            _options.DualStack ? [ExternalV4.ToString(), ExternalV6.ToString()] : [ExternalV4.ToString()]);
    }

    private NodeView ToView(ClusterNode node)
    {
        List<NodeAddress> addresses = node.Addresses.Select(a => new NodeAddress("InternalIP", a.ToString())).ToList();
        addresses.Add(new NodeAddress("Hostname", node.Name));
        Dictionary<string, string> allocatable = node.Allocatable.ToDictionary(kv => kv.Key, kv => Quantity(kv.Key, kv.Value), StringComparer.Ordinal);
        Dictionary<string, string> capacity = new(allocatable, StringComparer.Ordinal);
        foreach (IGrouping<string, VirtualFunction> group in node.VirtualFunctions.GroupBy(v => v.Resource))
        {
            if (_options.DevicePlugins)
            {
                capacity[group.Key] = group.Count().ToString(CultureInfo.InvariantCulture);
            }
        }

        return new NodeView(node.Name, addresses, node.PodCidrs.Select(c => c.ToString()).ToList(), new Dictionary<string, string>(node.Labels), capacity, allocatable, true);
    }

    private static string Quantity(string resource, long value)
    {
        if (resource is "memory" || resource.StartsWith("hugepages-", StringComparison.Ordinal))
        {
            return value == 0 ? "0" : value % (1L << 30) == 0 ? $"{value >> 30}Gi" : $"{value >> 20}Mi";
        }

        return value.ToString(CultureInfo.InvariantCulture);
    }
}
