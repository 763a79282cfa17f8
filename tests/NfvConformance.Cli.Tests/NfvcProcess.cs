// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;

namespace NfvConformance.Cli.Tests;

/// <summary>Runs the real nfvc tool (the built nfvc.dll next to the tests) as a child process.</summary>
internal static class NfvcProcess
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static (int ExitCode, string StdOut, string StdErr) Run(params string[] args) => RunIn(RepositoryRoot, args);

    public static (int ExitCode, string StdOut, string StdErr) RunIn(string workingDirectory, params string[] args)
    {
        ProcessStartInfo start = new("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "nfvc.dll"));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"nfvc {string.Join(' ', args)} did not finish within 3 minutes");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Starts nfvc in the repository root without waiting, with SIGINT at its default as in a terminal; output is discarded.</summary>
    /// <remarks>
    /// A test host started as a background job of a non-interactive shell inherits SIGINT ignored, passes that on, and
    /// the runtime keeps an inherited ignore: Ctrl+C (kill -INT) then does nothing to nfvc. <c>env --default-signal=INT</c>
    /// gives it the disposition a user's foreground nfvc has, whoever started the tests.
    /// </remarks>
    public static Process Start(params string[] args)
    {
        ProcessStartInfo start = new("env") { WorkingDirectory = RepositoryRoot, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("--default-signal=INT");
        start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "nfvc.dll"));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Process process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static string NewTempDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "nfvc-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NfvConformance.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("NfvConformance.sln not found above " + AppContext.BaseDirectory);
    }
}
