// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Text.RegularExpressions;
using NfvConformance.Lab.Linux.Run;

namespace NfvConformance.Lab.Linux.Chains.Ovs;

/// <summary>One OpenFlow rule's statistics, as <c>ovs-ofctl dump-flows</c> prints them.</summary>
/// <param name="Cookie">The rule's cookie.</param>
/// <param name="Table">The table.</param>
/// <param name="Packets">Packets that matched it.</param>
/// <param name="Bytes">Bytes that matched it (with the Ethernet header).</param>
internal sealed record OvsFlowStats(ulong Cookie, int Table, long Packets, long Bytes);

/// <summary>
/// A private Open vSwitch of one lab: its own ovsdb-server and ovs-vswitchd, started inside a network namespace of the
/// run with a run directory under the run's state folder (<c>/run/nfvc-lab/nfvc&lt;id&gt;/ovs</c>, so both command lines
/// carry the run token and <c>nfvc lab clean</c> finds them after a kill), and one bridge on the userspace datapath
/// (<c>datapath_type=netdev</c>, the only one this kernel offers). OpenFlow is spoken through the bridge's management
/// socket in that folder, so nothing of the host's own Open vSwitch (if any) is touched.
/// </summary>
internal sealed partial class OvsSwitch : IAsyncDisposable
{
    private const string OpenFlow = "OpenFlow15";

    private readonly string _namespace;
    private readonly string _dir;

    private OvsSwitch(string ns, string dir, string bridge)
    {
        _namespace = ns;
        _dir = dir;
        Bridge = bridge;
    }

    /// <summary>Gets the bridge's name (it carries the run id).</summary>
    public string Bridge { get; }

    /// <summary>Gets the run directory (database, sockets, pid and log files).</summary>
    public string Directory => _dir;

    private string DbSocket => Path.Combine(_dir, "db.sock");

    private string Management => "unix:" + Path.Combine(_dir, Bridge + ".mgmt");

