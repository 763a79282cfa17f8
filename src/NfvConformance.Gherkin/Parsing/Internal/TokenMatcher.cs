// Licensed under the Apache License, Version 2.0.
using System.Text.RegularExpressions;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Gherkin.Languages;

namespace NfvConformance.Gherkin.Parsing.Internal;

/// <summary>An error raised while matching a line (bad tag, unknown language), at a line and column.</summary>
internal sealed class TokenMatchException(string message, int line, int column)
    : NfvConformanceException(message, Severity.Configuration)
{
    public int Line { get; } = line;

    public int Column { get; } = column;
}

/// <summary>Decides what a line is. Each method sets the token's matched fields when it returns true.</summary>
internal interface ITokenMatcher
{
    bool MatchEOF(Token token);

    bool MatchEmpty(Token token);

    bool MatchComment(Token token);

    bool MatchLanguage(Token token);

    bool MatchTagLine(Token token);

    bool MatchFeatureLine(Token token);

    bool MatchRuleLine(Token token);

    bool MatchBackgroundLine(Token token);

    bool MatchScenarioLine(Token token);

    bool MatchExamplesLine(Token token);

    bool MatchTableRow(Token token);

    bool MatchDocStringSeparator(Token token);

    bool MatchStepLine(Token token);

    bool MatchOther(Token token);
}

/// <summary>Classic Gherkin, statefully: the dialect and the open doc string change how later lines match.</summary>
internal sealed partial class TokenMatcher : ITokenMatcher
{
    private GherkinDialect _dialect = GherkinDialects.Default;
    private string? _activeDocStringSeparator;
    private int _indentToRemove;

    public bool MatchEOF(Token token)
    {
        if (!token.IsEof)
        {
            return false;
        }

        SetMatched(token, TokenType.EOF, null, null, 0);
        return true;
    }

    public bool MatchEmpty(Token token)
    {
        if (!token.Line!.IsEmpty)
        {
            return false;
        }

        SetMatched(token, TokenType.Empty, null, null, 0);
        return true;
    }

    public bool MatchComment(Token token)
    {
        if (!token.Line!.StartsWith("#"))
        {
            return false;
        }

        SetMatched(token, TokenType.Comment, token.Line.Text, null, 0);
        return true;
    }

    public bool MatchLanguage(Token token)
    {
        GherkinLine line = token.Line!;
        if (!line.StartsWith("#"))
        {
            return false;
        }

        Match match = LanguagePattern().Match(line.TrimmedText);
        if (!match.Success)
        {
            return false;
        }

        string language = match.Groups[1].Value;
        SetMatched(token, TokenType.Language, language, null, line.Indent);
        if (!GherkinDialects.TryGet(language, out GherkinDialect dialect))
        {
            throw new TokenMatchException("Language not supported: " + language, token.LineNumber, token.Column);
        }

        _dialect = dialect;
        return true;
    }

    public bool MatchTagLine(Token token)
    {
        GherkinLine line = token.Line!;
        if (!line.StartsWith("@"))
        {
            return false;
        }

        LineSpan[] tags = line.GetTags(out string? error, out int column);
        if (error is not null)
        {
            throw new TokenMatchException(error, token.LineNumber, column);
        }

        SetMatched(token, TokenType.TagLine, null, null, line.Indent);
        token.MatchedItems = tags;
        return true;
    }

    public bool MatchFeatureLine(Token token) => MatchTitleLine(token, TokenType.FeatureLine, _dialect.FeatureKeywords);

    public bool MatchRuleLine(Token token) => MatchTitleLine(token, TokenType.RuleLine, _dialect.RuleKeywords);

    public bool MatchBackgroundLine(Token token) => MatchTitleLine(token, TokenType.BackgroundLine, _dialect.BackgroundKeywords);

    public bool MatchScenarioLine(Token token) => MatchTitleLine(token, TokenType.ScenarioLine, _dialect.ScenarioTitleKeywords);

    public bool MatchExamplesLine(Token token) => MatchTitleLine(token, TokenType.ExamplesLine, _dialect.ExamplesKeywords);

    public bool MatchTableRow(Token token)
    {
        GherkinLine line = token.Line!;
        if (!line.StartsWith("|"))
        {
            return false;
        }

        SetMatched(token, TokenType.TableRow, null, null, line.Indent);
        token.MatchedItems = line.GetTableCells();
        return true;
    }

    public bool MatchDocStringSeparator(Token token)
    {
        if (_activeDocStringSeparator is null)
        {
            return MatchDocStringSeparator(token, "\"\"\"", isOpen: true) || MatchDocStringSeparator(token, "```", isOpen: true);
        }

        return MatchDocStringSeparator(token, _activeDocStringSeparator, isOpen: false);
    }

    public bool MatchStepLine(Token token)
    {
        GherkinLine line = token.Line!;
        foreach (string keyword in _dialect.StepKeywords)
        {
            if (line.StartsWith(keyword))
            {
                SetMatched(token, TokenType.StepLine, line.GetRestTrimmed(keyword.Length), keyword, line.Indent);
                token.MatchedKeywordType = _dialect.GetStepKeywordType(keyword);
                return true;
            }
        }

        return false;
    }

    public bool MatchOther(Token token)
    {
        string text = token.Line!.GetLineText(_indentToRemove);
        if (_activeDocStringSeparator is not null && text.Contains('\\', StringComparison.Ordinal))
        {
            text = _activeDocStringSeparator == "\"\"\""
                ? text.Replace("\\\"\\\"\\\"", "\"\"\"", StringComparison.Ordinal)
                : text.Replace("\\`\\`\\`", "```", StringComparison.Ordinal);
        }

        SetMatched(token, TokenType.Other, text, null, 0);
        return true;
    }

    private bool MatchDocStringSeparator(Token token, string separator, bool isOpen)
    {
        GherkinLine line = token.Line!;
        if (!line.StartsWith(separator))
        {
            return false;
        }

        string? mediaType = null;
        if (isOpen)
        {
            mediaType = line.GetRestTrimmed(separator.Length);
            _activeDocStringSeparator = separator;
            _indentToRemove = line.Indent;
        }
        else
        {
            _activeDocStringSeparator = null;
            _indentToRemove = 0;
        }

        SetMatched(token, TokenType.DocStringSeparator, mediaType, separator, line.Indent);
        return true;
    }

    private bool MatchTitleLine(Token token, TokenType type, string[] keywords)
    {
        GherkinLine line = token.Line!;
        foreach (string keyword in keywords)
        {
            if (line.StartsWithTitleKeyword(keyword))
            {
                SetMatched(token, type, line.GetRestTrimmed(keyword.Length + 1), keyword, line.Indent);
                return true;
            }
        }

        return false;
    }

    private void SetMatched(Token token, TokenType type, string? text, string? keyword, int indent)
    {
        token.MatchedType = type;
        token.MatchedText = text;
        token.MatchedKeyword = keyword;
        token.MatchedKeywordType = StepKeywordType.Unknown;
        token.MatchedIndent = indent;
        token.MatchedItems = [];
        token.Column = indent + 1;
        token.MatchedLanguage = _dialect.Language;
    }

    [GeneratedRegex(@"^\s*#\s*language\s*:\s*([a-zA-Z\-_]+)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex LanguagePattern();
}
