// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Emulator.ServiceChaining;
using NfvConformance.Emulator.ServiceChaining.Acceleration;
using NfvConformance.Emulator.Dataplane.Buffers;
using NfvConformance.Emulator.Dataplane.Graph;
using NfvConformance.Emulator.Dataplane.Ports;
using NfvConformance.Emulator.Dataplane.Vnfs;

namespace NfvConformance.Emulator.Internal;

/// <summary>
/// The emulator's dataplane: one packet pool, an ingress and an egress ring port, the service-chain engine whose
/// function factory builds the dataplane's VNF nodes, and the worker thread that drives the engine.
/// </summary>
internal sealed class EmulatorDataplane : IDisposable
{
    public const string Firewall = "firewall";
    public const string Nat44 = "nat44";
    public const string Router = "router";
    public const string LoadBalancer = "load-balancer";
    public const string Impairment = "impairment";

    // The functions the factory below can build; "wire" is the engine's own pass-through.
    public static IReadOnlySet<string> Functions { get; } = new HashSet<string>(StringComparer.Ordinal) { Firewall, Nat44, Router, LoadBalancer, Impairment };

    private const int IdleSpinsBeforeSleep = 256;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _worker;
    private long _iterations;

    public EmulatorDataplane(TimeProvider clock, CapabilitySnapshot snapshot, int seed)
    {
        Pool = new PacketPool(new PacketPoolOptions { Capacity = 16_384, BufferSize = 2048, Headroom = 128, Concurrency = PoolConcurrency.MultiThread });
        (IngressUser, RingPort ingress) = RingPort.CreatePair("user-ingress", "chain-ingress", Pool, 4096);
        (RingPort egress, EgressUser) = RingPort.CreatePair("chain-egress", "user-egress", Pool, 4096);
        Engine = new ServiceChainEngine(Pool, new ServiceChainEngineOptions
        {
            FunctionFactory = CreateFunction,
            KnownFunctions = Functions,
            // Flush at once: the target clock is virtual and only moves with lifecycle operations, so a drain
            // interval measured on it would hold a partial burst forever.
            OutputFactory = name => new PortOutputNode(name, egress, TimeSpan.Zero),
            Time = clock,
            Seed = seed,
            Model = new ChainModelOptions { GrantedModes = GrantedModes(snapshot) },
        });
        Engine.AddInput(ingress);
        _worker = new Thread(Run) { IsBackground = true, Name = "emulator-chain-worker" };
        _worker.Start();
    }

    public PacketPool Pool { get; }

    public ServiceChainEngine Engine { get; }

    /// <summary>Gets the user side of the ingress: packets transmitted here enter the chains.</summary>
    public RingPort IngressUser { get; }

    /// <summary>Gets the user side of the egress: packets leaving the chains are received here.</summary>
    public RingPort EgressUser { get; }

    public long Iterations => Volatile.Read(ref _iterations);

    /// <summary>The acceleration modes the published hardware can grant: kernel virtio always, the rest by feature.</summary>
    public static IReadOnlySet<AccelerationMode> GrantedModes(CapabilitySnapshot snapshot)
    {
        HashSet<AccelerationMode> modes = [AccelerationMode.KernelVirtio];
        if (snapshot.Publishes("dpdk") && snapshot.Publishes("hugepages"))
        {
            modes.Add(AccelerationMode.DpdkVhostUser);
            modes.Add(AccelerationMode.SharedMemory);
        }

        if (snapshot.Publishes("sriov"))
        {
            modes.Add(AccelerationMode.SriovVf);
        }

        if (snapshot.Publishes("smartnic"))
        {
            modes.Add(AccelerationMode.SmartNicOffload);
        }

        return modes;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _worker.Join();
        _stop.Dispose();
    }

    private static GraphNode CreateFunction(ServiceFunctionRequest request)
    {
        switch (request.Function)
        {
            case Firewall:
                // Stateful, permit-all policy: tracks connections without judging them, so chains forward; verifies TCP/UDP
                // checksums as Linux conntrack does (nf_conntrack_checksum=1), dropping bad ones as bad_l4_checksum.
                return new FirewallNode(request.NodeName, new FirewallOptions { Next = request.NextNode, DefaultAction = AclAction.Permit, StrictTcp = false, VerifyL4Checksum = true });
            case Nat44:
                return new Nat44Node(request.NodeName, new Nat44Options { InsideNetwork = "10.0.0.0/8", ExternalAddresses = ["192.0.2.1"], Next = request.NextNode });
            case Router:
                RouterNode router = new(request.NodeName, [new RouterInterface(request.NextNode, "02:00:00:00:01:00", "02:00:00:00:01:01")]);
                router.AddRoute("0.0.0.0/0", 0);
                return router;
            case LoadBalancer:
                return new LoadBalancerNode(request.NodeName, [request.NextNode]);
            case Impairment:
                return new ImpairmentNode(request.NodeName, new ImpairmentOptions { Next = request.NextNode });
            default:
                // KnownFunctions makes validation refuse any other name before the engine asks for it.
                throw new InvalidOperationException($"function '{request.Function}' of port pair '{request.PortPair}' is not one of: {string.Join(", ", Functions)}.");
        }
    }

    private void Run()
    {
        int idle = 0;
        CancellationToken stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            int received = Engine.RunIteration();
            Interlocked.Increment(ref _iterations);
            if (received > 0)
            {
                idle = 0;
            }
            else if (++idle >= IdleSpinsBeforeSleep)
            {
                // Nothing arrives for a while: sleep instead of spinning a core of a shared machine.
                Thread.Sleep(1);
            }
        }
    }
}
