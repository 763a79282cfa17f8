// Licensed under the Apache License, Version 2.0.
using NfvConformance.Lab.Workloads.Host;

namespace NfvConformance.Lab.Workloads.Vm;

/// <summary>QEMU (TCG) virtual machines on tap devices.</summary>
public sealed partial class VmRuntime
{
    /// <summary>Tells why VMs cannot run on this host, or null when they can.</summary>
    /// <returns>The reason, or null.</returns>
    public static string? Unavailable() =>
        Proc.Which("qemu-system-x86_64") is null ? "qemu-system-x86_64 is not installed; apt-get install qemu-system-x86 (the .ci/run script installs it)."
        : Proc.Which("busybox") is null ? "busybox is not installed; apt-get install busybox-static." : null;
}
