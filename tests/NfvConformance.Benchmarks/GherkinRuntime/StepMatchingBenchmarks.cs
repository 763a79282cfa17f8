// Licensed under the Apache License, Version 2.0.
using BenchmarkDotNet.Attributes;
using NfvConformance.Gherkin.Bindings.Internal;
using NfvConformance.Gherkin.Bindings;
using NfvConformance.Gherkin.Pickles;

namespace NfvConformance.Benchmarks.GherkinRuntime;

/// <summary>
/// Matches 100,000 step texts against 500 bindings (issue 8 goal: at most 2 µs per step). The reported mean is
/// per step (<c>OperationsPerInvoke</c>). Run:
/// <c>dotnet run -c Release --project tests/NfvConformance.Benchmarks -- --filter '*StepMatching*'</c>.
/// Figures: docs/gherkin-runtime.md.
/// </summary>
[MemoryDiagnoser]
public class StepMatchingBenchmarks
{
    private const int Steps = 100_000;
    private StepMatcher _matcher = null!;
    private string[] _steps = [];

    /// <summary>Gets or sets the number of bindings.</summary>
    [Params(500)]
    public int Bindings { get; set; }

    /// <summary>Builds the bindings and the steps, and checks that every step matches exactly one binding.</summary>
    /// <exception cref="InvalidOperationException">A step matches no binding or several.</exception>
    [GlobalSetup]
    public void Setup()
    {
        _matcher = StepMatchingCorpus.CreateMatcher(Bindings);
        _steps = StepMatchingCorpus.CreateSteps(Steps, Bindings, seed: 8);
        foreach (string step in _steps)
        {
            int matches = _matcher.Match(PickleStepType.Context, step).Count;
            if (matches != 1)
            {
                throw new InvalidOperationException($"\"{step}\" matches {matches} bindings; the corpus must match exactly one.");
            }
        }
    }

    /// <summary>Matches every step; the mean is per step.</summary>
    /// <returns>The number of arguments captured (keeps the work observable).</returns>
    [Benchmark(OperationsPerInvoke = Steps)]
    public int MatchStep()
    {
        int arguments = 0;
        foreach (string step in _steps)
        {
            arguments += _matcher.Match(PickleStepType.Context, step)[0].Arguments.Length;
        }

        return arguments;
    }
}
