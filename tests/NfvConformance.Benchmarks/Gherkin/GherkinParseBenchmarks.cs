// Licensed under the Apache License, Version 2.0.
using System.Text;
using BenchmarkDotNet.Attributes;
using NfvConformance.Gherkin.Parsing;
using NfvConformance.Gherkin.Pickles;

namespace NfvConformance.Benchmarks.Gherkin;

/// <summary>
/// Parses and compiles 1,000 generated feature files (20,000 written steps). Goal (issue 8): at least 50 MB/s.
/// Run: <c>dotnet run -c Release --project tests/NfvConformance.Benchmarks -- --filter '*GherkinParse*'</c>;
/// MB/s = corpus bytes / mean (the corpus size is printed at set-up). Figures: docs/gherkin.md.
/// </summary>
[MemoryDiagnoser]
public class GherkinParseBenchmarks
{
    private IReadOnlyList<(string Uri, string Text)> _corpus = [];

    /// <summary>Generates the corpus once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _corpus = GherkinCorpus.Generate(files: 1000, stepsPerFile: 20);
        long bytes = _corpus.Sum(f => (long)Encoding.UTF8.GetByteCount(f.Text));
        Console.WriteLine($"// Gherkin corpus: {_corpus.Count} files, {bytes} bytes UTF-8");
    }

    /// <summary>Parse only.</summary>
    /// <returns>The number of documents with a feature (keeps the work observable).</returns>
    [Benchmark]
    public int Parse()
    {
        int features = 0;
        foreach ((string uri, string text) in _corpus)
        {
            features += GherkinParser.Parse(text, uri).Feature is null ? 0 : 1;
        }

        return features;
    }

    /// <summary>Parse and compile to pickles.</summary>
    /// <returns>The number of pickle steps.</returns>
    [Benchmark(Baseline = true)]
    public int ParseAndCompile()
    {
        int steps = 0;
        foreach ((string uri, string text) in _corpus)
        {
            foreach (Pickle pickle in PickleCompiler.Compile(GherkinParser.Parse(text, uri)))
            {
                steps += pickle.Steps.Count;
            }
        }

        return steps;
    }
}
