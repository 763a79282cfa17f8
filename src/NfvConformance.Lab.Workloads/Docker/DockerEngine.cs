// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Net.Http;
using System.Net.Sockets;
using Docker.DotNet;
using Docker.DotNet.Models;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Lab.Linux.Run;
using NfvConformance.Lab.Linux.Target;
using NfvConformance.Lab.Workloads.Host;

namespace NfvConformance.Lab.Workloads.Docker;

/// <summary>
/// The Docker Engine a run uses, through Docker.DotNet: a private <c>dockerd</c> the run starts (data root, exec root
/// and socket under the run's state directory; <c>--iptables=false --bridge=none</c> so the host's firewall and
/// forwarding are left alone; containers under the cgroup parent <c>nfvc&lt;id&gt;-docker</c>) or a daemon already
/// running, given as <c>--set docker=unix:///PATH</c>. Every error names the socket and what to do.
/// </summary>
public sealed class DockerEngine : IAsyncDisposable
{
    /// <summary>The label every container and image of a run carries (its value is the run token).</summary>
    public const string RunLabel = "io.nfvc.run";

    private readonly LinuxLabContext _run;
    private readonly int? _daemonPid;

    private DockerEngine(LinuxLabContext run, string endpoint, DockerClient client, int? daemonPid)
    {
        _run = run;
        Endpoint = endpoint;
        Client = client;
        _daemonPid = daemonPid;
    }

    /// <summary>Gets the endpoint (<c>unix:///PATH</c>).</summary>
    public string Endpoint { get; }

    /// <summary>Gets a value indicating whether the run started this daemon itself.</summary>
    public bool IsPrivate => _daemonPid is not null;

    /// <summary>Gets the run token containers and images are labelled with.</summary>
    public string Token => _run.Token;

    /// <summary>Gets the run.</summary>
    public LinuxLabContext Run => _run;

    internal DockerClient Client { get; }

    /// <summary>Tells why Docker cannot be used on this host, or null when it can (dockerd on PATH, root).</summary>
    /// <returns>The reason, or null.</returns>
    public static string? Unavailable()
    {
        if (Environment.UserName != "root")
        {
            return "Docker workloads need root (a private dockerd, network namespaces); run as root.";
        }

        return Shell.Find("dockerd") is null ? "dockerd is not installed; apt-get install docker.io (the .ci/run script installs it)." : null;
    }

    /// <summary>Connects to the daemon the settings name (<c>docker=unix:///PATH</c>) or starts a private one.</summary>
    /// <param name="run">The run.</param>
    /// <param name="endpoint">The <c>docker</c> setting, or null to start a private daemon.</param>
    /// <param name="ct">Cancels the start.</param>
    /// <returns>The engine.</returns>
    public static Task<DockerEngine> OpenAsync(LinuxLabContext run, string? endpoint, CancellationToken ct = default) =>
        endpoint is null ? StartPrivateAsync(run, ct) : ConnectAsync(run, endpoint, ct);

    /// <summary>Connects to a running daemon.</summary>
    /// <param name="run">The run.</param>
    /// <param name="endpoint"><c>unix:///PATH</c>.</param>
    /// <param name="ct">Cancels the check.</param>
    /// <returns>The engine.</returns>
    /// <exception cref="ConfigurationException">The endpoint is not a unix socket URI.</exception>
    /// <exception cref="WorkloadException">Nothing answers on the socket.</exception>
    public static async Task<DockerEngine> ConnectAsync(LinuxLabContext run, string endpoint, CancellationToken ct = default)
    {
        if (!endpoint.StartsWith("unix:///", StringComparison.Ordinal))
        {
            throw new ConfigurationException($"--set docker={endpoint}: give the daemon's socket as unix:///PATH (for example unix:///var/run/docker.sock), or leave the setting out and the run starts a private dockerd.");
        }

        string socket = endpoint["unix://".Length..];
        if (!File.Exists(socket))
        {
            throw new WorkloadException($"No Docker daemon socket at {socket} (--set docker={endpoint}): start dockerd there, fix the path, or leave the setting out and the run starts a private dockerd.");
        }

        DockerEngine engine = new(run, endpoint, Build(endpoint), null);
        await engine.CallAsync<bool>("ping", async c =>
        {
            await c.System.PingAsync(ct).ConfigureAwait(false);
            return true;
        }, "start dockerd on that socket, or leave the setting out and the run starts a private dockerd").ConfigureAwait(false);
        return engine;
    }

