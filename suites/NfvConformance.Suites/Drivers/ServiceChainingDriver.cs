// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.Measurements;
using NfvConformance.Core.Evidence;
using NfvConformance.Core.Running;

namespace NfvConformance.Suites.Drivers;

/// <summary>
/// Builds networking-sfc chain specs, applies them through the target's <see cref="IServiceChaining"/>,
/// probes flows hop by hop and runs the target's chain trials (failover, latency). At the end of a scenario that applied
/// a spec it applies the empty spec, so a real target tears the scenario's lab down.
/// </summary>
public sealed class ServiceChainingDriver
{
    private readonly RunContext _run;
    private readonly ScenarioEvidence _evidence;
    private ChainSpecBuilder _spec = new();
    private ChainPathTrace? _trace;
    private readonly Dictionary<string, string> _pinned = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _share = new(StringComparer.Ordinal);
    private int _flowsProbed;
    private ChainTrialResult? _trial;
    private Dictionary<string, long>? _dropsAtStart;
    private bool _applied;

    /// <summary>Creates the driver for one scenario.</summary>
    /// <param name="run">The run.</param>
    /// <param name="evidence">The scenario's evidence.</param>
    /// <param name="teardown">Removes the scenario's chain when it ends.</param>
    public ServiceChainingDriver(RunContext run, ScenarioEvidence evidence, Support.ScenarioTeardown teardown)
    {
        ArgumentNullException.ThrowIfNull(teardown);
        teardown.Add(RemoveChainAsync);
        _run = run;
        _evidence = evidence;
    }

    /// <summary>Gets the last chain trial.</summary>
    public ChainTrialResult Trial => _trial ?? throw new InvalidOperationException("no chain trial has run in this scenario; add a step that runs one.");

    private IServiceChaining Chaining => TargetFacets.Require<IServiceChaining>(_run);

    // Virtual-time trials are emulator-only; scenarios that run them carry @requires:virtual-time-trials.
    private IChainTrialSimulation Simulation => TargetFacets.Require<IChainTrialSimulation>(_run);

    /// <summary>Adds service-function instances (port pairs) and their groups.</summary>
    /// <param name="rows">Rows of instance, function, group and optional acceleration.</param>
    public void DefineInstances(IEnumerable<IReadOnlyDictionary<string, string>> rows)
    {
        foreach (IReadOnlyDictionary<string, string> row in rows)
        {
            string name = row["instance"];
            AccelerationMode mode = row.TryGetValue("acceleration", out string? a) && a.Length > 0 ? ParseMode(a) : AccelerationMode.KernelVirtio;
            _spec = _spec.WithPortPair(new PortPair(name, name + "-in", name + "-out", row["function"]) { Acceleration = mode });
            AddToGroup(row["group"], name);
        }
    }

    /// <summary>Adds a flow classifier matching a source prefix and a protocol.</summary>
    /// <param name="name">The classifier.</param>
    /// <param name="sourcePrefix">The source CIDR prefix.</param>
    /// <param name="protocol">tcp, udp or any.</param>
    /// <param name="destinationPort">A destination port to match, or null for any.</param>
    public void DefineClassifier(string name, string sourcePrefix, string protocol, int? destinationPort)
    {
        _spec = _spec.WithFlowClassifier(new FlowClassifier(name)
        {
            SourceIpPrefix = sourcePrefix,
            Protocol = ParseProtocol(protocol),
            DestinationPortMin = destinationPort,
            DestinationPortMax = destinationPort,
            LogicalSourcePort = "client",
            LogicalDestinationPort = "server",
        });
    }

    /// <summary>Adds a port chain over groups, in order.</summary>
    /// <param name="name">The chain.</param>
    /// <param name="chainId">The chain id (the SPI of its forward path).</param>
    /// <param name="groups">Comma-separated groups in order.</param>
    /// <param name="classifier">The classifier.</param>
    /// <param name="symmetric">Whether the reverse direction takes the reverse path.</param>
    public void DefineChain(string name, int chainId, string groups, string classifier, bool symmetric) =>
        _spec = _spec.WithPortChain(new PortChain(name, Split(groups), [classifier]) { ChainId = chainId, Correlation = SfcCorrelation.Nsh, Symmetric = symmetric });

    /// <summary>Adds a service graph linking chains (each chain to the chains that follow it).</summary>
    /// <param name="name">The graph.</param>
    /// <param name="links">Pairs of chain and comma-separated following chains.</param>
    public void DefineGraph(string name, IEnumerable<(string From, string To)> links) =>
        _spec = _spec.WithServiceGraph(new ServiceGraph(name, links.ToDictionary(l => l.From, l => (IReadOnlyList<string>)Split(l.To), StringComparer.Ordinal)));

