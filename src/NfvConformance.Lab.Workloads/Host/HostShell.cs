// Licensed under the Apache License, Version 2.0.
using NfvConformance.Lab.Linux.Run;
using NfvConformance.Lab.Workloads.Host;

namespace NfvConformance.Lab.Workloads.Host;

/// <summary>The two shell forms the workloads need on top of the linux lab's <see cref="Shell"/>: a command line run in a named namespace, and quoting for <c>sh -c</c>.</summary>
internal static class HostShell
{
    /// <summary>Runs a shell command line in a named network namespace (<c>ip netns exec NAME sh -c ...</c>).</summary>
    /// <param name="netns">The namespace name.</param>
    /// <param name="command">The command line.</param>
    /// <param name="ct">Kills the command and cancels.</param>
    /// <returns>What it returned.</returns>
    public static Task<ShellResult> InNetnsAsync(string netns, string command, CancellationToken ct = default) =>
        Shell.RunAsync("ip", ["netns", "exec", netns, "sh", "-c", command], ct, TimeSpan.FromSeconds(60));

    /// <summary>Quotes a word for <c>sh -c</c>.</summary>
    /// <param name="s">The word.</param>
    /// <returns>It, single-quoted.</returns>
    public static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
