// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Lab.Linux.Discovery;

namespace NfvConformance.Lab.Linux.Host;

/// <summary>The host as one node: its inventory under the profile's policy and the capabilities it publishes.</summary>
/// <param name="Scan">What discovery found.</param>
/// <param name="Policy">The profile's policy.</param>
/// <param name="ReservedCpus">The CPUs kept for the host.</param>
/// <param name="Hardware">The inventory (profile, pinning and reserved cores set).</param>
/// <param name="Capabilities">What the node publishes.</param>
internal sealed record HostNode(HostScan Scan, HostPolicy Policy, IReadOnlyList<int> ReservedCpus, NodeHardware Hardware, NodeCapabilities Capabilities)
{
    /// <summary>The most connection points one instance can get: the lab gives each its own veth pair.</summary>
    public const int MaxInterfacesPerInstance = 16;

    /// <summary>Gets the CPUs dedicated cores are handed out from (online, not reserved).</summary>
    public IReadOnlyList<int> WorkloadCpus => [.. Scan.OnlineCpus.Except(ReservedCpus)];

    /// <summary>Gets the node id.</summary>
    public string Id => Hardware.Id;

    /// <summary>Builds the node from a discovery under a policy.</summary>
    /// <param name="scan">What discovery found.</param>
    /// <param name="policy">The profile's policy.</param>
    /// <param name="catalogue">The catalogue (units and which uids exist).</param>
    /// <returns>The node.</returns>
    public static HostNode Build(HostScan scan, HostPolicy policy, IReadOnlyList<CapabilityDefinition> catalogue)
    {
        (IReadOnlyList<int> reserved, string reservedSource) = policy.Reserved(scan.OnlineCpus, scan.IsolatedCpus, scan.NumaCpus);
        bool pinning = policy.OffersPinning(scan, reserved);
        int reservedPerNuma = scan.NumaCpus.Values.Select(c => c.Count(reserved.Contains)).DefaultIfEmpty(0).Min();
        List<HostFact> facts = [.. scan.Hardware.Facts];
        facts.Add(new HostFact("policy.profile", policy.Profile, "run option --profile"));
        facts.Add(new HostFact("policy.cpu", policy.CpuPolicyName, $"profile {policy.Profile}"));
        facts.Add(new HostFact("policy.reserved_cpus", CpuList.Format(reserved), reservedSource));
        NodeHardware hardware = scan.Hardware with
        {
            Profile = policy.Profile,
            Cpu = scan.Hardware.Cpu with { PinningSupported = pinning, ReservedCoresPerNuma = reservedPerNuma },
            Facts = facts,
        };
        HostNode partial = new(scan, policy, reserved, hardware, null!);
        return partial with { Capabilities = partial.Project(catalogue) };
    }

    private static string YesNo(bool value) => value ? "Yes" : "No";

    private NodeCapabilities Project(IReadOnlyList<CapabilityDefinition> catalogue)
    {
        Dictionary<string, CapabilityDefinition> byUid = new(StringComparer.Ordinal);
        foreach (CapabilityDefinition d in catalogue)
        {
            byUid.TryAdd(d.Uid, d);
        }

        SortedDictionary<string, CapabilityValue> values = new(StringComparer.Ordinal);
        foreach ((string uid, string raw, string source, string detail) in Claims())
        {
            string? unit = byUid.TryGetValue(uid, out CapabilityDefinition? def) ? def.Unit : null;
            List<CapabilityEvidence> evidence = [new(source, raw, detail)];
            string? key = Profiles.CatalogueKey(Policy.Profile);
            if (def is not null && key is not null && def.ProfileValues.TryGetValue(key, out string? asked))
            {
                evidence.Add(new CapabilityEvidence($"catalogue:{Policy.Profile}", asked, def.Location));
            }

            values[uid] = new CapabilityValue(raw, unit, source) { Evidence = evidence };
        }

        return new NodeCapabilities(Hardware.Id, Hardware.Site, Policy.Profile, Hardware.Extensions, new Dictionary<string, CapabilityValue>(values, StringComparer.Ordinal), Features(), Hardware);
    }

