// Licensed under the Apache License, Version 2.0.
using System.CommandLine;
using NfvConformance.Gherkin.Parsing;
using NfvConformance.Gherkin.Pickles;

namespace NfvConformance.Cli.Commands;

/// <summary><c>nfvc gherkin pickles FILE...</c>: the pickles of feature files as Cucumber messages NDJSON.</summary>
internal sealed class GherkinCommand : ICliCommand
{
    public Command Create()
    {
        Argument<string[]> files = new("files") { Description = "Feature files to compile.", Arity = ArgumentArity.OneOrMore };
        Command pickles = new("pickles", "Print each file's pickles as {\"pickle\":...} lines and its parse errors as {\"parseError\":...} lines (exit 2 on any error).")
        {
            files,
        };
        pickles.SetAction((ParseResult pr, CancellationToken ct) =>
        {
            int exitCode = ExitCodes.Success;
            TextWriter output = Console.Out;
            foreach (string file in pr.GetValue(files) ?? [])
            {
                ct.ThrowIfCancellationRequested();
                string text;
                try
                {
                    text = File.ReadAllText(file);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Console.Error.WriteLine($"{file}: cannot read the feature file ({e.Message}); check the path.");
                    exitCode = ExitCodes.Usage;
                    continue;
                }

                GherkinDocument? document = GherkinParser.TryParse(text, file, out IReadOnlyList<GherkinError> errors);
                if (document is null)
                {
                    PickleNdjsonWriter.Write(output, errors);
                    exitCode = ExitCodes.Usage;
                    continue;
                }

                PickleNdjsonWriter.Write(output, PickleCompiler.Compile(document));
            }

            output.Flush();
            return Task.FromResult(exitCode);
        });

        Command gherkin = new("gherkin", "Gherkin tools: compile feature files to pickles.");
        gherkin.Subcommands.Add(pickles);
        return gherkin;
    }
}
