// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NfvConformance.Emulator.Capabilities.Internal.Yaml;

/// <summary>
/// Reads typed fields from a YAML mapping and collects every problem as a <see cref="ValidationError"/> naming
/// file, line and field path, so one pass reports all of them.
/// </summary>
internal sealed class YamlFieldReader
{
    private readonly List<ValidationError> _errors = [];

    public YamlFieldReader(string file)
    {
        File = file;
    }

    public string File { get; }

    public IReadOnlyList<ValidationError> Errors => _errors;

    public bool HasErrors => _errors.Count > 0;

    /// <summary>Parses the text and returns the root mapping, or null after recording the syntax error.</summary>
    public YamlMappingNode? LoadRoot(string text)
    {
        YamlStream stream = new();
        Parser parser = new(new StringReader(text));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException ex)
        {
            _errors.Add(new ValidationError(true, $"is not valid YAML: {ex.InnerException?.Message ?? ex.Message}", $"{File}:{ex.Start.Line}"));
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this for some unterminated flow collections; the last event parsed
            // is the best position it leaves behind.
            long line = parser.Current?.End.Line ?? 1;
            _errors.Add(new ValidationError(true, "is not valid YAML (an unterminated [..] or {..} or quote near here); close it.", $"{File}:{line}"));
            return null;
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            _errors.Add(new ValidationError(true, "the document must be a YAML mapping (key: value lines at the top level).", $"{File}:1"));
            return null;
        }

        return root;
    }

    public string Where(YamlNode node) => $"{File}:{node.Start.Line}";

    public void Error(YamlNode node, string path, string message) =>
        _errors.Add(new ValidationError(true, $"field '{path}': {message}", Where(node)));

    public void CheckKnownFields(YamlMappingNode map, string path, params string[] known)
    {
        foreach (KeyValuePair<YamlNode, YamlNode> entry in map.Children)
        {
            string key = (entry.Key as YamlScalarNode)?.Value ?? string.Empty;
            if (Array.IndexOf(known, key) < 0)
            {
                Error(entry.Key, Join(path, key), $"unknown field; expected one of {string.Join(", ", known)}.");
            }
        }
    }

    public string? String(YamlMappingNode map, string field, string path, bool required = true, string? fallback = null)
    {
        YamlNode? node = Find(map, field);
        if (node is null)
        {
            if (required)
            {
                Error(map, Join(path, field), "is missing; add it.");
            }

            return fallback;
        }

        if (node is not YamlScalarNode scalar || string.IsNullOrWhiteSpace(scalar.Value))
        {
            Error(node, Join(path, field), "expected a non-empty text value.");
            return fallback;
        }

        return scalar.Value.Trim();
    }

    public int Int(YamlMappingNode map, string field, string path, int? fallback = null, int min = 0)
    {
        string? text = Scalar(map, field, path, fallback is null);
        if (text is null)
        {
            return fallback ?? 0;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < min)
        {
            Error(Find(map, field)!, Join(path, field), $"expected a whole number >= {min}, got '{text}'.");
            return fallback ?? 0;
        }

        return value;
    }

    public long Long(YamlMappingNode map, string field, string path, long? fallback = null)
    {
        string? text = Scalar(map, field, path, fallback is null);
        if (text is null)
        {
            return fallback ?? 0;
        }

        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) || value < 0)
        {
            Error(Find(map, field)!, Join(path, field), $"expected a whole number >= 0, got '{text}'.");
            return fallback ?? 0;
        }

        return value;
    }

    public double Double(YamlMappingNode map, string field, string path, double? fallback = null)
    {
        string? text = Scalar(map, field, path, fallback is null);
        if (text is null)
        {
            return fallback ?? 0;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value < 0 || !double.IsFinite(value))
        {
            Error(Find(map, field)!, Join(path, field), $"expected a number >= 0, got '{text}'.");
            return fallback ?? 0;
        }

        return value;
    }

    public bool Bool(YamlMappingNode map, string field, string path, bool fallback)
    {
        string? text = Scalar(map, field, path, required: false);
        if (text is null)
        {
            return fallback;
        }

        if (string.Equals(text, "true", StringComparison.OrdinalIgnoreCase) || string.Equals(text, "yes", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (string.Equals(text, "false", StringComparison.OrdinalIgnoreCase) || string.Equals(text, "no", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        Error(Find(map, field)!, Join(path, field), $"expected true or false, got '{text}'.");
        return fallback;
    }

    public IReadOnlyList<string> Strings(YamlMappingNode map, string field, string path)
    {
        YamlNode? node = Find(map, field);
        if (node is null)
        {
            return [];
        }

        if (node is not YamlSequenceNode seq)
        {
            Error(node, Join(path, field), "expected a list such as [a, b].");
            return [];
        }

        List<string> values = [];
        for (int i = 0; i < seq.Children.Count; i++)
        {
            if (seq.Children[i] is YamlScalarNode { Value: { Length: > 0 } v })
            {
                values.Add(v.Trim());
            }
            else
            {
                Error(seq.Children[i], $"{Join(path, field)}[{i}]", "expected a text value.");
            }
        }

        return values;
    }

    public YamlMappingNode? Mapping(YamlMappingNode map, string field, string path, bool required)
    {
        YamlNode? node = Find(map, field);
        if (node is null)
        {
            if (required)
            {
                Error(map, Join(path, field), "is missing; add it.");
            }

            return null;
        }

        if (node is not YamlMappingNode m)
        {
            Error(node, Join(path, field), "expected a mapping (key: value lines).");
            return null;
        }

        return m;
    }

    public List<(YamlMappingNode Node, string Path)> Mappings(YamlMappingNode map, string field, string path, bool required)
    {
        List<(YamlMappingNode, string)> items = [];
        YamlNode? node = Find(map, field);
        if (node is null)
        {
            if (required)
            {
                Error(map, Join(path, field), "is missing; add a list.");
            }

            return items;
        }

        if (node is not YamlSequenceNode seq)
        {
            Error(node, Join(path, field), "expected a list of mappings ('- key: value').");
            return items;
        }

        for (int i = 0; i < seq.Children.Count; i++)
        {
            string itemPath = $"{Join(path, field)}[{i}]";
            if (seq.Children[i] is YamlMappingNode m)
            {
                items.Add((m, itemPath));
            }
            else
            {
                Error(seq.Children[i], itemPath, "expected a mapping ('- key: value').");
            }
        }

        return items;
    }

    public static YamlNode? Find(YamlMappingNode map, string field)
    {
        foreach (KeyValuePair<YamlNode, YamlNode> entry in map.Children)
        {
            if (entry.Key is YamlScalarNode k && string.Equals(k.Value, field, StringComparison.Ordinal))
            {
                return entry.Value;
            }
        }

        return null;
    }

    public static string Join(string path, string field) => path.Length == 0 ? field : $"{path}.{field}";

    private string? Scalar(YamlMappingNode map, string field, string path, bool required)
    {
        YamlNode? node = Find(map, field);
        if (node is null)
        {
            if (required)
            {
                Error(map, Join(path, field), "is missing; add it.");
            }

            return null;
        }

        if (node is not YamlScalarNode scalar || string.IsNullOrWhiteSpace(scalar.Value))
        {
            Error(node, Join(path, field), "expected a single value.");
            return null;
        }

        return scalar.Value.Trim();
    }
}
