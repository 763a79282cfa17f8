// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace NfvConformance.Gherkin.Expressions;

/// <summary>
/// A compiled Cucumber Expression: literal text, parameters (<c>{int}</c>), optional text (<c>(s)</c>) and
/// alternatives (<c>port/ports</c>), with <c>\</c> escaping <c>( ) { } / \</c>. Compiled to one anchored regex.
/// </summary>
internal sealed class CucumberExpression : IStepExpression
{
    private readonly Regex _regex;
    private readonly ParameterType?[] _parameters;
    private readonly int[] _groupNumbers;

    public CucumberExpression(string source, ParameterTypeRegistry types)
    {
        Source = source;
        List<Item> items = Tokenize(source);
        StringBuilder pattern = new("^");
        StringBuilder prefix = new();
        List<ParameterType?> parameters = [];
        bool prefixOpen = true;
        StringBuilder run = new();
        List<string> runs = [];

        foreach (List<Item> chunk in SplitOnWhitespace(items))
        {
            if (chunk.Count == 1 && chunk[0].Kind == ItemKind.Whitespace)
            {
                pattern.Append(Regex.Escape(chunk[0].Text));
                run.Append(chunk[0].Text);
                if (prefixOpen)
                {
                    prefix.Append(chunk[0].Text);
                }

                continue;
            }

            if (chunk.Exists(i => i.Kind == ItemKind.Slash))
            {
                prefixOpen = false;
                FlushRun();
                AppendAlternation(chunk, pattern);
                continue;
            }

            foreach (Item item in chunk)
            {
                switch (item.Kind)
                {
                    case ItemKind.Text:
                        pattern.Append(Regex.Escape(item.Text));
                        run.Append(item.Text);
                        if (prefixOpen)
                        {
                            prefix.Append(item.Text);
                        }

                        break;
                    case ItemKind.Optional:
                        prefixOpen = false;
                        FlushRun();
                        pattern.Append("(?:").Append(Regex.Escape(item.Text)).Append(")?");
                        break;
                    case ItemKind.Parameter:
                        prefixOpen = false;
                        FlushRun();
                        if (!types.TryGet(item.Text, out ParameterType type))
                        {
                            Fail(item.Position, $"an existing parameter type, but {{{item.Text}}} is not defined; built-in types are {{int}}, {{long}}, {{float}}, {{double}}, {{decimal}}, {{word}}, {{string}} and {{}}, " +
                                "and a custom one is a [StepArgumentTransformation(regex, Name = \"...\")] method");
                        }

                        pattern.Append("(?<p").Append(parameters.Count.ToString(CultureInfo.InvariantCulture)).Append(">(?:").Append(type.Regex).Append("))");
                        parameters.Add(type);
                        break;
                }
            }
        }

        pattern.Append('$');
        bool endsWithText = run.Length > 0;
        FlushRun();
        _parameters = [.. parameters];
        LiteralPrefix = prefix.ToString();

        // A whole-literal expression is all prefix. Otherwise the prefix and the suffix are checked by the
        // matcher's tries, and the longest run between them filters before the regex.
        bool allLiteral = runs.Count == 1 && prefixOpen;
        LiteralSuffix = endsWithText && !allLiteral ? runs[^1] : string.Empty;
        int skipFirst = LiteralPrefix.Length > 0 ? 1 : 0;
        int skipLast = LiteralSuffix.Length > 0 ? 1 : 0;
        RequiredLiteral = runs.Count - skipFirst - skipLast > 0
            ? runs.Skip(skipFirst).Take(runs.Count - skipFirst - skipLast).MaxBy(r => r.Length)!
            : string.Empty;
        try
        {
            _regex = new Regex(pattern.ToString(), RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture | RegexOptions.Compiled);
        }
        catch (ArgumentException ex)
        {
            throw new ExpressionException($"Cucumber Expression \"{source}\" compiles to an invalid regular expression (check the custom parameter types' regexes): {ex.Message}", ex);
        }

        _groupNumbers = new int[_parameters.Length];
        for (int i = 0; i < _groupNumbers.Length; i++)
        {
            _groupNumbers[i] = _regex.GroupNumberFromName("p" + i.ToString(CultureInfo.InvariantCulture));
        }

        void FlushRun()
        {
            if (run.Length > 0)
            {
                runs.Add(run.ToString());
                run.Clear();
            }
        }
    }

    public string Source { get; }

    public string LiteralPrefix { get; }

    public string LiteralSuffix { get; }

    public string RequiredLiteral { get; }

    public IReadOnlyList<ParameterType?> Parameters => _parameters;

    public string?[]? Match(string text)
    {
        Match match = _regex.Match(text);
        if (!match.Success)
        {
            return null;
        }

        string?[] values = new string?[_parameters.Length];
        for (int i = 0; i < values.Length; i++)
        {
            Group group = match.Groups[_groupNumbers[i]];
            values[i] = group.Success ? group.Value : null;
        }

        return values;
    }

