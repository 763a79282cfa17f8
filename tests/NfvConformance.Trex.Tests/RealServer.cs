// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;
using System.Globalization;
using NfvConformance.Trex.Rpc;

namespace NfvConformance.Trex.Tests;

/// <summary>
/// Cisco's TRex v3.08 server (../shared/trex-server) started per its README, as root, in a network namespace of our
/// own: ports tvA/tvB are a veth pair in that namespace (or wired through a router namespace), and a management veth
/// from the root namespace reaches its RPC (4501) and async (4500) sockets.
/// </summary>
internal sealed class RealServer : IDisposable
{
    private readonly string _dir;
    private readonly Process _process;
    private readonly string _prefix;
    private readonly List<string> _namespaces = [];

    private RealServer(string ns, string dir, string prefix, Process process, TrexEndpoint endpoint, IEnumerable<string> namespaces)
    {
        Namespace = ns;
        _dir = dir;
        _prefix = prefix;
        _process = process;
        Endpoint = endpoint;
        _namespaces.AddRange(namespaces);
    }

    public string Namespace { get; }

    public TrexEndpoint Endpoint { get; }

    public string Log => File.Exists(Path.Combine(_dir, "trex.log")) ? File.ReadAllText(Path.Combine(_dir, "trex.log")) : string.Empty;

