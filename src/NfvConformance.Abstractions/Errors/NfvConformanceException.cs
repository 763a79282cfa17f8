// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Abstractions.Errors;

/// <summary>How bad a problem is; the CLI maps the worst severity of a run to its exit code.</summary>
public enum Severity
{
    /// <summary>Informational; does not change the exit code.</summary>
    Info = 0,

    /// <summary>A scenario or check failed (exit code 1).</summary>
    Failure = 1,

    /// <summary>Bad usage, configuration or input: nothing trustworthy could run (exit code 2).</summary>
    Configuration = 2,
}

/// <summary>The root of every exception the framework, the emulator and the targets throw on purpose.</summary>
public class NfvConformanceException : Exception
{
    /// <summary>Creates an exception with a message that says what went wrong and what to do.</summary>
    /// <param name="message">What went wrong, naming the offending value, and what to do about it.</param>
    /// <param name="severity">How bad it is.</param>
    /// <param name="innerException">The underlying cause, if any.</param>
    public NfvConformanceException(string message, Severity severity = Severity.Failure, Exception? innerException = null)
        : base(message, innerException)
    {
        Severity = severity;
    }

    /// <summary>Gets how bad the problem is.</summary>
    public Severity Severity { get; }
}

/// <summary>Bad usage, configuration or input (a file, a line, a field): exit code 2.</summary>
public class ConfigurationException : NfvConformanceException
{
    /// <summary>Creates a configuration error.</summary>
    /// <param name="message">What is wrong and how to fix it; names the file, line and field where there is one.</param>
    /// <param name="innerException">The underlying cause, if any.</param>
    public ConfigurationException(string message, Exception? innerException = null)
        : base(message, Severity.Configuration, innerException)
    {
    }
}

/// <summary>One problem found while validating before a run. Validators return all of them, not just the first.</summary>
/// <param name="IsCritical">True when the run cannot go on with this problem.</param>
/// <param name="Message">What is wrong and what to do.</param>
/// <param name="Subject">Where: a <c>file:line</c>, a uid, a node id or a field path.</param>
public sealed record ValidationError(bool IsCritical, string Message, string Subject)
{
    /// <inheritdoc />
    public override string ToString() => $"{Subject}: {Message}";
}
