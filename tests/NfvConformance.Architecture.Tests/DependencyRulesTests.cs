// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Architecture.Tests;

public sealed class DependencyRulesTests
{
    [Test]
    public void EveryProject_FollowsTheReadmeDependencyRules()
    {
        ProjectGraph graph = ProjectGraph.Load();
        Assert.That(graph.Projects.Count(), Is.GreaterThan(10), "the tree's project files were found");
        Assert.That(DependencyRules.Check(graph), Is.Empty);
    }

    [Test]
    public void TheReadme_StatesEveryRuleTheTestChecks()
    {
        string readme = File.ReadAllText(Path.Combine(ProjectGraph.RepositoryRoot, "README.md")).ReplaceLineEndings(" ");
        string flat = string.Join(' ', readme.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.That(DependencyRules.All.Select(r => r.Readme).Where(text => !flat.Contains(text, StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public void TheRules_CatchAGraphThatBreaksEachOfThem()
    {
        ProjectGraph broken = new(new Dictionary<string, List<string>>(StringComparer.Ordinal)
        {
            ["src/NfvConformance.Abstractions"] = ["src/NfvConformance.Packets"],
            ["src/NfvConformance.Packets"] = [],
            ["emulator/NfvConformance.Emulator.Dataplane"] = ["src/NfvConformance.Abstractions", "src/NfvConformance.Traffic"],
            ["src/NfvConformance.Traffic"] = ["src/NfvConformance.Abstractions"],
            ["src/NfvConformance.Core"] = ["reports/NfvConformance.Reports"],
            ["reports/NfvConformance.Reports"] = ["src/NfvConformance.Abstractions", "emulator/NfvConformance.Emulator.Dataplane"],
            ["suites/NfvConformance.Suites"] = ["src/NfvConformance.Core"],
        });

        List<string> violations = DependencyRules.Check(broken);

        Assert.That(violations, Does.Contain("src/NfvConformance.Abstractions references src/NfvConformance.Packets"));
        Assert.That(violations, Does.Contain("emulator/NfvConformance.Emulator.Dataplane references src/NfvConformance.Traffic"));
        Assert.That(violations, Does.Contain("src/NfvConformance.Core reaches emulator/NfvConformance.Emulator.Dataplane"));
        Assert.That(violations, Does.Contain("suites/NfvConformance.Suites reaches emulator/NfvConformance.Emulator.Dataplane"));
        Assert.That(violations, Does.Contain("reports/NfvConformance.Reports references emulator/NfvConformance.Emulator.Dataplane"));
        Assert.That(violations, Does.Contain("src/NfvConformance.Core reaches reports/NfvConformance.Reports"));
    }
}
