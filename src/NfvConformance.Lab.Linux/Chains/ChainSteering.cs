// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Lab.Linux.Chains;

/// <summary>How the chain lab's steering namespace moves packets between the client, the instances and the server.</summary>
internal enum ChainSteering
{
    /// <summary>The kernel: nftables classifier, DSCP path code, fwmark, policy routing and ECMP (the default).</summary>
    Kernel,

    /// <summary>Open vSwitch, userspace datapath: OpenFlow classifier and per-hop rules, select groups for port pair groups.</summary>
    Ovs,
}

/// <summary>The linux target setting that chooses the steering (<c>--set steering=kernel|ovs</c>).</summary>
internal static class ChainSteeringSetting
{
    /// <summary>The setting's name.</summary>
    public const string Name = "steering";

    /// <summary>The tools Open vSwitch steering drives (Debian package openvswitch-switch).</summary>
    public static readonly string[] OvsTools = ["ovsdb-tool", "ovsdb-server", "ovs-vswitchd", "ovs-vsctl", "ovs-ofctl", "ethtool"];

    /// <summary>Reads the setting's value.</summary>
    /// <param name="value">The value (kernel or ovs; null means kernel).</param>
    /// <param name="steering">The steering.</param>
    /// <returns>True when the value is known.</returns>
    public static bool TryParse(string? value, out ChainSteering steering)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case null or "" or "kernel":
                steering = ChainSteering.Kernel;
                return true;
            case "ovs" or "openvswitch":
                steering = ChainSteering.Ovs;
                return true;
            default:
                steering = default;
                return false;
        }
    }
}
