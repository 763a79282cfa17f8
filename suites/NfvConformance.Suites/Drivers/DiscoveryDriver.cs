// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Core.Evidence;
using NfvConformance.Core.Requirements;
using NfvConformance.Core.Running;

namespace NfvConformance.Suites.Drivers;

/// <summary>Discovers what the target publishes and checks it against the requirement catalogue.</summary>
public sealed class DiscoveryDriver
{
    private readonly RunContext _run;
    private readonly ScenarioEvidence _evidence;
    private CapabilitySnapshot? _snapshot;

    /// <summary>Creates the driver for one scenario.</summary>
    /// <param name="run">The run's shared context.</param>
    /// <param name="evidence">The scenario's evidence.</param>
    public DiscoveryDriver(RunContext run, ScenarioEvidence evidence)
    {
        _run = run;
        _evidence = evidence;
    }

    /// <summary>Gets the snapshot of the last discovery.</summary>
    public CapabilitySnapshot Snapshot => _snapshot ?? throw new ConformanceCheckException("No discovery has run in this scenario: start it with 'Given the target has been discovered'.");

    /// <summary>Asks the target what it publishes now, without any manual step.</summary>
    /// <param name="cancellationToken">Cancels discovery.</param>
    /// <returns>A task.</returns>
    public async Task DiscoverAsync(CancellationToken cancellationToken = default)
    {
        _snapshot = await _run.Target.DiscoverAsync(cancellationToken).ConfigureAwait(false);
        Check.That(_snapshot.Nodes.Count > 0, $"Target '{_run.Target.Name}' published no node at all.");
        _evidence.Record(new("nodes_published", _snapshot.Nodes.Count, "nodes"));
    }

    /// <summary>Checks that every node publishes each capability (a value, offered or not).</summary>
    /// <param name="uids">Catalogue uids.</param>
    public void CheckEveryNodePublishes(IEnumerable<string> uids)
    {
        List<string> missing = [];
        foreach (string uid in uids)
        {
            RequireKnown(uid);
            foreach (NodeCapabilities node in Snapshot.Nodes)
            {
                if (!node.Capabilities.ContainsKey(uid))
                {
                    missing.Add($"{node.Id} does not publish {uid}");
                }
            }
        }

        Check.That(missing.Count == 0, string.Join("; ", missing));
    }

    /// <summary>
    /// Checks that the value each node of the run's profile publishes meets the catalogue's value for that profile,
    /// and records one measurement per capability (1 met, 0 not met) as evidence.
    /// </summary>
    /// <param name="uids">Catalogue uids of capabilities.</param>
    public void CheckValuesMeetProfile(IEnumerable<string> uids)
    {
        string profile = _run.Target.Profile;
        string key = Profiles.CatalogueKey(profile) ?? throw new ConformanceCheckException($"The run's profile '{profile}' is not a catalogue profile.");
        List<string> unmet = [];
        foreach (string uid in uids)
        {
            CapabilityDefinition definition = _run.Catalog.Capabilities.FirstOrDefault(c => c.Uid == uid)
                ?? throw new ConformanceCheckException($"{uid} is not a capability in the requirement catalogue.");
            if (!definition.ProfileValues.TryGetValue(key, out string? required))
            {
                continue;
            }

            foreach (NodeCapabilities node in Snapshot.Nodes.Where(n => n.Profile == profile))
            {
                node.Capabilities.TryGetValue(uid, out CapabilityValue? published);
                bool met = CapabilityExpectation.IsMet(published, required, out string why);
                _evidence.Record(new($"{uid}@{node.Id}", met ? 1 : 0, "met", $"{key}: {required}", met ? Abstractions.Measurements.MeasurementVerdict.Pass : Abstractions.Measurements.MeasurementVerdict.Fail));
                if (!met)
                {
                    unmet.Add($"{node.Id}: {uid} {why}");
                }
            }
        }

        Check.That(unmet.Count == 0, string.Join("; ", unmet));
    }

    /// <summary>Checks that at least one node offers a capability (uid, profile extension or feature).</summary>
    /// <param name="capability">What to look for.</param>
    public void CheckSomeNodeOffers(string capability)
    {
        List<string> offering = [.. Snapshot.Nodes.Where(n => n.Offers(capability)).Select(n => n.Id)];
        _evidence.Record(new($"nodes_offering:{capability}", offering.Count, "nodes"));
        Check.That(offering.Count > 0, $"No node offers '{capability}'. Nodes: {string.Join(", ", Snapshot.Nodes.Select(n => $"{n.Id} ({n.Profile})"))}.");
    }

    /// <summary>Checks that no node offers a capability.</summary>
    /// <param name="capability">What must be absent.</param>
    public void CheckNoNodeOffers(string capability)
    {
        List<string> offering = [.. Snapshot.Nodes.Where(n => n.Offers(capability)).Select(n => n.Id)];
        Check.That(offering.Count == 0, $"'{capability}' is offered by {string.Join(", ", offering)} but must not be on profile '{_run.Target.Profile}'.");
    }

