// Licensed under the Apache License, Version 2.0.
using NfvConformance.Gherkin.Parsing;
using NfvConformance.Gherkin.Pickles;

namespace NfvConformance.Gherkin.Tests.Parsing;

[TestFixture]
public sealed class PickleCompilerTests
{
    private const string Outline = """
        @feature
        Feature: Throughput
          Background:
            Given the emulator

          Rule: Small frames
            Background:
              Given a chain of <n> VNFs

            @outline
            Scenario Outline: <size> byte frames
              When traffic of <size> bytes is sent
                | size   | note    |
                | <size> | <note>  |
              Then the loss is below <loss>
                ```<kind>
                loss <loss>
                ```

              @fast
              Examples: first
                | size | loss | note | kind |
                | 64   | 0.1  | a    | txt  |

              Examples: second
                | size | loss | note | kind |
                | 128  | 0.2  | b    | csv  |
                | 256  | 0.3  | c    | json |
        """;

    [Test]
    public void Compile_OutlineWithTwoExamplesBlocks_ExpandsEveryRow()
    {
        // Arrange
        GherkinDocument document = GherkinParser.Parse(Outline, "o.feature");

        // Act
        IReadOnlyList<Pickle> pickles = PickleCompiler.Compile(document);

        // Assert
        Assert.That(pickles.Select(p => p.Name), Is.EqualTo(new[] { "64 byte frames", "128 byte frames", "256 byte frames" }));
        Assert.That(pickles.Select(p => p.Location.Line), Is.EqualTo(new[] { 23, 27, 28 }));
        Assert.That(pickles[0].Location.Column, Is.EqualTo(9));
    }

    [Test]
    public void Compile_Outline_InheritsTagsFromFeatureRuleScenarioAndExamples()
    {
        // Arrange
        GherkinDocument document = GherkinParser.Parse(Outline, "o.feature");

        // Act
        IReadOnlyList<Pickle> pickles = PickleCompiler.Compile(document);

        // Assert
        Assert.That(pickles[0].Tags.Select(t => t.Name), Is.EqualTo(new[] { "@feature", "@outline", "@fast" }));
        Assert.That(pickles[1].Tags.Select(t => t.Name), Is.EqualTo(new[] { "@feature", "@outline" }));
    }

    [Test]
    public void Compile_RuleWithBackground_PrependsFeatureThenRuleBackgroundUnsubstituted()
    {
        // Arrange
        GherkinDocument document = GherkinParser.Parse(Outline, "o.feature");

        // Act
        Pickle pickle = PickleCompiler.Compile(document)[1];

        // Assert
        Assert.That(pickle.Steps.Select(s => s.Text), Is.EqualTo(new[]
        {
            "the emulator", "a chain of <n> VNFs", "traffic of 128 bytes is sent", "the loss is below 0.2",
        }));
        Assert.That(pickle.Steps.Select(s => s.Type), Is.EqualTo(new[]
        {
            PickleStepType.Context, PickleStepType.Context, PickleStepType.Action, PickleStepType.Outcome,
        }));
        Assert.That(pickle.FeatureName, Is.EqualTo("Throughput"));
        Assert.That(pickle.RuleName, Is.EqualTo("Small frames"));
        Assert.That(pickle.Language, Is.EqualTo("en"));
    }

    [Test]
    public void Compile_OutlineArguments_SubstituteInTableCellsDocStringAndMediaType()
    {
        // Arrange
        GherkinDocument document = GherkinParser.Parse(Outline, "o.feature");

        // Act
        Pickle pickle = PickleCompiler.Compile(document)[2];

        // Assert
        PickleStepArgument table = pickle.Steps[2].Argument!;
        Assert.That(table.DataTable![1].Cells.Select(c => c.Value), Is.EqualTo(new[] { "256", "c" }));
        Assert.That(table.DataTable[0].Cells.Select(c => c.Value), Is.EqualTo(new[] { "size", "note" }));
        PickleDocString docString = pickle.Steps[3].Argument!.DocString!;
        Assert.That(docString.Content, Is.EqualTo("loss 0.3"));
        Assert.That(docString.MediaType, Is.EqualTo("json"));
        Assert.That(pickle.Steps[3].Keyword, Is.EqualTo("Then "));
        Assert.That(pickle.Steps[3].AstNodeIds, Has.Count.EqualTo(2));
    }

    [Test]
    public void Compile_ScenarioWithoutSteps_GetsNoBackgroundSteps()
    {
        // Arrange
        GherkinDocument document = GherkinParser.Parse("Feature: F\n  Background:\n    Given b\n  Scenario: empty\n  Scenario: one\n    When w\n", "x.feature");

        // Act
        IReadOnlyList<Pickle> pickles = PickleCompiler.Compile(document);

        // Assert
        Assert.That(pickles[0].Steps, Is.Empty);
        Assert.That(pickles[1].Steps.Select(s => s.Text), Is.EqualTo(new[] { "b", "w" }));
    }

    [Test]
    public void Compile_ConjunctionsAndStars_TakeTheTypeOfThePreviousStep()
    {
        // Arrange
        GherkinDocument document = GherkinParser.Parse("Feature: F\n  Scenario: S\n    * star\n    And and\n    When w\n    And a\n    But b\n", "x.feature");

        // Act
        Pickle pickle = PickleCompiler.Compile(document).Single();

        // Assert
        Assert.That(pickle.Steps.Select(s => s.Type), Is.EqualTo(new[]
        {
            PickleStepType.Unknown, PickleStepType.Unknown, PickleStepType.Action, PickleStepType.Action, PickleStepType.Action,
        }));
    }

    [Test]
    public void Compile_ExamplesWithoutTable_ProducesNoPickles()
    {
        // Arrange
        GherkinDocument document = GherkinParser.Parse("Feature: F\n  Scenario Outline: S\n    Given <x>\n    Examples:\n", "x.feature");

        // Act
        IReadOnlyList<Pickle> pickles = PickleCompiler.Compile(document);

        // Assert
        Assert.That(pickles, Is.Empty);
    }

    [Test]
    public void Compile_PickleIds_AreUniqueAndDistinctFromNodeIds()
    {
        // Arrange
        GherkinDocument document = GherkinParser.Parse(Outline, "o.feature");

        // Act
        IReadOnlyList<Pickle> pickles = PickleCompiler.Compile(document);

        // Assert
        string[] pickleIds = [.. pickles.Select(p => p.Id).Concat(pickles.SelectMany(p => p.Steps.Select(s => s.Id)))];
        string[] nodeIds = [.. pickles.SelectMany(p => p.AstNodeIds).Concat(pickles.SelectMany(p => p.Steps.SelectMany(s => s.AstNodeIds)))];
        Assert.That(pickleIds, Is.Unique);
        Assert.That(pickleIds.Intersect(nodeIds), Is.Empty);
    }
}
