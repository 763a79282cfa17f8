// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;

namespace NfvConformance.Lab.Workloads.Host;

/// <summary>The result of a command.</summary>
/// <param name="ExitCode">Its exit code (-1 when it timed out).</param>
/// <param name="Stdout">Its standard output.</param>
/// <param name="Stderr">Its standard error.</param>
/// <param name="CommandLine">What was run.</param>
internal sealed record ProcResult(int ExitCode, string Stdout, string Stderr, string CommandLine)
{
    public bool Ok => ExitCode == 0;

    public ProcResult Check()
    {
        if (!Ok)
        {
            throw new WorkloadException($"'{CommandLine}' failed with exit code {ExitCode}: {Stderr.Trim()} {Stdout.Trim()}".Trim());
        }

        return this;
    }
}

/// <summary>Runs host commands (ip, nft, tc, apt-get, qemu-img...) and captures what they print.</summary>
internal static class Proc
{
    public static async Task<ProcResult> RunAsync(string file, IEnumerable<string> args, TimeSpan? timeout = null, string? stdin = null, CancellationToken ct = default)
    {
        ProcessStartInfo psi = new(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        string line = file + " " + string.Join(' ', psi.ArgumentList);
        using Process p = new() { StartInfo = psi };
        try
        {
            p.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new WorkloadException($"cannot run '{file}': {e.Message}. Install it (see docs/workloads.md).", e);
        }

        Task<string> o = p.StandardOutput.ReadToEndAsync(ct);
        Task<string> err = p.StandardError.ReadToEndAsync(ct);
        if (stdin is not null)
        {
            await p.StandardInput.WriteAsync(stdin.AsMemory(), ct).ConfigureAwait(false);
            p.StandardInput.Close();
        }

        using CancellationTokenSource cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await p.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            p.Kill(entireProcessTree: true);
            return new ProcResult(-1, await o.ConfigureAwait(false), "timed out after " + (timeout ?? TimeSpan.FromSeconds(60)), line);
        }

        return new ProcResult(p.ExitCode, await o.ConfigureAwait(false), await err.ConfigureAwait(false), line);
    }

    public static ProcResult Run(string file, params string[] args) => RunAsync(file, args).GetAwaiter().GetResult();

    public static Task<ProcResult> IpAsync(params string[] args) => RunAsync("ip", args);

    public static async Task<ProcResult> InNetnsAsync(string netns, string command, CancellationToken ct = default) =>
        await RunAsync("ip", ["netns", "exec", netns, "sh", "-c", command], ct: ct).ConfigureAwait(false);

    /// <summary>Finds a program on PATH.</summary>
    public static string? Which(string program)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").Split(':').Concat(["/usr/sbin", "/sbin"]))
        {
            string candidate = Path.Combine(dir, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
