// Licensed under the Apache License, Version 2.0.
using System.Xml.Linq;

namespace NfvConformance.Architecture.Tests;

/// <summary>The projects of the tree and their ProjectReferences, read from the csproj files.</summary>
internal sealed class ProjectGraph
{
    private readonly Dictionary<string, List<string>> _references;

    public ProjectGraph(Dictionary<string, List<string>> references)
    {
        _references = references;
    }

    /// <summary>Gets every project, as its path from the repository root (for example <c>src/NfvConformance.Core</c>).</summary>
    public IEnumerable<string> Projects => _references.Keys;

    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>Reads every production project (src, emulator, suites, reports) of the tree.</summary>
    public static ProjectGraph Load()
    {
        Dictionary<string, List<string>> references = new(StringComparer.Ordinal);
        foreach (string top in new[] { "src", "emulator", "suites", "reports" })
        {
            foreach (string csproj in Directory.EnumerateFiles(Path.Combine(RepositoryRoot, top), "*.csproj", SearchOption.AllDirectories))
            {
                if (csproj.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                {
                    continue;
                }

                string directory = Path.GetDirectoryName(csproj)!;
                references[Relative(directory)] = [.. XDocument.Load(csproj).Descendants("ProjectReference")
                    .Select(r => Relative(Path.GetDirectoryName(Path.GetFullPath(Path.Combine(directory, r.Attribute("Include")!.Value)))!))];
            }
        }

        return new ProjectGraph(references);
    }

    /// <summary>Gets a project's direct references.</summary>
    public IReadOnlyList<string> DirectReferences(string project) => _references.TryGetValue(project, out List<string>? r) ? r : [];

    /// <summary>Gets every project a project reaches, directly or through others.</summary>
    public IReadOnlySet<string> Closure(string project)
    {
        HashSet<string> seen = new(StringComparer.Ordinal);
        Stack<string> todo = new(DirectReferences(project));
        while (todo.Count > 0)
        {
            string next = todo.Pop();
            if (seen.Add(next))
            {
                foreach (string r in DirectReferences(next))
                {
                    todo.Push(r);
                }
            }
        }

        return seen;
    }

    private static string Relative(string path) => Path.GetRelativePath(RepositoryRoot, path).Replace('\\', '/');

    private static string FindRoot()
    {
        DirectoryInfo? dir = new(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NfvConformance.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException($"no NfvConformance.sln above {AppContext.BaseDirectory}");
    }
}
