// Licensed under the Apache License, Version 2.0.
using NfvConformance.Lab.Linux.Run;

namespace NfvConformance.Lab.Linux;

/// <summary>Names and operations shared by every part of the Linux lab.</summary>
public static class LinuxLab
{
    /// <summary>The name users type after <c>--target</c>.</summary>
    public const string TargetName = "linux";

    /// <summary>Gets the folder holding one state directory per run of the lab.</summary>
    public static string StateRoot => LabNames.StateRoot;

    /// <summary>
    /// Removes what killed runs of the lab left on the host (<c>nfvc lab clean</c>): every process, network
    /// namespace, interface, nftables table, cgroup and state directory named with the id of a run whose owner
    /// process is gone. Runs still alive and everything not named by the lab are left alone.
    /// </summary>
    /// <param name="dryRun">True to list what would be removed without removing it.</param>
    /// <returns>What was removed, what failed and which live runs were left alone.</returns>
    public static LabCleanReport Clean(bool dryRun = false) => LabCleanup.CleanDeadRuns(dryRun);
}
