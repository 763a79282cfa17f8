// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Reports.Tests.Support;

/// <summary>
/// External tools the real checks need. Locally a missing tool skips the test with the reason; under CI=true it
/// fails it, because CI installs every tool.
/// </summary>
internal static class Tools
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string RequireFile(string path, string install)
    {
        if (!File.Exists(path))
        {
            Missing($"{path} not found; install with: {install}");
        }

        return path;
    }

    public static string RequireOnPath(string name, string install)
    {
        string? found = Find(name);
        if (found is null)
        {
            Missing($"'{name}' not found on PATH; install with: {install}");
        }

        return found!;
    }

    public static string? Find(string name)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public static void Missing(string reason)
    {
        if (InCi)
        {
            Assert.Fail("CI=true and a required tool is missing: " + reason);
        }

        Assert.Ignore(reason);
    }
}

/// <summary>A temporary folder removed at dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "nfvc-reports-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
