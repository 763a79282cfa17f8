// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.Targets;

namespace NfvConformance.Emulator.Capabilities.Internal.Publishing;

/// <summary>
/// Owns the live hardware inventory and publishes an immutable snapshot of it. Every inventory change goes through
/// <see cref="Update"/>, which republishes and tells subscribers what changed; the version rises only when the
/// published picture changed.
/// </summary>
internal sealed class CapabilityPublisher : ICapabilities, IHardwareInventory
{
    private readonly Lock _gate = new();
    private readonly CapabilityProjector _projector;
    private readonly string _profile;
    private readonly List<Action<CapabilityChangeSet>> _observers = [];
    private HardwareInventory _inventory;
    private CapabilitySnapshot _current;

    public CapabilityPublisher(CapabilityProjector projector, string profile, HardwareInventory inventory)
    {
        _projector = projector;
        _profile = profile;
        _inventory = inventory;
        _current = projector.Project(1, profile, inventory);
    }

    public CapabilitySnapshot Current => Volatile.Read(ref _current);

    HardwareInventory IHardwareInventory.Current => Volatile.Read(ref _inventory);

    public HardwareInventory Inventory => Volatile.Read(ref _inventory);

    public IReadOnlyList<CapabilityMatch> Query(CapabilityQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        CapabilitySnapshot snapshot = Current;
        List<CapabilityMatch> matches = [];
        foreach (NodeCapabilities node in snapshot.Nodes)
        {
            if ((query.NodeId is not null && !string.Equals(node.Id, query.NodeId, StringComparison.Ordinal))
                || (query.Profile is not null && !string.Equals(node.Profile, query.Profile, StringComparison.Ordinal))
                || (query.Site is not null && !string.Equals(node.Site, query.Site, StringComparison.Ordinal)))
            {
                continue;
            }

            if (query.Uid is not null)
            {
                if (node.Capabilities.TryGetValue(query.Uid, out CapabilityValue? v) && Keep(query, query.Uid, v))
                {
                    matches.Add(new CapabilityMatch(node.Id, query.Uid, v));
                }

                continue;
            }

            foreach (KeyValuePair<string, CapabilityValue> kv in node.Capabilities)
            {
                if (Keep(query, kv.Key, kv.Value))
                {
                    matches.Add(new CapabilityMatch(node.Id, kv.Key, kv.Value));
                }
            }
        }

        return matches;
    }

    public IDisposable Subscribe(Action<CapabilityChangeSet> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        lock (_gate)
        {
            _observers.Add(observer);
        }

        return new Subscription(this, observer);
    }

    public ValueTask<IReadOnlyList<ValidationError>> SetLinkStateAsync(string nodeId, string nicName, bool up, CancellationToken cancellationToken = default) =>
        FacetCall.Completed(() => SetLinkState(nodeId, nicName, up), cancellationToken);

    public IReadOnlyList<ValidationError> SetLinkState(string nodeId, string nicName, bool up)
    {
        List<ValidationError> errors = [];
        Update(
            inv =>
            {
                NodeHardware? node = inv.Nodes.FirstOrDefault(n => string.Equals(n.Id, nodeId, StringComparison.Ordinal));
                if (node is null)
                {
                    errors.Add(new ValidationError(true, $"unknown node; known: {string.Join(", ", inv.Nodes.Select(n => n.Id))}.", nodeId));
                    return inv;
                }

                int index = FindNic(node, nicName);
                if (index < 0)
                {
                    errors.Add(new ValidationError(true, $"node '{nodeId}' has no NIC '{nicName}'; known: {string.Join(", ", node.Nics.Select(n => $"{n.Name} ({n.PciAddress})"))}.", $"{nodeId}/{nicName}"));
                    return inv;
                }

                NicInfo[] nics = [.. node.Nics];
                nics[index] = nics[index] with { LinkUp = up };
                return ReplaceNode(inv, node with { Nics = nics });
            },
            $"nic {nicName} on {nodeId} link {(up ? "up" : "down")}");
        return errors;
    }

