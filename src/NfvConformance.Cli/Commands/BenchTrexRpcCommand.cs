// Licensed under the Apache License, Version 2.0.
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Traffic.Generators;
using NfvConformance.Trex.Rpc;
using NfvConformance.Trex.Server;

namespace NfvConformance.Cli.Commands;

/// <summary>
/// <c>nfvc bench trex-rpc</c>: the TRex RPC round trip on loopback (our client to our server, <c>ping</c>) side by side
/// with libzmq's own REQ/REP round trip (python3-zmq, two processes, the same request text), in one run.
/// </summary>
internal sealed class BenchTrexRpcCommand : IBenchSubcommand
{
    // The libzmq side: a REP echo and a REQ timing loop, each in its own python3 process (Debian's python3-zmq).
    private const string PyZmq = """
        import sys, time, zmq
        ctx = zmq.Context()
        if sys.argv[1] == "rep":
            s = ctx.socket(zmq.REP); port = s.bind_to_random_port("tcp://127.0.0.1"); print(port, flush=True)
            reply = b'{"jsonrpc":"2.0","id":1,"result":{"ts":12.5}}'
            while True:
                m = s.recv()
                if m == b"quit":
                    s.send(b"bye"); break
                s.send(reply)
        else:
            s = ctx.socket(zmq.REQ); s.connect("tcp://127.0.0.1:" + sys.argv[2]); n = int(sys.argv[3])
            req = b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{}}'
            for _ in range(200):
                s.send(req); s.recv()
            t = []
            for _ in range(n):
                a = time.perf_counter_ns(); s.send(req); s.recv(); t.append(time.perf_counter_ns() - a)
            if len(sys.argv) < 5:
                s.send(b"quit"); s.recv()
            t.sort(); print(t[len(t) // 2], t[int(len(t) * 0.99)], flush=True)
        """;

    public Command Create()
    {
        Option<int> requests = new("--requests") { Description = "Round trips per measurement.", DefaultValueFactory = _ => 20_000 };
        Option<int> rounds = new("--rounds") { Description = "Alternating rounds of each side; the medians are reported.", DefaultValueFactory = _ => 3 };
        Option<double> limit = new("--max-ratio") { Description = "Exit 1 when our median round trip exceeds libzmq's by more than this factor.", DefaultValueFactory = _ => 1.5 };
        Command command = new("trex-rpc", "TRex RPC round trip on loopback (our client and server) against libzmq REQ/REP (python3-zmq), side by side.") { requests, rounds, limit };
        command.SetAction((ParseResult pr) =>
        {
            int n = pr.GetValue(requests);
            int r = pr.GetValue(rounds);
            if (n < 100 || r < 1)
            {
                Console.Error.WriteLine("nfvc bench trex-rpc: --requests must be >= 100 and --rounds >= 1.");
                return ExitCodes.Usage;
            }

            string script = Path.Combine(Path.GetTempPath(), $"nfvc-pyzmq-{Environment.ProcessId}.py");
            File.WriteAllText(script, PyZmq);
            try
            {
                List<(double Median, double P99)> ours = [];
                List<(double Median, double P99)> libzmq = [];
                List<(double Median, double P99)> mixed = [];
                for (int i = 0; i < r; i++)
                {
                    ours.Add(Ours(n));
                    libzmq.Add(LibZmq(script, n));
                    mixed.Add(LibZmqToOurServer(script, n));
                }

                double om = Median(ours.Select(x => x.Median));
                double lm = Median(libzmq.Select(x => x.Median));
                double ratio = om / lm;
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"TRex RPC round trip on loopback, {n} requests x {r} rounds: nfvc client->server (ping) median {om / 1000:F1} us (p99 {Median(ours.Select(x => x.P99)) / 1000:F1} us); libzmq REQ/REP (python3-zmq) median {lm / 1000:F1} us (p99 {Median(libzmq.Select(x => x.P99)) / 1000:F1} us); ratio {ratio:F2} (limit {pr.GetValue(limit):F2}); libzmq REQ -> nfvc server median {Median(mixed.Select(x => x.Median)) / 1000:F1} us"));
                return ratio <= pr.GetValue(limit) ? ExitCodes.Success : ExitCodes.Failure;
            }
            catch (ConfigurationException ex)
            {
                Console.Error.WriteLine($"nfvc bench trex-rpc: {ex.Message}");
                return ExitCodes.Usage;
            }
            finally
            {
                File.Delete(script);
            }
        });
        return command;
    }

    private static (double Median, double P99) Ours(int n)
    {
        using TrexServer server = new(new EmulatedDeviceGenerator(null), new TrexServerOptions { RpcAddress = "tcp://127.0.0.1:0", AsyncAddress = "tcp://127.0.0.1:0" });
        server.Start();
        using TrexRpcClient client = new(server.RpcAddress);
        for (int i = 0; i < 200; i++)
        {
            client.Call("ping");
        }

        long[] t = new long[n];
        for (int i = 0; i < n; i++)
        {
            long a = Stopwatch.GetTimestamp();
            client.Call("ping");
            t[i] = Stopwatch.GetTimestamp() - a;
        }

        Array.Sort(t);
        double ns = 1e9 / Stopwatch.Frequency;
        return (t[n / 2] * ns, t[(int)(n * 0.99)] * ns);
    }

    // python3-zmq's REQ against our server: how much of the round trip is the server's.
    private static (double Median, double P99) LibZmqToOurServer(string script, int n)
    {
        using TrexServer server = new(new EmulatedDeviceGenerator(null), new TrexServerOptions { RpcAddress = "tcp://127.0.0.1:0", AsyncAddress = "tcp://127.0.0.1:0" });
        server.Start();
        string port = server.RpcAddress[(server.RpcAddress.LastIndexOf(':') + 1)..];
        using Process req = Python(script, "req", port, n.ToString(CultureInfo.InvariantCulture), "noquit");
        string line = req.StandardOutput.ReadLine() ?? throw new ConfigurationException("python3-zmq REQ failed: " + req.StandardError.ReadToEnd());
        req.WaitForExit(10_000);
        string[] parts = line.Split(' ');
        return (double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    private static (double Median, double P99) LibZmq(string script, int n)
    {
        using Process rep = Python(script, "rep");
        string port = rep.StandardOutput.ReadLine() ?? throw new ConfigurationException("python3-zmq did not start: install it (apt-get install python3-zmq).");
        using Process req = Python(script, "req", port, n.ToString(CultureInfo.InvariantCulture));
        string line = req.StandardOutput.ReadLine() ?? throw new ConfigurationException("python3-zmq REQ failed: " + req.StandardError.ReadToEnd());
        req.WaitForExit(10_000);
        rep.WaitForExit(10_000);
        string[] parts = line.Split(' ');
        return (double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    private static Process Python(string script, params string[] args)
    {
        ProcessStartInfo psi = new("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(script);
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        try
        {
            return Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new ConfigurationException("/usr/bin/python3 is missing: install python3 and python3-zmq.", ex);
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] v = [.. values.Order()];
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[(v.Length / 2) - 1] + v[v.Length / 2]) / 2;
    }
}
