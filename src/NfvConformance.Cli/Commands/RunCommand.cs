// Licensed under the Apache License, Version 2.0.
using System.CommandLine;
using System.Globalization;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Abstractions.Targets;
using NfvConformance.Cli.Output;
using NfvConformance.Core;
using NfvConformance.Core.Requirements;
using NfvConformance.Core.Running;
using NfvConformance.Core.Targets;
using NfvConformance.Core.Workloads;
using NfvConformance.Reports;
using NfvConformance.Reports.Model;
using NfvConformance.Cli.Composition;

namespace NfvConformance.Cli.Commands;

/// <summary><c>nfvc run</c>: runs the conformance suite against a target and writes the reports.</summary>
internal sealed class RunCommand : ICliCommand
{
    /// <summary>Where run folders go when --out is not given, relative to the repository root (git-ignored).</summary>
    internal const string DefaultRunsDirectory = "runs";


    public Command Create()
    {
        Option<string> target = new("--target") { Description = "What to run against: " + string.Join(", ", KnownTargets.Default.Names) + ".", DefaultValueFactory = _ => "emulator" };
        Option<string> profile = new("--profile") { Description = "Infrastructure profile: basic or high-performance (network-intensive is the legacy name).", DefaultValueFactory = _ => Profiles.Basic };
        Option<string?> tags = new("--tags") { Description = "Cucumber tag expression selecting scenarios, e.g. \"@RM:e.cap.013 and not @slow\"." };
        Option<string?> features = new("--features") { Description = "Folder of .feature files (default: features/ of this repository)." };
        Option<string?> output = new("--out") { Description = "Run folder for results (default: a new folder under runs/)." };
        Option<string?> catalog = new("--catalog") { Description = "Requirement catalogue YAML (default: features/requirements/catalog.yaml)." };
        Option<int> seed = new("--seed") { Description = "Seed for everything random in the target.", DefaultValueFactory = _ => 1 };
        Option<int> workers = new("--workers") { Description = "Features run in parallel.", DefaultValueFactory = _ => 1 };
        Option<string?> history = new("--history") { Description = "Run history: an SQLite file or a PostgreSQL connection string (default: runs/history.db); 'none' stores nothing." };
        Option<string?> targetsFile = new("--targets") { Description = "YAML of target figures overriding features/targets/<profile>.yaml." };
        Option<string?> waivers = new("--waivers") { Description = "YAML of waived requirement uids (reason, approver, expiry)." };
        Option<string?> package = new("--package") { Description = "Folder of the CNF's Kubernetes manifests that the workload-package scenarios check (default: the example package under features/WorkloadPackages/packages/)." };
        Option<string[]> vnf = new("--vnf") { Description = "A VNF descriptor (YAML, docs/vnf-descriptor.md) whose function replaces the built-in one in the target's chains; repeatable.", AllowMultipleArgumentsPerToken = false };
        Option<string[]> set = new("--set") { Description = "A target setting KEY=VALUE, repeatable (emulator: inventory=FILE, traffic=virtual|real-time; any target: traffic=trex://HOST:PORT).", AllowMultipleArgumentsPerToken = false };
        Option<bool> quiet = new("--quiet", "-q") { Description = "Print only the totals and the report path." };
        Option<bool> verbose = new("--verbose", "-v") { Description = "Print every step of every scenario." };

        Command command = new("run", "Run the conformance suite against a target and write the reports (summary.json, junit.xml, ...).")
        {
            target, profile, tags, features, output, catalog, seed, workers, targetsFile, history, waivers, package, vnf, set, quiet, verbose,
        };
        command.SetAction(async (ParseResult parse, CancellationToken cancellationToken) =>
        {
            OutputMode mode = parse.GetValue(quiet) ? OutputMode.Quiet : parse.GetValue(verbose) ? OutputMode.Verbose : OutputMode.Normal;
            return await RunAsync(
                parse.GetValue(target)!,
                parse.GetValue(profile)!,
                parse.GetValue(tags),
                parse.GetValue(features),
                parse.GetValue(output),
                parse.GetValue(catalog),
                parse.GetValue(seed),
                parse.GetValue(workers),
                parse.GetValue(history),
                parse.GetValue(waivers),
                WithVnfs(Settings(parse.GetValue(targetsFile), parse.GetValue(package), parse.GetValue(set) ?? []), parse.GetValue(vnf) ?? []),
                mode,
                cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    // --set KEY=VALUE pairs, then the settings of the runner's own options (--targets, --package), which win.
    private static Dictionary<string, string> Settings(string? targetsFile, string? package, string[] pairs)
    {
        Dictionary<string, string> settings = new(StringComparer.Ordinal);
        foreach (string pair in pairs)
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new ConfigurationException($"--set {pair}: write it as KEY=VALUE, for example --set traffic=real-time.");
            }

            settings[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
        }

        if (targetsFile is not null)
        {
            settings[TargetFigures.SettingKey] = Path.GetFullPath(targetsFile);
        }

        if (package is not null)
        {
            if (!Directory.Exists(package))
            {
                throw new ConfigurationException($"--package {package}: folder not found; give the folder of the CNF's Kubernetes manifests (rendered Helm output works).");
            }

            settings[CnfPackage.SettingKey] = Path.GetFullPath(package);
        }

        return settings;
    }

    // --vnf FILE: each descriptor is read before any work (a malformed one stops the run with file:line, exit 2) and handed
    // to the target as the nfvc.vnf setting.
    private static Dictionary<string, string> WithVnfs(Dictionary<string, string> settings, string[] files)
    {
        if (files.Length > 0)
        {
            foreach (string file in files)
            {
                _ = NfvConformance.Descriptors.Vnfd.VnfDescriptorReader.Load(file);
            }

            settings[NfvConformance.Descriptors.Vnfd.VnfPackage.SettingKey] = string.Join('\n', files.Select(Path.GetFullPath));
        }

        return settings;
    }

    private static async Task<int> RunAsync(
        string targetName, string profile, string? tags, string? featuresDir, string? outDir, string? catalogPath, int seed, int workers, string? history, string? waivers, Dictionary<string, string> settings, OutputMode mode, CancellationToken cancellationToken)
    {
        if (workers < 1)
        {
            throw new ConfigurationException($"--workers {workers}: must be 1 or more.");
        }

        ILabTargetFactory factory = KnownTargets.Default.Get(targetName);
        RunInputs.Validate(factory, profile, seed, catalogPath, waivers, settings);
        RequirementCatalog catalog = catalogPath is null ? RequirementCatalog.LoadDefault() : RequirementCatalog.Load(catalogPath);
        string features = featuresDir ?? RepositoryPaths.FindUpwards("features")
            ?? throw new ConfigurationException("No features/ folder found above the working directory; pass --features DIR.");
        string runId = NewRunId(factory.Name, profile);
        string runsRoot = Path.Combine(RepositoryPaths.FindUpwards(".git") is { } git ? Path.GetDirectoryName(git)! : Environment.CurrentDirectory, DefaultRunsDirectory);
        string output = outDir ?? Path.Combine(runsRoot, runId);
        string? historyStore = history switch
        {
            null => Path.Combine(runsRoot, "history.db"),
            "none" => null,
            _ => history,
        };
        if (historyStore is not null && history is null)
        {
            Directory.CreateDirectory(runsRoot);
        }
        if (outDir is null)
        {
            output = Unique(output);
        }

        ConformanceRunner runner = new(new ConformanceRunOptions
        {
            TargetFactory = factory,
            TargetOptions = new LabTargetOptions
            {
                Profile = profile,
                Seed = seed,
                Catalogue = catalog.Capabilities,
                Settings = settings,
            },
            FeaturesDirectory = features,
            Tags = tags,
            OutputDirectory = output,
            BindingAssemblies = [typeof(NfvConformance.Suites.Support.ApplicabilityHooks).Assembly],
            Catalog = catalog,
            RunId = runId,
            ToolVersion = ToolInfo.Version,
            Workers = workers,
            Reports = new RunReportWriter(new ReportOptions { HistoryStore = historyStore, WaiversFile = waivers }),
        });

        using RunConsole console = RunConsole.Create(mode);
        ConformanceRunResult result = await runner.RunAsync(console, cancellationToken).ConfigureAwait(false);
        console.Finish(result);
        if (result.Summary.Run.Interrupted)
        {
            return ExitCodes.Failure;
        }

        return result.Failed ? ExitCodes.Failure : ExitCodes.Success;
    }

    private static string NewRunId(string target, string profile) =>
        string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}-{target}-{profile}");

    private static string Unique(string path)
    {
        string candidate = path;
        for (int i = 2; Directory.Exists(candidate); i++)
        {
            candidate = $"{path}-{i}";
        }

        return candidate;
    }
}
