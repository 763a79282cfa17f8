// Licensed under the Apache License, Version 2.0.
using System.Text;

namespace NfvConformance.Gherkin.Parsing.Internal;

/// <summary>A cell or tag on a line: its 1-based column and its text.</summary>
internal readonly record struct LineSpan(int Column, string Text);

/// <summary>One source line, with the indentation measured the way cucumber measures it.</summary>
internal sealed class GherkinLine
{
    private readonly string _source;
    private readonly int _start;
    private readonly int _length;
    private readonly int _trimStart;
    private string? _text;
    private string? _trimmedText;

    public GherkinLine(string text, int lineNumber)
        : this(text, 0, text.Length, lineNumber)
    {
    }

    /// <summary>A line that is a slice of the whole document, so that no string is made for it until one is needed.</summary>
    public GherkinLine(string source, int start, int length, int lineNumber)
    {
        _source = source;
        _start = start;
        _length = length;
        LineNumber = lineNumber;
        int trim = 0;
        while (trim < length && IsSpace(source[start + trim]))
        {
            trim++;
        }

        _trimStart = trim;
    }

    public string Text => _text ??= _source.Substring(_start, _length);

    public ReadOnlySpan<char> Span => _source.AsSpan(_start, _length);

    public int LineNumber { get; }

    /// <summary>Leading whitespace in characters (every whitespace character is in the BMP, so this is also code points).</summary>
    public int Indent => _trimStart;

    public bool IsEmpty => _trimStart == _length;

    public ReadOnlySpan<char> TrimmedSpan => _source.AsSpan(_start + _trimStart, _length - _trimStart);

    public string TrimmedText => _trimmedText ??= _trimStart == 0 ? Text : _source.Substring(_start + _trimStart, _length - _trimStart);

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
        indentToRemove < 0 || indentToRemove > Indent ? TrimmedText
        : indentToRemove == 0 ? Text
        : _source.Substring(_start + indentToRemove, _length - indentToRemove);

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
        ReadOnlySpan<char> line = TrimmedSpan;
        if (!line.Contains('\\'))
        {
            return GetTableCellsWithoutEscapes(line);
        }

        List<LineSpan> cells = [];
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

    // Most rows have no backslash: cells are then trimmed slices of the line, with no builder in between.
    private LineSpan[] GetTableCellsWithoutEscapes(ReadOnlySpan<char> line)
    {
        int first = line.IndexOf('|');
        int count = 0;
        for (int i = first + 1; i < line.Length; i++)
        {
            if (line[i] == '|')
            {
                count++;
            }
        }

        LineSpan[] cells = new LineSpan[count];
        int start = first + 1;
        for (int c = 0; c < count; c++)
        {
            int pipe = start + line[start..].IndexOf('|');
            int from = start;
            int to = pipe;
            while (from < to && IsCellPadding(line[from]))
            {
                from++;
            }

            while (to > from && IsCellPadding(line[to - 1]))
            {
                to--;
            }

            cells[c] = new LineSpan(Indent + from + 1, from == to ? string.Empty : line[from..to].ToString());
            start = pipe + 1;
        }

        return cells;
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
