// Licensed under the Apache License, Version 2.0.
using NfvConformance.Gherkin.Parsing;
using NfvConformance.Gherkin.Pickles;

namespace NfvConformance.Gherkin.Tests.Parsing;

[TestFixture]
public sealed class MarkdownParsingTests
{
    [Test]
    public void Parse_MarkdownFile_ReadsHeadingsBulletsTagsAndIndentedTables()
    {
        // Arrange
        const string text = "`@fast`\n# Feature: Ports\n\nSome prose.\n\n## Scenario Outline: link <n>\n* Given port <n>\n\n### Examples:\n  | n |\n  | - |\n  | 1 |\n  | 2 |\n";

        // Act
        IReadOnlyList<Pickle> pickles = PickleCompiler.Compile(GherkinParser.Parse(text, "ports.feature.md"));

        // Assert
        Assert.That(pickles.Select(p => p.Name), Is.EqualTo(new[] { "link 1", "link 2" }));
        Assert.That(pickles[0].Steps.Single().Text, Is.EqualTo("port 1"));
        Assert.That(pickles[0].Tags.Single().Name, Is.EqualTo("@fast"));
        Assert.That(pickles[0].Location, Is.EqualTo(new Location(12, 3)));
    }

    [Test]
    public void Parse_MarkdownWithoutFeatureHeading_UsesTheFirstLineAsFeatureName()
    {
        // Arrange
        const string text = "Dataplane notes\n===\n\n# Scenario: one\n- When it runs\n";

        // Act
        GherkinDocument document = GherkinParser.Parse(text, "notes.md");

        // Assert
        Assert.That(document.Feature!.Name, Is.EqualTo("Dataplane notes"));
        Assert.That(PickleCompiler.Compile(document).Single().Steps.Single().Type, Is.EqualTo(PickleStepType.Action));
    }

    [Test]
    public void Parse_HeadingInFeatureFile_IsAComment()
    {
        // Arrange
        const string text = "# Feature: F\n";

        // Act
        GherkinDocument document = GherkinParser.Parse(text, "f.feature");

        // Assert
        Assert.That(document.Feature, Is.Null);
        Assert.That(document.Comments.Single().Text, Is.EqualTo("# Feature: F"));
    }
}
