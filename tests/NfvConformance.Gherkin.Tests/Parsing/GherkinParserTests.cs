// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Gherkin.Parsing;

namespace NfvConformance.Gherkin.Tests.Parsing;

[TestFixture]
public sealed class GherkinParserTests
{
    [Test]
    public void Parse_TableCellEscapes_AreResolved()
    {
        // Arrange
        const string text = "Feature: F\n  Scenario: S\n    Given a table\n      | a \\| b | c \\\\ d | e \\n f | g \\x |\n";

        // Act
        GherkinDocument document = GherkinParser.Parse(text, "t.feature");

        // Assert
        Step step = document.Feature!.Children[0].Scenario!.Steps[0];
        string[] values = [.. step.DataTable!.Rows[0].Cells.Select(c => c.Value)];
        Assert.That(values, Is.EqualTo(new[] { "a | b", "c \\ d", "e \n f", "g \\x" }));
    }

    [Test]
    public void Parse_TableCells_ReportCucumberColumns()
    {
        // Arrange
        const string text = "Feature: F\n  Scenario: S\n    Given a table\n      |  x | yy |\n";

        // Act
        GherkinDocument document = GherkinParser.Parse(text, "t.feature");

        // Assert
        TableRow row = document.Feature!.Children[0].Scenario!.Steps[0].DataTable!.Rows[0];
        Assert.That(row.Location, Is.EqualTo(new Pickles.Location(4, 7)));
        Assert.That(row.Cells.Select(c => c.Location.Column), Is.EqualTo(new[] { 10, 14 }));
    }

    [Test]
    public void Parse_BacktickDocStringWithMediaType_RemovesIndentAndUnescapes()
    {
        // Arrange
        const string text = "Feature: F\n  Scenario: S\n    Given json\n      ```json\n      {\n        \"a\": 1\n      \\`\\`\\`\n      }\n      ```\n";

        // Act
        DocString docString = GherkinParser.Parse(text, "t.feature").Feature!.Children[0].Scenario!.Steps[0].DocString!;

        // Assert
        Assert.That(docString.MediaType, Is.EqualTo("json"));
        Assert.That(docString.Delimiter, Is.EqualTo("```"));
        Assert.That(docString.Content, Is.EqualTo("{\n  \"a\": 1\n```\n}"));
    }

    [Test]
    public void Parse_LanguageHeader_UsesTheDialectsKeywords()
    {
        // Arrange
        const string text = "# language: fr\nFonctionnalité: Débit\n  Scénario: ligne\n    Soit un lien\n    Quand le trafic passe\n    Alors rien ne se perd\n";

        // Act
        Feature feature = GherkinParser.Parse(text, "fr.feature").Feature!;

        // Assert
        Assert.That(feature.Language, Is.EqualTo("fr"));
        Assert.That(feature.Keyword, Is.EqualTo("Fonctionnalité"));
        Step[] steps = [.. feature.Children[0].Scenario!.Steps];
        Assert.That(steps.Select(s => s.KeywordType), Is.EqualTo(new[] { StepKeywordType.Context, StepKeywordType.Action, StepKeywordType.Outcome }));
    }

    [Test]
    public void Parse_UnknownLanguage_ReportsTheLanguageWithItsLocation()
    {
        // Arrange
        const string text = "# language: xx-nope\nFeature: F\n";

        // Act
        GherkinParseException? exception = Assert.Throws<GherkinParseException>(() => GherkinParser.Parse(text, "x.feature"));

        // Assert
        Assert.That(exception!.Errors[0].Message, Is.EqualTo("(1:1): Language not supported: xx-nope"));
    }

    [Test]
    public void Parse_SeveralProblems_ReportsEveryErrorAsFileLineColumn()
    {
        // Arrange
        const string text = "Feature: F\n  Scenario: S\n    Given a table\n      | a | b |\n      | c |\n  Scenario: T\n    Given x\nnot a step\n";

        // Act
        GherkinParseException? exception = Assert.Throws<GherkinParseException>(() => GherkinParser.Parse(text, "features/x.feature"));

        // Assert
        Assert.That(exception!.Errors, Has.Count.EqualTo(2));
        Assert.That(exception.Errors[0].ToString(), Is.EqualTo("features/x.feature:5:7: inconsistent cell count within the table"));
        Assert.That(exception.Errors[1].Location, Is.EqualTo(new Pickles.Location(8, 1)));
        Assert.That(exception.Message, Does.Contain("features/x.feature:5:7: inconsistent cell count within the table"));
        Assert.That(exception.Message, Does.Contain("features/x.feature:8:1: expected: #EOF, #TableRow, #DocStringSeparator, #StepLine"));
        Assert.That(exception, Is.InstanceOf<ConfigurationException>());
    }

    [Test]
    public void Parse_MoreThanTenErrors_StopsAfterEleven()
    {
        // Arrange
        string text = "Feature: F\n  Scenario: S\n    Given x\n" + string.Concat(Enumerable.Range(0, 20).Select(i => $"junk {i}\n"));

        // Act
        GherkinParseException? exception = Assert.Throws<GherkinParseException>(() => GherkinParser.Parse(text, "x.feature"));

        // Assert
        Assert.That(exception!.Errors, Has.Count.EqualTo(11));
    }

    [Test]
    public void Parse_TagWithWhitespace_IsAnErrorAtTheTag()
    {
        // Arrange
        const string text = "Feature: F\n  @ok @bad tag\n  Scenario: S\n";

        // Act
        GherkinParseException? exception = Assert.Throws<GherkinParseException>(() => GherkinParser.Parse(text, "x.feature"));

        // Assert
        Assert.That(exception!.Errors.Single().Message, Is.EqualTo("(2:7): A tag may not contain whitespace"));
    }

