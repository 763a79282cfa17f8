// Licensed under the Apache License, Version 2.0.
using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Playwright;
using NfvConformance.Core.Running;
using NfvConformance.Core.Running.Internal;
using NfvConformance.Core.Tests.Running.Bindings;
using NfvConformance.Gherkin.Pickles;
using ReportStatus = NfvConformance.Reports.Model.ScenarioStatus;

namespace NfvConformance.Core.Tests.Running;

/// <summary>
/// <c>nfvc run</c>'s host of Reqnroll's runtime, on pickles, with no generated code: a binding written as Reqnroll's
/// documentation writes it, every outcome with its message, and Reqnroll's own Cucumber messages and HTML report.
/// </summary>
public sealed class ReqnrollSuiteTests
{
    private const string Outcomes = """
        Feature: Outcomes

          Scenario: passes
            Given a step that passes

          Scenario: fails
            Given a step that passes
            When a step that fails
            Then the moon is made of 3 "cheeses"

          Scenario: undefined
            Given a step that passes
            Then the moon is made of 3 "cheeses"

          Scenario: pending
            Given a step that is pending

          Scenario: ambiguous
            Then an ambiguous step 7

          @needs-warp-drive
          Scenario: not applicable before any step
            Given a step that passes

          Scenario: not applicable in a step
            Given a step that finds SR-IOV missing
            And a step that passes
        """;

    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "nfvc-reqnroll-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(_dir, "features"));
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task Run_BindingWrittenAsInReqnrollsDocumentation_PassesUnchanged()
    {
        Write("Books.feature", """
            Feature: Books
              Scenario: prices add up
                Given the first number is 50
                And the following books
                  | Title          | Author       | Price |
                  | Domain Driven  | Eric Evans   | 40    |
                  | Specification  | Gojko Adzic  | 30    |
                When the prices of the books are added to the first number
                Then the result should be 120

              Scenario: a wrong sum fails
                Given the first number is 1
                And the following books
                  | Title | Author | Price |
                  | A     | B      | 2     |
                When the prices of the books are added to the first number
                Then the result should be 4
            """);

        Dictionary<string, ScenarioRecord> results = await RunAsync();

        Assert.That(results["prices add up"].Status, Is.EqualTo(ReportStatus.Passed), results["prices add up"].ErrorMessage);
        Assert.That(results["prices add up"].Steps.Select(s => s.Status), Is.All.EqualTo("passed"));
        Assert.That(results["a wrong sum fails"].Status, Is.EqualTo(ReportStatus.Failed));
        Assert.That(results["a wrong sum fails"].ErrorMessage, Does.Contain("Expected 4 but was 3").And.Contain("Books.feature:17"));
    }

    [Test]
    public async Task Run_EveryOutcome_StatusMessageSnippetAndLocation()
    {
        Write("Outcomes.feature", Outcomes);
        int afterBefore = OutcomeSteps.AfterScenarioCount;

        Dictionary<string, ScenarioRecord> results = await RunAsync();

        Assert.Multiple(() =>
        {
            Assert.That(results["passes"].Status, Is.EqualTo(ReportStatus.Passed));

            ScenarioRecord failed = results["fails"];
            Assert.That(failed.Status, Is.EqualTo(ReportStatus.Failed));
            Assert.That(failed.ErrorMessage, Does.Contain("Step 'When a step that fails'").And.Contain("Outcomes.feature:8").And.Contain("InvalidOperationException: the link is down"));
            Assert.That(failed.Steps.Select(s => s.Status), Is.EqualTo(new[] { "passed", "failed", "undefined" }), "an undefined step after a failure is still reported as undefined");

            ScenarioRecord undefined = results["undefined"];
            Assert.That(undefined.Status, Is.EqualTo(ReportStatus.Undefined));
            Assert.That(undefined.ErrorMessage, Does.Contain("Outcomes.feature:13").And.Contain("no binding matches"));
            Assert.That(undefined.Steps[1].Snippet, Does.Contain("[Then(\"the moon is made of {int} {string}\")]"), "Reqnroll's own snippet");

            Assert.That(results["pending"].Status, Is.EqualTo(ReportStatus.Pending));
            Assert.That(results["pending"].ErrorMessage, Does.Contain("is pending"));

            ScenarioRecord ambiguous = results["ambiguous"];
            Assert.That(ambiguous.Status, Is.EqualTo(ReportStatus.Ambiguous));
            Assert.That(ambiguous.ErrorMessage, Does.Contain("AmbiguousOne (").And.Contain("AmbiguousTwo (").And.Contain("OutcomeSteps.cs:"), "each binding with its file:line");

            ScenarioRecord before = results["not applicable before any step"];
            Assert.That(before.Status, Is.EqualTo(ReportStatus.NotApplicable));
            Assert.That(before.Reason, Is.EqualTo("the lab does not publish warp-drive"));
            Assert.That(before.Steps.Select(s => s.Status), Is.All.EqualTo("skipped"), "decided before any step ran");

            ScenarioRecord during = results["not applicable in a step"];
            Assert.That(during.Status, Is.EqualTo(ReportStatus.NotApplicable));
            Assert.That(during.Reason, Is.EqualTo("SR-IOV is not published"));
            Assert.That(during.Steps.Select(s => s.Status), Is.EqualTo(new[] { "skipped", "skipped" }));
        });
        Assert.That(OutcomeSteps.AfterScenarioCount - afterBefore, Is.EqualTo(7), "after-scenario hooks run for every scenario, whatever its outcome");
    }

