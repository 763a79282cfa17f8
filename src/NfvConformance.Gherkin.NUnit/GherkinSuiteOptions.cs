// Licensed under the Apache License, Version 2.0.
using System.Reflection;
using NfvConformance.Gherkin.Pickles;
using NfvConformance.Gherkin.Runtime;

namespace NfvConformance.Gherkin.NUnit;

/// <summary>What a <see cref="GherkinTestFixture"/> exposes: feature files, the bindings, and per-scenario set-up.</summary>
public sealed class GherkinSuiteOptions
{
    /// <summary>
    /// Gets the feature files or directories (searched recursively). Relative paths are resolved against the test
    /// assembly's folder, so copy the features to the output directory.
    /// </summary>
    public required IReadOnlyList<string> FeaturePaths { get; init; }

    /// <summary>Gets the assemblies whose <c>[Binding]</c> classes bind the steps.</summary>
    public required IReadOnlyList<Assembly> BindingAssemblies { get; init; }

    /// <summary>Gets a callback that registers instances in each scenario's container before its hooks run, or null.</summary>
    public Action<ScenarioContainer, Pickle>? ConfigureScenario { get; init; }

    /// <summary>Gets a tag expression selecting the scenarios that become test cases (for example <c>not @wip</c>), or null for all.</summary>
    public string? Tags { get; init; }

    /// <summary>Gets the clock for start times and durations.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
