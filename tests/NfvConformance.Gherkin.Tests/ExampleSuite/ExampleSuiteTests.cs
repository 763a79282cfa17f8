// Licensed under the Apache License, Version 2.0.
using NfvConformance.Gherkin.NUnit;
using NUnit.Framework.Api;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

namespace NfvConformance.Gherkin.Tests.ExampleSuite;

/// <summary>
/// Runs <see cref="ExampleOutcomeFeatures"/> through NUnit's own engine, as <c>dotnet test</c> would, and checks
/// the test cases it produced and how each scenario's outcome was mapped.
/// </summary>
[NonParallelizable]
public sealed class ExampleSuiteTests
{
    private static Dictionary<string, ITestResult> s_results = null!;
    private static IReadOnlyList<string> s_log = null!;

    [OneTimeSetUp]
    public static void RunExampleFixtureThroughNUnit()
    {
        ExampleLog.Clear();
        NUnitTestAssemblyRunner runner = new(new DefaultTestAssemblyBuilder());
        runner.Load(typeof(ExampleOutcomeFeatures).Assembly, new Dictionary<string, object>());
        ITestFilter filter = TestFilter.FromXml($"<filter><class>{typeof(ExampleOutcomeFeatures).FullName}</class></filter>");
        ITestResult fixture = runner.Run(TestListener.NULL, filter);
        s_results = Leaves(fixture).ToDictionary(r => r.Test.Name, StringComparer.Ordinal);
        s_log = ExampleLog.Entries;
    }

    private static IEnumerable<ITestResult> Leaves(ITestResult result) =>
        result.HasChildren ? result.Children.SelectMany(Leaves) : [result];

    [Test]
    public void TestCases_EveryScenario_IsOneNamedTestCaseWithOutlineRowsDistinct()
    {
        Assert.That(s_results.Keys.Order(StringComparer.Ordinal), Is.EqualTo(new[]
        {
            "Capability discovery/a NIC model [line 31]",
            "Capability discovery/a NIC model [line 32]",
            "Capability discovery/a host publishes its NICs",
            "Capability discovery/flavors from a table",
            "Capability discovery/line rate at 10 Gbps",
            "Capability discovery/line rate at 25 Gbps",
            "Outcomes/a capability the host does not publish",
            "Outcomes/a failing check",
            "Outcomes/a pending step",
            "Outcomes/a skipped scenario",
            "Outcomes/an undefined step",
            "Service chains/a red chain scheduled in 2 days",
        }));
    }

    [TestCase("Capability discovery/a host publishes its NICs")]
    [TestCase("Capability discovery/line rate at 25 Gbps")]
    [TestCase("Capability discovery/a NIC model [line 32]")]
    [TestCase("Capability discovery/flavors from a table")]
    [TestCase("Service chains/a red chain scheduled in 2 days")]
    public void Outcome_PassingScenario_IsNUnitPass(string name)
    {
        ITestResult result = s_results[name];

        Assert.That(result.ResultState, Is.EqualTo(ResultState.Success), result.Message + result.Output);
    }

    [Test]
    public void Outcome_FailingStep_IsNUnitFailureNamingTheStepAndError()
    {
        ITestResult result = s_results["Outcomes/a failing check"];

        Assert.Multiple(() =>
        {
            Assert.That(result.ResultState.Status, Is.EqualTo(TestStatus.Failed));
            Assert.That(result.Message, Does.Contain("Step 'Then the host reports 99 queues in total' (ExampleSuite/Features/Outcomes/Outcomes.feature:17) failed")
                .And.Contain("expected 99 queues, the host reports 8"));
            Assert.That(result.Output, Does.Contain("Failed    Then the host reports 99 queues in total").And.Contain("Skipped   And the chain has 2 hops"));
        });
    }