    /// <summary>Starts the database and the switch daemon in a namespace and creates a netdev bridge with no rule (secure fail mode: it drops until rules come).</summary>
    /// <param name="ns">The network namespace (its interfaces become ports).</param>
    /// <param name="dir">The run directory, under the run's state folder.</param>
    /// <param name="bridge">The bridge name.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>The running switch.</returns>
    public static async Task<OvsSwitch> StartAsync(string ns, string dir, string bridge, CancellationToken cancellationToken)
    {
        if (System.IO.Directory.Exists(dir))
        {
            System.IO.Directory.Delete(dir, recursive: true);
        }

        System.IO.Directory.CreateDirectory(dir);
        OvsSwitch sw = new(ns, dir, bridge);
        try
        {
            string schema = new[] { "/usr/share/openvswitch/vswitch.ovsschema", "/usr/local/share/openvswitch/vswitch.ovsschema" }.FirstOrDefault(File.Exists)
                ?? throw new LabCommandException(new ShellResult("ovsdb-tool create", -1, string.Empty, "vswitch.ovsschema not found (apt-get install openvswitch-switch)"));
            _ = (await Shell.RunAsync("ovsdb-tool", ["create", Path.Combine(dir, "conf.db"), schema], cancellationToken).ConfigureAwait(false)).OrThrow();
            _ = (await sw.InNamespaceAsync(
                "ovsdb-server",
                [Path.Combine(dir, "conf.db"), "--remote=punix:" + sw.DbSocket, .. sw.Daemon("ovsdb-server")],
                cancellationToken).ConfigureAwait(false)).OrThrow();
            _ = (await sw.InNamespaceAsync("ovs-vswitchd", ["unix:" + sw.DbSocket, .. sw.Daemon("ovs-vswitchd")], cancellationToken).ConfigureAwait(false)).OrThrow();
            await sw.VsctlAsync(cancellationToken, "--no-wait", "init").ConfigureAwait(false);
            await sw.VsctlAsync(
                cancellationToken,
                "add-br",
                bridge,
                "--",
                "set",
                "bridge",
                bridge,
                "datapath_type=netdev",
                "fail_mode=secure",
                "protocols=OpenFlow10,OpenFlow13,OpenFlow15").ConfigureAwait(false);
            return sw;
        }
        catch
        {
            await sw.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Attaches interfaces of the namespace as ports with fixed OpenFlow port numbers.</summary>
    /// <param name="ports">Each interface and the OpenFlow port number it gets.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    public Task AddPortsAsync(IReadOnlyList<(string Interface, int OfPort)> ports, CancellationToken cancellationToken)
    {
        List<string> args = [];
        foreach ((string name, int ofport) in ports)
        {
            args.AddRange(["--", "add-port", Bridge, name, "--", "set", "Interface", name, string.Create(CultureInfo.InvariantCulture, $"ofport_request={ofport}")]);
        }

        return VsctlAsync(cancellationToken, [.. args.Skip(1)]);
    }

    /// <summary>Detaches ports (those already gone are ignored).</summary>
    /// <param name="interfaces">The interfaces.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    public Task DeletePortsAsync(IReadOnlyList<string> interfaces, CancellationToken cancellationToken) =>
        VsctlAsync(cancellationToken, [.. interfaces.SelectMany(i => new[] { "--", "--if-exists", "del-port", Bridge, i }).Skip(1)]);

    /// <summary>Deletes the rules whose cookie matches under a mask (learned rules, cookie 0, stay unless the mask is 0).</summary>
    /// <param name="cookie">The cookie.</param>
    /// <param name="mask">The mask.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    public Task DeleteFlowsAsync(ulong cookie, ulong mask, CancellationToken cancellationToken) =>
        OfctlAsync(cancellationToken, "del-flows", Management, string.Create(CultureInfo.InvariantCulture, $"cookie=0x{cookie:x}/0x{mask:x}"));

    /// <summary>Deletes every group (and the rules that point to them).</summary>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    public Task DeleteGroupsAsync(CancellationToken cancellationToken) => OfctlAsync(cancellationToken, "del-groups", Management);

    /// <summary>Adds groups, one <c>ovs-ofctl</c> group description per line.</summary>
    /// <param name="groups">The groups.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    public Task AddGroupsAsync(IReadOnlyList<string> groups, CancellationToken cancellationToken) => WithFileAsync("groups", groups, "add-groups", bundle: false, cancellationToken);

    /// <summary>Replaces groups that exist, one description per line.</summary>
    /// <param name="groups">The groups.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    public async Task ModifyGroupsAsync(IReadOnlyList<string> groups, CancellationToken cancellationToken)
    {
        foreach (string group in groups)
        {
            await OfctlAsync(cancellationToken, "mod-group", Management, group).ConfigureAwait(false);
        }
    }

    /// <summary>Adds rules, one <c>ovs-ofctl</c> flow per line.</summary>
    /// <param name="flows">The rules.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    public Task AddFlowsAsync(IReadOnlyList<string> flows, CancellationToken cancellationToken) => WithFileAsync("flows", flows, "add-flows", bundle: true, cancellationToken);

    /// <summary>Reads every rule's statistics.</summary>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>One entry per rule.</returns>
    public async Task<IReadOnlyList<OvsFlowStats>> DumpFlowsAsync(CancellationToken cancellationToken)
    {
        string text = (await Shell.RunAsync("ovs-ofctl", ["-O", OpenFlow, "dump-flows", Management], cancellationToken).ConfigureAwait(false)).OrThrow();
        return ParseFlowStats(text);
    }

    /// <summary>Parses <c>ovs-ofctl dump-flows</c> output.</summary>
    /// <param name="text">The output.</param>
    /// <returns>One entry per rule.</returns>
    public static IReadOnlyList<OvsFlowStats> ParseFlowStats(string text)
    {
        List<OvsFlowStats> flows = [];
        foreach (string line in text.Split('\n'))
        {
            Match m = FlowLine().Match(line);
            if (m.Success)
            {
                flows.Add(new OvsFlowStats(
                    ulong.Parse(m.Groups["cookie"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                    m.Groups["table"].Success ? int.Parse(m.Groups["table"].Value, CultureInfo.InvariantCulture) : 0,
                    long.Parse(m.Groups["packets"].Value, CultureInfo.InvariantCulture),
                    long.Parse(m.Groups["bytes"].Value, CultureInfo.InvariantCulture)));
            }
        }

        return flows;
    }

    /// <summary>Sums what the kernel dropped on the switch's packet sockets because the switch did not read them in time (<c>ss -0 -m</c>, <c>skmem d</c>).</summary>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>The drops so far (0 when <c>ss</c> is missing).</returns>
    public async Task<long> SocketDropsAsync(CancellationToken cancellationToken)
    {
        ShellResult ss = await Shell.RunAsync("ip", ["netns", "exec", _namespace, "ss", "-0", "-m", "-n"], cancellationToken).ConfigureAwait(false);
        long drops = 0;
        foreach (Match m in SocketDrops().Matches(ss.Stdout))
        {
            drops += long.Parse(m.Groups["d"].Value, CultureInfo.InvariantCulture);
        }

        return drops;
    }

    /// <summary>Stops both daemons (they are also found by the run token at teardown). Idempotent.</summary>
    /// <returns>A task.</returns>
    public ValueTask DisposeAsync()
    {
        List<int> pids = [];
        foreach (string daemon in new[] { "ovs-vswitchd", "ovsdb-server" })
        {
            string pidFile = Path.Combine(_dir, daemon + ".pid");
            if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                pids.Add(pid);
            }
        }

        _ = HostProcesses.Terminate(pids, TimeSpan.FromSeconds(2));
        return ValueTask.CompletedTask;
    }

    private string[] Daemon(string name) =>
    [
        "--pidfile=" + Path.Combine(_dir, name + ".pid"),
        "--unixctl=" + Path.Combine(_dir, name + ".ctl"),
        "--log-file=" + Path.Combine(_dir, name + ".log"),
        "--detach",
        "--no-chdir",
    ];

    // The daemons run inside the namespace (so its interfaces are theirs to open) and put their sockets in the run directory.
    private Task<ShellResult> InNamespaceAsync(string tool, IReadOnlyList<string> args, CancellationToken cancellationToken) =>
        Shell.RunAsync(
            "env",
            ["OVS_RUNDIR=" + _dir, "OVS_DBDIR=" + _dir, "OVS_LOGDIR=" + _dir, "ip", "netns", "exec", _namespace, Shell.Find(tool) ?? tool, .. args],
            cancellationToken);

    private async Task VsctlAsync(CancellationToken cancellationToken, params string[] args) =>
        _ = (await Shell.RunAsync("ovs-vsctl", ["--db=unix:" + DbSocket, "--timeout=20", .. args], cancellationToken).ConfigureAwait(false)).OrThrow();

    private async Task OfctlAsync(CancellationToken cancellationToken, params string[] args) =>
        _ = (await Shell.RunAsync("ovs-ofctl", ["-O", OpenFlow, .. args], cancellationToken).ConfigureAwait(false)).OrThrow();

    private async Task WithFileAsync(string what, IReadOnlyList<string> lines, string command, bool bundle, CancellationToken cancellationToken)
    {
        if (lines.Count == 0)
        {
            return;
        }

        string path = Path.Combine(_dir, what + ".txt");
        await File.WriteAllLinesAsync(path, lines, cancellationToken).ConfigureAwait(false);
        await OfctlAsync(cancellationToken, bundle ? ["--bundle", command, Management, path] : [command, Management, path]).ConfigureAwait(false);
    }

    [GeneratedRegex(@"skmem:\([^)]*,d(?<d>\d+)\)", RegexOptions.CultureInvariant)]
    private static partial Regex SocketDrops();

    [GeneratedRegex(@"cookie=0x(?<cookie>[0-9a-f]+),.*?(table=(?<table>\d+),.*?)?n_packets=(?<packets>\d+), n_bytes=(?<bytes>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex FlowLine();
}
