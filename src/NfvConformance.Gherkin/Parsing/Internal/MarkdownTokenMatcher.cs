// Licensed under the Apache License, Version 2.0.
using System.Text.RegularExpressions;
using NfvConformance.Gherkin.Languages;

namespace NfvConformance.Gherkin.Parsing.Internal;

/// <summary>
/// Gherkin in Markdown (MDG, <c>*.feature.md</c>), as cucumber's Markdown token matcher reads it: keywords are
/// headings (<c>## Scenario: ...</c>), steps are bullets (<c>* Given ...</c>), tags are code spans
/// (<c>`@tag`</c>), tables are indented 2 to 5 spaces (GFM separator rows are ignored), doc strings are fenced
/// with backticks, and any other line is blank. The first line that is not a tag is the feature line even
/// without a heading. There is no <c># language:</c> header: Markdown files are English.
/// </summary>
internal sealed partial class MarkdownTokenMatcher : ITokenMatcher
{
    private readonly GherkinDialect _dialect = GherkinDialects.Default;
    private readonly Regex _stepLine;
    private readonly Regex _featureLine;
    private readonly Regex _ruleLine;
    private readonly Regex _backgroundLine;
    private readonly Regex _scenarioLine;
    private readonly Regex _scenarioOutlineLine;
    private readonly Regex _examplesLine;
    private Regex _activeDocStringSeparator = DefaultDocStringSeparator();
    private int _indentToRemove;
    private bool _matchedFeatureLine;

    public MarkdownTokenMatcher()
    {
        string[] stepKeywords = [.. _dialect.StepKeywords.Where(k => k != "* ")];
        _stepLine = TitleRegex(@"^(\s*[*+-]\s*)", stepKeywords, string.Empty);
        _featureLine = TitleRegex(HeaderPrefix, _dialect.FeatureKeywords, ":");
        _ruleLine = TitleRegex(HeaderPrefix, _dialect.RuleKeywords, ":");
        _backgroundLine = TitleRegex(HeaderPrefix, _dialect.BackgroundKeywords, ":");
        _scenarioLine = TitleRegex(HeaderPrefix, _dialect.ScenarioKeywords, ":");
        _scenarioOutlineLine = TitleRegex(HeaderPrefix, _dialect.ScenarioOutlineKeywords, ":");
        _examplesLine = TitleRegex(HeaderPrefix, _dialect.ExamplesKeywords, ":");
    }

    private const string HeaderPrefix = @"^(#{1,6}\s)";

    public bool MatchEOF(Token token)
    {
        if (!token.IsEof)
        {
            SetIndent(token, null);
            return false;
        }

        token.MatchedType = TokenType.EOF;
        SetIndent(token, null);
        return true;
    }

    public bool MatchEmpty(Token token)
    {
        // A line that is nothing else is blank: prose, headings without a keyword, other tables.
        bool result = token.Line!.IsEmpty
            || !(MatchTagLine(token) || MatchFeatureLine(token) || MatchScenarioLine(token) || MatchBackgroundLine(token)
                || MatchExamplesLine(token) || MatchRuleLine(token) || MatchTableRow(token) || MatchComment(token)
                || MatchLanguage(token) || MatchDocStringSeparator(token) || MatchEOF(token) || MatchStepLine(token));
        if (result)
        {
            token.MatchedType = TokenType.Empty;
        }

        SetIndent(token, null);
        return result;
    }

    public bool MatchComment(Token token)
    {
        // Only a GFM table separator row (| --- |) is swallowed here; it is ignored like a blank line.
        bool result = token.Line!.StartsWith("|") && IsGfmTableSeparator(token.Line.GetTableCells());
        if (result)
        {
            token.MatchedType = TokenType.Empty;
        }

        SetIndent(token, null);
        return result;
    }

    public bool MatchLanguage(Token token) => false;

    public bool MatchTagLine(Token token)
    {
        GherkinLine line = token.Line!;
        List<LineSpan> tags = [];
        foreach (Match match in TagPattern().Matches(line.TrimmedText))
        {
            tags.Add(new LineSpan(line.Indent + match.Index + 2, match.Groups[1].Value));
        }

        if (tags.Count == 0)
        {
            return false;
        }

        token.MatchedType = TokenType.TagLine;
        token.MatchedItems = [.. tags];
        return true;
    }

    public bool MatchFeatureLine(Token token)
    {
        if (_matchedFeatureLine)
        {
            SetIndent(token, null);
            return false;
        }

        if (!MatchTitleLine(token, _featureLine, TokenType.FeatureLine))
        {
            // Cucumber does not require the heading: the first line is the feature line anyway.
            token.MatchedType = TokenType.FeatureLine;
            token.MatchedText = token.Line!.TrimmedText;
            SetIndent(token, null);
        }

        _matchedFeatureLine = true;
        return true;
    }

