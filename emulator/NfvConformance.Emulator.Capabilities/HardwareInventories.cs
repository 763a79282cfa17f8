// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Emulator.Capabilities.Internal.Inventory;

namespace NfvConformance.Emulator.Capabilities;

/// <summary>Reads hardware inventories: the emulator's embedded default per profile, or a user's YAML file.</summary>
public static class HardwareInventories
{
    // Inventory records are immutable, so each embedded default is parsed once and shared.
    private static readonly Dictionary<string, Lazy<HardwareInventory>> s_defaults = new(StringComparer.Ordinal)
    {
        ["basic"] = new(() => ParseEmbedded("basic")),
        ["high-performance"] = new(() => ParseEmbedded("high-performance")),
    };

    /// <summary>Returns the embedded default inventory for a profile.</summary>
    /// <param name="profile"><c>basic</c>, <c>high-performance</c> or <c>network-intensive</c>; the last uses the
    /// high-performance hardware with its nodes labelled <c>network-intensive</c>, so the older catalogue values apply.</param>
    /// <returns>The inventory.</returns>
    /// <exception cref="ConfigurationException">The profile is unknown.</exception>
    public static HardwareInventory Default(string profile)
    {
        string resource = profile switch
        {
            Profiles.Basic => "basic",
            Profiles.HighPerformance or Profiles.NetworkIntensive => "high-performance",
            _ => throw new ConfigurationException($"Unknown profile '{profile}'. Use one of: {string.Join(", ", Profiles.All)}."),
        };
        HardwareInventory inventory = s_defaults[resource].Value;
        if (profile == Profiles.NetworkIntensive)
        {
            inventory = inventory with
            {
                Nodes = [.. inventory.Nodes.Select(n => n.Profile == Profiles.HighPerformance ? n with { Profile = Profiles.NetworkIntensive } : n)],
            };
        }

        return inventory;
    }

    private static HardwareInventory ParseEmbedded(string resource)
    {
        string name = $"Inventories.{resource}.yaml";
        using Stream stream = typeof(HardwareInventories).Assembly.GetManifestResourceStream(name)
            ?? throw new NfvConformanceException($"The embedded inventory '{name}' is missing from {typeof(HardwareInventories).Assembly.GetName().Name}; rebuild the emulator.");
        using StreamReader reader = new(stream);
        return Parse(reader.ReadToEnd(), $"embedded:{resource}.yaml");
    }

    /// <summary>Reads an inventory file.</summary>
    /// <param name="path">The YAML file.</param>
    /// <returns>The inventory.</returns>
    /// <exception cref="ConfigurationException">The file is missing or malformed; the message lists every problem with file, line and field.</exception>
    public static HardwareInventory Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new ConfigurationException($"Inventory file '{path}' does not exist; pass an existing YAML file (see docs/control-plane.md for the format).");
        }

        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses inventory YAML.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <param name="file">The name used in error messages.</param>
    /// <returns>The inventory.</returns>
    /// <exception cref="ConfigurationException">The text is malformed; the message lists every problem with file, line and field.</exception>
    public static HardwareInventory Parse(string yaml, string file)
    {
        (HardwareInventory? inventory, IReadOnlyList<ValidationError> errors) = TryParse(yaml, file);
        return inventory ?? throw new ConfigurationException(Describe($"Inventory '{file}' has {errors.Count} problem(s)", errors));
    }

    /// <summary>Parses inventory YAML without throwing.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <param name="file">The name used in error messages.</param>
    /// <returns>The inventory, or null with every problem found.</returns>
    public static (HardwareInventory? Inventory, IReadOnlyList<ValidationError> Errors) TryParse(string yaml, string file) =>
        InventoryReader.Parse(yaml, file);

    internal static string Describe(string headline, IReadOnlyList<ValidationError> errors) =>
        $"{headline}:{Environment.NewLine}{string.Join(Environment.NewLine, errors.Select(e => $"  {e}"))}";
}
