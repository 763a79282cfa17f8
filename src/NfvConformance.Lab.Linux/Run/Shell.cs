// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;
using System.Text;
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Lab.Linux.Run;

/// <summary>What a host command printed and returned.</summary>
/// <param name="CommandLine">The command as it was run, for messages and provenance.</param>
/// <param name="ExitCode">The exit code (-1 when it could not start or was killed on timeout).</param>
/// <param name="Stdout">Standard output.</param>
/// <param name="Stderr">Standard error (or why it could not run).</param>
public sealed record ShellResult(string CommandLine, int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Gets a value telling whether the command exited with 0.</summary>
    public bool Succeeded => ExitCode == 0;

    /// <summary>Returns standard output, or throws naming the command and its error output.</summary>
    /// <returns>Standard output.</returns>
    /// <exception cref="LabCommandException">The command failed.</exception>
    public string OrThrow() => Succeeded ? Stdout : throw new LabCommandException(this);
}

/// <summary>A host command the lab needed failed; the message names the command, its exit code and what it printed.</summary>
public sealed class LabCommandException : NfvConformanceException
{
    /// <summary>Initializes a new instance of the <see cref="LabCommandException"/> class.</summary>
    /// <param name="result">The failed command.</param>
    public LabCommandException(ShellResult result)
        : base($"'{result.CommandLine}' failed (exit {result.ExitCode}): {Trim(result.Stderr.Length > 0 ? result.Stderr : result.Stdout)}")
    {
        Result = result;
    }

    /// <summary>Gets the failed command and what it printed.</summary>
    public ShellResult Result { get; }

    private static string Trim(string text)
    {
        string t = text.Trim();
        return t.Length <= 600 ? t : t[..600] + " ...";
    }
}

/// <summary>
/// Runs host tools (<c>ip</c>, <c>ethtool</c>, <c>nft</c>, ...) with an argument list (never through a shell string),
/// bounded in time, and finds them on PATH or in the sbin folders a root shell would search.
/// </summary>
public static class Shell
{
    /// <summary>How long a host command may take before it is killed.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private static readonly string[] s_systemDirectories = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

    /// <summary>Finds a tool on PATH or in the system folders.</summary>
    /// <param name="tool">The tool's name.</param>
    /// <returns>Its full path, or null.</returns>
    public static string? Find(string tool)
    {
        if (tool.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(tool) ? tool : null;
        }

        IEnumerable<string> dirs = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(s_systemDirectories);
        foreach (string dir in dirs)
        {
            string candidate = Path.Combine(dir, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Runs a tool and waits for it, synchronously (for exit handlers, where nothing can be awaited).</summary>
    /// <param name="tool">The tool's name or path.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="timeout">How long it may take (default 30 s).</param>
    /// <returns>What it returned; a tool that is missing returns exit code -1 with the reason in <see cref="ShellResult.Stderr"/>.</returns>
    public static ShellResult Run(string tool, IReadOnlyList<string> args, TimeSpan? timeout = null)
    {
        using Process? process = Start(tool, args, out ShellResult? failed);
        if (process is null)
        {
            return failed!;
        }

        StringBuilder stdout = new();
        StringBuilder stderr = new();
        process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout ?? DefaultTimeout))
        {
            Kill(process);
            return new ShellResult(CommandLine(tool, args), -1, stdout.ToString(), $"timed out after {(timeout ?? DefaultTimeout).TotalSeconds:0} s");
        }

        process.WaitForExit();
        return new ShellResult(CommandLine(tool, args), process.ExitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs a tool and waits for it.</summary>
    /// <param name="tool">The tool's name or path.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="cancellationToken">Kills the tool and cancels.</param>
    /// <param name="timeout">How long it may take (default 30 s).</param>
    /// <returns>What it returned; a tool that is missing returns exit code -1 with the reason in <see cref="ShellResult.Stderr"/>.</returns>
    public static async Task<ShellResult> RunAsync(string tool, IReadOnlyList<string> args, CancellationToken cancellationToken = default, TimeSpan? timeout = null)
    {
        using Process? process = Start(tool, args, out ShellResult? failed);
        if (process is null)
        {
            return failed!;
        }

        Task<string> stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using CancellationTokenSource limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            cancellationToken.ThrowIfCancellationRequested();
            return new ShellResult(CommandLine(tool, args), -1, string.Empty, $"timed out after {(timeout ?? DefaultTimeout).TotalSeconds:0} s");
        }

        return new ShellResult(CommandLine(tool, args), process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    /// <summary>Formats a command line for messages and provenance (arguments with spaces are quoted).</summary>
    /// <param name="tool">The tool.</param>
    /// <param name="args">Its arguments.</param>
    /// <returns>The command line.</returns>
    public static string CommandLine(string tool, IReadOnlyList<string> args) =>
        string.Join(' ', args.Prepend(tool).Select(a => a.Length == 0 || a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a));

    private static Process? Start(string tool, IReadOnlyList<string> args, out ShellResult? failed)
    {
        failed = null;
        string? path = Find(tool);
        if (path is null)
        {
            failed = new ShellResult(CommandLine(tool, args), -1, string.Empty, $"'{tool}' is not installed (not on PATH nor in /usr/sbin, /sbin)");
            return null;
        }

        ProcessStartInfo info = new(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        // Tools print for people in their locale; the lab parses them.
        info.Environment["LC_ALL"] = "C";
        try
        {
            return Process.Start(info) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            failed = new ShellResult(CommandLine(tool, args), -1, string.Empty, $"'{path}' could not start: {e.Message}");
            return null;
        }
    }

    private static void Append(StringBuilder sb, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (sb)
        {
            sb.Append(line).Append('\n');
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }
}
