// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Cli;

/// <summary>The exit codes of every <c>nfvc</c> command (README "Exit codes"); the worst severity wins.</summary>
internal static class ExitCodes
{
    /// <summary>Every applicable check passed.</summary>
    public const int Success = 0;

    /// <summary>At least one check failed.</summary>
    public const int Failure = 1;

    /// <summary>Bad usage or configuration: nothing trustworthy ran.</summary>
    public const int Usage = 2;

    /// <summary>Maps a severity to its exit code.</summary>
    /// <param name="severity">The worst severity of the run.</param>
    /// <returns>The exit code.</returns>
    public static int From(Severity severity) => severity switch
    {
        Severity.Info => Success,
        Severity.Failure => Failure,
        _ => Usage,
    };
}
