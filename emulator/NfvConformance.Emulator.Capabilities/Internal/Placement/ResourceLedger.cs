// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Inventory;

namespace NfvConformance.Emulator.Capabilities.Internal.Placement;

/// <summary>What is held on one node: pinned cores, shared vCPUs, memory and huge pages per NUMA node, VFs per NIC.</summary>
internal sealed class NodeLedger
{
    public NodeLedger(NodeHardware node)
    {
        int cores = node.TotalCores;
        Pinned = new bool[cores];
        int numa = node.Numa.Count;
        MemoryUsed = new long[numa];
        HugepagesUsed = new long[numa];
        Vfs = new Dictionary<string, bool[]>(StringComparer.OrdinalIgnoreCase);
        foreach (NicInfo nic in node.Nics)
        {
            bool[] vfs = new bool[nic.SriovTotalVfs];
            // VFs the inventory already lists as used belong to workloads outside the emulator's control.
            for (int i = 0; i < Math.Min(nic.SriovUsedVfs, vfs.Length); i++)
            {
                vfs[i] = true;
            }

            Vfs[nic.PciAddress] = vfs;
        }
    }

    private NodeLedger(NodeLedger other)
    {
        Pinned = (bool[])other.Pinned.Clone();
        PinnedCount = other.PinnedCount;
        SharedVcpus = other.SharedVcpus;
        MemoryUsed = (long[])other.MemoryUsed.Clone();
        HugepagesUsed = (long[])other.HugepagesUsed.Clone();
        Vfs = other.Vfs.ToDictionary(kv => kv.Key, kv => (bool[])kv.Value.Clone(), StringComparer.OrdinalIgnoreCase);
    }

    public bool[] Pinned { get; }

    public int PinnedCount { get; private set; }

    public void Pin(int core, bool pinned)
    {
        if (Pinned[core] != pinned)
        {
            Pinned[core] = pinned;
            PinnedCount += pinned ? 1 : -1;
        }
    }

    public int SharedVcpus { get; set; }

    public long[] MemoryUsed { get; }

    public long[] HugepagesUsed { get; }

    public Dictionary<string, bool[]> Vfs { get; }

    public NodeLedger Clone() => new(this);

    public int FreeVfs(NicInfo nic) =>
        nic.LinkUp && Vfs.TryGetValue(nic.PciAddress, out bool[]? vfs) ? vfs.Length - CountUsed(vfs) : 0;

    public int UsedVfs(NicInfo nic) => Vfs.TryGetValue(nic.PciAddress, out bool[]? vfs) ? CountUsed(vfs) : 0;

    private static int CountUsed(bool[] vfs)
    {
        int used = 0;
        foreach (bool v in vfs)
        {
            used += v ? 1 : 0;
        }

        return used;
    }
}

/// <summary>Core-id layout and capacity arithmetic of one node.</summary>
internal static class NodeLayout
{
    /// <summary>vCPUs per core for shared (unpinned) workloads: basic nodes overcommit 4:1 (RA1 cpu_allocation_ratio 4.0), pinning nodes 1:1.</summary>
    public static int ShareRatio(NodeHardware node) => node.Cpu.PinningSupported ? 1 : 4;

    public static int FirstCore(NodeHardware node, int numaIndex)
    {
        int first = 0;
        for (int i = 0; i < numaIndex; i++)
        {
            first += node.Numa[i].Cores;
        }

        return first;
    }

    public static int UsableCores(NodeHardware node)
    {
        int usable = 0;
        foreach (NumaNodeInfo n in node.Numa)
        {
            usable += n.Cores - node.Cpu.ReservedCoresPerNuma;
        }

        return usable;
    }

    /// <summary>The count <see cref="FreeCores"/> would return, without building the list.</summary>
    public static int FreeCoreCount(NodeHardware node, NodeLedger ledger, int? numaIndex)
    {
        int free = 0;
        for (int n = 0; n < node.Numa.Count; n++)
        {
            if (numaIndex is not null && numaIndex != n)
            {
                continue;
            }

            int first = FirstCore(node, n);
            for (int c = first + node.Cpu.ReservedCoresPerNuma; c < first + node.Numa[n].Cores; c++)
            {
                free += ledger.Pinned[c] ? 0 : 1;
            }
        }

        int sharedCores = (ledger.SharedVcpus + ShareRatio(node) - 1) / ShareRatio(node);
        int spare = UsableCores(node) - ledger.PinnedCount - sharedCores;
        return Math.Max(0, Math.Min(free, spare));
    }

    /// <summary>Free cores for pinning on one NUMA node (or all when <paramref name="numaIndex"/> is null), after shared vCPUs take their share.</summary>
    public static List<int> FreeCores(NodeHardware node, NodeLedger ledger, int? numaIndex)
    {
        List<int> free = [];
        for (int n = 0; n < node.Numa.Count; n++)
        {
            if (numaIndex is not null && numaIndex != n)
            {
                continue;
            }

            int first = FirstCore(node, n);
            for (int c = first + node.Cpu.ReservedCoresPerNuma; c < first + node.Numa[n].Cores; c++)
            {
                if (!ledger.Pinned[c])
                {
                    free.Add(c);
                }
            }
        }

        // Shared vCPUs float over the unpinned cores; keep enough of them back.
        int sharedCores = (ledger.SharedVcpus + ShareRatio(node) - 1) / ShareRatio(node);
        int unpinnedNodeWide = UsableCores(node) - ledger.PinnedCount;
        int spare = unpinnedNodeWide - sharedCores;
        return free.Count > spare ? free.GetRange(0, Math.Max(0, spare)) : free;
    }

    public static int FreeSharedVcpus(NodeHardware node, NodeLedger ledger) =>
        ((UsableCores(node) - ledger.PinnedCount) * ShareRatio(node)) - ledger.SharedVcpus;

    public static long FreeMemory(NodeHardware node, NodeLedger ledger, int numaIndex) =>
        node.Numa[numaIndex].MemoryMb - node.Numa[numaIndex].HugepageMemoryMb - ledger.MemoryUsed[numaIndex];

    public static long FreeHugepages(NodeHardware node, NodeLedger ledger, int numaIndex) =>
        node.Numa[numaIndex].HugepageMemoryMb - ledger.HugepagesUsed[numaIndex];
}
