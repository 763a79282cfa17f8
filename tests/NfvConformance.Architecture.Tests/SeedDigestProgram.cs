// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.ContainerPlatform;
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.TenantNetworking;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Abstractions.Targets;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Emulator;
using NfvConformance.Traffic.Devices;
using NfvConformance.Traffic.Generators;

namespace NfvConformance.Architecture.Tests;

/// <summary>
/// Runs a sample of seeded trials of every kind the tool has and prints one digest line per kind. The
/// reproducibility test runs this in two fresh processes (each with its own string-hash randomisation) and compares.
/// Only what the seed decides goes into a digest, never a wall-clock duration.
/// </summary>
public static class SeedDigestProgram
{
    /// <summary>The command-line word that makes this assembly print digests instead of doing nothing.</summary>
    public const string Verb = "seed-digests";

    /// <summary>Prints the digests for a seed: <c>dotnet NfvConformance.Architecture.Tests.dll seed-digests 7</c>.</summary>
    /// <param name="args">The verb and the seed.</param>
    /// <returns>0.</returns>
    public static async Task<int> Main(string[] args)
    {
        if (args.Length != 2 || args[0] != Verb)
        {
            await Console.Error.WriteLineAsync($"usage: {Verb} SEED").ConfigureAwait(false);
            return 2;
        }

        foreach ((string kind, string digest) in await DigestsAsync(int.Parse(args[1], CultureInfo.InvariantCulture)).ConfigureAwait(false))
        {
            Console.WriteLine($"{kind} {digest}");
        }

        return 0;
    }

    /// <summary>Runs every kind of seeded trial and digests what the seed decides.</summary>
    /// <param name="seed">The run's seed.</param>
    /// <returns>Each kind with the SHA-256 of its outcome.</returns>
    public static async Task<List<(string Kind, string Digest)>> DigestsAsync(int seed)
    {
        List<(string, string)> digests = [];
        // High-performance nodes have PTP hardware clocks.
        await using ILabTarget target = new EmulatorBuilder().WithProfile(Profiles.HighPerformance).WithSeed(seed).Build();
        await target.StartAsync().ConfigureAwait(false);
        CapabilitySnapshotDigest(target, out List<string> nicsWithClock);

        // PTP: the oscillator and time-stamp noise of every hardware-clock NIC.
        IPtpSynchronisation ptp = target.GetFeature<IPtpSynchronisation>()!;
        StringBuilder p = new();
        foreach (string nodeNic in nicsWithClock)
        {
            string[] parts = nodeNic.Split('/');
            PtpRun run = await ptp.SynchroniseAsync(new PtpRunRequest(parts[0], parts[1], TimeSpan.FromSeconds(5), Seed: seed));
            p.AppendJoin(',', run.Samples.Select(s => s.OffsetNs.ToString("R", CultureInfo.InvariantCulture))).Append('\n');
        }

        digests.Add(("ptp", Hash(p)));

        // A chain trial in virtual time, overloaded: the seeded flows' split over two firewall instances and the seeded
        // per-packet latency decide what is lost and how late (the simulator digests every event).
        IServiceChaining chaining = target.GetFeature<IServiceChaining>()!;
        await chaining.ApplyAsync(Chain()).ConfigureAwait(false);
        ChainTrialResult chain = await target.GetFeature<IChainTrialSimulation>()!.RunTrialAsync(new ChainTrialOptions("web")
        {
            Duration = TimeSpan.FromMilliseconds(50),
            OfferedLoadPps = 1_200_000,
            Flows = 1000,
            Seed = seed,
        }).ConfigureAwait(false);
        StringBuilder ct = new();
        ct.Append(CultureInfo.InvariantCulture, $"{chain.Digest} {chain.Sent} {chain.Delivered} {chain.Events}");
        digests.Add(("chain-trial", Hash(ct)));

        // A trial on an emulated device with lognormal jitter (the NDR/PDR bench's generator).
        EmulatedDeviceGenerator device = new(new DeviceModel
        {
            Name = "dut",
            LineRateGbps = 10,
            CapacityPps = new Dictionary<int, double> { [64] = 3_000_000 },
            BaseLatencyUs = 10,
            Jitter = JitterKind.Lognormal,
            Sigma = 0.3,
            Seed = seed,
        });
        TrialResult dut = await device.RunTrialAsync(new TrialRequest
        {
            Profile = new([new TrafficStream { Name = "f" }]),
            RatePerPort = TrafficRate.PercentOfLine(25),
            Duration = TimeSpan.FromSeconds(1),
        }).ConfigureAwait(false);
        digests.Add(("device-trial", Hash(Describe(dut))));

        // Tenant networking: the MACs and addresses the service draws.
        ITenantNetworking tenants = target.GetFeature<ITenantNetworking>()!;
        TenantProject project = (await tenants.CreateProjectAsync("digest").ConfigureAwait(false)).Result;
        TenantNetwork network = (await tenants.CreateNetworkAsync(project.Id, new NetworkSpec("net")).ConfigureAwait(false)).Result;
        await tenants.CreateSubnetAsync(project.Id, new SubnetSpec(network.Id, "10.9.0.0/24")).ConfigureAwait(false);
        string node = target.DiscoverAsync().AsTask().Result.Nodes[0].Id;
        StringBuilder t = new();
        for (int i = 0; i < 3; i++)
        {
            TenantPort port = (await tenants.CreatePortAsync(project.Id, new PortSpec(network.Id, node)).ConfigureAwait(false)).Result;
            t.Append(port.MacAddress).Append(' ').AppendJoin(',', port.FixedIps).Append('\n');
        }

        digests.Add(("tenant-ports", Hash(t)));

        // Container platform: the sandbox, veth and MAC identities the runtime and CNI draw for pods.
        IContainerPlatform k8s = target.GetFeature<IContainerPlatform>()!;
        string k8sNode = (await k8s.GetNodesAsync())[0].Name;
        await k8s.ApplyAsync("apiVersion: v1\nkind: Namespace\nmetadata: {name: dg}\n");
        StringBuilder c = new();
        foreach (string name in new[] { "a", "b", "c" })
        {
            await k8s.ApplyAsync($"apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: dg}}\nspec:\n  nodeName: {k8sNode}\n  containers: [{{name: main, image: agnhost}}]\n");
            PodView pod = (await k8s.GetPodAsync("dg", name))!;
            c.Append(pod.Name).Append(' ').AppendJoin(',', pod.PodIps).Append(' ').Append((await k8s.ExecAsync("dg", name)).NetworkNamespace).Append('\n');
            c.AppendJoin(',', pod.Annotations.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}")).Append('\n');
        }

        c.AppendJoin(',', (await k8s.GetHostInterfacesAsync(k8sNode)).Select(i => i.Name));
        digests.Add(("container-pods", Hash(c)));
        return digests;
    }

