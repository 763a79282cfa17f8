// Licensed under the Apache License, Version 2.0.
using System.CommandLine;

namespace NfvConformance.Cli.Commands;

/// <summary>A sub-command of <c>nfvc bench</c>; each lives in its own file and is found at start-up.</summary>
internal interface IBenchSubcommand
{
    /// <summary>Builds the sub-command.</summary>
    /// <returns>The command.</returns>
    Command Create();
}

/// <summary><c>nfvc bench ...</c>: benchmarks and emulated-device measurements.</summary>
internal sealed class BenchCommand : ICliCommand
{
    public Command Create()
    {
        Command bench = new("bench", "Measure: the emulator dataplane, or an NDR/PDR search against an emulated device.");
        foreach (Type type in typeof(BenchCommand).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(IBenchSubcommand).IsAssignableFrom(t))
            .OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            bench.Subcommands.Add(((IBenchSubcommand)Activator.CreateInstance(type)!).Create());
        }

        return bench;
    }
}
