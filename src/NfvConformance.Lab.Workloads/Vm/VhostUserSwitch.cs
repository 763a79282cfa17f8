// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Lab.Linux.Chains.Dpdk;
using NfvConformance.Lab.Linux.Discovery;
using NfvConformance.Lab.Linux.Run;
using NfvConformance.Lab.Linux.Target;

namespace NfvConformance.Lab.Workloads.Vm;

/// <summary>
/// The vSwitch side of a VM whose interfaces are vhost-user ports: one <c>dpdk-testpmd</c> process in the VM's
/// namespace with a <c>net_vhost</c> port per interface (server mode, a socket under the run's state folder that QEMU
/// connects to), started before QEMU. When the chain plugs the VM's interfaces into that namespace,
/// <see cref="AttachAsync"/> adds a <c>net_af_packet</c> port on each and starts <c>io</c> forwarding, each vhost port
/// paired with its interface's port: every frame between the chain and the guest crosses testpmd and the guest's
/// virtio rings in shared memory, never a tap or a bridge. Its EAL file prefix carries the run id.
/// </summary>
internal sealed class VhostUserSwitch : IAsyncDisposable
{
    private readonly DpdkForwarder _testpmd;
    private readonly IReadOnlyList<string> _sockets;

    private VhostUserSwitch(DpdkForwarder testpmd, IReadOnlyList<string> sockets)
    {
        _testpmd = testpmd;
        _sockets = sockets;
    }

    /// <summary>Gets the socket of each interface's vhost-user port, in interface order.</summary>
    public IReadOnlyList<string> Sockets => _sockets;

    /// <summary>Gets the process id of testpmd.</summary>
    public int Pid => _testpmd.Pid;

    /// <summary>Gets whether <see cref="AttachAsync"/> has started forwarding.</summary>
    public bool Forwarding { get; private set; }

    /// <summary>Tells why a vhost-user switch cannot run on this host, or null when it can.</summary>
    /// <returns>The reason, or null.</returns>
    public static string? Unavailable()
    {
        if (Shell.Find("dpdk-testpmd") is null)
        {
            return "dpdk-testpmd is not installed; apt-get install dpdk-dev (the .ci/run script installs it).";
        }

        DpdkInstall dpdk = HostDiscovery.ScanDpdk();
        return !dpdk.Has("net", "vhost") ? "DPDK's net_vhost PMD is not installed (librte_net_vhost); apt-get install dpdk-dev."
            : !dpdk.Has("net", "af_packet") ? "DPDK's net_af_packet PMD is not installed (librte_net_af_packet); apt-get install dpdk-dev."
            : null;
    }

    /// <summary>Starts testpmd with one vhost-user port per interface and returns once every socket listens.</summary>
    /// <param name="run">The run (names, state folder).</param>
    /// <param name="vm">The VM's name.</param>
    /// <param name="netns">The VM's namespace.</param>
    /// <param name="interfaces">How many interfaces the VM has.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The switch, not forwarding yet.</returns>
    public static async Task<VhostUserSwitch> StartAsync(LinuxLabContext run, string vm, string netns, int interfaces, CancellationToken cancellationToken)
    {
        string testpmd = Shell.Find("dpdk-testpmd") ?? throw new WorkloadException("dpdk-testpmd is not installed; apt-get install dpdk-dev.");
        List<string> sockets = [];
        List<string> ports = [];
        for (int i = 0; i < interfaces; i++)
        {
            string socket = run.StatePath(string.Create(CultureInfo.InvariantCulture, $"vm/{vm}-vhost{i}.sock"));
            Directory.CreateDirectory(Path.GetDirectoryName(socket)!);
            File.Delete(socket);
            sockets.Add(socket);
            ports.Add(string.Create(CultureInfo.InvariantCulture, $"net_vhost{i},iface={socket},queues=1"));
        }

        // testpmd polls on the last CPU the lab may use, as the chain lab's DPDK hops do; QEMU's TCG thread shares the host.
        IReadOnlyList<int> cpus = Linux.Placement.CpuPinning.AllowedCpus(Environment.ProcessId);
        int cpu = cpus.Count > 0 ? cpus[^1] : 0;
        DpdkForwarder forwarder;
        try
        {
            forwarder = await DpdkForwarder.StartIdleAsync(testpmd, netns, run.Name("vhu-" + vm), cpu, ports, cancellationToken).ConfigureAwait(false);
        }
        catch (Abstractions.Errors.NfvConformanceException e)
        {
            throw new WorkloadException($"VM {vm}: the vhost-user switch did not start: {e.Message}");
        }

        VhostUserSwitch sw = new(forwarder, sockets);
        string? missing = sockets.FirstOrDefault(s => !File.Exists(s));
        if (missing is not null)
        {
            string log = forwarder.Log;
            await sw.DisposeAsync().ConfigureAwait(false);
            throw new WorkloadException($"VM {vm}: testpmd configured its vhost-user ports but {missing} does not exist: {log}");
        }

        return sw;
    }

