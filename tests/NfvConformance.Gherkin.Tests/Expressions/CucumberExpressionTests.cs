// Licensed under the Apache License, Version 2.0.
using NfvConformance.Gherkin.Expressions;

namespace NfvConformance.Gherkin.Tests.Expressions;

public sealed class CucumberExpressionTests
{
    private static CucumberExpression Compile(string expression) => new(expression, new ParameterTypeRegistry());

    [TestCase("the port has {int} queues", "the port has 16 queues", "16")]
    [TestCase("the port has {int} queues", "the port has -3 queues", "-3")]
    [TestCase("a rate of {float} Mpps", "a rate of 14.88 Mpps", "14.88")]
    [TestCase("a rate of {double} Mpps", "a rate of .5 Mpps", ".5")]
    [TestCase("the vnf {word} is up", "the vnf vFW-1 is up", "vFW-1")]
    [TestCase("the flavor {string} exists", "the flavor \"m1 large\" exists", "\"m1 large\"")]
    [TestCase("the flavor {string} exists", "the flavor 'small' exists", "'small'")]
    [TestCase("anything {} here", "anything goes 42 here", "goes 42")]
    public void Match_BuiltInParameter_CapturesItsText(string expression, string text, string argument)
    {
        CucumberExpression compiled = Compile(expression);

        string?[]? arguments = compiled.Match(text);

        Assert.That(arguments, Is.EqualTo(new[] { argument }));
    }

    [TestCase("I have {int} cucumber(s)", "I have 1 cucumber", true)]
    [TestCase("I have {int} cucumber(s)", "I have 2 cucumbers", true)]
    [TestCase("I have {int} cucumber(s)", "I have 2 cucumbersss", false)]
    [TestCase("the link is up/down", "the link is up", true)]
    [TestCase("the link is up/down", "the link is down", true)]
    [TestCase("the link is up/down", "the link is sideways", false)]
    [TestCase("the port/ports is/are ready", "the ports are ready", true)]
    [TestCase("a fish/mouse(s) swims", "a mice swims", false)]
    [TestCase("a fish/mouse(s) swims", "a mouses swims", true)]
    [TestCase(@"the ratio is 1\/2", "the ratio is 1/2", true)]
    [TestCase(@"a \(literal\) paren and \{brace\}", "a (literal) paren and {brace}", true)]
    [TestCase("the port has {int} queues", "the port has 16 queues and more", false)]
    [TestCase("the port has {int} queues", "the port has x queues", false)]
    [TestCase("a.b+c", "a.b+c", true)]
    [TestCase("a.b+c", "aXbbc", false)]
    public void Match_OptionalAlternationAndEscapes_FollowCucumberRules(string expression, string text, bool matches)
    {
        CucumberExpression compiled = Compile(expression);

        Assert.That(compiled.Match(text) is not null, Is.EqualTo(matches));
    }

    [TestCase("the port has {int} queues", "the port has ")]
    [TestCase("{int} ports", "")]
    [TestCase("the link is up/down", "the link is ")]
    [TestCase("I have cucumber(s) now", "I have cucumber")]
    public void LiteralPrefix_Expression_IsTheTextBeforeAnyVariablePart(string expression, string prefix)
    {
        Assert.That(Compile(expression).LiteralPrefix, Is.EqualTo(prefix));
    }

    [TestCase("the {color} port", "position 5", "{color} is not defined")]
    [TestCase("an () empty optional", "position 4", "optional part is empty")]
    [TestCase("a (nested (optional)) here", "position 11", "cannot nest")]
    [TestCase("an ({int}) optional parameter", "position 5", "cannot contain a parameter")]
    [TestCase("a /b alternative", "position 3", "alternative is empty")]
    [TestCase("an {int unclosed", "position 4", "'}' to close")]
    [TestCase("a close) paren", "position 8", "no '(' before it")]
    [TestCase(@"a bad \escape", "position 7", "not 'e'")]
    [TestCase("{int}/x alternative", "position 1", "no parameter inside an alternative")]
    public void Constructor_MalformedExpression_ThrowsNamingPositionAndFix(string expression, string position, string detail)
    {
        ExpressionException? error = Assert.Throws<ExpressionException>(() => Compile(expression));

        Assert.That(error!.Message, Does.Contain(expression).And.Contain(position).And.Contain(detail));
    }

    [Test]
    public void Match_TwoParameters_ReturnsBothInOrder()
    {
        CucumberExpression compiled = Compile("send {int} packets of {int} bytes to {string}");

        string?[]? arguments = compiled.Match("send 1000 packets of 64 bytes to \"port 0\"");

        Assert.That(arguments, Is.EqualTo(new[] { "1000", "64", "\"port 0\"" }));
    }
}
