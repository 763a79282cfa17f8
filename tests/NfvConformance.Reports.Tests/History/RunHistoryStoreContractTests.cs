// Licensed under the Apache License, Version 2.0.
using NfvConformance.Reports.History;
using NfvConformance.Reports.Model;
using NfvConformance.Reports.Tests.Support;

namespace NfvConformance.Reports.Tests.History;

/// <summary>The history contract, run against SQLite and against a real PostgreSQL server.</summary>
public abstract class RunHistoryStoreContractTests
{
    protected abstract Task<string> CreateStoreAsync();

    [Test]
    public async Task SaveAsync_ThreeRuns_ListedNewestFirstWithTotals()
    {
        await using IRunHistoryStore store = await RunHistoryStore.OpenAsync(await CreateStoreAsync());
        for (int i = 0; i < 3; i++)
        {
            await store.SaveAsync(SampleRuns.Throughput($"r{i}", SampleRuns.Start.AddHours(i), 2e6));
        }

        IReadOnlyList<RunRecord> runs = await store.ListRunsAsync(10);

        Assert.That(runs.Select(r => r.Id), Is.EqualTo(new[] { "r2", "r1", "r0" }));
        Assert.That(runs[0].Totals.Passed, Is.EqualTo(1));
        Assert.That(runs[0].Started, Is.EqualTo(SampleRuns.Start.AddHours(2)));
    }

    [Test]
    public async Task SaveAsync_SameRunTwice_Replaced()
    {
        await using IRunHistoryStore store = await RunHistoryStore.OpenAsync(await CreateStoreAsync());
        await store.SaveAsync(SampleRuns.Throughput("r", SampleRuns.Start, 1e6));

        await store.SaveAsync(SampleRuns.Throughput("r", SampleRuns.Start, 3e6));

        Assert.That(await store.ListRunsAsync(10), Has.Count.EqualTo(1));
        IReadOnlyList<TrendPoint> series = await store.GetSeriesAsync(Key(SampleRuns.Throughput("r", SampleRuns.Start, 0)), SampleRuns.Start.AddDays(1), 10);
        Assert.That(series.Single().Value, Is.EqualTo(3e6));
    }

    [Test]
    public async Task AttachTrends_SequenceWithPlantedDrop_FlaggedAsRegression()
    {
        await using IRunHistoryStore store = await RunHistoryStore.OpenAsync(await CreateStoreAsync());
        double[] values = Noisy(seed: 11, n: 12);
        values[^1] *= 0.85;

        MeasurementTrend last = await RunSequenceAsync(store, values);

        Assert.That(last.Verdict, Is.EqualTo(RegressionVerdict.Regression));
        Assert.That(last.History, Has.Count.EqualTo(ReportOptions.DefaultTrendWindow));
        Assert.That(last.Confidence, Is.GreaterThan(0.999));
    }

    [Test]
    public async Task AttachTrends_SequenceWithOrdinaryNoise_NeverFlagged()
    {
        await using IRunHistoryStore store = await RunHistoryStore.OpenAsync(await CreateStoreAsync());
        double[] values = Noisy(seed: 5, n: 16);
        List<RegressionVerdict> verdicts = [];

        for (int i = 0; i < values.Length; i++)
        {
            RunSummary run = await RegressionAnalyzer.AttachTrendsAsync(SampleRuns.Throughput($"n{i:00}", SampleRuns.Start.AddHours(i), values[i]), store, 10, 5);
            verdicts.Add(run.Trends.Single(t => t.Measurement == "ndr_pps").Verdict);
            await store.SaveAsync(run);
        }

        Assert.That(verdicts.Take(5), Is.All.EqualTo(RegressionVerdict.InsufficientHistory));
        Assert.That(verdicts.Skip(5), Is.All.EqualTo(RegressionVerdict.Stable));
    }

    [Test]
    public async Task AttachTrends_OtherTargetFingerprint_NotComparable()
    {
        await using IRunHistoryStore store = await RunHistoryStore.OpenAsync(await CreateStoreAsync());
        for (int i = 0; i < 8; i++)
        {
            await store.SaveAsync(SampleRuns.Throughput($"o{i}", SampleRuns.Start.AddHours(i), 4e6, cpu: "Other CPU"));
        }

        RunSummary run = await RegressionAnalyzer.AttachTrendsAsync(SampleRuns.Throughput("mine", SampleRuns.Start.AddDays(1), 1e6), store, 10, 5);

        Assert.That(run.Trends.Single(t => t.Measurement == "ndr_pps").History, Is.Empty);
        Assert.That(run.Trends.Single(t => t.Measurement == "ndr_pps").Verdict, Is.EqualTo(RegressionVerdict.InsufficientHistory));
    }

    [Test]
    public async Task LatestVerdicts_TwoProfiles_LatestPerProfile()
    {
        await using IRunHistoryStore store = await RunHistoryStore.OpenAsync(await CreateStoreAsync());
        RunSummary hp = SampleRuns.Throughput("hp1", SampleRuns.Start, 1e6, profile: "high-performance");
        await store.SaveAsync(hp with { Scenarios = [hp.Scenarios[0] with { Status = ScenarioStatus.Failed }] });
        await store.SaveAsync(SampleRuns.Throughput("b1", SampleRuns.Start.AddHours(1), 1e6));

        RunSummary current = await RegressionAnalyzer.AttachTrendsAsync(SampleRuns.Throughput("b2", SampleRuns.Start.AddHours(2), 1e6), store, 10, 5);

        Assert.That(current.OtherProfileVerdicts, Is.EqualTo(new Dictionary<string, bool> { ["high-performance"] = false }));
    }

