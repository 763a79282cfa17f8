// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.Targets;
using NfvConformance.Core.Evidence;
using NfvConformance.Core.Requirements;
using NfvConformance.Core.Running;
using NfvConformance.Suites.Drivers;
using NfvConformance.Suites.Support;

namespace NfvConformance.Emulator.Capabilities.Tests.Checks;

/// <summary>
/// Starts an emulator (the reference inventory or one given) and hands out the suite's drivers on it, so a test can
/// run a scenario's Then step against a conformant and a non-conformant NFVI.
/// </summary>
internal sealed class SuiteHarness : IAsyncDisposable
{
    private static readonly Lazy<RequirementCatalog> s_catalog = new(RequirementCatalog.LoadDefault);

    private SuiteHarness(ILabTarget target, RunContext run)
    {
        Target = target;
        Run = run;
        Evidence = new ScenarioEvidence();
        Discovery = new DiscoveryDriver(run, Evidence);
    }

    /// <summary>Gets the catalogue's capability definitions, for control planes built by a test.</summary>
    public static IReadOnlyList<Abstractions.Requirements.CapabilityDefinition> Catalogue => s_catalog.Value.Capabilities;

    public ILabTarget Target { get; }

    public RunContext Run { get; }

    public ScenarioEvidence Evidence { get; }

    public DiscoveryDriver Discovery { get; }

    /// <summary>Gets what the scenario's drivers undo when it ends (run by <see cref="DisposeAsync"/>, or by a test that checks the undoing).</summary>
    public ScenarioTeardown Teardown { get; } = new();

    public static async Task<SuiteHarness> StartAsync(string profile, HardwareInventory? inventory = null)
    {
        EmulatorBuilder builder = new EmulatorBuilder().WithProfile(profile).WithCatalogue(s_catalog.Value.Capabilities);
        if (inventory is not null)
        {
            builder = builder.WithInventory(inventory);
        }

        ILabTarget target = builder.Build();
        await target.StartAsync();
        RunContext run = new(target, await target.DiscoverAsync(), s_catalog.Value, new LabTargetOptions { Profile = profile });
        SuiteHarness harness = new(target, run);
        await harness.Discovery.DiscoverAsync();
        return harness;
    }

    /// <summary>Runs the suite's drivers on a control plane alone (built with options the emulator builder does not expose).</summary>
    public static async Task<SuiteHarness> StartAsync(ControlPlaneOptions options, Func<ControlPlane, IReadOnlyDictionary<Type, object>>? overrides = null)
    {
        ControlPlane cp = ControlPlane.Create(options);
        ILabTarget target = new ControlPlaneTarget(cp, overrides?.Invoke(cp));
        RunContext run = new(target, await target.DiscoverAsync(), s_catalog.Value, new LabTargetOptions { Profile = options.Profile });
        SuiteHarness harness = new(target, run);
        await harness.Discovery.DiscoverAsync();
        return harness;
    }

    /// <summary>Returns the reference inventory of a profile with one node replaced.</summary>
    public static HardwareInventory WithNode(string profile, string nodeId, Func<NodeHardware, NodeHardware> change)
    {
        HardwareInventory inv = HardwareInventories.Default(profile);
        return inv with { Nodes = [.. inv.Nodes.Select(n => n.Id == nodeId ? change(n) : n)] };
    }

    public HardwareDriver Hardware() => new(Run, Discovery, Evidence, Teardown);

    public VnicDriver Vnic() => new(Run, Discovery, Evidence, Teardown);

    public AccelerationDriver Accelerators() => new(Run, Discovery, Evidence, Teardown);

    public TelemetryDriver Telemetry(HardwareDriver hardware) => new(Run, hardware, Evidence);

    public async ValueTask DisposeAsync()
    {
        await Teardown.TearDownAsync();
        await Target.DisposeAsync();
    }
}

/// <summary>A lab target made of a control plane only.</summary>
internal sealed class ControlPlaneTarget(ControlPlane controlPlane, IReadOnlyDictionary<Type, object>? overrides = null) : ILabTarget
{
    public string Name => "control-plane";

    public string Profile => controlPlane.Profile;

    public ValueTask StartAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask<Abstractions.Capabilities.CapabilitySnapshot> DiscoverAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(controlPlane.Publisher.Current);

    public TFeature? GetFeature<TFeature>()
        where TFeature : class =>
        overrides is not null && overrides.TryGetValue(typeof(TFeature), out object? o) ? o as TFeature
        : controlPlane.Facets.TryGetValue(typeof(TFeature), out object? f) ? f as TFeature : null;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