    [Test]
    public void Parse_TagsWithTrailingComment_IgnoreTheComment()
    {
        // Arrange
        const string text = "@a @req:NFV-1 # not a tag\nFeature: F\n";

        // Act
        Feature feature = GherkinParser.Parse(text, "x.feature").Feature!;

        // Assert
        Assert.That(feature.Tags.Select(t => (t.Name, t.Location.Column)), Is.EqualTo(new[] { ("@a", 1), ("@req:NFV-1", 4) }));
    }

    [Test]
    public void Parse_DescriptionWithCommentsAndBlankLines_KeepsTextAndCollectsComments()
    {
        // Arrange
        const string text = "Feature: F\n\n  First line\n  # a comment\n\n  Second line\n\n  Scenario: S\n";

        // Act
        GherkinDocument document = GherkinParser.Parse(text, "x.feature");

        // Assert
        Assert.That(document.Feature!.Description, Is.EqualTo("  First line\n\n  Second line"));
        Assert.That(document.Comments.Single().Text, Is.EqualTo("  # a comment"));
    }

    [Test]
    public void Parse_OnlyComments_HasNoFeature()
    {
        // Arrange
        const string text = "# just a comment\n\n";

        // Act
        GherkinDocument document = GherkinParser.Parse(text, "x.feature");

        // Assert
        Assert.That(document.Feature, Is.Null);
        Assert.That(document.Comments, Has.Count.EqualTo(1));
    }

    [Test]
    public void Parse_CrLfLineEndings_AreTheSameAsLf()
    {
        // Arrange
        const string lf = "Feature: F\n  Scenario: S\n    Given x\n      \"\"\"\n      a\n      \"\"\"\n";

        // Act
        GherkinDocument fromLf = GherkinParser.Parse(lf, "x.feature");
        GherkinDocument fromCrLf = GherkinParser.Parse(lf.Replace("\n", "\r\n", StringComparison.Ordinal), "x.feature");

        // Assert
        Assert.That(fromCrLf.Feature!.Children[0].Scenario!.Steps[0].DocString!.Content, Is.EqualTo("a"));
        Assert.That(fromCrLf.Feature.Children[0].Scenario!.Steps[0].Text, Is.EqualTo(fromLf.Feature!.Children[0].Scenario!.Steps[0].Text));
    }

    [Test]
    public void Parse_UnclosedDocString_ReportsUnexpectedEndOfFile()
    {
        // Arrange
        const string text = "Feature: F\n  Scenario: S\n    Given x\n      \"\"\"\n      a\n";

        // Act
        GherkinParseException? exception = Assert.Throws<GherkinParseException>(() => GherkinParser.Parse(text, "x.feature"));

        // Assert
        GherkinError error = exception!.Errors.Single();
        Assert.That(error.Message, Is.EqualTo("(6:0): unexpected end of file, expected: #DocStringSeparator, #Other"));
        Assert.That(error.Location, Is.EqualTo(new Pickles.Location(6, 0)));
    }

    [Test]
    public void ParseFile_MissingFile_ThrowsConfigurationExceptionNamingThePath()
    {
        // Arrange
        string path = Path.Combine(Path.GetTempPath(), "nfvc-no-such-dir", "missing.feature");

        // Act
        ConfigurationException? exception = Assert.Throws<ConfigurationException>(() => GherkinParser.ParseFile(path));

        // Assert
        Assert.That(exception!.Message, Does.StartWith(path + ": cannot read the feature file"));
    }

    [Test]
    public void ParseFile_ExistingFile_UsesThePathAsUri()
    {
        // Arrange
        string path = Path.Combine(Path.GetTempPath(), $"nfvc-gherkin-{Guid.NewGuid():N}.feature");
        File.WriteAllText(path, "\uFEFFFeature: From disk\n");

        try
        {
            // Act
            GherkinDocument document = GherkinParser.ParseFile(path);

            // Assert
            Assert.That(document.Uri, Is.EqualTo(path));
            Assert.That(document.Feature!.Name, Is.EqualTo("From disk"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Parse_TagsAboveExamplesAndScenario_GoToTheBlockTheyPrecede()
    {
        // Arrange
        const string text = "Feature: F\n  Scenario Outline: O\n    Given <a>\n\n    @ex\n    # comment\n    Examples:\n      | a |\n      | 1 |\n\n  @next\n  Scenario: N\n    Given n\n\n  @rule\n  Rule: R\n";

        // Act
        Feature feature = GherkinParser.Parse(text, "x.feature").Feature!;

        // Assert
        Assert.That(feature.Children[0].Scenario!.Examples.Single().Tags.Single().Name, Is.EqualTo("@ex"));
        Assert.That(feature.Children[1].Scenario!.Tags.Single().Name, Is.EqualTo("@next"));
        Assert.That(feature.Children[2].Rule!.Tags.Single().Name, Is.EqualTo("@rule"));
    }

    [Test]
    public void Parse_DataTableThenDocString_KeepsBothArguments()
    {
        // Arrange
        const string text = "Feature: F\n  Scenario: S\n    Given both\n      | a |\n      \"\"\"\n      text\n      \"\"\"\n";

        // Act
        Step step = GherkinParser.Parse(text, "x.feature").Feature!.Children[0].Scenario!.Steps[0];

        // Assert
        Assert.That(step.DataTable!.Rows.Single().Cells.Single().Value, Is.EqualTo("a"));
        Assert.That(step.DocString!.Content, Is.EqualTo("text"));
    }
}
