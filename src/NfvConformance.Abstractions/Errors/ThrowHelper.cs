// Licensed under the Apache License, Version 2.0.
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace NfvConformance.Abstractions.Errors;

/// <summary>Throws out of line, so the callers' fast paths stay small and inlinable.</summary>
public static class ThrowHelper
{
    /// <summary>Throws a <see cref="ConfigurationException"/>.</summary>
    /// <param name="message">What is wrong and what to do.</param>
    /// <exception cref="ConfigurationException">Always.</exception>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowConfiguration(string message) => throw new ConfigurationException(message);

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> naming the parameter and its value.</summary>
    /// <param name="paramName">The parameter.</param>
    /// <param name="value">The offending value.</param>
    /// <param name="expected">What would have been accepted.</param>
    /// <exception cref="ArgumentOutOfRangeException">Always.</exception>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowOutOfRange(string paramName, object? value, string expected) =>
        throw new ArgumentOutOfRangeException(paramName, value, $"{paramName} = {value}; expected {expected}.");
}
