// Licensed under the Apache License, Version 2.0.
using NfvConformance.Reports.Exporters;
using NfvConformance.Reports.Model;
using NfvConformance.Reports.Tests.Support;

namespace NfvConformance.Reports.Tests.Exporters;

/// <summary>The file-writing exporters against approved snapshots (Exporters/Approved).</summary>
public sealed class FormatSnapshotTests
{
    private TempDir _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDir();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    [Test]
    public async Task SummaryJson_MixedRun_MatchesApproved()
    {
        await new SummaryJsonExporter().ExportAsync(SampleRuns.Mixed(), _dir.Path);

        Approvals.Verify(await File.ReadAllTextAsync(_dir.File(SummaryJsonExporter.FileName)), "summary", "json");
    }

    [Test]
    public async Task JUnitXml_MixedRun_MatchesApproved()
    {
        await new JUnitXmlExporter().ExportAsync(SampleRuns.Mixed(), _dir.Path);

        Approvals.Verify(await File.ReadAllTextAsync(_dir.File(JUnitXmlExporter.FileName)), "junit", "xml");
    }

    [Test]
    public void ReportHtml_MixedRun_MatchesApproved()
    {
        Approvals.Verify(HtmlReportExporter.Render(SampleRuns.Mixed()), "report", "html");
    }

    [Test]
    public async Task AllureResult_FailedScenario_MatchesApproved()
    {
        RunSummary run = SampleRuns.Mixed();
        await new AllureResultsExporter().ExportAsync(run with { Scenarios = [run.Scenarios[1] with { Evidence = null }] }, _dir.Path);
        string result = Directory.GetFiles(_dir.File(AllureResultsExporter.DirectoryName), "*-result.json").Single();

        Approvals.Verify(await File.ReadAllTextAsync(result), "allure-result", "json");
    }

    [Test]
    public async Task SummaryJsonReader_WrittenRun_RoundTripsByteForByte()
    {
        RunSummary run = NfvConformance.Reports.Waivers.WaiverFile.Apply(SampleRuns.Mixed(), [new Waiver("RA2:net.thr.01", "lab", "ops", new DateOnly(2099, 1, 1), "w.yaml:1")]);
        await new SummaryJsonExporter().ExportAsync(run, _dir.Path);
        string first = await File.ReadAllTextAsync(_dir.File(SummaryJsonExporter.FileName));

        RunSummary read = await SummaryJsonReader.ReadAsync(_dir.File(SummaryJsonExporter.FileName));
        Directory.CreateDirectory(_dir.File("again"));
        await new SummaryJsonExporter().ExportAsync(read, _dir.File("again"));

        Assert.That(await File.ReadAllTextAsync(_dir.File("again/summary.json")), Is.EqualTo(first));
        Assert.That(read.Totals, Is.EqualTo(run.Totals));
        Assert.That(read.Scenarios[1].Evidence!.SearchTrace, Is.EqualTo(run.Scenarios[1].Evidence!.SearchTrace));
    }

    [Test]
    public async Task SummaryJsonReader_TruncatedFile_ConfigurationErrorWithLine()
    {
        await File.WriteAllTextAsync(_dir.File("summary.json"), "{\n  \"run\": {\n");

        Abstractions.Errors.ConfigurationException? ex = Assert.ThrowsAsync<Abstractions.Errors.ConfigurationException>(() => SummaryJsonReader.ReadAsync(_dir.File("summary.json")));

        Assert.That(ex!.Message, Does.StartWith(_dir.File("summary.json") + ":3:").And.Contain("not valid JSON"));
    }
}
