// Licensed under the Apache License, Version 2.0.
using NfvConformance.Gherkin.NUnit;
using NfvConformance.Gherkin.Pickles;
using NfvConformance.Gherkin.Runtime;

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
    private ExampleLab? _lab;

    // A fixture resource: started when the fixture runs, registered per scenario, released after the run's hooks.
    [OneTimeSetUp]
    public void StartLab()
    {
        _lab = new ExampleLab(["sriov", "dpdk"]);
        ExampleLog.Add("lab started");
    }

    protected override GherkinSuiteOptions CreateOptions() => new()
    {
        FeaturePaths = ["ExampleSuite/Features"],
        BindingAssemblies = [typeof(ExampleFeatures).Assembly],
    };

    protected override void ConfigureScenario(ScenarioContainer container, Pickle pickle) => container.RegisterInstance(_lab!);

    protected override ValueTask OnRunFinishedAsync()
    {
        ExampleLog.Add("lab stopped");
        return ValueTask.CompletedTask;
    }
}
