// Licensed under the Apache License, Version 2.0.
using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Traffic.Devices;
using NfvConformance.Traffic.Generators;
using NfvConformance.Trex.Rpc;
using NfvConformance.Trex.Server;

namespace NfvConformance.Trex.Tests;

/// <summary>Our TRex server on free loopback ports, over an emulated device, recording every request.</summary>
internal sealed class TestServer : IDisposable
{
    public const string Dut = """
        name: example-dut
        line_rate_gbps: 10
        capacity_pps: 3000000
        loss:
          background_ratio: 0.0
          above_capacity: proportional
        latency_us:
          base: 10.0
          load_factor: 2.0
          jitter: lognormal
          sigma: 0.25
        seed: 1
        """;

    public TestServer(bool realTime = true, bool rxStats = true, int apiMinor = 1, ITrafficGeneration? generator = null)
    {
        Device = DeviceFile.Parse(Dut, "dut.yaml");
        Generator = generator ?? new EmulatedDeviceGenerator(Device);
        Server = new TrexServer(Generator, new TrexServerOptions
        {
            RpcAddress = "tcp://127.0.0.1:0",
            AsyncAddress = "tcp://127.0.0.1:0",
            RealTime = realTime,
            RxStats = rxStats,
            ApiMinor = apiMinor,
            OnRequest = r => Recorded.Enqueue(r),
        });
        Server.Start();
        int rpc = int.Parse(Server.RpcAddress[(Server.RpcAddress.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        int async = int.Parse(Server.AsyncAddress[(Server.AsyncAddress.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        Endpoint = new TrexEndpoint("127.0.0.1", rpc, async);
    }

    public DeviceModel Device { get; }

    public ITrafficGeneration Generator { get; }

    public TrexServer Server { get; }

    public TrexEndpoint Endpoint { get; }

    public ConcurrentQueue<JsonObject> Recorded { get; } = new();

    public void Dispose() => Server.Dispose();
}
