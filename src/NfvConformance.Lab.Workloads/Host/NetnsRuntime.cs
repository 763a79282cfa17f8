// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;
using System.Globalization;
using NfvConformance.Descriptors.Vnfd;
using NfvConformance.Lab.Linux.Run;
using NfvConformance.Lab.Linux.Target;
using NfvConformance.Lab.Workloads.Host;

namespace NfvConformance.Lab.Workloads.Host;

/// <summary>
/// VNFs that are commands run in a network namespace of their own (<c>nfvc&lt;id&gt;-ns-NAME</c>), with a holder
/// process in it (its PID is the instance's; killing it is the instance's crash).
/// </summary>
public sealed class NetnsRuntime : IWorkloadRuntime
{
    private readonly LinuxLabContext _run;
    private readonly Dictionary<string, Process> _holders = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="NetnsRuntime"/> class.</summary>
    /// <param name="run">The run.</param>
    public NetnsRuntime(LinuxLabContext run)
    {
        _run = run;
    }

    /// <inheritdoc />
    public RealisationKind Kind => RealisationKind.Netns;

    /// <inheritdoc />
    public async Task<WorkloadInstance> StartAsync(WorkloadSpec spec, CancellationToken ct = default)
    {
        string ns = _run.Name("ns-" + spec.Name);
        await Netns.CreateAsync(ns).ConfigureAwait(false);
        ProcessStartInfo psi = new("ip") { UseShellExecute = false };
        foreach (string a in new[] { "netns", "exec", ns, "sleep", "2147483647" })
        {
            psi.ArgumentList.Add(a);
        }

        Process p = Process.Start(psi) ?? throw new WorkloadException("cannot start the namespace's holder process.");
        _holders[spec.Name] = p;
        for (int i = 0; i < 100 && !InNamespace(p.Id, ns); i++)
        {
            await Task.Delay(10, ct).ConfigureAwait(false);
        }

        return new WorkloadInstance(spec, ns, p.Id, Netns.PathOf(ns));
    }

    /// <inheritdoc />
    public async Task ActivateAsync(WorkloadInstance instance, CancellationToken ct = default)
    {
        foreach (string command in instance.Spec.Realisation.Commands)
        {
            ShellResult r = await HostShell.InNetnsAsync(instance.Id, command, ct).ConfigureAwait(false);
            if (!r.Succeeded)
            {
                throw new WorkloadException($"instance {instance.Name}: command '{command}' failed in namespace {instance.Id} (exit {r.ExitCode}): {r.Stderr.Trim()}");
            }
        }
    }

    /// <inheritdoc />
    public async Task<TimeSpan> StopAsync(WorkloadInstance instance, TimeSpan grace, CancellationToken ct = default)
    {
        Stopwatch sw = Stopwatch.StartNew();
        await KillAsync(instance, ct).ConfigureAwait(false);
        _holders.Remove(instance.Name);
        await Netns.DeleteAsync(instance.Id).ConfigureAwait(false);
        return sw.Elapsed;
    }

    /// <inheritdoc />
    public async Task KillAsync(WorkloadInstance instance, CancellationToken ct = default)
    {
        if (_holders.TryGetValue(instance.Name, out Process? p) && !p.HasExited)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync(ct).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public Task<bool> IsRunningAsync(WorkloadInstance instance, CancellationToken ct = default) =>
        Task.FromResult(_holders.TryGetValue(instance.Name, out Process? p) && !p.HasExited);

    /// <inheritdoc />
    public async Task<WorkloadFacts> InspectAsync(WorkloadInstance instance, CancellationToken ct = default)
    {
        List<WorkloadFact> facts = [new("netns.name", instance.Id, "kernel:ip netns list")];
        facts.AddRange(await KernelFacts.ReadAsync(instance.NetnsPath, instance.Pid, ct).ConfigureAwait(false));
        return new WorkloadFacts(instance.Name, facts);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach ((string name, Process p) in _holders.ToArray())
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
                await p.WaitForExitAsync().ConfigureAwait(false);
            }

            await Netns.DeleteAsync(_run.Name("ns-" + name)).ConfigureAwait(false);
        }

        _holders.Clear();
    }

    private static bool InNamespace(int pid, string ns)
    {
        try
        {
            FileInfo mine = new($"/proc/{pid}/ns/net");
            return mine.LinkTarget is { } target && target != new FileInfo("/proc/self/ns/net").LinkTarget && ns.Length > 0;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
