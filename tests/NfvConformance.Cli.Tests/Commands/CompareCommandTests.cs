// Licensed under the Apache License, Version 2.0.
using System.Text.Json;

namespace NfvConformance.Cli.Tests.Commands;

/// <summary><c>nfvc compare</c> over real run folders, through the real tool.</summary>
public sealed class CompareCommandTests
{
    [Test]
    public void Compare_BasicAndHighPerformanceRuns_FlagsEveryVerdictThatDiffers_AndPairsTheMeasurements()
    {
        string features = NfvcProcess.NewTempDirectory();
        File.Copy(Path.Combine(NfvcProcess.RepositoryRoot, "features", "Discovery", "PublishedCapabilities.feature"), Path.Combine(features, "PublishedCapabilities.feature"));
        File.Copy(Path.Combine(NfvcProcess.RepositoryRoot, "features", "Performance", "NewFlowRate.feature"), Path.Combine(features, "NewFlowRate.feature"));
        string basic = NfvcProcess.NewTempDirectory();
        string hp = NfvcProcess.NewTempDirectory();
        Assert.That(NfvcProcess.Run("run", "--features", features, "--out", basic, "--history", "none", "--quiet").ExitCode, Is.EqualTo(0));
        Assert.That(NfvcProcess.Run("run", "--features", features, "--profile", "high-performance", "--out", hp, "--history", "none", "--quiet").ExitCode, Is.EqualTo(0));

        (int exit, string stdout, string stderr) = NfvcProcess.Run("compare", basic, hp, "--json");
        (int strict, _, _) = NfvcProcess.Run("compare", basic, hp, "--strict");
        (int same, _, _) = NfvcProcess.Run("compare", basic, basic, "--strict");

        Assert.That(exit, Is.EqualTo(0), stderr);
        using JsonDocument doc = JsonDocument.Parse(stdout);
        JsonElement[] scenarios = [.. doc.RootElement.GetProperty("scenarios").EnumerateArray()];
        using JsonDocument a = JsonDocument.Parse(File.ReadAllText(Path.Combine(basic, "summary.json")));
        using JsonDocument b = JsonDocument.Parse(File.ReadAllText(Path.Combine(hp, "summary.json")));
        Dictionary<string, string> statusB = b.RootElement.GetProperty("scenarios").EnumerateArray().ToDictionary(s => s.GetProperty("id").GetString()!, s => s.GetProperty("status").GetString()!);
        int differ = a.RootElement.GetProperty("scenarios").EnumerateArray().Count(s => statusB[s.GetProperty("id").GetString()!] != s.GetProperty("status").GetString());
        Assert.That(differ, Is.Positive, "the profiles must differ somewhere for this test to mean anything");
        Assert.That(doc.RootElement.GetProperty("verdicts_differ").GetInt32(), Is.EqualTo(differ));
        Assert.That(scenarios.Count(s => s.GetProperty("verdict_differs").GetBoolean()), Is.EqualTo(differ));
        Assert.That(scenarios.SelectMany(s => s.GetProperty("measurements").EnumerateArray()).Any(m => m.GetProperty("a").ValueKind == JsonValueKind.Number && m.GetProperty("b").ValueKind == JsonValueKind.Number), Is.True, "measurements both runs recorded are paired");
        Assert.That(strict, Is.EqualTo(1));
        Assert.That(same, Is.EqualTo(0), "a run compared with itself does not diverge");
    }

    [Test]
    public void Compare_MissingRunFolder_ExitsTwoNamingTheFolder()
    {
        (int exit, _, string stderr) = NfvcProcess.Run("compare", "/nonexistent/a", "/nonexistent/b");

        Assert.That(exit, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("/nonexistent/a").And.Contain("summary.json"));
    }
}
