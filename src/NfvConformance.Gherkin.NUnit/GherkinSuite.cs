// Licensed under the Apache License, Version 2.0.
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using NfvConformance.Gherkin.Bindings;
using NfvConformance.Gherkin.Parsing;
using NfvConformance.Gherkin.Pickles;
using NfvConformance.Gherkin.Runtime;
using NfvConformance.Gherkin.TagExpressions;
using NUnit.Framework;

namespace NfvConformance.Gherkin.NUnit;

/// <summary>
/// The features, bindings and run state of one <see cref="GherkinTestFixture"/> type: built once (the test
/// builder and the test methods share it), run one scenario per NUnit test case.
/// </summary>
internal sealed class GherkinSuite
{
    private static readonly ConcurrentDictionary<Type, Lazy<GherkinSuite>> s_suites = new();

    private readonly BindingRegistry _registry;
    private readonly TestRunOptions _runOptions;
    private readonly Dictionary<string, List<Pickle>> _featurePickles;
    private readonly Lock _lock = new();
    private RunState _run;

    private GherkinSuite(BindingRegistry registry, TestRunOptions runOptions, IReadOnlyList<GherkinScenario> scenarios, IReadOnlyList<(string, string)> problems, Dictionary<string, List<Pickle>> featurePickles)
    {
        _registry = registry;
        _runOptions = runOptions;
        Scenarios = scenarios;
        Problems = problems;
        _featurePickles = featurePickles;
        _run = new RunState(new TestRunner(registry, runOptions));
    }

    public IReadOnlyList<GherkinScenario> Scenarios { get; }

    /// <summary>Gets set-up problems (parse errors, binding errors), each shown as a not-runnable test case.</summary>
    public IReadOnlyList<(string Name, string Message)> Problems { get; }

    public static GherkinSuite For(Type fixtureType) =>
        s_suites.GetOrAdd(fixtureType, t => new Lazy<GherkinSuite>(() => Create(t))).Value;

