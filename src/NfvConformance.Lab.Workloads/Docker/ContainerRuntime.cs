// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;
using System.Globalization;
using Docker.DotNet.Models;
using NfvConformance.Descriptors.Vnfd;
using NfvConformance.Lab.Linux.Run;
using NfvConformance.Lab.Workloads.Host;

namespace NfvConformance.Lab.Workloads.Docker;

/// <summary>
/// Containers through the Docker Engine API. Each container gets a network namespace of its own and no Docker
/// network (<c>NetworkMode=none</c>): the chain lab moves veths into it, as a CNI plugin would. The unit's commands run
/// in that namespace from the host (the platform's side), so the container itself needs no capability to be wired.
/// </summary>
public sealed class ContainerRuntime : IWorkloadRuntime
{
    private readonly DockerEngine _engine;

    /// <summary>Initializes a new instance of the <see cref="ContainerRuntime"/> class.</summary>
    /// <param name="engine">The daemon.</param>
    public ContainerRuntime(DockerEngine engine)
    {
        _engine = engine;
    }

    /// <inheritdoc />
    public RealisationKind Kind => RealisationKind.Container;

    /// <inheritdoc />
    public async Task<WorkloadInstance> StartAsync(WorkloadSpec spec, CancellationToken ct = default)
    {
        VnfRealisation r = spec.Realisation;
        ContainerOverrides o = spec.Overrides ?? new ContainerOverrides();
        string image = spec.Image ?? throw new WorkloadException($"instance {spec.Name}: a container unit needs an image; set the unit's 'image' in the descriptor.");
        CreateContainerParameters p = new()
        {
            Name = _engine.Run.Name(spec.Name),
            Image = image,
            Cmd = r.Command.Count > 0 ? [.. r.Command] : null,
            User = r.User ?? string.Empty,
            Labels = new Dictionary<string, string> { [DockerEngine.RunLabel] = _engine.Token, ["io.nfvc.instance"] = spec.Name },
            HostConfig = new HostConfig
            {
                NetworkMode = o.HostNetwork ? "host" : "none",
                PidMode = o.HostPid ? "host" : string.Empty,
                IpcMode = o.HostIpc ? "host" : "private",
                Privileged = o.Privileged,
                CapAdd = r.Capabilities.Count > 0 ? [.. r.Capabilities] : null,
                ReadonlyRootfs = r.ReadOnly,
                Tmpfs = r.ReadOnly ? new Dictionary<string, string> { ["/tmp"] = "rw,size=8m" } : null,
                Init = false,
            },
            StopTimeout = TimeSpan.FromSeconds(r.StopGraceSeconds),
        };
        CreateContainerResponse created = await _engine.CallAsync($"create of container {p.Name} (image {image})", c => c.Containers.CreateContainerAsync(p, ct)).ConfigureAwait(false);
        if (o.CreateOnly)
        {
            return new WorkloadInstance(spec, created.ID, 0, string.Empty);
        }

        await _engine.CallAsync($"start of container {p.Name}", c => c.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), ct)).ConfigureAwait(false);
        ContainerInspectResponse info = await InspectRawAsync(created.ID, ct).ConfigureAwait(false);
        if (info.State is null || info.State.Pid <= 0)
        {
            throw new WorkloadException($"container {p.Name} (image {image}) is not running after start: {info.State?.Status} exit {info.State?.ExitCode} {info.State?.Error}; see 'docker -H {_engine.Endpoint} logs {created.ID[..12]}'.");
        }

        int pid = (int)info.State.Pid;
        return new WorkloadInstance(spec, created.ID, pid, $"/proc/{pid}/ns/net");
    }

    /// <inheritdoc />
    public async Task ActivateAsync(WorkloadInstance instance, CancellationToken ct = default)
    {
        foreach (string command in instance.Spec.Realisation.Commands)
        {
            ShellResult r = await Shell.RunAsync("nsenter", [$"--net={instance.NetnsPath}", "sh", "-c", command], ct).ConfigureAwait(false);
            if (!r.Succeeded)
            {
                throw new WorkloadException($"instance {instance.Name}: command '{command}' failed in its namespace (exit {r.ExitCode}): {r.Stderr.Trim()}");
            }
        }
    }

    /// <inheritdoc />
    public async Task<TimeSpan> StopAsync(WorkloadInstance instance, TimeSpan grace, CancellationToken ct = default)
    {
        Stopwatch sw = Stopwatch.StartNew();
        await _engine.CallAsync($"stop of container {instance.Name}", c => c.Containers.StopContainerAsync(instance.Id, new ContainerStopParameters { WaitBeforeKillSeconds = (uint)Math.Ceiling(grace.TotalSeconds) }, ct)).ConfigureAwait(false);
        TimeSpan took = sw.Elapsed;
        await _engine.CallAsync($"removal of container {instance.Name}", c => c.Containers.RemoveContainerAsync(instance.Id, new ContainerRemoveParameters { Force = true }, ct)).ConfigureAwait(false);
        return took;
    }

    /// <summary>Stops an instance and reports how it ended, without removing it.</summary>
    /// <param name="instance">The instance.</param>
    /// <param name="grace">The grace period.</param>
    /// <param name="ct">Cancels the wait.</param>
    /// <returns>How long it took and the exit code (137 when SIGKILL ended it).</returns>
    public async Task<(TimeSpan Took, long ExitCode)> StopKeepingAsync(WorkloadInstance instance, TimeSpan grace, CancellationToken ct = default)
    {
        Stopwatch sw = Stopwatch.StartNew();
        await _engine.CallAsync($"stop of container {instance.Name}", c => c.Containers.StopContainerAsync(instance.Id, new ContainerStopParameters { WaitBeforeKillSeconds = (uint)Math.Ceiling(grace.TotalSeconds) }, ct)).ConfigureAwait(false);
        TimeSpan took = sw.Elapsed;
        ContainerInspectResponse info = await InspectRawAsync(instance.Id, ct).ConfigureAwait(false);
        return (took, info.State!.ExitCode);
    }

    /// <inheritdoc />
    public Task KillAsync(WorkloadInstance instance, CancellationToken ct = default) =>
        _engine.CallAsync($"kill of container {instance.Name}", c => c.Containers.KillContainerAsync(instance.Id, new ContainerKillParameters { Signal = "KILL" }, ct));

    /// <inheritdoc />
    public async Task<bool> IsRunningAsync(WorkloadInstance instance, CancellationToken ct = default) =>
        (await InspectRawAsync(instance.Id, ct).ConfigureAwait(false)).State?.Running == true;

    /// <inheritdoc />
    public async Task<WorkloadFacts> InspectAsync(WorkloadInstance instance, CancellationToken ct = default)
    {
        ContainerInspectResponse info = await InspectRawAsync(instance.Id, ct).ConfigureAwait(false);
        string api = $"docker:GET /containers/{instance.Id[..12]}/json";
        List<WorkloadFact> facts =
        [
            new("container.id", info.ID, api + " Id"),
            new("container.name", info.Name.TrimStart('/'), api + " Name"),
            new("container.state", info.State?.Status ?? "?", api + " State.Status"),
            new("container.pid", (info.State?.Pid ?? 0).ToString(CultureInfo.InvariantCulture), api + " State.Pid"),
            new("container.network_mode", info.HostConfig?.NetworkMode ?? "?", api + " HostConfig.NetworkMode"),
            new("image.reference", info.Config?.Image ?? "?", api + " Config.Image"),
            new("image.id", info.Image, api + " Image"),
            new("container.user", string.IsNullOrEmpty(info.Config?.User) ? "(image default)" : info.Config!.User, api + " Config.User"),
        ];
        if (info.State?.Pid > 0)
        {
            facts.AddRange(await KernelFacts.ReadAsync($"/proc/{info.State!.Pid}/ns/net", (int)info.State.Pid, ct).ConfigureAwait(false));
        }

        return new WorkloadFacts(instance.Name, facts);
    }

    /// <summary>Reads a container's logs (stdout and stderr).</summary>
    /// <param name="instance">The instance.</param>
    /// <param name="ct">Cancels the read.</param>
    /// <returns>What it logged.</returns>
    public async Task<string> LogsAsync(WorkloadInstance instance, CancellationToken ct = default)
    {
        using global::Docker.DotNet.MultiplexedStream stream = await _engine.CallAsync($"logs of {instance.Name}", c => c.Containers.GetContainerLogsAsync(instance.Id, new ContainerLogsParameters { ShowStdout = true, ShowStderr = true }, ct)).ConfigureAwait(false);
        (string stdout, string stderr) = await stream.ReadOutputToEndAsync(ct).ConfigureAwait(false);
        return stdout + stderr;
    }

    /// <summary>How long after its process started a container wrote its first line on stdout or stderr.</summary>
    /// <remarks>
    /// Both instants are the daemon's: <c>State.StartedAt</c>, when the runtime started the process, and the time stamp
    /// the daemon gave the first line it read from the container. Neither includes the daemon's time to create and start
    /// the container, nor this process's time to ask: on a loaded host those are the host's, not the function's.
    /// </remarks>
    /// <param name="instance">The instance.</param>
    /// <param name="ct">Cancels the reads.</param>
    /// <returns>The time (zero when the line came before the daemon recorded the start), or null when nothing was logged yet.</returns>
    public async Task<TimeSpan?> FirstLineAfterStartAsync(WorkloadInstance instance, CancellationToken ct = default)
    {
        ContainerInspectResponse info = await InspectRawAsync(instance.Id, ct).ConfigureAwait(false);
        using global::Docker.DotNet.MultiplexedStream stream = await _engine.CallAsync($"logs of {instance.Name}", c => c.Containers.GetContainerLogsAsync(instance.Id, new ContainerLogsParameters { ShowStdout = true, ShowStderr = true, Timestamps = true }, ct)).ConfigureAwait(false);
        (string stdout, string stderr) = await stream.ReadOutputToEndAsync(ct).ConfigureAwait(false);
        DateTimeOffset? first = new[] { stdout, stderr }.Select(FirstStamp).Where(t => t is not null).Min();
        if (first is null || info.State is null)
        {
            return null;
        }

        TimeSpan took = first.Value - ParseStamp(info.State.StartedAt);
        return took < TimeSpan.Zero ? TimeSpan.Zero : took;
    }

    /// <summary>Runs a command inside a container (docker exec) and returns its exit code and output.</summary>
    /// <param name="instance">The instance.</param>
    /// <param name="command">The command and arguments.</param>
    /// <param name="ct">Cancels the run.</param>
    /// <returns>The exit code and output.</returns>
    public async Task<(long ExitCode, string Output)> ExecAsync(WorkloadInstance instance, IReadOnlyList<string> command, CancellationToken ct = default)
    {
        ContainerExecCreateResponse exec = await _engine.CallAsync($"exec in {instance.Name}", c => c.Exec.CreateContainerExecAsync(instance.Id, new ContainerExecCreateParameters { Cmd = [.. command], AttachStdout = true, AttachStderr = true }, ct)).ConfigureAwait(false);
        using global::Docker.DotNet.MultiplexedStream stream = await _engine.CallAsync($"exec in {instance.Name}", c => c.Exec.StartContainerExecAsync(exec.ID, new ContainerExecStartParameters(), ct)).ConfigureAwait(false);
        (string stdout, string stderr) = await stream.ReadOutputToEndAsync(ct).ConfigureAwait(false);
        ContainerExecInspectResponse done = await _engine.CallAsync($"exec in {instance.Name}", c => c.Exec.InspectContainerExecAsync(exec.ID, ct)).ConfigureAwait(false);
        return (done.ExitCode ?? -1, stdout + stderr);
    }

    /// <summary>The time stamp of the first line of a log read with <c>timestamps=1</c>, or null.</summary>
    private static DateTimeOffset? FirstStamp(string log)
    {
        int space = log.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 ? ParseStamp(log[..space]) : null;
    }

    /// <summary>Parses the daemon's RFC 3339 time with nanoseconds (.NET reads at most 7 fractional digits).</summary>
    private static DateTimeOffset ParseStamp(string stamp)
    {
        string s = stamp.Trim();
        int dot = s.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            int end = dot + 1;
            while (end < s.Length && char.IsAsciiDigit(s[end]))
            {
                end++;
            }

            s = s[..Math.Min(end, dot + 8)] + s[end..];
        }

        return DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }

    internal Task<ContainerInspectResponse> InspectRawAsync(string id, CancellationToken ct) =>
        _engine.CallAsync($"inspect of container {id[..Math.Min(12, id.Length)]}", c => c.Containers.InspectContainerAsync(id, ct));

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