    private void AppendAlternation(List<Item> chunk, StringBuilder pattern)
    {
        List<List<Item>> alternatives = [[]];
        foreach (Item item in chunk)
        {
            if (item.Kind == ItemKind.Slash)
            {
                alternatives.Add([]);
            }
            else
            {
                alternatives[^1].Add(item);
            }
        }

        pattern.Append("(?:");
        for (int a = 0; a < alternatives.Count; a++)
        {
            List<Item> alternative = alternatives[a];
            if (alternative.Count == 0)
            {
                Fail(chunk[0].Position, "text on both sides of every '/', but an alternative is empty (write 'a/b', or escape a literal slash as '\\/')");
            }

            if (alternative.TrueForAll(i => i.Kind == ItemKind.Optional))
            {
                Fail(alternative[0].Position, "an alternative with some text outside the optional part");
            }

            if (alternative.Find(i => i.Kind == ItemKind.Parameter) is { Kind: ItemKind.Parameter } parameter)
            {
                Fail(parameter.Position, "no parameter inside an alternative (move the parameter outside 'a/b')");
            }

            if (a > 0)
            {
                pattern.Append('|');
            }

            foreach (Item item in alternative)
            {
                pattern.Append(item.Kind == ItemKind.Optional ? "(?:" + Regex.Escape(item.Text) + ")?" : Regex.Escape(item.Text));
            }
        }

        pattern.Append(')');
    }

    private static IEnumerable<List<Item>> SplitOnWhitespace(List<Item> items)
    {
        List<Item> current = [];
        foreach (Item item in items)
        {
            if (item.Kind == ItemKind.Whitespace)
            {
                if (current.Count > 0)
                {
                    yield return current;
                    current = [];
                }

                yield return [item];
            }
            else
            {
                current.Add(item);
            }
        }

        if (current.Count > 0)
        {
            yield return current;
        }
    }

    private List<Item> Tokenize(string source)
    {
        List<Item> items = [];
        StringBuilder text = new();
        int textStart = 0;
        int i = 0;
        while (i < source.Length)
        {
            char c = source[i];
            switch (c)
            {
                case '\\':
                    text.Append(ReadEscape(source, i));
                    i += 2;
                    break;
                case '(':
                    FlushText();
                    items.Add(ReadOptional(source, ref i));
                    textStart = i;
                    break;
                case '{':
                    FlushText();
                    items.Add(ReadParameter(source, ref i));
                    textStart = i;
                    break;
                case ')':
                    Fail(i, "text, but found a ')' with no '(' before it (escape it as '\\)')");
                    break;
                case '}':
                    Fail(i, "text, but found a '}' with no '{' before it (escape it as '\\}')");
                    break;
                case '/':
                    FlushText();
                    items.Add(new Item(ItemKind.Slash, "/", i));
                    textStart = ++i;
                    break;
                default:
                    if (char.IsWhiteSpace(c))
                    {
                        FlushText();
                        int start = i;
                        while (i < source.Length && char.IsWhiteSpace(source[i]))
                        {
                            i++;
                        }

                        items.Add(new Item(ItemKind.Whitespace, source[start..i], start));
                        textStart = i;
                    }
                    else
                    {
                        text.Append(c);
                        i++;
                    }

                    break;
            }
        }

        FlushText();
        return items;

        void FlushText()
        {
            if (text.Length > 0)
            {
                items.Add(new Item(ItemKind.Text, text.ToString(), textStart));
                text.Clear();
            }

            textStart = i;
        }
    }

    private Item ReadOptional(string source, ref int i)
    {
        int start = i;
        StringBuilder text = new();
        i++;
        while (i < source.Length && source[i] != ')')
        {
            switch (source[i])
            {
                case '\\':
                    text.Append(ReadEscape(source, i));
                    i += 2;
                    continue;
                case '(':
                    Fail(i, "text inside the optional part opened at position " + (start + 1).ToString(CultureInfo.InvariantCulture) + ", but found a nested '(' (optional parts cannot nest)");
                    break;
                case '{':
                    Fail(i, "text inside the optional part, but found a parameter (an optional part cannot contain a parameter type)");
                    break;
            }

            text.Append(source[i]);
            i++;
        }

        if (i >= source.Length)
        {
            Fail(start, "a ')' to close this optional part");
        }

        i++;
        if (text.Length == 0)
        {
            Fail(start, "text inside '()', but the optional part is empty (escape literal parentheses as '\\(' and '\\)')");
        }

        return new Item(ItemKind.Optional, text.ToString(), start);
    }

    private Item ReadParameter(string source, ref int i)
    {
        int start = i;
        int close = source.IndexOf('}', i + 1);
        if (close < 0)
        {
            Fail(start, "a '}' to close this parameter");
        }

        string name = source[(i + 1)..close];
        int bad = name.AsSpan().IndexOfAny("{()\\/");
        if (bad >= 0)
        {
            Fail(start + 1 + bad, $"a parameter type name without '{name[bad]}'");
        }

        i = close + 1;
        return new Item(ItemKind.Parameter, name, start);
    }

    private char ReadEscape(string source, int i)
    {
        if (i + 1 >= source.Length)
        {
            Fail(i, "a character to escape after '\\', but the expression ends");
        }

        char next = source[i + 1];
        if (next is not ('(' or ')' or '{' or '}' or '/' or '\\') && !char.IsWhiteSpace(next))
        {
            Fail(i, $"one of ( ) {{ }} / \\ or whitespace after '\\', not '{next}'");
        }

        return next;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void Fail(int index, string expected) =>
        throw new ExpressionException($"Cucumber Expression \"{Source}\" is malformed at position {index + 1}: expected {expected}.");

    private enum ItemKind
    {
        Text,
        Whitespace,
        Optional,
        Parameter,
        Slash,
    }

    private readonly record struct Item(ItemKind Kind, string Text, int Position);
}
