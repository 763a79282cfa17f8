// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Abstractions.Sites;
using NfvConformance.Descriptors.Yaml;
using YamlDotNet.RepresentationModel;

namespace NfvConformance.Emulator.Capabilities.Internal.Inventory;

/// <summary>Reads a hardware inventory (YAML) and checks it, collecting every problem with file, line and field.</summary>
internal static class InventoryReader
{
    internal static readonly string[] AcceleratorKinds = ["crypto", "compression", "fpga", "gpu", "transcoding"];
    internal static readonly string[] XdpFeatureNames = ["basic", "redirect", "ndo-xmit", "xsk-zerocopy", "rx-sg", "ndo-xmit-sg"];
    internal static readonly string[] TimestampingCapabilities =
        ["hardware-transmit", "hardware-receive", "hardware-raw-clock", "software-transmit", "software-receive", "software-system-clock"];

    private static readonly double[] s_pcieSpeeds = [2.5, 5, 8, 16, 32, 64];
    private static readonly string[] s_siteKinds = ["core", "edge"];
    private static readonly string[] s_cloudKinds = ["private", "public"];

    public static (HardwareInventory? Inventory, IReadOnlyList<ValidationError> Errors) Parse(string text, string file)
    {
        YamlFieldReader r = new(file);
        YamlMappingNode? root = r.LoadRoot(text);
        if (root is null)
        {
            return (null, r.Errors);
        }

        r.CheckKnownFields(root, string.Empty, "sites", "links", "nodes");
        List<SiteInfo> sites = [];
        HashSet<string> siteNames = new(StringComparer.Ordinal);
        foreach ((YamlMappingNode node, string path) in r.Mappings(root, "sites", string.Empty, required: true))
        {
            r.CheckKnownFields(node, path, "name", "kind", "cloud");
            string name = r.String(node, "name", path) ?? "?";
            string kind = OneOf(r, node, "kind", path, s_siteKinds, "core");
            string cloud = OneOf(r, node, "cloud", path, s_cloudKinds, "private");
            if (!siteNames.Add(name))
            {
                r.Error(node, $"{path}.name", $"site '{name}' is defined twice; site names must be unique.");
            }

            sites.Add(new SiteInfo(name, kind, cloud));
        }

        List<WanLink> links = [];
        foreach ((YamlMappingNode node, string path) in r.Mappings(root, "links", string.Empty, required: false))
        {
            r.CheckKnownFields(node, path, "from", "to", "latency_ms", "bandwidth_gbps");
            string from = r.String(node, "from", path) ?? "?";
            string to = r.String(node, "to", path) ?? "?";
            foreach ((string end, string field) in new[] { (from, "from"), (to, "to") })
            {
                if (end != "?" && !siteNames.Contains(end))
                {
                    r.Error(YamlFieldReader.Find(node, field) ?? node, $"{path}.{field}", $"site '{end}' is not defined under 'sites' (known: {string.Join(", ", siteNames)}).");
                }
            }

            links.Add(new WanLink(from, to, r.Double(node, "latency_ms", path), r.Double(node, "bandwidth_gbps", path)));
        }

        List<NodeHardware> nodes = [];
        HashSet<string> nodeIds = new(StringComparer.Ordinal);
        foreach ((YamlMappingNode node, string path) in r.Mappings(root, "nodes", string.Empty, required: true))
        {
            NodeHardware hw = ReadNode(r, node, path, siteNames);
            if (!nodeIds.Add(hw.Id))
            {
                r.Error(YamlFieldReader.Find(node, "id") ?? node, $"{path}.id", $"node '{hw.Id}' is defined twice; node ids must be unique.");
            }

            nodes.Add(hw);
        }

        return r.HasErrors ? (null, r.Errors) : (new HardwareInventory(sites, links, nodes, file), []);
    }

