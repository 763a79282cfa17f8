// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.Lifecycle;
using NfvConformance.Abstractions.Negotiation;
using NfvConformance.Abstractions.Placement;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Abstractions.Sites;
using NfvConformance.Emulator.Capabilities.Internal.Lifecycle;
using NfvConformance.Emulator.Capabilities.Internal.Placement;
using NfvConformance.Emulator.Capabilities.Internal.Publishing;
using NfvConformance.Emulator.Capabilities.Internal.Sites;
using NfvConformance.Emulator.Capabilities.Timing;

namespace NfvConformance.Emulator.Capabilities;

/// <summary>
/// The emulator's control plane: capability publisher, hardware inventory, sites, negotiation, placement and
/// lifecycle. Each part is a facet interface from the Abstractions assembly, listed in <see cref="Facets"/>.
/// </summary>
public sealed class ControlPlane
{
    private readonly CapabilityPublisher _publisher;

    private ControlPlane(ControlPlaneOptions options, HardwareInventory inventory)
    {
        Profile = options.Profile;
        _publisher = new CapabilityPublisher(new CapabilityProjector(options.Catalogue), options.Profile, inventory);
        SiteTopology sites = new(inventory.Sites, inventory.Links);
        Sites = sites;
        PlacementEngine placement = new(_publisher, sites);
        Negotiator = placement;
        Placement = placement;
        Clock = new VirtualClock(options.StartTime);
        LifecycleManager lifecycle = new(placement, Clock);
        Lifecycle = lifecycle;
        Facets = new Dictionary<Type, object>
        {
            [typeof(ICapabilities)] = _publisher,
            [typeof(IHardwareInventory)] = _publisher,
            [typeof(ISiteTopology)] = sites,
            [typeof(INegotiation)] = placement,
            [typeof(IPlacement)] = placement,
            [typeof(IVnfLifecycle)] = lifecycle,
            [typeof(IPtpSynchronisation)] = new PtpSynchronisation(_publisher, options.Ptp),
            [typeof(IAcceleration)] = new AcceleratorLedger(_publisher),
            [typeof(Abstractions.Telemetry.ITelemetry)] = new Telemetry.PortTelemetry(inventory, h => _publisher.InventoryChanged += h, Clock),
            [typeof(IVnicBandwidth)] = new VnicBandwidthLedger(_publisher, options.VnicAllocationRatio),
        };
    }

    /// <summary>Gets the profile presented.</summary>
    public string Profile { get; }

    /// <summary>Gets the capability publisher.</summary>
    public ICapabilities Publisher => _publisher;

    /// <summary>Gets the live hardware inventory.</summary>
    public IHardwareInventory Hardware => _publisher;

    /// <summary>Gets the sites and WAN links.</summary>
    public ISiteTopology Sites { get; }

    /// <summary>Gets the negotiator.</summary>
    public INegotiation Negotiator { get; }

    /// <summary>Gets the placement service.</summary>
    public IPlacement Placement { get; }

    /// <summary>Gets the VNF lifecycle manager.</summary>
    public IVnfLifecycle Lifecycle { get; }

    /// <summary>Gets the virtual clock lifecycle operations advance.</summary>
    public VirtualClock Clock { get; }

    /// <summary>Gets every facet by its interface type.</summary>
    public IReadOnlyDictionary<Type, object> Facets { get; }

    /// <summary>Checks options and returns every problem.</summary>
    /// <param name="options">The options.</param>
    /// <returns>Every problem; empty when usable.</returns>
    public static IReadOnlyList<ValidationError> Validate(ControlPlaneOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<ValidationError> errors = [];
        if (Profiles.CatalogueKey(options.Profile) is null)
        {
            errors.Add(new ValidationError(true, $"unknown profile '{options.Profile}'; use one of: {string.Join(", ", Profiles.All)}.", "profile"));
        }

        HashSet<string> uids = new(StringComparer.Ordinal);
        foreach (CapabilityDefinition d in options.Catalogue)
        {
            if (!uids.Add(d.Uid))
            {
                errors.Add(new ValidationError(true, $"capability '{d.Uid}' is defined twice; remove one definition.", d.Location));
            }
        }

        if (options.Inventory is { } inv)
        {
            HashSet<string> sites = [.. inv.Sites.Select(s => s.Name)];
            foreach (NodeHardware n in inv.Nodes)
            {
                if (!sites.Contains(n.Site))
                {
                    errors.Add(new ValidationError(true, $"node '{n.Id}' stands in unknown site '{n.Site}'; known: {string.Join(", ", sites)}.", n.Source));
                }
            }

            if (inv.Nodes.Count == 0)
            {
                errors.Add(new ValidationError(true, "the inventory has no nodes; add at least one.", inv.Source));
            }
            else if (Profiles.CatalogueKey(options.Profile) is not null && !inv.Nodes.Any(n => n.Profile == options.Profile))
            {
                errors.Add(new ValidationError(false, $"no node has the profile '{options.Profile}' the target presents (profiles here: {string.Join(", ", inv.Nodes.Select(n => n.Profile).Distinct())}); profile-specific checks will find nothing to test.", inv.Source));
            }
        }

        return errors;
    }

    /// <summary>Builds a control plane after validating its options.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The control plane.</returns>
    /// <exception cref="ConfigurationException">The options are unusable; the message lists every problem.</exception>
    public static ControlPlane Create(ControlPlaneOptions options)
    {
        IReadOnlyList<ValidationError> errors = Validate(options);
        if (errors.Any(e => e.IsCritical))
        {
            throw new ConfigurationException(HardwareInventories.Describe($"The emulator control plane cannot start ({errors.Count} problem(s))", errors));
        }

        return new ControlPlane(options, options.Inventory ?? HardwareInventories.Default(options.Profile));
    }
}
