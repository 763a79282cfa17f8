// Licensed under the Apache License, Version 2.0.
using System.Text.Json;
using NfvConformance.Gherkin.Languages;

namespace NfvConformance.Gherkin.Tests.Parsing;

[TestFixture]
public sealed class GherkinDialectsTests
{
    [Test]
    public void KeywordTable_EveryDialect_EqualsGherkinLanguagesJson()
    {
        // Arrange
        string corpus = GherkinTestData.RequireDirectory();
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(corpus, "gherkin-languages.json")));
        List<string> mismatches = [];

        // Act
        foreach (JsonProperty language in json.RootElement.EnumerateObject())
        {
            if (!GherkinDialects.TryGet(language.Name, out GherkinDialect dialect))
            {
                mismatches.Add(language.Name + ": missing");
                continue;
            }

            Compare(mismatches, language, "feature", dialect.FeatureKeywords);
            Compare(mismatches, language, "rule", dialect.RuleKeywords);
            Compare(mismatches, language, "background", dialect.BackgroundKeywords);
            Compare(mismatches, language, "scenario", dialect.ScenarioKeywords);
            Compare(mismatches, language, "scenarioOutline", dialect.ScenarioOutlineKeywords);
            Compare(mismatches, language, "examples", dialect.ExamplesKeywords);
            Compare(mismatches, language, "given", dialect.GivenKeywords);
            Compare(mismatches, language, "when", dialect.WhenKeywords);
            Compare(mismatches, language, "then", dialect.ThenKeywords);
            Compare(mismatches, language, "and", dialect.AndKeywords);
            Compare(mismatches, language, "but", dialect.ButKeywords);
        }

        // Assert
        Assert.That(mismatches, Is.Empty);
        Assert.That(GherkinDialects.Languages, Has.Count.EqualTo(json.RootElement.EnumerateObject().Count()));
    }

    [TestCase("en", "* ", StepKeywordTypeName.Unknown)]
    [TestCase("en", "Given ", StepKeywordTypeName.Context)]
    [TestCase("en", "But ", StepKeywordTypeName.Conjunction)]
    [TestCase("ht", "Le sa a ", StepKeywordTypeName.Outcome)]
    public void GetStepKeywordType_Keyword_IsCucumbersType(string language, string keyword, StepKeywordTypeName expected)
    {
        // Arrange
        Assert.That(GherkinDialects.TryGet(language, out GherkinDialect dialect), Is.True);

        // Act
        Gherkin.Parsing.StepKeywordType type = dialect.GetStepKeywordType(keyword);

        // Assert
        Assert.That(type.ToString(), Is.EqualTo(expected.ToString()));
    }

    [Test]
    public void StepKeywords_PrefixedKeywords_LongestComesFirst()
    {
        // Arrange
        Assert.That(GherkinDialects.TryGet("ht", out GherkinDialect dialect), Is.True);

        // Act
        int longer = Array.IndexOf(dialect.StepKeywords, "Le sa a ");
        int shorter = Array.IndexOf(dialect.StepKeywords, "Le ");

        // Assert
        Assert.That(longer, Is.LessThan(shorter));
    }

    /// <summary>Mirror of the public enum's names, so NUnit can show the cases without an internal type in the signature.</summary>
    public enum StepKeywordTypeName
    {
        Unknown,
        Context,
        Action,
        Outcome,
        Conjunction,
    }

    private static void Compare(List<string> mismatches, JsonProperty language, string field, string[] actual)
    {
        string[] expected = [.. language.Value.GetProperty(field).EnumerateArray().Select(e => e.GetString()!)];
        if (!expected.SequenceEqual(actual, StringComparer.Ordinal))
        {
            mismatches.Add($"{language.Name}.{field}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", actual)}]");
        }
    }
}
