// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Numerics;

namespace NfvConformance.Gherkin.Expressions;

/// <summary>
/// A Cucumber Expression parameter type: the name written between braces, the regular expression it matches and
/// what the matched text becomes. Built-in types convert with <see cref="Convert"/>; custom ones come from
/// <c>[StepArgumentTransformation]</c> methods and are converted by the runtime, which can resolve their instances.
/// </summary>
internal sealed class ParameterType
{
    public ParameterType(string name, string regex, Type targetType, Func<string, object?>? convert, object? transformation = null)
    {
        Name = name;
        Regex = regex;
        TargetType = targetType;
        Convert = convert;
        Transformation = transformation;
    }

    public string Name { get; }

    public string Regex { get; }

    public Type TargetType { get; }

    /// <summary>Gets the built-in conversion of the matched text, or null for a custom type.</summary>
    public Func<string, object?>? Convert { get; }

    /// <summary>Gets the transformation binding behind a custom type (a <c>StepArgumentTransformationBinding</c>).</summary>
    public object? Transformation { get; }

    public bool IsBuiltIn => Convert is not null;

    private const string IntegerRegex = @"-?\d+";
    private const string FloatRegex = @"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?";
    private const string StringRegex = "\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'";

    public static IReadOnlyList<ParameterType> BuiltIns { get; } =
    [
        new("int", IntegerRegex, typeof(int), s => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture)),
        new("long", IntegerRegex, typeof(long), s => long.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture)),
        new("short", IntegerRegex, typeof(short), s => short.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture)),
        new("byte", IntegerRegex, typeof(byte), s => byte.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture)),
        new("biginteger", IntegerRegex, typeof(BigInteger), s => BigInteger.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture)),
        new("float", FloatRegex, typeof(float), s => float.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture)),
        new("double", FloatRegex, typeof(double), s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture)),
        new("decimal", FloatRegex, typeof(decimal), s => decimal.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture)),
        new("bigdecimal", FloatRegex, typeof(decimal), s => decimal.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture)),
        new("word", @"[^\s]+", typeof(string), s => s),
        new("string", StringRegex, typeof(string), Unquote),
        new(string.Empty, ".*", typeof(string), s => s),
    ];

    private static string Unquote(string quoted)
    {
        char quote = quoted[0];
        string inner = quoted[1..^1];
        return inner.Replace("\\" + quote, quote.ToString(), StringComparison.Ordinal);
    }
}
