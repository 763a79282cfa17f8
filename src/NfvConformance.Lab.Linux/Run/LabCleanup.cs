// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Text.Json;

namespace NfvConformance.Lab.Linux.Run;

/// <summary>One thing on the host that carries a run's id.</summary>
/// <param name="Kind">process, netns, link, nft-table, cgroup or state.</param>
/// <param name="Name">Its name (a pid, a namespace, an interface, <c>family table</c>, a cgroup path, a directory).</param>
/// <param name="RunId">The run it belongs to.</param>
internal sealed record LabResource(string Kind, string Name, string RunId)
{
    public override string ToString() => $"{Kind} {Name} (run {RunId})";
}

/// <summary>
/// Finds and removes what the lab created, recognised only by the run id in its name (<see cref="LabNames"/>):
/// processes whose command line carries <c>nfvc&lt;id&gt;</c> or that live in one of the run's namespaces, network
/// namespaces, interfaces of the root namespace, nft tables of the root namespace, cgroups and the run's state
/// directory. Nothing else is ever touched. A run whose owner process still runs is left alone.
/// </summary>
internal static class LabCleanup
{
    private static readonly TimeSpan s_grace = TimeSpan.FromSeconds(2);

    /// <summary>Where network namespaces are bound (iproute2's NETNS_RUN_DIR).</summary>
    public const string NetnsDirectory = "/run/netns";

    /// <summary>Where DPDK keeps each process's runtime files, in a folder named by its file prefix.</summary>
    public const string DpdkRuntimeRoot = "/var/run/dpdk";

