// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.Placement;
using NfvConformance.Abstractions.Targets;

namespace NfvConformance.Emulator.Capabilities.Internal.Placement;

/// <summary>
/// Accelerator instances as a finite resource: each device hands out its VFs (inventory <c>instances</c>), selected
/// by class and standard interface only. virtio-crypto is served by any crypto device through vhost-user-crypto.
/// </summary>
internal sealed class AcceleratorLedger : IAcceleration
{
    private readonly IHardwareInventory _inventory;
    private readonly Dictionary<string, AcceleratorGrant> _grants = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private int _next;

    public AcceleratorLedger(IHardwareInventory inventory) => _inventory = inventory;

    public IReadOnlyList<AcceleratorPool> Pools
    {
        get
        {
            lock (_lock)
            {
                return [.. _inventory.Current.Nodes.SelectMany(n => n.Accelerators.Select(a => new AcceleratorPool(n.Id, a.Name, a.Kind, a.Interface, a.Vendor, a.Instances, InUse(n.Id, a.Name))))];
            }
        }
    }

    public ValueTask<AcceleratorResult> RequestAsync(AcceleratorRequest request, CancellationToken cancellationToken = default) =>
        FacetCall.Completed(() => Request(request), cancellationToken);

    public ValueTask<bool> ReleaseAsync(string grantId, CancellationToken cancellationToken = default) =>
        FacetCall.Completed(() => Release(grantId), cancellationToken);

    private AcceleratorResult Request(AcceleratorRequest request)
    {
        if (StandardAcceleratorInterfaces.Refusal(request) is { } refusal)
        {
            return refusal;
        }

        lock (_lock)
        {
            List<(NodeHardware Node, AcceleratorInfo Device)> devices = [.. _inventory.Current.Nodes.SelectMany(n => n.Accelerators
                .Where(a => a.Kind == request.Class && (a.Interface == request.Interface || (request.Interface == "virtio-crypto" && a.Kind == "crypto")))
                .Select(a => (n, a)))];
            if (devices.Count == 0)
            {
                return Refuse($"no {request.Class} accelerator usable through {request.Interface} in the inventory.", "class");
            }

            (NodeHardware node, AcceleratorInfo device) = devices.FirstOrDefault(d => InUse(d.Node.Id, d.Device.Name) < d.Device.Instances);
            if (device is null)
            {
                return Refuse($"every {request.Class} instance is taken: {string.Join("; ", devices.Select(d => $"{d.Node.Id}/{d.Device.Name} {InUse(d.Node.Id, d.Device.Name)} of {d.Device.Instances} in use"))}; release one or add devices.", "capacity");
            }

            int index = Enumerable.Range(0, device.Instances).First(i => !_grants.Values.Any(g => g.NodeId == node.Id && g.Device == device.Name && g.InstanceAddress == VfAddress(device, i)));
            string address = VfAddress(device, index);
            bool privileged = device.Access == "privileged";
            string binding = privileged ? $"{device.Name} host driver" : request.Interface == "virtio-crypto" ? "vhost-user-crypto" : "vfio-pci";
            IReadOnlyList<string> nodes = privileged
                ? ["/dev/mem", $"/dev/{device.Name}_ctl"]
                : request.Interface == "virtio-crypto"
                    ? [$"/var/run/vhost/crypto-{address.Replace(':', '-')}.sock"]
                    : ["/dev/vfio/vfio", $"/dev/vfio/{IommuGroup(node, address)}"];
            string id = "acc-" + (++_next).ToString(CultureInfo.InvariantCulture);
            AcceleratorGrant grant = new(id, request.Workload, request.Class, request.Interface, node.Id, device.Name, device.Vendor, address, binding, nodes, privileged, privileged ? ["CAP_SYS_ADMIN", "CAP_SYS_RAWIO"] : []);
            _grants[id] = grant;
            return new AcceleratorResult(grant, []);
        }
    }

    private bool Release(string grantId)
    {
        lock (_lock)
        {
            return _grants.Remove(grantId);
        }
    }

    /// <summary>The VF's PCI address: functions of the device's slot + 1 (as QAT and most SR-IOV devices enumerate them).</summary>
    private static string VfAddress(AcceleratorInfo device, int index)
    {
        int dot = device.PciAddress.LastIndexOf('.');
        int colon = device.PciAddress.LastIndexOf(':');
        string bus = device.PciAddress[..colon];
        int slot = int.Parse(device.PciAddress.AsSpan(colon + 1, dot - colon - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"{bus}:{slot + 1 + (index / 8):x2}.{index % 8}");
    }

    /// <summary>A stable IOMMU group number per instance (FNV-1a of node and address; the real kernel numbers groups at boot).</summary>
    private static int IommuGroup(NodeHardware node, string address)
    {
        uint h = 2166136261;
        foreach (char c in node.Id + address)
        {
            h = (h ^ c) * 16777619;
        }

        return 64 + (int)(h % 900);
    }

    private int InUse(string node, string device) => _grants.Values.Count(g => g.NodeId == node && g.Device == device);

    private static AcceleratorResult Refuse(string message, string subject) => new(null, [new ValidationError(true, message, subject)]);
}
