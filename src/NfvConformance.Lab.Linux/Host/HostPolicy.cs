// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Lab.Linux.Discovery;

namespace NfvConformance.Lab.Linux.Host;

/// <summary>
/// How the host is configured as a node of the run's profile, the way an operator configures a node: the CPUs kept
/// for the host, and the CPU policy. A basic node runs every workload on the shared CPU pool (Kubernetes CPU manager
/// policy <c>none</c>, no topology manager), so it offers neither dedicated cores nor NUMA alignment (RM e.cap.006 and
/// e.cap.007 are No for basic); a high-performance node gives dedicated cores out of the non-reserved CPUs
/// (policy <c>static</c>) when a cpuset controller can enforce them.
/// </summary>
/// <param name="Profile">The profile the node presents.</param>
/// <param name="ReservedSetting">The CPUs the <c>reserved-cpus</c> setting keeps, or null for the default.</param>
internal sealed record HostPolicy(string Profile, IReadOnlyList<int>? ReservedSetting)
{
    /// <summary>Gets a value telling whether the profile's CPU policy hands out dedicated cores.</summary>
    public bool StaticCpuPolicy => Profile != Profiles.Basic;

    /// <summary>Gets the CPU manager policy name, for reasons and evidence.</summary>
    public string CpuPolicyName => StaticCpuPolicy ? "static (dedicated cores)" : "none (shared pool only)";

    /// <summary>The CPUs kept for the host: the setting; else every CPU that is not isolated when the kernel isolates some; else the first CPU of each NUMA node.</summary>
    /// <param name="online">The online CPUs.</param>
    /// <param name="isolated">The isolated CPUs.</param>
    /// <param name="numaCpus">Each NUMA node's CPUs.</param>
    /// <returns>The reserved CPUs, and where that choice came from.</returns>
    public (IReadOnlyList<int> Cpus, string Source) Reserved(IReadOnlyList<int> online, IReadOnlyList<int> isolated, IReadOnlyDictionary<int, IReadOnlyList<int>> numaCpus)
    {
        if (ReservedSetting is not null)
        {
            return ([.. ReservedSetting.Where(online.Contains)], "setting reserved-cpus");
        }

        if (isolated.Count > 0 && isolated.Count < online.Count)
        {
            return ([.. online.Except(isolated)], "/sys/devices/system/cpu/isolated (the non-isolated CPUs serve the host)");
        }

        return ([.. numaCpus.Values.Where(c => c.Count > 1).Select(c => c.Min())], "first CPU of each NUMA node (default)");
    }

    /// <summary>Tells whether the node offers dedicated, pinned cores: a static CPU policy, a cpuset controller, and a CPU left after the reserved ones.</summary>
    /// <param name="scan">The host.</param>
    /// <param name="reserved">The reserved CPUs.</param>
    /// <returns>True when pinning is offered.</returns>
    public bool OffersPinning(HostScan scan, IReadOnlyList<int> reserved) =>
        StaticCpuPolicy && scan.CpusetController is not null && scan.OnlineCpus.Except(reserved).Any();
}
