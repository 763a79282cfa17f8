// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.Inventory;

namespace NfvConformance.Emulator.Capabilities.Internal.Publishing;

/// <summary>What the hardware inventory says about one capability of one node.</summary>
internal readonly record struct HardwareClaim(string Raw, string Source, string Detail);

/// <summary>
/// Maps hardware facts to catalogue capability uids. Hardware is observed, the catalogue is claimed: where a rule
/// exists, the observed value is published and the catalogue's claim is kept as evidence (NOTES §6 rule 4).
/// </summary>
internal static class HardwareEvidence
{
    private sealed record Rule(string Uid, string? Unit, string[] Topics, Func<NodeHardware, HardwareClaim?> Read);

    private static readonly Rule[] s_rules =
    [
        new("RM:e.cap.006", "Yes/No", ["compute"], n => new(YesNo(n.Cpu.PinningSupported), "cpu", n.Cpu.PinningSupported ? "dedicated cores can be pinned" : "shared cores only")),
        new("RM:e.cap.007", "Yes/No", ["compute"], n => new(YesNo(n.Cpu.PinningSupported), "numa", $"{n.Numa.Count} NUMA node(s){(n.Cpu.PinningSupported ? ", topology-aware placement" : ", no topology-aware placement")}")),
        new("RM:e.cap.008", "Yes/No", ["acceleration", "crypto"], n => Accelerator(n, "crypto")),
        new("RM:e.cap.009", "Yes/No", ["acceleration", "crypto"], n => Accelerator(n, "crypto")),
        new("RM:e.cap.010", "Yes/No", ["acceleration"], n => Accelerator(n, "transcoding")),
        new("RM:e.cap.011", "Yes/No", ["acceleration"], n => Accelerator(n, "fpga")),
        new("RM:e.cap.013", "Yes/No", ["networking", "sriov"], n => Sriov(n)),
        new("RM:e.cap.014", "Yes/No", ["acceleration"], n => Accelerator(n, "gpu")),
        new("RM:e.cap.015", "Yes/No", ["networking", "smartnic"], n => Nic(n, nic => nic.SmartNic, "SmartNIC")),
        new("RM:e.cap.016", "Yes/No", ["acceleration"], n => Accelerator(n, "fpga")),
        new("RM:e.cap.018", "Yes/No/Optional", ["compute"], n => new(YesNo(n.Cpu.Smt), "cpu", n.Cpu.Smt ? "SMT on" : "SMT off")),
        new("RM:e.cap.019", "Yes/No", ["networking", "dpdk"], n => Nic(n, nic => nic.DpdkBound, "DPDK-bound port")),
        new("RM:e.cap.020", "<value>", ["compute"], n => new(n.Cpu.Architecture, "cpu", n.Cpu.Model)),
        new("RM:e.cap.021", "<value>", ["compute", "capability-exposure"], HostOs),
        new("RM:e.cap.022", "<value>", ["compute", "capability-exposure"], VirtualisationLayers),
        new("RM:e.cap.023", "Yes/No", ["compute", "dpdk"], n => Hugepages(n)),
        new("RM:e.cap.026", "Yes/No", ["compute", "timing", "edge"], RealTime),
        new("RM:e.cap.027", "Yes/No", ["networking", "timing", "edge"], n => TimeSensitiveNetworking(n)),
        new("RM:infra.sw.001", "<value>", ["compute", "capability-exposure"], HostOs),
        new("RM:infra.sw.002", "<value>", ["compute", "capability-exposure"], VirtualisationLayers),
        new("RM:e.cap.025", "Yes/No", ["networking", "acceleration"], n => Nic(n, nic => nic.HasOffload("xdp"), "AF_XDP-capable port")),
        new("RM:i.cap.018", "Yes/No", ["compute"], n => Hugepages(n)),
        new("RM:i.cap.019", "GHz", ["compute"], n => new(n.Cpu.ClockGhz.ToString("0.0##", CultureInfo.InvariantCulture), "cpu", n.Cpu.Model)),
    ];

    private static readonly Dictionary<string, Rule> s_byUid = s_rules.ToDictionary(r => r.Uid, StringComparer.Ordinal);

    public static IEnumerable<string> Uids => s_byUid.Keys;

    public static bool TryRead(string uid, NodeHardware node, out HardwareClaim claim)
    {
        if (s_byUid.TryGetValue(uid, out Rule? rule) && rule.Read(node) is { } read)
        {
            claim = read;
            return true;
        }

        claim = default;
        return false;
    }

    public static string? DefaultUnit(string uid) => s_byUid.TryGetValue(uid, out Rule? r) ? r.Unit : null;

    public static IReadOnlyList<string> DefaultTopics(string uid) => s_byUid.TryGetValue(uid, out Rule? r) ? r.Topics : [];

    /// <summary>Short feature names (what <c>@requires:</c> tags use) the hardware offers now.</summary>
    public static HashSet<string> Features(NodeHardware n)
    {
        // The emulator models its dataplane, so every node offers seeded virtual-time chain trials (IChainTrialSimulation.Capability).
        HashSet<string> f = new(StringComparer.Ordinal) { "kernel-virtio", "virtual-time-trials" };
        AddIf(f, "cpu-pinning", n.Cpu.PinningSupported);
        AddIf(f, "numa", n.Cpu.PinningSupported);
        AddIf(f, "smt", n.Cpu.Smt);
        AddIf(f, "hugepages", n.Numa.Any(x => x.HugepageMemoryMb > 0));
        AddIf(f, "hugepages-2Mi", n.Numa.Any(x => x.Hugepages2M > 0));
        AddIf(f, "hugepages-1Gi", n.Numa.Any(x => x.Hugepages1G > 0));
        AddIf(f, "ptp", n.Nics.Any(x => x.LinkUp && x.Timestamping is { PtpHardwareClock: true }));
        AddIf(f, "synce", n.Nics.Any(x => x.LinkUp && x.Timestamping is { SyncE: true }));
        AddIf(f, "sriov", n.Nics.Any(x => x.SriovFreeVfs > 0));
        AddIf(f, "dpdk", n.Nics.Any(x => x.LinkUp && x.DpdkBound));
        AddIf(f, "smartnic", n.Nics.Any(x => x.LinkUp && x.SmartNic));
        AddIf(f, "xdp", n.Nics.Any(x => x.LinkUp && x.HasOffload("xdp")));
        AddIf(f, "vxlan-offload", n.Nics.Any(x => x.LinkUp && x.HasOffload("vxlan")));
        foreach (AcceleratorInfo a in n.Accelerators)
        {
            f.Add(a.Kind);
        }

        return f;
    }

