// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;

namespace NfvConformance.Trex.Tests;

/// <summary>The real TRex v3.08 peers in ../shared (client and server), run as separate processes; skip locally, fail under CI=true.</summary>
internal static class Peers
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The shared folder beside the repository (or above a worktree), holding trex-client/ and trex-server/.</summary>
    public static string? SharedDir()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "shared");
            if (File.Exists(Path.Combine(candidate, "trex-client", "README.md")))
            {
                return candidate;
            }
        }

        return null;
    }

    public static void Unavailable(string reason)
    {
        if (InCi)
        {
            Assert.Fail($"CI=true and {reason}");
        }

        Assert.Ignore(reason);
    }

    public static string RequireClient()
    {
        string? shared = SharedDir();
        if (shared is null)
        {
            Unavailable("the real TRex client (../shared/trex-client) is not beside the repository");
        }

        if (!File.Exists("/usr/bin/python3"))
        {
            Unavailable("/usr/bin/python3 is missing (apt-get install python3)");
        }

        return Path.Combine(shared!, "trex-client");
    }

    public static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "Peers", name);

    /// <summary>Runs a script under the real client's libraries; returns exit code, stdout and stderr.</summary>
    public static (int Exit, string Stdout, string Stderr) RunClient(string script, TimeSpan timeout, params string[] args)
    {
        string client = RequireClient();
        ProcessStartInfo psi = new("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-W");
        psi.ArgumentList.Add("ignore");
        psi.ArgumentList.Add(Script(script));
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["TREX_EXT_LIBS"] = Path.Combine(client, "external_libs");
        psi.Environment["PYTHONPATH"] = Path.Combine(client, "interactive");
        psi.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using Process p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"the real TRex client did not finish within {timeout.TotalSeconds} s: {stderr.Result}");
        }

        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
