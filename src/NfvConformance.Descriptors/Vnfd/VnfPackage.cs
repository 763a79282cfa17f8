// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Lifecycle;

namespace NfvConformance.Descriptors.Vnfd;

/// <summary>How a deployment unit runs on a real target.</summary>
public enum RealisationKind
{
    /// <summary>Commands run in a network namespace of its own (no image).</summary>
    Netns = 0,

    /// <summary>A Docker container of an image.</summary>
    Container = 1,

    /// <summary>A QEMU virtual machine of a kernel and an initramfs.</summary>
    VirtualMachine = 2,
}

/// <summary>How one deployment unit is realised on a real target (the <c>realisation:</c> block of a unit).</summary>
/// <param name="Kind">Netns, container or VM.</param>
/// <param name="Commands">Commands run in the instance once its interfaces are attached (each interface is named after its connection point).</param>
/// <param name="ImageFile">A container image tarball (<c>docker save</c> output, or a root filesystem tar for <c>docker import</c>), absolute.</param>
/// <param name="Command">The container's command (instead of the image's).</param>
/// <param name="Capabilities">Capabilities added to the container (NET_ADMIN, ...); nothing else is granted.</param>
/// <param name="User">The user the container runs as (uid[:gid]), or null for the image's.</param>
/// <param name="ReadOnly">True for a read-only root filesystem.</param>
/// <param name="StopGraceSeconds">The grace period between SIGTERM and SIGKILL when the instance is stopped.</param>
/// <param name="Kernel">The VM's kernel, absolute, or null for the lab's.</param>
/// <param name="Initrd">The VM's initramfs, absolute, or null for one built from the commands.</param>
/// <param name="GuestModules">Extra kernel modules the guest loads (names, from the kernel's package).</param>
public sealed record VnfRealisation(
    RealisationKind Kind,
    IReadOnlyList<string> Commands,
    string? ImageFile,
    IReadOnlyList<string> Command,
    IReadOnlyList<string> Capabilities,
    string? User,
    bool ReadOnly,
    int StopGraceSeconds,
    string? Kernel,
    string? Initrd,
    IReadOnlyList<string> GuestModules);

/// <summary>A VNF descriptor with what a real target needs to run it.</summary>
/// <param name="Descriptor">The lifecycle model (units, scaling, resources).</param>
/// <param name="Function">The chain function this VNF replaces (<c>router</c>, <c>firewall</c>, ...), or null.</param>
/// <param name="Realisations">How each unit is realised, by unit name.</param>
/// <param name="File">The descriptor file.</param>
public sealed record VnfPackage(VnfDescriptor Descriptor, string? Function, IReadOnlyDictionary<string, VnfRealisation> Realisations, string File)
{
    /// <summary>The chain functions a descriptor may replace (the built-in VNFs of the chain labs).</summary>
    public static readonly string[] Functions = ["router", "firewall", "nat", "lb", "io", "forwarder"];

    /// <summary>Gets the one unit of a single-unit VNF (the hop that replaces a chain function).</summary>
    public DeploymentUnit Unit => Descriptor.DeploymentUnits[0];

    /// <summary>Gets how <see cref="Unit"/> is realised.</summary>
    public VnfRealisation Realisation => Realisations[Unit.Name];
}
