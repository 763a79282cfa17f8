// Licensed under the Apache License, Version 2.0.
using System.CommandLine;

namespace NfvConformance.Cli.Commands;

/// <summary>
/// One <c>nfvc</c> sub-command. Every implementation in this assembly with a parameterless constructor is
/// added to the root command at start-up, so a new command is one new file.
/// </summary>
internal interface ICliCommand
{
    /// <summary>Builds the command with its options and its action. The action returns the exit code.</summary>
    /// <returns>The command.</returns>
    Command Create();
}
