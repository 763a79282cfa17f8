// Licensed under the Apache License, Version 2.0.
using System.Text.Json.Nodes;
using NfvConformance.Gherkin.Parsing;
using NfvConformance.Gherkin.Pickles;

namespace NfvConformance.Gherkin.Tests.Parsing;

/// <summary>
/// Holds the parser to cucumber's own corpus: for every good/*.feature the pickles, and for every bad/*.feature the
/// errors, equal cucumber's expected NDJSON. One test case per file so a failure names it.
/// </summary>
[TestFixture]
public sealed class GherkinConformanceTests
{
    private static readonly string[] s_idFields = ["id", "astNodeIds", "astNodeId"];

    public static IEnumerable<TestCaseData> GoodFiles() => GherkinTestData.Cases("good", nameof(Pickles_GoodFile_EqualCucumberPickles));

    public static IEnumerable<TestCaseData> GoodFilesForIds() => GherkinTestData.Cases("good", nameof(Pickles_GoodFile_UseCucumberIdNumbering));

    public static IEnumerable<TestCaseData> BadFiles() => GherkinTestData.Cases("bad", nameof(Errors_BadFile_EqualCucumberErrors));

    [TestCaseSource(nameof(GoodFiles))]
    public void Pickles_GoodFile_EqualCucumberPickles(string name)
    {
        // Arrange
        string corpus = GherkinTestData.RequireDirectory();
        (string text, string uri) = ReadFeature(corpus, "good", name);
        List<JsonNode> expected = ReadNdjson(ExpectedPicklesPath(corpus, name), stripIds: true);

        // Act
        GherkinDocument document = GherkinParser.Parse(text, uri);
        List<JsonNode> actual = [.. PickleCompiler.Compile(document).Select(p => StripIds(JsonNode.Parse(PickleNdjsonWriter.ToJson(p))!))];

        // Assert
        AssertSameJson(expected, actual, name);
    }

    [TestCaseSource(nameof(GoodFilesForIds))]
    public void Pickles_GoodFile_UseCucumberIdNumbering(string name)
    {
        // Arrange
        string corpus = GherkinTestData.RequireDirectory();
        (string text, string uri) = ReadFeature(corpus, "good", name);
        List<JsonNode> expected = ReadNdjson(ExpectedPicklesPath(corpus, name), stripIds: false);

        // Act
        List<JsonNode> actual = [.. PickleCompiler.Compile(GherkinParser.Parse(text, uri)).Select(p => JsonNode.Parse(PickleNdjsonWriter.ToJson(p))!)];

        // Assert
        AssertSameJson(expected, actual, name);
    }

    [TestCaseSource(nameof(BadFiles))]
    public void Errors_BadFile_EqualCucumberErrors(string name)
    {
        // Arrange
        string corpus = GherkinTestData.RequireDirectory();
        (string text, string uri) = ReadFeature(corpus, "bad", name);
        List<JsonNode> expected = ReadNdjson(Path.Combine(corpus, "bad", name + ".errors.ndjson"), stripIds: false);

        // Act
        GherkinParseException? exception = Assert.Throws<GherkinParseException>(() => GherkinParser.Parse(text, uri));
        List<JsonNode> actual = [.. exception!.Errors.Select(e => JsonNode.Parse(PickleNdjsonWriter.ToJson(e))!)];

        // Assert
        AssertSameJson(expected, actual, name);
    }

    private static (string Text, string Uri) ReadFeature(string corpus, string folder, string name) =>
        (File.ReadAllText(Path.Combine(corpus, folder, name)), $"../testdata/{folder}/{name}");

    private static string ExpectedPicklesPath(string corpus, string name)
    {
        string path = Path.Combine(corpus, "good", name + ".pickles.ndjson");

        // One expected file in cucumber's corpus is misspelt ".pickes.ndjson".
        return File.Exists(path) ? path : Path.Combine(corpus, "good", name + ".pickes.ndjson");
    }

    private static List<JsonNode> ReadNdjson(string path, bool stripIds)
    {
        Assert.That(File.Exists(path), Is.True, $"expected-output file {path} is missing from the corpus");
        List<JsonNode> nodes = [];
        foreach (string line in File.ReadLines(path))
        {
            if (line.Trim().Length > 0)
            {
                JsonNode node = JsonNode.Parse(line)!;
                nodes.Add(stripIds ? StripIds(node) : node);
            }
        }

        return nodes;
    }

    private static JsonNode StripIds(JsonNode node)
    {
        if (node is JsonObject obj)
        {
            foreach (string field in s_idFields)
            {
                obj.Remove(field);
            }

            foreach (KeyValuePair<string, JsonNode?> child in obj)
            {
                if (child.Value is not null)
                {
                    StripIds(child.Value);
                }
            }
        }
        else if (node is JsonArray array)
        {
            foreach (JsonNode? item in array)
            {
                if (item is not null)
                {
                    StripIds(item);
                }
            }
        }

        return node;
    }

    private static void AssertSameJson(List<JsonNode> expected, List<JsonNode> actual, string name)
    {
        Assert.That(actual, Has.Count.EqualTo(expected.Count), $"{name}: number of NDJSON lines");
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.That(
                JsonNode.DeepEquals(actual[i], expected[i]),
                Is.True,
                $"{name} line {i + 1}:{Environment.NewLine}expected {expected[i].ToJsonString()}{Environment.NewLine}actual   {actual[i].ToJsonString()}");
        }
    }
}
