// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;
using System.Globalization;
using Docker.DotNet.Models;
using NfvConformance.Lab.Workloads.Docker;
using NfvConformance.Lab.Workloads.Images;

namespace NfvConformance.Lab.Workloads.Checks;

/// <summary>The figures the best-practice checks hold a CNF to (per profile).</summary>
/// <param name="MaxImageBytes">The largest image allowed.</param>
/// <param name="MaxStartup">The longest start-up (its process started to its first line on stdout, by the daemon's clock).</param>
/// <param name="Grace">The grace period a CNF has to stop on SIGTERM.</param>
/// <param name="AllowedCapabilities">Capabilities a CNF may add (none by default: the platform wires its network).</param>
public sealed record BestPracticeLimits(long MaxImageBytes, TimeSpan MaxStartup, TimeSpan Grace, IReadOnlyList<string> AllowedCapabilities)
{
    /// <summary>Gets the basic profile's figures: 64 MiB, 2 s start-up, 5 s grace, no added capability.</summary>
    public static BestPracticeLimits Basic { get; } = new(64L << 20, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), []);
}

/// <summary>One check's verdict on one container.</summary>
/// <param name="Check">The check (<c>non-root</c>, <c>sigterm</c>, ...).</param>
/// <param name="Passed">True when the container follows the practice.</param>
/// <param name="Observed">What was read, and where.</param>
/// <param name="Remedy">What to change when it failed (empty when it passed).</param>
public sealed record BestPracticeFinding(string Check, bool Passed, string Observed, string Remedy)
{
    /// <inheritdoc />
    public override string ToString() => Passed ? $"PASS {Check}: {Observed}" : $"FAIL {Check}: {Observed}. Change: {Remedy}";
}

/// <summary>
/// The CNF best practices that have a Docker meaning (after the CNTi test suite), checked on a real container: its
/// configuration and image as the Engine API reports them, its process as the kernel reports it, and its behaviour
/// (SIGTERM, zombie reaping, logging, start-up) observed while it runs.
/// </summary>
public sealed class BestPracticeChecks
{
    /// <summary>The names of the checks, in the order they run.</summary>
    public static readonly string[] Names =
        ["not-privileged", "no-extra-capabilities", "non-root", "read-only-rootfs", "no-host-network", "no-host-pid", "no-host-ipc", "healthcheck", "image-size", "startup-time", "logs-to-stdout", "reaps-zombies", "sigterm-within-grace"];

    private readonly DockerEngine _engine;
    private readonly ContainerRuntime _runtime;
    private readonly ImageStore _images;

    /// <summary>Initializes a new instance of the <see cref="BestPracticeChecks"/> class.</summary>
    /// <param name="engine">The daemon.</param>
    /// <param name="runtime">The container runtime.</param>
    /// <param name="images">The image store.</param>
    public BestPracticeChecks(DockerEngine engine, ContainerRuntime runtime, ImageStore images)
    {
        _engine = engine;
        _runtime = runtime;
        _images = images;
    }

