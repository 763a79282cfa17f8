// Licensed under the Apache License, Version 2.0.
using System.Collections.Concurrent;
using NfvConformance.Gherkin.Bindings;
using NfvConformance.Gherkin.Pickles;
using NfvConformance.Gherkin.Runtime;

namespace NfvConformance.Gherkin.Tests.Runtime;

public sealed class TestRunnerTests
{
    private static async Task<(IReadOnlyList<ScenarioResult> Results, Log Log, TestRunner Runner)> RunAsync(
        Type[] bindings, IReadOnlyList<Pickle> pickles, TestRunOptions? options = null, ITestRunObserver? observer = null, CancellationToken cancellationToken = default)
    {
        BindingRegistry registry = BindingRegistry.BuildFromTypes(bindings);
        Assert.That(registry.Errors, Is.Empty, string.Join(Environment.NewLine, registry.Errors));
        Log log = new();
        options ??= new TestRunOptions();
        Action<ScenarioContainer, Pickle>? configure = options.ConfigureScenario;
        options.ConfigureScenario = (container, pickle) =>
        {
            container.RegisterInstance(log);
            configure?.Invoke(container, pickle);
        };
        TestRunner runner = new(registry, options);
        IReadOnlyList<ScenarioResult> results = await runner.RunAsync(pickles, observer, cancellationToken);
        return (results, log, runner);
    }

    [Test]
    public async Task RunAsync_AllStepsBound_PassesAndConvertsArguments()
    {
        Pickle pickle = TestPickles.Scenario("convert", [],
            TestPickles.Step("Given a port with 4 queues"),
            TestPickles.Step("When the flavor \"m1 large\" is used at 14.5 Mpps"),
            TestPickles.Step("Then the ports are:", TestPickles.Table(["name", "speed"], ["p0", "10"], ["p1", "25"])),
            TestPickles.Step("And the config is:", TestPickles.DocString("{ \"mtu\": 9000 }", "json")));

        (IReadOnlyList<ScenarioResult> results, Log log, _) = await RunAsync([typeof(ConvertingSteps)], [pickle]);

        Assert.Multiple(() =>
        {
            Assert.That(results[0].Status, Is.EqualTo(ScenarioStatus.Passed), results[0].ErrorMessage);
            Assert.That(results[0].Steps.Select(s => s.Status), Has.All.EqualTo(StepStatus.Passed));
            Assert.That(log.Entries, Is.EqualTo(new[] { "queues=4", "flavor=m1 large rate=14.5", "ports=p0:10,p1:25", "doc=json:{ \"mtu\": 9000 }" }));
            Assert.That(results[0].Steps[0].BindingLocation, Does.Contain("ConvertingSteps.Port(Int32)").And.Contain("TestRunnerTests.cs:"));
        });
    }

