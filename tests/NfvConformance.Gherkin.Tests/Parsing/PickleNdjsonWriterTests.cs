// Licensed under the Apache License, Version 2.0.
using NfvConformance.Gherkin.Parsing;
using NfvConformance.Gherkin.Pickles;

namespace NfvConformance.Gherkin.Tests.Parsing;

[TestFixture]
public sealed class PickleNdjsonWriterTests
{
    [Test]
    public void ToJson_Pickle_WritesCucumberFieldOrderAndKeepsNonAsciiRaw()
    {
        // Arrange
        Pickle pickle = PickleCompiler.Compile(GherkinParser.Parse("# language: em\n📚: 🙈\n  📕: 💃\n    😐🎸\n", "e.feature")).Single();

        // Act
        string json = PickleNdjsonWriter.ToJson(pickle);

        // Assert
        Assert.That(json, Is.EqualTo(
            "{\"pickle\":{\"astNodeIds\":[\"1\"],\"id\":\"3\",\"language\":\"em\",\"location\":{\"column\":3,\"line\":3},\"name\":\"💃\"," +
            "\"steps\":[{\"astNodeIds\":[\"0\"],\"id\":\"2\",\"text\":\"🎸\",\"type\":\"Context\"}],\"tags\":[],\"uri\":\"e.feature\"}}"));
    }

    [Test]
    public void ToJson_ControlCharactersAndQuotes_AreEscapedLikeJsonStringify()
    {
        // Arrange
        Pickle pickle = PickleCompiler.Compile(GherkinParser.Parse("Feature: F\n  Scenario: S\n    Given \"q\" \\ x\u0001\n      | a\\nb |\n", "e.feature")).Single();

        // Act
        string json = PickleNdjsonWriter.ToJson(pickle);

        // Assert
        Assert.That(json, Does.Contain("\"text\":\"\\\"q\\\" \\\\ x\\u0001\""));
        Assert.That(json, Does.Contain("{\"value\":\"a\\nb\"}"));
    }

    [Test]
    public void ToJson_EndOfFileError_OmitsTheColumn()
    {
        // Arrange
        GherkinError error = new("b.feature", new Location(7, 0), "(7:0): unexpected end of file, expected: #TagLine");

        // Act
        string json = PickleNdjsonWriter.ToJson(error);

        // Assert
        Assert.That(json, Is.EqualTo(
            "{\"parseError\":{\"message\":\"(7:0): unexpected end of file, expected: #TagLine\",\"source\":{\"location\":{\"line\":7},\"uri\":\"b.feature\"}}}"));
    }
}
