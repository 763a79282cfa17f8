// Licensed under the Apache License, Version 2.0.
using NfvConformance.Core.Requirements;

namespace NfvConformance.Core.Tests.Requirements;

public sealed class RequirementCoverageTests
{
    private static RequirementCatalog Catalog()
    {
        string path = Path.Combine(Path.GetTempPath(), $"catalog-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, """
            entries:
            - uid: "RM:a.1"
              id: a.1
              kind: requirement
              title: in scope, passed on one profile only
              topics: [networking]
            - uid: "RM:a.2"
              id: a.2
              kind: requirement
              title: in scope, passed on one profile and failed on the other
              topics: [sfc]
            - uid: "RM:a.3"
              id: a.3
              kind: requirement
              title: in scope, not applicable everywhere
              topics: [sriov]
            - uid: "RM:a.4"
              id: a.4
              kind: requirement
              title: in scope, no scenario
              topics: [edge]
            - uid: "RM:b.1"
              id: b.1
              kind: requirement
              title: out of scope (topic)
              topics: [storage]
            - uid: "RM:b.2"
              id: b.2
              kind: gap
              title: out of scope (a gap)
              topics: [networking]
            """);
        try
        {
            return RequirementCatalog.Load(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Compute_TwoRuns_VerifiedOnlyWhenSomeRunPassedAndNoneFailed()
    {
        ScenarioOutcome[] outcomes =
        [
            new(["RM:a.1"], Passed: true, Failed: false, "high-performance", "X.feature:3"),
            new(["RM:a.1"], Passed: false, Failed: false, "basic", "X.feature:3"),
            new(["RM:a.2"], Passed: true, Failed: false, "basic", "Y.feature:5"),
            new(["RM:a.2"], Passed: false, Failed: true, "high-performance", "Y.feature:5"),
            new(["RM:a.3", "RM:b.1"], Passed: false, Failed: false, "basic", "Z.feature:7"),
            new(["RM:b.1"], Passed: true, Failed: false, "basic", "Z.feature:9"),
        ];

        RequirementCoverage coverage = RequirementCoverage.Compute(Catalog(), outcomes);

        Assert.That(coverage.Rows.Select(r => (r.Requirement.Uid, r.Verdict)), Is.EqualTo(new[]
        {
            ("RM:a.1", CoverageVerdict.Verified),
            ("RM:a.2", CoverageVerdict.Failed),
            ("RM:a.3", CoverageVerdict.NotRun),
            ("RM:a.4", CoverageVerdict.NotCovered),
        }));
        Assert.That(coverage.InScope, Is.EqualTo(4));
        Assert.That(coverage.Verified, Is.EqualTo(1));
        Assert.That(coverage.Percent, Is.EqualTo(25.0));
        Assert.That(coverage.Rows[0].PassedIn, Is.EqualTo(new[] { "high-performance" }));
        Assert.That(coverage.Rows[1].Scenarios, Is.EqualTo(new[] { "basic:Y.feature:5", "high-performance:Y.feature:5" }));
    }

    [Test]
    public void Compute_NoOutcomes_NothingVerified()
    {
        RequirementCoverage coverage = RequirementCoverage.Compute(Catalog(), []);

        Assert.That(coverage.Verified, Is.Zero);
        Assert.That(coverage.Count(CoverageVerdict.NotCovered), Is.EqualTo(4));
    }
}