    /// <summary>Every capability the host can answer, each from the file or command that shows it.</summary>
    private IEnumerable<(string Uid, string Raw, string Source, string Detail)> Claims()
    {
        HostScan s = Scan;
        NodeHardware h = Hardware;
        int workload = WorkloadCpus.Count;
        yield return ("RM:e.cap.001", s.OnlineCpus.Count.ToString(CultureInfo.InvariantCulture), "/sys/devices/system/cpu/online", $"shared pool: CPUs {CpuList.Format(s.OnlineCpus)}; dedicated: {workload} CPU(s) {CpuList.Format(WorkloadCpus)}");
        yield return ("RM:e.cap.002", s.MemAvailableMb.ToString(CultureInfo.InvariantCulture), "/proc/meminfo MemAvailable", $"of {s.MemTotalMb} MiB");
        yield return ("RM:e.cap.003", s.DiskFreeGb.ToString(CultureInfo.InvariantCulture), "statvfs /", "free space of the root file system");
        yield return ("RM:e.cap.004", MaxInterfacesPerInstance.ToString(CultureInfo.InvariantCulture), "lab:placement", "one veth pair per connection point, in the instance's network namespace");
        yield return ("RM:e.cap.005", "0", "lab:storage", "the linux target attaches no persistent (external) volume");

        string pinDetail = h.Cpu.PinningSupported
            ? $"CPU policy {Policy.CpuPolicyName}: CPUs {CpuList.Format(WorkloadCpus)} pinned through {s.CpusetController} and sched_setaffinity"
            : s.CpusetController is null ? "no cpuset cgroup controller mounted" : workload == 0 ? "no CPU left after the reserved ones" : $"CPU policy {Policy.CpuPolicyName} (profile {Policy.Profile})";
        yield return ("RM:e.cap.006", YesNo(h.Cpu.PinningSupported), s.CpusetController is null ? "/proc/self/mountinfo" : $"{s.CpusetController} (cpuset)", pinDetail);
        yield return ("RM:e.cap.007", YesNo(h.Cpu.PinningSupported), "/sys/devices/system/node", $"{s.NumaCpus.Count} NUMA node(s); {(h.Cpu.PinningSupported ? "cores and memory bound to one node (cpuset.cpus, cpuset.mems)" : pinDetail)}");

        AcceleratorInfo? crypto = h.Accelerators.FirstOrDefault(a => a.Kind == "crypto");
        NicInfo? ipsecNic = h.Nics.FirstOrDefault(n => n.LinkUp && n.HasOffload("ipsec"));
        string aes = string.Join(", ", s.Accelerations.Where(a => a.Name is "AES-NI" or "VAES" or "SHA-NI" or "PCLMULQDQ").Select(a => a.Name));
        string isa = aes.Length == 0 ? string.Empty : $"; the CPU has {aes} (instructions on the workload's own cores, not an offload)";
        yield return ipsecNic is not null
            ? ("RM:e.cap.008", "Yes", $"ethtool -k {ipsecNic.Name}", "esp-hw-offload on")
            : crypto is not null ? ("RM:e.cap.008", "Yes", $"/sys/bus/pci/devices/{crypto.PciAddress}", crypto.Name) : ("RM:e.cap.008", "No", "ethtool -k; /sys/bus/pci/devices", "no NIC with esp-hw-offload, no crypto device" + isa);
        yield return crypto is not null
            ? ("RM:e.cap.009", "Yes", $"/sys/bus/pci/devices/{crypto.PciAddress}", $"{crypto.Name} via {crypto.Interface ?? "its driver"}")
            : ("RM:e.cap.009", "No", "/sys/bus/pci/devices", "no crypto accelerator device" + isa);
        yield return Device("RM:e.cap.010", "transcoding");
        yield return Device("RM:e.cap.011", "fpga");
        bool resctrl = s.CpuFlags.Contains("cat_l3") || s.CpuFlags.Contains("rdt_a");
        yield return ("RM:e.cap.012", resctrl ? "E" : "No", "/proc/cpuinfo flags", resctrl ? "cache allocation (cat_l3/rdt_a): equal split" : "no cat_l3/rdt_a: no cache allocation");
        NicInfo? vfNic = h.Nics.FirstOrDefault(n => n.SriovFreeVfs > 0);
        yield return vfNic is not null
            ? ("RM:e.cap.013", Policy.Profile == Profiles.Basic ? "No" : "Yes", $"/sys/bus/pci/devices/{vfNic.PciAddress}/sriov_numvfs", $"{vfNic.Name}: {vfNic.SriovTotalVfs} VFs, {vfNic.SriovUsedVfs} used{(Policy.Profile == Profiles.Basic ? "; the basic profile exposes no SR-IOV" : string.Empty)}")
            : ("RM:e.cap.013", "No", "/sys/bus/pci/devices/*/sriov_numvfs", "no VF configured: " + string.Join(", ", h.Nics.Select(n => $"{n.Name} ({n.Driver}) {n.SriovTotalVfs} VFs")));
        yield return Device("RM:e.cap.014", "gpu");
        NicInfo? smart = h.Nics.FirstOrDefault(n => n.LinkUp && n.SmartNic);
        yield return smart is not null ? ("RM:e.cap.015", "Yes", $"devlink dev eswitch show pci/{smart.PciAddress}", "mode switchdev") : ("RM:e.cap.015", "No", "devlink dev eswitch show", "no NIC in switchdev mode (no SmartNIC/DPU)");
        yield return Device("RM:e.cap.016", "fpga");
        bool packet = File.Exists("/proc/net/packet");
        yield return ("RM:e.cap.017", YesNo(packet), "/proc/net/packet", packet ? "AF_PACKET sockets: a workload can capture its own interfaces" : "no AF_PACKET");
        yield return ("RM:e.cap.018", YesNo(h.Cpu.Smt), "/sys/devices/system/cpu/smt/active", h.Cpu.Smt ? "SMT on" : "SMT off");
        NicInfo? dpdkPort = h.Nics.FirstOrDefault(n => n.LinkUp && n.DpdkBound);
        yield return dpdkPort is not null && s.HugepagesFreeMb > 0
            ? ("RM:e.cap.019", "Yes", $"/sys/bus/pci/drivers/{dpdkPort.Driver}/{dpdkPort.PciAddress}", $"port bound to {dpdkPort.Driver}; {s.HugepagesFreeMb} MiB huge pages free")
            : ("RM:e.cap.019", "No", "/sys/bus/pci/drivers/{vfio-pci,uio_pci_generic,igb_uio}", $"no port bound to a DPDK driver{(s.HugepagesFreeMb == 0 ? ", no free huge pages" : string.Empty)} (testpmd: {s.Dpdk.Testpmd ?? "absent"})");
        yield return ("RM:e.cap.020", h.Cpu.Architecture, "/proc/sys/kernel/arch", h.Cpu.Model);
        if (h.Software is { } sw)
        {
            yield return ("RM:e.cap.021", sw.OperatingSystem, "/etc/os-release", $"kernel {sw.KernelRelease}");
            yield return ("RM:infra.sw.001", sw.OperatingSystem, "/etc/os-release", $"kernel {sw.KernelRelease}");
            yield return ("RM:e.cap.022", sw.VirtualisationDescription, "/proc/sys/kernel/osrelease; qemu-system-x86_64 --version; docker version", s.Hypervisor is null ? "bare metal" : $"the host itself runs on {s.Hypervisor}");
            yield return ("RM:infra.sw.002", sw.VirtualisationDescription, "/proc/sys/kernel/osrelease; qemu-system-x86_64 --version; docker version", s.Hypervisor is null ? "bare metal" : $"the host itself runs on {s.Hypervisor}");
            bool rt = sw.PreemptRt && !string.IsNullOrEmpty(sw.CmdlineParameter("isolcpus")) && !string.IsNullOrEmpty(sw.CmdlineParameter("nohz_full"));
            yield return ("RM:e.cap.026", YesNo(rt), "/proc/sys/kernel/version; /proc/cmdline", rt ? "PREEMPT_RT with isolcpus and nohz_full" : $"kernel '{sw.KernelVersion}'{(sw.PreemptRt ? string.Empty : " is not PREEMPT_RT")}; isolcpus={sw.CmdlineParameter("isolcpus") ?? "unset"}, nohz_full={sw.CmdlineParameter("nohz_full") ?? "unset"}");
        }

        long hugeMb = s.HugepagesFreeMb;
        string hugeDetail = s.Hugepages.Count == 0 ? "no huge-page pools" : string.Join(", ", s.Hugepages.Select(p => $"NUMA {p.NumaNode} {p.SizeKb / 1024} MiB pages: {p.Free}/{p.Total} free"));
        yield return ("RM:e.cap.023", YesNo(hugeMb > 0), "/sys/devices/system/node/node*/hugepages", hugeDetail);
        yield return ("RM:i.cap.018", YesNo(hugeMb > 0), "/sys/devices/system/node/node*/hugepages", hugeDetail);
        yield return ("RM:e.cap.024", "1:1", "lab:placement", "dedicated cores are exclusive; shared vCPUs never exceed the shared pool's CPUs");
        yield return ("RM:i.cap.016", "1:1", "lab:placement", "no CPU over-subscription");
        NicInfo? xdpNic = h.Nics.FirstOrDefault(n => n.LinkUp && n.HasOffload("xdp"));
        yield return s.AfXdp is null
            ? ("RM:e.cap.025", "Yes", "socket(AF_XDP, SOCK_RAW, 0)", xdpNic is null ? "AF_XDP sockets open (copy mode on any netdev)" : $"AF_XDP sockets open; {xdpNic.Name} ({xdpNic.Driver}) has native XDP [{string.Join(" ", xdpNic.XdpFeatures)}]")
            : ("RM:e.cap.025", "No", "socket(AF_XDP, SOCK_RAW, 0)", s.AfXdp);
        NicInfo? tsn = h.Nics.FirstOrDefault(n => n.LinkUp && n.Timestamping is { PtpHardwareClock: true, SyncE: true });
        yield return tsn is not null
            ? ("RM:e.cap.027", "Yes", $"ethtool -T {tsn.Name}", $"PTP hardware clock ptp{tsn.Timestamping!.PtpClockIndex} and SyncE")
            : ("RM:e.cap.027", "No", "ethtool -T; netlink genl dpll", "no port with a PTP hardware clock, hardware time-stamping and SyncE: " + string.Join(", ", h.Nics.Select(n => $"{n.Name} ptp={n.Timestamping?.PtpClockIndex?.ToString(CultureInfo.InvariantCulture) ?? "none"}")));
        int onlineCount = Math.Max(1, s.OnlineCpus.Count);
        yield return ("RM:i.cap.014", (100 * ReservedCpus.Count / onlineCount).ToString(CultureInfo.InvariantCulture), "policy.reserved_cpus; /sys/devices/system/cpu/online", $"{ReservedCpus.Count} of {onlineCount} CPUs kept for the host ({CpuList.Format(ReservedCpus)})");
        long used = s.MemTotalMb == 0 ? 0 : 100 * (s.MemTotalMb - s.MemAvailableMb) / s.MemTotalMb;
        yield return ("RM:i.cap.015", used.ToString(CultureInfo.InvariantCulture), "/proc/meminfo", $"{s.MemTotalMb - s.MemAvailableMb} of {s.MemTotalMb} MiB in use");
        yield return ("RM:i.cap.017", "No", "lab:placement", "the linux target applies no per-connection-point QoS");
        yield return ("RM:i.cap.019", h.Cpu.ClockGhz.ToString("0.0##", CultureInfo.InvariantCulture), "/proc/cpuinfo cpu MHz", h.Cpu.Model);
    }

