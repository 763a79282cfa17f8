// Licensed under the Apache License, Version 2.0.
using NfvConformance.Reports.Exporters;
using NfvConformance.Reports.Model;
using NfvConformance.Reports.Tests.Support;
using NfvConformance.Reports.Waivers;

namespace NfvConformance.Reports.Tests.Exporters;

public sealed class TextExporterSnapshotTests
{
    private static RunSummary Waived() =>
        WaiverFile.Apply(SampleRuns.Mixed(), [new Waiver("RA1:e.cap.099", "no SR-IOV NIC in the lab", "ops-lead", new DateOnly(2027, 1, 31), "w.yaml:2")]);

    [Test]
    public void Markdown_MixedRun_MatchesApproved()
    {
        Approvals.Verify(MarkdownSummaryExporter.Render(SampleRuns.Mixed()), "summary", "md");
    }

    [Test]
    public void TraceabilityCsv_MixedRun_MatchesApproved()
    {
        Approvals.Verify(TraceabilityCsvExporter.Render(SampleRuns.Mixed()), "traceability", "csv");
    }

    [Test]
    public void Badge_MixedRun_MatchesApproved()
    {
        Approvals.Verify(BadgeSvgExporter.Render(SampleRuns.Mixed()), "badge", "svg");
    }

    [Test]
    public void TraceabilityCsv_UncoveredCatalogueEntry_HasRowWithoutScenario()
    {
        RunSummary run = SampleRuns.Mixed() with { Scenarios = [] };

        string[] lines = TraceabilityCsvExporter.Render(run).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.That(lines, Has.Length.EqualTo(4));
        Assert.That(lines[1], Does.StartWith("RA1:e.cap.001,Publish the number of vCPUs,MUST,not_covered,,,,"));
    }

    [Test]
    public void Traceability_FailedScenarioWithoutWaiver_RequirementFailed()
    {
        IReadOnlyList<RequirementTrace> rows = Traceability.Build(SampleRuns.Mixed());

        Assert.That(rows.Select(r => (r.Uid, r.Verdict)), Is.EqualTo(new[]
        {
            ("RA1:e.cap.001", RequirementVerdict.Passed),
            ("RA2:net.thr.01", RequirementVerdict.Failed),
            ("RA1:e.cap.099", RequirementVerdict.NotRun),
            (SampleRuns.Hostile, RequirementVerdict.Error),
        }));
    }

    [Test]
    public void Markdown_WaiverOnNotApplicable_DoesNotWaive()
    {
        RunSummary run = Waived();

        Assert.That(run.Totals.Waived, Is.Zero);
        Assert.That(MarkdownSummaryExporter.Render(run), Does.Not.Contain("Waived failures"));
    }
}