    /// <summary>Removes what runs whose owner is gone left behind (<c>nfvc lab clean</c>).</summary>
    /// <param name="dryRun">True to report without removing anything.</param>
    /// <returns>The report.</returns>
    public static LabCleanReport CleanDeadRuns(bool dryRun)
    {
        List<LabResource> all = [.. FindAll()];
        List<string> removed = [];
        List<string> failed = [];
        List<string> leftAlone = [];
        foreach (string runId in all.Select(r => r.RunId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            if (OwnerOf(runId) is { } owner)
            {
                leftAlone.Add($"run {runId}: alive (owner pid {owner}, {HostProcesses.CommandLine(owner)}); {all.Count(r => r.RunId == runId)} resource(s) left alone");
                continue;
            }

            LabCleanReport one = Sweep(runId, dryRun, all.Where(r => r.RunId == runId));
            removed.AddRange(one.Removed);
            failed.AddRange(one.Failed);
        }

        return new LabCleanReport(removed, failed, leftAlone);
    }

    /// <summary>Removes everything carrying one run's id, alive or not (a run's own teardown).</summary>
    /// <param name="runId">The run.</param>
    /// <param name="dryRun">True to report without removing anything.</param>
    /// <returns>The report.</returns>
    public static LabCleanReport Sweep(string runId, bool dryRun) => Sweep(runId, dryRun, FindAll().Where(r => r.RunId == runId));

    /// <summary>Returns the pid of the live owner of a run, or null when the run is dead or unknown.</summary>
    /// <param name="runId">The run.</param>
    /// <returns>The owner pid, or null.</returns>
    public static int? OwnerOf(string runId)
    {
        string path = Path.Combine(LabNames.StateDirectory(runId), LabRun.OwnerFile);
        string[] parts;
        try
        {
            parts = File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long start)
            && HostProcesses.IsAlive(pid, start)
            ? pid
            : null;
    }

    /// <summary>Finds every resource on the host that carries some run's id.</summary>
    /// <returns>The resources, in teardown order per run (processes first, state directory last).</returns>
    public static IReadOnlyList<LabResource> FindAll()
    {
        List<LabResource> found = [];
        List<string> namespaces = [.. ListNames(NetnsDirectory)];

        // Processes: the run id in the command line, or inside one of the run's namespaces.
        foreach (int pid in HostProcesses.All())
        {
            if (pid == HostProcesses.Self)
            {
                continue;
            }

            foreach (string id in LabNames.RunIdsIn(HostProcesses.CommandLine(pid)))
            {
                found.Add(new LabResource("process", pid.ToString(CultureInfo.InvariantCulture), id));
            }
        }

        foreach (string ns in namespaces)
        {
            if (LabNames.TryParseRunId(ns, out string id))
            {
                foreach (string pid in Shell.Run("ip", ["netns", "pids", ns]).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    found.Add(new LabResource("process", pid, id));
                }
            }
        }

        foreach (string ns in namespaces)
        {
            if (LabNames.TryParseRunId(ns, out string id))
            {
                found.Add(new LabResource("netns", ns, id));
            }
        }

        foreach (string link in ListNames("/sys/class/net"))
        {
            if (LabNames.TryParseRunId(link, out string id))
            {
                found.Add(new LabResource("link", link, id));
            }
        }

        foreach ((string family, string table) in NftTables())
        {
            if (LabNames.TryParseRunId(table, out string id))
            {
                found.Add(new LabResource("nft-table", $"{family} {table}", id));
            }
        }

        foreach (string mount in CgroupMounts())
        {
            foreach (string dir in ListDirectories(mount))
            {
                if (LabNames.TryParseRunId(Path.GetFileName(dir), out string id))
                {
                    found.Add(new LabResource("cgroup", dir, id));
                }
            }
        }

        foreach (string dir in ListDirectories(LabNames.StateRoot))
        {
            if (LabNames.TryParseRunId(Path.GetFileName(dir), out string id))
            {
                found.Add(new LabResource("state", dir, id));
            }
        }

        // A killed DPDK testpmd (an accelerated hop) leaves its runtime folder, named by its --file-prefix.
        foreach (string dir in ListDirectories(DpdkRuntimeRoot))
        {
            if (LabNames.TryParseRunId(Path.GetFileName(dir), out string id))
            {
                found.Add(new LabResource("dpdk-runtime", dir, id));
            }
        }

        return [.. found.DistinctBy(r => (r.Kind, r.Name, r.RunId))];
    }

    private static LabCleanReport Sweep(string runId, bool dryRun, IEnumerable<LabResource> resources)
    {
        List<string> removed = [];
        List<string> failed = [];
        List<LabResource> list = [.. resources];
        if (dryRun)
        {
            return new LabCleanReport([.. list.Select(r => r.ToString())], [], []);
        }

        // Processes first (they hold namespaces, cgroups and interfaces), then what they held.
        List<LabResource> processes = [.. list.Where(r => r.Kind == "process")];
        foreach (LabResource r in processes)
        {
            int.TryParse(r.Name, NumberStyles.None, CultureInfo.InvariantCulture, out int pid);
            if (HostProcesses.StartTime(pid) is not null)
            {
                removed.Add($"{r} {HostProcesses.CommandLine(pid)}");
            }
        }

        HostProcesses.Terminate(processes.Select(r => int.Parse(r.Name, CultureInfo.InvariantCulture)), s_grace);
        foreach (LabResource r in list.Where(r => r.Kind == "process"))
        {
            int pid = int.Parse(r.Name, CultureInfo.InvariantCulture);
            if (HostProcesses.StartTime(pid) is not null && HostProcesses.StatusField(pid, "State") is { } state && !state.StartsWith('Z'))
            {
                failed.Add($"{r}: still running after SIGKILL ({state})");
            }
        }

        foreach (LabResource r in list.Where(r => r.Kind == "netns"))
        {
            Record(r, Shell.Run("ip", ["netns", "delete", r.Name]), removed, failed);
        }

        foreach (LabResource r in list.Where(r => r.Kind == "link"))
        {
            // A veth whose peer went with a namespace is already gone.
            if (Directory.Exists(Path.Combine("/sys/class/net", r.Name)))
            {
                Record(r, Shell.Run("ip", ["link", "delete", r.Name]), removed, failed);
            }
        }

        foreach (LabResource r in list.Where(r => r.Kind == "nft-table"))
        {
            string[] parts = r.Name.Split(' ');
            Record(r, Shell.Run("nft", ["delete", "table", parts[0], parts[1]]), removed, failed);
        }

        foreach (LabResource r in list.Where(r => r.Kind == "cgroup"))
        {
            RemoveCgroup(r, removed, failed);
        }

        foreach (LabResource r in list.Where(r => r.Kind == "dpdk-runtime"))
        {
            try
            {
                Directory.Delete(r.Name, recursive: true);
                removed.Add(r.ToString());
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failed.Add($"{r}: {e.Message}");
            }
        }

        foreach (LabResource r in list.Where(r => r.Kind == "state"))
        {
            // A killed daemon leaves its mounts under the state folder (dockerd's data root, overlay layers, netns
            // bind mounts): detach them, deepest first, so the delete never reaches into a mounted file system.
            string[] stillMounted = [.. DetachMountsUnder(r.Name)];
            if (stillMounted.Length > 0)
            {
                failed.Add($"{r}: still mounted after umount -l: {string.Join(", ", stillMounted)}; nothing under it was deleted");
                continue;
            }

            try
            {
                Directory.Delete(r.Name, recursive: true);
                removed.Add(r.ToString());
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failed.Add($"{r}: {e.Message}");
            }
        }

        return new LabCleanReport(removed, failed, []);
    }

    private static void Record(LabResource r, ShellResult result, List<string> removed, List<string> failed)
    {
        if (result.Succeeded)
        {
            removed.Add(r.ToString());
        }
        else
        {
            failed.Add($"{r}: {result.CommandLine}: {result.Stderr.Trim()}");
        }
    }

    private static void RemoveCgroup(LabResource r, List<string> removed, List<string> failed)
    {
        // Children first; a cgroup directory can only be removed when no task is left in it.
        try
        {
            foreach (string dir in Directory.EnumerateDirectories(r.Name, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length).Append(r.Name))
            {
                string procs = Path.Combine(dir, "cgroup.procs");
                if (File.Exists(procs))
                {
                    HostProcesses.Terminate(File.ReadAllLines(procs).Select(l => int.Parse(l, CultureInfo.InvariantCulture)), s_grace);
                }

                Directory.Delete(dir);
            }

            removed.Add(r.ToString());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            failed.Add($"{r}: {e.Message}");
        }
    }

    private static IEnumerable<string> ListNames(string directory) =>
        Directory.Exists(directory) ? Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal) : [];

