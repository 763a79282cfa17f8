// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Abstractions.Targets;
using NfvConformance.Core;
using NfvConformance.Core.Requirements;
using NfvConformance.Core.Running;
using NfvConformance.Gherkin.NUnit;
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

    [OneTimeTearDown]
    public async Task StopTargetAsync()
    {
        if (_session is not null)
        {
            await _session.DisposeAsync();
        }
    }

    /// <inheritdoc />
    protected override GherkinSuiteOptions CreateOptions()
    {
        string features = RepositoryPaths.FindUpwards("features") ?? throw new InvalidOperationException("features/ not found above " + AppContext.BaseDirectory);
        RunSession session = _session ??= RunSession.StartAsync(
            TargetRegistry.Default.Get("emulator"),
            new LabTargetOptions { Profile = Profile, Seed = 1, Catalogue = s_catalog.Value.Capabilities },
            s_catalog.Value).GetAwaiter().GetResult();
        return new GherkinSuiteOptions
        {
            FeaturePaths = [features],
            BindingAssemblies = [typeof(TargetRegistry).Assembly],
            ConfigureScenario = session.Configure,
        };
    }
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
