// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Negotiation;
using NfvConformance.Abstractions.Placement;

namespace NfvConformance.Emulator.Capabilities.Internal.Lifecycle;

/// <summary>
/// The virtual-time cost model of lifecycle operations. Modelled, not measured: orders of magnitude typical of an
/// OpenStack/Kubernetes NFVI (a VM boots in tens of seconds, a cached container starts in about a second).
/// docs/control-plane.md lists them; scenarios compare them, they never sleep.
/// </summary>
internal static class OperationCosts
{
    public static readonly TimeSpan VmBoot = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan ContainerStart = TimeSpan.FromSeconds(1.5);
    public static readonly TimeSpan VmStop = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan ContainerStop = TimeSpan.FromSeconds(0.3);
    public static readonly TimeSpan VfAttach = TimeSpan.FromSeconds(0.5);
    public static readonly TimeSpan VhostUserPort = TimeSpan.FromSeconds(0.2);
    public static readonly TimeSpan KernelPort = TimeSpan.FromSeconds(0.05);
    public static readonly TimeSpan ConfigKey = TimeSpan.FromSeconds(0.1);

    public static TimeSpan Start(PlacedInstance instance)
    {
        TimeSpan cost = instance.Kind == WorkloadKind.VirtualMachine ? VmBoot : ContainerStart;
        foreach (AttachedInterface i in instance.Interfaces)
        {
            cost += i.Rung switch
            {
                Rungs.SriovVf or Rungs.SmartNicOffload => VfAttach,
                Rungs.DpdkVhostUser => VhostUserPort,
                _ => KernelPort,
            };
        }

        return cost;
    }

    public static TimeSpan Stop(PlacedInstance instance) => instance.Kind == WorkloadKind.VirtualMachine ? VmStop : ContainerStop;
}
