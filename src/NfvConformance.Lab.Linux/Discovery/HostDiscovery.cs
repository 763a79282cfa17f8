// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Lab.Linux.Native;
using NfvConformance.Lab.Linux.Run;

namespace NfvConformance.Lab.Linux.Discovery;

/// <summary>
/// Discovers the host with no manual step: CPUs, sockets, NUMA nodes and their CPUs, isolated CPUs, huge pages per
/// size, CPU flags mapped to accelerations, kernel, OS and virtualisation; every netdev from <c>/sys/class/net</c>
/// and <c>ethtool</c> (driver, PCI address, NUMA node, speed, MTU, offloads, SR-IOV, XDP features, link state,
/// time-stamping); PCI accelerators; DPDK testpmd and its PMDs. Every value is kept as a fact with its file or command.
/// </summary>
internal static class HostDiscovery
{
    /// <summary>The drivers a PCI NIC is bound to when DPDK drives it instead of the kernel.</summary>
    public static readonly IReadOnlySet<string> DpdkDrivers = new HashSet<string>(StringComparer.Ordinal) { "vfio-pci", "uio_pci_generic", "igb_uio" };

    /// <summary>CPU flags mapped to the accelerations they give a VNF (the names node-feature-discovery labels them with).</summary>
    public static IReadOnlyList<CpuAcceleration> AccelerationMap { get; } =
    [
        new("AES-NI", "cpu-cpuid.AESNI", ["aes"], "AES in hardware instructions (IPsec, TLS, DPDK aesni_mb)"),
        new("VAES", "cpu-cpuid.VAES", ["vaes"], "vector AES over 256/512-bit registers"),
        new("PCLMULQDQ", "cpu-cpuid.PCLMULQDQ", ["pclmulqdq"], "carry-less multiply (AES-GCM, CRC)"),
        new("SHA-NI", "cpu-cpuid.SHA", ["sha_ni"], "SHA-1/SHA-256 in hardware instructions"),
        new("AVX2", "cpu-cpuid.AVX2", ["avx2"], "256-bit vector packet processing"),
        new("AVX-512", "cpu-cpuid.AVX512F", ["avx512f"], "512-bit vector packet processing (DPDK AVX-512 paths)"),
        new("AVX-512 VNNI", "cpu-cpuid.AVX512VNNI", ["avx512_vnni"], "int8 inference"),
        new("AMX", "cpu-cpuid.AMXTILE", ["amx_tile"], "matrix inference"),
        new("GFNI", "cpu-cpuid.GFNI", ["gfni"], "Galois-field instructions (SM4, erasure coding)"),
        new("RDRAND", "cpu-cpuid.RDRAND", ["rdrand", "rdseed"], "hardware random numbers"),
        new("CRC32", "cpu-cpuid.SSE42", ["sse4_2"], "CRC32C and string instructions (hashing)"),
    ];

