// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Abstractions.Requirements;

/// <summary>
/// The names areas went by before they were renamed (docs/areas.md), so that what was written under an old name still
/// reads: scenario ids and feature files of older runs (run history, <c>nfvc compare</c>, <c>nfvc report</c>), target
/// figures in a user's <c>--targets</c> file and <c>--set AREA.OPTION</c> settings. Each list maps an old name to the
/// current one; a name that was never renamed maps to itself.
/// </summary>
public static class AreaNames
{
    /// <summary>Gets the renamed feature folders (<c>features/&lt;Area&gt;/</c>), old first.</summary>
    public static IReadOnlyList<(string Old, string Current)> FeatureFolders { get; } =
    [
        ("ContainerNetworking", "ContainerPlatform"),
        ("TenantNetworks", "TenantNetworking"),
    ];

    /// <summary>Gets the renamed target-figure prefixes (<c>area.figure</c>), old first.</summary>
    public static IReadOnlyList<(string Old, string Current)> FigurePrefixes { get; } =
    [
        ("tenant_networks", "tenant_networking"),
        ("loadbalancing", "load_balancing"),
    ];

    /// <summary>Gets the renamed setting prefixes (<c>--set area.option=value</c>), old first.</summary>
    public static IReadOnlyList<(string Old, string Current)> SettingPrefixes { get; } =
    [
        ("containers", "container-platform"),
    ];

    /// <summary>
    /// Returns a scenario id, location or feature file (<c>ContainerNetworking/DualStack.feature:12</c>, optionally under
    /// <c>features/</c>) under the current name of its area.
    /// </summary>
    /// <param name="path">The id, location or file, relative to the feature tree or to the repository.</param>
    /// <returns>The path under the area's current name; the path itself when its area was never renamed.</returns>
    public static string CurrentScenarioPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string normalized = path.Replace('\\', '/');
        const string Root = "features/";
        string prefix = normalized.StartsWith(Root, StringComparison.Ordinal) ? Root : string.Empty;
        string rest = normalized[prefix.Length..];
        foreach ((string old, string current) in FeatureFolders)
        {
            if (rest.StartsWith(old + "/", StringComparison.Ordinal))
            {
                return prefix + current + rest[old.Length..];
            }
        }

        return path;
    }

    /// <summary>Returns a target figure's key (<c>tenant_networks.internal_create_max_ms</c>) under the current name of its area.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The key under the area's current prefix; the key itself when its prefix was never renamed.</returns>
    public static string CurrentFigureKey(string key) => Current(key, FigurePrefixes);

    /// <summary>Returns a setting key (<c>containers.max-pods</c>) under the current name of its area.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The key under the area's current prefix; the key itself when its prefix was never renamed.</returns>
    public static string CurrentSettingKey(string key) => Current(key, SettingPrefixes);

    private static string Current(string key, IReadOnlyList<(string Old, string Current)> renames)
    {
        ArgumentNullException.ThrowIfNull(key);
        foreach ((string old, string current) in renames)
        {
            if (key.StartsWith(old + ".", StringComparison.Ordinal))
            {
                return current + key[old.Length..];
            }
        }

        return key;
    }
}
