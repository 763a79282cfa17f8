// Licensed under the Apache License, Version 2.0.
using System.Text;
using System.Text.RegularExpressions;

namespace NfvConformance.Gherkin.Expressions;

/// <summary>A step expression written as a regular expression (it starts with <c>^</c> or ends with <c>$</c>); every group is an argument.</summary>
internal sealed class RegularStepExpression : IStepExpression
{
    private readonly Regex _regex;
    private readonly int _groupCount;

    public RegularStepExpression(string source)
    {
        Source = source;
        string pattern = source;
        if (!pattern.StartsWith('^'))
        {
            pattern = "^" + pattern;
        }

        if (!pattern.EndsWith('$') || pattern.EndsWith("\\$", StringComparison.Ordinal))
        {
            pattern += "$";
        }

        try
        {
            _regex = new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled);
        }
        catch (ArgumentException ex)
        {
            throw new ExpressionException($"Regular expression \"{source}\" does not compile: {ex.Message}", ex);
        }

        _groupCount = _regex.GetGroupNumbers().Length - 1;
        Parameters = new ParameterType?[_groupCount];
        LiteralPrefix = ReadLiteralPrefix(pattern);
    }

    public string Source { get; }

    public string LiteralPrefix { get; }

    public string LiteralSuffix => string.Empty;

    public string RequiredLiteral => string.Empty;

    public IReadOnlyList<ParameterType?> Parameters { get; }

    public static bool IsRegularExpression(string expression) =>
        expression.StartsWith('^') || expression.EndsWith('$');

    public string?[]? Match(string text)
    {
        Match match = _regex.Match(text);
        if (!match.Success)
        {
            return null;
        }

        string?[] values = new string?[_groupCount];
        for (int i = 0; i < _groupCount; i++)
        {
            Group group = match.Groups[i + 1];
            values[i] = group.Success ? group.Value : null;
        }

        return values;
    }

    // The longest run of plain characters after '^' that every match must start with; conservative: a character
    // followed by a quantifier or alternation ends the run without being included.
    private static string ReadLiteralPrefix(string pattern)
    {
        StringBuilder prefix = new();
        int i = 1;
        while (i < pattern.Length)
        {
            char c = pattern[i];
            char literal;
            int width;
            if (c == '\\' && i + 1 < pattern.Length && !char.IsLetterOrDigit(pattern[i + 1]))
            {
                literal = pattern[i + 1];
                width = 2;
            }
            else if (char.IsLetterOrDigit(c) || c is ' ' or ',' or ':' or ';' or '-' or '_' or '\'' or '"' or '@' or '/' or '=' or '<' or '>' or '%' or '!' or '&' or '#')
            {
                literal = c;
                width = 1;
            }
            else
            {
                break;
            }

            int next = i + width;
            if (next < pattern.Length && pattern[next] is '?' or '*' or '+' or '{' or '|')
            {
                break;
            }

            prefix.Append(literal);
            i = next;
        }

        return pattern.Contains('|', StringComparison.Ordinal) && !IsAlternationInsideGroups(pattern) ? string.Empty : prefix.ToString();
    }

    // A top-level '|' means the pattern has whole alternatives, so no prefix is shared.
    private static bool IsAlternationInsideGroups(string pattern)
    {
        int depth = 0;
        bool inClass = false;
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            if (c == '\\')
            {
                i++;
                continue;
            }

            if (inClass)
            {
                inClass = c != ']';
                continue;
            }

            switch (c)
            {
                case '[':
                    inClass = true;
                    break;
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case '|' when depth == 0:
                    return false;
            }
        }

        return true;
    }
}