    private static void AddIf(HashSet<string> set, string name, bool condition)
    {
        if (condition)
        {
            set.Add(name);
        }
    }

    private static string YesNo(bool value) => value ? "Yes" : "No";

    private static HardwareClaim Accelerator(NodeHardware n, string kind)
    {
        foreach (AcceleratorInfo a in n.Accelerators)
        {
            if (string.Equals(a.Kind, kind, StringComparison.Ordinal))
            {
                return new("Yes", $"accelerator:{a.PciAddress}", $"{a.Name} ({a.Kind}{(a.Interface is null ? string.Empty : ", " + a.Interface)})");
            }
        }

        return new("No", "inventory", $"no {kind} accelerator");
    }

    private static HardwareClaim Nic(NodeHardware n, Func<NicInfo, bool> has, string what)
    {
        string? down = null;
        foreach (NicInfo nic in n.Nics)
        {
            if (has(nic))
            {
                if (nic.LinkUp)
                {
                    return new("Yes", $"nic:{nic.PciAddress}", $"{nic.Name}: {what}, {nic.SpeedGbps} Gbps, {nic.Driver}");
                }

                down ??= $"nic:{nic.PciAddress}";
            }
        }

        return down is null ? new("No", "inventory", $"no {what}") : new("No", down, $"{what} link down");
    }

    private static HardwareClaim Sriov(NodeHardware n)
    {
        NicInfo? exhausted = null;
        foreach (NicInfo nic in n.Nics)
        {
            if (nic.SriovFreeVfs > 0)
            {
                return new("Yes", $"nic:{nic.PciAddress}", $"{nic.Name}: {nic.SriovTotalVfs} VFs, {nic.SriovUsedVfs} used");
            }

            if (nic.SriovTotalVfs > 0)
            {
                exhausted ??= nic;
            }
        }

        return exhausted is null
            ? new("No", "inventory", "no SR-IOV capable port")
            : new("No", $"nic:{exhausted.PciAddress}", exhausted.LinkUp
                ? $"{exhausted.Name}: VF pool exhausted ({exhausted.SriovUsedVfs}/{exhausted.SriovTotalVfs} used)"
                : $"{exhausted.Name}: link down");
    }

    private static HardwareClaim? HostOs(NodeHardware n) =>
        n.Software is { } sw ? new(sw.OperatingSystem, "os-release", $"kernel {sw.KernelRelease}") : null;

    private static HardwareClaim? VirtualisationLayers(NodeHardware n) =>
        n.Software is { Virtualisation.Count: > 0 } sw ? new(sw.VirtualisationDescription, "host", $"{sw.Virtualisation.Count} layer(s) on {sw.OperatingSystem}") : null;

    /// <summary>
    /// Real time (RA2 ra2.ch.020): a PREEMPT_RT kernel, isolated and tickless workload cores, and a BIOS that keeps
    /// the cores out of deep C-states and frequency scaling. Every missing piece is named.
    /// </summary>
    private static HardwareClaim? RealTime(NodeHardware n)
    {
        if (n.Software is not { } sw)
        {
            return null;
        }

        List<string> missing = [];
        if (!sw.PreemptRt)
        {
            missing.Add($"kernel is not PREEMPT_RT ({sw.KernelVersion})");
        }

        if (string.IsNullOrEmpty(sw.CmdlineParameter("isolcpus")) || string.IsNullOrEmpty(sw.CmdlineParameter("nohz_full")))
        {
            missing.Add("no isolcpus/nohz_full on the kernel command line");
        }

        if (!n.Bios.TryGetValue("c_states", out string? cstates) || cstates is not ("C0" or "C1"))
        {
            missing.Add($"BIOS C-states {(cstates ?? "not reported")}, C1 at most needed");
        }

        return missing.Count == 0
            ? new("Yes", "host", $"{sw.KernelRelease} PREEMPT_RT, isolcpus={sw.CmdlineParameter("isolcpus")}, C-states {cstates}")
            : new("No", "host", string.Join("; ", missing));
    }

    private static HardwareClaim TimeSensitiveNetworking(NodeHardware n)
    {
        foreach (NicInfo nic in n.Nics)
        {
            if (nic.LinkUp && nic.Timestamping is { PtpHardwareClock: true, SyncE: true } ts)
            {
                return new("Yes", $"nic:{nic.PciAddress}", $"{nic.Name}: PTP hardware clock ptp{ts.PtpClockIndex}, SyncE");
            }
        }

        return new("No", "inventory", "no port with a PTP hardware clock, hardware time-stamping and SyncE");
    }

    private static HardwareClaim Hugepages(NodeHardware n)
    {
        long mb = n.Numa.Sum(x => x.HugepageMemoryMb);
        return new(YesNo(mb > 0), "numa", mb > 0 ? $"{mb} MiB of huge pages over {n.Numa.Count} NUMA node(s)" : "no huge pages configured");
    }
}
