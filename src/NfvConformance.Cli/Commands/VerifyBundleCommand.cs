// Licensed under the Apache License, Version 2.0.
using System.CommandLine;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Reports.Bundle;

namespace NfvConformance.Cli.Commands;

/// <summary><c>nfvc verify-bundle FILE</c>: checks an evidence bundle against its SHA-256 manifest. Exit 0 intact, 1 changed, 2 not found.</summary>
internal sealed class VerifyBundleCommand : ICliCommand
{
    public Command Create()
    {
        Argument<string> file = new("FILE") { Description = "An evidence bundle (evidence.zip of a run folder)." };
        Option<string?> expect = new("--expect-manifest") { Description = "The manifest's SHA-256 recorded when the bundle was made; catches a manifest rewritten to match." };
        Command command = new("verify-bundle", "Check that an evidence bundle is unchanged: every entry against its SHA-256 manifest.") { file, expect };
        command.SetAction(async (ParseResult parse, CancellationToken ct) =>
        {
            string path = parse.GetValue(file)!;
            if (!File.Exists(path))
            {
                throw new ConfigurationException($"{path}: not found; give the evidence.zip of a run folder.");
            }

            BundleVerification v = await EvidenceBundle.VerifyAsync(path, parse.GetValue(expect), ct).ConfigureAwait(false);
            foreach (string problem in v.Problems)
            {
                Console.WriteLine($"CHANGED {problem}");
            }

            Console.WriteLine(v.IsIntact
                ? $"{path}: intact ({v.EntriesChecked} entries match the manifest, manifest sha256 {v.ManifestSha256})"
                : $"{path}: TAMPERED ({v.Problems.Count} problem(s))");
            return v.IsIntact ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }
}
