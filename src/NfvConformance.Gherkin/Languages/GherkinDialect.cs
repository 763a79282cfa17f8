// Licensed under the Apache License, Version 2.0.
using NfvConformance.Gherkin.Parsing;

namespace NfvConformance.Gherkin.Languages;

/// <summary>The keywords of one Gherkin spoken language.</summary>
internal sealed class GherkinDialect
{
    private readonly Dictionary<string, StepKeywordType> _stepKeywordTypes = new(StringComparer.Ordinal);

    public GherkinDialect(
        string language,
        string name,
        string native,
        string[] feature,
        string[] rule,
        string[] background,
        string[] scenario,
        string[] scenarioOutline,
        string[] examples,
        string[] given,
        string[] when,
        string[] then,
        string[] and,
        string[] but)
    {
        Language = language;
        Name = name;
        Native = native;
        FeatureKeywords = feature;
        RuleKeywords = rule;
        BackgroundKeywords = background;
        ScenarioKeywords = scenario;
        ScenarioOutlineKeywords = scenarioOutline;
        ExamplesKeywords = examples;
        GivenKeywords = given;
        WhenKeywords = when;
        ThenKeywords = then;
        AndKeywords = and;
        ButKeywords = but;

        // Cucumber tries the longest keyword first, so "Le sa a " (Then, ht) wins over "Le " (When, ht).
        // Title keywords are followed by ':', so one cannot shadow another: the table's order is kept.
        ScenarioTitleKeywords = [.. scenario, .. scenarioOutline];
        StepKeywords = LongestFirst([.. given, .. when, .. then, .. and, .. but]);

        AddTypes(given, StepKeywordType.Context);
        AddTypes(when, StepKeywordType.Action);
        AddTypes(then, StepKeywordType.Outcome);
        AddTypes([.. and, .. but], StepKeywordType.Conjunction);
    }

    public string Language { get; }

    public string Name { get; }

    public string Native { get; }

    public string[] FeatureKeywords { get; }

    public string[] RuleKeywords { get; }

    public string[] BackgroundKeywords { get; }

    public string[] ScenarioKeywords { get; }

    public string[] ScenarioOutlineKeywords { get; }

    public string[] ExamplesKeywords { get; }

    public string[] GivenKeywords { get; }

    public string[] WhenKeywords { get; }

    public string[] ThenKeywords { get; }

    public string[] AndKeywords { get; }

    public string[] ButKeywords { get; }

    public string[] ScenarioTitleKeywords { get; }

    public string[] StepKeywords { get; }

    /// <summary>The keyword's type; <see cref="StepKeywordType.Unknown"/> when it belongs to several kinds (<c>* </c>).</summary>
    public StepKeywordType GetStepKeywordType(string keyword) =>
        _stepKeywordTypes.TryGetValue(keyword, out StepKeywordType type) ? type : StepKeywordType.Unknown;

    private void AddTypes(string[] keywords, StepKeywordType type)
    {
        // Like cucumber, a keyword listed more than once (even twice as a conjunction) has no single type.
        foreach (string keyword in keywords)
        {
            _stepKeywordTypes[keyword] = _stepKeywordTypes.ContainsKey(keyword) ? StepKeywordType.Unknown : type;
        }
    }

    private static string[] LongestFirst(string[] keywords)
    {
        string[] sorted = keywords.Distinct(StringComparer.Ordinal).ToArray();
        // A stable sort keeps the table's order among keywords of equal length.
        return [.. sorted.Select((k, i) => (k, i)).OrderByDescending(p => p.k.Length).ThenBy(p => p.i).Select(p => p.k)];
    }
}

/// <summary>Every dialect in the project's keyword table, by language code.</summary>
internal static partial class GherkinDialects
{
    private static readonly Dictionary<string, GherkinDialect> s_byLanguage =
        CreateAll().ToDictionary(d => d.Language, StringComparer.Ordinal);

    public const string DefaultLanguage = "en";

    public static IReadOnlyCollection<string> Languages => s_byLanguage.Keys;

    public static bool TryGet(string language, out GherkinDialect dialect) =>
        s_byLanguage.TryGetValue(language, out dialect!);

    public static GherkinDialect Default => s_byLanguage[DefaultLanguage];
}
