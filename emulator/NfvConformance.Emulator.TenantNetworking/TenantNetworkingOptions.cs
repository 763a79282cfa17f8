// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Emulator.TenantNetworking;

/// <summary>
/// How the emulated tenant networking service behaves. The defaults are conformant; each switch turns one behaviour
/// off, so tests can show that the check built on it fails.
/// </summary>
public sealed record TenantNetworkingOptions
{
    /// <summary>Gets a value indicating whether the overlay hop between nodes is carried in ESP-in-UDP with AES-GCM (RFC 4106, RFC 3948).</summary>
    public bool EncryptUnderlay { get; init; } = true;

    /// <summary>Gets a value indicating whether security groups are enforced on ports (false: every frame passes).</summary>
    public bool EnforceSecurityGroups { get; init; } = true;

    /// <summary>Gets a value indicating whether security groups are stateful (false: replies need their own rules).</summary>
    public bool StatefulSecurityGroups { get; init; } = true;

    /// <summary>Gets a value indicating whether the outer UDP source port is a hash of the inner flow (false: one fixed port).</summary>
    public bool OuterSourcePortEntropy { get; init; } = true;

    /// <summary>Gets a value indicating whether compute nodes route east-west traffic themselves (false: through the network node).</summary>
    public bool DistributedRouting { get; init; } = true;

    /// <summary>Gets a value indicating whether every tenant network gets the same VNI (a broken segmentation allocator).</summary>
    public bool SharedVni { get; init; }

    /// <summary>Gets a value indicating whether each tenant has its own queue at a node's uplink (false: one shared FIFO).</summary>
    public bool PerTenantQueues { get; init; } = true;

    /// <summary>Gets a value indicating whether the SDN fabric controller programs the nodes for BGP VPNs (false: the API accepts them, nothing is provisioned).</summary>
    public bool FabricControllerIntegrated { get; init; } = true;

    /// <summary>Gets a value indicating whether NAT updates the TCP/UDP/ICMP checksum (false: a NAT that leaves it stale).</summary>
    public bool UpdateChecksumsOnNat { get; init; } = true;

    /// <summary>Gets a value indicating whether tenant routers forward to underlay addresses (a leak between underlay and overlay).</summary>
    public bool UnderlayReachableFromTenants { get; init; }

    /// <summary>Gets a value indicating whether another project may read a project's usage.</summary>
    public bool UsageVisibleToAll { get; init; }

    /// <summary>Gets a value indicating whether encrypted volume types really encrypt (false: they store plaintext while reporting encrypted).</summary>
    public bool VolumeEncryptionWorks { get; init; } = true;

    /// <summary>Gets a value indicating whether notifications are emitted.</summary>
    public bool EmitNotifications { get; init; } = true;

    /// <summary>Gets the delay each node's agent takes to apply a change (zero: as fast as the tables are written).</summary>
    public TimeSpan AgentSyncDelay { get; init; } = TimeSpan.Zero;

    /// <summary>Gets the default MTU of tenant networks (1450: a 1500-byte underlay minus the VXLAN overhead).</summary>
    public int DefaultMtu { get; init; } = 1450;

    /// <summary>Gets the storage pool's capacity.</summary>
    public long StorageCapacityGiB { get; init; } = 10_240;

    /// <summary>Gets the uplink's capacity in frames per scheduling round (contention trials).</summary>
    public int UplinkFramesPerRound { get; init; } = 64;

    /// <summary>Gets the depth of an uplink queue, in frames.</summary>
    public int UplinkQueueFrames { get; init; } = 128;
}
