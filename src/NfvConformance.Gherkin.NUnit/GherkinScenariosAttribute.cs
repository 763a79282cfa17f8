// Licensed under the Apache License, Version 2.0.
using NUnit.Framework;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;
using NUnit.Framework.Internal.Builders;

namespace NfvConformance.Gherkin.NUnit;

/// <summary>Builds one NUnit test case per scenario of the fixture's features (see <see cref="GherkinTestFixture"/>).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class GherkinScenariosAttribute : NUnitAttribute, ITestBuilder, IImplyFixture
{
    /// <summary>The NUnit property that carries a scenario's requirement uids.</summary>
    public const string RequirementProperty = "Requirement";

    private readonly NUnitTestCaseBuilder _builder = new();

    /// <inheritdoc />
    public IEnumerable<TestMethod> BuildFrom(IMethodInfo method, Test? suite)
    {
        ArgumentNullException.ThrowIfNull(method);
        Type fixtureType = suite?.TypeInfo?.Type ?? method.TypeInfo.Type;
        GherkinSuite gherkin;
        try
        {
            gherkin = GherkinSuite.For(fixtureType);
        }
        catch (Exception ex)
        {
            return [NotRunnable(method, suite, "Gherkin suite set-up", $"{fixtureType.Name}.CreateOptions failed: {ex.GetType().Name}: {ex.Message}")];
        }

        List<TestMethod> tests = [];
        foreach ((string name, string message) in gherkin.Problems)
        {
            tests.Add(NotRunnable(method, suite, name, message));
        }

        foreach (GherkinScenario scenario in gherkin.Scenarios)
        {
            TestCaseParameters parameters = new([scenario]) { TestName = scenario.TestName };
            foreach (string tag in scenario.Pickle.Tags.Select(t => t.Name.TrimStart('@')).Distinct(StringComparer.Ordinal))
            {
                parameters.Properties.Add(PropertyNames.Category, tag);
            }

            foreach (string uid in Runtime.ScenarioInfo.RequirementUidsOf(scenario.Pickle.Tags.Select(t => t.Name)))
            {
                parameters.Properties.Add(RequirementProperty, uid);
            }

            parameters.Properties.Set(PropertyNames.Description, $"{scenario.Pickle.Uri}:{scenario.Pickle.Location.Line}");
            tests.Add(_builder.BuildTestMethod(method, suite, parameters));
        }

        return tests;
    }

    private TestMethod NotRunnable(IMethodInfo method, Test? suite, string name, string message)
    {
        TestCaseParameters parameters = new([null]) { TestName = name, RunState = RunState.NotRunnable };
        parameters.Properties.Set(PropertyNames.SkipReason, message);
        return _builder.BuildTestMethod(method, suite, parameters);
    }
}
