// Licensed under the Apache License, Version 2.0.
using System.IO.Compression;
using NfvConformance.Reports.Bundle;
using NfvConformance.Reports.Tests.Support;

namespace NfvConformance.Reports.Tests.Bundle;

public sealed class EvidenceBundleTests
{
    private TempDir _dir = null!;
    private string _bundle = null!;

    [SetUp]
    public async Task SetUp()
    {
        _dir = new TempDir();
        string run = Directory.CreateDirectory(_dir.File("run")).FullName;
        await File.WriteAllTextAsync(Path.Combine(run, "summary.json"), "{}");
        Directory.CreateDirectory(Path.Combine(run, "allure-results"));
        await File.WriteAllTextAsync(Path.Combine(run, "allure-results", "a-result.json"), "{\"status\":\"passed\"}");
        Directory.CreateDirectory(_dir.File("features/Discovery"));
        await File.WriteAllTextAsync(_dir.File("features/Discovery/Caps.feature"), "Feature: Caps\n");
        await File.WriteAllTextAsync(_dir.File("targets.yaml"), "profile: basic\n");
        await File.WriteAllTextAsync(_dir.File("trial-1.csv"), "rate,loss\n1,0\n");
        _bundle = Path.Combine(run, EvidenceBundle.FileName);
        await EvidenceBundle.CreateAsync(_bundle, run, new ReportOptions
        {
            FeatureFiles = [_dir.File("features/Discovery/Caps.feature")],
            ConfigurationFiles = [_dir.File("targets.yaml")],
            RawDataFiles = [_dir.File("trial-1.csv")],
        });
    }

    [TearDown]
    public void TearDown() => _dir.Dispose();

    [Test]
    public async Task VerifyAsync_Untouched_IntactWithEveryEntry()
    {
        BundleVerification v = await EvidenceBundle.VerifyAsync(_bundle);

        Assert.That(v.Problems, Is.Empty);
        Assert.That(v.IsIntact, Is.True);
        Assert.That(v.EntriesChecked, Is.EqualTo(5));
        using ZipArchive zip = ZipFile.OpenRead(_bundle);
        Assert.That(zip.Entries.Select(e => e.FullName), Is.EquivalentTo(new[]
        {
            "run/summary.json", "run/allure-results/a-result.json", "config/targets.yaml", "features/Caps.feature", "raw/trial-1.csv", EvidenceBundle.ManifestName,
        }));
    }

    [Test]
    public async Task VerifyAsync_OneByteChanged_ReportsChangedEntry()
    {
        Rewrite(zip =>
        {
            zip.GetEntry("run/summary.json")!.Delete();
            using StreamWriter w = new(zip.CreateEntry("run/summary.json").Open());
            w.Write("{ }");
        });

        BundleVerification v = await EvidenceBundle.VerifyAsync(_bundle);

        Assert.That(v.IsIntact, Is.False);
        Assert.That(v.Problems, Has.One.StartsWith("run/summary.json: changed"));
    }

    [Test]
    public async Task VerifyAsync_EntryAddedAndRemoved_ReportsBoth()
    {
        Rewrite(zip =>
        {
            zip.GetEntry("raw/trial-1.csv")!.Delete();
            using StreamWriter w = new(zip.CreateEntry("raw/extra.csv").Open());
            w.Write("x");
        });

        BundleVerification v = await EvidenceBundle.VerifyAsync(_bundle);

        Assert.That(v.Problems, Has.One.StartsWith("raw/extra.csv: added"));
        Assert.That(v.Problems, Has.One.StartsWith("raw/trial-1.csv: missing"));
    }

    [Test]
    public async Task VerifyAsync_ManifestRewrittenConsistently_DetectedByExpectedDigest()
    {
        string original = (await EvidenceBundle.VerifyAsync(_bundle)).ManifestSha256;
        Rewrite(zip => zip.GetEntry("raw/trial-1.csv")!.Delete());
        Rewrite(zip =>
        {
            ZipArchiveEntry m = zip.GetEntry(EvidenceBundle.ManifestName)!;
            string text;
            using (StreamReader r = new(m.Open()))
            {
                text = r.ReadToEnd();
            }

            m.Delete();
            using StreamWriter w = new(zip.CreateEntry(EvidenceBundle.ManifestName).Open());
            w.Write(string.Concat(text.Split('\n').Where(l => l.Length > 0 && !l.EndsWith("raw/trial-1.csv", StringComparison.Ordinal)).Select(l => l + "\n")));
        });

        BundleVerification self = await EvidenceBundle.VerifyAsync(_bundle);
        BundleVerification pinned = await EvidenceBundle.VerifyAsync(_bundle, original);

        Assert.That(self.IsIntact, Is.True, "a consistent rewrite passes the self-check; the pinned digest is what catches it");
        Assert.That(pinned.IsIntact, Is.False);
        Assert.That(pinned.Problems.Single(), Does.Contain("differs from the expected"));
    }

    [Test]
    public async Task VerifyAsync_NotAZip_NotIntact()
    {
        await File.WriteAllTextAsync(_bundle, "not a zip");

        BundleVerification v = await EvidenceBundle.VerifyAsync(_bundle);

        Assert.That(v.IsIntact, Is.False);
        Assert.That(v.Problems.Single(), Does.Contain("not a readable zip"));
    }

    private void Rewrite(Action<ZipArchive> change)
    {
        using ZipArchive zip = ZipFile.Open(_bundle, ZipArchiveMode.Update);
        change(zip);
    }
}
