// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Inventory;

namespace NfvConformance.Lab.Linux.Discovery;

/// <summary>One pool of huge pages of one size on one NUMA node (<c>/sys/devices/system/node/nodeN/hugepages/hugepages-SIZEkB</c>).</summary>
/// <param name="SizeKb">The page size in KiB (2048, 1048576).</param>
/// <param name="NumaNode">The NUMA node.</param>
/// <param name="Total">Pages configured (<c>nr_hugepages</c>).</param>
/// <param name="Free">Pages free (<c>free_hugepages</c>).</param>
internal sealed record HugepagePool(long SizeKb, int NumaNode, long Total, long Free)
{
    /// <summary>Gets the free memory of the pool in MiB.</summary>
    public long FreeMb => Free * SizeKb / 1024;
}

/// <summary>A CPU instruction-set acceleration found in <c>/proc/cpuinfo</c> flags (AES-NI, AVX-512...).</summary>
/// <param name="Name">The acceleration (<c>AES-NI</c>).</param>
/// <param name="Label">Its node feature label, as Kubernetes node-feature-discovery names it (<c>cpu-cpuid.AESNI</c>).</param>
/// <param name="Flags">The cpuinfo flags that back it.</param>
/// <param name="Use">What a VNF uses it for.</param>
internal sealed record CpuAcceleration(string Name, string Label, IReadOnlyList<string> Flags, string Use);

/// <summary>DPDK as installed on the host: testpmd and the poll-mode drivers present.</summary>
/// <param name="Testpmd">The path of <c>dpdk-testpmd</c>, or null.</param>
/// <param name="Version">The DPDK version (<c>pkg-config --modversion libdpdk</c>), or null.</param>
/// <param name="PmdDirectory">The folder the PMDs were found in, or null.</param>
/// <param name="Pmds">PMD names by class (<c>net</c>: af_packet, af_xdp, memif...; <c>crypto</c>; <c>compress</c>).</param>
/// <param name="BoundDevices">PCI devices bound to a DPDK-usable driver (vfio-pci, uio_pci_generic, igb_uio), with that driver.</param>
internal sealed record DpdkInstall(string? Testpmd, string? Version, string? PmdDirectory, IReadOnlyDictionary<string, IReadOnlyList<string>> Pmds, IReadOnlyList<(string Pci, string Driver)> BoundDevices)
{
    /// <summary>Tells whether a PMD of a class is installed.</summary>
    /// <param name="cls">The class (<c>net</c>).</param>
    /// <param name="name">The PMD (<c>vhost</c>).</param>
    /// <returns>True when present.</returns>
    public bool Has(string cls, string name) => Pmds.TryGetValue(cls, out IReadOnlyList<string>? list) && list.Contains(name, StringComparer.Ordinal);
}

/// <summary>Everything one discovery of the host found, with the typed inventory and the raw facts behind it.</summary>
/// <param name="Hardware">The node's inventory (its <see cref="NodeHardware.Facts"/> hold every value read, with provenance).</param>
/// <param name="OnlineCpus">The CPUs online.</param>
/// <param name="IsolatedCpus">The CPUs the kernel isolates (<c>/sys/devices/system/cpu/isolated</c>).</param>
/// <param name="NumaCpus">Each NUMA node's CPUs.</param>
/// <param name="Hugepages">Every huge-page pool.</param>
/// <param name="CpuFlags">The CPU flags (<c>/proc/cpuinfo</c>).</param>
/// <param name="Accelerations">The instruction-set accelerations found.</param>
/// <param name="Dpdk">DPDK as installed.</param>
/// <param name="MemTotalMb">Memory in MiB.</param>
/// <param name="MemAvailableMb">Memory available in MiB.</param>
/// <param name="DiskFreeGb">Free space of the root file system in GiB.</param>
/// <param name="Hypervisor">The hypervisor the host itself runs on (cpuid vendor, <c>KVM</c>), or null on bare metal.</param>
/// <param name="AfXdp">Why AF_XDP sockets can or cannot be opened (<c>null</c> reason when they can).</param>
/// <param name="CpusetController">The cpuset cgroup controller's mount (v1) or the unified hierarchy (v2), or null.</param>
internal sealed record HostScan(
    NodeHardware Hardware,
    IReadOnlyList<int> OnlineCpus,
    IReadOnlyList<int> IsolatedCpus,
    IReadOnlyDictionary<int, IReadOnlyList<int>> NumaCpus,
    IReadOnlyList<HugepagePool> Hugepages,
    IReadOnlySet<string> CpuFlags,
    IReadOnlyList<CpuAcceleration> Accelerations,
    DpdkInstall Dpdk,
    long MemTotalMb,
    long MemAvailableMb,
    long DiskFreeGb,
    string? Hypervisor,
    string? AfXdp,
    string? CpusetController)
{
    /// <summary>Gets the free huge-page memory in MiB, over every size and node.</summary>
    public long HugepagesFreeMb => Hugepages.Sum(p => p.FreeMb);

    /// <summary>Gets the NUMA node of a CPU (0 when the kernel reports no NUMA topology).</summary>
    /// <param name="cpu">The CPU.</param>
    /// <returns>The node.</returns>
    public int NumaOf(int cpu) => NumaCpus.FirstOrDefault(kv => kv.Value.Contains(cpu)).Key;
}
