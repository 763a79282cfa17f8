// Licensed under the Apache License, Version 2.0.
using Microsoft.Playwright;
using NfvConformance.Reports.Exporters;
using NfvConformance.Reports.History;
using NfvConformance.Reports.Model;
using NfvConformance.Reports.Tests.Support;

namespace NfvConformance.Reports.Tests.Exporters;

/// <summary>report.html in a real headless Chromium: verdict visible, charts drawn, no external request, escaped text, phone width, PDF.</summary>
[NonParallelizable]
public sealed class HtmlReportBrowserTests
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private TempDir _dir = null!;
    private string _report = null!;

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        _dir = new TempDir();
        RunSummary run = WithTrend(SampleRuns.Mixed());
        await new HtmlReportExporter().ExportAsync(run, _dir.Path);
        _report = _dir.File(HtmlReportExporter.FileName);
        (_playwright, _browser) = await Browser.LaunchAsync();
    }

    [OneTimeTearDown]
    public async Task OneTimeTearDown()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        _dir.Dispose();
    }

    [Test]
    public async Task Report_OpenedInChromium_VerdictVisibleAndNoExternalRequest()
    {
        IPage page = await _browser!.NewPageAsync();
        List<string> requests = [];
        List<string> dialogs = [];
        page.Request += (_, r) => requests.Add(r.Url);
        page.Dialog += (_, d) =>
        {
            dialogs.Add(d.Message);
            _ = d.DismissAsync();
        };

        await page.GotoAsync(new Uri(_report).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });

        Assert.That(await page.Locator("#verdict .verdict").First.InnerTextAsync(), Is.EqualTo("basic: FAILED"));
        Assert.That(await page.Locator("#verdict").IsVisibleAsync(), Is.True);
        Assert.That(requests, Is.EqualTo(new[] { new Uri(_report).AbsoluteUri }), "only the report itself is loaded");
        Assert.That(dialogs, Is.Empty, "no script ran");
        Assert.That(await page.Locator("body").InnerTextAsync(), Does.Contain(SampleRuns.Hostile), "the hostile name is shown as text");
        Assert.That(await page.Locator("script").CountAsync(), Is.Zero);
    }

    [Test]
    public async Task Report_Charts_RenderedAndNotBlank()
    {
        IPage page = await _browser!.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1100, Height = 900 } });
        await page.GotoAsync(new Uri(_report).AbsoluteUri);
        ILocator charts = page.Locator("svg.chart");

        int count = await charts.CountAsync();

        Assert.That(count, Is.EqualTo(5), "throughput, latency percentiles, latency CDF, search trace, trend");
        for (int i = 0; i < count; i++)
        {
            ILocator chart = charts.Nth(i);
            LocatorBoundingBoxResult? box = await chart.BoundingBoxAsync();
            Assert.That(box!.Width, Is.GreaterThan(200));
            Assert.That(box.Height, Is.GreaterThan(100));
            int ink = await Browser.CountInkPixelsAsync(_browser, await chart.ScreenshotAsync());
            Assert.That(ink, Is.GreaterThan(500), $"chart {i} ({await chart.GetAttributeAsync("aria-label")}) looks blank");
        }

        string trend = await page.Locator(".trend").First.InnerTextAsync();
        Assert.That(trend, Does.Contain("regression").And.Contain("confidence 100.00%").And.Contain("8 past runs"), "the verdict sits beside the trend chart");
    }

    [Test]
    public async Task Report_PhoneViewport_NoPageLevelHorizontalScroll()
    {
        IPage page = await _browser!.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 375, Height = 812 }, IsMobile = true });
        await page.GotoAsync(new Uri(_report).AbsoluteUri);

        int scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");

        Assert.That(scrollWidth, Is.LessThanOrEqualTo(376));
        Assert.That(await page.Locator("#verdict").IsVisibleAsync(), Is.True);
    }

    [Test]
    public async Task PrintAsync_Chromium_WritesPdf()
    {
        Tools.RequireFile(Browser.ChromiumPath, "apt-get install -y chromium fonts-dejavu-core");
        string pdf = _dir.File("report.pdf");

        PdfResult result = await PdfPrinter.PrintAsync(_report, pdf, Browser.ChromiumPath);

        Assert.That(result.Printed, Is.True, result.Message);
        byte[] head = (await File.ReadAllBytesAsync(pdf))[..5];
        Assert.That(System.Text.Encoding.ASCII.GetString(head), Is.EqualTo("%PDF-"));
        Assert.That(new FileInfo(pdf).Length, Is.GreaterThan(10_000));
    }

    [Test]
    public async Task PrintAsync_NoChromium_ValueSaysHowToInstall()
    {
        PdfResult result = await PdfPrinter.PrintAsync(_report, _dir.File("x.pdf"), chromium: "/nonexistent/chromium");

        Assert.That(result.Printed, Is.False);
        Assert.That(result.Message, Does.Contain("apt-get install -y chromium"));
    }

    private static RunSummary WithTrend(RunSummary run)
    {
        double[] past = [2.00e6, 2.03e6, 1.98e6, 2.01e6, 1.99e6, 2.02e6, 2.00e6, 1.97e6];
        MeasurementTrend t = RegressionAnalyzer.Evaluate(past, 1.2e6, MeasurementDirection.HigherIsBetter) with
        {
            ScenarioId = "Perf/Throughput.feature:8",
            ScenarioName = "NDR at 64 bytes",
            Measurement = "ndr_pps",
            Unit = "pps",
            History = [.. past.Select((v, i) => new TrendPoint($"r{i}", SampleRuns.Start.AddDays(i - 8), v))],
        };
        return run with { Trends = [t] };
    }
}
