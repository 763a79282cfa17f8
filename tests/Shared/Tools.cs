// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Tests.Support;

/// <summary>
/// External tools and privileges the real checks need, linked into every test project from tests/Shared. Locally a
/// missing one skips the test with the reason; under CI=true it fails it, because CI installs every tool and runs as root.
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
