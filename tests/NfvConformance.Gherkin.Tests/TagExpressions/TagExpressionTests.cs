// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Gherkin.TagExpressions;

namespace NfvConformance.Gherkin.Tests.TagExpressions;

public sealed class TagExpressionTests
{
    [TestCase("@a", "@a", true)]
    [TestCase("@a", "@b", false)]
    [TestCase("not @a", "@b", true)]
    [TestCase("@a and @b", "@a @b", true)]
    [TestCase("@a and @b", "@a", false)]
    [TestCase("@a or @b", "@b", true)]
    [TestCase("@a or @b", "", false)]
    [TestCase("@a and not (@b or @c)", "@a", true)]
    [TestCase("@a and not (@b or @c)", "@a @c", false)]
    [TestCase("@a or @b and @c", "@a", true)]
    [TestCase("@a or @b and @c", "@b", false)]
    [TestCase("not @a or @b", "@a @b", true)]
    [TestCase("not not @a", "@a", true)]
    [TestCase("(@a)", "@a", true)]
    [TestCase("", "@x", true)]
    [TestCase("@RM:e.cap.001", "@RM:e.cap.001", true)]
    public void Evaluate_Tags_MatchesCucumberSemantics(string expression, string tags, bool expected)
    {
        // Arrange
        TagExpression parsed = TagExpression.Parse(expression);

        // Act
        bool result = parsed.Evaluate(tags.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        // Assert
        Assert.That(result, Is.EqualTo(expected));
    }

    [TestCase(@"@a\ b", "@a b")]
    [TestCase(@"@a\(1\)", "@a(1)")]
    [TestCase(@"@a\\b", @"@a\b")]
    public void Parse_EscapedCharacters_AreLiteralPartsOfTheTag(string expression, string tag)
    {
        TagExpression parsed = TagExpression.Parse(expression);

        Assert.Multiple(() =>
        {
            Assert.That(parsed.Evaluate([tag]), Is.True);
            Assert.That(parsed.Evaluate(["@a"]), Is.False);
        });
    }

    [Test]
    public void ToString_Nested_ShowsCucumberForm()
    {
        TagExpression parsed = TagExpression.Parse("@a and not (@b or @c)");

        Assert.That(parsed.ToString(), Is.EqualTo("( @a and not ( @b or @c ) )"));
    }

    [TestCase("@a and", "position 7", "expected a tag")]
    [TestCase("@a @b", "position 4", "'and', 'or'")]
    [TestCase("(@a", "position 4", "')' to close the '(' at position 1")]
    [TestCase("@a)", "position 3", "unmatched ')'")]
    [TestCase("or @a", "position 1", "found \"or\"")]
    [TestCase(@"@a\b", "position 3", "not 'b'")]
    [TestCase("not", "position 4", "the expression ends")]
    public void Parse_Malformed_ThrowsConfigurationExceptionNamingPositionAndExpectation(string expression, string position, string expected)
    {
        ConfigurationException? error = Assert.Throws<ConfigurationException>(() => TagExpression.Parse(expression));

        Assert.That(error!.Message, Does.Contain(position).And.Contain(expected).And.Contain(expression));
    }
}
