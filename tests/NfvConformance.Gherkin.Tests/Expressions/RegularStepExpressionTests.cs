// Licensed under the Apache License, Version 2.0.
using NfvConformance.Gherkin.Expressions;

namespace NfvConformance.Gherkin.Tests.Expressions;

public sealed class RegularStepExpressionTests
{
    [TestCase("^the port has (\\d+) queues$", "the port has 8 queues", new[] { "8" })]
    [TestCase("^a (red|green) light$", "a green light", new[] { "green" })]
    [TestCase("the vnf (.*) is up$", "the vnf vFW is up", new[] { "vFW" })]
    public void Match_Groups_AreArguments(string expression, string text, string[] expected)
    {
        RegularStepExpression compiled = new(expression);

        Assert.That(compiled.Match(text), Is.EqualTo(expected));
    }

    [Test]
    public void Match_PartialText_DoesNotMatchBecauseTheExpressionIsAnchored()
    {
        RegularStepExpression compiled = new("^the port is up");

        Assert.That(compiled.Match("the port is up and running"), Is.Null);
    }

    [TestCase("^the port has (\\d+) queues$", "the port has ")]
    [TestCase("^ports? are up$", "port")]
    [TestCase("^a|b$", "")]
    [TestCase("^the rate is 1\\.5 Mpps$", "the rate is 1.5 Mpps")]
    public void LiteralPrefix_Regex_IsConservative(string expression, string prefix)
    {
        Assert.That(new RegularStepExpression(expression).LiteralPrefix, Is.EqualTo(prefix));
    }

    [Test]
    public void Constructor_InvalidRegex_ThrowsNamingTheExpression()
    {
        ExpressionException? error = Assert.Throws<ExpressionException>(() => new RegularStepExpression("^a (b$"));

        Assert.That(error!.Message, Does.Contain("^a (b$"));
    }
}
