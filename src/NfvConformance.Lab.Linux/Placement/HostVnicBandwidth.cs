// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.Placement;
using NfvConformance.Abstractions.Targets;
using NfvConformance.Lab.Linux.Host;

namespace NfvConformance.Lab.Linux.Placement;

/// <summary>
/// Guaranteed vNIC bandwidth on the host's physical ports, against the speed discovery read from <c>ethtool</c>: a
/// grant needs a port at least as fast with room left, and the guarantees on a port never add up to more than its
/// speed. A port whose speed the driver does not report (virtio: <c>Speed: Unknown!</c>) backs nothing.
/// </summary>
internal sealed class HostVnicBandwidth : IVnicBandwidth
{
    private readonly Lock _gate = new();
    private readonly HostPublisher _publisher;
    private readonly List<VnicBandwidthGrant> _grants = [];
    private int _sequence;

    /// <summary>Creates the service.</summary>
    /// <param name="publisher">The host as discovered.</param>
    public HostVnicBandwidth(HostPublisher publisher)
    {
        _publisher = publisher;
    }

    /// <inheritdoc />
    public IReadOnlyList<VnicPortBandwidth> Ports
    {
        get
        {
            HostNode node = _publisher.Node;
            lock (_gate)
            {
                return [.. node.Hardware.Nics.Where(n => !n.DpdkBound).Select(n => new VnicPortBandwidth(node.Id, n.Name, n.SpeedGbps, Guaranteed(node.Id, n.Name), n.LinkUp))];
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>A ledger over the port speeds discovery read: no I/O, so the task returned is complete.</remarks>
    public ValueTask<VnicBandwidthResult> ReserveAsync(VnicBandwidthRequest request, CancellationToken cancellationToken = default) =>
        FacetCall.Completed(() => Reserve(request), cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> ReleaseAsync(string grantId, CancellationToken cancellationToken = default) =>
        FacetCall.Completed(() => Release(grantId), cancellationToken);

    private VnicBandwidthResult Reserve(VnicBandwidthRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!VnicBandwidthOptions.TryParse(request.Option, out int gbps))
        {
            return Refuse($"'{request.Option}' is not a vNIC bandwidth option of the RM (Table 4-17); use one of {VnicBandwidthOptions.Describe}.", "option");
        }

        HostNode node = _publisher.Node;
        if (request.NodeId is not null && request.NodeId != node.Id)
        {
            return Refuse($"node '{request.NodeId}' is not in the inventory; known: {node.Id}.", "node");
        }

        List<NicInfo> ports = [.. node.Hardware.Nics.Where(n => !n.DpdkBound && (request.Nic is null || n.Name == request.Nic))];
        if (ports.Count == 0)
        {
            return Refuse(request.Nic is null ? $"{node.Id} has no physical port." : $"node '{node.Id}' has no port '{request.Nic}'.", "nic");
        }

        lock (_gate)
        {
            List<NicInfo> fast = [.. ports.Where(p => p.LinkUp && p.SpeedGbps >= gbps)];
            if (fast.Count == 0)
            {
                NicInfo fastest = ports.MaxBy(p => p.SpeedGbps)!;
                string speed = fastest.SpeedGbps > 0 ? $"{fastest.SpeedGbps} Gbps" : "an unknown speed (ethtool: Speed: Unknown!), which backs no guarantee";
                return Refuse($"{request.Option} needs a physical port of at least {gbps} Gbps; the fastest on {node.Id} is {node.Id}/{fastest.Name} at {speed}.", "option");
            }

            NicInfo? room = fast.FirstOrDefault(p => Guaranteed(node.Id, p.Name) + gbps <= p.SpeedGbps);
            if (room is null)
            {
                return Refuse($"{request.Option} ({gbps} Gbps) cannot be guaranteed: every port fast enough is full ({string.Join("; ", fast.Select(p => $"{node.Id}/{p.Name} {Guaranteed(node.Id, p.Name)} of {p.SpeedGbps} Gbps guaranteed"))}).", "capacity");
            }

            int total = Guaranteed(node.Id, room.Name) + gbps;
            VnicBandwidthGrant grant = new($"vnic-{Interlocked.Increment(ref _sequence).ToString(CultureInfo.InvariantCulture)}", request.Workload, request.Option, gbps, node.Id, room.Name, room.SpeedGbps, total);
            _grants.Add(grant);
            return new VnicBandwidthResult(grant, []);
        }
    }

    private bool Release(string grantId)
    {
        lock (_gate)
        {
            return _grants.RemoveAll(g => g.Id == grantId) > 0;
        }
    }

    private static VnicBandwidthResult Refuse(string message, string subject) => new(null, [new ValidationError(true, message, subject)]);

    private int Guaranteed(string node, string nic) => _grants.Where(g => g.NodeId == node && g.Nic == nic).Sum(g => g.Gbps);
}