    [Test]
    public async Task AttachTrends_InterruptedPastRun_NotUsedAsComparison()
    {
        await using IRunHistoryStore store = await RunHistoryStore.OpenAsync(await CreateStoreAsync());
        await store.SaveAsync(SampleRuns.Throughput("ok", SampleRuns.Start, 2e6));
        RunSummary cut = SampleRuns.Throughput("cut", SampleRuns.Start.AddHours(1), 0.1e6);
        await store.SaveAsync(cut with { Run = cut.Run with { Interrupted = true } });

        RunSummary run = await RegressionAnalyzer.AttachTrendsAsync(SampleRuns.Throughput("now", SampleRuns.Start.AddHours(2), 2e6), store, 10, 5);

        Assert.That(run.Trends.Single(t => t.Measurement == "ndr_pps").History.Select(p => p.RunId), Is.EqualTo(new[] { "ok" }));
    }

    [Test]
    public async Task HistoryTrends_StoredSequenceWithDropAtEnd_LatestFlaggedFirst()
    {
        await using IRunHistoryStore store = await RunHistoryStore.OpenAsync(await CreateStoreAsync());
        double[] values = Noisy(seed: 2, n: 9);
        values[^1] *= 0.8;
        for (int i = 0; i < values.Length; i++)
        {
            await store.SaveAsync(SampleRuns.Throughput($"h{i}", SampleRuns.Start.AddHours(i), values[i]));
        }

        IReadOnlyList<SeriesTrend> trends = await HistoryTrends.ComputeAsync(store, window: 10, minimumHistory: 5);

        Assert.That(trends, Has.Count.EqualTo(2));
        Assert.That(trends[0].Key.Measurement, Is.EqualTo("ndr_pps"));
        Assert.That(trends[0].LatestRunId, Is.EqualTo("h8"));
        Assert.That(trends[0].Trend.Verdict, Is.EqualTo(RegressionVerdict.Regression));
        Assert.That(trends[0].Trend.History, Has.Count.EqualTo(8));
        Assert.That(trends[1].Trend.Verdict, Is.EqualTo(RegressionVerdict.Stable), "latency_p99_us is constant at 40 us");
    }

    private static async Task<MeasurementTrend> RunSequenceAsync(IRunHistoryStore store, double[] values)
    {
        MeasurementTrend? last = null;
        for (int i = 0; i < values.Length; i++)
        {
            RunSummary run = await RegressionAnalyzer.AttachTrendsAsync(SampleRuns.Throughput($"s{i:00}", SampleRuns.Start.AddHours(i), values[i]), store, ReportOptions.DefaultTrendWindow, 5);
            last = run.Trends.Single(t => t.Measurement == "ndr_pps");
            await store.SaveAsync(run);
        }

        return last!;
    }

    private static SeriesKey Key(RunSummary run) =>
        new(run.Environment!.TargetFingerprint(run.Run.Target), run.Run.Profile, run.Scenarios[0].Id, "ndr_pps");

    private static double[] Noisy(int seed, int n)
    {
        Random rng = new(seed);
        return [.. Enumerable.Range(0, n).Select(_ => 2_000_000 * (1 + (0.02 * Math.Sqrt(-2.0 * Math.Log(1.0 - rng.NextDouble())) * Math.Cos(2.0 * Math.PI * rng.NextDouble()))))];
    }
}

public sealed class SqliteRunHistoryStoreTests : RunHistoryStoreContractTests
{
    private TempDir? _dir;

    [SetUp]
    public void SetUp() => _dir = new TempDir();

    [TearDown]
    public void TearDown() => _dir?.Dispose();

    protected override Task<string> CreateStoreAsync() => Task.FromResult(_dir!.File("history.db"));

    [Test]
    public async Task OpenAsync_Directory_CreatesDefaultFile()
    {
        await using IRunHistoryStore store = await RunHistoryStore.OpenAsync(_dir!.Path);

        Assert.That(store.Description, Is.EqualTo(_dir.File(RunHistoryStore.DefaultFileName)));
        Assert.That(File.Exists(_dir.File(RunHistoryStore.DefaultFileName)), Is.True);
    }
}

[NonParallelizable]
public sealed class PostgresRunHistoryStoreTests : RunHistoryStoreContractTests
{
    private PostgresServer? _server;

    [OneTimeSetUp]
    public async Task StartServer() => _server = await PostgresServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopServer()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    protected override Task<string> CreateStoreAsync() => _server!.CreateDatabaseAsync();

    [Test]
    public void OpenAsync_NothingListening_ConfigurationErrorNamesServer()
    {
        Abstractions.Errors.ConfigurationException? ex = Assert.ThrowsAsync<Abstractions.Errors.ConfigurationException>(
            () => RunHistoryStore.OpenAsync("Host=127.0.0.1;Port=1;Username=postgres;Database=x;Timeout=2"));

        Assert.That(ex!.Message, Does.Contain("postgresql://127.0.0.1:1/x"));
    }
}
