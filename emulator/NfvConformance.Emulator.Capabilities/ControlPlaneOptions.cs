// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.Requirements;

namespace NfvConformance.Emulator.Capabilities;

/// <summary>What the emulator's control plane is built from.</summary>
public sealed class ControlPlaneOptions
{
    /// <summary>Gets the profile the control plane presents.</summary>
    public string Profile { get; init; } = Profiles.Basic;

    /// <summary>Gets the capability definitions with their per-profile values (the requirement catalogue).</summary>
    public IReadOnlyList<CapabilityDefinition> Catalogue { get; init; } = [];

    /// <summary>Gets the hardware inventory; null means the embedded default for <see cref="Profile"/>.</summary>
    public HardwareInventory? Inventory { get; init; }

    /// <summary>Gets the seed for every tie the control plane breaks at random (none today: ties break by name).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Gets the virtual start time of the control plane's clock.</summary>
    public DateTimeOffset StartTime { get; init; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Gets the physical constants of the emulated PTP timing path (fibre delay, asymmetry, time-stamp noise).</summary>
    public Timing.PtpModel Ptp { get; init; } = new();

    /// <summary>
    /// Gets the vNIC bandwidth guarantees allowed per physical port as a multiple of its speed: 1 (the default) never
    /// oversubscribes; above 1 models a Placement allocation_ratio misconfigured on bandwidth inventories.
    /// </summary>
    public double VnicAllocationRatio { get; init; } = 1.0;
}
