// Licensed under the Apache License, Version 2.0.
using System.CommandLine;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Reports.Comparison;
using NfvConformance.Reports.Exporters;
using NfvConformance.Reports.Model;

namespace NfvConformance.Cli.Commands;

/// <summary>
/// <c>nfvc compare RUN_A RUN_B [--repeat RUN ...] [--tolerance PCT] [--json | --markdown] [--strict]</c>: the same
/// scenarios of two runs side by side (the emulator and a real lab, say): every verdict that differs, and every
/// measurement with both values, the delta, each run's noise band and whether the delta is within tolerance.
/// Exit 0; with <c>--strict</c>, 1 when a verdict differs or a measurement is outside tolerance; 2 for a bad run folder.
/// </summary>
internal sealed class CompareCommand : ICliCommand
{
    public Command Create()
    {
        Argument<string> runA = new("RUN_A") { Description = "The reference run folder (usually the emulator's), written by 'nfvc run'." };
        Argument<string> runB = new("RUN_B") { Description = "The run folder to compare with it (usually the real target's)." };
        Option<string[]> repeat = new("--repeat") { Description = "Further runs of B's target and profile; their figures give B's noise band where B recorded no spread.", AllowMultipleArgumentsPerToken = true };
        Option<double> tolerance = new("--tolerance") { Description = "How far apart two figures may be, in percent, before the noise bands are added (default 10).", DefaultValueFactory = _ => 10 };
        Option<bool> json = new("--json") { Description = "Print the comparison as JSON." };
        Option<bool> markdown = new("--markdown") { Description = "Print the comparison as Markdown tables." };
        Option<bool> strict = new("--strict") { Description = "Exit 1 when a verdict differs or a measurement is outside tolerance." };
        Command command = new("compare", "Put the same scenarios of two runs side by side: verdicts that differ, and each measurement's values, delta, noise bands and tolerance.")
        {
            runA, runB, repeat, tolerance, json, markdown, strict,
        };
        command.SetAction((ParseResult parse, CancellationToken ct) => RunAsync(
            parse.GetValue(runA)!,
            parse.GetValue(runB)!,
            parse.GetValue(repeat) ?? [],
            parse.GetValue(tolerance),
            parse.GetValue(json),
            parse.GetValue(markdown),
            parse.GetValue(strict),
            ct));
        return command;
    }

    private static async Task<int> RunAsync(string a, string b, string[] repeats, double tolerance, bool json, bool markdown, bool strict, CancellationToken ct)
    {
        if (json && markdown)
        {
            throw new ConfigurationException("--json and --markdown: give one of them (or neither, for text).");
        }

        if (!double.IsFinite(tolerance) || tolerance < 0)
        {
            throw new ConfigurationException($"--tolerance {tolerance}: give a percentage of 0 or more.");
        }

        RunSummary summaryA = await ReadAsync(a, ct).ConfigureAwait(false);
        RunSummary summaryB = await ReadAsync(b, ct).ConfigureAwait(false);
        List<RunSummary> repeatsOfB = [];
        foreach (string dir in repeats)
        {
            RunSummary r = await ReadAsync(dir, ct).ConfigureAwait(false);
            if (!string.Equals(r.Run.Target, summaryB.Run.Target, StringComparison.Ordinal) || !string.Equals(r.Run.Profile, summaryB.Run.Profile, StringComparison.Ordinal))
            {
                throw new ConfigurationException($"--repeat {dir}: a run of target '{r.Run.Target}', profile '{r.Run.Profile}'; repeats must be runs of B's target '{summaryB.Run.Target}' and profile '{summaryB.Run.Profile}'.");
            }

            repeatsOfB.Add(r);
        }

        RunComparison comparison = RunComparer.Compare(summaryA, summaryB, repeatsOfB, new ComparisonOptions { TolerancePercent = tolerance });
        Console.Write(json ? ComparisonWriter.Json(comparison) : markdown ? ComparisonWriter.Markdown(comparison) : ComparisonWriter.Text(comparison));
        bool diverges = comparison.DifferentVerdicts.Count > 0 || comparison.MeasurementsOutsideTolerance > 0;
        return strict && diverges ? ExitCodes.Failure : ExitCodes.Success;
    }

    private static Task<RunSummary> ReadAsync(string dir, CancellationToken ct)
    {
        string file = Path.Combine(dir, SummaryJsonExporter.FileName);
        if (!File.Exists(file))
        {
            throw new ConfigurationException($"{dir}: no {SummaryJsonExporter.FileName} here; give a run folder written by 'nfvc run --out DIR'.");
        }

        return SummaryJsonReader.ReadAsync(file, ct);
    }
}
