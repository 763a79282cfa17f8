// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Sites;
using NfvConformance.Core.Evidence;
using NfvConformance.Core.Running;

namespace NfvConformance.Suites.Drivers;

/// <summary>Reads the target's sites and WAN links and measures paths between sites.</summary>
public sealed class SitesDriver
{
    private readonly RunContext _run;
    private readonly ScenarioEvidence _evidence;

    /// <summary>Creates the driver for one scenario.</summary>
    /// <param name="run">The run.</param>
    /// <param name="evidence">The scenario's evidence.</param>
    public SitesDriver(RunContext run, ScenarioEvidence evidence)
    {
        _run = run;
        _evidence = evidence;
    }

    private ISiteTopology Topology => TargetFacets.Require<ISiteTopology>(_run);

    /// <summary>Checks that the target has a site of a kind.</summary>
    /// <param name="kind">The site kind (core, edge).</param>
    /// <param name="cloud">The cloud (private, public), or null for any.</param>
    public void CheckHasSite(string kind, string? cloud)
    {
        List<SiteInfo> sites = [.. Topology.Sites.Where(s => s.Kind == kind && (cloud is null || s.Cloud == cloud))];
        _evidence.Record(new($"sites:{kind}", sites.Count, "sites"));
        Check.That(sites.Count > 0, $"No {kind} site{(cloud is null ? string.Empty : $" in a {cloud} cloud")}; sites: {string.Join(", ", Topology.Sites.Select(s => $"{s.Name} ({s.Kind}, {s.Cloud})"))}.");
    }

    /// <summary>Checks that every site hosts at least one discovered node.</summary>
    public void CheckEverySiteHostsNodes()
    {
        List<string> empty = [.. Topology.Sites.Where(s => !_run.Capabilities.Nodes.Any(n => n.Site == s.Name)).Select(s => s.Name)];
        Check.That(empty.Count == 0, $"Sites without any discovered node: {string.Join(", ", empty)}.");
    }

    /// <summary>Checks that every node names the site (availability zone) it stands in, and that the target lists that site.</summary>
    public void CheckEveryNodeNamesItsSite()
    {
        HashSet<string> sites = [.. Topology.Sites.Select(s => s.Name)];
        List<string> bad = [.. _run.Capabilities.Nodes.Where(n => string.IsNullOrWhiteSpace(n.Site) || !sites.Contains(n.Site)).Select(n => $"{n.Id} ('{n.Site}')")];
        Check.That(bad.Count == 0, $"Nodes naming no listed site: {string.Join(", ", bad)}; sites: {string.Join(", ", sites)}.");
        Check.That(sites.Count > 1, $"The target lists {sites.Count} site(s): one zone separates no failure.");
    }

    /// <summary>Finds the WAN path between two sites.</summary>
    /// <param name="from">A site.</param>
    /// <param name="to">Another site.</param>
    /// <returns>The path.</returns>
    public SitePath Path(string from, string to)
    {
        Check.That(Topology.TryFindPath(from, to, out SitePath? path) && path is not null, $"No WAN path from {from} to {to}; links: {string.Join(", ", Topology.Links.Select(l => $"{l.From}-{l.To}"))}.");
        _evidence.Record(new($"wan_latency:{from}->{to}", path.LatencyMs, "ms"));
        _evidence.Record(new($"wan_bandwidth:{from}->{to}", path.BandwidthGbps, "Gbps"));
        return path;
    }

    /// <summary>Returns the sites of a kind.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>Site names.</returns>
    public IReadOnlyList<string> SitesOfKind(string kind) => [.. Topology.Sites.Where(s => s.Kind == kind).Select(s => s.Name)];
}
