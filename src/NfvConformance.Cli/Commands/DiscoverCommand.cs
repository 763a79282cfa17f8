// Licensed under the Apache License, Version 2.0.
using System.CommandLine;
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Abstractions.Targets;
using NfvConformance.Core.Requirements;
using NfvConformance.Cli.Composition;

namespace NfvConformance.Cli.Commands;

/// <summary><c>nfvc discover</c>: starts a target and prints the capability snapshot it publishes.</summary>
internal sealed class DiscoverCommand : ICliCommand
{
    public Command Create()
    {
        Option<string> target = new("--target") { Description = "What to discover: " + string.Join(", ", KnownTargets.Default.Names) + ".", DefaultValueFactory = _ => "emulator" };
        Option<string> profile = new("--profile") { Description = "Infrastructure profile: basic or high-performance (network-intensive is the legacy name).", DefaultValueFactory = _ => Profiles.Basic };
        Option<string?> catalog = new("--catalog") { Description = "Requirement catalogue YAML (default: features/requirements/catalog.yaml)." };
        Option<string[]> settings = new("--setting") { Description = "Target setting KEY=VALUE, repeatable (emulator: inventory=FILE).", AllowMultipleArgumentsPerToken = false };
        Option<int> seed = new("--seed") { Description = "Seed for everything random in the target.", DefaultValueFactory = _ => 1 };
        Option<bool> json = new("--json") { Description = "Print the snapshot as JSON (the contract used by external checks)." };

        Command command = new("discover", "Start a target and print what it publishes: nodes, capabilities by catalogue uid, NICs, accelerators, provenance.")
        {
            target, profile, catalog, settings, seed, json,
        };
        command.SetAction(async (ParseResult parse, CancellationToken cancellationToken) =>
        {
            ILabTargetFactory factory = KnownTargets.Default.Get(parse.GetValue(target)!);
            string? catalogPath = parse.GetValue(catalog);
            RequirementCatalog requirements = catalogPath is null ? RequirementCatalog.LoadDefault() : RequirementCatalog.Load(catalogPath);
            LabTargetOptions options = new()
            {
                Profile = parse.GetValue(profile)!,
                Seed = parse.GetValue(seed),
                Catalogue = requirements.Capabilities,
                Settings = ParseSettings(parse.GetValue(settings) ?? []),
            };

            IReadOnlyList<ValidationError> problems = factory.Validate(options);
            foreach (ValidationError problem in problems)
            {
                Console.Error.WriteLine($"nfvc discover: {(problem.IsCritical ? "error" : "warning")}: {problem}");
            }

            if (problems.Any(p => p.IsCritical))
            {
                return ExitCodes.Usage;
            }

            await using ILabTarget lab = factory.Create(options);
            await lab.StartAsync(cancellationToken).ConfigureAwait(false);
            CapabilitySnapshot snapshot = await lab.DiscoverAsync(cancellationToken).ConfigureAwait(false);
            Console.Out.WriteLine(parse.GetValue(json) ? CapabilitySnapshotJson.ToJson(snapshot) : Describe(snapshot));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Dictionary<string, string> ParseSettings(string[] pairs)
    {
        Dictionary<string, string> result = new(StringComparer.Ordinal);
        foreach (string pair in pairs)
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new ConfigurationException($"--setting '{pair}': expected KEY=VALUE, for example inventory=lab.yaml.");
            }

            result[pair[..eq]] = pair[(eq + 1)..];
        }

        return result;
    }

    private static string Describe(CapabilitySnapshot snapshot)
    {
        List<string> lines = [$"profile {snapshot.Profile}, snapshot version {snapshot.Version}, {snapshot.Nodes.Count} node(s)"];
        foreach (NodeCapabilities node in snapshot.Nodes)
        {
            int offered = node.Capabilities.Count(c => c.Value.IsOffered);
            lines.Add($"  {node.Id,-10} site {node.Site,-9} {node.Profile,-17} {offered}/{node.Capabilities.Count} capabilities offered; "
                + $"features: {string.Join(", ", node.Features.Order(StringComparer.Ordinal))}"
                + (node.Extensions.Count == 0 ? string.Empty : $"; extensions: {string.Join(", ", node.Extensions)}"));
        }

        lines.Add("Run with --json for values, NICs, accelerators and provenance.");
        return string.Join(Environment.NewLine, lines);
    }
}