    public bool MatchRuleLine(Token token) => MatchTitleLine(token, _ruleLine, TokenType.RuleLine);

    public bool MatchBackgroundLine(Token token) => MatchTitleLine(token, _backgroundLine, TokenType.BackgroundLine);

    public bool MatchScenarioLine(Token token) =>
        MatchTitleLine(token, _scenarioLine, TokenType.ScenarioLine) || MatchTitleLine(token, _scenarioOutlineLine, TokenType.ScenarioLine);

    public bool MatchExamplesLine(Token token) => MatchTitleLine(token, _examplesLine, TokenType.ExamplesLine);

    public bool MatchTableRow(Token token)
    {
        GherkinLine line = token.Line!;

        // Gherkin tables are indented 2 to 5 spaces, which tells them from Markdown tables.
        if (!TableRowPattern().IsMatch(line.Span))
        {
            return false;
        }

        LineSpan[] cells = line.GetTableCells();
        if (IsGfmTableSeparator(cells))
        {
            return false;
        }

        token.MatchedType = TokenType.TableRow;
        token.MatchedKeyword = "|";
        token.MatchedItems = cells;
        SetIndent(token, null);
        return true;
    }

    public bool MatchDocStringSeparator(Token token)
    {
        Match match = _activeDocStringSeparator.Match(token.Line!.TrimmedText);
        bool result = match.Success && match.Groups[1].Length > 0;
        if (result)
        {
            string separator = match.Groups[1].Value;
            if (_activeDocStringSeparator == s_defaultDocStringSeparator)
            {
                _activeDocStringSeparator = new Regex("^(" + Regex.Escape(separator) + ")$", RegexOptions.CultureInvariant);
                _indentToRemove = token.Line.Indent;
            }
            else
            {
                _activeDocStringSeparator = s_defaultDocStringSeparator;
            }

            token.MatchedKeyword = separator;
            token.MatchedType = TokenType.DocStringSeparator;
            token.MatchedText = match.Groups.Count > 2 ? match.Groups[2].Value : string.Empty;
        }

        SetIndent(token, null);
        return result;
    }

    public bool MatchStepLine(Token token) => MatchTitleLine(token, _stepLine, TokenType.StepLine);

    public bool MatchOther(Token token)
    {
        token.MatchedType = TokenType.Other;
        token.MatchedText = token.Line!.GetLineText(_indentToRemove);
        SetIndent(token, 0);
        return true;
    }

    private static readonly Regex s_defaultDocStringSeparator = DefaultDocStringSeparator();

    private bool MatchTitleLine(Token token, Regex pattern, TokenType type)
    {
        GherkinLine line = token.Line!;
        Match match = pattern.Match(line.TrimmedText);
        int indent = line.Indent;
        if (match.Success)
        {
            string keyword = match.Groups[2].Value;
            token.MatchedType = type;
            token.MatchedKeyword = keyword;
            if (type == TokenType.StepLine)
            {
                token.MatchedKeywordType = _dialect.GetStepKeywordType(keyword);
            }

            token.MatchedText = GherkinLine.Trim(match.Groups[3].ValueSpan);
            indent += match.Groups[1].Length;
        }

        SetIndent(token, indent);
        return match.Success;
    }

    private void SetIndent(Token token, int? indent)
    {
        token.MatchedLanguage = _dialect.Language;
        token.MatchedIndent = indent ?? token.Line?.Indent ?? 0;
        token.Column = token.MatchedIndent + 1;
    }

    private static bool IsGfmTableSeparator(LineSpan[] cells)
    {
        foreach (LineSpan cell in cells)
        {
            if (GfmSeparatorCell().IsMatch(cell.Text))
            {
                return true;
            }
        }

        return false;
    }

    private static Regex TitleRegex(string prefix, string[] keywords, string suffix) =>
        new(prefix + "(" + string.Join('|', keywords.Select(Regex.Escape)) + ")" + Regex.Escape(suffix) + "(.*)", RegexOptions.CultureInvariant);

    [GeneratedRegex("^(```[`]*)(.*)", RegexOptions.CultureInvariant)]
    private static partial Regex DefaultDocStringSeparator();

    [GeneratedRegex("`(@[^`]+)`", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"^\s\s\s?\s?\s?\|", RegexOptions.CultureInvariant)]
    private static partial Regex TableRowPattern();

    [GeneratedRegex("^:?-+:?$", RegexOptions.CultureInvariant)]
    private static partial Regex GfmSeparatorCell();
}
