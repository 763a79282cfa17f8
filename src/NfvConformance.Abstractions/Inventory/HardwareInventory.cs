// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Abstractions.Inventory;

/// <summary>A network interface as hardware discovery reports it.</summary>
/// <param name="Name">The interface name (for example <c>ens1f0</c>).</param>
/// <param name="PciAddress">The PCI address (for example <c>0000:3b:00.0</c>).</param>
/// <param name="SpeedGbps">The link speed in Gbit/s.</param>
/// <param name="Driver">The bound driver (<c>ice</c>, <c>mlx5_core</c>, <c>virtio-pci</c>, <c>vfio-pci</c>).</param>
/// <param name="NumaNode">The NUMA node the device is attached to.</param>
/// <param name="Offloads">Offloads the device performs (<c>checksum</c>, <c>tso</c>, <c>lro</c>, <c>vxlan</c>, <c>rss</c>, <c>xdp</c>).</param>
/// <param name="RssQueues">The number of receive-side-scaling queues.</param>
/// <param name="SriovTotalVfs">SR-IOV virtual functions the device can expose (0 when SR-IOV is not enabled).</param>
/// <param name="SriovUsedVfs">SR-IOV virtual functions already handed to workloads.</param>
/// <param name="DpdkBound">True when the port is bound to a DPDK poll-mode driver (a DPDK vSwitch uses it).</param>
/// <param name="SmartNic">True when the device is a SmartNIC/DPU able to take over the virtual switch.</param>
/// <param name="LinkUp">False when the link is down or the device has failed.</param>
public sealed record NicInfo(
    string Name,
    string PciAddress,
    int SpeedGbps,
    string Driver,
    int NumaNode,
    IReadOnlyList<string> Offloads,
    int RssQueues,
    int SriovTotalVfs,
    int SriovUsedVfs,
    bool DpdkBound,
    bool SmartNic,
    bool LinkUp = true)
{
    /// <summary>Gets the virtual functions still free to hand out (0 when the link is down).</summary>
    public int SriovFreeVfs => LinkUp ? Math.Max(0, SriovTotalVfs - SriovUsedVfs) : 0;

    /// <summary>Tells whether the device performs an offload.</summary>
    /// <param name="offload">The offload name, compared without case.</param>
    /// <returns>True when listed.</returns>
    public bool HasOffload(string offload) => Offloads.Contains(offload, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets the XDP features the driver advertises through the kernel's netdev netlink family (<c>basic</c>,
    /// <c>redirect</c>, <c>ndo-xmit</c>, <c>xsk-zerocopy</c>); empty when the driver has no XDP support.
    /// </summary>
    public IReadOnlyList<string> XdpFeatures { get; init; } = [];

    /// <summary>Gets the hardware time-stamping and SyncE support (<c>ethtool -T</c>), or null when not reported.</summary>
    public NicTimestamping? Timestamping { get; init; }

    /// <summary>Gets a value telling whether the driver advertises AF_XDP zero-copy (<c>xsk-zerocopy</c>).</summary>
    public bool XskZeroCopy => XdpFeatures.Contains("xsk-zerocopy", StringComparer.Ordinal);
}

/// <summary>A hardware accelerator as hardware discovery reports it.</summary>
/// <param name="Name">The device name (for example <c>qat0</c>).</param>
/// <param name="Kind">What it accelerates: <c>crypto</c>, <c>compression</c>, <c>fpga</c>, <c>gpu</c>, <c>transcoding</c>.</param>
/// <param name="PciAddress">The PCI address.</param>
/// <param name="NumaNode">The NUMA node the device is attached to.</param>
/// <param name="Interface">How workloads consume it (<c>dpdk-cryptodev</c>, <c>virtio-crypto</c>, <c>cuda</c>), if stated.</param>
public sealed record AcceleratorInfo(string Name, string Kind, string PciAddress, int NumaNode, string? Interface = null)
{
    /// <summary>Gets the device's vendor (<c>Intel</c>, <c>Marvell</c>), or null when not reported.</summary>
    public string? Vendor { get; init; }

    /// <summary>Gets how many instances (virtual functions) the device hands out; 1 when it is not partitioned.</summary>
    public int Instances { get; init; } = 1;

    /// <summary>
    /// Gets how a workload reaches an instance: <c>vfio</c> (a VF bound to vfio-pci, passed as its own IOMMU group, no
    /// privilege needed) or <c>privileged</c> (the host driver's control device, which needs a privileged workload).
    /// </summary>
    public string Access { get; init; } = "vfio";
}

/// <summary>CPU facts of one node.</summary>
/// <param name="Model">The CPU model name.</param>
/// <param name="Architecture">The instruction-set architecture (<c>x86_64</c>, <c>aarch64</c>).</param>
/// <param name="Sockets">Populated sockets.</param>
/// <param name="CoresPerSocket">Physical cores per socket.</param>
/// <param name="Smt">True when simultaneous multithreading is on.</param>
/// <param name="ClockGhz">The base clock in GHz.</param>
/// <param name="PinningSupported">True when workloads may get dedicated, pinned cores.</param>
/// <param name="ReservedCoresPerNuma">Cores per NUMA node kept for the infrastructure (vSwitch, host OS).</param>
public sealed record CpuInfo(
    string Model,
    string Architecture,
    int Sockets,
    int CoresPerSocket,
    bool Smt,
    double ClockGhz,
    bool PinningSupported,
    int ReservedCoresPerNuma);

/// <summary>One NUMA node: its cores, memory and huge pages.</summary>
/// <param name="Id">The NUMA node id.</param>
/// <param name="Cores">Physical cores in the node.</param>
/// <param name="MemoryMb">Memory in MiB (huge pages included).</param>
/// <param name="Hugepages1G">1 GiB huge pages configured on the node.</param>
/// <param name="Hugepages2M">2 MiB huge pages configured on the node.</param>
public sealed record NumaNodeInfo(int Id, int Cores, long MemoryMb, int Hugepages1G, int Hugepages2M)
{
    /// <summary>Gets the memory backed by huge pages, in MiB.</summary>
    public long HugepageMemoryMb => (Hugepages1G * 1024L) + (Hugepages2M * 2L);
}

/// <summary>Everything hardware discovery knows about one node.</summary>
/// <param name="Id">The node id, unique within the inventory.</param>
/// <param name="Site">The site the node stands in.</param>
/// <param name="Profile">The node's profile (<c>basic</c>, <c>high-performance</c> or <c>network-intensive</c>).</param>
/// <param name="Extensions">Profile-extension labels (for example <c>network-smartnic</c>, <c>low-latency-edge</c>).</param>
/// <param name="Cpu">CPU facts.</param>
/// <param name="Numa">NUMA nodes.</param>
/// <param name="Nics">Network interfaces.</param>
/// <param name="Accelerators">Accelerators.</param>
/// <param name="Source">Where the facts came from, as <c>file:line</c>.</param>
public sealed record NodeHardware(
    string Id,
    string Site,
    string Profile,
    IReadOnlyList<string> Extensions,
    CpuInfo Cpu,
    IReadOnlyList<NumaNodeInfo> Numa,
    IReadOnlyList<NicInfo> Nics,
    IReadOnlyList<AcceleratorInfo> Accelerators,
    string Source)
{
    /// <summary>Gets the total physical cores of the node.</summary>
    public int TotalCores => Numa.Sum(n => n.Cores);

    /// <summary>Gets the total memory of the node in MiB.</summary>
    public long TotalMemoryMb => Numa.Sum(n => n.MemoryMb);

    /// <summary>Gets the PCI Express slots of the host (empty when the inventory does not report the PCI topology).</summary>
    public IReadOnlyList<PciSlotInfo> PciSlots { get; init; } = [];

    /// <summary>Gets the software the host reports (OS, kernel, virtualisation layers), or null when not reported.</summary>
    public HostSoftware? Software { get; init; }

    /// <summary>Gets the BIOS settings the host's management controller reports (for example <c>c_states</c> = <c>C1</c>); empty when not reported.</summary>
    public IReadOnlyDictionary<string, string> Bios { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets every raw fact a real discovery read, each with the file or command it came from (<c>cpu.online</c> =
    /// <c>0-1</c> from <c>/sys/devices/system/cpu/online</c>); empty for an inventory read from a file.
    /// </summary>
    public IReadOnlyList<HostFact> Facts { get; init; } = [];
}

/// <summary>One fact a real discovery read from the host, with its provenance.</summary>
/// <param name="Key">What it is, dotted (<c>numa.0.cpus</c>, <c>nic.eth0.driver</c>, <c>hugepages.2048kB.total</c>).</param>
/// <param name="Value">The value as read.</param>
/// <param name="Source">The file or command it came from (<c>/sys/class/net/eth0/mtu</c>, <c>ethtool -i eth0</c>).</param>
public sealed record HostFact(string Key, string Value, string Source);

/// <summary>A hardware inventory: sites, the WAN links between them and every node.</summary>
/// <param name="Sites">The sites.</param>
/// <param name="Links">WAN links between sites.</param>
/// <param name="Nodes">The nodes.</param>
/// <param name="Source">The file (or embedded resource) the inventory was read from.</param>
public sealed record HardwareInventory(
    IReadOnlyList<Sites.SiteInfo> Sites,
    IReadOnlyList<Sites.WanLink> Links,
    IReadOnlyList<NodeHardware> Nodes,
    string Source);
