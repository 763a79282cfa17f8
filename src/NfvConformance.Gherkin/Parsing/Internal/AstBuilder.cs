// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Text;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Gherkin.Pickles;

namespace NfvConformance.Gherkin.Parsing.Internal;

/// <summary>An error in the document's structure found while building the tree (for example a ragged table).</summary>
internal sealed class AstBuilderException(string message, Location location)
    : NfvConformanceException(message, Severity.Configuration)
{
    public Location Location { get; } = location;
}

/// <summary>A grammar rule being built: the tokens and finished child nodes it has collected, in order.</summary>
internal sealed class AstNode(RuleType ruleType)
{
    // Token kinds and rule kinds share one key space; a node holds few items, so a flat list beats a table.
    private const int RuleKeyOffset = 16;
    private readonly List<(int Key, object? Value)> _items = [];

    public RuleType RuleType { get; } = ruleType;

    public void Add(TokenType type, Token token) => _items.Add(((int)type, token));

    public void Add(RuleType type, object? node) => _items.Add((RuleKeyOffset + (int)type, node));

    public T? GetSingle<T>(RuleType type)
        where T : class
    {
        int key = RuleKeyOffset + (int)type;
        foreach ((int k, object? value) in _items)
        {
            if (k == key)
            {
                return value as T;
            }
        }

        return null;
    }

    public List<T> GetItems<T>(RuleType type)
        where T : class
    {
        int key = RuleKeyOffset + (int)type;
        List<T> result = [];
        foreach ((int k, object? value) in _items)
        {
            if (k == key && value is T typed)
            {
                result.Add(typed);
            }
        }

        return result;
    }

    public Token? GetToken(TokenType type)
    {
        foreach ((int k, object? value) in _items)
        {
            if (k == (int)type)
            {
                return (Token?)value;
            }
        }

        return null;
    }

    public List<Token> GetTokens(TokenType type)
    {
        List<Token> result = [];
        foreach ((int k, object? value) in _items)
        {
            if (k == (int)type)
            {
                result.Add((Token)value!);
            }
        }

        return result;
    }
}

/// <summary>Builds the <see cref="GherkinDocument"/> as the parser starts and ends rules, numbering nodes as cucumber does.</summary>
internal sealed class AstBuilder
{
    private readonly Stack<AstNode> _stack = new();
    private readonly List<Comment> _comments = [];
    private readonly string _uri;
    private int _nextId;

    public AstBuilder(string uri)
    {
        _uri = uri;
        _stack.Push(new AstNode(RuleType.None));
    }

    public int Depth => _stack.Count;

    public void StartRule(RuleType ruleType) => _stack.Push(new AstNode(ruleType));

    public void EndRule()
    {
        AstNode node = _stack.Pop();
        object? transformed = Transform(node);
        _stack.Peek().Add(node.RuleType, transformed);
    }

    public void Build(Token token)
    {
        if (token.MatchedType == TokenType.Comment)
        {
            _comments.Add(new Comment(new Location(token.LineNumber, token.Column), token.MatchedText!));
        }
        else if (token.MatchedType is not (TokenType.Empty or TokenType.EOF))
        {
            // Blank lines and the end of file shape nothing in the tree; keeping them only costs memory.
            _stack.Peek().Add(token.MatchedType, token);
        }
    }

    public GherkinDocument GetResult() =>
        _stack.Peek().GetSingle<GherkinDocument>(RuleType.GherkinDocument) ?? new GherkinDocument(_uri, null, _comments) { NextId = _nextId };

    private string NewId() => (_nextId++).ToString(CultureInfo.InvariantCulture);

    private static Location LocationOf(Token token, int column = 0) => new(token.LineNumber, column == 0 ? token.Column : column);

