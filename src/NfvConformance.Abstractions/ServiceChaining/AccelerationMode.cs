// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Abstractions.ServiceChaining;

/// <summary>How a service-function instance's ports are attached; each mode has its own cost model.</summary>
public enum AccelerationMode
{
    /// <summary>Kernel virtio-net through the host kernel (vhost-net, tap): the baseline.</summary>
    KernelVirtio = 0,

    /// <summary>DPDK vhost-user to a userspace virtual switch.</summary>
    DpdkVhostUser,

    /// <summary>An SR-IOV virtual function passed through to the instance.</summary>
    SriovVf,

    /// <summary>The hop's work is offloaded to a SmartNIC.</summary>
    SmartNicOffload,

    /// <summary>Shared-memory packet exchange between functions on one host (memif-like).</summary>
    SharedMemory,
}

/// <summary>The order in which acceleration modes are tried for a request, the same on every target.</summary>
public static class AccelerationLadder
{
    /// <summary>Gets the modes tried, in order, when a mode is requested; the first granted one wins.</summary>
    /// <param name="requested">The mode asked for.</param>
    /// <returns>The requested mode followed by its fallbacks, ending with <see cref="AccelerationMode.KernelVirtio"/>.</returns>
    public static IReadOnlyList<AccelerationMode> FallbackOrder(AccelerationMode requested) => requested switch
    {
        AccelerationMode.SmartNicOffload => [AccelerationMode.SmartNicOffload, AccelerationMode.SriovVf, AccelerationMode.DpdkVhostUser, AccelerationMode.KernelVirtio],
        AccelerationMode.SriovVf => [AccelerationMode.SriovVf, AccelerationMode.DpdkVhostUser, AccelerationMode.KernelVirtio],
        AccelerationMode.SharedMemory => [AccelerationMode.SharedMemory, AccelerationMode.DpdkVhostUser, AccelerationMode.KernelVirtio],
        AccelerationMode.DpdkVhostUser => [AccelerationMode.DpdkVhostUser, AccelerationMode.KernelVirtio],
        _ => [AccelerationMode.KernelVirtio],
    };
}

/// <summary>What one hop costs in a given acceleration mode.</summary>
/// <param name="Mode">The mode.</param>
/// <param name="CyclesPerPacket">Host CPU cycles spent per packet on I/O in this mode (added to the function's own work).</param>
/// <param name="LatencyPerHop">Fixed latency the mode adds to each hop.</param>
/// <param name="CapacityPps">The most packets per second one instance attached this way can move, whatever its CPU.</param>
/// <param name="Source">Where the default figures come from.</param>
public sealed record AccelerationCost(AccelerationMode Mode, double CyclesPerPacket, TimeSpan LatencyPerHop, double CapacityPps, string Source);
