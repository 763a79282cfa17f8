// Licensed under the Apache License, Version 2.0.
using System.CommandLine;
using System.Text.Json;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Lab.Linux;

namespace NfvConformance.Cli.Commands;

/// <summary>
/// <c>nfvc lab clean [--dry-run] [--json]</c>: removes what killed runs of the Linux lab left on the host (namespaces,
/// interfaces, nftables tables, cgroups, processes, state directories, each named with a dead run's id). Runs still
/// alive and anything the lab did not name are left alone. Exit 0 when everything found was removed, 1 when
/// something could not be.
/// </summary>
internal sealed class LabCommand : ICliCommand
{
    public Command Create()
    {
        Option<bool> dryRun = new("--dry-run") { Description = "List what would be removed, remove nothing." };
        Option<bool> json = new("--json") { Description = "Print {\"removed\", \"failed\", \"left_alone\"} as JSON." };
        Command clean = new("clean", "Remove what killed runs of the Linux lab left (only names carrying a dead run's id; live runs are left alone). Needs root.")
        {
            dryRun, json,
        };
        clean.SetAction((ParseResult parse) =>
        {
            if (!Environment.IsPrivilegedProcess)
            {
                throw new ConfigurationException("nfvc lab clean removes namespaces, interfaces, nftables tables and cgroups, which needs root; run it as root (sudo ./nfvc lab clean).");
            }

            LabCleanReport report = LinuxLab.Clean(parse.GetValue(dryRun));
            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(new Dictionary<string, IReadOnlyList<string>>
                {
                    ["removed"] = report.Removed,
                    ["failed"] = report.Failed,
                    ["left_alone"] = report.LeftAlone,
                }));
            }
            else
            {
                string verb = parse.GetValue(dryRun) ? "would remove" : "removed";
                foreach (string r in report.Removed)
                {
                    Console.Out.WriteLine($"{verb} {r}");
                }

                foreach (string f in report.Failed)
                {
                    Console.Error.WriteLine($"FAILED {f}");
                }

                foreach (string l in report.LeftAlone)
                {
                    Console.Out.WriteLine($"left alone: {l}");
                }

                Console.Out.WriteLine($"nfvc lab clean: {report.Removed.Count} {verb}, {report.Failed.Count} failed, {report.LeftAlone.Count} live run(s) left alone (state under {LinuxLab.StateRoot}).");
            }

            return report.Failed.Count == 0 ? ExitCodes.Success : ExitCodes.Failure;
        });

        return new Command("lab", "Operate on the Linux lab's host resources.") { clean };
    }
}
