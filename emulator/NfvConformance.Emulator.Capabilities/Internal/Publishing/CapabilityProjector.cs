// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.Requirements;

namespace NfvConformance.Emulator.Capabilities.Internal.Publishing;

/// <summary>Builds a node's published capabilities from the catalogue's per-profile values and the hardware inventory.</summary>
internal sealed class CapabilityProjector
{
    private readonly IReadOnlyList<CapabilityDefinition> _catalogue;
    private readonly Dictionary<string, CapabilityDefinition> _byUid;

    public CapabilityProjector(IReadOnlyList<CapabilityDefinition> catalogue)
    {
        _catalogue = catalogue;
        _byUid = new Dictionary<string, CapabilityDefinition>(StringComparer.Ordinal);
        foreach (CapabilityDefinition d in catalogue)
        {
            _byUid.TryAdd(d.Uid, d);
        }
    }

    public IReadOnlyList<string> TopicsOf(string uid) =>
        _byUid.TryGetValue(uid, out CapabilityDefinition? d) ? d.Topics : HardwareEvidence.DefaultTopics(uid);

    public CapabilitySnapshot Project(long version, string profile, HardwareInventory inventory, CapabilitySnapshot? previous = null)
    {
        List<NodeCapabilities> nodes = new(inventory.Nodes.Count);
        for (int i = 0; i < inventory.Nodes.Count; i++)
        {
            NodeHardware node = inventory.Nodes[i];
            // Inventory records are immutable: an unchanged node keeps its projection (placement changes one node at a time).
            NodeCapabilities? before = previous is not null && i < previous.Nodes.Count ? previous.Nodes[i] : null;
            nodes.Add(before is not null && ReferenceEquals(before.Hardware, node) ? before : ProjectNode(node));
        }

        return new CapabilitySnapshot(version, profile, nodes);
    }

    public NodeCapabilities ProjectNode(NodeHardware node)
    {
        // The node's own profile picks the catalogue column: network-intensive keeps its older (Elbrus) values.
        string? key = Profiles.CatalogueKey(node.Profile);
        string claimSource = $"catalogue:{node.Profile}";
        SortedDictionary<string, CapabilityValue> values = new(StringComparer.Ordinal);
        foreach (CapabilityDefinition def in _catalogue)
        {
            string? claimed = key is not null && def.ProfileValues.TryGetValue(key, out string? raw) ? raw : null;
            if (HardwareEvidence.TryRead(def.Uid, node, out HardwareClaim observed))
            {
                List<CapabilityEvidence> evidence = [new(observed.Source, observed.Raw, observed.Detail)];
                if (claimed is not null)
                {
                    evidence.Add(new CapabilityEvidence(claimSource, claimed, def.Location));
                }

                values[def.Uid] = new CapabilityValue(observed.Raw, def.Unit, observed.Source) { Evidence = evidence };
            }
            else if (claimed is not null)
            {
                values[def.Uid] = new CapabilityValue(claimed, def.Unit, claimSource)
                {
                    Evidence = [new CapabilityEvidence(claimSource, claimed, def.Location)],
                };
            }
        }

        // Hardware-backed capabilities are published even when the catalogue given to the target lacks them.
        foreach (string uid in HardwareEvidence.Uids)
        {
            if (!values.ContainsKey(uid) && HardwareEvidence.TryRead(uid, node, out HardwareClaim observed))
            {
                values[uid] = new CapabilityValue(observed.Raw, HardwareEvidence.DefaultUnit(uid), observed.Source)
                {
                    Evidence = [new CapabilityEvidence(observed.Source, observed.Raw, observed.Detail)],
                };
            }
        }

        return new NodeCapabilities(
            node.Id,
            node.Site,
            node.Profile,
            node.Extensions,
            new Dictionary<string, CapabilityValue>(values, StringComparer.Ordinal),
            HardwareEvidence.Features(node),
            node);
    }
}
