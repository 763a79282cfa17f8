// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Requirements;

namespace NfvConformance.Abstractions.Targets;

/// <summary>What every target is created with.</summary>
public sealed class LabTargetOptions
{
    /// <summary>Gets the profile to present: <c>basic</c> or <c>high-performance</c> (<c>network-intensive</c> is the legacy alias).</summary>
    public string Profile { get; init; } = Profiles.Basic;

    /// <summary>Gets the seed for everything random in the target, so a run repeats from its seed.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Gets the capability definitions and per-profile values from the requirement catalogue.</summary>
    public IReadOnlyList<CapabilityDefinition> Catalogue { get; init; } = [];

    /// <summary>Gets target-specific settings (<c>key=value</c> from the command line or a target file).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();
}
