// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Reports.Exporters;
using NfvConformance.Reports.History;
using NfvConformance.Reports.Model;
using NfvConformance.Reports.Tests.Support;

namespace NfvConformance.Reports.Tests.History;

/// <summary>Runs written before an area was renamed (docs/areas.md) read under its current name.</summary>
public sealed class RenamedAreaTests
{
    private const string OldId = "ContainerNetworking/DualStack.feature:12";
    private const string CurrentId = "ContainerPlatform/DualStack.feature:12";

    private static RunSummary RunWith(string scenarioId) => SampleRuns.Throughput("old-run", SampleRuns.Start, 2e6) with
    {
        Scenarios = [.. SampleRuns.Throughput("old-run", SampleRuns.Start, 2e6).Scenarios.Select(s => s with { Id = scenarioId, FeatureFile = scenarioId.Split(':')[0], Location = scenarioId })],
    };

    [TestCase("ContainerNetworking/DualStack.feature:12", "ContainerPlatform/DualStack.feature:12")]
    [TestCase("features/TenantNetworks/Overlay.feature", "features/TenantNetworking/Overlay.feature")]
    [TestCase("ServiceChaining/ChainPaths.feature:7", "ServiceChaining/ChainPaths.feature:7")]
    [TestCase("ContainerNetworkingExtra/X.feature:1", "ContainerNetworkingExtra/X.feature:1")]
    public void CurrentScenarioPath_OldArea_ReadsUnderItsCurrentName(string old, string current) =>
        Assert.That(AreaNames.CurrentScenarioPath(old), Is.EqualTo(current));

    [Test]
    public async Task ReadAsync_SummaryOfARunBeforeTheRename_ScenariosUnderTheCurrentArea()
    {
        using TempDir dir = new();
        await new SummaryJsonExporter().ExportAsync(RunWith(OldId), dir.Path);

        RunSummary read = await SummaryJsonReader.ReadAsync(dir.File(SummaryJsonExporter.FileName));

        ScenarioSummary s = read.Scenarios.Single();
        Assert.That((s.Id, s.FeatureFile, s.Location), Is.EqualTo((CurrentId, "ContainerPlatform/DualStack.feature", CurrentId)));
    }

    [Test]
    public async Task OpenAsync_HistoryWrittenBeforeTheRename_JoinsTheCurrentSeries()
    {
        using TempDir dir = new();
        string db = dir.File("history.db");
        await using (IRunHistoryStore old = await RunHistoryStore.OpenAsync(db))
        {
            await old.SaveAsync(RunWith(OldId));
        }

        await using IRunHistoryStore store = await RunHistoryStore.OpenAsync(db);
        IReadOnlyList<(SeriesKey Key, string ScenarioName, string Unit, string? Target)> series = await store.ListSeriesAsync();

        Assert.That(series.Select(s => s.Key.ScenarioId).Distinct(), Is.EqualTo(new[] { CurrentId }));
    }
}