    /// <summary>Makes a group passive (networking-sfc <c>tap_enabled</c>): its instance gets a copy of each packet and the original goes on.</summary>
    /// <param name="group">The group.</param>
    public void EnableTap(string group)
    {
        ChainSpec spec = Spec();
        Check.That(spec.PortPairGroups.Any(g => g.Name == group), $"No group '{group}' is declared; groups: {string.Join(", ", spec.PortPairGroups.Select(g => g.Name))}.");
        _spec = ChainSpecBuilder.From(spec with { PortPairGroups = [.. spec.PortPairGroups.Select(g => g.Name == group ? g with { TapEnabled = true } : g)] });
    }

    /// <summary>Applies the spec built so far and checks the target took it.</summary>
    /// <returns>A task.</returns>
    public async Task ApplyAsync()
    {
        ChainApplyResult result = await Chaining.ApplyAsync(_spec.Build());
        _applied = true;

        await RememberStartAsync();

        _evidence.Record(new Measurement("chain_generation", result.Generation, "generation"));
        RecordImplementations(result);
        if (!result.Applied && result.NotSupported is not null)
        {
            throw new ScenarioNotApplicableException($"target '{_run.Target.Name}' cannot realise the chain spec: {result.NotSupported}");
        }

        Check.That(result.Applied, $"The target refused the chain spec: {string.Join("; ", result.Problems)}.");
    }

    // The report says which implementation each hop really had (a vendor's VNF from --vnf, or the target's own).
    private void RecordImplementations(ChainApplyResult result)
    {
        foreach ((string portPair, string implementation) in result.Implementations)
        {
            string name = $"hop {portPair}: {implementation}";
            if (_evidence.Measurements.All(m => m.Name != name))
            {
                _evidence.Record(new Measurement(name, 1, "instance"));
            }
        }
    }

    /// <summary>Offers the spec built so far and returns the target's verdict without requiring success.</summary>
    /// <returns>The outcome.</returns>
    public async Task<ChainApplyResult> OfferAsync()
    {
        ChainApplyResult result = await Chaining.ApplyAsync(_spec.Build());
        _applied = true;
        await RememberStartAsync();
        RecordImplementations(result);
        return result;
    }

    /// <summary>Inserts a hop (an existing or new group) into a chain after another group, or first.</summary>
    /// <param name="chain">The chain.</param>
    /// <param name="group">The group to insert.</param>
    /// <param name="after">The group it follows, or null to insert it first.</param>
    public void InsertHop(string chain, string group, string? after)
    {
        PortChain old = Spec().PortChains.Single(c => c.Name == chain);
        List<string> groups = [.. old.PortPairGroups];
        int at = after is null ? 0 : groups.IndexOf(after) + 1;
        Check.That(after is null || at > 0, $"Chain '{chain}' has no group '{after}'; groups: {string.Join(", ", groups)}.");
        groups.Insert(at, group);
        _spec = ChainSpecBuilder.From(Spec() with { PortChains = [.. Spec().PortChains.Select(c => c.Name == chain ? c with { PortPairGroups = groups } : c)] });
    }

    /// <summary>Removes a hop from a chain.</summary>
    /// <param name="chain">The chain.</param>
    /// <param name="group">The group to remove.</param>
    public void RemoveHop(string chain, string group) =>
        _spec = ChainSpecBuilder.From(Spec() with { PortChains = [.. Spec().PortChains.Select(c => c.Name == chain ? c with { PortPairGroups = [.. c.PortPairGroups.Where(g => g != group)] } : c)] });

    /// <summary>Removes a service function instance (port pair) from the spec and from its group.</summary>
    /// <param name="instance">The port pair.</param>
    public void RemoveInstance(string instance)
    {
        ChainSpec spec = Spec();
        Check.That(spec.PortPairs.Any(p => p.Name == instance), $"No instance '{instance}' is declared; instances: {string.Join(", ", spec.PortPairs.Select(p => p.Name))}.");
        _spec = ChainSpecBuilder.From(spec with
        {
            PortPairs = [.. spec.PortPairs.Where(p => p.Name != instance)],
            PortPairGroups = [.. spec.PortPairGroups.Select(g => g with { PortPairs = [.. g.PortPairs.Where(p => p != instance)] })],
        });
    }

