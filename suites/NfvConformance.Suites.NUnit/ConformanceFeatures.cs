// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Abstractions.Targets;
using NfvConformance.Core;
using NfvConformance.Core.Requirements;
using NfvConformance.Core.Running;
using NfvConformance.Gherkin.NUnit;
using NfvConformance.Gherkin.Pickles;
using NfvConformance.Gherkin.Runtime;
using NfvConformance.Cli.Composition;
using NfvConformance.Suites.Support;

namespace NfvConformance.Suites.NUnit;

/// <summary>
/// Every scenario of <c>features/</c> as an NUnit test case (<c>Feature/Scenario</c>), run against the embedded
/// emulator with the same bindings and the same applicability rules as <c>nfvc run</c>. One fixture per profile.
/// </summary>
public abstract class ConformanceFeatures : GherkinTestFixture
{
    private static readonly Lazy<RequirementCatalog> s_catalog = new(RequirementCatalog.LoadDefault);

    private RunSession? _session;

    /// <summary>Gets the profile the emulator presents to this fixture's scenarios.</summary>
    protected abstract string Profile { get; }

    /// <summary>Starts the emulator once for the fixture; scenarios share it as a run does.</summary>
    /// <returns>A task.</returns>
    [OneTimeSetUp]
    public async Task StartTargetAsync() =>
        _session = await RunSession.StartAsync(
            KnownTargets.Default.Get("emulator"),
            new LabTargetOptions { Profile = Profile, Seed = 1, Catalogue = s_catalog.Value.Capabilities },
            s_catalog.Value);

    /// <inheritdoc />
    protected override GherkinSuiteOptions CreateOptions() => new()
    {
        // Called at discovery on an instance of its own: no side effects here.
        FeaturePaths = [RepositoryPaths.FindUpwards("features") ?? throw new InvalidOperationException("features/ not found above " + AppContext.BaseDirectory)],
        BindingAssemblies = [typeof(ApplicabilityHooks).Assembly],
    };

    /// <inheritdoc />
    protected override void ConfigureScenario(ScenarioContainer container, Pickle pickle) =>
        (_session ?? throw new InvalidOperationException("The emulator did not start; see the one-time set-up failure.")).Configure(container, pickle);

    /// <inheritdoc />
    protected override ValueTask OnRunFinishedAsync() => _session?.DisposeAsync() ?? ValueTask.CompletedTask;
}

/// <summary>The suite on the basic profile.</summary>
[TestFixture]
public sealed class BasicProfileFeatures : ConformanceFeatures
{
    /// <inheritdoc />
    protected override string Profile => Profiles.Basic;
}

/// <summary>The suite on the high-performance profile.</summary>
[TestFixture]
public sealed class HighPerformanceProfileFeatures : ConformanceFeatures
{
    /// <inheritdoc />
    protected override string Profile => Profiles.HighPerformance;
}