    /// <summary>
    /// Adds a <c>net_af_packet</c> port on each of the VM's chain interfaces (already in the namespace) and starts
    /// forwarding: vhost port <c>i</c> is paired with interface <c>i</c>'s port.
    /// </summary>
    /// <param name="interfaces">The VM's interfaces in the namespace, in order.</param>
    /// <param name="cancellationToken">Cancels the commands.</param>
    /// <returns>A task.</returns>
    public async Task AttachAsync(IReadOnlyList<string> interfaces, CancellationToken cancellationToken)
    {
        int n = _sockets.Count;
        List<string> order = [];
        for (int i = 0; i < n; i++)
        {
            string port = string.Create(CultureInfo.InvariantCulture, $"net_af_packet{n + i},iface={interfaces[i]},qdisc_bypass=0");
            await ExpectAsync("port attach " + port, "is attached", cancellationToken).ConfigureAwait(false);
            await ExpectAsync(string.Create(CultureInfo.InvariantCulture, $"port start {n + i}"), "Done", cancellationToken).ConfigureAwait(false);
            order.Add(string.Create(CultureInfo.InvariantCulture, $"{i},{n + i}"));
        }

        // io forwarding pairs consecutive ports of the port list: (vhost0, chain0), (vhost1, chain1), ...
        int streams = 0;
        await _testpmd.SendAsync("set portlist " + string.Join(',', order), cancellationToken).ConfigureAwait(false);
        _ = await _testpmd.ExecuteAsync("start", l => l.Contains("-> TX P=", StringComparison.Ordinal) && ++streams == 2 * n, cancellationToken).ConfigureAwait(false);
        Forwarding = true;
    }

    /// <summary>Reads the packets testpmd received from and sent to the guest on an interface's vhost-user port.</summary>
    /// <param name="index">The interface's index.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>From the guest (received on the vhost port) and to the guest (sent on it).</returns>
    public Task<(long Received, long Sent)> GuestPortStatsAsync(int index, CancellationToken cancellationToken = default) =>
        _testpmd.PortStatsAsync(index, cancellationToken);

    /// <summary>Reads the packets testpmd received from and sent to the chain on an interface's af_packet port.</summary>
    /// <param name="index">The interface's index.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>From the chain and to the chain.</returns>
    public Task<(long Received, long Sent)> ChainPortStatsAsync(int index, CancellationToken cancellationToken = default) =>
        _testpmd.PortStatsAsync(_sockets.Count + index, cancellationToken);

    /// <summary>Stops testpmd and removes the sockets.</summary>
    /// <returns>A task.</returns>
    public async ValueTask DisposeAsync()
    {
        await _testpmd.DisposeAsync().ConfigureAwait(false);
        foreach (string s in _sockets)
        {
            File.Delete(s);
        }
    }

    private async Task ExpectAsync(string command, string answer, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> lines = await _testpmd.ExecuteAsync(command, l => l.Contains(answer, StringComparison.Ordinal) || l.Contains("Fail", StringComparison.OrdinalIgnoreCase) || l.Contains("Invalid", StringComparison.Ordinal), cancellationToken).ConfigureAwait(false);
        if (!lines[^1].Contains(answer, StringComparison.Ordinal))
        {
            throw new WorkloadException($"testpmd refused '{command}': {string.Join(" | ", lines)}");
        }
    }
}