    /// <summary>Discovers the host.</summary>
    /// <param name="reader">Reads the host and keeps the facts.</param>
    /// <param name="nodeId">The node id to publish.</param>
    /// <returns>What was found; the inventory has no profile, no pinning and no reserved cores yet (the host's policy sets them).</returns>
    public static HostScan Scan(HostReader reader, string nodeId)
    {
        IReadOnlyList<int> online = CpuList.TryParse(reader.ReadFact("cpu.online", "/sys/devices/system/cpu/online"), out IReadOnlyList<int> o) && o.Count > 0 ? o : [0];
        IReadOnlyList<int> isolated = CpuList.TryParse(reader.ReadFact("cpu.isolated", "/sys/devices/system/cpu/isolated"), out IReadOnlyList<int> iso) ? iso : [];
        (string model, double ghz, HashSet<string> flags) = ReadCpuinfo(reader);
        string arch = reader.ReadFact("cpu.architecture", "/proc/sys/kernel/arch") ?? (reader.Command("uname", "-m").Stdout.Trim() is { Length: > 0 } m ? Recorded(reader, "cpu.architecture", m, "uname -m") : "unknown");

        // Topology: sockets and cores from each CPU's topology folder.
        HashSet<string> packages = [];
        HashSet<string> cores = [];
        foreach (int cpu in online)
        {
            string topo = $"/sys/devices/system/cpu/cpu{cpu}/topology";
            string package = reader.ReadFact($"cpu.{cpu}.package", $"{topo}/physical_package_id") ?? "0";
            string core = reader.ReadFact($"cpu.{cpu}.core", $"{topo}/core_id") ?? cpu.ToString(CultureInfo.InvariantCulture);
            packages.Add(package);
            cores.Add(package + "/" + core);
        }

        string? smtActive = reader.ReadFact("cpu.smt.active", "/sys/devices/system/cpu/smt/active");
        bool smt = smtActive == "1" || cores.Count < online.Count;

        // NUMA nodes, their CPUs, memory and huge pages.
        Dictionary<int, IReadOnlyList<int>> numaCpus = [];
        foreach (string dir in reader.List("/sys/devices/system/node").Where(d => d.StartsWith("node", StringComparison.Ordinal) && int.TryParse(d.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            int id = int.Parse(dir.AsSpan(4), CultureInfo.InvariantCulture);
            numaCpus[id] = CpuList.TryParse(reader.ReadFact($"numa.{id}.cpus", $"/sys/devices/system/node/{dir}/cpulist"), out IReadOnlyList<int> c) ? c : [];
        }

        if (numaCpus.Count == 0)
        {
            numaCpus[0] = online;
            reader.Record("numa.0.cpus", CpuList.Format(online), "/sys/devices/system/node absent: one node holding every online CPU");
        }

        IReadOnlyDictionary<string, long> meminfo = Meminfo(reader.Read("/proc/meminfo") ?? string.Empty);
        long memTotalMb = meminfo.GetValueOrDefault("MemTotal") / 1024;
        long memAvailableMb = meminfo.GetValueOrDefault("MemAvailable") / 1024;
        reader.Record("memory.total_mb", memTotalMb.ToString(CultureInfo.InvariantCulture), "/proc/meminfo MemTotal");
        reader.Record("memory.available_mb", memAvailableMb.ToString(CultureInfo.InvariantCulture), "/proc/meminfo MemAvailable");

        List<HugepagePool> pools = [];
        foreach (string size in reader.List("/sys/kernel/mm/hugepages"))
        {
            reader.ReadFact($"hugepages.{size}.total", $"/sys/kernel/mm/hugepages/{size}/nr_hugepages");
            reader.ReadFact($"hugepages.{size}.free", $"/sys/kernel/mm/hugepages/{size}/free_hugepages");
        }

        List<NumaNodeInfo> numa = [];
        foreach ((int id, IReadOnlyList<int> cpus) in numaCpus.OrderBy(kv => kv.Key))
        {
            string nodeDir = $"/sys/devices/system/node/node{id}";
            IReadOnlyDictionary<string, long> nodeMem = Meminfo(reader.Read($"{nodeDir}/meminfo") ?? string.Empty);
            long nodeMb = nodeMem.TryGetValue("MemTotal", out long kb) ? kb / 1024 : memTotalMb;
            reader.Record($"numa.{id}.memory_mb", nodeMb.ToString(CultureInfo.InvariantCulture), nodeMem.Count > 0 ? $"{nodeDir}/meminfo" : "/proc/meminfo MemTotal (no per-node meminfo)");
            int pages1G = 0;
            int pages2M = 0;
            foreach (string size in reader.List($"{nodeDir}/hugepages"))
            {
                long sizeKb = long.TryParse(size.AsSpan("hugepages-".Length, size.Length - "hugepages-".Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out long s) ? s : 0;
                long total = ReadLong(reader, $"numa.{id}.{size}.total", $"{nodeDir}/hugepages/{size}/nr_hugepages");
                long free = ReadLong(reader, $"numa.{id}.{size}.free", $"{nodeDir}/hugepages/{size}/free_hugepages");
                pools.Add(new HugepagePool(sizeKb, id, total, free));
                if (sizeKb == 1048576)
                {
                    pages1G = (int)total;
                }
                else if (sizeKb == 2048)
                {
                    pages2M = (int)total;
                }
            }

            // Cores here are the CPUs a workload can be pinned to (hardware threads when SMT is on).
            numa.Add(new NumaNodeInfo(id, cpus.Count, nodeMb, pages1G, pages2M));
        }

        List<CpuAcceleration> accelerations = [.. AccelerationMap.Where(a => a.Flags.Any(flags.Contains))];
        reader.Record("cpu.accelerations", string.Join(", ", accelerations.Select(a => a.Name)), "/proc/cpuinfo flags");
        string? hypervisor = flags.Contains("hypervisor") ? Hypervisor(reader) : null;

        HostSoftware software = Software(reader);
        DpdkInstall dpdk = Dpdk(reader);
        List<NicInfo> nics = Nics(reader, numaCpus.Keys.Min(), dpdk);
        List<AcceleratorInfo> accelerators = Accelerators(reader, dpdk);

        long diskFreeGb = 0;
        try
        {
            diskFreeGb = new DriveInfo(reader.Map("/")).AvailableFreeSpace / (1024L * 1024 * 1024);
            reader.Record("disk.root.free_gb", diskFreeGb.ToString(CultureInfo.InvariantCulture), "statvfs /");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            reader.Record("disk.root.free_gb", "unknown", $"statvfs /: {e.Message}");
        }

        string? afXdp = AfXdpProblem();
        reader.Record("afxdp.socket", afXdp ?? "opens", "socket(AF_XDP, SOCK_RAW, 0)");
        string? cpuset = CpusetController(reader);
        reader.Record("cgroup.cpuset", cpuset ?? "none", "/proc/self/mountinfo");

        NodeHardware draft = new(
            nodeId,
            "local",
            string.Empty,
            [],
            new CpuInfo(model, arch, Math.Max(1, packages.Count), Math.Max(1, cores.Count / Math.Max(1, packages.Count)), smt, ghz, false, 0),
            numa,
            nics,
            accelerators,
            "/sys, /proc, ethtool")
        {
            Software = software,
        };

        NodeHardware hardware = draft with { Extensions = Extensions(draft, software), Facts = [.. reader.Facts] };
        return new HostScan(hardware, online, isolated, numaCpus, pools, flags, accelerations, dpdk, memTotalMb, memAvailableMb, diskFreeGb, hypervisor, afXdp, cpuset);
    }

    private static string Recorded(HostReader reader, string key, string value, string source)
    {
        reader.Record(key, value, source);
        return value;
    }

    private static long ReadLong(HostReader reader, string key, string path) =>
        long.TryParse(reader.ReadFact(key, path), NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v : 0;

    private static (string Model, double Ghz, HashSet<string> Flags) ReadCpuinfo(HostReader reader)
    {
        string model = "unknown";
        double mhz = 0;
        HashSet<string> flags = new(StringComparer.Ordinal);
        foreach (string line in (reader.Read("/proc/cpuinfo") ?? string.Empty).Split('\n'))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            string key = line[..colon].Trim();
            string value = line[(colon + 1)..].Trim();
            if (key == "model name" && model == "unknown")
            {
                model = value;
            }
            else if (key == "cpu MHz" && mhz == 0)
            {
                _ = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out mhz);
            }
            else if (key is "flags" or "Features" && flags.Count == 0)
            {
                flags.UnionWith(value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
            }
        }

        double ghz = Math.Round(mhz / 1000, 3);
        reader.Record("cpu.model", model, "/proc/cpuinfo model name");
        reader.Record("cpu.clock_ghz", ghz.ToString("0.0##", CultureInfo.InvariantCulture), "/proc/cpuinfo cpu MHz");
        reader.Record("cpu.flags", string.Join(' ', flags.Order(StringComparer.Ordinal)), "/proc/cpuinfo flags");
        return (model, ghz, flags);
    }

    private static string? Hypervisor(HostReader reader)
    {
        // lscpu reads the hypervisor vendor from cpuid leaf 0x40000000.
        ShellResult lscpu = reader.Command("lscpu");
        string? vendor = lscpu.Succeeded ? Ethtool.KeyValues(lscpu.Stdout).GetValueOrDefault("Hypervisor vendor") : null;
        vendor ??= reader.Read("/sys/class/dmi/id/sys_vendor");
        if (vendor is not null)
        {
            reader.Record("host.hypervisor", vendor, lscpu.Succeeded ? "lscpu (cpuid 0x40000000)" : "/sys/class/dmi/id/sys_vendor");
        }

        return vendor;
    }

    private static IReadOnlyDictionary<string, long> Meminfo(string text)
    {
        Dictionary<string, long> values = new(StringComparer.Ordinal);
        foreach (string line in text.Split('\n'))
        {
            // "MemTotal:  24675392 kB" or, per node, "Node 0 MemTotal:  24675392 kB".
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            string key = line[..colon].Trim();
            int space = key.LastIndexOf(' ');
            key = space >= 0 ? key[(space + 1)..] : key;
            string[] parts = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length > 0 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long v))
            {
                values[key] = v;
            }
        }

        return values;
    }

    private static HostSoftware Software(HostReader reader)
    {
        Dictionary<string, string> osRelease = new(StringComparer.Ordinal);
        foreach (string line in (reader.Read("/etc/os-release") ?? reader.Read("/usr/lib/os-release") ?? string.Empty).Split('\n'))
        {
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                osRelease[line[..eq]] = line[(eq + 1)..].Trim().Trim('"');
            }
        }

        string osName = osRelease.GetValueOrDefault("NAME", "Linux");
        string osVersion = osRelease.GetValueOrDefault("VERSION_ID", string.Empty);
        reader.Record("os.name", osName, "/etc/os-release NAME");
        reader.Record("os.version", osVersion, "/etc/os-release VERSION_ID");
        string release = reader.ReadFact("kernel.release", "/proc/sys/kernel/osrelease") ?? "unknown";
        string version = reader.ReadFact("kernel.version", "/proc/sys/kernel/version") ?? "unknown";
        string cmdline = reader.ReadFact("kernel.cmdline", "/proc/cmdline") ?? string.Empty;

        // The virtualisation layers the target runs workloads on: Linux namespaces and cgroups (always, the lab's own),
        // QEMU where /dev/kvm and qemu-system are there, Docker where its daemon listens.
        List<VirtualisationLayer> layers = [new("Linux namespaces", release)];
        reader.Record("virtualisation.namespaces", release, "/proc/sys/kernel/osrelease (network namespaces and cgroups of this kernel)");
        if (Shell.Find("qemu-system-x86_64") is not null)
        {
            ShellResult qemu = reader.Command("qemu-system-x86_64", "--version");
            string[] words = qemu.Stdout.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            int at = Array.IndexOf(words, "version");
            if (qemu.Succeeded && at >= 0 && at + 1 < words.Length)
            {
                layers.Add(new VirtualisationLayer("QEMU", words[at + 1]));
                reader.Record("virtualisation.qemu", words[at + 1], "qemu-system-x86_64 --version");
                reader.Record("virtualisation.kvm_device", reader.Exists("/dev/kvm") ? "present" : "absent (QEMU runs TCG)", "/dev/kvm");
            }
        }

        if (reader.Exists("/var/run/docker.sock"))
        {
            ShellResult docker = reader.Command("docker", "version", "--format", "{{.Server.Version}}");
            if (docker.Succeeded && docker.Stdout.Trim().Length > 0)
            {
                layers.Add(new VirtualisationLayer("Docker", docker.Stdout.Trim()));
                reader.Record("virtualisation.docker", docker.Stdout.Trim(), "docker version --format {{.Server.Version}}");
            }
        }

        return new HostSoftware(osName, osVersion, release, version, cmdline, layers);
    }

