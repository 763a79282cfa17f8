// Licensed under the Apache License, Version 2.0.
using System.Text;

namespace NfvConformance.Gherkin.Parsing.Internal;

/// <summary>A cell or tag on a line: its 1-based column and its text.</summary>
internal readonly record struct LineSpan(int Column, string Text);

/// <summary>One source line, with the indentation measured the way cucumber measures it.</summary>
internal sealed class GherkinLine
{
    private readonly int _trimStart;
    private string? _trimmedText;

    public GherkinLine(string text, int lineNumber)
    {
        Text = text;
        LineNumber = lineNumber;
        int start = 0;
        while (start < text.Length && IsSpace(text[start]))
        {
            start++;
        }

        _trimStart = start;
    }

    public string Text { get; }

    public int LineNumber { get; }

    /// <summary>Leading whitespace in characters (every whitespace character is in the BMP, so this is also code points).</summary>
    public int Indent => _trimStart;

    public bool IsEmpty => _trimStart == Text.Length;

    public ReadOnlySpan<char> TrimmedSpan => Text.AsSpan(_trimStart);

    public string TrimmedText => _trimmedText ??= Text[_trimStart..];

    /// <summary>JavaScript's <c>\s</c>, which cucumber's reference implementation trims with.</summary>
    public static bool IsSpace(char c) => c == '\uFEFF' || (c != '\u0085' && char.IsWhiteSpace(c));

    public bool StartsWith(string prefix) => TrimmedSpan.StartsWith(prefix, StringComparison.Ordinal);

    public bool StartsWithTitleKeyword(string keyword)
    {
        ReadOnlySpan<char> trimmed = TrimmedSpan;
        return trimmed.Length > keyword.Length
            && trimmed[keyword.Length] == ':'
            && trimmed.StartsWith(keyword, StringComparison.Ordinal);
    }

    public string GetLineText(int indentToRemove) =>
        indentToRemove < 0 || indentToRemove > Indent ? TrimmedText : indentToRemove == 0 ? Text : Text[indentToRemove..];

    public string GetRestTrimmed(int length) => Trim(TrimmedSpan[length..]);

    public static string Trim(ReadOnlySpan<char> text)
    {
        int start = 0;
        int end = text.Length;
        while (start < end && IsSpace(text[start]))
        {
            start++;
        }

        while (end > start && IsSpace(text[end - 1]))
        {
            end--;
        }

        return start == end ? string.Empty : text[start..end].ToString();
    }

    public LineSpan[] GetTableCells()
    {
        List<LineSpan> cells = [];
        ReadOnlySpan<char> line = TrimmedSpan;
        StringBuilder cell = new();
        int col = 0;
        int startCol = 1;
        bool firstCell = true;
        while (col < line.Length)
        {
            char chr = line[col];
            col++;
            if (chr == '|')
            {
                if (firstCell)
                {
                    // The text before the first '|' is not a cell.
                    firstCell = false;
                }
                else
                {
                    AddCell(cells, cell, Indent + startCol);
                }

                cell.Clear();
                startCol = col + 1;
            }
            else if (chr == '\\')
            {
                if (col >= line.Length)
                {
                    // A backslash ending the line escapes nothing; the unterminated cell is dropped below anyway.
                    cell.Append('\\');
                    break;
                }

                chr = line[col];
                col++;
                if (chr == 'n')
                {
                    cell.Append('\n');
                }
                else
                {
                    if (chr != '|' && chr != '\\')
                    {
                        cell.Append('\\');
                    }

                    cell.Append(chr);
                }
            }
            else
            {
                cell.Append(chr);
            }
        }

        return [.. cells];
    }

    private static void AddCell(List<LineSpan> cells, StringBuilder cell, int column)
    {
        // Cell padding excludes '\n' so an escaped newline at either end survives (cucumber's rule).
        int start = 0;
        int end = cell.Length;
        while (start < end && IsCellPadding(cell[start]))
        {
            start++;
        }

        while (end > start && IsCellPadding(cell[end - 1]))
        {
            end--;
        }

        cells.Add(new LineSpan(column + start, cell.ToString(start, end - start)));
    }

    private static bool IsCellPadding(char c) =>
        c is ' ' or '\t' or '\v' or '\f' or '\r' or '\u0085' or '\u00A0';

    public LineSpan[] GetTags(out string? whitespaceError, out int errorColumn)
    {
        whitespaceError = null;
        errorColumn = 0;
        ReadOnlySpan<char> line = TrimmedSpan;

        // A '#' after whitespace starts a comment.
        for (int i = 1; i < line.Length; i++)
        {
            if (line[i] == '#' && IsSpace(line[i - 1]))
            {
                line = line[..(i - 1)];
                break;
            }
        }

        List<LineSpan> tags = [];
        int column = Indent + 1;
        foreach (Range range in line.Split('@'))
        {
            ReadOnlySpan<char> raw = line[range];
            int end = raw.Length;
            while (end > 0 && IsSpace(raw[end - 1]))
            {
                end--;
            }

            ReadOnlySpan<char> item = raw[..end];
            if (item.IsEmpty)
            {
                continue;
            }

            foreach (char c in item)
            {
                if (IsSpace(c))
                {
                    whitespaceError = "A tag may not contain whitespace";
                    errorColumn = column;
                    return [];
                }
            }

            tags.Add(new LineSpan(column, string.Concat("@", item)));
            column += CountCodePoints(raw) + 1;
        }

        return [.. tags];
    }

    private static int CountCodePoints(ReadOnlySpan<char> text)
    {
        int count = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (!(char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])))
            {
                count++;
            }
        }

        return count;
    }
}
