// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Core;

/// <summary>Finds the project's own files (features, catalogue, targets) from wherever nfvc runs.</summary>
public static class RepositoryPaths
{
    /// <summary>Walks up from the working directory, then from the tool's own directory, looking for a relative path.</summary>
    /// <param name="relativePath">For example <c>features/requirements/catalog.yaml</c>.</param>
    /// <returns>The full path, or null when not found.</returns>
    public static string? FindUpwards(string relativePath)
    {
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, relativePath);
                if (File.Exists(candidate) || Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
