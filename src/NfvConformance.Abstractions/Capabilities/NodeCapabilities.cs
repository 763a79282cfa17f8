// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Abstractions.Capabilities;

/// <summary>What one infrastructure node (a host or worker) publishes.</summary>
public sealed class NodeCapabilities
{
    /// <summary>Creates a node's capability set.</summary>
    /// <param name="id">The node id, unique within the target.</param>
    /// <param name="site">The site the node belongs to (for example <c>core-1</c> or <c>edge-3</c>).</param>
    /// <param name="profile">The node's one top-level profile (<c>basic</c> or <c>high-performance</c>).</param>
    /// <param name="extensions">The node's profile-extension labels (for example <c>network-smartnic</c>).</param>
    /// <param name="capabilities">Capability values by catalogue uid (for example <c>RM:e.cap.013</c>).</param>
    /// <param name="features">Short feature names the node offers (for example <c>sriov</c>, <c>dpdk</c>, <c>smartnic</c>).</param>
    /// <param name="hardware">What hardware discovery found on the node (NICs, accelerators, CPU, NUMA), if the target knows.</param>
    public NodeCapabilities(
        string id,
        string site,
        string profile,
        IReadOnlyList<string> extensions,
        IReadOnlyDictionary<string, CapabilityValue> capabilities,
        IReadOnlySet<string> features,
        Inventory.NodeHardware? hardware = null)
    {
        Hardware = hardware;
        Id = id;
        Site = site;
        Profile = profile;
        Extensions = extensions;
        Capabilities = capabilities;
        Features = features;
    }

    /// <summary>Gets the node id.</summary>
    public string Id { get; }

    /// <summary>Gets the site the node belongs to.</summary>
    public string Site { get; }

    /// <summary>Gets the node's top-level profile.</summary>
    public string Profile { get; }

    /// <summary>Gets the node's profile-extension labels.</summary>
    public IReadOnlyList<string> Extensions { get; }

    /// <summary>Gets the capability values by catalogue uid.</summary>
    public IReadOnlyDictionary<string, CapabilityValue> Capabilities { get; }

    /// <summary>Gets the short feature names the node offers.</summary>
    public IReadOnlySet<string> Features { get; }

    /// <summary>Gets what hardware discovery found on the node, or null when the target does not report hardware.</summary>
    public Inventory.NodeHardware? Hardware { get; }

    /// <summary>Tells whether this node offers a capability, named by catalogue uid, profile extension or feature name.</summary>
    /// <param name="capability">A uid (<c>RM:e.cap.013</c>), an extension (<c>network-smartnic</c>) or a feature (<c>sriov</c>).</param>
    /// <returns>True when the node offers it.</returns>
    public bool Offers(string capability) =>
        (Capabilities.TryGetValue(capability, out CapabilityValue? value) && value.IsOffered)
        || Features.Contains(capability)
        || Extensions.Contains(capability, StringComparer.OrdinalIgnoreCase);
}
