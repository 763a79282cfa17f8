// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Gherkin.Pickles;

namespace NfvConformance.Gherkin.Parsing.Internal;

/// <summary>
/// Runs <see cref="ParserTable"/> over the lines of one document. Like cucumber's parser it reports an unexpected
/// line, stays in its state and goes on, so every error is found; it stops after more than ten.
/// </summary>
internal sealed class StateMachineParser
{
    private const int MaxErrors = 10;

    private readonly ITokenMatcher _matcher;
    private readonly Queue<Token> _queue = new();
    private readonly List<GherkinError> _errors = [];
    private readonly List<Token> _lookahead = [];
    private readonly AstBuilder _builder;
    private readonly string _uri;
    private readonly string _text;
    private readonly int _end;
    private int _position;
    private int _nextLine;

    private StateMachineParser(string text, string uri, ITokenMatcher matcher)
    {
        _matcher = matcher;
        _uri = uri;
        _builder = new AstBuilder(uri);
        _text = text;
        _end = ContentEnd(text);
    }

    public static GherkinDocument Parse(string text, string uri, ITokenMatcher matcher, out IReadOnlyList<GherkinError> errors)
    {
        StateMachineParser parser = new(text, uri, matcher);
        GherkinDocument document = parser.Run();
        errors = parser._errors;
        return document;
    }

    private GherkinDocument Run()
    {
        _builder.StartRule(RuleType.GherkinDocument);
        int state = ParserTable.Start;
        while (true)
        {
            Token token = ReadToken();
            state = Match(state, token);
            if (_errors.Count > MaxErrors)
            {
                // Cucumber gives up after more than ten errors; the ones found are reported.
                return _builder.GetResult();
            }

            if (token.IsEof)
            {
                break;
            }
        }

        EndRule();
        return _builder.GetResult();
    }

    private int Match(int state, Token token)
    {
        ParserState current = ParserTable.States[state];
        foreach (Transition transition in current.Transitions)
        {
            if (!MatchToken(transition.Token, token))
            {
                continue;
            }

            if (transition.Lookahead != Lookahead.None && !LookAhead(transition.Lookahead))
            {
                continue;
            }

            int end = transition.EndRules < 0 ? _builder.Depth - 2 : transition.EndRules;
            for (int i = 0; i < end; i++)
            {
                EndRule();
            }

            foreach (RuleType rule in transition.StartRules)
            {
                _builder.StartRule(rule);
            }

            _builder.Build(token);
            return transition.Next == -2 ? state : transition.Next;
        }

        string expected = string.Join(", ", current.ExpectedTokens);
        if (token.IsEof)
        {
            AddError(token.LineNumber, 0, "unexpected end of file, expected: " + expected);
        }
        else
        {
            AddError(token.LineNumber, token.Line!.Indent + 1, $"expected: {expected}, got '{GherkinLine.Trim(token.Line.TrimmedSpan)}'");
        }

        return state;
    }

    private bool MatchToken(TokenType type, Token token)
    {
        if (token.IsEof)
        {
            return type == TokenType.EOF && _matcher.MatchEOF(token);
        }

        try
        {
            return type switch
            {
                TokenType.Empty => _matcher.MatchEmpty(token),
                TokenType.Comment => _matcher.MatchComment(token),
                TokenType.TagLine => _matcher.MatchTagLine(token),
                TokenType.FeatureLine => _matcher.MatchFeatureLine(token),
                TokenType.RuleLine => _matcher.MatchRuleLine(token),
                TokenType.BackgroundLine => _matcher.MatchBackgroundLine(token),
                TokenType.ScenarioLine => _matcher.MatchScenarioLine(token),
                TokenType.ExamplesLine => _matcher.MatchExamplesLine(token),
                TokenType.StepLine => _matcher.MatchStepLine(token),
                TokenType.DocStringSeparator => _matcher.MatchDocStringSeparator(token),
                TokenType.TableRow => _matcher.MatchTableRow(token),
                TokenType.Language => _matcher.MatchLanguage(token),
                TokenType.Other => _matcher.MatchOther(token),
                _ => false,
            };
        }
        catch (TokenMatchException e)
        {
            AddError(e.Line, e.Column, e.Message);
            return false;
        }
    }

    private bool LookAhead(Lookahead lookahead)
    {
        TokenType expected = lookahead == Lookahead.ScenarioLine ? TokenType.ScenarioLine : TokenType.ExamplesLine;
        List<Token> read = _lookahead;
        read.Clear();
        bool match = false;
        Token token;
        do
        {
            token = ReadToken();
            read.Add(token);
            if (MatchToken(expected, token))
            {
                match = true;
                break;
            }
        }
        while (MatchToken(TokenType.Empty, token) || MatchToken(TokenType.Comment, token) || MatchToken(TokenType.TagLine, token));

        foreach (Token t in read)
        {
            _queue.Enqueue(t);
        }

        return match;
    }

    private Token ReadToken()
    {
        if (_queue.Count > 0)
        {
            return _queue.Dequeue();
        }

        int number = ++_nextLine;
        if (_position > _end)
        {
            return new Token(null, number);
        }

        int newline = _text.IndexOf('\n', _position, _end - _position);
        int lineEnd = newline < 0 ? _end : newline;
        int contentEnd = lineEnd > _position && _text[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
        Token token = new(new GherkinLine(_text, _position, contentEnd - _position, number), number);
        _position = lineEnd + 1;
        return token;
    }

    private void EndRule()
    {
        try
        {
            _builder.EndRule();
        }
        catch (AstBuilderException e)
        {
            AddError(e.Location.Line, e.Location.Column, e.Message);
        }
    }

    private void AddError(int line, int column, string message)
    {
        if (_errors.Count > MaxErrors)
        {
            return;
        }

        string full = string.Create(CultureInfo.InvariantCulture, $"({line}:{column}): {message}");
        foreach (GherkinError existing in _errors)
        {
            if (existing.Message == full)
            {
                return;
            }
        }

        _errors.Add(new GherkinError(_uri, new Location(line, column), full));
    }

    /// <summary>
    /// Where the lines end. Lines are split on <c>\n</c> and <c>\r\n</c>, and a last line that is only whitespace is
    /// dropped, as cucumber does; -1 when there is no line at all.
    /// </summary>
    private static int ContentEnd(string text)
    {
        int lastNewline = text.LastIndexOf('\n');
        bool lastLineBlank = GherkinLine.Trim(text.AsSpan(lastNewline + 1)).Length == 0;
        if (!lastLineBlank)
        {
            return text.Length;
        }

        return lastNewline;
    }
}
