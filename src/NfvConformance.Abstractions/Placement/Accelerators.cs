// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Abstractions.Placement;

/// <summary>
/// A facet: hands accelerator instances to workloads by class and standard interface (RM ch3.8 / e.api.*), the way
/// a Kubernetes device plugin or OpenStack Cyborg does: never by vendor or PCI id, each instance a finite resource.
/// Granting and releasing are calls to the infrastructure (a device plugin's allocation, a Cyborg ARQ, a driver
/// binding) and are asynchronous; <see cref="Pools"/> reads back what the target holds and stays synchronous.
/// </summary>
public interface IAcceleration
{
    /// <summary>Gets every accelerator device with its instances in use.</summary>
    IReadOnlyList<AcceleratorPool> Pools { get; }

    /// <summary>Grants one instance of the class through the interface, or refuses with the reason.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the request; nothing is granted.</param>
    /// <returns>The grant or the problems.</returns>
    ValueTask<AcceleratorResult> RequestAsync(AcceleratorRequest request, CancellationToken cancellationToken = default);

    /// <summary>Releases a grant.</summary>
    /// <param name="grantId">The grant id.</param>
    /// <param name="cancellationToken">Cancels the release.</param>
    /// <returns>True when it existed.</returns>
    ValueTask<bool> ReleaseAsync(string grantId, CancellationToken cancellationToken = default);
}

/// <summary>The standard, vendor-neutral interfaces through which each accelerator class is consumed.</summary>
public static class StandardAcceleratorInterfaces
{
    /// <summary>Gets the standard interfaces per class (DPDK cryptodev/compressdev/bbdev, virtio-crypto, O-RAN AAL).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ByClass { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        ["crypto"] = ["dpdk-cryptodev", "virtio-crypto"],
        ["compression"] = ["dpdk-compressdev"],
        ["fpga"] = ["dpdk-bbdev", "o-ran-aal"],
    };

    /// <summary>
    /// Checks that a request names a known class through one of its standard interfaces and selects by neither vendor
    /// nor PCI address (RM e.api.001, e.api.008); every accelerator service refuses the same requests the same way.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <returns>The refusal, or <see langword="null"/> when the request is well-formed.</returns>
    public static AcceleratorResult? Refusal(AcceleratorRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!ByClass.TryGetValue(request.Class, out IReadOnlyList<string>? standard))
        {
            return Refuse($"'{request.Class}' is not an accelerator class offered through a standard interface; ask for one of {string.Join(", ", ByClass.Keys)}.", "class");
        }

        if (request.Vendor is not null || request.PciAddress is not null)
        {
            return Refuse($"accelerators are requested by class and standard interface, not by vendor or PCI address (RM e.api.001, e.api.008): drop {(request.Vendor is not null ? $"vendor '{request.Vendor}'" : $"PCI address '{request.PciAddress}'")} and ask for '{request.Class}' through one of {string.Join(", ", standard)}.", "request");
        }

        if (!standard.Contains(request.Interface, StringComparer.Ordinal))
        {
            return Refuse($"'{request.Interface}' is not a standard interface for {request.Class} accelerators, so a workload written for it would be tied to one vendor; use one of {string.Join(", ", standard)}.", "interface");
        }

        return null;
    }

    private static AcceleratorResult Refuse(string message, string subject) => new(null, [new ValidationError(true, message, subject)]);
}

/// <summary>Asks for an accelerator instance.</summary>
/// <param name="Workload">Who asks.</param>
/// <param name="Class">The class (<c>crypto</c>, <c>compression</c>, <c>fpga</c>).</param>
/// <param name="Interface">The standard interface the workload uses (<c>dpdk-cryptodev</c>, <c>virtio-crypto</c>).</param>
/// <param name="Vendor">A vendor, which a conformant NFVI refuses to select by (RM e.api.001/008).</param>
/// <param name="PciAddress">A PCI address, which a conformant NFVI refuses to select by.</param>
public sealed record AcceleratorRequest(string Workload, string Class, string Interface, string? Vendor = null, string? PciAddress = null);

/// <summary>One accelerator device and its instances.</summary>
/// <param name="NodeId">The node.</param>
/// <param name="Device">The device name.</param>
/// <param name="Class">Its class.</param>
/// <param name="Interface">The interface its instances are consumed through.</param>
/// <param name="Vendor">The vendor.</param>
/// <param name="Instances">Instances it hands out.</param>
/// <param name="InUse">Instances granted now.</param>
public sealed record AcceleratorPool(string NodeId, string Device, string Class, string? Interface, string? Vendor, int Instances, int InUse);

/// <summary>An accelerator instance granted to a workload, with what the workload needs to use it.</summary>
/// <param name="Id">The grant id.</param>
/// <param name="Workload">Who asked.</param>
/// <param name="Class">The class.</param>
/// <param name="Interface">The interface the workload uses.</param>
/// <param name="NodeId">The node the instance is on (the workload must run there).</param>
/// <param name="Device">The physical device.</param>
/// <param name="Vendor">The device's vendor (informative: the workload did not choose it).</param>
/// <param name="InstanceAddress">The instance's PCI address (a VF of the device).</param>
/// <param name="HostBinding">How the host exposes the instance: <c>vfio-pci</c> or <c>vhost-user-crypto</c> (standard), or the vendor's driver.</param>
/// <param name="DeviceNodes">The device nodes passed to the workload, and only those.</param>
/// <param name="Privileged">True when the workload must run privileged to use it.</param>
/// <param name="Capabilities">Linux capabilities the workload must be given (empty when none).</param>
public sealed record AcceleratorGrant(
    string Id,
    string Workload,
    string Class,
    string Interface,
    string NodeId,
    string Device,
    string? Vendor,
    string InstanceAddress,
    string HostBinding,
    IReadOnlyList<string> DeviceNodes,
    bool Privileged,
    IReadOnlyList<string> Capabilities);

/// <summary>The answer to an <see cref="AcceleratorRequest"/>.</summary>
/// <param name="Grant">The grant, or null.</param>
/// <param name="Problems">Why it was refused.</param>
public sealed record AcceleratorResult(AcceleratorGrant? Grant, IReadOnlyList<ValidationError> Problems)
{
    /// <summary>Gets a value telling whether an instance was granted.</summary>
    public bool Granted => Grant is not null;
}
