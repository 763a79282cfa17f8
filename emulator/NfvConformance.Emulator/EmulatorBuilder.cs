// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Abstractions.Targets;
using NfvConformance.Emulator.Capabilities;

namespace NfvConformance.Emulator;

/// <summary>
/// Configures an in-process emulator. Immutable and fluent: each <c>With*</c> returns a new builder;
/// <see cref="Build"/> validates everything and reports every problem at once.
/// </summary>
public sealed class EmulatorBuilder
{
    private readonly string _profile;
    private readonly int _seed;
    private readonly IReadOnlyList<CapabilityDefinition> _catalogue;
    private readonly HardwareInventory? _inventory;
    private readonly string? _inventoryFile;
    private readonly TrafficClock _traffic;
    private readonly EmulatorAreaOptions _areas;

    /// <summary>Creates a builder for the basic profile, seed 1, an empty catalogue and the embedded inventory.</summary>
    public EmulatorBuilder()
        : this(Profiles.Basic, 1, [], null, null, TrafficClock.Virtual, new EmulatorAreaOptions())
    {
    }

    private EmulatorBuilder(string profile, int seed, IReadOnlyList<CapabilityDefinition> catalogue, HardwareInventory? inventory, string? inventoryFile, TrafficClock traffic, EmulatorAreaOptions areas)
    {
        _areas = areas;
        _traffic = traffic;
        _profile = profile;
        _seed = seed;
        _catalogue = catalogue;
        _inventory = inventory;
        _inventoryFile = inventoryFile;
    }

    /// <summary>Gets the profile the emulator will present.</summary>
    public string Profile => _profile;

    /// <summary>Returns a builder presenting another profile.</summary>
    /// <param name="profile"><c>basic</c>, <c>high-performance</c> or <c>network-intensive</c>.</param>
    /// <returns>A new builder.</returns>
    public EmulatorBuilder WithProfile(string profile) => new(profile, _seed, _catalogue, _inventory, _inventoryFile, _traffic, _areas);

    /// <summary>Returns a builder with another seed.</summary>
    /// <param name="seed">The seed.</param>
    /// <returns>A new builder.</returns>
    public EmulatorBuilder WithSeed(int seed) => new(_profile, seed, _catalogue, _inventory, _inventoryFile, _traffic, _areas);

    /// <summary>Returns a builder using these capability definitions (from the requirement catalogue).</summary>
    /// <param name="catalogue">The definitions with their per-profile values.</param>
    /// <returns>A new builder.</returns>
    public EmulatorBuilder WithCatalogue(IReadOnlyList<CapabilityDefinition> catalogue) =>
        new(_profile, _seed, catalogue ?? throw new ArgumentNullException(nameof(catalogue)), _inventory, _inventoryFile, _traffic, _areas);

    /// <summary>Returns a builder using this hardware inventory instead of the embedded default.</summary>
    /// <param name="inventory">The inventory.</param>
    /// <returns>A new builder.</returns>
    public EmulatorBuilder WithInventory(HardwareInventory inventory) =>
        new(_profile, _seed, _catalogue, inventory ?? throw new ArgumentNullException(nameof(inventory)), null, _traffic, _areas);

    /// <summary>Returns a builder reading its hardware inventory from a YAML file when built.</summary>
    /// <param name="path">The inventory file.</param>
    /// <returns>A new builder.</returns>
    public EmulatorBuilder WithInventoryFile(string path) =>
        new(_profile, _seed, _catalogue, null, path ?? throw new ArgumentNullException(nameof(path)), _traffic, _areas);

    /// <summary>Gets which traffic generator the emulator offers.</summary>
    public TrafficClock Traffic => _traffic;

    /// <summary>Returns a builder whose <c>ITrafficGeneration</c> facet runs on another clock.</summary>
    /// <param name="traffic">Virtual time (the chain model; the default) or real time (the in-process generator).</param>
    /// <returns>A new builder.</returns>
    public EmulatorBuilder WithTrafficClock(TrafficClock traffic) => new(_profile, _seed, _catalogue, _inventory, _inventoryFile, traffic, _areas);

    /// <summary>Gets the options of the emulator's areas (container platform, service exposure, tenant networking, load balancing).</summary>
    public EmulatorAreaOptions Areas => _areas;

    /// <summary>Returns a builder whose areas run with these options.</summary>
    /// <param name="areas">The options of every area.</param>
    /// <returns>A new builder.</returns>
    public EmulatorBuilder WithAreaOptions(EmulatorAreaOptions areas) =>
        new(_profile, _seed, _catalogue, _inventory, _inventoryFile, _traffic, areas ?? throw new ArgumentNullException(nameof(areas)));

    /// <summary>Checks the configuration and returns every problem.</summary>
    /// <returns>Every problem; empty when the configuration is usable.</returns>
    public IReadOnlyList<ValidationError> Validate() => Prepare(out _);

    /// <summary>Validates and builds the emulator as a lab target, ready to start.</summary>
    /// <returns>The target.</returns>
    /// <exception cref="ConfigurationException">The configuration is unusable; the message lists every problem.</exception>
    public ILabTarget Build() => new EmulatorTarget(Profile, BuildInstance());

    internal EmulatorInstance BuildInstance()
    {
        IReadOnlyList<ValidationError> errors = Prepare(out ControlPlaneOptions? options);
        if (options is null || errors.Any(e => e.IsCritical))
        {
            throw new ConfigurationException(
                $"The emulator cannot be built ({errors.Count} problem(s)):{Environment.NewLine}{string.Join(Environment.NewLine, errors.Select(e => $"  {e}"))}");
        }

        return new EmulatorInstance(ControlPlane.Create(options), _seed, _traffic, _areas);
    }

    private List<ValidationError> Prepare(out ControlPlaneOptions? options)
    {
        options = null;
        List<ValidationError> errors = [];
        HardwareInventory? inventory = _inventory;
        if (_inventoryFile is not null)
        {
            if (!File.Exists(_inventoryFile))
            {
                errors.Add(new ValidationError(true, "inventory file does not exist; pass an existing YAML file (format: docs/control-plane.md).", _inventoryFile));
            }
            else
            {
                (inventory, IReadOnlyList<ValidationError> inventoryErrors) = HardwareInventories.TryParse(File.ReadAllText(_inventoryFile), _inventoryFile);
                errors.AddRange(inventoryErrors);
            }
        }

        ControlPlaneOptions candidate = new() { Profile = _profile, Seed = _seed, Catalogue = _catalogue, Inventory = inventory };
        errors.AddRange(ControlPlane.Validate(candidate));
        if (!errors.Any(e => e.IsCritical))
        {
            options = candidate;
        }

        return errors;
    }
}
