// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.Placement;
using NfvConformance.Abstractions.Targets;

namespace NfvConformance.Emulator.Capabilities.Internal.Placement;

/// <summary>
/// Admission control of vNIC bandwidth guarantees per physical port: a grant needs a port with link up at least as
/// fast as the option and with that much left unguaranteed; best fit (least room left) keeps fast ports for big options.
/// </summary>
internal sealed class VnicBandwidthLedger : IVnicBandwidth
{
    private readonly IHardwareInventory _inventory;
    private readonly Dictionary<string, VnicBandwidthGrant> _grants = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly double _allocationRatio;
    private int _next;

    /// <param name="inventory">The live inventory.</param>
    /// <param name="allocationRatio">Guarantees allowed per port as a multiple of its speed (1 = none oversubscribed; a Placement allocation_ratio above 1 is the misconfiguration tests use).</param>
    public VnicBandwidthLedger(IHardwareInventory inventory, double allocationRatio = 1.0)
    {
        _inventory = inventory;
        _allocationRatio = allocationRatio;
    }

    public IReadOnlyList<VnicPortBandwidth> Ports
    {
        get
        {
            lock (_lock)
            {
                return [.. _inventory.Current.Nodes.SelectMany(n => n.Nics.Select(p => new VnicPortBandwidth(n.Id, p.Name, p.SpeedGbps, Guaranteed(n.Id, p.Name), p.LinkUp)))];
            }
        }
    }

    public ValueTask<VnicBandwidthResult> ReserveAsync(VnicBandwidthRequest request, CancellationToken cancellationToken = default) =>
        FacetCall.Completed(() => Reserve(request), cancellationToken);

    public ValueTask<bool> ReleaseAsync(string grantId, CancellationToken cancellationToken = default) =>
        FacetCall.Completed(() => Release(grantId), cancellationToken);

    private VnicBandwidthResult Reserve(VnicBandwidthRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!VnicBandwidthOptions.TryParse(request.Option, out int gbps))
        {
            return Refuse($"'{request.Option}' is not a vNIC bandwidth option of the RM (Table 4-17); use one of {VnicBandwidthOptions.Describe}.", "option");
        }

        lock (_lock)
        {
            IReadOnlyList<NodeHardware> nodes = _inventory.Current.Nodes;
            if (request.NodeId is not null && nodes.All(n => n.Id != request.NodeId))
            {
                return Refuse($"node '{request.NodeId}' is not in the inventory; known: {string.Join(", ", nodes.Select(n => n.Id))}.", "node");
            }

            List<(NodeHardware Node, NicInfo Nic)> ports = [.. nodes.Where(n => request.NodeId is null || n.Id == request.NodeId)
                .SelectMany(n => n.Nics.Where(p => request.Nic is null || p.Name == request.Nic).Select(p => (n, p)))];
            if (ports.Count == 0)
            {
                return Refuse($"node '{request.NodeId}' has no port '{request.Nic}'.", "nic");
            }

            List<(NodeHardware Node, NicInfo Nic)> fast = [.. ports.Where(p => p.Nic.SpeedGbps >= gbps)];
            if (fast.Count == 0)
            {
                (NodeHardware n, NicInfo p) = ports.MaxBy(p => p.Nic.SpeedGbps);
                return Refuse($"{request.Option} needs a physical port of at least {gbps} Gbps; the fastest {(request.NodeId is null ? "in the inventory" : $"on {request.NodeId}")} is {n.Id}/{p.Name} at {p.SpeedGbps} Gbps.", "option");
            }

            List<(NodeHardware Node, NicInfo Nic, int Free)> room = [.. fast.Where(p => p.Nic.LinkUp)
                .Select(p => (p.Node, p.Nic, Free: Capacity(p.Nic) - Guaranteed(p.Node.Id, p.Nic.Name)))
                .Where(p => p.Free >= gbps)];
            if (room.Count == 0)
            {
                string why = string.Join("; ", fast.Select(p => p.Nic.LinkUp
                    ? $"{p.Node.Id}/{p.Nic.Name}: {Guaranteed(p.Node.Id, p.Nic.Name)} of {p.Nic.SpeedGbps} Gbps guaranteed, {p.Nic.SpeedGbps - Guaranteed(p.Node.Id, p.Nic.Name)} left"
                    : $"{p.Node.Id}/{p.Nic.Name}: link down"));
                return Refuse($"{request.Option} ({gbps} Gbps) cannot be guaranteed: every port fast enough is full ({why}).", "capacity");
            }

            (NodeHardware node, NicInfo nic, int free) = room.OrderBy(p => p.Free).ThenBy(p => p.Node.Id, StringComparer.Ordinal).ThenBy(p => p.Nic.Name, StringComparer.Ordinal).First();
            string id = "bw-" + (++_next).ToString(CultureInfo.InvariantCulture);
            VnicBandwidthGrant grant = new(id, request.Workload, request.Option, gbps, node.Id, nic.Name, nic.SpeedGbps, Capacity(nic) - free + gbps);
            _grants[id] = grant;
            return new VnicBandwidthResult(grant, []);
        }
    }

    private bool Release(string grantId)
    {
        lock (_lock)
        {
            return _grants.Remove(grantId);
        }
    }

    private int Capacity(NicInfo nic) => (int)Math.Floor(nic.SpeedGbps * _allocationRatio);

    private int Guaranteed(string node, string nic) => _grants.Values.Where(g => g.NodeId == node && g.Nic == nic).Sum(g => g.Gbps);

    private static VnicBandwidthResult Refuse(string message, string subject) => new(null, [new ValidationError(true, message, subject)]);
}
