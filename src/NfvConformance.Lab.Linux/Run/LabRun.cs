// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Lab.Linux.Run;

/// <summary>
/// One run of the Linux lab: its id, the names it gives what it creates, its state directory, and the teardown of
/// everything carrying its id, at dispose, at process exit (SIGTERM, end of Main) and, after a kill, by
/// <c>nfvc lab clean</c>. Every part of the lab (discovery, placement, chains, traffic) creates its resources
/// through <see cref="Name"/> and <see cref="InterfaceName"/>, so nothing has to be registered for teardown.
/// </summary>
/// <remarks>
/// The state directory (<c>/run/nfvc-lab/nfvc&lt;id&gt;</c>) holds an <c>owner</c> file with the pid and start time of
/// the process that owns the run. It is written before anything else is created, so <c>nfvc lab clean</c> can tell
/// a run that is alive (left alone) from one whose owner was killed (removed).
/// </remarks>
internal sealed class LabRun : IAsyncDisposable
{
    /// <summary>The name of the owner file in a run's state directory.</summary>
    public const string OwnerFile = "owner";

    private readonly Lock _gate = new();
    private bool _tornDown;

    private LabRun(string id)
    {
        Id = id;
        StateDirectory = LabNames.StateDirectory(id);
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>Gets the run id.</summary>
    public string Id { get; }

    /// <summary>Gets the token every resource of the run carries (<c>nfvc&lt;id&gt;</c>).</summary>
    public string Token => LabNames.Token(Id);

    /// <summary>Gets the run's state directory (daemons' run folders, pid files, captures).</summary>
    public string StateDirectory { get; }

    /// <summary>Starts a run: picks a fresh id and writes the owner file before anything else exists.</summary>
    /// <returns>The run.</returns>
    /// <exception cref="ConfigurationException">The state directory cannot be written (not root?).</exception>
    public static LabRun Start()
    {
        for (int attempt = 0; attempt < 8; attempt++)
        {
            string id = LabNames.NewRunId();
            string dir = LabNames.StateDirectory(id);
            if (Directory.Exists(dir))
            {
                continue;
            }

            try
            {
                Directory.CreateDirectory(dir);
                long start = HostProcesses.StartTime(HostProcesses.Self) ?? 0;
                File.WriteAllText(Path.Combine(dir, OwnerFile), string.Create(CultureInfo.InvariantCulture, $"{HostProcesses.Self} {start}\n"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ConfigurationException($"The Linux lab cannot write its state directory {dir}: {e.Message}. Run nfvc as root.", e);
            }

            return new LabRun(id);
        }

        throw new ConfigurationException($"No free run id after 8 attempts under {LabNames.StateRoot}; run 'nfvc lab clean' to remove what killed runs left.");
    }

    /// <summary>Names a resource of this run (namespace, nft table, cgroup): <c>nfvc&lt;id&gt;-&lt;role&gt;</c>.</summary>
    /// <param name="role">What it is, in <c>[a-z0-9.-]</c>.</param>
    /// <returns>The name.</returns>
    public string Name(string role) => LabNames.Name(Id, role);

    /// <summary>Names an interface of this run (at most 15 characters): <c>nfvc&lt;id&gt;-&lt;role&gt;</c>, role of at most 5 characters.</summary>
    /// <param name="role">What it is.</param>
    /// <returns>The name.</returns>
    public string InterfaceName(string role) => LabNames.InterfaceName(Id, role);

    /// <summary>Returns a path inside the run's state directory, creating the directory part.</summary>
    /// <param name="relative">The relative path (for example <c>ovs/db.sock</c>).</param>
    /// <returns>The full path.</returns>
    public string StatePath(string relative)
    {
        string path = Path.Combine(StateDirectory, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    /// <summary>Removes everything carrying this run's id (processes, namespaces, interfaces, nft tables, cgroups, the state directory). Idempotent.</summary>
    /// <returns>What was removed and what could not be.</returns>
    public LabCleanReport Teardown()
    {
        lock (_gate)
        {
            if (_tornDown)
            {
                return new LabCleanReport([], [], []);
            }

            _tornDown = true;
        }

        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        return LabCleanup.Sweep(Id, dryRun: false);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        LabCleanReport report = Teardown();
        foreach (string failure in report.Failed)
        {
            Console.Error.WriteLine($"nfvc: lab teardown: {failure}");
        }

        return ValueTask.CompletedTask;
    }

    private void OnProcessExit(object? sender, EventArgs e) => Teardown();
}
