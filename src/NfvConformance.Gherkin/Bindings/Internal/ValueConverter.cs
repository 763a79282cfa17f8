// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Numerics;

namespace NfvConformance.Gherkin.Bindings.Internal;

/// <summary>Converts text and numbers to the types step methods and table objects declare (invariant culture).</summary>
internal static class ValueConverter
{
    public static bool CanConvertFromString(Type target)
    {
        Type type = Nullable.GetUnderlyingType(target) ?? target;
        return type == typeof(string) || type == typeof(object) || type.IsEnum || type.IsPrimitive || type == typeof(decimal)
            || type == typeof(Guid) || type == typeof(TimeSpan) || type == typeof(DateTime) || type == typeof(DateTimeOffset)
            || type == typeof(Uri) || type == typeof(BigInteger) || type == typeof(DateOnly) || type == typeof(TimeOnly);
    }

    public static bool IsNumeric(Type target)
    {
        Type type = Nullable.GetUnderlyingType(target) ?? target;
        return type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte) || type == typeof(uint)
            || type == typeof(ulong) || type == typeof(ushort) || type == typeof(sbyte) || type == typeof(float) || type == typeof(double)
            || type == typeof(decimal) || type == typeof(BigInteger);
    }

    /// <summary>Converts text to a type.</summary>
    /// <exception cref="FormatException">The text is not a value of the type; the message names both.</exception>
    public static object? ConvertString(string? text, Type target)
    {
        if (text is null)
        {
            return target.IsValueType && Nullable.GetUnderlyingType(target) is null ? Activator.CreateInstance(target) : null;
        }

        Type? underlying = Nullable.GetUnderlyingType(target);
        if (underlying is not null)
        {
            return text.Length == 0 ? null : ConvertString(text, underlying);
        }

        try
        {
            if (target == typeof(string) || target == typeof(object))
            {
                return text;
            }

            if (target.IsEnum)
            {
                return Enum.Parse(target, text.Replace(" ", string.Empty, StringComparison.Ordinal), ignoreCase: true);
            }

            if (target == typeof(bool))
            {
                return text.Trim().ToUpperInvariant() switch
                {
                    "TRUE" or "YES" or "Y" or "1" => true,
                    "FALSE" or "NO" or "N" or "0" => false,
                    _ => throw new FormatException("expected true/false or yes/no"),
                };
            }

            if (target == typeof(Guid))
            {
                return Guid.Parse(text);
            }

            if (target == typeof(TimeSpan))
            {
                return TimeSpan.Parse(text, CultureInfo.InvariantCulture);
            }

            if (target == typeof(DateTime))
            {
                return DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
            }

            if (target == typeof(DateTimeOffset))
            {
                return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            }

            if (target == typeof(DateOnly))
            {
                return DateOnly.Parse(text, CultureInfo.InvariantCulture);
            }

            if (target == typeof(TimeOnly))
            {
                return TimeOnly.Parse(text, CultureInfo.InvariantCulture);
            }

            if (target == typeof(Uri))
            {
                return new Uri(text, UriKind.RelativeOrAbsolute);
            }

            if (target == typeof(BigInteger))
            {
                return BigInteger.Parse(text, CultureInfo.InvariantCulture);
            }

            return Convert.ChangeType(text, target, CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException or InvalidCastException)
        {
            throw new FormatException($"\"{text}\" is not a valid {Describe(target)}: {ex.Message}", ex);
        }
    }

    /// <summary>Converts a value (a number from a built-in parameter type) to another type.</summary>
    public static object? ConvertValue(object? value, Type target)
    {
        if (value is null || target.IsInstanceOfType(value))
        {
            return value;
        }

        if (value is string text)
        {
            return ConvertString(text, target);
        }

        Type type = Nullable.GetUnderlyingType(target) ?? target;
        try
        {
            if (type == typeof(string))
            {
                return Convert.ToString(value, CultureInfo.InvariantCulture);
            }

            if (type == typeof(BigInteger))
            {
                return new BigInteger(Convert.ToDecimal(value, CultureInfo.InvariantCulture));
            }

            if (value is BigInteger big)
            {
                return Convert.ChangeType((decimal)big, type, CultureInfo.InvariantCulture);
            }

            return Convert.ChangeType(value, type, CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or InvalidCastException)
        {
            throw new FormatException($"{value} cannot be converted to {Describe(target)}: {ex.Message}", ex);
        }
    }

    public static string Describe(Type type) => Nullable.GetUnderlyingType(type) is { } u ? Describe(u) + "?" : type.Name;
}
