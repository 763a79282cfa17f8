// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Lab.Linux.Run;

namespace NfvConformance.Lab.Linux.Chains.Dpdk;

/// <summary>
/// One <c>dpdk-testpmd</c> process forwarding between two DPDK ports inside an instance's network namespace: an
/// <c>net_af_packet</c> port on a veth, or a <c>net_memif</c> port on a shared-memory socket. Interactive mode with
/// <c>--auto-start</c>: it forwards from start-up, and <c>quit</c> on its standard input stops it. Its command line
/// carries the run id (<c>--file-prefix</c>), so <c>nfvc lab clean</c> finds it after a crash; its runtime folder
/// (<c>/var/run/dpdk/PREFIX</c>, the multi-process socket memif needs) is removed when it stops. Its output is line
/// buffered (<c>stdbuf -oL</c>), so the start of forwarding is seen as it happens.
/// </summary>
internal sealed class DpdkForwarder : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan s_stopGrace = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan s_commandTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly TaskCompletionSource _forwarding = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly string _filePrefix;
    private readonly Queue<(List<string> Lines, Func<string, bool> IsLast, TaskCompletionSource<IReadOnlyList<string>> Done)> _waiters = new();
    private string _readyLine = "Start automatic packet forwarding";

    private DpdkForwarder(Process process, string commandLine, string filePrefix)
    {
        _process = process;
        CommandLine = commandLine;
        _filePrefix = filePrefix;
    }

    /// <summary>Gets the folder DPDK keeps a process's runtime files in.</summary>
    /// <param name="filePrefix">The EAL file prefix.</param>
    /// <returns>The folder.</returns>
    public static string RuntimeDirectory(string filePrefix) => Path.Combine(LabCleanup.DpdkRuntimeRoot, filePrefix);

    /// <summary>Gets the command line it was started with (for the report and errors).</summary>
    public string CommandLine { get; }

    /// <summary>Gets the process id (the <c>ip netns exec</c> process execs testpmd, so it is testpmd's).</summary>
    public int Pid => _process.Id;

    /// <summary>Gets what it printed so far (bounded).</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts testpmd in a namespace and returns once it forwards.</summary>
    /// <param name="testpmd">The path of <c>dpdk-testpmd</c>.</param>
    /// <param name="netns">The namespace.</param>
    /// <param name="filePrefix">The EAL file prefix (carries the run id).</param>
    /// <param name="cpu">The CPU both of its lcores run on (the main lcore only reads commands).</param>
    /// <param name="ports">Its two ports, as <c>--vdev</c> arguments, port 0 first.</param>
    /// <param name="peers">The destination MAC each port's transmitted frames get (<c>mac</c> forwarding), or null to pass frames untouched (<c>io</c>).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The running forwarder.</returns>
    /// <exception cref="NfvConformanceException">testpmd exited or did not start forwarding in time; the message holds its output.</exception>
    public static Task<DpdkForwarder> StartAsync(string testpmd, string netns, string filePrefix, int cpu, IReadOnlyList<string> ports, IReadOnlyList<string>? peers, CancellationToken cancellationToken) =>
        StartAsync(testpmd, netns, filePrefix, cpu, ports, peers, autoStart: true, cancellationToken);

    /// <summary>
    /// Starts testpmd in a namespace with its ports configured but not forwarding yet (<c>io</c> mode), and returns once
    /// its last port is configured: more ports are attached and forwarding started later with
    /// <see cref="ExecuteAsync"/> (a vhost-user switch serves a VM's socket before the VM's chain port exists).
    /// </summary>
    /// <param name="testpmd">The path of <c>dpdk-testpmd</c>.</param>
    /// <param name="netns">The namespace.</param>
    /// <param name="filePrefix">The EAL file prefix (carries the run id).</param>
    /// <param name="cpu">The CPU both of its lcores run on.</param>
    /// <param name="ports">Its ports, as <c>--vdev</c> arguments, port 0 first.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The running, idle forwarder.</returns>
    /// <exception cref="NfvConformanceException">testpmd exited or did not configure its ports in time; the message holds its output.</exception>
    public static Task<DpdkForwarder> StartIdleAsync(string testpmd, string netns, string filePrefix, int cpu, IReadOnlyList<string> ports, CancellationToken cancellationToken) =>
        StartAsync(testpmd, netns, filePrefix, cpu, ports, null, autoStart: false, cancellationToken);

    private static async Task<DpdkForwarder> StartAsync(string testpmd, string netns, string filePrefix, int cpu, IReadOnlyList<string> ports, IReadOnlyList<string>? peers, bool autoStart, CancellationToken cancellationToken)
    {
        string c = cpu.ToString(CultureInfo.InvariantCulture);

        // net_af_xdp fills each port's fill ring from the mbuf pool: with 4096 mbufs its receive found none
        // (RX-nombufs counting up, nothing forwarded); 16384 in 256 MB forward.
        bool afXdp = ports.Any(p => p.StartsWith("net_af_xdp", StringComparison.Ordinal));
        List<string> args =
        [
            "netns", "exec", netns, "stdbuf", "-oL", testpmd,
            "--no-huge", "-m", afXdp ? "256" : "128", "--no-pci", "--file-prefix", filePrefix, "--lcores", $"0@{c},1@{c}", "--log-level", "lib.eal:error",
            .. ports.SelectMany(p => new[] { "--vdev", p }),
            "--", "-i", .. (autoStart ? new[] { "--auto-start" } : []), "--nb-cores=1", afXdp ? "--total-num-mbufs=16384" : "--total-num-mbufs=4096", "--txd=512", "--rxd=512",
            peers is null ? "--forward-mode=io" : "--forward-mode=mac",
            .. (peers ?? []).Select((mac, port) => string.Create(CultureInfo.InvariantCulture, $"--eth-peer={port},{mac}")),
        ];
        ProcessStartInfo info = new("ip")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        Process process = new() { StartInfo = info, EnableRaisingEvents = true };
        DpdkForwarder forwarder = new(process, Shell.CommandLine("ip", args), filePrefix)
        {
            _readyLine = autoStart ? "Start automatic packet forwarding" : string.Create(CultureInfo.InvariantCulture, $"Port {ports.Count - 1}: "),
        };
        process.OutputDataReceived += (_, e) => forwarder.Append(e.Data);
        process.ErrorDataReceived += (_, e) => forwarder.Append(e.Data);
        process.Exited += (_, _) => forwarder._forwarding.TrySetException(new NfvConformanceException($"dpdk-testpmd exited ({forwarder.ExitCode()}) before forwarding: {forwarder.CommandLine}\n{forwarder.Log}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await forwarder._forwarding.Task.WaitAsync(s_startTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException or NfvConformanceException)
        {
            await forwarder.DisposeAsync().ConfigureAwait(false);
            if (e is NfvConformanceException)
            {
                throw;
            }

            throw new NfvConformanceException($"dpdk-testpmd did not start forwarding within {s_startTimeout.TotalSeconds:0} s: {forwarder.CommandLine}\n{forwarder.Log}", innerException: e);
        }

        return forwarder;
    }

    /// <summary>
    /// Gives testpmd one command on its standard input and returns what it printed after it, up to and including the
    /// line <paramref name="isLast"/> accepts. Commands are answered in order.
    /// </summary>
    /// <param name="command">The command (<c>port attach ...</c>, <c>start</c>, <c>show port stats 0</c>).</param>
    /// <param name="isLast">Accepts the last line of the answer.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The answer's lines.</returns>
    /// <exception cref="NfvConformanceException">testpmd exited or did not answer within 30 s.</exception>
    public async Task<IReadOnlyList<string>> ExecuteAsync(string command, Func<string, bool> isLast, CancellationToken cancellationToken = default)
    {
        TaskCompletionSource<IReadOnlyList<string>> done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            _waiters.Enqueue(([], isLast, done));
        }

        try
        {
            await SendAsync(command, cancellationToken).ConfigureAwait(false);
            return await done.Task.WaitAsync(s_commandTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or IOException or OperationCanceledException)
        {
            // An answer that never came must not take the lines of the commands after it.
            lock (_waiters)
            {
                var rest = _waiters.Where(w => w.Done != done).ToArray();
                _waiters.Clear();
                foreach (var w in rest)
                {
                    _waiters.Enqueue(w);
                }
            }

            if (e is OperationCanceledException)
            {
                throw;
            }

            throw new NfvConformanceException($"dpdk-testpmd did not answer '{command}' ({(_process.HasExited ? ExitCode() : "still running")}): {CommandLine}\n{Log}", innerException: e);
        }
    }

    /// <summary>Gives testpmd a command that answers nothing (<c>set portlist ...</c>).</summary>
    /// <param name="command">The command.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task.</returns>
    public async Task SendAsync(string command, CancellationToken cancellationToken = default)
    {
        await _process.StandardInput.WriteLineAsync(command).ConfigureAwait(false);
        await _process.StandardInput.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads one port's packet counters from testpmd (<c>show port stats</c>).</summary>
    /// <param name="port">The port id.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The packets received and sent on the port since it started.</returns>
    public async Task<(long Received, long Sent)> PortStatsAsync(int port, CancellationToken cancellationToken = default)
    {
        // The answer is a block framed by two lines of '#': "RX-packets: N  RX-missed: ..." ... "TX-packets: N ...".
        int frames = 0;
        IReadOnlyList<string> lines = await ExecuteAsync(
            string.Create(CultureInfo.InvariantCulture, $"show port stats {port}"),
            l => l.TrimStart().StartsWith("#####", StringComparison.Ordinal) && ++frames == 2,
            cancellationToken).ConfigureAwait(false);
        return (Counter(lines, "RX-packets:"), Counter(lines, "TX-packets:"));
    }

    private static long Counter(IReadOnlyList<string> lines, string name)
    {
        foreach (string line in lines)
        {
            int at = line.IndexOf(name, StringComparison.Ordinal);
            if (at >= 0)
            {
                string[] words = line[(at + name.Length)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(words[0], CultureInfo.InvariantCulture);
            }
        }

        throw new NfvConformanceException($"testpmd's port stats have no {name} line: {string.Join(" | ", lines)}");
    }

    /// <summary>Asks testpmd to quit; kills it after a grace period.</summary>
    /// <returns>A task.</returns>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await _process.StandardInput.WriteLineAsync("quit").ConfigureAwait(false);
                await _process.StandardInput.FlushAsync().ConfigureAwait(false);
            }
        }
        catch (IOException)
        {
            // It already closed its input: it is exiting.
        }

        using CancellationTokenSource grace = new(s_stopGrace);
        try
        {
            await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Gone between the check and the kill.
            }

            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        _process.Dispose();
        if (Directory.Exists(RuntimeDirectory(_filePrefix)))
        {
            Directory.Delete(RuntimeDirectory(_filePrefix), recursive: true);
        }
    }

    private string ExitCode()
    {
        try
        {
            return "exit code " + _process.ExitCode.ToString(CultureInfo.InvariantCulture);
        }
        catch (InvalidOperationException)
        {
            return "exit code unknown";
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            if (_log.Length < 64 * 1024)
            {
                _log.AppendLine(line);
            }
        }

        if (line.Contains(_readyLine, StringComparison.Ordinal))
        {
            _forwarding.TrySetResult();
        }

        lock (_waiters)
        {
            if (_waiters.Count > 0)
            {
                (List<string> lines, Func<string, bool> isLast, TaskCompletionSource<IReadOnlyList<string>> done) = _waiters.Peek();
                lines.Add(line);
                if (isLast(line))
                {
                    _ = _waiters.Dequeue();
                    done.TrySetResult(lines);
                }
            }
        }
    }
}
