// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;
using NfvConformance.Reports.Exporters;
using NfvConformance.Reports.History;
using NfvConformance.Reports.Model;
using NfvConformance.Reports.Tests.Support;
using NfvConformance.Reports.Waivers;

namespace NfvConformance.Reports.Tests.Exporters;

/// <summary>summary.json against docs/summary.schema.json, with a real validator (Python jsonschema, Draft 2020-12).</summary>
public sealed class SummaryJsonSchemaTests
{
    private static readonly string s_schema = Path.Combine(RepoRoot(), "docs", "summary.schema.json");

    [Test]
    public async Task SummaryJson_RunWithWaiverAndTrends_ValidAgainstSchema()
    {
        using TempDir dir = new();
        RunSummary run = WaiverFile.Apply(SampleRuns.Mixed(), [new Waiver("RA2:net.thr.01", "r", "a", new DateOnly(2099, 1, 1), "w.yaml:1")]);
        MeasurementTrend trend = RegressionAnalyzer.Evaluate([1, 1, 1, 1, 1], 0.5, MeasurementDirection.HigherIsBetter) with { ScenarioId = "s", ScenarioName = "s", Measurement = "m", Unit = "pps" };
        run = run with { Trends = [trend, RegressionAnalyzer.Evaluate([], 3, MeasurementDirection.LowerIsBetter) with { ScenarioId = "s", ScenarioName = "s", Measurement = "n", Unit = "us" }] };
        await new SummaryJsonExporter().ExportAsync(run, dir.Path);

        (int exit, string output) = await ValidateAsync(dir.File(SummaryJsonExporter.FileName));

        Assert.That(exit, Is.Zero, output);
    }

    [Test]
    public async Task Schema_SummaryMissingTotals_Rejected()
    {
        using TempDir dir = new();
        await File.WriteAllTextAsync(dir.File("bad.json"), """{ "schema_version": "1.1", "run": { "id": "x" }, "scenarios": [] }""");

        (int exit, string output) = await ValidateAsync(dir.File("bad.json"));

        Assert.That(exit, Is.Not.Zero);
        Assert.That(output, Does.Contain("totals"));
    }

    private static async Task<(int Exit, string Output)> ValidateAsync(string json)
    {
        string python = Tools.RequireOnPath("python3", "apt-get install -y python3 python3-jsonschema");
        ProcessStartInfo psi = new(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("import json,sys\ntry:\n import jsonschema\nexcept ImportError:\n sys.exit(77)\nv=jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))\nerrs=list(v.iter_errors(json.load(open(sys.argv[2]))))\nfor e in errs: print(list(e.path), e.message)\nsys.exit(1 if errs else 0)");
        psi.ArgumentList.Add(s_schema);
        psi.ArgumentList.Add(json);
        using Process p = Process.Start(psi)!;
        string output = await p.StandardOutput.ReadToEndAsync() + await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode == 77)
        {
            Tools.Missing("Python module jsonschema not found; install with: apt-get install -y python3-jsonschema");
        }

        return (p.ExitCode, output);
    }

    private static string RepoRoot()
    {
        DirectoryInfo? d = new(TestContext.CurrentContext.TestDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Directory.Packages.props")))
        {
            d = d.Parent;
        }

        return d?.FullName ?? throw new InvalidOperationException("repository root not found above " + TestContext.CurrentContext.TestDirectory);
    }
}
