// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;
using System.Globalization;
using NfvConformance.Gherkin.Bindings.Internal;
using NfvConformance.Gherkin.Bindings;
using NfvConformance.Gherkin.Pickles;

namespace NfvConformance.Benchmarks.GherkinRuntime;

/// <summary>
/// A Stopwatch harness for the work of <see cref="StepMatchingBenchmarks"/> that also reports process CPU time
/// per step, which shared, loaded machines distort less than wall-clock time. Prints wall-clock and CPU
/// microseconds per step (best and median of the rounds) and the regex-only share of the work.
/// </summary>
internal static class StepMatchingThroughput
{
    private const int Warmup = 5;

    public static int Run(int rounds)
    {
        StepMatcher matcher = StepMatchingCorpus.CreateMatcher(500);
        string[] steps = StepMatchingCorpus.CreateSteps(100_000, 500, seed: 8);
        StepBinding[] expected = new StepBinding[steps.Length];
        for (int i = 0; i < steps.Length; i++)
        {
            List<StepMatch> matches = matcher.Match(PickleStepType.Context, steps[i]);
            if (matches.Count != 1)
            {
                throw new InvalidOperationException($"\"{steps[i]}\" matches {matches.Count} bindings; the corpus must match exactly one.");
            }

            expected[i] = matches[0].Binding;
        }

        List<double> wall = [];
        List<double> cpu = [];
        List<double> regexCpu = [];
        using Process process = Process.GetCurrentProcess();
        for (int round = 0; round < rounds + Warmup; round++)
        {
            process.Refresh();
            TimeSpan cpuStart = process.TotalProcessorTime;
            long start = Stopwatch.GetTimestamp();
            int found = 0;
            foreach (string step in steps)
            {
                found += matcher.Match(PickleStepType.Context, step).Count;
            }

            double elapsed = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            process.Refresh();
            double cpuElapsed = (process.TotalProcessorTime - cpuStart).TotalMicroseconds;
            TimeSpan regexStart = process.TotalProcessorTime;
            for (int i = 0; i < steps.Length; i++)
            {
                found += expected[i].Expression.Match(steps[i])!.Length;
            }

            process.Refresh();
            double regexElapsed = (process.TotalProcessorTime - regexStart).TotalMicroseconds;
            if (round >= Warmup && found > 0)
            {
                // Warm-up rounds let tiered compilation reach optimized code (and JIT every compiled regex).
                wall.Add(elapsed / steps.Length);
                cpu.Add(cpuElapsed / steps.Length);
                regexCpu.Add(regexElapsed / steps.Length);
            }
        }

        wall.Sort();
        cpu.Sort();
        regexCpu.Sort();
        CultureInfo c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"step matching: {steps.Length} steps, 500 bindings, {rounds} rounds"));
        Console.WriteLine(string.Create(c, $"wall   best {wall[0]:F3} us/step  median {wall[wall.Count / 2]:F3} us/step"));
        Console.WriteLine(string.Create(c, $"CPU    best {cpu[0]:F3} us/step  median {cpu[cpu.Count / 2]:F3} us/step (process CPU time, GC included)"));
        Console.WriteLine(string.Create(c, $"regex  median {regexCpu[regexCpu.Count / 2]:F3} us/step of CPU for the one matching regex alone"));
        return 0;
    }
}
