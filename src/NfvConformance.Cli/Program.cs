// Licensed under the Apache License, Version 2.0.
using System.CommandLine;
using System.Reflection;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Cli;
using NfvConformance.Cli.Commands;

RootCommand root = new("nfvc: NFV infrastructure and network function conformance, against the embedded emulator or real infrastructure.");
foreach (Type type in typeof(ICliCommand).Assembly.GetTypes()
    .Where(t => !t.IsAbstract && typeof(ICliCommand).IsAssignableFrom(t))
    .OrderBy(t => t.Name, StringComparer.Ordinal))
{
    ICliCommand factory = (ICliCommand)Activator.CreateInstance(type)!;
    root.Subcommands.Add(factory.Create());
}

// Tag expressions start with '@' ("@RM:e.cap.013"): never read them as response files.
ParseResult parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
if (parse.Errors.Count > 0)
{
    foreach (System.CommandLine.Parsing.ParseError error in parse.Errors)
    {
        Console.Error.WriteLine($"nfvc: {error.Message}");
    }

    Console.Error.WriteLine("Run 'nfvc --help' or 'nfvc <command> --help' for usage.");
    return ExitCodes.Usage;
}

try
{
    return await parse.InvokeAsync(new InvocationConfiguration
    {
        EnableDefaultExceptionHandler = false,

        // Ctrl+C cancels the run; give it time to finish the scenario in flight and write every report with the results so far.
        ProcessTerminationTimeout = TimeSpan.FromSeconds(60),
    }).ConfigureAwait(false);
}
catch (NfvConformanceException ex)
{
    Console.Error.WriteLine($"nfvc: {ex.Message}");
    return ExitCodes.From(ex.Severity);
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("nfvc: cancelled.");
    return 130;
}
catch (TargetInvocationException ex) when (ex.InnerException is NfvConformanceException inner)
{
    Console.Error.WriteLine($"nfvc: {inner.Message}");
    return ExitCodes.From(inner.Severity);
}
