// Licensed under the Apache License, Version 2.0.
using System.Diagnostics.CodeAnalysis;
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Core.Evidence;

/// <summary>A conformance check failed: the target does not do what the requirement asks.</summary>
public sealed class ConformanceCheckException : NfvConformanceException
{
    /// <summary>Creates the failure.</summary>
    /// <param name="message">What was expected, what was found, and where.</param>
    public ConformanceCheckException(string message)
        : base(message, Severity.Failure)
    {
    }
}

/// <summary>Checks inside step bindings; they fail the step with a message that says what was expected and found.</summary>
public static class Check
{
    /// <summary>Fails the step unless the condition holds.</summary>
    /// <param name="condition">What must be true.</param>
    /// <param name="message">What was expected and what was found.</param>
    /// <exception cref="ConformanceCheckException">The condition is false.</exception>
    public static void That([DoesNotReturnIf(false)] bool condition, string message)
    {
        if (!condition)
        {
            Fail(message);
        }
    }

    /// <summary>Fails the step.</summary>
    /// <param name="message">What was expected and what was found.</param>
    /// <exception cref="ConformanceCheckException">Always.</exception>
    [DoesNotReturn]
    public static void Fail(string message) => throw new ConformanceCheckException(message);
}
