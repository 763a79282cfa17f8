// Licensed under the Apache License, Version 2.0.
using System.Text.RegularExpressions;

namespace NfvConformance.Architecture.Tests;

/// <summary>The README's dependency rules, each as the README states it and as a check over the project graph.</summary>
internal static partial class DependencyRules
{
    private const string Abstractions = "src/NfvConformance.Abstractions";
    private const string Packets = "src/NfvConformance.Packets";
    private const string Cli = "src/NfvConformance.Cli";
    private const string Core = "src/NfvConformance.Core";
    private const string Suites = "suites/NfvConformance.Suites";

    /// <summary>Gets each rule: a phrase the README must hold, and the check that returns every violation.</summary>
    public static IReadOnlyList<(string Readme, Func<ProjectGraph, IEnumerable<string>> Violations)> All { get; } =
    [
        ("`Abstractions` and `Packets` reference nothing.", g =>
            new[] { Abstractions, Packets }.SelectMany(p => g.DirectReferences(p).Select(r => $"{p} references {r}"))),
        ("`emulator/*` references only `Abstractions`, `Packets` and other `emulator/*` projects.", g =>
            g.Projects.Where(IsEmulator).SelectMany(p => g.DirectReferences(p)
                .Where(r => r != Abstractions && r != Packets && !IsEmulator(r))
                .Select(r => $"{p} references {r}"))),
        ("The `src/` libraries never reference `emulator/*`", g =>
            g.Projects.Where(p => p.StartsWith("src/", StringComparison.Ordinal) && p != Cli)
                .SelectMany(p => g.Closure(p).Where(IsEmulator).Select(r => $"{p} reaches {r}"))),
        ("the step bindings (`suites/`) reference no target, not even", g =>
            g.Closure(Suites).Where(r => IsEmulator(r) || IsRealTarget(r)).Select(r => $"{Suites} reaches {r}")),
        ("no other folder of the CLI uses an emulator type", g => CliOutsideComposition(g)),
        ("`reports/` references only `Abstractions`", g =>
            g.Projects.Where(p => p.StartsWith("reports/", StringComparison.Ordinal))
                .SelectMany(p => g.DirectReferences(p).Where(r => r != Abstractions).Select(r => $"{p} references {r}"))),
        ("`Core` does not reference `reports/`", g =>
            g.Closure(Core).Where(r => r.StartsWith("reports/", StringComparison.Ordinal)).Select(r => $"{Core} reaches {r}")),
    ];

    /// <summary>Gets every violation of every rule.</summary>
    public static List<string> Check(ProjectGraph graph) => [.. All.SelectMany(rule => rule.Violations(graph))];

    private static bool IsEmulator(string project) => project.StartsWith("emulator/", StringComparison.Ordinal);

    private static bool IsRealTarget(string project) => project.StartsWith("src/NfvConformance.Lab", StringComparison.Ordinal);

    /// <summary>
    /// The CLI references the emulator as the composition root; only Composition/ may use it. Every emulator project
    /// whose namespace a CLI file uses must also be a direct reference (nothing reached by accident through another).
    /// </summary>
    private static IEnumerable<string> CliOutsideComposition(ProjectGraph graph)
    {
        string root = Path.Combine(ProjectGraph.RepositoryRoot, Cli);
        if (!Directory.Exists(root))
        {
            yield break;
        }

        HashSet<string> direct = [.. graph.DirectReferences(Cli).Where(IsEmulator).Select(p => p["emulator/".Length..])];
        foreach (string file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (relative.StartsWith("obj/", StringComparison.Ordinal) || relative.StartsWith("bin/", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (Match m in EmulatorNamespace().Matches(File.ReadAllText(file)))
            {
                string used = m.Groups[1].Value;
                if (!relative.StartsWith("Composition/", StringComparison.Ordinal))
                {
                    yield return $"{Cli}/{relative} uses {used} outside Composition/";
                }
                else if (!direct.Any(p => used == p || used.StartsWith(p + ".", StringComparison.Ordinal)))
                {
                    yield return $"{Cli}/{relative} uses {used}, which the CLI reaches only transitively";
                }
            }
        }
    }

    [GeneratedRegex(@"\b(NfvConformance\.Emulator(?:\.[A-Za-z]+)*)")]
    private static partial Regex EmulatorNamespace();
}