    private static NodeHardware ReadNode(YamlFieldReader r, YamlMappingNode node, string path, HashSet<string> siteNames)
    {
        r.CheckKnownFields(node, path, "id", "site", "profile", "extensions", "cpu", "numa", "nics", "accelerators", "pci_slots", "software", "bios");
        string id = r.String(node, "id", path) ?? "?";
        string site = r.String(node, "site", path) ?? "?";
        if (site != "?" && !siteNames.Contains(site))
        {
            r.Error(YamlFieldReader.Find(node, "site") ?? node, $"{path}.site", $"site '{site}' is not defined under 'sites' (known: {string.Join(", ", siteNames)}).");
        }

        string profile = OneOf(r, node, "profile", path, [.. Profiles.All], Profiles.Basic);
        IReadOnlyList<string> extensions = r.Strings(node, "extensions", path);

        CpuInfo cpu = new("unknown", "x86_64", 1, 1, false, 0, false, 0);
        YamlMappingNode? cpuNode = r.Mapping(node, "cpu", path, required: true);
        if (cpuNode is not null)
        {
            string p = $"{path}.cpu";
            r.CheckKnownFields(cpuNode, p, "model", "architecture", "sockets", "cores_per_socket", "smt", "clock_ghz", "pinning", "reserved_cores_per_numa");
            cpu = new CpuInfo(
                r.String(cpuNode, "model", p, required: false, fallback: "unknown")!,
                r.String(cpuNode, "architecture", p, required: false, fallback: "x86_64")!,
                r.Int(cpuNode, "sockets", p, min: 1),
                r.Int(cpuNode, "cores_per_socket", p, min: 1),
                r.Bool(cpuNode, "smt", p, false),
                r.Double(cpuNode, "clock_ghz", p, 0),
                r.Bool(cpuNode, "pinning", p, false),
                r.Int(cpuNode, "reserved_cores_per_numa", p, fallback: 0));
        }

        List<NumaNodeInfo> numa = [];
        foreach ((YamlMappingNode n, string p) in r.Mappings(node, "numa", path, required: true))
        {
            r.CheckKnownFields(n, p, "id", "cores", "memory_mb", "hugepages_1g", "hugepages_2m");
            NumaNodeInfo info = new(r.Int(n, "id", p), r.Int(n, "cores", p, min: 1), r.Long(n, "memory_mb", p), r.Int(n, "hugepages_1g", p, 0), r.Int(n, "hugepages_2m", p, 0));
            if (info.HugepageMemoryMb > info.MemoryMb)
            {
                r.Error(n, p, $"huge pages ({info.HugepageMemoryMb} MiB) exceed the node's memory ({info.MemoryMb} MiB); lower hugepages_1g/hugepages_2m.");
            }

            if (cpuNode is not null && info.Cores <= cpu.ReservedCoresPerNuma)
            {
                r.Error(n, $"{p}.cores", $"{info.Cores} cores leave none after {cpu.ReservedCoresPerNuma} reserved per NUMA node; raise cores or lower cpu.reserved_cores_per_numa.");
            }

            numa.Add(info);
        }

        HashSet<int> numaIds = [.. numa.Select(n => n.Id)];
        HashSet<string> pcis = new(StringComparer.OrdinalIgnoreCase);
        List<NicInfo> nics = [];
        foreach ((YamlMappingNode n, string p) in r.Mappings(node, "nics", path, required: false))
        {
            r.CheckKnownFields(n, p, "name", "pci", "speed_gbps", "driver", "numa", "offloads", "rss_queues", "sriov", "dpdk_bound", "smartnic", "link_up", "xdp_features", "timestamping");
            int totalVfs = 0;
            int usedVfs = 0;
            YamlMappingNode? sriov = r.Mapping(n, "sriov", p, required: false);
            if (sriov is not null)
            {
                r.CheckKnownFields(sriov, $"{p}.sriov", "total_vfs", "used_vfs");
                totalVfs = r.Int(sriov, "total_vfs", $"{p}.sriov");
                usedVfs = r.Int(sriov, "used_vfs", $"{p}.sriov", 0);
                if (usedVfs > totalVfs)
                {
                    r.Error(YamlFieldReader.Find(sriov, "used_vfs") ?? sriov, $"{p}.sriov.used_vfs", $"{usedVfs} used VFs exceed the {totalVfs} the device has.");
                }
            }

            NicInfo nic = new(
                r.String(n, "name", p) ?? "?",
                r.String(n, "pci", p) ?? "?",
                r.Int(n, "speed_gbps", p, min: 1),
                r.String(n, "driver", p) ?? "?",
                r.Int(n, "numa", p, 0),
                r.Strings(n, "offloads", p),
                r.Int(n, "rss_queues", p, 1, min: 1),
                totalVfs,
                usedVfs,
                r.Bool(n, "dpdk_bound", p, false),
                r.Bool(n, "smartnic", p, false),
                r.Bool(n, "link_up", p, true))
            {
                XdpFeatures = ReadXdpFeatures(r, n, p),
                Timestamping = ReadTimestamping(r, n, p),
            };
            CheckNuma(r, YamlFieldReader.Find(n, "numa") ?? n, $"{p}.numa", nic.NumaNode, numaIds);
            if (nic.PciAddress != "?" && !pcis.Add(nic.PciAddress))
            {
                r.Error(n, $"{p}.pci", $"PCI address {nic.PciAddress} is used twice on node '{id}'.");
            }

            nics.Add(nic);
        }

        List<AcceleratorInfo> accelerators = [];
        foreach ((YamlMappingNode n, string p) in r.Mappings(node, "accelerators", path, required: false))
        {
            r.CheckKnownFields(n, p, "name", "kind", "pci", "numa", "interface", "vendor", "instances", "access");
            AcceleratorInfo acc = new(
                r.String(n, "name", p) ?? "?",
                OneOf(r, n, "kind", p, AcceleratorKinds, "crypto"),
                r.String(n, "pci", p) ?? "?",
                r.Int(n, "numa", p, 0),
                r.String(n, "interface", p, required: false))
            {
                Vendor = r.String(n, "vendor", p, required: false),
                Instances = r.Int(n, "instances", p, 1, min: 1),
                Access = OneOf(r, n, "access", p, ["vfio", "privileged"], "vfio"),
            };
            CheckNuma(r, YamlFieldReader.Find(n, "numa") ?? n, $"{p}.numa", acc.NumaNode, numaIds);
            if (acc.PciAddress != "?" && !pcis.Add(acc.PciAddress))
            {
                r.Error(n, $"{p}.pci", $"PCI address {acc.PciAddress} is used twice on node '{id}'.");
            }

            accelerators.Add(acc);
        }

        List<PciSlotInfo> slots = [];
        foreach ((YamlMappingNode n, string p) in r.Mappings(node, "pci_slots", path, required: false))
        {
            r.CheckKnownFields(n, p, "designation", "speed_gts", "lanes", "device");
            PciSlotInfo slot = new(r.String(n, "designation", p) ?? "?", r.Double(n, "speed_gts", p), r.Int(n, "lanes", p, min: 1), r.String(n, "device", p, required: false));
            if (Array.IndexOf(s_pcieSpeeds, slot.MaxSpeedGts) < 0)
            {
                r.Error(YamlFieldReader.Find(n, "speed_gts") ?? n, $"{p}.speed_gts", $"{slot.MaxSpeedGts} GT/s is not a PCIe link speed; use 2.5, 5, 8, 16, 32 or 64.");
            }

            if (slot.Lanes is not (1 or 2 or 4 or 8 or 16 or 32))
            {
                r.Error(YamlFieldReader.Find(n, "lanes") ?? n, $"{p}.lanes", $"x{slot.Lanes} is not a PCIe link width; use 1, 2, 4, 8, 16 or 32.");
            }

            slots.Add(slot);
        }

        HostSoftware? software = null;
        YamlMappingNode? sw = r.Mapping(node, "software", path, required: false);
        if (sw is not null)
        {
            string p = $"{path}.software";
            r.CheckKnownFields(sw, p, "os_name", "os_version", "kernel_release", "kernel_version", "cmdline", "virtualisation");
            List<VirtualisationLayer> layers = [];
            foreach ((YamlMappingNode v, string vp) in r.Mappings(sw, "virtualisation", p, required: true))
            {
                r.CheckKnownFields(v, vp, "technology", "version");
                layers.Add(new VirtualisationLayer(r.String(v, "technology", vp) ?? "?", r.String(v, "version", vp) ?? "?"));
            }

            software = new HostSoftware(
                r.String(sw, "os_name", p) ?? "?",
                r.String(sw, "os_version", p) ?? "?",
                r.String(sw, "kernel_release", p) ?? "?",
                r.String(sw, "kernel_version", p) ?? "?",
                r.String(sw, "cmdline", p, required: false, fallback: string.Empty)!,
                layers);
        }

        Dictionary<string, string> bios = new(StringComparer.Ordinal);
        YamlMappingNode? biosNode = r.Mapping(node, "bios", path, required: false);
        if (biosNode is not null)
        {
            foreach (KeyValuePair<YamlNode, YamlNode> kv in biosNode.Children)
            {
                string key = ((YamlScalarNode)kv.Key).Value ?? string.Empty;
                if (kv.Value is YamlScalarNode { Value: { } value })
                {
                    bios[key] = value;
                }
                else
                {
                    r.Error(kv.Value, $"{path}.bios.{key}", "expected a scalar BIOS setting value (for example c_states: C1).");
                }
            }
        }

        return new NodeHardware(id, site, profile, extensions, cpu, numa, nics, accelerators, r.Where(node))
        {
            PciSlots = slots,
            Software = software,
            Bios = bios,
        };
    }

