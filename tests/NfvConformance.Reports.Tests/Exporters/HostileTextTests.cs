// Licensed under the Apache License, Version 2.0.
using System.IO.Compression;
using System.Text;
using NfvConformance.Reports.Bundle;
using NfvConformance.Reports.Model;
using NfvConformance.Reports.Tests.Support;

namespace NfvConformance.Reports.Tests.Exporters;

/// <summary>
/// A feature, scenario, step, target, device and requirement named <c>&lt;script&gt;alert(1)&lt;/script&gt;</c>: every
/// output carries it escaped for its own format, and never as a raw tag. traceability.csv is the one format without
/// markup: there it is one RFC 4180 field that reads back exactly.
/// </summary>
public sealed class HostileTextTests
{
    private const string Raw = SampleRuns.Hostile;

    [Test]
    public async Task WriteAllAsync_HostileNamesEverywhere_EveryOutputEscapesThem()
    {
        using TempDir dir = new();
        string runDir = dir.File("run");
        RunSummary run = SampleRuns.Mixed();
        run = run with
        {
            Run = run.Run with { Target = Raw, Tags = Raw },
            Environment = run.Environment! with { Nics = [Raw + " e1000 1000"], Cpu = Raw },
        };

        ReportWriteResult result = await ReportWriter.WriteAllAsync(run, runDir, new ReportOptions { HistoryStore = dir.File("h.db") }, CancellationToken.None);

        Assert.That(result.Errors, Is.Empty);
        List<string> files = [.. Directory.GetFiles(runDir, "*", SearchOption.AllDirectories)];
        Assert.That(files.Select(Path.GetFileName), Is.SupersetOf(new[] { "report.html", "summary.json", "junit.xml", "summary.md", "traceability.csv", "badge.svg", "environment.properties", EvidenceBundle.FileName }));
        int checkedFiles = 0;
        HashSet<string> carriers = [];
        foreach (string file in files)
        {
            string name = Path.GetFileName(file);
            if (name == EvidenceBundle.FileName)
            {
                continue;
            }

            string text = await File.ReadAllTextAsync(file, Encoding.UTF8);
            if (name == "traceability.csv")
            {
                Assert.That(text, Does.Contain("\n" + Raw + ",,,error,"), "the uid is a single unquoted field, read back verbatim");
                continue;
            }

            Assert.That(text, Does.Not.Contain("<script"), $"{name} contains a raw tag");
            bool escaped = text.Contains("&lt;script&gt;", StringComparison.Ordinal)
                || text.Contains("\\u003Cscript\\u003E", StringComparison.Ordinal)
                || text.Contains("\\u003cscript\\u003e", StringComparison.Ordinal);
            if (escaped)
            {
                carriers.Add(name.EndsWith("-result.json", StringComparison.Ordinal) ? "allure result" : name);
            }

            checkedFiles++;
        }

        Assert.That(checkedFiles, Is.GreaterThanOrEqualTo(10));
        Assert.That(carriers, Is.SupersetOf(new[] { "report.html", "summary.json", "junit.xml", "summary.md", "environment.properties", "allure result" }), "these show the name, escaped");
        using ZipArchive zip = ZipFile.OpenRead(Path.Combine(runDir, EvidenceBundle.FileName));
        Assert.That(zip.Entries.Select(e => e.FullName), Does.Contain("run/report.html"));
    }
}
