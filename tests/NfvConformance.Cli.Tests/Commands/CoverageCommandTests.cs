// Licensed under the Apache License, Version 2.0.
using System.Text.Json;

namespace NfvConformance.Cli.Tests.Commands;

/// <summary><c>nfvc coverage</c> over real run folders, through the real tool.</summary>
public sealed class CoverageCommandTests
{
    [Test]
    public void Coverage_TwoProfileRuns_CountsARequirementVerifiedWhenEitherRunPassedIt()
    {
        string features = NfvcProcess.NewTempDirectory();
        File.Copy(Path.Combine(NfvcProcess.RepositoryRoot, "features", "Discovery", "PublishedCapabilities.feature"), Path.Combine(features, "PublishedCapabilities.feature"));
        File.WriteAllText(Path.Combine(features, "HighPerformanceOnly.feature"), """
            Feature: A requirement only the high-performance profile verifies
              @RA1:inf.acc.03 @profile:high-performance
              Scenario: discovered on high performance
                Given the target has been discovered
            """);
        string basic = NfvcProcess.NewTempDirectory();
        string hp = NfvcProcess.NewTempDirectory();
        Assert.That(NfvcProcess.Run("run", "--features", features, "--out", basic, "--history", "none", "--quiet").ExitCode, Is.EqualTo(0));
        Assert.That(NfvcProcess.Run("run", "--features", features, "--profile", "high-performance", "--out", hp, "--history", "none", "--quiet").ExitCode, Is.EqualTo(0));

        (int one, string oneOut, string oneErr) = NfvcProcess.Run("coverage", basic, "--json");
        (int both, string bothOut, string bothErr) = NfvcProcess.Run("coverage", basic, hp, "--json");

        Assert.That(one, Is.EqualTo(0), oneErr);
        Assert.That(both, Is.EqualTo(0), bothErr);
        using JsonDocument a = JsonDocument.Parse(oneOut);
        using JsonDocument b = JsonDocument.Parse(bothOut);
        int inScope = a.RootElement.GetProperty("in_scope").GetInt32();
        int verifiedBasic = a.RootElement.GetProperty("verified").GetInt32();
        int verifiedBoth = b.RootElement.GetProperty("verified").GetInt32();
        Assert.That(verifiedBasic, Is.Positive);
        Assert.That(verifiedBoth, Is.GreaterThan(verifiedBasic), "scenarios that are N/A on basic pass on high-performance");
        Assert.That(b.RootElement.GetProperty("in_scope").GetInt32(), Is.EqualTo(inScope));
        JsonElement[] rows = [.. b.RootElement.GetProperty("requirements").EnumerateArray()];
        Assert.That(rows, Has.Length.EqualTo(inScope));
        Assert.That(rows.Count(r => r.GetProperty("verdict").GetString() == "verified"), Is.EqualTo(verifiedBoth));
        Assert.That(
            rows.Where(r => r.GetProperty("verdict").GetString() == "verified").All(r => r.GetProperty("passed_in").GetArrayLength() > 0),
            Is.True);
    }

    [Test]
    public void Coverage_BelowMin_ExitsOne_AndAMissingRunFolderExitsTwo()
    {
        string features = NfvcProcess.NewTempDirectory();
        File.Copy(Path.Combine(NfvcProcess.RepositoryRoot, "features", "Discovery", "PublishedCapabilities.feature"), Path.Combine(features, "PublishedCapabilities.feature"));
        string run = NfvcProcess.NewTempDirectory();
        Assert.That(NfvcProcess.Run("run", "--features", features, "--out", run, "--history", "none", "--quiet").ExitCode, Is.EqualTo(0));

        (int below, string stdout, _) = NfvcProcess.Run("coverage", run, "--min", "99.9");
        (int missing, _, string stderr) = NfvcProcess.Run("coverage", Path.Combine(run, "nope"));

        Assert.That(below, Is.EqualTo(1));
        Assert.That(stdout, Does.Contain("not_covered ("));
        Assert.That(missing, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("summary.json"));
    }
}
