// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Lab.Linux.Chains;
using NfvConformance.Lab.Linux.Run;

namespace NfvConformance.Lab.Linux.Tests.Chains;

/// <summary>
/// What the chain-lab tests need from the host: root and the tools the lab drives. Without them a test is skipped
/// with the reason, except under CI=true, where a missing tool or privilege is a failure.
/// </summary>
internal static class ChainLabHost
{
    public static void Require(params string[] tools)
    {
        List<string> missing = [.. new[] { "ip", "nft" }.Concat(tools).Distinct(StringComparer.Ordinal).Where(t => Shell.Find(t) is null)];
        string? problem = !OperatingSystem.IsLinux() ? "the chain lab needs Linux"
            : !Environment.IsPrivilegedProcess ? "the chain lab creates network namespaces and nftables tables, which needs root"
            : missing.Count > 0 ? $"missing host tool(s): {string.Join(", ", missing)} (apt-get install iproute2 nftables openvswitch-switch ethtool)"
            : null;
        if (problem is not null)
        {
            Tools.Missing(problem);
        }
    }
}

/// <summary>
/// A fresh run and chaining facet per test, torn down after it (and checked to leave nothing behind: no namespace, no
/// process). Each fixture runs once per steering (<c>kernel</c>, <c>ovs</c>), so every check holds under both.
/// </summary>
public abstract class ChainLabTestBase
{
    private readonly string _steering;
    private LabRun? _run;
    private LinuxServiceChaining? _chaining;

    protected ChainLabTestBase(string steering = "kernel")
    {
        _steering = steering;
    }

    internal ChainSteering Steering => ChainSteeringSetting.TryParse(_steering, out ChainSteering s) ? s : throw new ArgumentException(_steering);

    /// <summary>Gets the break that makes the group balancer hash on addresses only, under this fixture's steering.</summary>
    internal LabBreak L3OnlyHash => Steering == ChainSteering.Ovs ? LabBreak.SelectGroupL3Only : LabBreak.EcmpL3Only;

    internal LinuxServiceChaining Chaining => _chaining ?? throw new InvalidOperationException("not set up");

    internal ChainLab Lab => Chaining.Lab;

    internal LabRun CurrentRun => _run ?? throw new InvalidOperationException("not set up");

    internal string Token => _run!.Token;

    [SetUp]
    public void StartLab()
    {
        ChainLabHost.Require(Steering == ChainSteering.Ovs ? ChainSteeringSetting.OvsTools : []);
        _run = LabRun.Start();
        _chaining = new LinuxServiceChaining(_run, Steering);
    }

    /// <summary>Replaces the test's chaining facet with one whose chains run these vendor VNFs (files under Chains/vnfs).</summary>
    internal async Task UseVendorsAsync(params string[] files)
    {
        await Chaining.DisposeAsync();
        _chaining = new LinuxServiceChaining(CurrentRun, [.. files.Select(f => Descriptors.Vnfd.VnfDescriptorReader.Load(VendorFile(f)))], () => [], Steering);
    }

    internal static string VendorFile(string name) => System.IO.Path.Combine(TestContext.CurrentContext.TestDirectory, "Chains", "vnfs", name);

    [TearDown]
    public async Task StopLab()
    {
        if (_chaining is not null)
        {
            await _chaining.DisposeAsync();
        }

        if (_run is not null)
        {
            string token = _run.Token;
            await _run.DisposeAsync();
            List<string> left = [.. (await Shell.RunAsync("ip", ["netns", "list"])).Stdout.Split('\n').Where(l => l.Contains(token, StringComparison.Ordinal))];
            Assert.That(left, Is.Empty, "the lab left namespaces behind");
            Assert.That(LabCleanup.FindAll().Where(r => r.Kind == "process" && r.RunId == _run.Id), Is.Empty, "the lab left processes behind");
        }
    }

    internal static ChainSpecBuilder Instances(params (string Instance, string Function, string Group)[] rows)
    {
        ChainSpecBuilder b = new();
        foreach (IGrouping<string, (string Instance, string Function, string Group)> g in rows.GroupBy(r => r.Group))
        {
            foreach ((string instance, string function, _) in g)
            {
                b = b.WithPortPair(new PortPair(instance, instance + "-in", instance + "-out", function));
            }

            b = b.WithPortPairGroup(new PortPairGroup(g.Key, [.. g.Select(r => r.Instance)]));
        }

        return b;
    }

    internal static FlowClassifier Classifier(string name, ClassifierProtocol protocol, string source, int? port = null) =>
        new(name) { Protocol = protocol, SourceIpPrefix = source, DestinationPortMin = port, DestinationPortMax = port };

    internal static PortChain Chain(string name, int id, string groups, string classifier, bool symmetric = false) =>
        new(name, groups.Split(','), [classifier]) { ChainId = id, Correlation = SfcCorrelation.Nsh, Symmetric = symmetric };

    internal async Task ApplyAsync(ChainSpecBuilder spec)
    {
        ChainApplyResult result = await Chaining.ApplyAsync(spec.Build());
        Assert.That(result.Applied, Is.True, string.Join("; ", result.Problems));
    }

    internal static ChainProbe Udp(string source, int sourcePort, string destination, int port) => new(source, destination, ClassifierProtocol.Udp, sourcePort, port);

    internal static ChainProbe Tcp(string source, int sourcePort, string destination, int port) => new(source, destination, ClassifierProtocol.Tcp, sourcePort, port);

    internal static string Path(ChainPathTrace t) =>
        string.Join(" -> ", t.Hops.Select(h => $"{h.ServicePathId}/{h.ServiceIndex} {h.PortPairGroup}/{h.PortPair}"));

    internal async Task<IReadOnlyList<ChainPathTrace>> FlowsAsync(int flows, string source, string destination, int port, ClassifierProtocol protocol = ClassifierProtocol.Udp, int firstPort = 10_000) =>
        await Chaining.ProbeManyAsync([.. Enumerable.Range(0, flows).Select(i => new ChainProbe(source, destination, protocol, firstPort + i, port))]);

    /// <summary>Sends <paramref name="flows"/> UDP probes through a hop made lossy and checks that the loss is in range, that
    /// every lost probe is counted at that hop as random loss, and that it is the only hop where probes were lost.</summary>
    internal async Task AssertRandomLossOnlyAtAsync(string hop, int flows, string source, string destination, int port, int atLeast, int atMost, string about)
    {
        IReadOnlyList<ChainPathTrace> traces = await FlowsAsync(flows, source, destination, port);
        IReadOnlyList<ChainHopCounters> counters = await Chaining.ReadCountersAsync();
        int lost = traces.Count(t => !t.Delivered);
        long counted = counters.First(c => c.PortPair == hop).DropReasons.GetValueOrDefault("random_loss");
        Assert.Multiple(() =>
        {
            Assert.That(lost, Is.InRange(atLeast, atMost), about);
            Assert.That(counted, Is.EqualTo(lost), "every lost probe is counted at the lossy hop");
            Assert.That(traces.Where(t => !t.Delivered).Select(t => t.DroppedAt).Distinct(), Is.EqualTo(new[] { hop }));
        });
    }

    internal static Dictionary<string, int> Shares(IEnumerable<ChainPathTrace> traces, string group) =>
        traces.SelectMany(t => t.Hops.Where(h => h.PortPairGroup == group)).GroupBy(h => h.PortPair).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
}
