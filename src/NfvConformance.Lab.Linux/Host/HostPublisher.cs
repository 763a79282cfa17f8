// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Abstractions.Targets;
using NfvConformance.Lab.Linux.Discovery;

namespace NfvConformance.Lab.Linux.Host;

/// <summary>
/// Publishes what the host offers, rediscovered from <c>/sys</c>, <c>/proc</c> and the host tools at each
/// <see cref="Refresh"/>: a new snapshot version, and a notification to subscribers naming what changed, whenever
/// a fresh discovery differs (a link went down, huge pages were configured, a VF was created).
/// </summary>
internal sealed class HostPublisher : ICapabilities, IHardwareInventory
{
    private readonly Lock _gate = new();
    private readonly List<Action<CapabilityChangeSet>> _observers = [];
    private readonly Func<HostReader> _reader;
    private readonly HostPolicy _policy;
    private readonly IReadOnlyList<CapabilityDefinition> _catalogue;
    private readonly Dictionary<string, IReadOnlyList<string>> _topics;
    private HostNode _node;
    private CapabilitySnapshot _current;

    /// <summary>Discovers the host and publishes the first snapshot.</summary>
    /// <param name="reader">Makes a reader for each discovery (the real host, or a copy of it in tests).</param>
    /// <param name="policy">The profile's policy.</param>
    /// <param name="catalogue">The catalogue.</param>
    public HostPublisher(Func<HostReader> reader, HostPolicy policy, IReadOnlyList<CapabilityDefinition> catalogue)
    {
        _reader = reader;
        _policy = policy;
        _catalogue = catalogue;
        _topics = catalogue.GroupBy(c => c.Uid, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Topics, StringComparer.Ordinal);
        _node = Discover();
        _current = new CapabilitySnapshot(1, policy.Profile, [_node.Capabilities]);
    }

    /// <summary>Gets the node as discovered last.</summary>
    public HostNode Node
    {
        get
        {
            lock (_gate)
            {
                return _node;
            }
        }
    }

    /// <inheritdoc />
    public CapabilitySnapshot Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <inheritdoc />
    HardwareInventory IHardwareInventory.Current =>
        new([new Abstractions.Sites.SiteInfo(Node.Hardware.Site, "host", "linux")], [], [Node.Hardware], "this host (/sys, /proc, ethtool)");

    /// <summary>Discovers the host again and publishes a new snapshot when anything changed.</summary>
    /// <param name="reason">What prompted it, for the notification.</param>
    /// <returns>The snapshot now current.</returns>
    public CapabilitySnapshot Refresh(string reason = "rediscovery")
    {
        HostNode fresh = Discover();
        CapabilityChangeSet? change;
        List<Action<CapabilityChangeSet>> observers;
        lock (_gate)
        {
            List<CapabilityChange> changes = Diff(_node.Capabilities, fresh.Capabilities);
            _node = fresh;
            if (changes.Count == 0)
            {
                // Keep the version (nothing a subscriber sees changed) but the fresh inventory (facts such as free memory move).
                _current = new CapabilitySnapshot(_current.Version, _policy.Profile, [fresh.Capabilities]);
                return _current;
            }

            long previous = _current.Version;
            _current = new CapabilitySnapshot(previous + 1, _policy.Profile, [fresh.Capabilities]);
            change = new CapabilityChangeSet(previous, _current, reason, changes);
            observers = [.. _observers];
        }

        foreach (Action<CapabilityChangeSet> observer in observers)
        {
            observer(change);
        }

        return change.Snapshot;
    }

    /// <inheritdoc />
    public IReadOnlyList<CapabilityMatch> Query(CapabilityQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        List<CapabilityMatch> matches = [];
        foreach (NodeCapabilities node in Current.Nodes)
        {
            if ((query.NodeId is not null && node.Id != query.NodeId) || (query.Profile is not null && node.Profile != query.Profile) || (query.Site is not null && node.Site != query.Site))
            {
                continue;
            }

            foreach ((string uid, CapabilityValue value) in node.Capabilities.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                if ((query.Uid is null || uid == query.Uid)
                    && (query.Topic is null || (_topics.TryGetValue(uid, out IReadOnlyList<string>? topics) && topics.Contains(query.Topic, StringComparer.Ordinal)))
                    && (!query.OfferedOnly || value.IsOffered))
                {
                    matches.Add(new CapabilityMatch(node.Id, uid, value));
                }
            }
        }

        return matches;
    }

    /// <inheritdoc />
    public IDisposable Subscribe(Action<CapabilityChangeSet> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        lock (_gate)
        {
            _observers.Add(observer);
        }

        return new Unsubscriber(this, observer);
    }

    /// <inheritdoc />
    /// <remarks>The linux target never touches an interface it did not create, so a host NIC's link is never set; it is refused with the reason.</remarks>
    public ValueTask<IReadOnlyList<ValidationError>> SetLinkStateAsync(string nodeId, string nicName, bool up, CancellationToken cancellationToken = default) =>
        FacetCall.Completed(() => RefuseLinkState(nodeId, nicName), cancellationToken);

    private IReadOnlyList<ValidationError> RefuseLinkState(string nodeId, string nicName)
    {
        HostNode node = Node;
        if (nodeId != node.Id)
        {
            return [new ValidationError(true, $"unknown node '{nodeId}': this host is node '{node.Id}'.", "node")];
        }

        NicInfo? nic = node.Hardware.Nics.FirstOrDefault(n => n.Name == nicName || n.PciAddress == nicName);
        return nic is null
            ? [new ValidationError(true, $"node '{node.Id}' has no NIC '{nicName}'; its NICs: {string.Join(", ", node.Hardware.Nics.Select(n => n.Name))}.", "nic")]
            : [new ValidationError(true, $"{nic.Name} is the host's own interface: the linux target never sets the link of an interface it did not create (link faults run on the lab's veths).", "nic")];
    }

    private static List<CapabilityChange> Diff(NodeCapabilities before, NodeCapabilities after)
    {
        List<CapabilityChange> changes = [];
        foreach (string uid in before.Capabilities.Keys.Union(after.Capabilities.Keys).Order(StringComparer.Ordinal))
        {
            string? b = before.Capabilities.TryGetValue(uid, out CapabilityValue? bv) ? bv.Raw : null;
            string? a = after.Capabilities.TryGetValue(uid, out CapabilityValue? av) ? av.Raw : null;
            if (b != a && uid is not ("RM:e.cap.002" or "RM:e.cap.003" or "RM:i.cap.015"))
            {
                changes.Add(new CapabilityChange(after.Id, uid, b, a));
            }
        }

        foreach (string feature in before.Features.Union(after.Features).Order(StringComparer.Ordinal))
        {
            bool b = before.Features.Contains(feature);
            bool a = after.Features.Contains(feature);
            if (b != a)
            {
                changes.Add(new CapabilityChange(after.Id, "feature:" + feature, b ? "offered" : null, a ? "offered" : null));
            }
        }

        return changes;
    }

    private HostNode Discover()
    {
        HostReader reader = _reader();
        string host = reader.Read("/proc/sys/kernel/hostname") is { Length: > 0 } h ? h : "localhost";
        HostScan scan = HostDiscovery.Scan(reader, host);
        return HostNode.Build(scan, _policy, _catalogue);
    }

    private sealed class Unsubscriber(HostPublisher owner, Action<CapabilityChangeSet> observer) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._observers.Remove(observer);
            }
        }
    }
}
