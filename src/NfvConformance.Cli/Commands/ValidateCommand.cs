// Licensed under the Apache License, Version 2.0.
using System.CommandLine;
using System.Globalization;
using System.Reflection;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Core.Requirements;
using NfvConformance.Core.Running;

namespace NfvConformance.Cli.Commands;

/// <summary><c>nfvc validate [PATHS]</c>: parses and binds a feature tree and lists every problem.</summary>
internal sealed class ValidateCommand : ICliCommand
{
    private const string SuitesAssembly = "NfvConformance.Suites";

    public Command Create()
    {
        Argument<string[]> paths = new("paths")
        {
            Description = "Feature files or directories (searched recursively). Default: features/",
            Arity = ArgumentArity.ZeroOrMore,
        };
        Command command = new("validate", "Parse every .feature file, bind every step against the suite's bindings and list every problem with file:line; exit 2 if there is any.")
        {
            paths,
        };
        command.SetAction((ParseResult parseResult, CancellationToken cancellationToken) =>
        {
            string[] given = parseResult.GetValue(paths) is { Length: > 0 } p ? p : ["features"];
            using FeatureTreeValidator validator = new([Assembly.Load(SuitesAssembly)], [new RequirementUidValidator(RequirementCatalog.LoadDefault())]);
            FeatureTreeValidation validation = validator.Validate(given);
            foreach (ValidationError error in validation.Errors)
            {
                Console.Out.WriteLine(error.ToString());
            }

            int steps = validation.Pickles.Sum(pk => pk.Steps.Count);
            string counts = string.Create(CultureInfo.InvariantCulture, $"{validation.Files.Count} feature file(s), {validation.Pickles.Count} scenario(s), {steps} step(s), {validator.StepDefinitionCount} step definition(s) in {SuitesAssembly}");
            if (validation.IsValid)
            {
                Console.Out.WriteLine($"OK: {counts}.");
                return Task.FromResult(ExitCodes.Success);
            }

            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{validation.Errors.Count} problem(s) in {counts}."));
            return Task.FromResult(ExitCodes.Usage);
        });
        return command;
    }
}
