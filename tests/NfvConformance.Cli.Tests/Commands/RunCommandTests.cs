// Licensed under the Apache License, Version 2.0.
using System.Text.Json;
using System.Xml.Linq;

namespace NfvConformance.Cli.Tests.Commands;

[Parallelizable(ParallelScope.All)]
public sealed class RunCommandTests
{
    // The walking skeleton's slice alone, so these checks do not move as the suite grows.
    private static string SliceFeatures()
    {
        string dir = NfvcProcess.NewTempDirectory();
        File.Copy(Path.Combine(NfvcProcess.RepositoryRoot, "features", "Discovery", "PublishedCapabilities.feature"), Path.Combine(dir, "PublishedCapabilities.feature"));
        return dir;
    }

    [Test]
    public void Run_UnknownTarget_ExitsTwoAndListsKnownTargets()
    {
        (int code, _, string stderr) = NfvcProcess.Run("run", "--target", "nosuch");

        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("Unknown target 'nosuch'"));
        Assert.That(stderr, Does.Contain("emulator"));
    }

    [TestCase("nokey", "--set nokey: write it as KEY=VALUE")]
    [TestCase("bogus=1", "unknown emulator setting 'bogus'")]
    public void Run_BadTargetSetting_ExitsTwoAndSaysWhatToWrite(string setting, string message)
    {
        (int code, _, string stderr) = NfvcProcess.Run("run", "--set", setting, "--out", NfvcProcess.NewTempDirectory(), "--history", "none");

        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain(message));
    }

    [Test]
    public void Run_PackageFolderMissing_ExitsTwoAndNamesIt()
    {
        string missing = Path.Combine(NfvcProcess.NewTempDirectory(), "no-such-package");

        (int code, _, string stderr) = NfvcProcess.Run("run", "--package", missing, "--history", "none");

        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain($"--package {missing}: folder not found"));
    }

    [Test]
    public void Run_MalformedVnfDescriptor_ExitsTwoWithFileLineBeforeAnyWork()
    {
        string dir = NfvcProcess.NewTempDirectory();
        string vnf = Path.Combine(dir, "acme.yaml");
        File.WriteAllText(vnf, "vnfd:\n  id: acme\n  version: \"1\"\n  function: toaster\n  deployment_units: []\n");

        (int code, _, string stderr) = NfvcProcess.Run("run", "--vnf", vnf, "--out", Path.Combine(dir, "out"), "--history", "none");

        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain($"{vnf}:4").And.Contain("'toaster' is not a chain function"));
        Assert.That(Directory.Exists(Path.Combine(dir, "out")), Is.False, "nothing ran");
    }

    [Test]
    public void Run_UnknownOption_ExitsTwo()
    {
        (int code, _, string stderr) = NfvcProcess.Run("run", "--bogus");

        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("--bogus"));
    }

    [Test]
    public void Run_TagsMatchingNothing_ExitsTwoAndSaysSo()
    {
        string outDir = NfvcProcess.NewTempDirectory();

        (int code, _, string stderr) = NfvcProcess.Run("run", "--tags", "@no-such-tag", "--out", outDir);

        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("No scenario matches --tags '@no-such-tag'"));
    }

    [Test]
    public void Run_EmulatorBasic_ExitsZeroAndWritesSummaryJunitAndLiveResults()
    {
        string outDir = NfvcProcess.NewTempDirectory();

        (int code, string stdout, string stderr) = NfvcProcess.Run("run", "--out", outDir, "--features", SliceFeatures(), "--history", "none");

        Assert.That(code, Is.EqualTo(0), stdout + stderr);
        Assert.That(stdout, Does.Contain("Reports: " + outDir));
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        JsonElement root = summary.RootElement;
        Assert.That(root.GetProperty("run").GetProperty("target").GetString(), Is.EqualTo("emulator"));
        Assert.That(root.GetProperty("run").GetProperty("profile").GetString(), Is.EqualTo("basic"));
        JsonElement totals = root.GetProperty("totals");
        int total = totals.GetProperty("total").GetInt32();
        Assert.That(total, Is.EqualTo(3));
        Assert.That(totals.GetProperty("failed").GetInt32(), Is.Zero);
        JsonElement[] scenarios = [.. root.GetProperty("scenarios").EnumerateArray()];
        Assert.That(scenarios, Has.Length.EqualTo(total));
        JsonElement sriov = scenarios.Single(s => s.GetProperty("name").GetString()!.StartsWith("SR-IOV", StringComparison.Ordinal));
        Assert.That(sriov.GetProperty("status").GetString(), Is.EqualTo("not_applicable"), "basic does not publish SR-IOV (RM:e.cap.013 = No)");
        Assert.That(sriov.GetProperty("reason").GetString(), Does.Contain("RM:e.cap.013"));
        Assert.That(scenarios[0].GetProperty("requirements").EnumerateArray().Select(e => e.GetString()), Does.Contain("RM:e.cap.001"));
        Assert.That(scenarios[0].GetProperty("location").GetString(), Does.Match(@"^PublishedCapabilities\.feature:\d+$"));

        XDocument junit = XDocument.Load(Path.Combine(outDir, "junit.xml"));
        Assert.That(junit.Descendants("testcase").Count(), Is.EqualTo(total));
        Assert.That(junit.Descendants("property").Any(p => (string?)p.Attribute("name") == "requirement" && (string?)p.Attribute("value") == "RM:e.cap.013"), Is.True);
        Assert.That(File.ReadAllLines(Path.Combine(outDir, "results.ndjson")), Has.Length.EqualTo(total));
    }

    [Test]
    public void Run_HighPerformanceProfile_SriovScenarioRunsAndPasses()
    {
        string outDir = NfvcProcess.NewTempDirectory();

        (int code, string stdout, string stderr) = NfvcProcess.Run("run", "--profile", "high-performance", "--out", outDir, "--features", SliceFeatures(), "--tags", "@RM:e.cap.013", "--quiet", "--history", "none");

        Assert.That(code, Is.EqualTo(0), stdout + stderr);
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        JsonElement[] scenarios = [.. summary.RootElement.GetProperty("scenarios").EnumerateArray()];
        Assert.That(scenarios.Select(s => s.GetProperty("status").GetString()), Is.All.EqualTo("passed"));
    }

    [Test]
    public void Run_BrokenFeatureUnknownUidAndUndefinedStep_ReportsEachProblem()
    {
        string features = NfvcProcess.NewTempDirectory();
        File.WriteAllText(Path.Combine(features, "Broken.feature"), "Feature: Broken\n  Scenario: a\n    Given x\n  bad line here\n");
        string outDir = NfvcProcess.NewTempDirectory();

        (int code, _, string stderr) = NfvcProcess.Run("run", "--features", features, "--out", outDir, "--history", "none");

        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("Broken.feature:4:"));

        File.WriteAllText(Path.Combine(features, "Broken.feature"), "Feature: Unknown uid\n  @RM:e.cap.999\n  Scenario: a\n    Given the target has been discovered\n");
        (code, _, stderr) = NfvcProcess.Run("run", "--features", features, "--out", outDir, "--history", "none");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("Broken.feature:3: tag @RM:e.cap.999 names requirement 'RM:e.cap.999'"));

        File.WriteAllText(Path.Combine(features, "Broken.feature"), "Feature: Undefined\n  Scenario: a\n    Given the target has been discovered\n    Then the moon is made of cheese\n");
        (code, string stdout, stderr) = NfvcProcess.Run("run", "--features", features, "--out", outDir, "--history", "none");
        Assert.That(code, Is.EqualTo(1), stdout + stderr);
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        JsonElement scenario = summary.RootElement.GetProperty("scenarios")[0];
        Assert.That(scenario.GetProperty("status").GetString(), Is.EqualTo("undefined"));
        JsonElement step = scenario.GetProperty("steps")[1];
        Assert.That(step.GetProperty("status").GetString(), Is.EqualTo("undefined"));
        Assert.That(step.GetProperty("snippet").GetString(), Does.Contain("the moon is made of cheese"));
    }

    [Test]
    public void Run_TwoFilesWithTheSamePickleIds_KeepsEveryScenarioApart_Issue7()
    {
        // Pickle ids are numbered per file, so both files' scenarios have the same ids.
        string features = NfvcProcess.NewTempDirectory();
        File.WriteAllText(Path.Combine(features, "A.feature"), "Feature: A\n  Scenario: passes in A\n    Given the target has been discovered\n");
        File.WriteAllText(Path.Combine(features, "B.feature"), "Feature: B\n  Scenario: undefined in B\n    Given the moon is made of cheese\n");
        string outDir = NfvcProcess.NewTempDirectory();

        (int code, string stdout, string stderr) = NfvcProcess.Run("run", "--features", features, "--out", outDir, "--history", "none");

        Assert.That(code, Is.EqualTo(1), stdout + stderr);
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        string[] rows = [.. summary.RootElement.GetProperty("scenarios").EnumerateArray().Select(s => $"{s.GetProperty("name").GetString()}={s.GetProperty("status").GetString()}")];
        Assert.That(rows, Is.EquivalentTo(new[] { "passes in A=passed", "undefined in B=undefined" }));
    }

    [Test]
    public void Run_InterruptedWithSigint_KeepsEveryResultAndWritesTheReports()
    {
        string outDir = NfvcProcess.NewTempDirectory();
        string live = Path.Combine(outDir, "results.ndjson");
        using System.Diagnostics.Process nfvc = NfvcProcess.Start("run", "--profile", "high-performance", "--out", outDir, "--history", "none", "--quiet");

        // Interrupt once the first results are on disk, as a user pressing Ctrl+C would.
        SpinWait.SpinUntil(() => File.Exists(live) && new FileInfo(live).Length > 0, TimeSpan.FromMinutes(2));
        using (System.Diagnostics.Process kill = System.Diagnostics.Process.Start("kill", ["-INT", nfvc.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
        {
            kill.WaitForExit();
        }

        Assert.That(nfvc.WaitForExit(TimeSpan.FromMinutes(2)), Is.True, "nfvc did not stop after SIGINT");
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        JsonElement root = summary.RootElement;
        int total = root.GetProperty("totals").GetProperty("total").GetInt32();
        Assert.That(root.GetProperty("run").GetProperty("interrupted").GetBoolean(), Is.True);
        Assert.That(File.ReadAllLines(live), Has.Length.EqualTo(total), "every scenario has a line: the ones that ran and the ones skipped by the interruption");
        Assert.That(root.GetProperty("totals").GetProperty("passed").GetInt32(), Is.Positive, "the results that ran are kept");
        Assert.That(nfvc.ExitCode, Is.EqualTo(1), "an interrupted run is not a pass");
    }
}
