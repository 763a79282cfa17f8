// Licensed under the Apache License, Version 2.0.
using System.CommandLine;
using System.Text.Json.Nodes;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Targets;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Emulator;
using NfvConformance.Traffic.Devices;
using NfvConformance.Traffic.Generators;
using NfvConformance.Trex.Rpc;
using NfvConformance.Trex.Server;

namespace NfvConformance.Cli.Commands;

/// <summary><c>nfvc emulator serve</c>: serve the emulator over TRex's protocol until SIGINT or SIGTERM.</summary>
internal sealed class EmulatorCommand : ICliCommand
{
    public Command Create()
    {
        Option<string> trex = new("--trex") { Description = "HOST:PORT of the TRex RPC (ZeroMQ REP) socket.", DefaultValueFactory = _ => "127.0.0.1:4501" };
        Option<string> trexAsync = new("--trex-async") { Description = "HOST:PORT of the TRex async (ZeroMQ PUB) socket.", DefaultValueFactory = _ => "127.0.0.1:4500" };
        Option<string?> dut = new("--dut") { Description = "DUT file (the format of 'nfvc bench ndr --dut'): traffic from port 0 to port 1 crosses that device. Default: the emulator's own virtual-time dataplane." };
        Option<string> pace = new("--pace") { Description = "real: a run with a duration takes that long, as on a real TRex; virtual: it finishes at once (the generator runs in virtual time).", DefaultValueFactory = _ => "real" };
        Option<int> seed = new("--seed") { Description = "Seed of the emulator (without --dut).", DefaultValueFactory = _ => 1 };
        Option<string?> record = new("--record") { Description = "Append every request received to FILE, one JSON object per line." };
        Option<bool> noRx = new("--no-rx-stats") { Description = "Publish ports without flow-stats/latency caps (add_stream with flow_stats then fails as on such a port)." };
        Command serve = new("serve", "Serve the emulator over TRex's stateless protocol (JSON-RPC over ZeroMQ) until SIGINT or SIGTERM.")
        {
            trex, trexAsync, dut, pace, seed, record, noRx,
        };
        serve.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            try
            {
                string rpc = Address(pr.GetValue(trex)!, "--trex");
                string pub = Address(pr.GetValue(trexAsync)!, "--trex-async");
                string paceText = pr.GetValue(pace)!;
                if (paceText is not ("real" or "virtual"))
                {
                    throw new ConfigurationException($"--pace '{paceText}' is not one of real, virtual.");
                }

                string? recordFile = pr.GetValue(record);
                ILabTarget? target = null;
                ITrafficGeneration generator;
                if (pr.GetValue(dut) is string file)
                {
                    generator = new EmulatedDeviceGenerator(DeviceFile.Load(file));
                }
                else
                {
                    target = new EmulatorBuilder().WithSeed(pr.GetValue(seed)).Build();
                    await target.StartAsync(ct).ConfigureAwait(false);
                    generator = target.GetFeature<ITrafficGeneration>() ?? throw new ConfigurationException("the emulator offers no traffic generator.");
                }

                using StreamWriter? log = recordFile is null ? null : new StreamWriter(recordFile, append: true) { AutoFlush = true };
                object gate = new();
                using TrexServer server = new(generator, new TrexServerOptions
                {
                    RpcAddress = rpc,
                    AsyncAddress = pub,
                    RealTime = paceText == "real",
                    RxStats = !pr.GetValue(noRx),
                    OnRequest = log is null ? null : (JsonObject r) =>
                    {
                        lock (gate)
                        {
                            log.WriteLine(r.ToJsonString());
                        }
                    },
                });
                server.Start();
                Console.Out.WriteLine($"nfvc emulator serve: TRex protocol on {server.RpcAddress} (async {server.AsyncAddress}), ports 0-1 through {generator.Name}; stop with Ctrl+C.");
                await Console.Out.FlushAsync(ct).ConfigureAwait(false);
                try
                {
                    await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }

                server.Stop();
                if (target is not null)
                {
                    await target.DisposeAsync().ConfigureAwait(false);
                }

                Console.Out.WriteLine($"nfvc emulator serve: stopped after {server.Requests} requests.");
                return ExitCodes.Success;
            }
            catch (ConfigurationException ex)
            {
                Console.Error.WriteLine($"nfvc emulator serve: {ex.Message}");
                return ExitCodes.Usage;
            }
        });
        return new Command("emulator", "Expose the emulator to other tools.") { serve };
    }

    private static string Address(string hostPort, string option)
    {
        TrexEndpoint e = TrexEndpoint.Parse(hostPort, option);
        return e.RpcAddress;
    }
}
