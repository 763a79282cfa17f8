// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Abstractions.Negotiation;
using NfvConformance.Core.Evidence;
using NfvConformance.Core.Running;

namespace NfvConformance.Suites.Drivers;

/// <summary>Builds a workload's request (resources, preference ladders, requirements) and asks the target to negotiate it.</summary>
public sealed class NegotiationDriver
{
    private readonly RunContext _run;
    private readonly ScenarioEvidence _evidence;
    private readonly List<PreferenceLadder> _ladders = [];
    private readonly List<string> _required = [];
    private readonly List<string> _wishes = [];
    private readonly List<string> _extensions = [];
    private NegotiationResult? _result;

    /// <summary>Creates the driver for one scenario.</summary>
    /// <param name="run">The run.</param>
    /// <param name="evidence">The scenario's evidence.</param>
    public NegotiationDriver(RunContext run, ScenarioEvidence evidence)
    {
        _run = run;
        _evidence = evidence;
    }

    /// <summary>Gets or sets the workload's name.</summary>
    public string Vnf { get; set; } = "vnf";

    /// <summary>Gets or sets the resources asked.</summary>
    public ResourceRequest Resources { get; set; } = new();

    /// <summary>Gets or sets the profile asked, if any.</summary>
    public string? Profile { get; set; }

    /// <summary>Gets or sets the site asked, if any.</summary>
    public string? Site { get; set; }

    /// <summary>Gets the result of the last negotiation.</summary>
    public NegotiationResult Result => _result ?? throw new ConformanceCheckException("No negotiation ran in this scenario: add 'When the target negotiates the request'.");

