// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;

namespace NfvConformance.Emulator.ServiceChaining.Acceleration;

/// <summary>
/// Cost per acceleration mode and the fallback order used when a requested mode is not granted. Defaults and
/// their provenance are listed in docs/service-chaining.md; override them through <see cref="ChainModelOptions"/>.
/// </summary>
public static class AccelerationCostModel
{
    /// <summary>Gets the default cost of each mode, modeled at <see cref="ChainModelOptions.CpuHz"/> = 2.5 GHz.</summary>
    public static IReadOnlyDictionary<AccelerationMode, AccelerationCost> Defaults { get; } = new Dictionary<AccelerationMode, AccelerationCost>
    {
        [AccelerationMode.KernelVirtio] = new(AccelerationMode.KernelVirtio, 5000, TimeSpan.FromMicroseconds(30), 500_000,
            "kernel vhost-net/virtio path about 0.5 Mpps per queue (LPC 2014 'Virtualized high performance (DPDK) packet processing'); same order as AF_PACKET on a veth here, 126-366 kpps (ENVIRONMENT.md)"),
        [AccelerationMode.DpdkVhostUser] = new(AccelerationMode.DpdkVhostUser, 400, TimeSpan.FromMicroseconds(10), 6_000_000,
            "vhost-user copies through guest virtio rings: about 1.7x the cycles of a memif pair (236 cycles, ENVIRONMENT.md); 2 Mpps+ per vNIC class (LPC 2014)"),
        [AccelerationMode.SriovVf] = new(AccelerationMode.SriovVf, 117, TimeSpan.FromMicroseconds(5), 14_880_000,
            "guest PMD on a VF: testpmd io forwarding 21.4 Mpps per core = 117 cycles at 2.5 GHz (ENVIRONMENT.md); capped at 10GbE line rate for 64 B, 14.88 Mpps"),
        [AccelerationMode.SmartNicOffload] = new(AccelerationMode.SmartNicOffload, 0, TimeSpan.FromMicroseconds(2), 37_200_000,
            "function runs on the NIC, no host cycles; capped at 25GbE line rate for 64 B, 37.2 Mpps"),
        [AccelerationMode.SharedMemory] = new(AccelerationMode.SharedMemory, 236, TimeSpan.FromMicroseconds(1), 10_600_000,
            "memif pair measured with DPDK 22.11 on this machine: 10.6 Mpps on one core = 94 ns = 236 cycles at 2.5 GHz (ENVIRONMENT.md)"),
    };

    /// <summary>Gets the modes tried, in order, when a mode is requested; the first granted one wins.</summary>
    /// <param name="requested">The mode asked for.</param>
    /// <returns>The requested mode followed by its fallbacks, ending with <see cref="AccelerationMode.KernelVirtio"/>.</returns>
    public static IReadOnlyList<AccelerationMode> FallbackOrder(AccelerationMode requested) => AccelerationLadder.FallbackOrder(requested);

    /// <summary>Negotiates a mode: the requested one if granted, else the first granted fallback.</summary>
    /// <param name="requested">The mode asked for.</param>
    /// <param name="granted">The modes the infrastructure grants; kernel virtio is always available.</param>
    /// <returns>The mode used.</returns>
    public static AccelerationMode Negotiate(AccelerationMode requested, IReadOnlySet<AccelerationMode> granted)
    {
        ArgumentNullException.ThrowIfNull(granted);
        foreach (AccelerationMode mode in FallbackOrder(requested))
        {
            if (granted.Contains(mode))
            {
                return mode;
            }
        }

        return AccelerationMode.KernelVirtio;
    }
}