    /// <summary>Probes one flow and keeps its path.</summary>
    /// <param name="source">Source address.</param>
    /// <param name="destination">Destination address.</param>
    /// <param name="protocol">tcp or udp.</param>
    /// <param name="sourcePort">Source port.</param>
    /// <param name="destinationPort">Destination port.</param>
    /// <param name="reverse">Whether the probe travels the reverse direction.</param>
    /// <returns>A task.</returns>
    public async Task ProbeAsync(string source, string destination, string protocol, int sourcePort, int destinationPort, bool reverse)
    {
        _trace = TargetFacets.Sent(await Chaining.ProbeAsync(new ChainProbe(source, destination, ParseProtocol(protocol), sourcePort, destinationPort) { Reverse = reverse }), _run);
        _evidence.Record(new Measurement("probe_hops", _trace.Hops.Count, "hops"));
    }

    /// <summary>Checks the last probe was delivered along exactly these hops.</summary>
    /// <param name="expected">Rows of spi, si, group and instance (instance may be <c>*</c> for any of the group).</param>
    public void CheckPath(IReadOnlyList<IReadOnlyDictionary<string, string>> expected)
    {
        ChainPathTrace trace = LastTrace();
        string actual = Describe(trace);
        Check.That(trace.Delivered, $"The probe was dropped ({trace.DropReason}); path so far: {actual}.");
        Check.That(trace.Hops.Count == expected.Count, $"The probe took {trace.Hops.Count} hops, expected {expected.Count}: {actual}.");
        for (int i = 0; i < expected.Count; i++)
        {
            HopTraversal hop = trace.Hops[i];
            IReadOnlyDictionary<string, string> row = expected[i];
            bool ok = hop.ServicePathId == Int(row["spi"]) && hop.ServiceIndex == Int(row["si"]) && hop.PortPairGroup == row["group"]
                && (row["instance"] == "*" || hop.PortPair == row["instance"]);
            Check.That(ok, $"Hop {i + 1} was {Hop(hop)}, expected SPI {row["spi"]} SI {row["si"]} {row["group"]}/{row["instance"]}; path: {actual}.");
        }
    }

    /// <summary>Checks the last probe matched no chain and was delivered without visiting any function.</summary>
    public void CheckBypassed()
    {
        ChainPathTrace trace = LastTrace();
        Check.That(trace.Delivered && trace.Chain is null && trace.Hops.Count == 0, $"The probe should bypass every chain; it took: {Describe(trace)} (chain '{trace.Chain}', delivered {trace.Delivered}).");
    }

    /// <summary>Probes many flows (source port varies) and records the instance each took at a group.</summary>
    /// <param name="flows">The number of flows.</param>
    /// <param name="source">Source address.</param>
    /// <param name="destination">Destination address.</param>
    /// <param name="protocol">tcp or udp.</param>
    /// <param name="destinationPort">Destination port.</param>
    /// <param name="group">The group whose instance choice is recorded.</param>
    /// <returns>A task.</returns>
    public async Task ProbeFlowsAsync(int flows, string source, string destination, string protocol, int destinationPort, string group)
    {
        _share.Clear();
        int lost = 0;
        ClassifierProtocol proto = ParseProtocol(protocol);
        IReadOnlyList<ChainPathTrace> traces = await Chaining.ProbeManyAsync([.. Enumerable.Range(0, flows).Select(i => new ChainProbe(source, destination, proto, 10_000 + i, destinationPort))]);
        for (int i = 0; i < flows; i++)
        {
            int sourcePort = 10_000 + i;
            ChainPathTrace trace = traces[i];
            HopTraversal? hop = trace.Hops.FirstOrDefault(h => h.PortPairGroup == group);
            if (!trace.Delivered || hop is null)
            {
                lost++;
                continue;
            }

            string key = sourcePort.ToString(CultureInfo.InvariantCulture);
            _pinned.TryAdd(key, hop.PortPair);
            _share[hop.PortPair] = _share.GetValueOrDefault(hop.PortPair) + 1;
        }

        _flowsProbed = flows;
        _evidence.Record(new Measurement("probe_flows_lost", lost, "flows"));
        Check.That(lost == 0, $"{lost} of {flows} probe flows were dropped or skipped group '{group}'.");
    }

