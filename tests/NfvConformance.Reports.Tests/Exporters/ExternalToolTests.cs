// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;
using System.Text.Json;
using System.Xml.Linq;
using NfvConformance.Reports.Exporters;
using NfvConformance.Reports.Model;
using NfvConformance.Reports.Tests.Support;
using NfvConformance.Reports.Waivers;

namespace NfvConformance.Reports.Tests.Exporters;

/// <summary>The files as their real readers see them: the Allure CLI from npm, and an XML parser for junit.xml.</summary>
public sealed class ExternalToolTests
{
    private TempDir _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDir();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    private static RunSummary RunWithEveryOutcome()
    {
        RunSummary run = SampleRuns.Mixed();
        ScenarioSummary waivable = run.Scenarios[1] with { Id = "Perf/Latency.feature:4", Name = "Latency p99", Requirements = ["RA1:e.cap.099"] };
        run = run with { Scenarios = [.. run.Scenarios, waivable, run.Scenarios[0] with { Id = "Discovery/Caps.feature:20", Name = "Filtered", Status = ScenarioStatus.Skipped, Reason = "tag filter" }] };
        return WaiverFile.Apply(run, [new Waiver("RA1:e.cap.099", "lab", "ops", new DateOnly(2099, 1, 1), "w.yaml:1")]);
    }

    [Test]
    public async Task AllureCli_GeneratesReport_CountsEqualOurs()
    {
        string allure = Tools.RequireOnPath("allure", "npm install -g allure@3.18.0");
        RunSummary run = RunWithEveryOutcome();
        await new AllureResultsExporter().ExportAsync(run, _dir.Path);
        string output = _dir.File("allure-report");

        (int exit, string log) = await RunAsync(allure, ["generate", _dir.File(AllureResultsExporter.DirectoryName), "-o", output], _dir.Path);

        Assert.That(exit, Is.Zero, log);
        using JsonDocument summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "summary.json")));
        JsonElement stats = summary.RootElement.GetProperty("stats");
        RunTotals t = run.Totals;
        Assert.That(Stat(stats, "total"), Is.EqualTo(t.Total));
        Assert.That(Stat(stats, "passed"), Is.EqualTo(t.Passed));
        Assert.That(Stat(stats, "failed"), Is.EqualTo(t.Failed));
        Assert.That(Stat(stats, "broken"), Is.EqualTo(t.Undefined + t.Pending + t.Ambiguous));
        Assert.That(Stat(stats, "skipped"), Is.EqualTo(t.Skipped + t.NotApplicable + t.Waived));
        Assert.That(t.Waived, Is.EqualTo(1), "the sample has a waived failure");
        string[] rendered = Directory.GetFiles(Path.Combine(output, "data", "test-results"));
        Assert.That(rendered, Has.Length.EqualTo(t.Total));
        Assert.That(rendered.Select(File.ReadAllText), Has.Some.Contains("\"RA2:net.thr.01\""), "requirement labels reach the rendered report");
    }

    [Test]
    public async Task AllureResults_FailedScenario_HasRequirementLabelsStepsParametersAndChartAttachments()
    {
        await new AllureResultsExporter().ExportAsync(SampleRuns.Mixed(), _dir.Path);
        string dir = _dir.File(AllureResultsExporter.DirectoryName);

        JsonElement failed = Directory.GetFiles(dir, "*-result.json").Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement)
            .Single(r => r.GetProperty("status").GetString() == "failed");

        Assert.That(failed.GetProperty("labels").EnumerateArray().Any(l => l.GetProperty("name").GetString() == "requirement" && l.GetProperty("value").GetString() == "RA2:net.thr.01"), Is.True);
        Assert.That(failed.GetProperty("steps").GetArrayLength(), Is.EqualTo(3));
        Assert.That(failed.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()), Does.Contain("ndr_pps"));
        string[] sources = [.. failed.GetProperty("attachments").EnumerateArray().Select(a => a.GetProperty("source").GetString()!)];
        Assert.That(sources, Has.Length.EqualTo(5));
        Assert.That(sources.Select(s => File.Exists(Path.Combine(dir, s))), Is.All.True);
    }

    [Test]
    public async Task JUnitXml_Parsed_CountsEqualOursAndEveryCaseClassified()
    {
        RunSummary run = RunWithEveryOutcome();
        await new JUnitXmlExporter().ExportAsync(run, _dir.Path);

        XDocument doc = XDocument.Load(_dir.File(JUnitXmlExporter.FileName));

        RunTotals t = run.Totals;
        XElement root = doc.Root!;
        List<XElement> cases = [.. root.Descendants("testcase")];
        Assert.That(root.Name.LocalName, Is.EqualTo("testsuites"));
        Assert.That((int)root.Attribute("tests")!, Is.EqualTo(t.Total).And.EqualTo(cases.Count));
        Assert.That((int)root.Attribute("failures")!, Is.EqualTo(t.Failed).And.EqualTo(cases.Count(c => c.Element("failure") is not null)));
        Assert.That((int)root.Attribute("errors")!, Is.EqualTo(t.Undefined + t.Pending + t.Ambiguous).And.EqualTo(cases.Count(c => c.Element("error") is not null)));
        Assert.That((int)root.Attribute("skipped")!, Is.EqualTo(t.Skipped + t.NotApplicable + t.Waived).And.EqualTo(cases.Count(c => c.Element("skipped") is not null)));
        Assert.That(root.Elements("testsuite").Sum(s => (int)s.Attribute("tests")!), Is.EqualTo(t.Total));
        Assert.That(cases.Single(c => c.Element("skipped")?.Attribute("message")?.Value.StartsWith("waived:", StringComparison.Ordinal) == true).Attribute("name")!.Value, Is.EqualTo("Latency p99"));
        Assert.That(cases.SelectMany(c => c.Descendants("property")).Where(p => (string?)p.Attribute("name") == "requirement").Select(p => p.Attribute("value")!.Value), Does.Contain("RA2:net.thr.01"));
    }

    private static int Stat(JsonElement stats, string name) => stats.TryGetProperty(name, out JsonElement v) ? v.GetInt32() : 0;

    private static async Task<(int Exit, string Log)> RunAsync(string file, string[] args, string cwd)
    {
        ProcessStartInfo psi = new(file) { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using Process p = Process.Start(psi)!;
        Task<string> o = p.StandardOutput.ReadToEndAsync();
        Task<string> e = p.StandardError.ReadToEndAsync();
        using CancellationTokenSource cts = new(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await o + await e);
    }
}
