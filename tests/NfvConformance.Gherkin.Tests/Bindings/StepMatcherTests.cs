// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Reflection;
using NfvConformance.Gherkin.Bindings.Internal;
using NfvConformance.Gherkin.Bindings;
using NfvConformance.Gherkin.Expressions;
using NfvConformance.Gherkin.Pickles;

namespace NfvConformance.Gherkin.Tests.Bindings;

public sealed class StepMatcherTests
{
    private static readonly MethodInfo s_method = typeof(StepMatcherTests).GetMethod(nameof(Target), BindingFlags.NonPublic | BindingFlags.Static)!;

    private static readonly string[] s_expressions =
    [
        "the host h{int} has {int} NIC(s)",
        "the host h1 has {int} NIC(s)",
        "the VNF {word} is attached to network n1",
        "the VNF {word} is attached to network n12",
        "the VNF {word} is attached to network {word}",
        "{int} packets are sent through chain c1",
        "{int} packets are sent through chain c{int}",
        "{} packets",
        "the link l1 is up/down",
        "the link is up",
        "the link is {word}",
        "^the rate on port p1 is (\\d+) Mpps$",
        "^.*$",
        "the chain {string} has {int} hop(s) in zone z1",
        "traffic at {float} Mpps reaches sink s1",
        "a (quick )brown fox",
        "a/the port(s) is/are ready",
        "",
    ];

    private static readonly string[] s_texts =
    [
        "the host h1 has 4 NICs", "the host h12 has 1 NIC", "the VNF vFW is attached to network n1", "the VNF vFW is attached to network n12",
        "the VNF vFW is attached to network n123", "5 packets are sent through chain c1", "5 packets are sent through chain c17", "some packets",
        "the link l1 is up", "the link l1 is sideways", "the link is up", "the link is down", "the rate on port p1 is 40 Mpps", "anything",
        "the chain \"x\" has 2 hops in zone z1", "traffic at 1.5 Mpps reaches sink s1", "a brown fox", "a quick brown fox", "the ports are ready",
        "a port is ready", "", "the host h1 has 4 NICs and more",
    ];

    private static void Target()
    {
    }

    [Test]
    public void Match_IndexedBindings_FindExactlyWhatTryingEveryBindingFinds()
    {
        // Arrange
        ParameterTypeRegistry types = new();
        List<StepBinding> bindings = s_expressions
            .Select(e => new StepBinding(s_method, "Given", null, RegularStepExpression.IsRegularExpression(e) ? new RegularStepExpression(e) : new CucumberExpression(e, types), null))
            .ToList();
        StepMatcher matcher = new(bindings);

        foreach (string text in s_texts)
        {
            // Act
            List<StepMatch> indexed = matcher.Match(PickleStepType.Context, text);

            // Assert
            string[] expected = bindings.Where(b => b.Expression.Match(text) is not null).Select(b => b.Expression.Source).Order(StringComparer.Ordinal).ToArray();
            Assert.That(indexed.Select(m => m.Binding.Expression.Source).Order(StringComparer.Ordinal), Is.EqualTo(expected), text);
        }
    }

    [TestCase("the VNF {word} is attached to network n{int}", "the VNF ", "", " is attached to network n")]
    [TestCase("{int} packets are sent through chain c1", "", " packets are sent through chain c1", "")]
    [TestCase("a flavor with {int} vCPUs and {int} GB of memory", "a flavor with ", " GB of memory", " vCPUs and ")]
    [TestCase("the link is up", "the link is up", "", "")]
    [TestCase("the link l1 is up/down", "the link l1 is ", "", "")]
    public void Literals_Expression_SplitIntoPrefixSuffixAndRequiredMiddle(string expression, string prefix, string suffix, string required)
    {
        CucumberExpression compiled = new(expression, new ParameterTypeRegistry());

        Assert.That((compiled.LiteralPrefix, compiled.LiteralSuffix, compiled.RequiredLiteral), Is.EqualTo((prefix, suffix, required)));
    }

    [Test]
    public void Match_GeneratedSuite_EveryStepMatchesItsOwnBindingOnly()
    {
        ParameterTypeRegistry types = new();
        List<StepBinding> bindings = Enumerable.Range(0, 200)
            .Select(i => new StepBinding(s_method, "Given", null, new CucumberExpression(string.Create(CultureInfo.InvariantCulture, $"the VNF {{word}} is attached to network n{i}"), types), null))
            .ToList();
        StepMatcher matcher = new(bindings);

        for (int i = 0; i < 200; i++)
        {
            List<StepMatch> matches = matcher.Match(PickleStepType.Context, string.Create(CultureInfo.InvariantCulture, $"the VNF vFW-{i} is attached to network n{i}"));

            Assert.That(matches.Select(m => m.Binding), Is.EqualTo(new[] { bindings[i] }));
        }
    }
}
