// Licensed under the Apache License, Version 2.0.
using System.Globalization;

namespace NfvConformance.Lab.Linux.Run;

/// <summary>Reads and signals host processes through <c>/proc</c>.</summary>
internal static class HostProcesses
{
    private const int SigTerm = 15;
    private const int SigKill = 9;

    /// <summary>Gets this process's id.</summary>
    public static int Self { get; } = Environment.ProcessId;

    /// <summary>Reads a process's start time (clock ticks after boot, field 22 of <c>/proc/PID/stat</c>): with the pid it identifies a process even after the pid is reused.</summary>
    /// <param name="pid">The process id.</param>
    /// <returns>The start time, or null when the process does not exist.</returns>
    public static long? StartTime(int pid)
    {
        string? stat = ReadOrNull($"/proc/{pid}/stat");
        if (stat is null)
        {
            return null;
        }

        // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
        int close = stat.LastIndexOf(')');
        string[] rest = stat[(close + 2)..].Split(' ');
        return rest.Length > 19 && long.TryParse(rest[19], NumberStyles.None, CultureInfo.InvariantCulture, out long ticks) ? ticks : null;
    }

    /// <summary>Tells whether the process that had this pid and start time still runs.</summary>
    /// <param name="pid">The process id.</param>
    /// <param name="startTime">Its start time when it was recorded.</param>
    /// <returns>True when the same process still runs.</returns>
    public static bool IsAlive(int pid, long startTime) => StartTime(pid) == startTime && !IsZombie(pid);

    /// <summary>Reads a process's command line, arguments joined by spaces (empty for kernel threads or when it is gone).</summary>
    /// <param name="pid">The process id.</param>
    /// <returns>The command line.</returns>
    public static string CommandLine(int pid) => (ReadOrNull($"/proc/{pid}/cmdline") ?? string.Empty).Replace('\0', ' ').Trim();

    /// <summary>Lists every process id on the host.</summary>
    /// <returns>The pids.</returns>
    public static IReadOnlyList<int> All()
    {
        List<int> pids = [];
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                pids.Add(pid);
            }
        }

        return pids;
    }

    /// <summary>Reads one field of <c>/proc/PID/status</c> (for example <c>Cpus_allowed_list</c>).</summary>
    /// <param name="pid">The process id.</param>
    /// <param name="field">The field name, without the colon.</param>
    /// <returns>The value, or null when the process or the field does not exist.</returns>
    public static string? StatusField(int pid, string field)
    {
        string? status = ReadOrNull($"/proc/{pid}/status");
        if (status is null)
        {
            return null;
        }

        foreach (string line in status.Split('\n'))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return line[(field.Length + 1)..].Trim();
            }
        }

        return null;
    }

    /// <summary>Ends processes: SIGTERM, then SIGKILL for those still there after a grace period. Never this process.</summary>
    /// <param name="pids">The processes.</param>
    /// <param name="grace">How long to wait after SIGTERM.</param>
    /// <returns>The pids signalled.</returns>
    public static IReadOnlyList<int> Terminate(IEnumerable<int> pids, TimeSpan grace) => Terminate(pids, grace, out _);

    /// <summary>Ends processes: SIGTERM, then SIGKILL for those still there after a grace period. Never this process.</summary>
    /// <param name="pids">The processes.</param>
    /// <param name="grace">How long to wait after SIGTERM.</param>
    /// <param name="killed">The pids that outlived the grace period and got SIGKILL.</param>
    /// <returns>The pids signalled.</returns>
    public static IReadOnlyList<int> Terminate(IEnumerable<int> pids, TimeSpan grace, out IReadOnlyList<int> killed)
    {
        List<int> targets = SignalTerm(pids);
        DateTime deadline = DateTime.UtcNow + grace;
        while (DateTime.UtcNow < deadline && targets.Any(Running))
        {
            Thread.Sleep(20);
        }

        killed = KillLate(targets);
        return targets;
    }

    /// <summary>Ends processes without blocking a thread: SIGTERM, then SIGKILL for those still there after a grace period. Never this process.</summary>
    /// <param name="pids">The processes.</param>
    /// <param name="grace">How long to wait after SIGTERM.</param>
    /// <returns>The pids signalled.</returns>
    public static async Task<IReadOnlyList<int>> TerminateAsync(IEnumerable<int> pids, TimeSpan grace)
    {
        List<int> targets = SignalTerm(pids);
        DateTime deadline = DateTime.UtcNow + grace;
        while (DateTime.UtcNow < deadline && targets.Any(Running))
        {
            await Task.Delay(20).ConfigureAwait(false);
        }

        _ = KillLate(targets);
        return targets;
    }

    private static List<int> SignalTerm(IEnumerable<int> pids)
    {
        List<int> targets = [.. pids.Where(p => p > 1 && p != Self).Distinct()];
        foreach (int pid in targets)
        {
            _ = Kill(pid, SigTerm);
        }

        return targets;
    }

    private static bool Running(int pid) => StartTime(pid) is not null && !IsZombie(pid);

    private static List<int> KillLate(List<int> targets)
    {
        List<int> late = [.. targets.Where(Running)];
        foreach (int pid in late)
        {
            _ = Kill(pid, SigKill);
        }

        return late;
    }

    private static bool IsZombie(int pid)
    {
        string? state = StatusField(pid, "State");
        return state is not null && state.StartsWith('Z');
    }

    private static string? ReadOrNull(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