    [Test]
    public async Task RunAsync_StepThrows_FailsNamingStepAndSkipsTheRest()
    {
        Pickle pickle = TestPickles.Scenario("fail", [], "Given a step that passes", "When a step that throws", "Then a step that passes");

        (IReadOnlyList<ScenarioResult> results, Log log, _) = await RunAsync([typeof(OutcomeSteps)], [pickle]);

        ScenarioResult result = results[0];
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(ScenarioStatus.Failed));
            Assert.That(result.Steps.Select(s => s.Status), Is.EqualTo(new[] { StepStatus.Passed, StepStatus.Failed, StepStatus.Skipped }));
            Assert.That(result.ErrorMessage, Does.Contain("Step 'When a step that throws'").And.Contain("InvalidOperationException: link down"));
            Assert.That(result.Exception, Is.TypeOf<InvalidOperationException>());
            Assert.That(log.Entries, Is.EqualTo(new[] { "passed", "after-scenario Failed link down" }));
        });
    }

    [Test]
    public async Task RunAsync_UndefinedSteps_ReportsEachWithSnippetAndRunsNothingAfter()
    {
        Pickle pickle = TestPickles.Scenario("undefined", [],
            TestPickles.Step("Given a step that passes"),
            TestPickles.Step("When the vnf \"vFW\" sends 64 packets at 1.5 Mpps (burst)"),
            TestPickles.Step("Then a step that passes"),
            TestPickles.Step("Then nobody wrote this", TestPickles.Table(["a"], ["1"])));

        (IReadOnlyList<ScenarioResult> results, _, _) = await RunAsync([typeof(OutcomeSteps)], [pickle]);

        ScenarioResult result = results[0];
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(ScenarioStatus.Undefined));
            Assert.That(result.Steps.Select(s => s.Status), Is.EqualTo(new[] { StepStatus.Passed, StepStatus.Undefined, StepStatus.Skipped, StepStatus.Undefined }));
            Assert.That(result.Steps[1].Snippet, Is.EqualTo(
                "[When(\"the vnf {string} sends {int} packets at {float} Mpps \\\\(burst\\\\)\")]\n" +
                "public void WhenTheVnfSendsPacketsAtMppsBurst(string p0, int p1, float p2)\n" +
                "{\n    throw new PendingStepException();\n}"));
            Assert.That(result.Steps[3].Snippet, Does.Contain("public void ThenNobodyWroteThis(DataTable dataTable)"));
            Assert.That(result.ErrorMessage, Does.Contain("is undefined"));
        });
    }

    [Test]
    public async Task RunAsync_WrongKeyword_UndefinedWithHintNamingTheOtherBinding()
    {
        Pickle pickle = TestPickles.Scenario("hint", [], "When a port with 2 queues");

        (IReadOnlyList<ScenarioResult> results, _, _) = await RunAsync([typeof(ConvertingSteps)], [pickle]);

        Assert.That(results[0].Steps[0].ErrorMessage, Does.Contain("[Given(\"a port with {int} queue(s)\")] ConvertingSteps.Port(Int32)"));
    }

    [Test]
    public async Task RunAsync_AmbiguousStep_NamesEveryMatchingBindingWithFileAndLine()
    {
        Pickle pickle = TestPickles.Scenario("ambiguous", [], "Given the link is up");

        (IReadOnlyList<ScenarioResult> results, _, _) = await RunAsync([typeof(AmbiguousSteps)], [pickle]);

        Assert.Multiple(() =>
        {
            Assert.That(results[0].Status, Is.EqualTo(ScenarioStatus.Ambiguous));
            Assert.That(results[0].ErrorMessage, Does.Contain("matches 2 bindings")
                .And.Match("AmbiguousSteps\\.First\\(\\) at .*TestRunnerTests\\.cs:\\d+")
                .And.Match("AmbiguousSteps\\.Second\\(String\\) at .*TestRunnerTests\\.cs:\\d+"));
        });
    }

    [TestCase("Given a pending step", ScenarioStatus.Pending, StepStatus.Pending, null)]
    [TestCase("Given a skipping step", ScenarioStatus.Skipped, StepStatus.Skipped, "no traffic generator")]
    [TestCase("Given a not applicable step", ScenarioStatus.NotApplicable, StepStatus.Skipped, "SR-IOV is not published")]
    public async Task RunAsync_OutcomeExceptions_SetTheScenarioStatus(string step, ScenarioStatus scenario, StepStatus stepStatus, string? reason)
    {
        Pickle pickle = TestPickles.Scenario("outcome", [], step, "Then a step that passes");

        (IReadOnlyList<ScenarioResult> results, _, _) = await RunAsync([typeof(OutcomeSteps)], [pickle]);

        Assert.Multiple(() =>
        {
            Assert.That(results[0].Status, Is.EqualTo(scenario));
            Assert.That(results[0].Steps.Select(s => s.Status), Is.EqualTo(new[] { stepStatus, StepStatus.Skipped }));
            Assert.That(results[0].Reason, Is.EqualTo(reason));
        });
    }

    [Test]
    public async Task RunAsync_Hooks_RunInOrderScopedByTags()
    {
        Pickle tagged = TestPickles.Scenario("features/A.feature", "A", "tagged", ["@smoke", "@RM:e.cap.001"], TestPickles.Step("Given a step that passes"));
        Pickle plain = TestPickles.Scenario("features/A.feature", "A", "plain", ["@RM:e.cap.001"], TestPickles.Step("Given a step that passes"));
        HookSteps.RunLog.Clear();

        (_, Log log, _) = await RunAsync([typeof(HookSteps), typeof(OutcomeSteps)], [tagged, plain]);

        Assert.Multiple(() =>
        {
            Assert.That(HookSteps.RunLog, Is.EqualTo(new[] { "before-run", "before-feature A @RM:e.cap.001", "after-feature A", "after-run" }));
            Assert.That(log.Entries, Is.EqualTo(new[]
            {
                "before-scenario-1 tagged", "before-scenario-2-smoke", "before-step", "passed", "after-step", "after-scenario Passed",
                "before-scenario-1 plain", "before-step", "passed", "after-step", "after-scenario Passed",
            }));
        });
    }

    [Test]
    public async Task RunAsync_BeforeTestRunFails_FailsEveryScenarioWithoutRunningIt()
    {
        Pickle one = TestPickles.Scenario("one", [], "Given a step that passes");
        Pickle two = TestPickles.Scenario("two", [], "Given a step that passes");

        (IReadOnlyList<ScenarioResult> results, Log log, _) = await RunAsync([typeof(FailingRunHook), typeof(OutcomeSteps)], [one, two]);

        Assert.Multiple(() =>
        {
            Assert.That(results.Select(r => r.Status), Is.EqualTo(new[] { ScenarioStatus.Failed, ScenarioStatus.Failed }));
            Assert.That(results[0].ErrorMessage, Does.Contain("[BeforeTestRun] FailingRunHook.Start()").And.Contain("no lab"));
            Assert.That(log.Entries, Is.Empty);
        });
    }

    [Test]
    public async Task RunAsync_ContextInjection_SharesOneInstancePerScenarioAndDisposesInReverse()
    {
        Pickle first = TestPickles.Scenario("first", [], "Given the context holds 5", "Then the other class sees 5");
        Pickle second = TestPickles.Scenario("second", [], "Then the other class sees 0");
        External external = new();

        (IReadOnlyList<ScenarioResult> results, Log log, _) = await RunAsync(
            [typeof(WriterSteps), typeof(ReaderSteps)], [first, second],
            new TestRunOptions { ConfigureScenario = (c, _) => c.RegisterInstance(external) });

        Assert.Multiple(() =>
        {
            Assert.That(results.Select(r => r.Status), Has.All.EqualTo(ScenarioStatus.Passed), string.Join("; ", results));
            Assert.That(log.Entries.Where(e => e.StartsWith("dispose", StringComparison.Ordinal)), Is.EqualTo(new[]
            {
                "dispose ReaderSteps", "dispose WriterSteps", "dispose SharedContext", "dispose ReaderSteps", "dispose SharedContext",
            }));
            Assert.That(external.Disposed, Is.False);
        });
    }

    [Test]
    public async Task RunAsync_DisposeThrows_FailsTheScenario()
    {
        Pickle pickle = TestPickles.Scenario("dispose", [], "Given a step using a bad context");

        (IReadOnlyList<ScenarioResult> results, _, _) = await RunAsync([typeof(BadDisposeSteps)], [pickle]);

        Assert.Multiple(() =>
        {
            Assert.That(results[0].Status, Is.EqualTo(ScenarioStatus.Failed));
            Assert.That(results[0].ErrorMessage, Does.Contain("Disposing BadContext").And.Contain("leaked port"));
        });
    }

    [Test]
    public async Task RunAsync_CancelledMidRun_SkipsTheRestWithReasonAndReturnsEveryResult()
    {
        using CancellationTokenSource cts = new();
        Pickle first = TestPickles.Scenario("first", [], "Given the run is cancelled", "Then a step that passes");
        Pickle second = TestPickles.Scenario("second", [], "Given a step that passes");
        Pickle third = TestPickles.Scenario("third", [], "Given a step that passes");

        (IReadOnlyList<ScenarioResult> results, Log log, _) = await RunAsync(
            [typeof(OutcomeSteps)], [first, second, third],
            new TestRunOptions { ConfigureScenario = (c, _) => c.RegisterInstance(cts) }, cancellationToken: cts.Token);

        Assert.Multiple(() =>
        {
            Assert.That(results, Has.Count.EqualTo(3));
            Assert.That(results.Select(r => r.Status), Has.All.EqualTo(ScenarioStatus.Skipped));
            Assert.That(results[0].Steps.Select(s => s.Status), Is.EqualTo(new[] { StepStatus.Passed, StepStatus.Skipped }));
            Assert.That(results[0].Reason, Does.Contain("cancelled before Step 'Then a step that passes'"));
            Assert.That(results[1].Reason, Is.EqualTo("The run was cancelled before this scenario started."));
            Assert.That(log.Entries.Count(e => e == "passed"), Is.EqualTo(0));
        });
    }

    [Test]
    public async Task RunAsync_ManualClock_MeasuresStepAndScenarioDurationsOnIt()
    {
        ManualTimeProvider clock = new(new DateTimeOffset(2026, 11, 21, 6, 0, 0, TimeSpan.Zero));
        Pickle pickle = TestPickles.Scenario("clock", [], "Given 5 seconds pass", "Given 2 seconds pass");

        (IReadOnlyList<ScenarioResult> results, _, _) = await RunAsync(
            [typeof(ClockSteps)], [pickle],
            new TestRunOptions { TimeProvider = clock, ConfigureScenario = (c, _) => c.RegisterInstance(clock) });

        Assert.Multiple(() =>
        {
            Assert.That(results[0].Started, Is.EqualTo(clock.Start));
            Assert.That(results[0].Steps.Select(s => s.Duration), Is.EqualTo(new[] { TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2) }));
            Assert.That(results[0].Duration, Is.EqualTo(TimeSpan.FromSeconds(7)));
        });
    }

    [Test]
    public async Task RunAsync_Observer_SeesEveryStartStepAndFinish()
    {
        Pickle pickle = TestPickles.Scenario("observed", [], "Given a step that passes", "Then a step that passes");
        RecordingObserver observer = new();

        (IReadOnlyList<ScenarioResult> results, _, _) = await RunAsync([typeof(OutcomeSteps)], [pickle], observer: observer);

        Assert.That(observer.Events, Is.EqualTo(new[] { "start observed", "step a step that passes Passed", "step a step that passes Passed", "finish observed Passed" }));
        Assert.That(results[0].Status, Is.EqualTo(ScenarioStatus.Passed));
    }

    [Test]
    public async Task RunAsync_TwoWorkers_RunsFeaturesConcurrently()
    {
        Rendezvous rendezvous = new(2);
        Pickle a = TestPickles.Scenario("features/A.feature", "A", "a", [], TestPickles.Step("Given both features are running"));
        Pickle b = TestPickles.Scenario("features/B.feature", "B", "b", [], TestPickles.Step("Given both features are running"));

        (IReadOnlyList<ScenarioResult> results, _, _) = await RunAsync(
            [typeof(ParallelSteps)], [a, b],
            new TestRunOptions { Workers = 2, ConfigureScenario = (c, _) => c.RegisterInstance(rendezvous) });

        Assert.That(results.Select(r => r.Status), Has.All.EqualTo(ScenarioStatus.Passed), string.Join("; ", results));
    }

    [Test]
    public async Task RunAsync_CustomParameterTypeAndTransformations_ConvertArguments()
    {
        Pickle pickle = TestPickles.Scenario("transform", [],
            TestPickles.Step("Given the red link in 3 days"),
            TestPickles.Step("Then the flavors are:", TestPickles.Table(["Name", "VCpus"], ["small", "1"], ["large", "8"])));

        (IReadOnlyList<ScenarioResult> results, Log log, _) = await RunAsync([typeof(TransformSteps)], [pickle]);

        Assert.Multiple(() =>
        {
            Assert.That(results[0].Status, Is.EqualTo(ScenarioStatus.Passed), results[0].ErrorMessage);
            Assert.That(log.Entries, Is.EqualTo(new[] { "color=Red days=3.00:00:00", "flavors=small/1,large/8" }));
        });
    }

    [Test]
    public async Task RunAsync_ArgumentOverflowsItsType_FailsNamingArgumentAndParameter()
    {
        Pickle pickle = TestPickles.Scenario("overflow", [], "Given a port with 99999999999 queues");

        (IReadOnlyList<ScenarioResult> results, _, _) = await RunAsync([typeof(ConvertingSteps)], [pickle]);

        Assert.That(results[0].ErrorMessage, Does.Contain("Argument 1 (\"99999999999\") for parameter 'queues'"));
    }

    [Test]
    public async Task RunAsync_StepHasTableButBindingTakesNone_FailsWithFix()
    {
        Pickle pickle = TestPickles.Scenario("table", [], TestPickles.Step("Given a step that passes", TestPickles.Table(["a"], ["1"])));

        (IReadOnlyList<ScenarioResult> results, _, _) = await RunAsync([typeof(OutcomeSteps)], [pickle]);

        Assert.That(results[0].ErrorMessage, Does.Contain("The step has a data table but OutcomeSteps.Passes() has no parameter for it"));
    }

    [Test]
    public async Task RunAsync_StepMatchesBrokenBinding_FailsWithTheBindingError()
    {
        BindingRegistry registry = BindingRegistry.BuildFromTypes([typeof(BrokenBindingSteps)]);
        Pickle pickle = TestPickles.Scenario("broken", [], "Given a port with 3 queues");

        IReadOnlyList<ScenarioResult> results = await new TestRunner(registry, new TestRunOptions()).RunAsync([pickle], null);

        Assert.Multiple(() =>
        {
            Assert.That(registry.Errors, Has.Count.EqualTo(1));
            Assert.That(results[0].Status, Is.EqualTo(ScenarioStatus.Failed));
            Assert.That(results[0].ErrorMessage, Does.Contain("BrokenBindingSteps.Port()").And.Contain("cannot run"));
        });
    }

    [Test]
    public async Task RunAsync_ScenarioInfo_CarriesTitleTagsAndRequirementUids()
    {
        Pickle pickle = TestPickles.Scenario("info", ["@req:NFV-12", "@RA2:ch.003", "@smoke", "@RM:e.cap.001"], "Given the scenario info is recorded");

        (IReadOnlyList<ScenarioResult> results, Log log, _) = await RunAsync([typeof(InfoSteps)], [pickle]);

        Assert.That(log.Entries, Is.EqualTo(new[] { "info|@req:NFV-12,@RA2:ch.003,@smoke,@RM:e.cap.001|NFV-12,RA2:ch.003,RM:e.cap.001|Test feature|features/Test.feature" }));
        Assert.That(results[0].Status, Is.EqualTo(ScenarioStatus.Passed));
    }

    [Test]
    public async Task RunAsync_StepWithTrailingCancellationToken_ReceivesTheRunsToken()
    {
        using CancellationTokenSource cts = new();
        Pickle pickle = TestPickles.Scenario("token", [], TestPickles.Step("Given 3 probes run:", TestPickles.Table(["probe"], ["icmp"])));

        (IReadOnlyList<ScenarioResult> results, Log log, _) = await RunAsync(
            [typeof(TokenSteps)], [pickle],
            new TestRunOptions { ConfigureScenario = (c, _) => c.RegisterInstance(cts) }, cancellationToken: cts.Token);

        Assert.Multiple(() =>
        {
            Assert.That(results[0].Status, Is.EqualTo(ScenarioStatus.Passed), results[0].ErrorMessage);
            Assert.That(log.Entries, Is.EqualTo(new[] { "probes=3 rows=1 same-token=True" }));
        });
    }

    [Test]
    public async Task RunAsync_CancelledBeforeStart_SkipsEveryScenarioWithoutFeatureHooks()
    {
        using CancellationTokenSource cts = new();
        await cts.CancelAsync();
        FeatureHookSteps.Calls.Clear();
        Pickle a = TestPickles.Scenario("features/A.feature", "A", "a", [], TestPickles.Step("Given a feature step"));
        Pickle b = TestPickles.Scenario("features/B.feature", "B", "b", [], TestPickles.Step("Given a feature step"));

        (IReadOnlyList<ScenarioResult> results, _, _) = await RunAsync([typeof(FeatureHookSteps)], [a, b], cancellationToken: cts.Token);

        Assert.Multiple(() =>
        {
            Assert.That(results.Select(r => r.Status), Is.EqualTo(new[] { ScenarioStatus.Skipped, ScenarioStatus.Skipped }));
            Assert.That(results.Select(r => r.Steps[0].Status), Has.All.EqualTo(StepStatus.Skipped));
            Assert.That(FeatureHookSteps.Calls, Is.Empty);
        });
    }

    internal static class FeatureHookSteps
    {
        public static ConcurrentQueue<string> Calls { get; } = new();

        [BeforeFeature]
        public static void Before(FeatureInfo feature) => Calls.Enqueue("before " + feature.Name);

        [AfterFeature]
        public static void After(FeatureInfo feature) => Calls.Enqueue("after " + feature.Name);

        [Given("a feature step")]
        public static void Step() => Calls.Enqueue("step");
    }

    internal sealed class TokenSteps(Log log, CancellationTokenSource source)
    {
        [Given("{int} probes run:")]
        public async Task ProbesAsync(int probes, DataTable table, CancellationToken cancellationToken)
        {
            await Task.Delay(0, cancellationToken);
            log.Add($"probes={probes} rows={table.RowCount} same-token={cancellationToken == source.Token}");
        }
    }

    internal sealed class Log
    {
        private readonly ConcurrentQueue<string> _entries = new();

        public IReadOnlyList<string> Entries => [.. _entries];

        public void Add(string entry) => _entries.Enqueue(entry);
    }

    internal sealed record Port(string Name, int Speed);

    internal sealed class ConvertingSteps(Log log)
    {
        [Given("a port with {int} queue(s)")]
        public void Port(int queues) => log.Add($"queues={queues}");

        [When("the flavor {string} is used at {double} Mpps")]
        public async Task FlavorAsync(string flavor, decimal rate)
        {
            await Task.Yield();
            log.Add(FormattableString.Invariant($"flavor={flavor} rate={rate}"));
        }

        [Then("the ports are:")]
        public void Ports(DataTable table) =>
            log.Add("ports=" + string.Join(",", table.CreateSet<Port>().Select(p => $"{p.Name}:{p.Speed}")));

        [Then("the config is:")]
        public ValueTask Config(PickleDocString doc)
        {
            log.Add($"doc={doc.MediaType}:{doc.Content}");
            return ValueTask.CompletedTask;
        }
    }

    internal sealed class OutcomeSteps(Log log, ScenarioContainer container)
    {
        [StepDefinition("a step that passes")]
        public void Passes() => log.Add("passed");

        [When("a step that throws")]
        public void Throws() => throw new InvalidOperationException("link down");

        [Given("a pending step")]
        public void Pending() => throw new PendingStepException();

        [Given("a skipping step")]
        public void Skipping() => throw new ScenarioSkippedException("no traffic generator");

        [Given("a not applicable step")]
        public void NotApplicable() => throw new ScenarioNotApplicableException("SR-IOV is not published");

        [Given("the run is cancelled")]
        public async Task CancelAsync() => await container.Resolve<CancellationTokenSource>().CancelAsync();

        [AfterScenario]
        public void After(ScenarioInfo info) => log.Add($"after-scenario {info.Status}" + (info.Error is null ? string.Empty : " " + info.Error.Message));
    }

    internal sealed class AmbiguousSteps
    {
        [Given("the link is up")]
        public void First()
        {
        }

        [Given("the link is {word}")]
        public void Second(string state) => _ = state;
    }

    internal sealed class HookSteps(Log log)
    {
        public static ConcurrentQueue<string> RunLog { get; } = new();

        [BeforeTestRun]
        public static void BeforeRun() => RunLog.Enqueue("before-run");

        [AfterTestRun]
        public static void AfterRun() => RunLog.Enqueue("after-run");

        [BeforeFeature("@RM:e.cap.001")]
        public static void BeforeFeature(FeatureInfo feature) => RunLog.Enqueue($"before-feature {feature.Name} {string.Join(",", feature.Tags)}");

        [BeforeFeature("@smoke")]
        public static void NotForThisFeature() => RunLog.Enqueue("wrong feature hook");

        [AfterFeature]
        public static Task AfterFeatureAsync(FeatureInfo feature)
        {
            RunLog.Enqueue($"after-feature {feature.Name}");
            return Task.CompletedTask;
        }

        [BeforeScenario("smoke", Order = 2)]
        public void SmokeOnly() => log.Add("before-scenario-2-smoke");

        [BeforeScenario(Order = 1)]
        public void First(ScenarioInfo info) => log.Add($"before-scenario-1 {info.Title}");

        [BeforeStep("@smoke or @RM:e.cap.001")]
        public void BeforeStep() => log.Add("before-step");

        [AfterStep]
        public void AfterStep() => log.Add("after-step");
    }

    internal static class FailingRunHook
    {
        [BeforeTestRun]
        public static void Start() => throw new InvalidOperationException("no lab");
    }

    internal sealed class External : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }

    internal sealed class SharedContext(Log log) : IDisposable
    {
        public int Value { get; set; }

        public void Dispose() => log.Add("dispose SharedContext");
    }

    internal sealed class WriterSteps(SharedContext context, Log log, External external) : IAsyncDisposable
    {
        [Given("the context holds {int}")]
        public void Hold(int value)
        {
            _ = external;
            context.Value = value;
        }

        public ValueTask DisposeAsync()
        {
            log.Add("dispose WriterSteps");
            return ValueTask.CompletedTask;
        }
    }

    internal sealed class ReaderSteps(SharedContext context, Log log) : IDisposable
    {
        [Then("the other class sees {int}")]
        public void Sees(int value)
        {
            if (context.Value != value)
            {
                throw new InvalidOperationException($"context holds {context.Value}, expected {value}");
            }
        }

        public void Dispose() => log.Add("dispose ReaderSteps");
    }

    internal sealed class BadContext : IDisposable
    {
        public void Dispose() => throw new InvalidOperationException("leaked port");
    }

    internal sealed class BadDisposeSteps(BadContext context)
    {
        [Given("a step using a bad context")]
        public void Use() => _ = context;
    }

    internal sealed class ClockSteps(ManualTimeProvider clock)
    {
        [Given("{int} seconds pass")]
        public void Pass(int seconds) => clock.Advance(TimeSpan.FromSeconds(seconds));
    }

    internal sealed class RecordingObserver : ITestRunObserver
    {
        private readonly ConcurrentQueue<string> _events = new();

        public IReadOnlyList<string> Events => [.. _events];

        public void ScenarioStarted(Pickle pickle) => _events.Enqueue($"start {pickle.Name}");

        public void StepFinished(Pickle pickle, StepResult result) => _events.Enqueue($"step {result.Step.Text} {result.Status}");

        public void ScenarioFinished(ScenarioResult result) => _events.Enqueue($"finish {result.Pickle.Name} {result.Status}");
    }

    internal sealed class Rendezvous(int parties)
    {
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;

        public Task ArriveAsync(CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _arrived) == parties)
            {
                _all.TrySetResult();
            }

            return _all.Task.WaitAsync(cancellationToken);
        }
    }

    internal sealed class ParallelSteps(Rendezvous rendezvous)
    {
        [Given("both features are running")]
        public async Task BothAsync()
        {
            // A guard against a hang if the features ran one after the other; not a timing measurement.
            using CancellationTokenSource guard = new(TimeSpan.FromSeconds(20));
            await rendezvous.ArriveAsync(guard.Token);
        }
    }

    internal enum Color
    {
        Red,
        Green,
    }

    internal sealed record Flavor(string Name, int VCpus);

    internal sealed class TransformSteps(Log log)
    {
        [StepArgumentTransformation("(red|green)")]
        public static Color ToColor(string name) => Enum.Parse<Color>(name, ignoreCase: true);

        [StepArgumentTransformation(@"in (\d+) days?", Name = "delay")]
        public TimeSpan InDays(int days) => TimeSpan.FromDays(days);

        [StepArgumentTransformation]
        public IReadOnlyList<Flavor> Flavors(DataTable table) => table.CreateSet<Flavor>();

        [Given("the {Color} link {delay}")]
        public void Link(Color color, TimeSpan delay) => log.Add(FormattableString.Invariant($"color={color} days={delay}"));

        [Then("the flavors are:")]
        public void FlavorsAre(IReadOnlyList<Flavor> flavors) => log.Add("flavors=" + string.Join(",", flavors.Select(f => $"{f.Name}/{f.VCpus}")));
    }

    internal sealed class BrokenBindingSteps
    {
        [Given("a port with {int} queues")]
        public void Port()
        {
        }
    }

    internal sealed class InfoSteps(ScenarioInfo info, Log log)
    {
        [Given("the scenario info is recorded")]
        public void Record() =>
            log.Add($"{info.Title}|{string.Join(",", info.Tags)}|{string.Join(",", info.RequirementUids)}|{info.FeatureName}|{info.Uri}");
    }
}