    /// <summary>Probes the same flows again and checks each took the instance it was first given.</summary>
    /// <param name="source">Source address.</param>
    /// <param name="destination">Destination address.</param>
    /// <param name="protocol">tcp or udp.</param>
    /// <param name="destinationPort">Destination port.</param>
    /// <param name="group">The group.</param>
    /// <param name="except">An instance whose flows may move (null for none).</param>
    /// <returns>A task.</returns>
    public async Task CheckFlowsStayAsync(string source, string destination, string protocol, int destinationPort, string group, string? except)
    {
        Check.That(_pinned.Count > 0, "No flows were probed before; probe flows first.");
        List<string> moved = [];
        int lost = 0;
        List<(string Port, string Instance)> pinned = [.. _pinned.Select(p => (p.Key, p.Value))];
        IReadOnlyList<ChainPathTrace> traces = await Chaining.ProbeManyAsync([.. pinned.Select(p => new ChainProbe(source, destination, ParseProtocol(protocol), int.Parse(p.Port, CultureInfo.InvariantCulture), destinationPort))]);
        for (int n = 0; n < pinned.Count; n++)
        {
            (string port, string instance) = pinned[n];
            ChainPathTrace trace = traces[n];
            HopTraversal? hop = trace.Hops.FirstOrDefault(h => h.PortPairGroup == group);
            if (!trace.Delivered || hop is null)
            {
                lost++;
            }
            else if (hop.PortPair != instance && instance != except)
            {
                moved.Add($"{port}: {instance} -> {hop.PortPair}");
            }
        }

        _evidence.Record(new Measurement("flows_moved", moved.Count, "flows"));
        _evidence.Record(new Measurement("flows_lost", lost, "flows"));
        Check.That(lost == 0, $"{lost} of {_pinned.Count} flows were dropped when probed again.");
        Check.That(moved.Count == 0, $"{moved.Count} of {_pinned.Count} flows changed instance: {string.Join(", ", moved.Take(10))}.");
    }

    /// <summary>Checks each instance of the probed group took its share of the flows within a tolerance.</summary>
    /// <param name="instances">The instances expected to share.</param>
    /// <param name="tolerancePercent">The allowed deviation from an equal share, in percent of that share.</param>
    public void CheckShares(IReadOnlyList<string> instances, double tolerancePercent)
    {
        double fair = (double)_flowsProbed / instances.Count;
        foreach (string instance in instances)
        {
            int got = _share.GetValueOrDefault(instance);
            double deviation = Math.Abs(got - fair) / fair * 100.0;
            _evidence.RecordAtMost($"share_deviation:{instance}", Math.Round(deviation, 2), "%", tolerancePercent);
            Check.That(deviation <= tolerancePercent, string.Create(CultureInfo.InvariantCulture, $"Instance {instance} took {got} of {_flowsProbed} flows ({deviation:F1} % off an equal share of {fair:F0}); tolerance {tolerancePercent} %. Shares: {string.Join(", ", _share.Select(s => $"{s.Key}={s.Value}"))}."));
        }

        List<string> others = [.. _share.Keys.Where(k => !instances.Contains(k))];
        Check.That(others.Count == 0, $"Flows went to instances outside the group: {string.Join(", ", others)}.");
    }

    /// <summary>Checks no instance of any chain dropped a packet since this scenario first applied a spec.</summary>
    /// <returns>A task.</returns>
    public async Task CheckNoInstanceDropsAsync()
    {
        Dictionary<string, long> start = _dropsAtStart ?? [];
        List<(string Instance, long Drops)> dropped = [.. (await DropsByInstanceAsync()).Select(d => (d.Key, d.Value - start.GetValueOrDefault(d.Key))).Where(d => d.Item2 != 0)];
        long drops = dropped.Sum(d => d.Drops);
        _evidence.Record(new Measurement("instance_drops", drops, "packets"));
        Check.That(drops == 0, $"Instances dropped packets in this scenario: {string.Join(", ", dropped.Select(d => $"{d.Instance}={d.Drops}"))}.");
    }

    // Counters are cumulative per instance over the target's life: remember where each instance started in this
    // scenario (instances a later apply adds start then; nothing reached them before).
    private async Task RememberStartAsync()
    {
        _dropsAtStart ??= new Dictionary<string, long>(StringComparer.Ordinal);
        foreach ((string instance, long drops) in await DropsByInstanceAsync())
        {
            _dropsAtStart.TryAdd(instance, drops);
        }
    }

    private async Task<Dictionary<string, long>> DropsByInstanceAsync()
    {
        Dictionary<string, long> drops = new(StringComparer.Ordinal);
        foreach (ChainHopCounters c in await Chaining.ReadCountersAsync())
        {
            drops.TryAdd(c.PortPair, c.Drops);
        }

        return drops;
    }

