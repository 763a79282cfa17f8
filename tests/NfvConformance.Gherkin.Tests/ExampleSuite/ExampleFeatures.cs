// Licensed under the Apache License, Version 2.0.
using NfvConformance.Gherkin.NUnit;

namespace NfvConformance.Gherkin.Tests.ExampleSuite;

/// <summary>The example suite as a test project exposes it: every scenario that should pass, one NUnit test case each.</summary>
public sealed class ExampleFeatures : GherkinTestFixture
{
    protected override GherkinSuiteOptions CreateOptions() => new()
    {
        FeaturePaths = ["ExampleSuite/Features"],
        BindingAssemblies = [typeof(ExampleFeatures).Assembly],
        Tags = "not @outcomes",
        ConfigureScenario = (container, _) => container.RegisterInstance(ExampleLab.Default),
    };
}

/// <summary>Every example scenario, including those that fail, are pending or undefined on purpose.</summary>
[Explicit("Run by ExampleSuiteTests through NUnit's own runner: some scenarios fail on purpose.")]
public sealed class ExampleOutcomeFeatures : GherkinTestFixture
{
    protected override GherkinSuiteOptions CreateOptions() => new()
    {
        FeaturePaths = ["ExampleSuite/Features"],
        BindingAssemblies = [typeof(ExampleFeatures).Assembly],
        ConfigureScenario = (container, _) => container.RegisterInstance(ExampleLab.Default),
    };
}
