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

    private void RequireKnown(string uid)
    {
        if (!_run.Catalog.TryGet(uid, out _))
        {
            throw new ConformanceCheckException($"{uid} is not in the requirement catalogue; fix the step's uid.");
        }
    }
}