    private static GherkinSuite Create(Type fixtureType)
    {
        GherkinTestFixture fixture = (GherkinTestFixture)Activator.CreateInstance(fixtureType)!;
        GherkinSuiteOptions options = fixture.GetOptions();
        string baseDirectory = Path.GetDirectoryName(fixtureType.Assembly.Location) ?? AppContext.BaseDirectory;
        List<(string, string)> problems = [];
        TagExpression filter = TagExpression.Always;
        if (options.Tags is { } tags)
        {
            try
            {
                filter = TagExpression.Parse(tags);
            }
            catch (Abstractions.Errors.ConfigurationException ex)
            {
                problems.Add(("Tag filter", $"{fixtureType.Name}: GherkinSuiteOptions.Tags: {ex.Message}"));
            }
        }

        List<Pickle> pickles = [];
        foreach (string file in FindFeatureFiles(options.FeaturePaths, baseDirectory, fixtureType, problems))
        {
            string uri = Path.GetRelativePath(baseDirectory, file).Replace('\\', '/');
            GherkinDocument? document = GherkinParser.TryParse(File.ReadAllText(file), uri, out IReadOnlyList<GherkinError> errors);
            if (document is null)
            {
                problems.Add(($"{uri} [parse errors]", string.Join(Environment.NewLine, errors)));
                continue;
            }

            pickles.AddRange(PickleCompiler.Compile(document));
        }

        BindingRegistry registry = BindingRegistry.Build(options.BindingAssemblies);
        if (registry.Errors.Count > 0)
        {
            problems.Add(("Binding errors", string.Join(Environment.NewLine, registry.Errors)));
        }

        Dictionary<string, List<Pickle>> byFeature = new(StringComparer.Ordinal);
        foreach (Pickle pickle in pickles)
        {
            if (!byFeature.TryGetValue(pickle.Uri, out List<Pickle>? list))
            {
                byFeature[pickle.Uri] = list = [];
            }

            list.Add(pickle);
        }

        List<Pickle> selected = pickles.Where(p => filter.Evaluate(p.Tags.Select(t => t.Name))).ToList();
        Dictionary<string, int> nameCounts = selected.GroupBy(BaseName, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        List<GherkinScenario> scenarios = selected
            .Select(p => new GherkinScenario(p, nameCounts[BaseName(p)] > 1 ? $"{BaseName(p)} [line {p.Location.Line.ToString(CultureInfo.InvariantCulture)}]" : BaseName(p)))
            .ToList();
        TestRunOptions runOptions = new() { ConfigureScenario = options.ConfigureScenario, TimeProvider = options.TimeProvider };
        return new GherkinSuite(registry, runOptions, scenarios, problems, byFeature);
    }

    private static string BaseName(Pickle pickle) => $"{pickle.FeatureName}/{pickle.Name}";

    private static IEnumerable<string> FindFeatureFiles(IReadOnlyList<string> paths, string baseDirectory, Type fixtureType, List<(string, string)> problems)
    {
        List<string> files = [];
        foreach (string path in paths)
        {
            string full = Path.IsPathRooted(path) ? path : Path.Combine(baseDirectory, path);
            if (File.Exists(full))
            {
                files.Add(full);
            }
            else if (Directory.Exists(full))
            {
                string[] found = Directory.GetFiles(full, "*.feature", SearchOption.AllDirectories);
                Array.Sort(found, StringComparer.Ordinal);
                files.AddRange(found);
            }
            else
            {
                problems.Add(($"Missing features: {path}", $"{fixtureType.Name}: feature path \"{path}\" ({full}) does not exist; copy the features to the output directory (<None Include=\"features/**\" CopyToOutputDirectory=\"PreserveNewest\" />) or fix the path."));
            }
        }

        return files.Distinct(StringComparer.Ordinal);
    }

    public async Task RunAsync(GherkinScenario scenario, Action<ScenarioContainer, Pickle> configure)
    {
        RunState run;
        Task<Exception?> runSetup;
        Task<Exception?> featureSetup;
        lock (_lock)
        {
            run = _run;
            runSetup = run.Setup ??= run.Runner.BeforeRunAsync(CancellationToken.None);
            if (!run.Features.TryGetValue(scenario.Pickle.Uri, out (TestRunner.FeatureRun Feature, Task<Exception?> Setup) feature))
            {
                TestRunner.FeatureRun featureRun = TestRunner.CreateFeature(_featurePickles[scenario.Pickle.Uri]);
                feature = (featureRun, StartFeatureAsync(run.Runner, runSetup, featureRun));
                run.Features.Add(scenario.Pickle.Uri, feature);
            }

            featureSetup = feature.Setup;
        }

        Exception? setupError = await runSetup.ConfigureAwait(false) ?? await featureSetup.ConfigureAwait(false);
        ScenarioResult result = await run.Runner.RunScenarioAsync(scenario.Pickle, setupError, null, TestContext.CurrentContext.CancellationToken, configure).ConfigureAwait(false);
        Report(result);
    }

    private static async Task<Exception?> StartFeatureAsync(TestRunner runner, Task<Exception?> runSetup, TestRunner.FeatureRun feature)
    {
        if (await runSetup.ConfigureAwait(false) is not null)
        {
            return null;
        }

        return await runner.BeforeFeatureAsync(feature, CancellationToken.None).ConfigureAwait(false);
    }

    public async Task FinishAsync()
    {
        RunState run;
        lock (_lock)
        {
            run = _run;
            _run = new RunState(new TestRunner(_registry, _runOptions));
        }

        if (run.Setup is null)
        {
            return;
        }

        foreach ((TestRunner.FeatureRun feature, Task<Exception?> setup) in run.Features.Values)
        {
            await setup.ConfigureAwait(false);
            await run.Runner.AfterFeatureAsync(feature).ConfigureAwait(false);
        }

        await run.Runner.AfterRunAsync().ConfigureAwait(false);
        if (run.Runner.RunErrors.Count > 0)
        {
            Assert.Fail(string.Join(Environment.NewLine, run.Runner.RunErrors));
        }
    }

    private static void Report(ScenarioResult result)
    {
        StringBuilder log = new();
        log.Append(CultureInfo.InvariantCulture, $"{result.Pickle.Uri}:{result.Pickle.Location.Line} {result.Pickle.FeatureName}/{result.Pickle.Name}").AppendLine();
        foreach (StepResult step in result.Steps)
        {
            log.Append(CultureInfo.InvariantCulture, $"  {step.Status,-9} {step.Step.Keyword}{step.Step.Text}");
            log.Append(step.Duration > TimeSpan.Zero ? string.Create(CultureInfo.InvariantCulture, $" ({step.Duration.TotalMilliseconds:0.###} ms)") : string.Empty).AppendLine();
        }

        TestContext.Out.Write(log.ToString());
        switch (result.Status)
        {
            case ScenarioStatus.Passed:
                return;
            case ScenarioStatus.Failed or ScenarioStatus.Ambiguous:
                if (result.Exception is { } exception)
                {
                    TestContext.Out.WriteLine(exception.ToString());
                }

                Assert.Fail(result.ErrorMessage ?? $"Scenario {result.Status}.");
                break;
            case ScenarioStatus.Undefined:
                Assert.Inconclusive(result.ErrorMessage + Environment.NewLine + string.Join(Environment.NewLine + Environment.NewLine, result.Steps.Where(s => s.Snippet is not null).Select(s => s.Snippet).Distinct(StringComparer.Ordinal)));
                break;
            case ScenarioStatus.Pending:
                Assert.Inconclusive(result.ErrorMessage ?? "Pending.");
                break;
            case ScenarioStatus.NotApplicable:
                Assert.Ignore("Not applicable: " + result.Reason);
                break;
            default:
                Assert.Ignore("Skipped: " + result.Reason);
                break;
        }
    }

    private sealed class RunState(TestRunner runner)
    {
        public TestRunner Runner { get; } = runner;

        public Task<Exception?>? Setup { get; set; }

        public Dictionary<string, (TestRunner.FeatureRun Feature, Task<Exception?> Setup)> Features { get; } = new(StringComparer.Ordinal);
    }
}
