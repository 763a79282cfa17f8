// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.Measurements;
using NfvConformance.Core.Evidence;
using NfvConformance.Core.Running;

namespace NfvConformance.Suites.Drivers;

/// <summary>
/// Interface discards and errors of chained instances (RM i.pm.007/008): sends probes with defects (bad IPv4 header
/// checksum, truncated frame, bad L4 checksum, expiring TTL) and puts instances in states a tester can cause on real
/// gear (link administratively down, paused), tallies from each probe's own trace where it was dropped and why, and
/// compares every instance's discard and error counters with that tally. Instance states it changed are set back to
/// running when the scenario ends.
/// </summary>
public sealed class DataplaneCountersDriver
{
    private readonly RunContext _run;
    private readonly ScenarioEvidence _evidence;
    private readonly Dictionary<string, ChainHopCounters> _before = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _crossed = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Instance, string Reason), long> _dropped = [];
    private readonly HashSet<string> _changed = new(StringComparer.Ordinal);
    private readonly List<string> _unattributed = [];
    private int _sent;
    private int _nextPort = 40_000;
    private List<ChainPathTrace> _pausedProbes = [];
    private string? _paused;
    private int _extra;

    /// <summary>Creates the driver for one scenario.</summary>
    /// <param name="run">The run.</param>
    /// <param name="evidence">The scenario's evidence.</param>
    /// <param name="teardown">Brings the instances the scenario changed back to running when it ends.</param>
    public DataplaneCountersDriver(RunContext run, ScenarioEvidence evidence, Support.ScenarioTeardown teardown)
    {
        ArgumentNullException.ThrowIfNull(teardown);
        teardown.Add(RestoreInstancesAsync);
        _run = run;
        _evidence = evidence;
    }

    private IServiceChaining Chaining => TargetFacets.Require<IServiceChaining>(_run);

    /// <summary>Reads every instance's counters, to compare with later.</summary>
    /// <returns>A task.</returns>
    public async Task SnapshotAsync()
    {
        _before.Clear();
        foreach (ChainHopCounters c in await Chaining.ReadCountersAsync())
        {
            _before.TryAdd(c.PortPair, c);
        }
    }

    /// <summary>Sends probes of distinct flows, each with a defect or a TTL, and tallies from each trace where it went.</summary>
    /// <param name="count">Probes to send.</param>
    /// <param name="protocol">tcp or udp.</param>
    /// <param name="source">Source address.</param>
    /// <param name="destination">Destination address.</param>
    /// <param name="port">Destination port.</param>
    /// <param name="condition">
    /// <c>well-formed</c>, <c>a bad IPv4 header checksum</c>, <c>a truncated frame</c>, <c>a bad L4 checksum</c> or
    /// <c>TTL n</c>.
    /// </param>
    /// <returns>A task.</returns>
    public async Task SendAsync(int count, string protocol, string source, string destination, int port, string condition)
    {
        Check.That(count > 0, $"Send at least one probe, not {count}.");
        (ProbeDefect defect, int ttl) = ParseCondition(condition);
        IServiceChaining chaining = Chaining;
        ClassifierProtocol proto = ParseProtocol(protocol);
        for (int i = 0; i < count; i++)
        {
            ChainPathTrace trace = TargetFacets.Sent(await chaining.ProbeAsync(new ChainProbe(source, destination, proto, _nextPort++, port) { Defect = defect, Ttl = ttl }), _run);
            Tally(trace, condition);
        }

        _evidence.Record(new Measurement("probes:" + condition.Replace(' ', '_'), count, "packets"));
    }

    /// <summary>Puts an instance's link administratively down, pauses it, or runs it again.</summary>
    /// <param name="instance">The instance.</param>
    /// <param name="state">The state.</param>
    /// <returns>A task.</returns>
    public async Task SetStateAsync(string instance, InstanceState state)
    {
        InstanceStateChange change = await Chaining.SetInstanceStateAsync(instance, state);
        if (!change.Applied)
        {
            throw new ScenarioNotApplicableException($"target '{_run.Target.Name}' cannot put instance '{instance}' in state {state}: {change.Refusal}");
        }

        _changed.Add(instance);
    }

    /// <summary>
    /// Pauses an instance and sends its receive queue's depth plus <paramref name="extra"/> probes of one flow through
    /// it; the queue's depth is what the target reports for the instance.
    /// </summary>
    /// <param name="instance">The instance to pause.</param>
    /// <param name="extra">Probes beyond what its queue holds.</param>
    /// <param name="source">Source address.</param>
    /// <param name="destination">Destination address.</param>
    /// <param name="port">Destination port.</param>
    /// <returns>A task.</returns>
    public async Task OverflowPausedAsync(string instance, int extra, string source, string destination, int port)
    {
        ChainHopCounters? counters = (await Chaining.ReadCountersAsync()).FirstOrDefault(c => c.PortPair == instance);
        Check.That(counters is not null, $"Instance '{instance}' has no counters; it must be on an applied chain.");
        await SetStateAsync(instance, InstanceState.Paused);
        Check.That(counters!.RxQueueDepth > 0, $"Instance '{instance}' reports no receive queue depth, so its overflow cannot be provoked exactly.");
        _paused = instance;
        _extra = extra;
        _evidence.Record(new Measurement($"rx_queue_depth:{instance}", counters.RxQueueDepth, "packets"));
        IServiceChaining chaining = Chaining;
        _pausedProbes = [];
        for (int i = 0; i < counters.RxQueueDepth + extra; i++)
        {
            _pausedProbes.Add(await chaining.ProbeAsync(new ChainProbe(source, destination, ClassifierProtocol.Udp, 39_999, port)));
        }
    }

    /// <summary>
    /// Checks the paused instance's queue took exactly its depth, it discarded exactly the rest as
    /// <c>rx_queue_full</c> (counted as discards, not packets), and, run again, it received all it held and passed
    /// them to <paramref name="next"/>.
    /// </summary>
    /// <param name="next">The instance after it on the chain.</param>
    /// <returns>A task.</returns>
    public async Task CheckPausedOverflowAsync(string next)
    {
        Check.That(_paused is not null, "No instance was paused and overflowed; add the step that does it.");
        string instance = _paused!;
        ChainHopCounters held = await CountersAsync(instance);
        ChainHopCounters then = _before.GetValueOrDefault(instance) ?? held with { Packets = 0, Bytes = 0, Drops = 0, Discards = 0, Errors = 0, DropReasons = new Dictionary<string, long>() };
        int depth = held.RxQueueDepth;
        int queued = _pausedProbes.Count(t => t.Queued && t.DroppedAt == instance);
        int refused = _pausedProbes.Count(t => !t.Queued && !t.Delivered && t.DroppedAt == instance && t.DropReason == "rx_queue_full");
        long discards = held.Discards - then.Discards;
        long fullDelta = held.DropReasons.GetValueOrDefault("rx_queue_full") - then.DropReasons.GetValueOrDefault("rx_queue_full");
        _evidence.Record(new Measurement($"if_discards:{instance}", discards, "packets"));
        _evidence.Record(new Measurement($"rx_queued:{instance}", held.RxQueued, "packets"));
        Check.That(queued == depth && refused == _extra, $"Of {_pausedProbes.Count} probes to paused '{instance}' (queue depth {depth}), {queued} were queued and {refused} refused as rx_queue_full; expected {depth} and {_extra}.");
        Check.That(held.RxQueued == depth, $"Paused '{instance}' reports {held.RxQueued} packets in its receive queue; {depth} were queued.");
        Check.That(discards == _extra && fullDelta == _extra, $"Paused '{instance}' counted {discards} discards ({fullDelta} rx_queue_full); {_extra} probes were sent beyond its queue.");
        Check.That(held.Packets == then.Packets && held.Errors == then.Errors, $"Paused '{instance}' counted {held.Packets - then.Packets} packets and {held.Errors - then.Errors} errors while it received nothing.");

        long nextBefore = (await CountersAsync(next)).Packets;
        await SetStateAsync(instance, InstanceState.Running);
        ChainHopCounters resumed = await CountersAsync(instance);
        long nextGot = (await CountersAsync(next)).Packets - nextBefore;
        _evidence.Record(new Measurement($"if_packets_after_resume:{instance}", resumed.Packets - then.Packets, "packets"));
        Check.That(resumed.RxQueued == 0 && resumed.Packets - then.Packets == depth, $"Run again, '{instance}' counted {resumed.Packets - then.Packets} packets with {resumed.RxQueued} still queued; it held {depth}.");
        Check.That(resumed.Discards - then.Discards == _extra, $"Run again, '{instance}' counts {resumed.Discards - then.Discards} discards; it had {_extra}.");
        Check.That(nextGot == depth, $"'{next}' received {nextGot} of the {depth} packets '{instance}' held.");
    }

    /// <summary>Checks the counters grew by exactly the figures of a table, summed per group (or per instance).</summary>
    /// <param name="rows">Rows of group (or instance), packets, discards and errors.</param>
    /// <returns>A task.</returns>
    public async Task CheckGrowthAsync(IReadOnlyList<IReadOnlyDictionary<string, string>> rows)
    {
        IReadOnlyList<ChainHopCounters> now = await Chaining.ReadCountersAsync();
        foreach (IReadOnlyDictionary<string, string> row in rows)
        {
            bool byGroup = row.TryGetValue("group", out string? name);
            name ??= row["instance"];
            List<ChainHopCounters> members = [.. now.Where(c => byGroup ? c.PortPairGroup == name : c.PortPair == name).DistinctBy(c => c.PortPair)];
            Check.That(members.Count > 0, $"No applied instance {(byGroup ? "in group" : "named")} '{name}'; instances: {string.Join(", ", now.Select(c => $"{c.PortPairGroup}/{c.PortPair}").Distinct())}.");
            long packets = members.Sum(c => c.Packets - (_before.GetValueOrDefault(c.PortPair)?.Packets ?? 0));
            long discards = members.Sum(c => c.Discards - (_before.GetValueOrDefault(c.PortPair)?.Discards ?? 0));
            long errors = members.Sum(c => c.Errors - (_before.GetValueOrDefault(c.PortPair)?.Errors ?? 0));
            _evidence.Record(new Measurement($"if_packets:{name}", packets, "packets"));
            _evidence.Record(new Measurement($"if_discards:{name}", discards, "packets"));
            _evidence.Record(new Measurement($"if_errors:{name}", errors, "packets"));
            string expected = $"{row["packets"]}/{row["discards"]}/{row["errors"]}";
            string actual = string.Create(CultureInfo.InvariantCulture, $"{packets}/{discards}/{errors}");
            Check.That(expected == actual, $"'{name}' counters grew by packets/discards/errors {actual}; expected {expected}.");
        }
    }

    /// <summary>
    /// Checks every probe that was not delivered names the instance that dropped it, and every instance's counters moved
    /// by exactly what the traces say: packets by the probes that reached its function, each discard or error reason by
    /// the probes dropped there for it, and nothing else.
    /// </summary>
    /// <returns>A task.</returns>
    public async Task CheckCountersMatchTracesAsync()
    {
        Check.That(_sent > 0, "No probes were sent; send probes first.");
        Check.That(_unattributed.Count == 0, $"{_unattributed.Count} probes were dropped without the trace naming an instance: {string.Join("; ", _unattributed.Take(5))}.");
        foreach (ChainHopCounters now in (await Chaining.ReadCountersAsync()).DistinctBy(c => c.PortPair))
        {
            string instance = now.PortPair;
            ChainHopCounters? then = _before.GetValueOrDefault(instance);
            long packets = now.Packets - (then?.Packets ?? 0);
            Check.That(packets == _crossed.GetValueOrDefault(instance), $"Instance {instance} counted {packets} packets; the probe traces reached its function {_crossed.GetValueOrDefault(instance)} times.");
            HashSet<string> reasons = [.. now.DropReasons.Keys, .. _dropped.Keys.Where(k => k.Instance == instance).Select(k => k.Reason)];
            long total = 0;
            foreach (string reason in reasons)
            {
                long grew = now.DropReasons.GetValueOrDefault(reason) - (then?.DropReasons.GetValueOrDefault(reason) ?? 0);
                long traced = _dropped.GetValueOrDefault((instance, reason));
                total += traced;
                Check.That(grew == traced, $"Instance {instance} counted {grew} drops as '{reason}'; the traces show {traced} dropped there for it.");
            }

            long moved = (now.Discards + now.Errors) - ((then?.Discards ?? 0) + (then?.Errors ?? 0));
            Check.That(moved == total, $"Instance {instance}'s discard and error counters grew by {moved}; the traces show {total} probes dropped there.");
        }
    }

    private async Task RestoreInstancesAsync()
    {
        IServiceChaining? chaining = _changed.Count == 0 ? null : _run.Target.GetFeature<IServiceChaining>();
        foreach (string instance in _changed)
        {
            try
            {
                _ = await chaining!.SetInstanceStateAsync(instance, InstanceState.Running).ConfigureAwait(false);
            }
            catch (Exception e) when (e is Abstractions.Errors.ConfigurationException or InvalidOperationException)
            {
                // The instance is gone with a later spec: nothing to restore.
            }
        }
    }

    private void Tally(ChainPathTrace trace, string condition)
    {
        _sent++;
        foreach (HopTraversal hop in trace.Hops)
        {
            _crossed[hop.PortPair] = _crossed.GetValueOrDefault(hop.PortPair) + 1;
        }

        if (trace.Delivered)
        {
            return;
        }

        if (trace.DroppedAt is null || trace.DropReason is null)
        {
            _unattributed.Add($"{condition}: {trace.DropReason ?? "no reason"} at {trace.DroppedAt ?? "no instance"}");
            return;
        }

        (string, string) key = (trace.DroppedAt, trace.DropReason);
        _dropped[key] = _dropped.GetValueOrDefault(key) + 1;
    }

    private async Task<ChainHopCounters> CountersAsync(string instance) =>
        (await Chaining.ReadCountersAsync()).FirstOrDefault(c => c.PortPair == instance)
        ?? throw new InvalidOperationException($"instance '{instance}' has no counters; it must be on an applied chain.");

    private static (ProbeDefect Defect, int Ttl) ParseCondition(string text)
    {
        string t = text.Trim().ToLowerInvariant();
        if (t.StartsWith("ttl ", StringComparison.Ordinal) && int.TryParse(t[4..], NumberStyles.Integer, CultureInfo.InvariantCulture, out int ttl))
        {
            return (ProbeDefect.None, ttl);
        }

        return t switch
        {
            "well-formed" => (ProbeDefect.None, 64),
            "a bad ipv4 header checksum" => (ProbeDefect.Ipv4HeaderChecksum, 64),
            "a truncated frame" => (ProbeDefect.Truncated, 64),
            "a bad l4 checksum" => (ProbeDefect.L4Checksum, 64),
            _ => throw new ArgumentException($"probe condition '{text}' is not one of: well-formed, a bad IPv4 header checksum, a truncated frame, a bad L4 checksum, TTL <n>.", nameof(text)),
        };
    }

    private static ClassifierProtocol ParseProtocol(string text) => text.ToLowerInvariant() switch
    {
        "tcp" => ClassifierProtocol.Tcp,
        "udp" => ClassifierProtocol.Udp,
        _ => throw new ArgumentException($"protocol '{text}' is not tcp or udp.", nameof(text)),
    };
}
