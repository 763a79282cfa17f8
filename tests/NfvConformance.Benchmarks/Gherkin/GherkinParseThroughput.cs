// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using NfvConformance.Gherkin.Parsing;
using NfvConformance.Gherkin.Pickles;

namespace NfvConformance.Benchmarks.Gherkin;

/// <summary>
/// A Stopwatch harness for the same work as <see cref="GherkinParseBenchmarks"/>, quicker than BenchmarkDotNet:
/// <c>dotnet run -c Release --project tests/NfvConformance.Benchmarks -- gherkin-throughput [rounds]</c>.
/// Prints MB/s of parse + compile over the best and the median of the rounds.
/// </summary>
internal static class GherkinParseThroughput
{
    private const int Warmup = 10;

    public static int Run(int rounds)
    {
        IReadOnlyList<(string Uri, string Text)> corpus = GherkinCorpus.Generate(files: 1000, stepsPerFile: 20);
        long bytes = corpus.Sum(f => (long)Encoding.UTF8.GetByteCount(f.Text));
        int writtenSteps = corpus.Sum(f => GherkinParser.Parse(f.Text, f.Uri).Feature!.Children
            .Sum(ch => (ch.Background?.Steps.Count ?? 0) + (ch.Scenario?.Steps.Count ?? 0)));

        List<double> seconds = [];
        List<double> cpuSeconds = [];
        int pickleSteps = 0;
        using Process process = Process.GetCurrentProcess();
        for (int round = 0; round < rounds + Warmup; round++)
        {
            process.Refresh();
            TimeSpan cpuStart = process.TotalProcessorTime;
            long start = Stopwatch.GetTimestamp();
            pickleSteps = 0;
            foreach ((string uri, string text) in corpus)
            {
                foreach (Pickle pickle in PickleCompiler.Compile(GherkinParser.Parse(text, uri)))
                {
                    pickleSteps += pickle.Steps.Count;
                }
            }

            double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
            process.Refresh();
            double cpu = (process.TotalProcessorTime - cpuStart).TotalSeconds;
            if (round >= Warmup)
            {
                // Warm-up rounds let tiered compilation reach optimized code; they are not counted.
                seconds.Add(elapsed);
                cpuSeconds.Add(cpu);
            }
        }

        seconds.Sort();
        cpuSeconds.Sort();
        double megabytes = bytes / 1_000_000.0;
        CultureInfo c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"gherkin parse+compile: {corpus.Count} files, {writtenSteps} written steps, {pickleSteps} pickle steps, {megabytes:F2} MB"));
        Console.WriteLine(string.Create(c, $"best   {seconds[0] * 1000:F1} ms  {megabytes / seconds[0]:F1} MB/s"));
        Console.WriteLine(string.Create(c, $"median {seconds[seconds.Count / 2] * 1000:F1} ms  {megabytes / seconds[seconds.Count / 2]:F1} MB/s  ({seconds.Count} rounds)"));
        // The process's CPU time is summed over all counted rounds: Linux reports it in 10 ms ticks.
        double cpuTotal = cpuSeconds.Sum();
        Console.WriteLine(string.Create(c, $"CPU    {cpuTotal / cpuSeconds.Count * 1000:F1} ms  {megabytes * cpuSeconds.Count / cpuTotal:F1} MB/s per CPU-second (process CPU time, GC threads included; less sensitive to other load)"));
        return 0;
    }
}
