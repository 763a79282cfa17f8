// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Security.Cryptography;
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Lab.Workloads.Run;

/// <summary>
/// The run a workload belongs to. It follows the Linux lab's naming rule: every namespace, interface, cgroup, state
/// directory and process a run creates carries <c>nfvc&lt;run id&gt;</c> (a digit then four of <c>[a-z0-9]</c>), and
/// its state directory <c>/run/nfvc-lab/nfvc&lt;id&gt;</c> holds an <c>owner</c> file (pid and start time). So
/// <c>nfvc lab clean</c> removes what a killed run left: the private dockerd and its containers (their cgroup parent
/// and data root carry the token), QEMU processes (<c>-name</c>), taps and namespaces.
/// </summary>
public sealed class WorkloadRun
{
    /// <summary>The folder that holds one state directory per run (the Linux lab's).</summary>
    public const string StateRoot = "/run/nfvc-lab";

    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    private WorkloadRun(string id, string stateDirectory)
    {
        Id = id;
        StateDirectory = stateDirectory;
    }

    /// <summary>Gets the run id.</summary>
    public string Id { get; }

    /// <summary>Gets the token every resource carries: <c>nfvc&lt;id&gt;</c>.</summary>
    public string Token => "nfvc" + Id;

    /// <summary>Gets the run's state directory.</summary>
    public string StateDirectory { get; }

    /// <summary>Uses the run of a caller (the Linux target's run) that already wrote its owner file.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="stateDirectory">Its state directory.</param>
    /// <returns>The run.</returns>
    public static WorkloadRun Attach(string runId, string stateDirectory)
    {
        if (!IsRunId(runId))
        {
            throw new ArgumentException($"run id '{runId}' is not a digit then four of [a-z0-9].", nameof(runId));
        }

        Directory.CreateDirectory(stateDirectory);
        return new WorkloadRun(runId, stateDirectory);
    }

    /// <summary>Starts a run of its own (tests, the workload commands): a fresh id and the owner file first.</summary>
    /// <returns>The run.</returns>
    /// <exception cref="ConfigurationException">The state directory cannot be written (not root).</exception>
    public static WorkloadRun Start()
    {
        for (int attempt = 0; attempt < 8; attempt++)
        {
            Span<char> id = stackalloc char[5];
            id[0] = (char)('0' + RandomNumberGenerator.GetInt32(10));
            for (int i = 1; i < id.Length; i++)
            {
                id[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
            }

            string runId = new(id);
            string dir = Path.Combine(StateRoot, "nfvc" + runId);
            if (Directory.Exists(dir))
            {
                continue;
            }

            try
            {
                Directory.CreateDirectory(dir);
                string stat = File.ReadAllText("/proc/self/stat");
                string start = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19];
                File.WriteAllText(Path.Combine(dir, "owner"), string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId} {start}\n"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ConfigurationException($"Workloads cannot write their state directory {dir}: {e.Message}. Run as root.", e);
            }

            return new WorkloadRun(runId, dir);
        }

        throw new ConfigurationException($"No free run id under {StateRoot}; run 'nfvc lab clean'.");
    }

    /// <summary>Removes the state directory of a run this process started (after its daemons and workloads are gone).</summary>
    public void Finish()
    {
        if (Directory.Exists(StateDirectory))
        {
            Directory.Delete(StateDirectory, recursive: true);
        }
    }

    /// <summary>Tells whether a text is a run id.</summary>
    /// <param name="candidate">The text.</param>
    /// <returns>True when it is.</returns>
    public static bool IsRunId(string candidate) =>
        candidate.Length == 5 && char.IsAsciiDigit(candidate[0]) && candidate.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9'));

    /// <summary>Names a resource without a length limit: <c>nfvc&lt;id&gt;-&lt;role&gt;</c>.</summary>
    /// <param name="role">What it is, in <c>[a-z0-9.-]</c>.</param>
    /// <returns>The name.</returns>
    public string Name(string role)
    {
        if (role.Length == 0 || !role.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-'))
        {
            throw new ArgumentException($"resource role '{role}': use [a-z0-9.-].", nameof(role));
        }

        return Token + "-" + role;
    }

    /// <summary>Names an interface (at most 15 characters, so a role of at most 5).</summary>
    /// <param name="role">What it is.</param>
    /// <returns>The name.</returns>
    public string InterfaceName(string role)
    {
        string name = Name(role);
        if (name.Length > 15)
        {
            throw new ArgumentException($"interface role '{role}' is too long for a 15-character interface name; use at most 5 characters.", nameof(role));
        }

        return name;
    }

    /// <summary>Returns a path in the state directory, creating its folder.</summary>
    /// <param name="relative">The relative path.</param>
    /// <returns>The full path.</returns>
    public string StatePath(string relative)
    {
        string path = Path.Combine(StateDirectory, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }
}
