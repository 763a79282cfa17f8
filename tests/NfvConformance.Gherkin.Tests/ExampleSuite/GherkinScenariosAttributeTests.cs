// Licensed under the Apache License, Version 2.0.
using NfvConformance.Gherkin.NUnit;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;
using NUnit.Framework.Internal.Builders;

namespace NfvConformance.Gherkin.Tests.ExampleSuite;

public sealed class GherkinScenariosAttributeTests
{
    private static Test[] BuildCases(Type fixture)
    {
        TestSuite suite = (TestSuite)new DefaultSuiteBuilder().BuildFrom(new TypeWrapper(fixture));
        return suite.Tests.SelectMany(t => t is TestSuite s ? s.Tests : [t]).Cast<Test>().ToArray();
    }

    [Test]
    public void BuildFrom_MissingPathAndBadTagFilter_AreNotRunnableCasesWithTheReason()
    {
        Test[] cases = BuildCases(typeof(MisconfiguredFeatures));

        Assert.Multiple(() =>
        {
            Assert.That(cases.Select(c => c.Name), Is.EquivalentTo(new[] { "Tag filter", "Missing features: NoSuchFolder" }));
            Assert.That(cases.Select(c => c.RunState), Has.All.EqualTo(RunState.NotRunnable));
            Assert.That(cases.Single(c => c.Name == "Tag filter").Properties.Get(PropertyNames.SkipReason), Does.Contain("position"));
            Assert.That(cases.Single(c => c.Name.StartsWith("Missing", StringComparison.Ordinal)).Properties.Get(PropertyNames.SkipReason), Does.Contain("CopyToOutputDirectory"));
        });
    }

    [Test]
    public void BuildFrom_TagFilter_KeepsOnlyMatchingScenarios()
    {
        Test[] cases = BuildCases(typeof(SmokeFeatures));

        Assert.That(cases.Select(c => c.Name), Is.EqualTo(new[] { "Capability discovery/line rate at 10 Gbps", "Capability discovery/line rate at 25 Gbps" }));
    }

    [Explicit("Built by GherkinScenariosAttributeTests; misconfigured on purpose.")]
    public sealed class MisconfiguredFeatures : GherkinTestFixture
    {
        protected override GherkinSuiteOptions CreateOptions() => new()
        {
            FeaturePaths = ["NoSuchFolder"],
            BindingAssemblies = [typeof(ExampleFeatures).Assembly],
            Tags = "@a and",
        };
    }

    [Explicit("Built by GherkinScenariosAttributeTests.")]
    public sealed class SmokeFeatures : GherkinTestFixture
    {
        protected override GherkinSuiteOptions CreateOptions() => new()
        {
            FeaturePaths = ["ExampleSuite/Features"],
            BindingAssemblies = [typeof(ExampleFeatures).Assembly],
            Tags = "@smoke",
        };
    }
}