    /// <summary>Runs a virtual-time trial of a chain with an instance crashing part-way.</summary>
    /// <param name="chain">The chain.</param>
    /// <param name="pps">The offered load.</param>
    /// <param name="flows">The number of flows.</param>
    /// <param name="instance">The instance that crashes.</param>
    /// <param name="atMs">When it crashes, in ms from the start.</param>
    /// <param name="durationMs">The trial's length in ms.</param>
    /// <returns>A task.</returns>
    public async Task RunCrashTrialAsync(string chain, double pps, int flows, string instance, int atMs, int durationMs)
    {
        FaultSchedule faults = new(1, [new FaultEvent(TimeSpan.FromMilliseconds(atMs), FaultKind.InstanceCrash, instance)]);
        _trial = await Simulation.RunTrialAsync(new ChainTrialOptions(chain)
        {
            Duration = TimeSpan.FromMilliseconds(durationMs),
            OfferedLoadPps = pps,
            Flows = flows,
            PoissonArrivals = false,
            Faults = faults,
        });
        _evidence.Record(new Measurement("trial_sent", _trial.Sent, "packets"));
        _evidence.Record(new Measurement("trial_delivered", _trial.Delivered, "packets"));
    }

    /// <summary>Checks the crashed instance failed over: flows moved, packets were lost only around the crash, and the recovery time is recorded.</summary>
    /// <param name="instance">The crashed instance.</param>
    /// <returns>The failover.</returns>
    public FailoverRecord CheckFailedOver(string instance)
    {
        FailoverRecord? failover = Trial.Failovers.FirstOrDefault(f => f.PortPair == instance);
        Check.That(failover is not null, $"No failover of '{instance}' was recorded; failovers: {string.Join(", ", Trial.Failovers.Select(f => f.PortPair))}.");
        _evidence.Record(new Measurement("failover_packets_lost", failover.PacketsLost, "packets"));
        Check.That(failover.FlowsMovedAt is not null, $"The flows of '{instance}' were never moved off it.");
        Check.That(failover.TimeToRecover is not null, $"Delivery never recovered after '{instance}' crashed at {failover.CrashedAt}.");
        _evidence.Record(new Measurement("failover_detection_ms", (failover.FlowsMovedAt!.Value - failover.CrashedAt).TotalMilliseconds, "ms"));
        return failover;
    }

    private async Task RemoveChainAsync()
    {
        if (_applied && _run.Target.GetFeature<IServiceChaining>() is { } chaining)
        {
            _ = await chaining.ApplyAsync(ChainSpec.Empty).ConfigureAwait(false);
            _applied = false;
        }
    }

    private ChainSpec Spec() => _spec.Build();

    private ChainPathTrace LastTrace() => _trace ?? throw new InvalidOperationException("no probe has run in this scenario; add a step that probes a flow.");

    private void AddToGroup(string group, string pair)
    {
        ChainSpec spec = Spec();
        PortPairGroup? existing = spec.PortPairGroups.FirstOrDefault(g => g.Name == group);
        _spec = existing is null
            ? _spec.WithPortPairGroup(new PortPairGroup(group, [pair]))
            : ChainSpecBuilder.From(spec with { PortPairGroups = [.. spec.PortPairGroups.Select(g => g.Name == group ? g with { PortPairs = [.. g.PortPairs, pair] } : g)] });
    }

    private static string Describe(ChainPathTrace trace) => trace.Hops.Count == 0 ? "(no hops)" : string.Join(" -> ", trace.Hops.Select(Hop));

    private static string Hop(HopTraversal h) => string.Create(CultureInfo.InvariantCulture, $"SPI {h.ServicePathId} SI {h.ServiceIndex} {h.PortPairGroup}/{h.PortPair}");

    private static int Int(string text) => int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static string[] Split(string csv) => csv.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static ClassifierProtocol ParseProtocol(string text) => text.ToLowerInvariant() switch
    {
        "tcp" => ClassifierProtocol.Tcp,
        "udp" => ClassifierProtocol.Udp,
        "any" => ClassifierProtocol.Any,
        _ => throw new ArgumentException($"protocol '{text}' is not tcp, udp or any.", nameof(text)),
    };

    private static AccelerationMode ParseMode(string text) => text switch
    {
        "kernel-virtio" => AccelerationMode.KernelVirtio,
        "dpdk-vhost-user" => AccelerationMode.DpdkVhostUser,
        "sriov-vf" => AccelerationMode.SriovVf,
        "smartnic-offload" => AccelerationMode.SmartNicOffload,
        "shared-memory" => AccelerationMode.SharedMemory,
        _ => throw new ArgumentException($"acceleration '{text}' is not one of kernel-virtio, dpdk-vhost-user, sriov-vf, smartnic-offload, shared-memory.", nameof(text)),
    };
}