    /// <summary>Applies an inventory change atomically, republishes, and notifies subscribers when anything changed.</summary>
    public CapabilityChangeSet? Update(Func<HardwareInventory, HardwareInventory> change, string reason)
    {
        CapabilityChangeSet? set = null;
        Action<CapabilityChangeSet>[] observers = [];
        HardwareInventory before;
        HardwareInventory next;
        lock (_gate)
        {
            before = _inventory;
            next = change(_inventory);
            if (ReferenceEquals(next, _inventory))
            {
                return null;
            }

            _inventory = next;
            CapabilitySnapshot candidate = _projector.Project(_current.Version + 1, _profile, next, _current);
            List<CapabilityChange> changes = Diff(_current, candidate);
            if (changes.Count == 0)
            {
                // Same picture: keep the version, but carry the new hardware facts (for example VFs in use).
                Volatile.Write(ref _current, new CapabilitySnapshot(_current.Version, _profile, candidate.Nodes));
            }
            else
            {
                set = new CapabilityChangeSet(_current.Version, candidate, reason, changes);
                Volatile.Write(ref _current, candidate);
                observers = [.. _observers];
            }
        }

        InventoryChanged?.Invoke(before, next);
        foreach (Action<CapabilityChangeSet> observer in observers)
        {
            observer(set!);
        }

        return set;
    }

    /// <summary>Raised after every inventory change (before, after), even one that changes nothing published.</summary>
    internal event Action<HardwareInventory, HardwareInventory>? InventoryChanged;

    internal static HardwareInventory ReplaceNode(HardwareInventory inv, NodeHardware node)
    {
        NodeHardware[] nodes = [.. inv.Nodes];
        for (int i = 0; i < nodes.Length; i++)
        {
            if (string.Equals(nodes[i].Id, node.Id, StringComparison.Ordinal))
            {
                nodes[i] = node;
            }
        }

        return inv with { Nodes = nodes };
    }

    internal static int FindNic(NodeHardware node, string nameOrPci)
    {
        for (int i = 0; i < node.Nics.Count; i++)
        {
            if (string.Equals(node.Nics[i].Name, nameOrPci, StringComparison.Ordinal)
                || string.Equals(node.Nics[i].PciAddress, nameOrPci, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    private bool Keep(CapabilityQuery query, string uid, CapabilityValue value) =>
        (!query.OfferedOnly || value.IsOffered)
        && (query.Topic is null || _projector.TopicsOf(uid).Contains(query.Topic, StringComparer.OrdinalIgnoreCase));

    private static List<CapabilityChange> Diff(CapabilitySnapshot before, CapabilitySnapshot after)
    {
        List<CapabilityChange> changes = [];
        for (int i = 0; i < after.Nodes.Count; i++)
        {
            NodeCapabilities a = after.Nodes[i];
            NodeCapabilities? b = i < before.Nodes.Count && before.Nodes[i].Id == a.Id ? before.Nodes[i] : before.FindNode(a.Id);
            if (ReferenceEquals(a, b))
            {
                continue;
            }

            foreach (KeyValuePair<string, CapabilityValue> kv in a.Capabilities)
            {
                CapabilityValue? old = null;
                b?.Capabilities.TryGetValue(kv.Key, out old);
                if (old is null || !string.Equals(old.Raw, kv.Value.Raw, StringComparison.Ordinal))
                {
                    changes.Add(new CapabilityChange(a.Id, kv.Key, old?.Raw, kv.Value.Raw));
                }
            }

            foreach (string feature in a.Features.Union(b?.Features ?? new HashSet<string>()).Order(StringComparer.Ordinal))
            {
                bool had = b?.Features.Contains(feature) ?? false;
                bool has = a.Features.Contains(feature);
                if (had != has)
                {
                    changes.Add(new CapabilityChange(a.Id, $"feature:{feature}", had ? "offered" : null, has ? "offered" : null));
                }
            }
        }

        return changes;
    }

    private sealed class Subscription(CapabilityPublisher owner, Action<CapabilityChangeSet> observer) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                lock (owner._gate)
                {
                    owner._observers.Remove(observer);
                }
            }
        }
    }
}