    /// <summary>Adds a preference ladder, best rung first.</summary>
    /// <param name="name">The ladder's name (an interface or accelerator role).</param>
    /// <param name="rungs">The rungs, separated by <c>&gt;</c> or commas.</param>
    public void AddLadder(string name, string rungs) =>
        _ladders.Add(new PreferenceLadder(name, [.. rungs.Split(['>', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]));

    /// <summary>Adds a required capability (uid, feature or extension).</summary>
    /// <param name="capability">The capability.</param>
    public void Require(string capability) => _required.Add(capability);

    /// <summary>Adds an optional wish.</summary>
    /// <param name="capability">The capability.</param>
    public void Wish(string capability) => _wishes.Add(capability);

    /// <summary>Adds a required profile extension.</summary>
    /// <param name="extension">The extension mnemonic.</param>
    public void RequireExtension(string extension) => _extensions.Add(extension);

    /// <summary>Builds the request as the steps described it.</summary>
    /// <returns>The request.</returns>
    public NegotiationRequest BuildRequest() =>
        new(Vnf, Resources, [.. _ladders], [.. _required], [.. _wishes], Profile, [.. _extensions], Site);

    /// <summary>Asks the target's negotiator.</summary>
    /// <returns>A task that completes when the target answered.</returns>
    public async Task NegotiateAsync()
    {
        INegotiation negotiator = TargetFacets.Require<INegotiation>(_run);
        _result = await negotiator.NegotiateAsync(BuildRequest()).ConfigureAwait(false);
        _evidence.Record(new("granted", _result.Granted ? 1 : 0, "bool"));
        foreach (LadderGrant l in _result.Ladders)
        {
            _evidence.Record(new($"rung_index:{l.Ladder}", l.RungIndex, "index"));
        }
    }

    /// <summary>Checks that the request was granted.</summary>
    public void CheckGranted() => Check.That(Result.Granted, $"The request was not granted: {Result.Explain()}");

    /// <summary>Checks that the request was refused, with at least one reason.</summary>
    public void CheckRefused()
    {
        Check.That(!Result.Granted && Result.Problems.Count == 0, $"Expected a refusal, got: {Result.Explain()}");
        Check.That(Result.Unmet.Count > 0, "The refusal gives no reason: it must list what each node lacks.");
    }

    /// <summary>Checks that the refusal explains itself for every node of the target, mentioning a text.</summary>
    /// <param name="text">A word every node's reason must contain.</param>
    public void CheckRefusalNamesOnEveryNode(string text)
    {
        CheckRefused();
        HashSet<string> explained = [.. Result.Unmet.Where(u => u.Reason.Contains(text, StringComparison.OrdinalIgnoreCase) || u.Requirement.Contains(text, StringComparison.OrdinalIgnoreCase)).Select(u => u.NodeId)];
        List<string> silent = [.. _run.Capabilities.Nodes.Select(n => n.Id).Where(id => !explained.Contains(id))];
        Check.That(silent.Count == 0, $"The refusal does not mention '{text}' for {string.Join(", ", silent)}: {Result.Explain()}");
    }

    /// <summary>Checks that the request was rejected as invalid, with a problem mentioning a text.</summary>
    /// <param name="text">A word the problem must contain.</param>
    public void CheckInvalid(string text)
    {
        Check.That(!Result.Granted && Result.Problems.Count > 0, $"Expected an invalid request, got: {Result.Explain()}");
        Check.That(Result.Problems.Any(p => p.ToString().Contains(text, StringComparison.OrdinalIgnoreCase)), $"No problem mentions '{text}': {Result.Explain()}");
    }

    /// <summary>Checks the rung a ladder got.</summary>
    /// <param name="ladder">The ladder.</param>
    /// <param name="rung">The expected rung.</param>
    public void CheckRung(string ladder, string rung)
    {
        CheckGranted();
        LadderGrant grant = Result.Ladders.FirstOrDefault(l => l.Ladder == ladder) ?? throw new ConformanceCheckException($"No ladder '{ladder}' in the grant: {Result.Explain()}");
        Check.That(grant.Rung == rung, $"Ladder '{ladder}' got '{grant.Rung ?? "none"}', expected '{rung}': {Result.Explain()}");
    }

    /// <summary>Checks that every rung better than the granted one is listed as refused, each with a reason.</summary>
    /// <param name="ladder">The ladder.</param>
    public void CheckBetterRungsExplained(string ladder)
    {
        CheckGranted();
        LadderGrant grant = Result.Ladders.First(l => l.Ladder == ladder);
        PreferenceLadder asked = _ladders.First(l => l.Name == ladder);
        List<string> better = [.. asked.Rungs.Take(grant.RungIndex)];
        Check.That(better.Count > 0, $"Ladder '{ladder}' got its best rung '{grant.Rung}'; nothing to explain, so this check proves nothing here: ask for a better rung first.");
        foreach (string rung in better)
        {
            RungRefusal? why = grant.Refused.FirstOrDefault(r => r.Rung == rung);
            Check.That(why is not null && why.Reason.Length > 0, $"Rung '{rung}' (better than '{grant.Rung}') is not explained: {Result.Explain()}");
        }
    }

    /// <summary>Checks that the granted node has a property.</summary>
    /// <param name="what">One of: <c>profile</c>, <c>extension</c>, <c>site</c>, <c>capability</c> (the node offers it).</param>
    /// <param name="value">The value.</param>
    public void CheckGrantedNode(string what, string value)
    {
        CheckGranted();
        NodeCapabilities node = _run.Capabilities.FindNode(Result.NodeId!) ?? throw new ConformanceCheckException($"Granted node '{Result.NodeId}' is not in the snapshot.");
        bool ok = what switch
        {
            "profile" => node.Profile == value,
            "extension" => node.Extensions.Contains(value, StringComparer.OrdinalIgnoreCase),
            "site" => node.Site == value,
            "capability" => node.Offers(value),
            _ => throw new ConformanceCheckException($"Unknown node property '{what}': use profile, extension, site or capability."),
        };
        Check.That(ok, $"Granted on {node.Id} (profile {node.Profile}, site {node.Site}, extensions [{string.Join(", ", node.Extensions)}]); expected {what} '{value}'.");
    }

    /// <summary>Checks that the grant names a NUMA node, and that a NUMA-local NIC or device backs each ladder's rung where it uses one.</summary>
    public void CheckNumaAligned()
    {
        CheckGranted();
        Check.That(Result.NumaNode is not null, $"The grant names no NUMA node although alignment was asked: {Result.Explain()}");
    }
}
