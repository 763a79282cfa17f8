// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Reports.Bundle;
using NfvConformance.Reports.Exporters;
using NfvConformance.Reports.Model;
using NfvConformance.Reports.Tests.Support;

namespace NfvConformance.Reports.Tests;

public sealed class ReportWriterTests
{
    private TempDir _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDir();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    [Test]
    public async Task WriteAllAsync_MixedRun_WritesEveryFormatAndIntactBundle()
    {
        string run = _dir.File("run");

        ReportWriteResult result = await ReportWriter.WriteAllAsync(SampleRuns.Mixed(), run, new ReportOptions { HistoryStore = _dir.File("history.db") }, CancellationToken.None);

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors.Select(e => e.Exporter + ": " + e.Message)));
        foreach (string file in new[] { "summary.json", "junit.xml", "summary.md", "traceability.csv", "badge.svg", EvidenceBundle.FileName })
        {
            Assert.That(File.Exists(Path.Combine(run, file)), Is.True, file);
        }

        Assert.That((await EvidenceBundle.VerifyAsync(Path.Combine(run, EvidenceBundle.FileName))).IsIntact, Is.True);
        Assert.That(result.Summary.Trends, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task WriteAllAsync_OneExporterThrows_OthersStillWritten()
    {
        string run = _dir.File("run");
        IReadOnlyList<IReportExporter> exporters = [new ThrowingExporter(), new SummaryJsonExporter(), new BadgeSvgExporter()];

        ReportWriteResult result = await ReportWriter.WriteWithAsync(SampleRuns.Mixed(), run, new ReportOptions(), exporters, CancellationToken.None);

        Assert.That(result.Errors.Single().Exporter, Is.EqualTo("broken"));
        Assert.That(result.Errors.Single().Message, Does.Contain("disk full"));
        Assert.That(File.Exists(Path.Combine(run, SummaryJsonExporter.FileName)), Is.True);
        Assert.That(File.Exists(Path.Combine(run, BadgeSvgExporter.FileName)), Is.True);
        Assert.That(result.Succeeded, Is.False);
    }

    [Test]
    public async Task WriteAllAsync_MalformedWaivers_ConfigurationErrorAndReportsStillWritten()
    {
        string run = _dir.File("run");
        string waivers = _dir.File("waivers.yaml");
        await File.WriteAllTextAsync(waivers, "waivers:\n  - uid: RA2:net.thr.01\n    reason: r\n");

        ReportWriteResult result = await ReportWriter.WriteAllAsync(SampleRuns.Mixed(), run, new ReportOptions { WaiversFile = waivers }, CancellationToken.None);

        Assert.That(result.WorstSeverity, Is.EqualTo(Severity.Configuration));
        Assert.That(result.Errors.Single().Message, Does.Contain(waivers + ":2").And.Contain("approver"));
        Assert.That(File.Exists(Path.Combine(run, JUnitXmlExporter.FileName)), Is.True);
    }

    [Test]
    public async Task WriteAllAsync_ActiveWaiver_ReturnedSummaryPasses()
    {
        string waivers = _dir.File("waivers.yaml");
        await File.WriteAllTextAsync(waivers, "- uid: RA2:net.thr.01\n  reason: lab NIC\n  approver: ops\n  expires: 2099-01-01\n");
        RunSummary run = SampleRuns.Mixed();
        run = run with { Scenarios = [.. run.Scenarios.Where(s => s.Status != ScenarioStatus.Undefined)] };

        ReportWriteResult result = await ReportWriter.WriteAllAsync(run, _dir.File("run"), new ReportOptions { WaiversFile = waivers, Formats = ["json"], WriteBundle = false }, CancellationToken.None);

        Assert.That(result.Summary.Failed, Is.False);
        Assert.That(result.Summary.Totals.Waived, Is.EqualTo(1));
        Assert.That(await File.ReadAllTextAsync(_dir.File("run/summary.json")), Does.Contain("\"waived\": 1"));
    }

    [Test]
    public async Task WriteAllAsync_OtherProfileInHistory_ReportShowsVerdictPerProfile()
    {
        string history = _dir.File("history.db");
        RunSummary hp = SampleRuns.Throughput("hp", SampleRuns.Start.AddDays(-1), 1e6, profile: "high-performance");
        await ReportWriter.WriteAllAsync(hp, _dir.File("hp"), new ReportOptions { HistoryStore = history, WriteBundle = false, Formats = ["json"] }, CancellationToken.None);
        RunSummary basic = SampleRuns.Throughput("basic", SampleRuns.Start, 1e6) with { Environment = hp.Environment };

        ReportWriteResult result = await ReportWriter.WriteAllAsync(basic, _dir.File("basic"), new ReportOptions { HistoryStore = history, WriteBundle = false, Formats = ["html"] }, CancellationToken.None);

        string html = await File.ReadAllTextAsync(_dir.File("basic/report.html"));
        Assert.That(result.Summary.OtherProfileVerdicts, Is.EqualTo(new Dictionary<string, bool> { ["high-performance"] = true }));
        Assert.That(html, Does.Contain(">basic: PASSED<").And.Contain(">high-performance: PASSED (latest run)<"));
    }

    private sealed class ThrowingExporter : IReportExporter
    {
        public string Name => "broken";

        public ValueTask<IReadOnlyList<string>> ExportAsync(RunSummary summary, string directory, CancellationToken cancellationToken = default) =>
            throw new IOException("disk full");
    }
}