    [Test]
    public void Outcome_UndefinedStep_IsInconclusiveWithSnippet()
    {
        ITestResult result = s_results["Outcomes/an undefined step"];

        Assert.Multiple(() =>
        {
            Assert.That(result.ResultState, Is.EqualTo(ResultState.Inconclusive));
            Assert.That(result.Message, Does.Contain("[Given(\"nobody has bound this step with {int} arguments\")]")
                .And.Contain("public void GivenNobodyHasBoundThisStepWithArguments(int p0)"));
        });
    }

    [Test]
    public void Outcome_PendingStep_IsInconclusiveWithWhatIsToDo()
    {
        ITestResult result = s_results["Outcomes/a pending step"];

        Assert.Multiple(() =>
        {
            Assert.That(result.ResultState, Is.EqualTo(ResultState.Inconclusive));
            Assert.That(result.Message, Does.Contain("is pending: measure the NIC's queue depth"));
        });
    }

    [TestCase("Outcomes/a capability the host does not publish", "Not applicable: the lab does not publish sriov-vf-trust")]
    [TestCase("Outcomes/a skipped scenario", "Skipped: no traffic generator on this host")]
    public void Outcome_SkippedOrNotApplicable_IsIgnoredWithReason(string name, string reason)
    {
        ITestResult result = s_results[name];

        Assert.Multiple(() =>
        {
            Assert.That(result.ResultState, Is.EqualTo(ResultState.Ignored));
            Assert.That(result.Message, Is.EqualTo(reason));
        });
    }

    [Test]
    public void Properties_TagsAndRequirements_AreCategoriesAndRequirementProperties()
    {
        IPropertyBag properties = s_results["Capability discovery/line rate at 10 Gbps"].Test.Properties;

        Assert.Multiple(() =>
        {
            Assert.That(properties[PropertyNames.Category], Is.EquivalentTo(new[] { "req:NFV-101", "RM:e.cap.001", "example", "smoke" }));
            Assert.That(properties[GherkinScenariosAttribute.RequirementProperty], Is.EquivalentTo(new[] { "NFV-101", "RM:e.cap.001" }));
            Assert.That(properties.Get(PropertyNames.Description), Does.Match(@"^ExampleSuite/Features/Capabilities/Discovery\.feature:\d+$"));
        });
    }

    [Test]
    public void Hooks_RunAndFeatureHooks_WrapTheRunAndAreScopedByTags()
    {
        Assert.Multiple(() =>
        {
            Assert.That(s_log.Take(2), Is.EqualTo(new[] { "lab started", "before-test-run" }));
            Assert.That(s_log.TakeLast(2), Is.EqualTo(new[] { "after-test-run", "lab stopped" }));
            Assert.That(s_log.Where(e => e.StartsWith("before-feature", StringComparison.Ordinal)), Is.EqualTo(new[]
            {
                "before-feature Capability discovery", "before-feature Service chains", "before-feature Outcomes",
            }));

            // [AfterFeature("@example")]: Outcomes is not tagged @example.
            Assert.That(s_log.Where(e => e.StartsWith("after-feature", StringComparison.Ordinal)), Is.EquivalentTo(new[]
            {
                "after-feature Capability discovery", "after-feature Service chains",
            }));
            Assert.That(s_log.Where(e => e.StartsWith("smoke", StringComparison.Ordinal)), Is.EqualTo(new[]
            {
                "smoke line rate at 10 Gbps", "smoke line rate at 25 Gbps",
            }));
            Assert.That(s_log, Does.Contain("after-scenario a failing check: Failed").And.Contain("after-scenario a capability the host does not publish: NotApplicable"));
        });
    }

    [Test]
    public void Container_ContextClasses_AreDisposedOncePerScenarioAfterTheAfterHooks()
    {
        int scenariosThatRan = s_results.Count;
        int afterIndex = s_log.ToList().IndexOf("after-scenario a failing check: Failed");

        Assert.Multiple(() =>
        {
            Assert.That(s_log.Count(e => e.StartsWith("dispose HostContext", StringComparison.Ordinal)), Is.EqualTo(scenariosThatRan));
            Assert.That(s_log[afterIndex + 1], Is.EqualTo("dispose HostContext compute-3"));
        });
    }
}
