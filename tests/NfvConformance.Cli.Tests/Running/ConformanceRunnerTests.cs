// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Targets;
using NfvConformance.Core.Requirements;
using NfvConformance.Core.Running;
using NfvConformance.Emulator;

namespace NfvConformance.Cli.Tests.Running;

/// <summary><see cref="ConformanceRunner"/> used as a library, on the emulator, without the CLI's report writer.</summary>
public sealed class ConformanceRunnerTests
{
    [Test]
    public async Task RunAsync_NoReportWriter_WritesNoResultsFileAndListsOnlyFilesThatExist()
    {
        string dir = NfvcProcess.NewTempDirectory();
        string features = Path.Combine(dir, "features");
        Directory.CreateDirectory(features);
        File.WriteAllText(Path.Combine(features, "Nothing.feature"), """
            Feature: Nothing
              Scenario: a step nobody binds
                Given a step no binding in this project matches
            """);
        string output = Path.Combine(dir, "run");
        RequirementCatalog catalog = RequirementCatalog.LoadDefault();

        ConformanceRunner runner = new(new ConformanceRunOptions
        {
            TargetFactory = new EmulatorTargetFactory(),
            TargetOptions = new LabTargetOptions { Catalogue = catalog.Capabilities },
            FeaturesDirectory = features,
            OutputDirectory = output,
            BindingAssemblies = [typeof(NfvConformance.Suites.Support.ApplicabilityHooks).Assembly],
            Catalog = catalog,
            RunId = "library-run",
        });

        ConformanceRunResult result = await runner.RunAsync(null);

        Assert.Multiple(() =>
        {
            Assert.That(result.Summary.Scenarios, Has.Count.EqualTo(1), "the scenario ran");
            Assert.That(Path.Combine(output, ConformanceRunner.LiveResultsFile), Does.Not.Exist, "an empty results file would read as a run without results");
            Assert.That(result.Files, Is.All.Matches<string>(File.Exists), "every file the result names exists");
        });
    }
}
