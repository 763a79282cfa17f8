// Licensed under the Apache License, Version 2.0.
using System.Text.Json.Nodes;
using NfvConformance.Trex.Rpc;

namespace NfvConformance.Trex.Server;

/// <summary>An error reply to send (what TRex's generate_parse_err / generate_execute_err do).</summary>
internal sealed class RpcFault : Exception
{
    public RpcFault(int code, string specific)
        : base(specific)
    {
        Code = code;
    }

    public int Code { get; }

    public static RpcFault Params(string specific) => new(TrexErrorCodes.InvalidParams, specific);

    public static RpcFault Execute(string specific) => new(TrexErrorCodes.Execute, specific);
}

/// <summary>Reads request parameters with TRex's rules: a missing field or a wrong type is -32602 naming the field.</summary>
internal static class RpcParams
{
    public static JsonNode Field(JsonObject parent, string name)
    {
        JsonNode? f = parent[name];
        if (f is null)
        {
            throw RpcFault.Params($"field '{name}' value is null");
        }

        return f;
    }

    public static string Str(JsonObject p, string name) => Field(p, name) is JsonValue v && v.TryGetValue(out string? s) ? s : throw Type(p, name, "string");

    public static string Str(JsonObject p, string name, string def) => p[name] is null ? def : Str(p, name);

    public static bool Bool(JsonObject p, string name) => Field(p, name) is JsonValue v && v.TryGetValue(out bool b) ? b : throw Type(p, name, "bool");

    public static bool Bool(JsonObject p, string name, bool def) => p[name] is null ? def : Bool(p, name);

    public static long Int(JsonObject p, string name) => Field(p, name) is JsonValue v && v.TryGetValue(out long l) ? l : throw Type(p, name, "int");

    public static long Int(JsonObject p, string name, long def) => p[name] is null ? def : Int(p, name);

    public static uint UInt32(JsonObject p, string name)
    {
        long l = Field(p, name) is JsonValue v && v.TryGetValue(out long x) ? x : throw Type(p, name, "uint32");
        return l is < 0 or > uint.MaxValue ? throw RpcFault.Params($"field '{name}' has size bigger than uint32.") : (uint)l;
    }

    public static ulong UInt64(JsonObject p, string name, ulong def)
    {
        if (p[name] is null)
        {
            return def;
        }

        return p[name] is JsonValue v && v.TryGetValue(out ulong u) ? u : throw Type(p, name, "uint64");
    }

    public static int Byte(JsonObject p, string name)
    {
        long l = Field(p, name) is JsonValue v && v.TryGetValue(out long x) ? x : throw Type(p, name, "byte");
        return l is < 0 or > 255 ? throw RpcFault.Params($"field '{name}' has size bigger than uint8.") : (int)l;
    }

    public static double Double(JsonObject p, string name) => Field(p, name) is JsonValue v && v.TryGetValue(out double d) ? d : throw Type(p, name, "double");

    public static double Double(JsonObject p, string name, double def) => p[name] is null ? def : Double(p, name);

    public static double UDouble(JsonObject p, string name)
    {
        double d = Double(p, name);
        return d < 0 ? throw RpcFault.Params($"field '{name}' has negative value.") : d;
    }

    public static JsonObject Obj(JsonObject p, string name) => Field(p, name) as JsonObject ?? throw Type(p, name, "object");

    public static JsonArray Arr(JsonObject p, string name) => Field(p, name) as JsonArray ?? throw Type(p, name, "array");

    public static string Choice(JsonObject p, string name, IReadOnlyList<string> choices)
    {
        string s = Str(p, name);
        return choices.Contains(s) ? s : throw RpcFault.Params($"field '{name}' can only be one of [{string.Join(" ,", choices.Select(c => $"'{c}'"))}]");
    }

    private static RpcFault Type(JsonObject p, string name, string expected)
    {
        string actual = p[name]?.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.String => "string",
            System.Text.Json.JsonValueKind.Number => "double",
            System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => "boolean",
            System.Text.Json.JsonValueKind.Array => "array",
            System.Text.Json.JsonValueKind.Object => "object",
            _ => "null",
        };
        return RpcFault.Params($"field '{name}' is '{actual}', expecting '{expected}'");
    }
}
