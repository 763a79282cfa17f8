// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Abstractions.Targets;

namespace NfvConformance.Emulator;

/// <summary>Creates the in-process emulator target (<c>--target emulator</c>).</summary>
public sealed class EmulatorTargetFactory : ILabTargetFactory
{
    /// <summary>The name users type after <c>--target</c>.</summary>
    public const string TargetName = "emulator";

    /// <summary>The setting naming a hardware inventory YAML file that replaces the embedded default.</summary>
    public const string InventorySetting = "inventory";

    /// <summary>The setting choosing the traffic generator: <c>virtual</c> (the default) or <c>real-time</c>.</summary>
    public const string TrafficSetting = "traffic";

    private const string RunnerSettingPrefix = "nfvc.";

    private static readonly string[] s_knownSettings = [InventorySetting, TrafficSetting];

    /// <inheritdoc />
    public string Name => TargetName;

    /// <inheritdoc />
    public string Description => "The in-process NFVI emulator: capabilities, hardware discovery, negotiation, placement, lifecycle, dataplane.";

    /// <inheritdoc />
    public IReadOnlyList<ValidationError> Validate(LabTargetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<ValidationError> errors = [];
        foreach (string key in options.Settings.Keys.Order(StringComparer.Ordinal))
        {
            // Keys under "nfvc." are the runner's own settings (for example nfvc.targets), passed to every target.
            if (Array.IndexOf(s_knownSettings, key) < 0 && !key.StartsWith(RunnerSettingPrefix, StringComparison.Ordinal) && !EmulatorAreaOptions.IsAreaSetting(key))
            {
                errors.Add(new ValidationError(true, $"unknown emulator setting '{key}'; known settings: {string.Join(", ", s_knownSettings)}, and AREA.OPTION for {string.Join(", ", EmulatorAreaOptions.Areas)} (for example tenant-networking.encrypt-underlay=false).", $"settings.{key}"));
            }
        }

        if (options.Settings.TryGetValue(TrafficSetting, out string? traffic) && ParseTraffic(traffic) is null)
        {
            errors.Add(new ValidationError(true, $"emulator setting traffic = '{traffic}' is not understood; use 'virtual' (virtual-time chain model) or 'real-time' (in-process generator).", $"settings.{TrafficSetting}"));
        }

        if (options.Catalogue.Count == 0)
        {
            errors.Add(new ValidationError(false, "no capability definitions were given; only hardware-backed capabilities will be published. Pass the requirement catalogue.", "catalogue"));
        }

        _ = EmulatorAreaOptions.From(options.Settings, errors);
        errors.AddRange(ToBuilder(options).Validate());
        return errors;
    }

    /// <inheritdoc />
    public ILabTarget Create(LabTargetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new EmulatorTarget(ToBuilder(options));
    }

    private static EmulatorBuilder ToBuilder(LabTargetOptions options)
    {
        EmulatorBuilder builder = new EmulatorBuilder()
            .WithProfile(options.Profile)
            .WithSeed(options.Seed)
            .WithCatalogue(options.Catalogue)
            .WithAreaOptions(EmulatorAreaOptions.From(options.Settings, []));
        if (options.Settings.TryGetValue(TrafficSetting, out string? traffic) && ParseTraffic(traffic) is TrafficClock clock)
        {
            builder = builder.WithTrafficClock(clock);
        }

        return options.Settings.TryGetValue(InventorySetting, out string? path) ? builder.WithInventoryFile(path) : builder;
    }

    private static TrafficClock? ParseTraffic(string value) => value.Trim().ToLowerInvariant() switch
    {
        "virtual" or "virtual-time" => TrafficClock.Virtual,
        "real-time" or "realtime" => TrafficClock.RealTime,
        _ => null,
    };
}
