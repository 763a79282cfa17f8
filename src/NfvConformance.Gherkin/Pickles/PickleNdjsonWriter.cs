// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Text;
using System.Text.Json;
using NfvConformance.Gherkin.Parsing;

namespace NfvConformance.Gherkin.Pickles;

/// <summary>
/// Writes pickles and parse errors as Cucumber messages NDJSON, one envelope per line (<c>{"pickle":{...}}</c>,
/// <c>{"parseError":{...}}</c>), with the field order and string escaping of cucumber's own output, so the lines
/// can be diffed against cucumber's.
/// </summary>
public static class PickleNdjsonWriter
{
    private static readonly JsonWriterOptions s_options = new() { Indented = false };

    /// <summary>Formats one pickle as a <c>{"pickle":...}</c> line, without the line break.</summary>
    /// <param name="pickle">The pickle.</param>
    /// <returns>The JSON line.</returns>
    public static string ToJson(Pickle pickle)
    {
        ArgumentNullException.ThrowIfNull(pickle);
        return Write(writer => WritePickle(writer, pickle));
    }

    /// <summary>Formats one parse error as a <c>{"parseError":...}</c> line, without the line break.</summary>
    /// <param name="error">The error.</param>
    /// <returns>The JSON line.</returns>
    public static string ToJson(GherkinError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return Write(writer => WriteParseError(writer, error));
    }

    /// <summary>Writes each pickle as one line.</summary>
    /// <param name="output">Where to write.</param>
    /// <param name="pickles">The pickles.</param>
    public static void Write(TextWriter output, IEnumerable<Pickle> pickles)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(pickles);
        foreach (Pickle pickle in pickles)
        {
            output.Write(ToJson(pickle));
            output.Write('\n');
        }
    }

    /// <summary>Writes each error as one line.</summary>
    /// <param name="output">Where to write.</param>
    /// <param name="errors">The errors.</param>
    public static void Write(TextWriter output, IEnumerable<GherkinError> errors)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        foreach (GherkinError error in errors)
        {
            output.Write(ToJson(error));
            output.Write('\n');
        }
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using MemoryStream stream = new();
        using (Utf8JsonWriter writer = new(stream, s_options))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    // Fields in alphabetical order, as cucumber's reference output has them.
    private static void WritePickle(Utf8JsonWriter w, Pickle pickle)
    {
        w.WriteStartObject();
        w.WriteStartObject("pickle");
        WriteStrings(w, "astNodeIds", pickle.AstNodeIds);
        WriteText(w, "id", pickle.Id);
        WriteText(w, "language", pickle.Language);
        WriteLocation(w, pickle.Location);
        WriteText(w, "name", pickle.Name);
        w.WriteStartArray("steps");
        foreach (PickleStep step in pickle.Steps)
        {
            WriteStep(w, step);
        }

        w.WriteEndArray();
        w.WriteStartArray("tags");
        foreach (PickleTag tag in pickle.Tags)
        {
            w.WriteStartObject();
            WriteText(w, "astNodeId", tag.AstNodeId);
            WriteText(w, "name", tag.Name);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        WriteText(w, "uri", pickle.Uri);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteStep(Utf8JsonWriter w, PickleStep step)
    {
        w.WriteStartObject();
        if (step.Argument is { } argument)
        {
            bool both = argument.DocString is not null && argument.DataTable is not null;
            w.WriteStartObject("argument");
            if (argument.DataTable is { } rows)
            {
                w.WriteStartObject("dataTable");
                if (both)
                {
                    w.WriteNumber("argumentIndex", argument.DocStringFirst ? 2 : 1);
                }

                w.WriteStartArray("rows");
                foreach (PickleTableRow row in rows)
                {
                    w.WriteStartObject();
                    w.WriteStartArray("cells");
                    foreach (PickleTableCell cell in row.Cells)
                    {
                        w.WriteStartObject();
                        WriteText(w, "value", cell.Value);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            if (argument.DocString is { } docString)
            {
                w.WriteStartObject("docString");
                if (both)
                {
                    w.WriteNumber("argumentIndex", argument.DocStringFirst ? 1 : 2);
                }

                WriteText(w, "content", docString.Content);
                if (docString.MediaType is not null)
                {
                    WriteText(w, "mediaType", docString.MediaType);
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        WriteStrings(w, "astNodeIds", step.AstNodeIds);
        WriteText(w, "id", step.Id);
        WriteText(w, "text", step.Text);
        WriteText(w, "type", step.Type.ToString());
        w.WriteEndObject();
    }

    private static void WriteParseError(Utf8JsonWriter w, GherkinError error)
    {
        w.WriteStartObject();
        w.WriteStartObject("parseError");
        WriteText(w, "message", error.Message);
        w.WriteStartObject("source");
        WriteLocation(w, error.Location);
        WriteText(w, "uri", error.Uri);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteLocation(Utf8JsonWriter w, Location location)
    {
        w.WriteStartObject("location");
        if (location.Column != 0)
        {
            w.WriteNumber("column", location.Column);
        }

        w.WriteNumber("line", location.Line);
        w.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (string value in values)
        {
            WriteTextValue(w, value);
        }

        w.WriteEndArray();
    }

    // Raw values: the built-in encoders escape every character outside the BMP (emoji), cucumber's output does not.
    private static void WriteText(Utf8JsonWriter w, string name, string value)
    {
        w.WritePropertyName(name);
        WriteTextValue(w, value);
    }

    private static void WriteTextValue(Utf8JsonWriter w, string value) => w.WriteRawValue(Quote(value), skipInputValidation: true);

    /// <summary>Quotes a string escaping only what JSON requires (quote, backslash, control characters), like JSON.stringify.</summary>
    private static string Quote(string value)
    {
        StringBuilder text = new(value.Length + 2);
        text.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                default:
                    if (c < 0x20)
                    {
                        text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        return text.Append('"').ToString();
    }
}