    private (string, string, string, string) Device(string uid, string kind)
    {
        AcceleratorInfo? a = Hardware.Accelerators.FirstOrDefault(x => x.Kind == kind);
        return a is null
            ? (uid, "No", "/sys/bus/pci/devices", $"no {kind} device")
            : (uid, "Yes", $"/sys/bus/pci/devices/{a.PciAddress}", $"{a.Name}{(a.Interface is null ? string.Empty : " via " + a.Interface)}");
    }

    private HashSet<string> Features()
    {
        NodeHardware n = Hardware;
        HashSet<string> f = new(StringComparer.Ordinal) { "kernel-virtio" };
        void AddIf(string name, bool condition)
        {
            if (condition)
            {
                f.Add(name);
            }
        }

        AddIf("cpu-pinning", n.Cpu.PinningSupported);
        AddIf("numa", n.Cpu.PinningSupported);
        AddIf("smt", n.Cpu.Smt);
        AddIf("hugepages", Scan.HugepagesFreeMb > 0);
        AddIf("hugepages-2Mi", n.Numa.Any(x => x.Hugepages2M > 0));
        AddIf("hugepages-1Gi", n.Numa.Any(x => x.Hugepages1G > 0));
        AddIf("ptp", n.Nics.Any(x => x.LinkUp && x.Timestamping is { PtpHardwareClock: true }));
        AddIf("synce", n.Nics.Any(x => x.LinkUp && x.Timestamping is { SyncE: true }));
        AddIf("sriov", Policy.Profile != Profiles.Basic && n.Nics.Any(x => x.SriovFreeVfs > 0));
        AddIf("dpdk", n.Nics.Any(x => x.LinkUp && x.DpdkBound));
        AddIf("dpdk-testpmd", Scan.Dpdk.Testpmd is not null);
        AddIf("smartnic", n.Nics.Any(x => x.LinkUp && x.SmartNic));
        AddIf("xdp", n.Nics.Any(x => x.LinkUp && x.HasOffload("xdp")));
        AddIf("af-xdp", Scan.AfXdp is null);
        AddIf("vxlan-offload", n.Nics.Any(x => x.LinkUp && x.HasOffload("vxlan")));
        foreach (AcceleratorInfo a in n.Accelerators)
        {
            f.Add(a.Kind);
        }

        foreach (CpuAcceleration a in Scan.Accelerations)
        {
            f.Add(a.Label);
        }

        return f;
    }
}
