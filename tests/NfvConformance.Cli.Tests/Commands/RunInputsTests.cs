// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Cli.Tests.Commands;

/// <summary>Every input file of <c>nfvc run</c> is read before the first scenario: a typo is exit 2 with file:line, never a failed scenario.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class RunInputsTests
{
    [Test]
    public void Run_BadTargetsAndBadWaiversAndBadInventory_ExitsTwoListingEveryProblemBeforeAnyScenario()
    {
        string dir = NfvcProcess.NewTempDirectory();
        string targets = Path.Combine(dir, "targets.yaml");
        File.WriteAllText(targets, "profile: basic\nfigures:\n  ndr: {value: 1, unit: pps\n");
        string waivers = Path.Combine(dir, "waivers.yaml");
        File.WriteAllText(waivers, "just: a mapping\n");
        string inventory = Path.Combine(dir, "inventory.yaml");
        File.WriteAllText(inventory, "nodes: [\n");
        string output = Path.Combine(dir, "run");

        (int code, _, string stderr) = NfvcProcess.Run(
            "run", "--targets", targets, "--waivers", waivers, "--set", $"inventory={inventory}", "--out", output, "--history", "none");

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(2), stderr);
            Assert.That(stderr, Does.Contain($"targets: {targets}:"), "the targets file, with its line");
            Assert.That(stderr, Does.Contain($"waivers: {waivers}:1:"), "the waivers file, with its line");
            Assert.That(stderr, Does.Contain(inventory), "the inventory file");
            Assert.That(stderr, Does.Contain("nothing was run"));
            Assert.That(Path.Combine(output, "results.ndjson"), Does.Not.Exist, "no scenario ran");
        });
    }

    [Test]
    public void Run_MissingTargetsFile_ExitsTwoAndNamesIt()
    {
        string missing = Path.Combine(NfvcProcess.NewTempDirectory(), "none.yaml");

        (int code, _, string stderr) = NfvcProcess.Run("run", "--targets", missing, "--history", "none");

        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain($"targets: {missing}: not found"));
    }
}
