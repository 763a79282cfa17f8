// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Emulator.ServiceChaining;
using NfvConformance.Emulator.ServiceChaining.Compilation;
using NfvConformance.Emulator.ServiceChaining.Dataplane;
using NfvConformance.Emulator.Dataplane.Buffers;
using NfvConformance.Emulator.Dataplane.Graph;
using NfvConformance.Emulator.Dataplane.Ports;
using NfvConformance.Emulator.Dataplane.Vnfs;

namespace NfvConformance.Benchmarks.Chaining;

/// <summary>
/// The benchmark rig: a null port receiving 64-byte UDP frames of N flows (templates copied into pool buffers, as
/// DPDK's net_null with data), the chain engine, and a port output into a null port that frees them.
/// </summary>
internal sealed class ChainBenchSetup
{
    private ChainBenchSetup(PacketPool pool, ServiceChainEngine engine, NullPort rx, NullPort tx, string chain)
    {
        Pool = pool;
        Engine = engine;
        Rx = rx;
        Tx = tx;
        Chain = chain;
    }

    public PacketPool Pool { get; }

    public ServiceChainEngine Engine { get; }

    public NullPort Rx { get; }

    public NullPort Tx { get; }

    public string Chain { get; }

    /// <summary>Builds the rig.</summary>
    /// <param name="chain"><c>fw,nat,router</c> (the dataplane's VNFs), <c>wire3</c> (three pass-through hops: the chain's own cost) or <c>io</c> (no chain: null port to null port).</param>
    /// <param name="flows">Distinct UDP flows.</param>
    /// <param name="frameSize">Frame size in bytes.</param>
    /// <param name="measureNodes">Measure time per node (adds two timestamp reads per node call).</param>
    public static ChainBenchSetup Create(string chain, int flows, int frameSize = 64, bool measureNodes = false)
    {
        PacketPool pool = new(new PacketPoolOptions { Capacity = 8192 });
        List<byte[]> templates = [];
        for (int f = 0; f < flows; f++)
        {
            FlowKey key = new()
            {
                Source = 0x0A00_0000u + 1 + (uint)f,
                Destination = 0xC633_6401,
                SourcePort = (ushort)(1024 + (f % 60_000)),
                DestinationPort = 53,
                Protocol = 17,
                SourceMac = 0x02_00_00_00_00_01,
                DestinationMac = 0x02_00_00_00_00_02,
            };
            byte[] frame = new byte[frameSize];
            ChainHeaders.WriteFrame(frame, in key, frameSize);
            templates.Add(frame);
        }

        NullPort rx = new("rx0", pool, frameSize, templates);
        NullPort tx = new("tx0", pool, frameSize);
        ServiceChainEngine engine = new(pool, new ServiceChainEngineOptions
        {
            FunctionFactory = CreateFunction,
            KnownFunctions = new HashSet<string> { "firewall", "nat44", "router" },
            OutputFactory = name => new PortOutputNode(name, tx, TimeSpan.Zero),
            FlowCapacity = Math.Max(1_024, flows * 3 / 2),
            FailureDetection = null,
            MeasureNodeTime = measureNodes,
        });
        string[] functions = chain switch
        {
            "fw,nat,router" => ["firewall", "nat44", "router"],
            "wire3" => ["wire", "wire", "wire"],
            "io" => [],
            _ => throw new ArgumentException($"chain '{chain}' is not one of fw,nat,router | wire3 | io", nameof(chain)),
        };

        ChainSpecBuilder spec = new ChainSpecBuilder().WithFlowClassifier(new FlowClassifier("inside") { SourceIpPrefix = "10.0.0.0/8" });
        for (int i = 0; i < functions.Length; i++)
        {
            spec = spec.WithPortPair(new PortPair($"{functions[i]}-{i}", $"in{i}", $"out{i}", functions[i]) { Acceleration = AccelerationMode.SharedMemory })
                .WithPortPairGroup(new PortPairGroup($"hop{i}", [$"{functions[i]}-{i}"]));
        }

        if (functions.Length > 0)
        {
            spec = spec.WithPortChain(new PortChain("bench", [.. Enumerable.Range(0, functions.Length).Select(i => $"hop{i}")], ["inside"]) { ChainId = 1 });
            ChainApplyResult applied = engine.Apply(spec.Build());
            if (!applied.Applied)
            {
                throw new InvalidOperationException(string.Join("; ", applied.Problems));
            }
        }

        engine.AddInput(rx);
        return new ChainBenchSetup(pool, engine, rx, tx, chain);
    }

    private static GraphNode CreateFunction(ServiceFunctionRequest request) => request.Function switch
    {
        "firewall" => new FirewallNode(request.NodeName, new FirewallOptions { Next = request.NextNode, DefaultAction = AclAction.Permit, MaxConnections = 32_768 }),
        "nat44" => new Nat44Node(request.NodeName, new Nat44Options { InsideNetwork = "10.0.0.0/8", ExternalAddresses = ["203.0.113.1"], Next = request.NextNode, MaxSessions = 32_768 }),
        "router" => CreateRouter(request),
        _ => throw new ArgumentException($"unknown function {request.Function}", nameof(request)),
    };

    private static RouterNode CreateRouter(ServiceFunctionRequest request)
    {
        RouterNode router = new(request.NodeName, [new RouterInterface(request.NextNode, "02:00:00:00:00:10", "02:00:00:00:00:20")]);
        router.AddRoute("0.0.0.0/0", 0);
        return router;
    }
}