    private static void CapabilitySnapshotDigest(ILabTarget target, out List<string> nicsWithClock)
    {
        nicsWithClock = [.. target.DiscoverAsync().AsTask().Result.Nodes
            .SelectMany(n => (n.Hardware?.Nics ?? []).Where(nic => nic.Timestamping is { PtpHardwareClock: true }).Select(nic => $"{n.Id}/{nic.Name}"))];
    }

    private static ChainSpec Chain() => new ChainSpecBuilder()
        .WithPortPair(new PortPair("fw-1", "fw-1-in", "fw-1-out", "firewall"))
        .WithPortPair(new PortPair("fw-2", "fw-2-in", "fw-2-out", "firewall"))
        .WithPortPair(new PortPair("rt-1", "rt-1-in", "rt-1-out", "router"))
        .WithPortPairGroup(new PortPairGroup("fw", ["fw-1", "fw-2"]))
        .WithPortPairGroup(new PortPairGroup("rt", ["rt-1"]))
        .WithFlowClassifier(new FlowClassifier("inside") { SourceIpPrefix = "10.0.0.0/8", Protocol = ClassifierProtocol.Udp })
        .WithPortChain(new PortChain("web", ["fw", "rt"], ["inside"]) { ChainId = 7, Correlation = SfcCorrelation.Nsh })
        .Build();

    private static StringBuilder Describe(TrialResult r)
    {
        StringBuilder sb = new();
        sb.Append(CultureInfo.InvariantCulture, $"{r.TxPackets} {r.RxPackets} {r.Latency.Count} {r.Latency.Min} {r.Latency.Max} {r.Latency.Sum:R}");
        foreach (double percentile in new[] { 50.0, 99.0, 99.9 })
        {
            sb.Append(' ').Append(r.Latency.ValueAtPercentile(percentile).ToString("R", CultureInfo.InvariantCulture));
        }

        foreach (StreamCounters s in r.Streams)
        {
            sb.Append(CultureInfo.InvariantCulture, $" {s.Name}:{s.TxPackets}/{s.RxPackets}/{s.OutOfOrder}/{s.Duplicates}");
        }

        return sb;
    }

    private static string Hash(StringBuilder text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
}