    /// <summary>Checks that every node states exactly one profile, a profile of the catalogue.</summary>
    public void CheckEveryNodeHasProfile()
    {
        List<string> bad = [.. Snapshot.Nodes.Where(n => Profiles.CatalogueKey(n.Profile) is null).Select(n => $"{n.Id} ('{n.Profile}')")];
        Check.That(bad.Count == 0, $"Nodes without a catalogue profile: {string.Join(", ", bad)}; expected one of {string.Join(", ", Profiles.All)}.");
        Check.That(Snapshot.Nodes.Any(n => n.Profile == _run.Target.Profile), $"No node of the run's profile '{_run.Target.Profile}'.");
    }

    /// <summary>Checks that querying the target for a capability returns, for every node, the value the snapshot shows.</summary>
    /// <param name="uid">The capability uid.</param>
    public void CheckQueryAgreesWithSnapshot(string uid)
    {
        ICapabilities publisher = TargetFacets.Require<ICapabilities>(_run);
        IReadOnlyList<CapabilityMatch> matches = publisher.Query(new CapabilityQuery(Uid: uid));
        _evidence.Record(new($"query_matches:{uid}", matches.Count, "nodes"));
        foreach (NodeCapabilities node in Snapshot.Nodes)
        {
            node.Capabilities.TryGetValue(uid, out CapabilityValue? expected);
            CapabilityMatch? got = matches.FirstOrDefault(m => m.NodeId == node.Id);
            Check.That((expected is null) == (got is null), $"Query for {uid} on {node.Id}: snapshot has {expected?.Raw ?? "nothing"}, the query returned {got?.Value.Raw ?? "nothing"}.");
            Check.That(expected is null || expected.Raw == got!.Value.Raw, $"Query for {uid} on {node.Id} returned '{got?.Value.Raw}', the snapshot shows '{expected?.Raw}'.");
        }
    }

    /// <summary>Checks that a query for offered-only values of a capability names exactly the nodes that offer it.</summary>
    /// <param name="uid">The capability uid.</param>
    public void CheckOfferedQueryNamesOfferingNodes(string uid)
    {
        ICapabilities publisher = TargetFacets.Require<ICapabilities>(_run);
        HashSet<string> queried = [.. publisher.Query(new CapabilityQuery(Uid: uid, OfferedOnly: true)).Select(m => m.NodeId)];
        HashSet<string> offering = [.. Snapshot.Nodes.Where(n => n.Capabilities.TryGetValue(uid, out CapabilityValue? v) && v.IsOffered).Select(n => n.Id)];
        _evidence.Record(new($"offering:{uid}", offering.Count, "nodes"));
        Check.That(queried.SetEquals(offering), $"Query for offered {uid} names [{string.Join(", ", queried)}]; nodes offering it: [{string.Join(", ", offering)}].");
    }

    /// <summary>Checks that every published value carries provenance (where the value comes from).</summary>
    public void CheckEveryValueHasProvenance()
    {
        List<string> bare = [.. Snapshot.Nodes.SelectMany(n => n.Capabilities.Where(c => string.IsNullOrWhiteSpace(c.Value.Source)).Select(c => $"{n.Id}/{c.Key}"))];
        Check.That(bare.Count == 0, $"Published values without a source: {string.Join(", ", bare.Take(10))}.");
    }

    /// <summary>Checks that the nodes of the run's profile publish at least the given number of distinct profiles across the target.</summary>
    /// <param name="count">The minimum number of distinct profiles.</param>
    public void CheckDistinctProfiles(int count)
    {
        List<string> profiles = [.. Snapshot.Nodes.Select(n => n.Profile).Distinct(StringComparer.Ordinal)];
        _evidence.Record(new("profiles_offered", profiles.Count, "profiles"));
        Check.That(profiles.Count >= count, $"The target offers {profiles.Count} profile(s) ({string.Join(", ", profiles)}), expected at least {count}.");
    }

    /// <summary>Checks that nodes of different profiles run different CPU models (several CPU types serve the profiles).</summary>
    public void CheckProfilesDifferInCpu()
    {
        Dictionary<string, HashSet<string>> models = Snapshot.Nodes.Where(n => n.Hardware is not null)
            .GroupBy(n => n.Profile).ToDictionary(g => g.Key, g => g.Select(n => n.Hardware!.Cpu.Model).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        Check.That(models.Count > 1, $"Only profile(s) {string.Join(", ", models.Keys)} have nodes with hardware.");
        foreach (string a in models.Keys)
        {
            foreach (string b in models.Keys.Where(b => string.CompareOrdinal(a, b) < 0))
            {
                Check.That(!models[a].SetEquals(models[b]), $"Profiles {a} and {b} run the same CPU models ({string.Join(", ", models[a])}).");
            }
        }
    }

    private void RequireKnown(string uid)
    {
        if (!_run.Catalog.TryGet(uid, out _))
        {
            throw new ConformanceCheckException($"{uid} is not in the requirement catalogue; fix the step's uid.");
        }
    }
}
