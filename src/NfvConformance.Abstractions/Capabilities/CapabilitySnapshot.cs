// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Abstractions.Capabilities;

/// <summary>An immutable, versioned picture of what a target publishes at one moment.</summary>
public sealed class CapabilitySnapshot
{
    /// <summary>Creates a snapshot.</summary>
    /// <param name="version">Increases by one each time the publisher publishes a changed picture.</param>
    /// <param name="profile">The profile the target was asked to present.</param>
    /// <param name="nodes">Every node and what it publishes.</param>
    public CapabilitySnapshot(long version, string profile, IReadOnlyList<NodeCapabilities> nodes)
    {
        Version = version;
        Profile = profile;
        Nodes = nodes;
    }

    /// <summary>Gets the snapshot version.</summary>
    public long Version { get; }

    /// <summary>Gets the profile the target presents.</summary>
    public string Profile { get; }

    /// <summary>Gets every node.</summary>
    public IReadOnlyList<NodeCapabilities> Nodes { get; }

    /// <summary>Tells whether any node offers a capability (by uid, profile extension or feature name).</summary>
    /// <param name="capability">What to look for.</param>
    /// <returns>True when at least one node offers it.</returns>
    public bool Publishes(string capability)
    {
        foreach (NodeCapabilities node in Nodes)
        {
            if (node.Offers(capability))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Finds the node by id.</summary>
    /// <param name="nodeId">The node id.</param>
    /// <returns>The node, or null.</returns>
    public NodeCapabilities? FindNode(string nodeId)
    {
        foreach (NodeCapabilities node in Nodes)
        {
            if (string.Equals(node.Id, nodeId, StringComparison.Ordinal))
            {
                return node;
            }
        }

        return null;
    }
}
