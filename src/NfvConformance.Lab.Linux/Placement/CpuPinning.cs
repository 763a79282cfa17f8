// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Lab.Linux.Discovery;
using NfvConformance.Lab.Linux.Native;
using NfvConformance.Lab.Linux.Run;

namespace NfvConformance.Lab.Linux.Placement;

/// <summary>
/// Pins a process to CPUs and memory nodes for real, and reads back what the kernel applied: a cpuset cgroup of its
/// own (<c>cpuset.cpus</c>, <c>cpuset.mems</c>, <c>cgroup.procs</c>, named with the run id so cleanup finds it) and
/// the scheduler affinity of every thread (<c>sched_setaffinity</c>); the read-back comes from
/// <c>/proc/PID/status</c> (<c>Cpus_allowed_list</c>, <c>Mems_allowed_list</c>), never from the request.
/// </summary>
internal static class CpuPinning
{
    /// <summary>Pins a process and all its threads.</summary>
    /// <param name="cpusetMount">The cpuset controller's mount (from discovery), or null to use affinity only.</param>
    /// <param name="cgroupName">The cgroup to create (a lab name carrying the run id).</param>
    /// <param name="pid">The process.</param>
    /// <param name="cpus">The CPUs.</param>
    /// <param name="mems">The memory (NUMA) nodes.</param>
    /// <returns>The cgroup folder created, or null when only affinity was set.</returns>
    /// <exception cref="IOException">The kernel refused (the message names the file or call).</exception>
    public static string? Pin(string? cpusetMount, string cgroupName, int pid, IReadOnlyList<int> cpus, IReadOnlyList<int> mems)
    {
        string? dir = null;
        if (cpusetMount is not null)
        {
            dir = Path.Combine(cpusetMount, cgroupName);
            Directory.CreateDirectory(dir);
            Write(Path.Combine(dir, "cpuset.cpus"), CpuList.Format(cpus));
            Write(Path.Combine(dir, "cpuset.mems"), CpuList.Format(mems));
            Write(Path.Combine(dir, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture));
        }

        // Every thread: a process started under taskset already has the mask; threads created before that are set here.
        foreach (int tid in Threads(pid))
        {
            SetAffinity(tid, cpus);
        }

        return dir;
    }

    /// <summary>Sets one thread's scheduler affinity.</summary>
    /// <param name="tid">The thread (or process) id.</param>
    /// <param name="cpus">The CPUs.</param>
    /// <exception cref="IOException">sched_setaffinity failed.</exception>
    public static void SetAffinity(int tid, IReadOnlyList<int> cpus)
    {
        byte[] mask = new byte[128];
        foreach (int cpu in cpus)
        {
            mask[cpu / 8] |= (byte)(1 << (cpu % 8));
        }

        if (Libc.sched_setaffinity(tid, mask.Length, mask) != 0)
        {
            throw new IOException($"sched_setaffinity({tid}, {CpuList.Format(cpus)}): {Libc.LastError()}");
        }
    }

    /// <summary>Reads the CPUs a process may run on, as the kernel reports them (<c>/proc/PID/status</c> Cpus_allowed_list).</summary>
    /// <param name="pid">The process.</param>
    /// <returns>The CPUs, or empty when the process is gone.</returns>
    public static IReadOnlyList<int> AllowedCpus(int pid) =>
        CpuList.TryParse(HostProcesses.StatusField(pid, "Cpus_allowed_list"), out IReadOnlyList<int> cpus) ? cpus : [];

    /// <summary>Reads the memory nodes a process may allocate on (<c>/proc/PID/status</c> Mems_allowed_list).</summary>
    /// <param name="pid">The process.</param>
    /// <returns>The nodes, or empty when the process is gone.</returns>
    public static IReadOnlyList<int> AllowedMems(int pid) =>
        CpuList.TryParse(HostProcesses.StatusField(pid, "Mems_allowed_list"), out IReadOnlyList<int> mems) ? mems : [];

    /// <summary>Reads the CPUs every thread of a process may run on, united (a thread left unpinned widens the set).</summary>
    /// <param name="pid">The process.</param>
    /// <returns>The CPUs.</returns>
    public static IReadOnlyList<int> AllowedCpusOfAllThreads(int pid)
    {
        SortedSet<int> all = [];
        foreach (int tid in Threads(pid))
        {
            if (CpuList.TryParse(HostProcesses.StatusField(tid, "Cpus_allowed_list"), out IReadOnlyList<int> cpus))
            {
                all.UnionWith(cpus);
            }
        }

        return [.. all];
    }

    /// <summary>Removes a cgroup made by <see cref="Pin"/> (its processes must be gone).</summary>
    /// <param name="dir">The cgroup folder.</param>
    public static void Unpin(string? dir)
    {
        if (dir is null)
        {
            return;
        }

        for (int attempt = 0; attempt < 50 && Directory.Exists(dir); attempt++)
        {
            try
            {
                Directory.Delete(dir);
            }
            catch (IOException)
            {
                Thread.Sleep(20);
            }
        }
    }

    private static IEnumerable<int> Threads(int pid)
    {
        string task = $"/proc/{pid}/task";
        if (!Directory.Exists(task))
        {
            return [];
        }

        return [.. Directory.EnumerateDirectories(task).Select(Path.GetFileName).Select(n => int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out int t) ? t : -1).Where(t => t > 0)];
    }

    private static void Write(string path, string value)
    {
        try
        {
            File.WriteAllText(path, value);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"writing '{value}' to {path}: {e.Message}", e);
        }
    }
}
