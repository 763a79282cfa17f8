// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.Placement;
using NfvConformance.Abstractions.Targets;
using NfvConformance.Lab.Linux.Host;

namespace NfvConformance.Lab.Linux.Placement;

/// <summary>
/// Hands out the accelerator devices discovery found on the host's PCI bus, by class and standard interface only
/// (never by vendor or PCI address); a host without any (no co-processor, no virtio-crypto) refuses every request
/// with what it looked at. Instruction-set accelerations (AES-NI, AVX-512) are not devices and are not handed out.
/// </summary>
internal sealed class HostAccelerators : IAcceleration
{
    private readonly Lock _gate = new();
    private readonly HostPublisher _publisher;
    private readonly List<AcceleratorGrant> _grants = [];
    private int _sequence;

    /// <summary>Creates the service.</summary>
    /// <param name="publisher">The host as discovered.</param>
    public HostAccelerators(HostPublisher publisher)
    {
        _publisher = publisher;
    }

    /// <inheritdoc />
    public IReadOnlyList<AcceleratorPool> Pools
    {
        get
        {
            HostNode node = _publisher.Node;
            lock (_gate)
            {
                return [.. node.Hardware.Accelerators.Select(a => new AcceleratorPool(node.Id, a.Name, a.Kind, a.Interface, a.Vendor, a.Instances, _grants.Count(g => g.Device == a.Name)))];
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>A ledger over the devices discovery found: no I/O, so the task returned is complete.</remarks>
    public ValueTask<AcceleratorResult> RequestAsync(AcceleratorRequest request, CancellationToken cancellationToken = default) =>
        FacetCall.Completed(() => Request(request), cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> ReleaseAsync(string grantId, CancellationToken cancellationToken = default) =>
        FacetCall.Completed(() => Release(grantId), cancellationToken);

    private AcceleratorResult Request(AcceleratorRequest request)
    {
        if (StandardAcceleratorInterfaces.Refusal(request) is { } refusal)
        {
            return refusal;
        }

        HostNode node = _publisher.Node;
        lock (_gate)
        {
            List<AcceleratorInfo> devices = [.. node.Hardware.Accelerators.Where(a => a.Kind == request.Class && a.Interface == request.Interface)];
            if (devices.Count == 0)
            {
                return Refuse($"no {request.Class} accelerator usable through {request.Interface} on {node.Id}: discovery found {(node.Hardware.Accelerators.Count == 0 ? "no accelerator device on the PCI bus (/sys/bus/pci/devices/*/class)" : string.Join(", ", node.Hardware.Accelerators.Select(a => $"{a.Name} ({a.Kind}, {a.Interface ?? "no standard interface"})")))}.", "class");
            }

            AcceleratorInfo? free = devices.FirstOrDefault(d => _grants.Count(g => g.Device == d.Name) < d.Instances);
            if (free is null)
            {
                return Refuse($"every {request.Class} instance is taken: {string.Join("; ", devices.Select(d => $"{node.Id}/{d.Name} {_grants.Count(g => g.Device == d.Name)} of {d.Instances} in use"))}; release one or add devices.", "capacity");
            }

            int n = Interlocked.Increment(ref _sequence);
            string binding = request.Interface == "virtio-crypto" ? "vhost-user-crypto" : "vfio-pci";
            AcceleratorGrant grant = new($"acc-{n.ToString(CultureInfo.InvariantCulture)}", request.Workload, request.Class, request.Interface, node.Id, free.Name, free.Vendor, free.PciAddress, binding, ["/dev/vfio/vfio"], false, []);
            _grants.Add(grant);
            return new AcceleratorResult(grant, []);
        }
    }

    private bool Release(string grantId)
    {
        lock (_gate)
        {
            return _grants.RemoveAll(g => g.Id == grantId) > 0;
        }
    }

    private static AcceleratorResult Refuse(string message, string subject) => new(null, [new ValidationError(true, message, subject)]);
}
