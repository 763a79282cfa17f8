// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Gherkin.Parsing.Internal;

/// <summary>The token kinds of cucumber's Gherkin grammar (gherkin.berp).</summary>
internal enum TokenType
{
    None = 0,
    EOF,
    Empty,
    Comment,
    TagLine,
    FeatureLine,
    RuleLine,
    BackgroundLine,
    ScenarioLine,
    ExamplesLine,
    StepLine,
    DocStringSeparator,
    TableRow,
    Language,
    Other,
}

/// <summary>One line of input and what the token matcher last matched it as.</summary>
internal sealed class Token
{
    public Token(GherkinLine? line, int lineNumber)
    {
        Line = line;
        LineNumber = lineNumber;
    }

    public GherkinLine? Line { get; }

    public int LineNumber { get; }

    public bool IsEof => Line is null;

    public TokenType MatchedType { get; set; }

    public string? MatchedText { get; set; }

    public string? MatchedKeyword { get; set; }

    public StepKeywordType MatchedKeywordType { get; set; }

    public int MatchedIndent { get; set; }

    public LineSpan[] MatchedItems { get; set; } = [];

    public string MatchedLanguage { get; set; } = "en";

    /// <summary>The 1-based column, or 0 until a matcher has matched the token.</summary>
    public int Column { get; set; }
}
