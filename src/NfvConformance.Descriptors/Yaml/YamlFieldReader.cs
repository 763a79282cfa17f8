// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NfvConformance.Descriptors.Yaml;

/// <summary>
/// Reads typed fields from a YAML mapping and collects every problem as a <see cref="ValidationError"/> naming
/// file, line and field path, so one pass reports all of them.
/// </summary>
public sealed class YamlFieldReader
{
    private readonly List<ValidationError> _errors = [];

    /// <summary>Initializes a new instance of the <see cref="YamlFieldReader"/> class.</summary>
    /// <param name="file">The file name errors are reported against.</param>
    public YamlFieldReader(string file)
    {
        File = file;
    }

    /// <summary>Gets the file name errors are reported against.</summary>
    public string File { get; }

    /// <summary>Gets every problem found so far.</summary>
    public IReadOnlyList<ValidationError> Errors => _errors;

    /// <summary>Gets a value indicating whether any problem was found.</summary>
    public bool HasErrors => _errors.Count > 0;

    /// <summary>Parses the text and returns the root mapping, or null after recording the syntax error.</summary>
    /// <param name="text">The YAML text.</param>
    /// <returns>The root mapping, or null.</returns>
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

    /// <summary>Gets <c>file:line</c> of a node.</summary>
    /// <param name="node">The node.</param>
    /// <returns>The location.</returns>
    public string Where(YamlNode node) => $"{File}:{node.Start.Line}";

    /// <summary>Records a problem with a field.</summary>
    /// <param name="node">The node at fault.</param>
    /// <param name="path">The field path (<c>vnfd.deployment_units[0].kind</c>).</param>
    /// <param name="message">What is wrong and what to do.</param>
    public void Error(YamlNode node, string path, string message) =>
        _errors.Add(new ValidationError(true, $"field '{path}': {message}", Where(node)));

    /// <summary>Records every key of a mapping that is not one of the known fields.</summary>
    /// <param name="map">The mapping.</param>
    /// <param name="path">Its path.</param>
    /// <param name="known">The known field names.</param>
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

    /// <summary>Reads a text field.</summary>
    /// <param name="map">The mapping.</param>
    /// <param name="field">The field.</param>
    /// <param name="path">The mapping's path.</param>
    /// <param name="required">True to record a missing field.</param>
    /// <param name="fallback">The value when missing or wrong.</param>
    /// <returns>The value.</returns>
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

    /// <summary>Reads a whole number field.</summary>
    /// <param name="map">The mapping.</param>
    /// <param name="field">The field.</param>
    /// <param name="path">The mapping's path.</param>
    /// <param name="fallback">The value when missing (null: required).</param>
    /// <param name="min">The smallest value allowed.</param>
    /// <returns>The value.</returns>
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

    /// <summary>Reads a whole number field (64-bit, at least 0).</summary>
    /// <param name="map">The mapping.</param>
    /// <param name="field">The field.</param>
    /// <param name="path">The mapping's path.</param>
    /// <param name="fallback">The value when missing (null: required).</param>
    /// <returns>The value.</returns>
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

    /// <summary>Reads a number field (at least 0).</summary>
    /// <param name="map">The mapping.</param>
    /// <param name="field">The field.</param>
    /// <param name="path">The mapping's path.</param>
    /// <param name="fallback">The value when missing (null: required).</param>
    /// <returns>The value.</returns>
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

    /// <summary>Reads a true/false field.</summary>
    /// <param name="map">The mapping.</param>
    /// <param name="field">The field.</param>
    /// <param name="path">The mapping's path.</param>
    /// <param name="fallback">The value when missing.</param>
    /// <returns>The value.</returns>
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

    /// <summary>Reads a list of text values (empty when missing).</summary>
    /// <param name="map">The mapping.</param>
    /// <param name="field">The field.</param>
    /// <param name="path">The mapping's path.</param>
    /// <returns>The values.</returns>
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

    /// <summary>Reads a nested mapping.</summary>
    /// <param name="map">The mapping.</param>
    /// <param name="field">The field.</param>
    /// <param name="path">The mapping's path.</param>
    /// <param name="required">True to record a missing field.</param>
    /// <returns>The nested mapping, or null.</returns>
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

    /// <summary>Reads a list of mappings.</summary>
    /// <param name="map">The mapping.</param>
    /// <param name="field">The field.</param>
    /// <param name="path">The mapping's path.</param>
    /// <param name="required">True to record a missing field.</param>
    /// <returns>Each item with its path.</returns>
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

    /// <summary>Finds a field's value node.</summary>
    /// <param name="map">The mapping.</param>
    /// <param name="field">The field.</param>
    /// <returns>The node, or null.</returns>
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

    /// <summary>Joins a path and a field name.</summary>
    /// <param name="path">The path.</param>
    /// <param name="field">The field.</param>
    /// <returns>The joined path.</returns>
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
