// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Text.Json.Nodes;
using NfvConformance.Abstractions.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NfvConformance.Emulator.ContainerPlatform.Manifests;

/// <summary>
/// Reads Kubernetes manifests (YAML, several documents) into JSON trees, the form the API server stores. Scalars stay
/// strings, as in an untyped read; the accessors below parse them where a number or boolean is meant.
/// </summary>
internal static class ManifestReader
{
    /// <summary>Reads every document of a manifest text.</summary>
    /// <param name="text">The YAML text.</param>
    /// <returns>One JSON object per non-empty document.</returns>
    /// <exception cref="NfvConformanceException">The text is not YAML, or a document is not a mapping.</exception>
    public static IReadOnlyList<JsonObject> ReadDocuments(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        YamlStream stream = new();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new NfvConformanceException($"manifest line {e.Start.Line}, column {e.Start.Column}: {e.Message} Fix the YAML (indentation, quotes) and apply it again.");
        }

        List<JsonObject> documents = [];
        foreach (YamlDocument document in stream.Documents)
        {
            if (document.RootNode is YamlScalarNode { Value: null or "" })
            {
                continue;
            }

            if (ToJson(document.RootNode) is not JsonObject obj)
            {
                throw new NfvConformanceException($"manifest line {document.RootNode.Start.Line}: a document must be a mapping with apiVersion, kind and metadata, not a {document.RootNode.NodeType}.");
            }

            documents.Add(obj);
        }

        return documents;
    }

    /// <summary>Parses a JSON text (an annotation or a CNI configuration).</summary>
    /// <param name="text">The JSON.</param>
    /// <returns>The node, or null with <paramref name="error"/> set.</returns>
    /// <param name="error">What is wrong with the text.</param>
    public static JsonNode? TryParseJson(string text, out string? error)
    {
        try
        {
            error = null;
            return JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException e)
        {
            error = e.Message;
            return null;
        }
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => ToObject(map),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => scalar.Value is null || (scalar.Style == ScalarStyle.Plain && scalar.Value is "~" or "null")
            ? null
            : JsonValue.Create(scalar.Value),
        _ => null,
    };

    private static JsonObject ToObject(YamlMappingNode map)
    {
        JsonObject obj = [];
        foreach ((YamlNode key, YamlNode value) in map.Children)
        {
            obj[((YamlScalarNode)key).Value ?? string.Empty] = ToJson(value);
        }

        return obj;
    }
}

/// <summary>Typed reads from manifest trees whose scalars may be strings or JSON numbers and booleans.</summary>
internal static class JsonRead
{
    /// <summary>Reads a string member.</summary>
    /// <param name="node">The object.</param>
    /// <param name="key">The member.</param>
    /// <returns>The text, or null when absent.</returns>
    public static string? Str(this JsonNode? node, string key) => node is JsonObject o && o[key] is JsonValue v ? Text(v) : null;

    /// <summary>Reads an integer member.</summary>
    /// <param name="node">The object.</param>
    /// <param name="key">The member.</param>
    /// <returns>The number, or null when absent or not a number.</returns>
    public static long? Long(this JsonNode? node, string key) =>
        node.Str(key) is { } s && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) ? n : null;

    /// <summary>Reads a boolean member.</summary>
    /// <param name="node">The object.</param>
    /// <param name="key">The member.</param>
    /// <returns>The value, or null when absent.</returns>
    public static bool? Bool(this JsonNode? node, string key) => node.Str(key) switch
    {
        null => null,
        var s => string.Equals(s, "true", StringComparison.OrdinalIgnoreCase),
    };

    /// <summary>Reads an object member.</summary>
    /// <param name="node">The object.</param>
    /// <param name="key">The member.</param>
    /// <returns>The object, or null.</returns>
    public static JsonObject? Obj(this JsonNode? node, string key) => node is JsonObject o ? o[key] as JsonObject : null;

    /// <summary>Reads an array member.</summary>
    /// <param name="node">The object.</param>
    /// <param name="key">The member.</param>
    /// <returns>The array's items (empty when absent).</returns>
    public static IReadOnlyList<JsonNode?> Arr(this JsonNode? node, string key) =>
        node is JsonObject o && o[key] is JsonArray a ? a.ToList() : [];

    /// <summary>Tells whether a member is present (even as an empty list).</summary>
    /// <param name="node">The object.</param>
    /// <param name="key">The member.</param>
    /// <returns>True when present.</returns>
    public static bool Has(this JsonNode? node, string key) => node is JsonObject o && o.ContainsKey(key);

    /// <summary>Reads a string-to-string map (labels, annotations).</summary>
    /// <param name="node">The object.</param>
    /// <param name="key">The member.</param>
    /// <returns>The map (empty when absent).</returns>
    public static Dictionary<string, string> Map(this JsonNode? node, string key)
    {
        Dictionary<string, string> map = new(StringComparer.Ordinal);
        if (node.Obj(key) is { } o)
        {
            foreach ((string k, JsonNode? v) in o)
            {
                map[k] = v is JsonValue jv ? Text(jv) : v?.ToJsonString() ?? string.Empty;
            }
        }

        return map;
    }

    /// <summary>The text of a scalar, whatever its JSON type.</summary>
    /// <param name="v">The value.</param>
    /// <returns>Its text.</returns>
    public static string Text(JsonValue v) => v.TryGetValue(out string? s) ? s : v.ToJsonString().Trim('"');
}
