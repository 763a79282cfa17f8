// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Abstractions.Requirements;

/// <summary>The infrastructure profile names of the Anuket Reference Model.</summary>
public static class Profiles
{
    /// <summary>The basic profile (B).</summary>
    public const string Basic = "basic";

    /// <summary>The high-performance profile (H).</summary>
    public const string HighPerformance = "high-performance";

    /// <summary>The legacy name of the high-performance profile until RM Elbrus (N); it keeps its own older values.</summary>
    public const string NetworkIntensive = "network-intensive";

    /// <summary>Gets the profiles a user may ask for.</summary>
    public static IReadOnlyList<string> All { get; } = [Basic, HighPerformance, NetworkIntensive];

    /// <summary>Maps a profile name to the catalogue's <c>profile_values</c> key.</summary>
    /// <param name="profile">A profile name.</param>
    /// <returns>The key (<c>basic</c>, <c>high_performance</c> or <c>network_intensive</c>), or null when the name is unknown.</returns>
    public static string? CatalogueKey(string profile) => profile switch
    {
        Basic => "basic",
        HighPerformance => "high_performance",
        NetworkIntensive => "network_intensive",
        _ => null,
    };
}
