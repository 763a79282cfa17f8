// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Reports.Model;
using NfvConformance.Reports.Tests.Support;
using NfvConformance.Reports.Waivers;

namespace NfvConformance.Reports.Tests.Waivers;

public sealed class WaiverFileTests
{
    private const string Valid = """
        waivers:
          - uid: RA2:net.thr.01
            reason: NIC firmware update pending
            approver: jane.doe@example.com
            expires: 2026-12-31
        """;

    [Test]
    public void Parse_ValidFile_ReturnsWaiverWithLocation()
    {
        IReadOnlyList<Waiver> waivers = WaiverFile.Parse(new StringReader(Valid), "waivers.yaml");

        Assert.That(waivers, Has.Count.EqualTo(1));
        Assert.That(waivers[0], Is.EqualTo(new Waiver("RA2:net.thr.01", "NIC firmware update pending", "jane.doe@example.com", new DateOnly(2026, 12, 31), "waivers.yaml:2")));
    }

    [Test]
    public void Apply_ActiveWaiverOnFailedScenario_CountsApartAndRunPasses()
    {
        RunSummary run = SampleRuns.Mixed();
        run = run with { Scenarios = [.. run.Scenarios.Where(s => s.Status != ScenarioStatus.Undefined)] };
        IReadOnlyList<Waiver> waivers = WaiverFile.Parse(new StringReader(Valid), "waivers.yaml");

        RunSummary applied = WaiverFile.Apply(run, waivers);

        Assert.That(applied.Totals.Failed, Is.Zero);
        Assert.That(applied.Totals.Waived, Is.EqualTo(1));
        Assert.That(applied.Totals.Total, Is.EqualTo(run.Totals.Total));
        Assert.That(applied.Failed, Is.False);
        Assert.That(run.Failed, Is.True);
    }

    [Test]
    public void Apply_ExpiredWaiver_DoesNotWaive()
    {
        RunSummary run = SampleRuns.Mixed();
        Waiver expired = new("RA2:net.thr.01", "old", "bob", DateOnly.FromDateTime(SampleRuns.Start.UtcDateTime.AddDays(-1)), "w.yaml:1");

        RunSummary applied = WaiverFile.Apply(run, [expired]);

        Assert.That(applied.Totals.Waived, Is.Zero);
        Assert.That(applied.Totals.Failed, Is.EqualTo(1));
        Assert.That(applied.Waivers, Has.Count.EqualTo(1));
    }

    [Test]
    public void Apply_WaiverExpiringOnRunDay_StillWaives()
    {
        Waiver lastDay = new("RA2:net.thr.01", "r", "a", DateOnly.FromDateTime(SampleRuns.Start.UtcDateTime), "w.yaml:1");

        RunSummary applied = WaiverFile.Apply(SampleRuns.Mixed(), [lastDay]);

        Assert.That(applied.Totals.Waived, Is.EqualTo(1));
    }

    [TestCase("waivers:\n  - uid: X\n    reason: r\n    approver: a\n    expires: 31/12/2026\n", "w.yaml:2", "YYYY-MM-DD")]
    [TestCase("waivers:\n  - uid: X\n    reason: r\n    expires: 2026-12-31\n", "w.yaml:2", "no 'approver'")]
    [TestCase("waivers:\n  - uid: X\n    reason: r\n    approver: a\n    expires: 2026-12-31\n    colour: red\n", "w.yaml:6", "unknown key 'colour'")]
    [TestCase("waivers:\n  - uid: [unclosed\n", "w.yaml:", "invalid YAML")]
    [TestCase("waivers: 3\n", "w.yaml:1", "expected a list")]
    public void Parse_MalformedFile_ThrowsWithFileAndLine(string yaml, string where, string what)
    {
        ConfigurationException? ex = Assert.Throws<ConfigurationException>(() => WaiverFile.Parse(new StringReader(yaml), "w.yaml"));

        Assert.That(ex!.Message, Does.Contain(where).And.Contain(what));
    }

    [Test]
    public void Load_MissingFile_ThrowsConfigurationNamingIt()
    {
        ConfigurationException? ex = Assert.Throws<ConfigurationException>(() => WaiverFile.Load("/nonexistent/waivers.yaml"));

        Assert.That(ex!.Message, Does.Contain("/nonexistent/waivers.yaml"));
    }
}