    /// <summary>Starts the container, checks it, stops and removes it.</summary>
    /// <param name="spec">The container (its image, user, capabilities, read-only; overrides for broken examples).</param>
    /// <param name="limits">The figures.</param>
    /// <param name="ct">Cancels the checks.</param>
    /// <returns>One finding per check; a check that could not run (the container did not start) is a failed finding saying why.</returns>
    public async Task<IReadOnlyList<BestPracticeFinding>> CheckAsync(WorkloadSpec spec, BestPracticeLimits limits, CancellationToken ct = default)
    {
        List<BestPracticeFinding> f = [];
        Stopwatch sw = Stopwatch.StartNew();
        WorkloadInstance? running = null;
        WorkloadInstance created;
        string? startError = null;
        try
        {
            running = await _runtime.StartAsync(spec, ct).ConfigureAwait(false);
            created = running;
            if (spec.Overrides?.CreateOnly == true)
            {
                running = null;
            }
        }
        catch (WorkloadException e)
        {
            startError = e.Message;
            created = await _runtime.StartAsync(spec with { Overrides = (spec.Overrides ?? new ContainerOverrides()) with { CreateOnly = true }, Name = spec.Name + "-c" }, ct).ConfigureAwait(false);
        }

        try
        {
            TimeSpan? firstLine = null;
            string logs = string.Empty;
            if (running is not null)
            {
                // The wait for the first line is counted from when the container runs, not from the create request: on
                // a loaded host the daemon alone can take seconds to create and start it, which is not the function's.
                Stopwatch waiting = Stopwatch.StartNew();
                while (waiting.Elapsed < limits.MaxStartup * 3 + TimeSpan.FromSeconds(1))
                {
                    logs = await _runtime.LogsAsync(running, ct).ConfigureAwait(false);
                    if (logs.Length > 0)
                    {
                        firstLine = await _runtime.FirstLineAfterStartAsync(running, ct).ConfigureAwait(false);
                        break;
                    }

                    await Task.Delay(50, ct).ConfigureAwait(false);
                }
            }

            ContainerInspectResponse c = await _runtime.InspectRawAsync(created.Id, ct).ConfigureAwait(false);
            ImageInspectResponse image = await _images.InspectAsync(c.Image, ct).ConfigureAwait(false);
            string api = $"docker:GET /containers/{created.Id[..12]}/json";
            HostConfig h = c.HostConfig ?? new HostConfig();

            f.Add(h.Privileged
                ? new("not-privileged", false, $"HostConfig.Privileged is true ({api})", "do not run it privileged (drop --privileged / privileged: true); add only the capabilities it needs, one by one")
                : new("not-privileged", true, $"HostConfig.Privileged is false ({api})", string.Empty));

            string[] extra = [.. (h.CapAdd ?? []).Select(x => x.Replace("CAP_", string.Empty, StringComparison.Ordinal)).Where(x => !limits.AllowedCapabilities.Contains(x))];
            f.Add(extra.Length > 0
                ? new("no-extra-capabilities", false, $"HostConfig.CapAdd has {string.Join(", ", extra)} ({api})", $"remove {string.Join(", ", extra)} from the added capabilities (realisation.capabilities / --cap-add); the profile allows {(limits.AllowedCapabilities.Count == 0 ? "none" : string.Join(", ", limits.AllowedCapabilities))}")
                : new("no-extra-capabilities", true, $"no capability beyond the profile's ({api} HostConfig.CapAdd)", string.Empty));

            string? uid = running is null ? null : File.ReadLines($"/proc/{running.Pid}/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))?.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];
            string user = c.Config?.User ?? string.Empty;
            bool root = uid is not null ? uid == "0" : user is "" or "0" or "root";
            f.Add(root
                ? new("non-root", false, uid is not null ? $"PID 1 runs as uid 0 (kernel:/proc/{running!.Pid}/status Uid)" : $"Config.User is '{user}' ({api})", "add 'USER 1000' (any non-zero uid) to the Dockerfile, or set realisation.user")
                : new("non-root", true, uid is not null ? $"PID 1 runs as uid {uid} (kernel:/proc/{running!.Pid}/status)" : $"Config.User is '{user}'", string.Empty));

            f.Add(h.ReadonlyRootfs
                ? new("read-only-rootfs", true, $"HostConfig.ReadonlyRootfs is true ({api})", string.Empty)
                : new("read-only-rootfs", false, $"HostConfig.ReadonlyRootfs is false ({api})", "run it with a read-only root filesystem (realisation.read_only: true, docker --read-only) and write only to a tmpfs or a volume"));

            f.Add(HostNs("no-host-network", h.NetworkMode, "HostConfig.NetworkMode", api, "do not share the host's network namespace (network_mode: host); let the platform attach its interfaces"));
            f.Add(HostNs("no-host-pid", h.PidMode, "HostConfig.PidMode", api, "do not share the host's PID namespace (pid: host)"));
            f.Add(HostNs("no-host-ipc", h.IpcMode, "HostConfig.IpcMode", api, "do not share the host's IPC namespace (ipc: host)"));

            HealthcheckConfig? hc = image.Config?.Healthcheck;
            bool hasHealth = hc?.Test is { Count: > 0 } t && t[0] != "NONE";
            string imageApi = $"docker:GET /images/{c.Image[..Math.Min(19, c.Image.Length)]}/json";
            f.Add(hasHealth
                ? new("healthcheck", true, $"Config.Healthcheck is {string.Join(' ', hc!.Test!)} ({imageApi})", string.Empty)
                : new("healthcheck", false, $"the image has no HEALTHCHECK ({imageApi} Config.Healthcheck)", "add a HEALTHCHECK instruction to the Dockerfile that probes the function (for example HEALTHCHECK CMD [\"/bin/sh\",\"-c\",\"kill -0 1\"])"));

            f.Add(image.Size <= limits.MaxImageBytes
                ? new("image-size", true, $"{Mib(image.Size)} MiB <= {Mib(limits.MaxImageBytes)} MiB ({imageApi} Size)", string.Empty)
                : new("image-size", false, $"{Mib(image.Size)} MiB > {Mib(limits.MaxImageBytes)} MiB ({imageApi} Size)", "make the image smaller: a multi-stage build copying only the binaries and libraries the function needs, no package caches or padding"));

            if (running is null)
            {
                string why = startError ?? "it was only created";
                foreach (string n in new[] { "startup-time", "logs-to-stdout", "reaps-zombies", "sigterm-within-grace" })
                {
                    f.Add(new(n, false, $"not observed: the container did not start ({why})", "make the container start with the settings above first"));
                }

                return f;
            }

            string startupSource = $"docker:GET /containers/{created.Id[..12]}/json State.StartedAt, /logs?timestamps=1";
            f.Add(firstLine is { } fl && fl <= limits.MaxStartup
                ? new("startup-time", true, $"first line on stdout {fl.TotalMilliseconds:F0} ms after its process started (<= {limits.MaxStartup.TotalSeconds:F1} s; {startupSource})", string.Empty)
                : new("startup-time", false, firstLine is { } slow ? $"first line on stdout {slow.TotalMilliseconds:F0} ms after its process started (> {limits.MaxStartup.TotalSeconds:F1} s; {startupSource})" : $"no line on stdout within {sw.Elapsed.TotalSeconds:F1} s", "start faster and say so on stdout: do slow initialisation after reporting ready, or lazily"));

            f.Add(logs.Length > 0
                ? new("logs-to-stdout", true, $"{logs.Length} bytes on stdout/stderr (docker:GET /containers/{created.Id[..12]}/logs)", string.Empty)
                : new("logs-to-stdout", false, $"nothing on stdout/stderr after {sw.Elapsed.TotalSeconds:F1} s (docker:GET /containers/{created.Id[..12]}/logs)", "write logs to stdout/stderr (the platform collects them), not to files inside the container"));

            f.Add(await ZombiesAsync(running, ct).ConfigureAwait(false));
            f.Add(await SigtermAsync(running, limits.Grace, ct).ConfigureAwait(false));
            return f;
        }
        finally
        {
            await _engine.CallAsync("removal of " + created.Name, cl => cl.Containers.RemoveContainerAsync(created.Id, new ContainerRemoveParameters { Force = true }, ct)).ConfigureAwait(false);
        }
    }

    private async Task<BestPracticeFinding> ZombiesAsync(WorkloadInstance i, CancellationToken ct)
    {
        // An exec'd shell leaves an orphan that exits 200 ms later: the orphan is reparented to the container's PID 1,
        // which has to reap it.
        (long code, string output) = await _runtime.ExecAsync(i, ["/bin/sh", "-c", "sleep 0.2 & exit 0"], ct).ConfigureAwait(false);
        if (code != 0)
        {
            return new("reaps-zombies", false, $"could not start a child in the container (exec exit {code}: {output.Trim()})", "make /bin/sh available in the image, or check reaping by hand");
        }

        await Task.Delay(1500, ct).ConfigureAwait(false);
        int zombies = 0;
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            string? stat = null;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            string[] rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (rest[0] == "Z" && int.Parse(rest[1], CultureInfo.InvariantCulture) == i.Pid)
            {
                zombies++;
            }
        }

        return zombies == 0
            ? new("reaps-zombies", true, $"no zombie child of PID 1 (host pid {i.Pid}) 1.5 s after an orphan exited (kernel:/proc/*/stat)", string.Empty)
            : new("reaps-zombies", false, $"{zombies} zombie child(ren) of PID 1 (host pid {i.Pid}) 1.5 s after an orphan exited (kernel:/proc/*/stat)", "make PID 1 reap its children (wait for them in a loop), or run under an init: docker run --init, tini or dumb-init as ENTRYPOINT");
    }

    private async Task<BestPracticeFinding> SigtermAsync(WorkloadInstance i, TimeSpan grace, CancellationToken ct)
    {
        (TimeSpan took, long exit) = await _runtime.StopKeepingAsync(i, grace, ct).ConfigureAwait(false);
        bool killed = exit == 137 || took >= grace;
        return killed
            ? new("sigterm-within-grace", false, $"still running {grace.TotalSeconds:F0} s after SIGTERM: SIGKILL ended it after {took.TotalSeconds:F1} s (exit {exit})", "handle SIGTERM in PID 1 (trap it and exit after draining), or run under an init that forwards it (docker --init, tini)")
            : new("sigterm-within-grace", true, $"exited {took.TotalMilliseconds:F0} ms after SIGTERM with code {exit} (grace {grace.TotalSeconds:F0} s)", string.Empty);
    }

    private static BestPracticeFinding HostNs(string check, string? mode, string field, string api, string remedy) =>
        string.Equals(mode, "host", StringComparison.Ordinal)
            ? new(check, false, $"{field} is host ({api})", remedy)
            : new(check, true, $"{field} is '{mode}' ({api})", string.Empty);

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture);
}