    private static IReadOnlyList<string> ReadXdpFeatures(YamlFieldReader r, YamlMappingNode n, string p)
    {
        IReadOnlyList<string> features = r.Strings(n, "xdp_features", p);
        foreach (string f in features)
        {
            if (Array.IndexOf(XdpFeatureNames, f) < 0)
            {
                r.Error(YamlFieldReader.Find(n, "xdp_features") ?? n, $"{p}.xdp_features", $"'{f}' is not a netdev XDP feature; use {string.Join(", ", XdpFeatureNames)}.");
            }
        }

        return features;
    }

    private static NicTimestamping? ReadTimestamping(YamlFieldReader r, YamlMappingNode n, string p)
    {
        YamlMappingNode? ts = r.Mapping(n, "timestamping", p, required: false);
        if (ts is null)
        {
            return null;
        }

        string tp = $"{p}.timestamping";
        r.CheckKnownFields(ts, tp, "capabilities", "ptp_clock", "synce");
        IReadOnlyList<string> caps = r.Strings(ts, "capabilities", tp);
        foreach (string c in caps)
        {
            if (Array.IndexOf(TimestampingCapabilities, c) < 0)
            {
                r.Error(YamlFieldReader.Find(ts, "capabilities") ?? ts, $"{tp}.capabilities", $"'{c}' is not an ethtool -T capability; use {string.Join(", ", TimestampingCapabilities)}.");
            }
        }

        int? clock = YamlFieldReader.Find(ts, "ptp_clock") is null ? null : r.Int(ts, "ptp_clock", tp);
        return new NicTimestamping(caps, clock, r.Bool(ts, "synce", tp, false));
    }

    private static void CheckNuma(YamlFieldReader r, YamlNode n, string path, int numaNode, HashSet<int> numaIds)
    {
        if (!numaIds.Contains(numaNode))
        {
            r.Error(n, path, $"NUMA node {numaNode} is not listed under the node's 'numa' (known: {string.Join(", ", numaIds)}).");
        }
    }

    private static string OneOf(YamlFieldReader r, YamlMappingNode node, string field, string path, string[] allowed, string fallback)
    {
        string? value = r.String(node, field, path, required: false);
        if (value is null)
        {
            return fallback;
        }

        if (Array.IndexOf(allowed, value) < 0)
        {
            r.Error(YamlFieldReader.Find(node, field)!, YamlFieldReader.Join(path, field), $"'{value}' is not one of {string.Join(", ", allowed)}.");
            return fallback;
        }

        return value;
    }
}