    [Test]
    public async Task Run_Interrupted_EveryScenarioStillHasAResult()
    {
        Write("Outcomes.feature", Outcomes);
        using CancellationTokenSource cancel = new();
        await cancel.CancelAsync();

        Dictionary<string, ScenarioRecord> results = await RunAsync(cancellationToken: cancel.Token);

        Assert.That(results, Has.Count.EqualTo(7));
        Assert.That(results.Values.Select(r => r.Status), Is.All.EqualTo(ReportStatus.Skipped));
        Assert.That(results.Values.Select(r => r.Reason), Is.All.Contain("interrupted"));
    }

    [Test]
    public async Task Run_WithFormatters_WritesCucumberMessagesAndAnOfflineCucumberHtmlReport()
    {
        Write("Outcomes.feature", Outcomes);
        string messages = Path.Combine(_dir, "messages.ndjson");
        string html = Path.Combine(_dir, "cucumber.html");

        await RunAsync(messages, html);

        string[] lines = File.ReadAllLines(messages);
        List<JsonElement> envelopes = [.. lines.Select(l => JsonDocument.Parse(l).RootElement)];
        Assert.That(envelopes.Count(e => e.TryGetProperty("pickle", out _)), Is.EqualTo(7));
        Assert.That(envelopes.Count(e => e.TryGetProperty("testCaseFinished", out _)), Is.EqualTo(7));
        Assert.That(envelopes.Single(e => e.TryGetProperty("gherkinDocument", out _)).GetProperty("gherkinDocument").GetProperty("uri").GetString(), Is.EqualTo("Outcomes.feature"));
        string[] statuses = [.. envelopes.Where(e => e.TryGetProperty("testStepFinished", out _)).Select(e => e.GetProperty("testStepFinished").GetProperty("testStepResult").GetProperty("status").GetString()!)];
        Assert.That(statuses, Is.SupersetOf(new[] { "PASSED", "FAILED", "UNDEFINED", "PENDING", "AMBIGUOUS", "SKIPPED" }));
        Assert.That(envelopes.Last().TryGetProperty("testRunFinished", out _), Is.True);

        await AssertOpensOfflineInChromiumAsync(html, ["passes", "not applicable in a step"]);
    }

    /// <summary>
    /// Opens the report in headless Chromium with every background service off and a fresh profile, and asserts the
    /// page makes no request but the file itself and renders the scenarios (the report's script ran from the file).
    /// </summary>
    private static async Task AssertOpensOfflineInChromiumAsync(string html, string[] scenarioNames)
    {
        const string Chromium = "/usr/bin/chromium";
        Tools.RequireFile(Chromium, "apt-get install -y chromium fonts-dejavu-core");

        string profile = Path.Combine(Path.GetTempPath(), "nfvc-chromium-" + Guid.NewGuid().ToString("N"));
        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowserContext browser = await playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        try
        {
            IPage page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();
            ConcurrentQueue<string> requests = new();
            browser.Request += (_, r) => requests.Enqueue(r.Url);
            string url = new Uri(html).AbsoluteUri;
            await page.GotoAsync(url, new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
            foreach (string name in scenarioNames)
            {
                await page.GetByText(name, new PageGetByTextOptions { Exact = true }).First.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
            }

            Assert.That(requests.Where(r => !r.StartsWith("data:", StringComparison.Ordinal) && !r.StartsWith("blob:", StringComparison.Ordinal)), Is.EqualTo(new[] { url }), "the report loads nothing but itself");
        }
        finally
        {
            await browser.CloseAsync();
            Directory.Delete(profile, recursive: true);
        }
    }

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(_dir, "features", name), text);

    private async Task<Dictionary<string, ScenarioRecord>> RunAsync(string? messages = null, string? html = null, CancellationToken cancellationToken = default)
    {
        FeatureSet features = FeatureSet.Load(Path.Combine(_dir, "features"));
        Dictionary<string, FeatureMessages> featureMessages = new(StringComparer.Ordinal);
        foreach (string file in features.Files)
        {
            featureMessages[file] = FeatureMessages.TryLoad(file, features.Relative(file))!;
        }

        Observer observer = new();
        ReqnrollSuite suite = ReqnrollSuite.Create([typeof(ReqnrollSuiteTests).Assembly], messages, html);
        await using (suite.ConfigureAwait(false))
        {
            Assert.That(ReqnrollSuite.BindingErrors([typeof(ReqnrollSuiteTests).Assembly]), Is.Empty);
            await suite.RunAsync(features.Pickles, featureMessages, workers: 2, null, observer, cancellationToken);
        }

        return observer.Results.ToDictionary(r => r.Pickle.Name, StringComparer.Ordinal);
    }

    private sealed class Observer : IScenarioObserver
    {
        public ConcurrentBag<ScenarioRecord> Results { get; } = [];

        public void ScenarioStarted(Pickle pickle)
        {
        }

        public void ScenarioFinished(ScenarioRecord scenario) => Results.Add(scenario);
    }
}