    /// <summary>Starts the server with its ports on a veth pair (router: through a kernel router namespace). Skips or fails (CI) when it cannot.</summary>
    public static RealServer Start(bool throughRouter = false)
    {
        string? shared = Peers.SharedDir();
        if (shared is null || !File.Exists(Path.Combine(shared, "trex-server", "_t-rex-64")))
        {
            Peers.Unavailable("the real TRex server (../shared/trex-server) is not beside the repository");
        }

        if (Environment.UserName != "root" && !string.Equals(Environment.GetEnvironmentVariable("USER"), "root", StringComparison.Ordinal) && Geteuid() != 0)
        {
            Peers.Unavailable("starting the real TRex server needs root (namespaces, veths, AF_PACKET)");
        }

        int id = Environment.ProcessId % 100000;
        string ns = $"nfvct{id}";
        string router = $"nfvcr{id}";
        string prefix = $"nfvct{id}";
        string mgmt = $"nfvm{id}";
        string dir = Path.Combine(Path.GetTempPath(), $"nfvc-trex-{id}");
        Cleanup(ns, router, mgmt, prefix, dir);
        Sh("ip", "netns", "add", ns);
        Sh("ip", "-n", ns, "link", "set", "lo", "up");
        List<string> spaces = [ns];
        if (!throughRouter)
        {
            Sh("ip", "-n", ns, "link", "add", "tvA", "address", "02:00:00:00:00:0a", "type", "veth", "peer", "name", "tvB", "address", "02:00:00:00:00:0b");
        }
        else
        {
            // TRex port 0 (16.0.0.0/24 side) -> router -> port 1 (48.0.0.0/24 side); the router forwards in the kernel.
            Sh("ip", "netns", "add", router);
            spaces.Add(router);
            Sh("ip", "-n", router, "link", "set", "lo", "up");
            Sh("ip", "-n", ns, "link", "add", "tvA", "address", "02:00:00:00:00:0a", "type", "veth", "peer", "name", "rA", "netns", router, "address", "02:00:00:00:01:0a");
            Sh("ip", "-n", ns, "link", "add", "tvB", "address", "02:00:00:00:00:0b", "type", "veth", "peer", "name", "rB", "netns", router, "address", "02:00:00:00:01:0b");
            Sh("ip", "-n", router, "addr", "add", "16.0.0.254/24", "dev", "rA");
            Sh("ip", "-n", router, "addr", "add", "48.0.0.254/24", "dev", "rB");
            Sh("ip", "-n", router, "link", "set", "rA", "up");
            Sh("ip", "-n", router, "link", "set", "rB", "up");
            Sh("ip", "netns", "exec", router, "sysctl", "-qw", "net.ipv4.ip_forward=1");
            // Static neighbours: the TRex ports do not answer ARP in this mode.
            Sh("ip", "-n", router, "neigh", "replace", "16.0.0.1", "lladdr", "02:00:00:00:00:0a", "dev", "rA", "nud", "permanent");
            Sh("ip", "-n", router, "neigh", "replace", "48.0.0.1", "lladdr", "02:00:00:00:00:0b", "dev", "rB", "nud", "permanent");
            for (int i = 2; i <= 254; i++)
            {
                // Flows vary the addresses: keep every destination resolvable, both ways.
                Sh("ip", "-n", router, "neigh", "replace", $"48.0.0.{i}", "lladdr", "02:00:00:00:00:0b", "dev", "rB", "nud", "permanent");
                Sh("ip", "-n", router, "neigh", "replace", $"16.0.0.{i}", "lladdr", "02:00:00:00:00:0a", "dev", "rA", "nud", "permanent");
            }
        }

        Sh("ip", "-n", ns, "link", "set", "tvA", "up");
        Sh("ip", "-n", ns, "link", "set", "tvB", "up");
        int b = (id % 250) + 1;
        string rootIp = $"10.213.{b}.1";
        string nsIp = $"10.213.{b}.2";
        Sh("ip", "link", "add", mgmt, "type", "veth", "peer", "name", "m0", "netns", ns);
        Sh("ip", "addr", "add", rootIp + "/30", "dev", mgmt);
        Sh("ip", "link", "set", mgmt, "up");
        Sh("ip", "-n", ns, "addr", "add", nsIp + "/30", "dev", "m0");
        Sh("ip", "-n", ns, "link", "set", "m0", "up");

        Directory.CreateDirectory(dir);
        foreach (string f in Directory.EnumerateFiles(Path.Combine(shared!, "trex-server"), "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(dir, Path.GetRelativePath(Path.Combine(shared!, "trex-server"), f));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(f, target, overwrite: true);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(dir, "_t-rex-64"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        string cfg = File.ReadAllText(Path.Combine(dir, "trex_cfg.example.yaml")).Replace("prefix: trexdemo", "prefix: " + prefix, StringComparison.Ordinal);
        if (throughRouter)
        {
            cfg = cfg.Replace("{dest_mac: 02:00:00:00:00:0b, src_mac: 02:00:00:00:00:0a}", "{dest_mac: 02:00:00:00:01:0a, src_mac: 02:00:00:00:00:0a}", StringComparison.Ordinal)
                     .Replace("{dest_mac: 02:00:00:00:00:0a, src_mac: 02:00:00:00:00:0b}", "{dest_mac: 02:00:00:00:01:0b, src_mac: 02:00:00:00:00:0b}", StringComparison.Ordinal);
        }

        File.WriteAllText(Path.Combine(dir, "trex_cfg.yaml"), cfg);
        ProcessStartInfo psi = new("/bin/sh") { WorkingDirectory = dir, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add($"exec ip netns exec {ns} ./_t-rex-64 -i --software --cfg ./trex_cfg.yaml --iom 0 >trex.log 2>&1 </dev/null");
        Process process = Process.Start(psi)!;
        RealServer server = new(ns, dir, prefix, process, new TrexEndpoint(nsIp, 4501, 4500), spaces) { _mgmt = mgmt };

        // Ready when it answers a ping (about 2 s).
        using TrexRpcClient probe = new(server.Endpoint.RpcAddress, new TrexRpcOptions { Timeout = TimeSpan.FromMilliseconds(500) });
        Stopwatch sw = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                probe.Call("ping");
                return server;
            }
            catch (TrexException) when (sw.Elapsed < TimeSpan.FromSeconds(30) && !process.HasExited)
            {
            }
            catch (TrexException)
            {
                string log = server.Log;
                server.Dispose();
                Peers.Unavailable($"the real TRex server did not start within 30 s: {log[Math.Max(0, log.Length - 1500)..]}");
                throw;
            }
        }
    }

    private string _mgmt = string.Empty;

    /// <summary>Kills the server (SIGKILL), as a crash would.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _ = Process.Start("kill", ["-INT", _process.Id.ToString(CultureInfo.InvariantCulture)])?.WaitForExit(2000);
            if (!_process.WaitForExit(10_000))
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }
        }

        _process.Dispose();
        Cleanup(Namespace, _namespaces.Count > 1 ? _namespaces[1] : string.Empty, _mgmt, _prefix, _dir);
    }

    private static void Cleanup(string ns, string router, string mgmt, string prefix, string dir)
    {
        Run("ip", "link", "del", mgmt);
        Run("ip", "netns", "del", ns);
        if (router.Length > 0)
        {
            Run("ip", "netns", "del", router);
        }

        if (Directory.Exists("/var/run/dpdk/" + prefix))
        {
            Directory.Delete("/var/run/dpdk/" + prefix, recursive: true);
        }

        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void Sh(params string[] args)
    {
        (int code, string err) = Run(args);
        if (code != 0)
        {
            Peers.Unavailable($"'{string.Join(' ', args)}' failed ({code}): {err}");
        }
    }

    private static (int Code, string Err) Run(params string[] args)
    {
        ProcessStartInfo psi = new(args[0]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in args.Skip(1))
        {
            psi.ArgumentList.Add(a);
        }

        using Process p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, err);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint Geteuid();
}