    /// <summary>Finds DPDK as installed (testpmd, the PMDs, bound devices) without the rest of a discovery.</summary>
    /// <returns>The install.</returns>
    public static DpdkInstall ScanDpdk() => Dpdk(new HostReader());

    private static DpdkInstall Dpdk(HostReader reader)
    {
        string? testpmd = Shell.Find("dpdk-testpmd");
        reader.Record("dpdk.testpmd", testpmd ?? "absent", "PATH lookup of dpdk-testpmd");
        string? version = null;
        ShellResult pkg = reader.Command("pkg-config", "--modversion", "libdpdk");
        if (pkg.Succeeded)
        {
            version = pkg.Stdout.Trim();
            reader.Record("dpdk.version", version, "pkg-config --modversion libdpdk");
        }

        string? pmdDir = null;
        Dictionary<string, List<string>> pmds = new(StringComparer.Ordinal);
        foreach (string lib in new[] { "/usr/lib/x86_64-linux-gnu/dpdk", "/usr/lib/aarch64-linux-gnu/dpdk", "/usr/local/lib/x86_64-linux-gnu/dpdk", "/usr/lib64/dpdk" })
        {
            foreach (string dir in reader.List(lib).Where(d => d.StartsWith("pmds-", StringComparison.Ordinal)))
            {
                pmdDir = $"{lib}/{dir}";
                foreach (string file in reader.List(pmdDir).Where(f => f.StartsWith("librte_", StringComparison.Ordinal) && f.EndsWith(".so", StringComparison.Ordinal)))
                {
                    string name = file["librte_".Length..^3];
                    int underscore = name.IndexOf('_', StringComparison.Ordinal);
                    if (underscore > 0)
                    {
                        string cls = name[..underscore];
                        if (!pmds.TryGetValue(cls, out List<string>? list))
                        {
                            pmds[cls] = list = [];
                        }

                        list.Add(name[(underscore + 1)..]);
                    }
                }
            }
        }

        foreach ((string cls, List<string> list) in pmds.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            reader.Record($"dpdk.pmds.{cls}", string.Join(",", list.Order(StringComparer.Ordinal)), pmdDir ?? "none");
        }

        List<(string, string)> bound = [];
        foreach (string driver in DpdkDrivers)
        {
            foreach (string entry in reader.List($"/sys/bus/pci/drivers/{driver}").Where(e => e.Count(c => c == ':') == 2))
            {
                bound.Add((entry, driver));
                reader.Record($"dpdk.bound.{entry}", driver, $"/sys/bus/pci/drivers/{driver}/{entry}");
            }
        }

        return new DpdkInstall(testpmd, version, pmdDir, pmds.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)[.. kv.Value.Order(StringComparer.Ordinal)], StringComparer.Ordinal), bound);
    }

    private static List<NicInfo> Nics(HostReader reader, int defaultNuma, DpdkInstall dpdk)
    {
        List<NicInfo> nics = [];
        IReadOnlyDictionary<int, ulong> xdp = new Dictionary<int, ulong>();
        bool xdpKnown = reader.Root == "/" && NetdevNetlink.TryReadXdpFeatures(out xdp, out string? xdpError);
        if (!xdpKnown)
        {
            reader.Record("xdp.features", "unknown", reader.Root == "/" ? NetdevNetlink.Provenance : "not read (host root is a copy)");
        }

        bool dpll = reader.Root == "/" && NetdevNetlink.FamilyExists("dpll") == true;
        reader.Record("synce.dpll", dpll ? "dpll family registered" : "no dpll generic-netlink family (no DPLL for SyncE)", "netlink genl CTRL_CMD_GETFAMILY dpll");

        foreach (string name in reader.List("/sys/class/net"))
        {
            string dir = $"/sys/class/net/{name}";
            if (name.StartsWith(LabNames.Prefix, StringComparison.Ordinal) && LabNames.TryParseRunId(name, out _))
            {
                continue;
            }

            string operstate = reader.ReadFact($"nic.{name}.operstate", $"{dir}/operstate") ?? "unknown";
            reader.ReadFact($"nic.{name}.mtu", $"{dir}/mtu");
            reader.ReadFact($"nic.{name}.mac", $"{dir}/address");
            if (!reader.Exists($"{dir}/device"))
            {
                reader.Record($"nic.{name}.kind", "virtual (no device: not a NIC)", $"{dir}/device absent");
                continue;
            }

            ShellResult info = reader.Command("ethtool", "-i", name);
            IReadOnlyDictionary<string, string> kv = Ethtool.KeyValues(info.Stdout);
            string driver = kv.GetValueOrDefault("driver") ?? reader.LinkName($"{dir}/device/driver") ?? "unknown";
            string pci = kv.GetValueOrDefault("bus-info") is { Length: > 0 } bus ? bus : name;
            reader.Record($"nic.{name}.driver", driver, info.Succeeded ? $"ethtool -i {name}" : $"{dir}/device/driver");
            reader.Record($"nic.{name}.pci", pci, info.Succeeded ? $"ethtool -i {name} (bus-info)" : "no bus address");
            string pciDir = $"/sys/bus/pci/devices/{pci}";
            string? numaRaw = reader.ReadFact($"nic.{name}.numa_node", $"{pciDir}/numa_node");
            int numaNode = int.TryParse(numaRaw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int nn) && nn >= 0 ? nn : defaultNuma;
            if (numaRaw == "-1")
            {
                reader.Record($"nic.{name}.numa", numaNode.ToString(CultureInfo.InvariantCulture), $"{pciDir}/numa_node = -1 (no affinity): node {defaultNuma}");
            }

            ShellResult settings = reader.Command("ethtool", name);
            long? mbps = Ethtool.SpeedMbps(settings.Stdout);
            string? sysSpeed = reader.Read($"{dir}/speed");
            if (mbps is null && long.TryParse(sysSpeed, NumberStyles.None, CultureInfo.InvariantCulture, out long s))
            {
                mbps = s;
            }

            reader.Record($"nic.{name}.speed_mbps", mbps?.ToString(CultureInfo.InvariantCulture) ?? "unknown", $"ethtool {name} (Speed)");
            bool linkUp = Ethtool.KeyValues(settings.Stdout).GetValueOrDefault("Link detected") is { } detected ? detected == "yes" : operstate == "up";
            reader.Record($"nic.{name}.link", linkUp ? "up" : "down", $"ethtool {name} (Link detected)");

            ShellResult features = reader.Command("ethtool", "-k", name);
            IReadOnlyList<string> offloads = Ethtool.Offloads(Ethtool.Features(features.Stdout));
            reader.Record($"nic.{name}.offloads", string.Join(",", offloads), $"ethtool -k {name}");

            ShellResult channels = reader.Command("ethtool", "-l", name);
            int queues = Ethtool.CurrentChannels(channels.Stdout) ?? reader.List($"{dir}/queues").Count(q => q.StartsWith("rx-", StringComparison.Ordinal));
            reader.Record($"nic.{name}.rss_queues", queues.ToString(CultureInfo.InvariantCulture), channels.Succeeded ? $"ethtool -l {name}" : $"{dir}/queues/rx-*");

            _ = ReadLong(reader, $"nic.{name}.sriov_totalvfs", $"{pciDir}/sriov_totalvfs");
            int numVfs = (int)ReadLong(reader, $"nic.{name}.sriov_numvfs", $"{pciDir}/sriov_numvfs");
            if (!reader.Exists($"{pciDir}/sriov_totalvfs"))
            {
                reader.Record($"nic.{name}.sriov", "not SR-IOV capable", $"{pciDir}/sriov_totalvfs absent");
            }

            List<string> xdpNames = [];
            int ifindex = int.TryParse(reader.Read($"{dir}/ifindex"), NumberStyles.None, CultureInfo.InvariantCulture, out int idx) ? idx : -1;
            if (xdpKnown)
            {
                ulong mask = xdp.GetValueOrDefault(ifindex);
                xdpNames.AddRange(NetdevNetlink.Names(mask));
                reader.Record($"nic.{name}.xdp_features", xdpNames.Count == 0 ? "none" : string.Join(",", xdpNames), NetdevNetlink.Provenance);
            }

            List<string> allOffloads = [.. offloads];
            if (xdpNames.Contains("basic"))
            {
                allOffloads.Add("xdp");
            }

            ShellResult ts = reader.Command("ethtool", "-T", name);
            (IReadOnlyList<string> tsCaps, int? ptp) = Ethtool.Timestamping(ts.Stdout);
            reader.Record($"nic.{name}.timestamping", string.Join(",", tsCaps) + "; ptp=" + (ptp?.ToString(CultureInfo.InvariantCulture) ?? "none"), $"ethtool -T {name}");

            ShellResult eswitch = reader.Command("devlink", "dev", "eswitch", "show", $"pci/{pci}");
            bool switchdev = eswitch.Succeeded && eswitch.Stdout.Contains("mode switchdev", StringComparison.Ordinal);
            reader.Record($"nic.{name}.eswitch", eswitch.Succeeded ? eswitch.Stdout.Trim() : "no eswitch (not a SmartNIC/DPU port)", $"devlink dev eswitch show pci/{pci}");

            nics.Add(new NicInfo(name, pci, (int)((mbps ?? 0) / 1000), driver, numaNode, allOffloads, queues, numVfs, 0, false, switchdev, linkUp)
            {
                XdpFeatures = xdpNames,
                Timestamping = new NicTimestamping(tsCaps, ptp, SyncE: false),
            });
        }

        // Ports DPDK drives have no netdev: list the network-class PCI functions bound to a DPDK driver.
        foreach ((string pci, string driver) in dpdk.BoundDevices)
        {
            string cls = reader.Read($"/sys/bus/pci/devices/{pci}/class") ?? string.Empty;
            if (!cls.StartsWith("0x02", StringComparison.Ordinal))
            {
                continue;
            }

            string? numaRaw = reader.ReadFact($"nic.{pci}.numa_node", $"/sys/bus/pci/devices/{pci}/numa_node");
            int numaNode = int.TryParse(numaRaw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int nn) && nn >= 0 ? nn : defaultNuma;
            nics.Add(new NicInfo(pci, pci, 0, driver, numaNode, [], 0, 0, 0, true, false, true));
        }

        return nics;
    }

    private static List<AcceleratorInfo> Accelerators(HostReader reader, DpdkInstall dpdk)
    {
        List<AcceleratorInfo> found = [];
        foreach (string pci in reader.List("/sys/bus/pci/devices"))
        {
            string dir = $"/sys/bus/pci/devices/{pci}";
            string cls = reader.Read($"{dir}/class") ?? string.Empty;
            string vendor = reader.Read($"{dir}/vendor") ?? string.Empty;
            string device = reader.Read($"{dir}/device") ?? string.Empty;
            (string Kind, string? Interface)? what = (cls, vendor, device) switch
            {
                (_, "0x1af4", "0x1054") => ("crypto", "virtio-crypto"),
                (_, "0x8086", _) when cls.StartsWith("0x0b40", StringComparison.Ordinal) => ("crypto", dpdk.Has("crypto", "qat") || dpdk.Has("common", "qat") ? "dpdk-cryptodev" : null),
                _ when cls.StartsWith("0x1200", StringComparison.Ordinal) => ("fpga", null),
                _ when cls.StartsWith("0x0302", StringComparison.Ordinal) => ("gpu", null),
                (_, "0x10de" or "0x1002", _) when cls.StartsWith("0x0300", StringComparison.Ordinal) => ("gpu", null),
                _ => null,
            };
            if (what is not { } w)
            {
                continue;
            }

            string? numaRaw = reader.Read($"{dir}/numa_node");
            int numa = int.TryParse(numaRaw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n) && n >= 0 ? n : 0;
            int vfs = (int)ReadLong(reader, $"accelerator.{pci}.sriov_numvfs", $"{dir}/sriov_numvfs");
            reader.Record($"accelerator.{pci}", $"{w.Kind} vendor {vendor} device {device}", $"{dir}/class {cls}");
            found.Add(new AcceleratorInfo($"{w.Kind}-{pci}", w.Kind, pci, numa, w.Interface) { Vendor = vendor, Instances = Math.Max(1, vfs) });
        }

        if (found.Count == 0)
        {
            reader.Record("accelerators", "none", "/sys/bus/pci/devices/*/class (no co-processor 0x0b40, processing accelerator 0x12, 3D controller 0x0302, virtio-crypto 1af4:1054)");
        }

        return found;
    }

    /// <summary>Tells whether the kernel opens AF_XDP sockets.</summary>
    /// <returns>Why it refuses, or null when it opens one.</returns>
    internal static string? AfXdpProblem()
    {
        int fd = Libc.socket(Libc.AfXdp, Libc.SockRaw, 0);
        if (fd < 0)
        {
            return $"socket(AF_XDP) failed: {Libc.LastError()}";
        }

        _ = Libc.close(fd);
        return null;
    }

    private static string? CpusetController(HostReader reader)
    {
        foreach (string line in (reader.Read("/proc/self/mountinfo") ?? string.Empty).Split('\n'))
        {
            string[] f = line.Split(' ');
            int dash = Array.IndexOf(f, "-");
            if (dash < 0 || dash + 3 >= f.Length || f.Length < 5)
            {
                continue;
            }

            string fsType = f[dash + 1];
            string options = f[dash + 3];
            if (fsType == "cgroup" && options.Split(',').Contains("cpuset"))
            {
                return f[4];
            }

            if (fsType == "cgroup2" && (reader.Read(Path.Combine(f[4], "cgroup.controllers")) ?? string.Empty).Split(' ').Contains("cpuset"))
            {
                return f[4];
            }
        }

        return null;
    }

    private static IReadOnlyList<string> Extensions(NodeHardware hw, HostSoftware software)
    {
        List<string> ext = [];
        if (hw.Accelerators.Any(a => a.Kind == "gpu"))
        {
            ext.Add("compute-gpu");
        }

        if (hw.Accelerators.Any(a => a.Kind is "crypto" or "compression" or "fpga"))
        {
            ext.Add("compute-ffa");
        }

        if (hw.Nics.Any(n => n.LinkUp && n.SmartNic))
        {
            ext.Add("network-smartnic");
        }

        if (hw.Nics.Any(n => n.LinkUp && n.SpeedGbps >= 25))
        {
            ext.Add("high-speed-network");
        }

        if (software.PreemptRt && hw.Nics.Any(n => n.LinkUp && n.Timestamping is { PtpHardwareClock: true, SyncE: true }))
        {
            ext.Add("rt-tsn");
        }

        return ext;
    }
}