    /// <summary>Starts a private dockerd for the run and waits until it answers.</summary>
    /// <param name="run">The run.</param>
    /// <param name="ct">Cancels the start.</param>
    /// <returns>The engine.</returns>
    public static async Task<DockerEngine> StartPrivateAsync(LinuxLabContext run, CancellationToken ct = default)
    {
        if (Unavailable() is { } why)
        {
            throw new WorkloadException(why);
        }

        string dir = run.StatePath("docker/daemon.json");
        File.WriteAllText(dir, "{}\n");
        string root = Path.GetDirectoryName(dir)!;
        string socket = Path.Combine(root, "docker.sock");
        string log = Path.Combine(root, "dockerd.log");
        string[] args =
        [
            "--config-file", dir,
            "--data-root", Path.Combine(root, "data"),
            "--exec-root", Path.Combine(root, "exec"),
            "--pidfile", Path.Combine(root, "dockerd.pid"),
            "-H", "unix://" + socket,
            "--iptables=false", "--ip-forward=false", "--ip-masq=false", "--bridge=none",
            "--cgroup-parent", "/" + run.Name("docker"),
            "--log-level", "warn",
        ];
        // dockerd writes its log to stderr: send it to the state directory through sh so nothing blocks on a pipe.
        System.Diagnostics.ProcessStartInfo sh = new("sh") { UseShellExecute = false };
        sh.ArgumentList.Add("-c");
        sh.ArgumentList.Add($"exec dockerd {string.Join(' ', args.Select(HostShell.Quote))} >{HostShell.Quote(log)} 2>&1");
        System.Diagnostics.Process p = System.Diagnostics.Process.Start(sh) ?? throw new WorkloadException("cannot start dockerd.");
        string endpoint = "unix://" + socket;
        DockerClient client = Build(endpoint);
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (p.HasExited)
            {
                string tail = File.Exists(log) ? string.Join('\n', File.ReadAllLines(log).TakeLast(5)) : string.Empty;
                throw new WorkloadException($"the private dockerd for socket {socket} exited with code {p.ExitCode} at start: {tail}. See {log}.");
            }

            if (File.Exists(socket))
            {
                try
                {
                    await client.System.PingAsync(ct).ConfigureAwait(false);
                    return new DockerEngine(run, endpoint, client, p.Id);
                }
                catch (Exception e) when (e is HttpRequestException or DockerApiException or IOException or SocketException or TimeoutException)
                {
                    // Not answering yet.
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                p.Kill(entireProcessTree: true);
                throw new WorkloadException($"the private dockerd did not answer on {socket} within 30 s; see {log}.");
            }

            await Task.Delay(100, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Calls the Engine API and turns transport errors into one that names the socket and what to do.</summary>
    internal async Task<T> CallAsync<T>(string what, Func<DockerClient, Task<T>> call, string? advice = null)
    {
        try
        {
            return await call(Client).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or SocketException or TimeoutException or TaskCanceledException && e is not OperationCanceledException { CancellationToken.IsCancellationRequested: true })
        {
            throw new WorkloadException($"Docker {what}: no answer from the daemon at {Endpoint} ({e.Message}); {advice ?? (IsPrivate ? "the run's private dockerd stopped; see its log in the run's state directory" : "check that dockerd runs on that socket, or leave --set docker out and the run starts a private dockerd")}.", e);
        }
        catch (DockerApiException e)
        {
            throw new WorkloadException($"Docker {what} at {Endpoint} failed: {e.StatusCode} {e.ResponseBody?.Trim()}", e);
        }
    }

    internal Task CallAsync(string what, Func<DockerClient, Task> call) => CallAsync<bool>(what, async c =>
    {
        await call(c).ConfigureAwait(false);
        return true;
    });

    /// <summary>Removes every container of the run, then stops a private daemon (its data root goes with the state directory).</summary>
    /// <returns>A task.</returns>
    public async ValueTask DisposeAsync()
    {
        try
        {
            IList<ContainerListResponse> list = await Client.Containers.ListContainersAsync(new ContainersListParameters
            {
                All = true,
                Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{RunLabel}={Token}"] = true } },
            }).ConfigureAwait(false);
            foreach (ContainerListResponse c in list)
            {
                await Client.Containers.RemoveContainerAsync(c.ID, new ContainerRemoveParameters { Force = true }).ConfigureAwait(false);
            }

            if (!IsPrivate)
            {
                IList<ImagesListResponse> images = await Client.Images.ListImagesAsync(new ImagesListParameters
                {
                    Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{RunLabel}={Token}"] = true } },
                }).ConfigureAwait(false);
                foreach (ImagesListResponse i in images)
                {
                    await Client.Images.DeleteImageAsync(i.ID, new ImageDeleteParameters { Force = true }).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException or SocketException or DockerApiException or TimeoutException)
        {
            // The daemon is gone already; the sweep below removes what is left.
        }

        Client.Dispose();
        if (_daemonPid is int pid)
        {
            await StopDaemonAsync(pid).ConfigureAwait(false);
        }
    }

    private async Task StopDaemonAsync(int pid)
    {
        _ = await Shell.RunAsync("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)]).ConfigureAwait(false);
        for (int i = 0; i < 100 && Directory.Exists($"/proc/{pid}"); i++)
        {
            await Task.Delay(100).ConfigureAwait(false);
        }

        if (Directory.Exists($"/proc/{pid}"))
        {
            _ = await Shell.RunAsync("kill", ["-KILL", pid.ToString(CultureInfo.InvariantCulture)]).ConfigureAwait(false);
        }

        // Overlay mounts of the data root, then the cgroup parent's directories (dockerd leaves them).
        string root = Path.Combine(_run.StateDirectory, "docker");
        foreach (string mount in File.ReadAllLines("/proc/self/mounts").Select(l => l.Split(' ')[1]).Where(m => m.StartsWith(root, StringComparison.Ordinal)).OrderByDescending(m => m.Length))
        {
            _ = await Shell.RunAsync("umount", ["-l", mount]).ConfigureAwait(false);
        }

        foreach (string controller in Directory.Exists("/sys/fs/cgroup") ? Directory.EnumerateDirectories("/sys/fs/cgroup") : [])
        {
            string parent = Path.Combine(controller, _run.Name("docker"));
            if (Directory.Exists(parent))
            {
                foreach (string d in Directory.EnumerateDirectories(parent, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length).Append(parent))
                {
                    try
                    {
                        Directory.Delete(d);
                    }
                    catch (IOException)
                    {
                        // A task is still in it; nfvc lab clean kills it.
                    }
                }
            }
        }

        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for nfvc lab clean, which removes the whole state directory.
        }
    }

    private static DockerClient Build(string endpoint) => new DockerClientBuilder().WithEndpoint(new Uri(endpoint)).WithTimeout(TimeSpan.FromSeconds(60)).Build();
}
