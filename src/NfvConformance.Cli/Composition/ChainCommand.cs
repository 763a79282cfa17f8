// Licensed under the Apache License, Version 2.0.
using System.CommandLine;
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Abstractions.Targets;
using NfvConformance.Cli.Commands;
using NfvConformance.Emulator;
using NfvConformance.Emulator.ServiceChaining.Model;

namespace NfvConformance.Cli.Composition;

/// <summary>
/// <c>nfvc chain FILE</c>: reads a service-chain spec in the networking-sfc YAML vocabulary (docs/service-chaining.md), and
/// applies it to the emulator, which validates and compiles it. Every problem is listed as <c>file:line</c>, exit 2.
/// It uses the emulator's chaining engine, so it lives in the composition root.
/// </summary>
internal sealed class ChainCommand : ICliCommand
{
    public Command Create()
    {
        Argument<string> file = new("file") { Description = "The chain spec YAML (port_pairs, port_pair_groups, flow_classifiers, port_chains, service_graphs)." };
        Option<string> profile = new("--profile") { Description = "The profile whose acceleration the emulator offers.", DefaultValueFactory = _ => Profiles.Basic };
        Command command = new("chain", "Check a service-chain spec (docs/service-chaining.md): read it, then validate and compile it on the emulator; every problem with file:line.")
        {
            file, profile,
        };
        command.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            string path = pr.GetValue(file)!;
            ChainSpec spec = ChainSpecYaml.Load(path);
            await using ILabTarget target = new EmulatorBuilder().WithProfile(pr.GetValue(profile)!).Build();
            await target.StartAsync(ct).ConfigureAwait(false);
            IServiceChaining chaining = target.GetFeature<IServiceChaining>()
                ?? throw new ConfigurationException("the emulator has no service chaining facet.");
            ChainApplyResult applied = await chaining.ApplyAsync(spec, ct).ConfigureAwait(false);
            foreach (ValidationError problem in applied.Problems)
            {
                await Console.Error.WriteLineAsync($"{(problem.IsCritical ? "error" : "warning")}: {problem}").ConfigureAwait(false);
            }

            if (!applied.Applied)
            {
                await Console.Error.WriteLineAsync($"nfvc chain: {path} was not applied; fix the problems above.").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            Console.WriteLine($"{path}: applied as generation {applied.Generation}: {spec.PortPairs.Count} port pair(s), {spec.PortPairGroups.Count} group(s), {spec.FlowClassifiers.Count} classifier(s), {spec.PortChains.Count} chain(s), {spec.ServiceGraphs.Count} graph(s).");
            foreach (PortChain chain in spec.PortChains)
            {
                Console.WriteLine($"  chain {chain.Name}: {string.Join(" -> ", chain.PortPairGroups)} for {string.Join(", ", chain.FlowClassifiers)} ({chain.Correlation})");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