    private static IEnumerable<string> ListDirectories(string directory) =>
        Directory.Exists(directory) ? Directory.EnumerateDirectories(directory).Order(StringComparer.Ordinal) : [];

    /// <summary>The mount points at or below a folder, from /proc/mounts (octal escapes such as <c>\040</c> decoded).</summary>
    /// <param name="dir">The folder.</param>
    /// <returns>The mount points, deepest first.</returns>
    public static IReadOnlyList<string> MountsUnder(string dir)
    {
        string root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir));
        return [.. File.ReadAllLines("/proc/mounts")
            .Select(line => line.Split(' '))
            .Where(f => f.Length > 1)
            .Select(f => System.Text.RegularExpressions.Regex.Replace(f[1], @"\\([0-7]{3})", m => ((char)Convert.ToInt32(m.Groups[1].Value, 8)).ToString()))
            .Where(m => m == root || m.StartsWith(root + "/", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(m => m.Length)];
    }

    // Lazily unmounts every mount point at or below dir, deepest first (a point mounted twice takes two rounds);
    // returns those still mounted afterwards.
    private static IReadOnlyList<string> DetachMountsUnder(string dir)
    {
        IReadOnlyList<string> mounts = MountsUnder(dir);
        for (int round = 0; round < 8 && mounts.Count > 0; round++)
        {
            foreach (string mount in mounts)
            {
                Shell.Run("umount", ["-l", mount]);
            }

            mounts = MountsUnder(dir);
        }

        return mounts;
    }

    /// <summary>The mount points of every cgroup hierarchy (v1 controllers and the v2 unified one).</summary>
    /// <returns>The mount points.</returns>
    public static IReadOnlyList<string> CgroupMounts()
    {
        List<string> mounts = [];
        foreach (string line in File.ReadAllLines("/proc/mounts"))
        {
            string[] f = line.Split(' ');
            if (f.Length > 2 && f[2] is "cgroup" or "cgroup2")
            {
                mounts.Add(f[1]);
            }
        }

        return mounts;
    }

    private static IEnumerable<(string Family, string Table)> NftTables()
    {
        ShellResult list = Shell.Run("nft", ["-j", "list", "tables"]);
        if (!list.Succeeded || list.Stdout.Length == 0)
        {
            yield break;
        }

        using JsonDocument doc = JsonDocument.Parse(list.Stdout);
        foreach (JsonElement item in doc.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (item.TryGetProperty("table", out JsonElement table))
            {
                yield return (table.GetProperty("family").GetString()!, table.GetProperty("name").GetString()!);
            }
        }
    }
}