    private object? Transform(AstNode node)
    {
        switch (node.RuleType)
        {
            case RuleType.Step:
            {
                Token line = node.GetToken(TokenType.StepLine)!;
                DataTable? dataTable = node.GetSingle<DataTable>(RuleType.DataTable);
                DocString? docString = node.GetSingle<DocString>(RuleType.DocString);
                return new Step(LocationOf(line), line.MatchedKeyword!, line.MatchedKeywordType, line.MatchedText!, docString, dataTable, NewId());
            }

            case RuleType.DocString:
            {
                Token separator = node.GetToken(TokenType.DocStringSeparator)!;
                string? mediaType = string.IsNullOrEmpty(separator.MatchedText) ? null : separator.MatchedText;
                string content = JoinLines(node.GetTokens(TokenType.Other), int.MaxValue);
                return new DocString(LocationOf(separator), mediaType, content, separator.MatchedKeyword!);
            }

            case RuleType.DataTable:
            {
                List<TableRow> rows = GetTableRows(node);
                return new DataTable(rows[0].Location, rows);
            }

            case RuleType.Background:
            {
                Token line = node.GetToken(TokenType.BackgroundLine)!;
                string description = GetDescription(node);
                List<Step> steps = node.GetItems<Step>(RuleType.Step);
                return new Background(LocationOf(line), line.MatchedKeyword!, line.MatchedText!, description, steps, NewId());
            }

            case RuleType.ScenarioDefinition:
            {
                List<Tag> tags = GetTags(node);
                AstNode scenarioNode = node.GetSingle<AstNode>(RuleType.Scenario)!;
                Token line = scenarioNode.GetToken(TokenType.ScenarioLine)!;
                string description = GetDescription(scenarioNode);
                List<Step> steps = scenarioNode.GetItems<Step>(RuleType.Step);
                List<Examples> examples = scenarioNode.GetItems<Examples>(RuleType.ExamplesDefinition);
                return new Scenario(LocationOf(line), tags, line.MatchedKeyword!, line.MatchedText!, description, steps, examples, NewId());
            }

            case RuleType.ExamplesDefinition:
            {
                List<Tag> tags = GetTags(node);
                AstNode examplesNode = node.GetSingle<AstNode>(RuleType.Examples)!;
                Token line = examplesNode.GetToken(TokenType.ExamplesLine)!;
                string description = GetDescription(examplesNode);
                List<TableRow>? table = examplesNode.GetSingle<List<TableRow>>(RuleType.ExamplesTable);
                return new Examples(
                    LocationOf(line),
                    tags,
                    line.MatchedKeyword!,
                    line.MatchedText!,
                    description,
                    table is { Count: > 0 } ? table[0] : null,
                    table is { Count: > 0 } ? table[1..] : [],
                    NewId());
            }

            case RuleType.ExamplesTable:
                return GetTableRows(node);

            case RuleType.Description:
            {
                List<Token> lines = node.GetTokens(TokenType.Other);
                int end = lines.Count;
                while (end > 0 && lines[end - 1].Line!.IsEmpty)
                {
                    end--;
                }

                return JoinLines(lines, end);
            }

            case RuleType.Feature:
            {
                AstNode? header = node.GetSingle<AstNode>(RuleType.FeatureHeader);
                if (header is null)
                {
                    return null;
                }

                List<Tag> tags = GetTags(header);
                Token? line = header.GetToken(TokenType.FeatureLine);
                if (line is null)
                {
                    return null;
                }

                List<FeatureChild> children = [];
                if (node.GetSingle<Background>(RuleType.Background) is { } background)
                {
                    children.Add(new FeatureChild(null, background, null));
                }

                children.AddRange(node.GetItems<Scenario>(RuleType.ScenarioDefinition).Select(s => new FeatureChild(null, null, s)));
                children.AddRange(node.GetItems<Rule>(RuleType.Rule).Select(r => new FeatureChild(r, null, null)));
                string description = GetDescription(header);
                return new Feature(LocationOf(line), tags, line.MatchedLanguage, line.MatchedKeyword!, line.MatchedText!, description, children);
            }

            case RuleType.Rule:
            {
                AstNode? header = node.GetSingle<AstNode>(RuleType.RuleHeader);
                Token? line = header?.GetToken(TokenType.RuleLine);
                if (header is null || line is null)
                {
                    return null;
                }

                List<Tag> tags = GetTags(header);
                List<RuleChild> children = [];
                if (node.GetSingle<Background>(RuleType.Background) is { } background)
                {
                    children.Add(new RuleChild(background, null));
                }

                children.AddRange(node.GetItems<Scenario>(RuleType.ScenarioDefinition).Select(s => new RuleChild(null, s)));
                string description = GetDescription(header);
                return new Rule(LocationOf(line), tags, line.MatchedKeyword!, line.MatchedText!, description, children, NewId());
            }

            case RuleType.GherkinDocument:
                return new GherkinDocument(_uri, node.GetSingle<Feature>(RuleType.Feature), _comments) { NextId = _nextId };

            default:
                return node;
        }
    }

    private static string JoinLines(List<Token> lines, int count)
    {
        count = Math.Min(count, lines.Count);
        if (count == 0)
        {
            return string.Empty;
        }

        if (count == 1)
        {
            return lines[0].MatchedText!;
        }

        StringBuilder text = new();
        for (int i = 0; i < count; i++)
        {
            if (i > 0)
            {
                text.Append('\n');
            }

            text.Append(lines[i].MatchedText);
        }

        return text.ToString();
    }

    private static string GetDescription(AstNode node) => node.GetSingle<string>(RuleType.Description) ?? string.Empty;

    private List<Tag> GetTags(AstNode node)
    {
        List<Tag> tags = [];
        if (node.GetSingle<AstNode>(RuleType.Tags) is { } tagsNode)
        {
            foreach (Token token in tagsNode.GetTokens(TokenType.TagLine))
            {
                foreach (LineSpan item in token.MatchedItems)
                {
                    tags.Add(new Tag(LocationOf(token, item.Column), item.Text, NewId()));
                }
            }
        }

        return tags;
    }

    private List<TableRow> GetTableRows(AstNode node)
    {
        List<TableRow> rows = [];
        foreach (Token token in node.GetTokens(TokenType.TableRow))
        {
            LineSpan[] items = token.MatchedItems;
            TableCell[] cells = new TableCell[items.Length];
            for (int i = 0; i < items.Length; i++)
            {
                cells[i] = new TableCell(LocationOf(token, items[i].Column), items[i].Text);
            }

            rows.Add(new TableRow(LocationOf(token), cells, NewId()));
        }

        if (rows.Count > 0)
        {
            int cellCount = rows[0].Cells.Count;
            foreach (TableRow row in rows)
            {
                if (row.Cells.Count != cellCount)
                {
                    throw new AstBuilderException("inconsistent cell count within the table", row.Location);
                }
            }
        }

        return rows;
    }
}
