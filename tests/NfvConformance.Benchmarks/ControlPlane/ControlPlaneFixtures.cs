// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Text;
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.Negotiation;
using NfvConformance.Abstractions.Placement;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Core.Requirements;
using NfvConformance.Emulator.Capabilities;

namespace NfvConformance.Benchmarks.ControlPlane;

/// <summary>Inputs shared by the control-plane benchmarks: the real catalogue, a generated 40-node inventory, requests.</summary>
internal static class ControlPlaneFixtures
{
    public const int Nodes = 40;

    private static readonly Lazy<IReadOnlyList<CapabilityDefinition>> s_catalogue = new(() => RequirementCatalog.LoadDefault().Capabilities);

    public static IReadOnlyList<CapabilityDefinition> Catalogue => s_catalogue.Value;

    /// <summary>40 high-performance nodes over 4 sites, each 2 x 24 cores, 64 GiB of 1 GiB pages per NUMA node, a 32-VF NIC and a 32-VF SmartNIC.</summary>
    public static HardwareInventory LargeInventory()
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        StringBuilder y = new();
        y.AppendLine("sites:");
        for (int s = 0; s < 4; s++)
        {
            y.AppendLine(string.Create(c, $"  - {{name: site-{s}, kind: {(s == 0 ? "core" : "edge")}}}"));
        }

        y.AppendLine("links:");
        for (int s = 1; s < 4; s++)
        {
            y.AppendLine(string.Create(c, $"  - {{from: site-0, to: site-{s}, latency_ms: {s * 3}, bandwidth_gbps: 40}}"));
        }

        y.AppendLine("nodes:");
        for (int n = 0; n < Nodes; n++)
        {
            y.AppendLine(string.Create(c, $"  - id: node-{n:D2}"));
            y.AppendLine(string.Create(c, $"    site: site-{n % 4}"));
            y.AppendLine("    profile: high-performance");
            y.AppendLine("    extensions: [high-speed-network, network-smartnic]");
            y.AppendLine("    cpu: {sockets: 2, cores_per_socket: 24, smt: true, clock_ghz: 2.2, pinning: true, reserved_cores_per_numa: 2}");
            y.AppendLine("    numa: [{id: 0, cores: 24, memory_mb: 262144, hugepages_1g: 64}, {id: 1, cores: 24, memory_mb: 262144, hugepages_1g: 64}]");
            y.AppendLine("    nics:");
            y.AppendLine("      - {name: p0, pci: \"0000:3b:00.0\", speed_gbps: 25, driver: ice, numa: 0, offloads: [checksum, rss], sriov: {total_vfs: 32}}");
            y.AppendLine("      - {name: p1, pci: \"0000:3b:00.1\", speed_gbps: 25, driver: vfio-pci, numa: 0, dpdk_bound: true}");
            y.AppendLine("      - {name: dpu0, pci: \"0000:af:00.0\", speed_gbps: 100, driver: mlx5_core, numa: 1, sriov: {total_vfs: 32}, smartnic: true}");
            y.AppendLine("    accelerators: [{name: qat0, kind: crypto, pci: \"0000:3d:00.0\", numa: 0}]");
        }

        return HardwareInventories.Parse(y.ToString(), "generated:40-nodes.yaml");
    }

    public static Emulator.Capabilities.ControlPlane LargeControlPlane() =>
        Emulator.Capabilities.ControlPlane.Create(new ControlPlaneOptions { Profile = Profiles.HighPerformance, Catalogue = Catalogue, Inventory = LargeInventory() });

    /// <summary>One pinned, NUMA-aligned container with a full network ladder and a crypto ladder.</summary>
    public static PlacementRequest Vnf(int i) => new(
        new NegotiationRequest(
            string.Create(CultureInfo.InvariantCulture, $"vnf{i % 50}"),
            new ResourceRequest(Cores: 1, MemoryMb: 1024, HugepagesMb: 1024, DedicatedCores: true, NumaAligned: true),
            [new PreferenceLadder("data0", Rungs.NetworkLadder), new PreferenceLadder("crypto", [Rungs.CryptoAccelerator, Rungs.Software])],
            RequiredCapabilities: ["RM:e.cap.006"]),
        WorkloadKind.Container);
}
