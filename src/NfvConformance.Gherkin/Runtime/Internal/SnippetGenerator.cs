// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using NfvConformance.Gherkin.Pickles;

namespace NfvConformance.Gherkin.Runtime.Internal;

/// <summary>Writes a ready-to-paste C# binding for an undefined step: numbers and quoted strings become parameters.</summary>
internal static partial class SnippetGenerator
{
    public static string Generate(PickleStep step)
    {
        string keyword = step.Type switch
        {
            PickleStepType.Action => "When",
            PickleStepType.Outcome => "Then",
            _ => "Given",
        };

        StringBuilder expression = new();
        StringBuilder name = new(keyword);
        List<string> parameters = [];
        int last = 0;
        foreach (Match match in ArgumentPattern().Matches(step.Text))
        {
            AppendLiteral(step.Text[last..match.Index], expression, name);
            string p = "p" + parameters.Count.ToString(CultureInfo.InvariantCulture);
            if (match.Groups["string"].Success)
            {
                expression.Append("{string}");
                parameters.Add("string " + p);
            }
            else if (match.Value.Contains('.', StringComparison.Ordinal))
            {
                expression.Append("{float}");
                parameters.Add("float " + p);
            }
            else
            {
                expression.Append("{int}");
                parameters.Add("int " + p);
            }

            last = match.Index + match.Length;
        }

        AppendLiteral(step.Text[last..], expression, name);
        if (step.Argument?.DataTable is not null)
        {
            parameters.Add("DataTable dataTable");
        }
        else if (step.Argument?.DocString is not null)
        {
            parameters.Add("string docString");
        }

        string literal = expression.ToString().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
        return $$"""
            [{{keyword}}("{{literal}}")]
            public void {{name}}({{string.Join(", ", parameters)}})
            {
                throw new PendingStepException();
            }
            """;
    }

    private static void AppendLiteral(string text, StringBuilder expression, StringBuilder name)
    {
        foreach (char c in text)
        {
            if (c is '(' or ')' or '{' or '}' or '/' or '\\')
            {
                expression.Append('\\');
            }

            expression.Append(c);
        }

        foreach (string word in WordPattern().Matches(text).Select(m => m.Value))
        {
            name.Append(char.ToUpperInvariant(word[0])).Append(word.AsSpan(1));
        }
    }

    [GeneratedRegex("(?<string>\"[^\"]*\")|(?<![\\w.])-?\\d+(?:\\.\\d+)?(?![\\w.])")]
    private static partial Regex ArgumentPattern();

    [GeneratedRegex("[A-Za-z0-9]+")]
    private static partial Regex WordPattern();
}
