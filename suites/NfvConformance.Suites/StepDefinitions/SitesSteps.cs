// Licensed under the Apache License, Version 2.0.
using Reqnroll;
using NfvConformance.Suites.Drivers;

namespace NfvConformance.Suites.StepDefinitions;

/// <summary>Steps about sites (core, edge, public cloud) and the WAN between them.</summary>
[Binding]
public sealed class SitesSteps
{
    private readonly SitesDriver _driver;
    private readonly FiguresDriver _figures;

    /// <summary>Creates the steps for one scenario.</summary>
    /// <param name="driver">The sites driver.</param>
    /// <param name="figures">The target figures.</param>
    public SitesSteps(SitesDriver driver, FiguresDriver figures)
    {
        _driver = driver;
        _figures = figures;
    }

    /// <summary>The target has a site of a kind.</summary>
    /// <param name="kind">core or edge.</param>
    [Then("the target has a(n) {word} site")]
    public void ThenHasSite(string kind) => _driver.CheckHasSite(kind, null);

    /// <summary>The target has a site of a kind in a cloud.</summary>
    /// <param name="kind">core or edge.</param>
    /// <param name="cloud">private or public.</param>
    [Then("the target has a(n) {word} site in a {word} cloud")]
    public void ThenHasSiteIn(string kind, string cloud) => _driver.CheckHasSite(kind, cloud);

    /// <summary>Every site hosts at least one discovered node.</summary>
    [Then("every site hosts at least one node")]
    public void ThenSitesHostNodes() => _driver.CheckEverySiteHostsNodes();

    /// <summary>Every node names the site it stands in, and the target lists the sites.</summary>
    [Then("every node names the site it stands in")]
    public void ThenNodesNameSites() => _driver.CheckEveryNodeNamesItsSite();

    /// <summary>The WAN path between two sites stays within a latency figure.</summary>
    /// <param name="from">A site.</param>
    /// <param name="to">Another site.</param>
    /// <param name="figure">The budget's figure key (ms).</param>
    [Then("the WAN path from {string} to {string} stays within {string}")]
    public void ThenPathWithin(string from, string to, string figure) => _figures.CheckAtMost($"wan_latency {from}->{to}", _driver.Path(from, to).LatencyMs, figure);

    /// <summary>The WAN path between two sites carries at least a bandwidth figure.</summary>
    /// <param name="from">A site.</param>
    /// <param name="to">Another site.</param>
    /// <param name="figure">The figure key (Gbps).</param>
    [Then("the WAN path from {string} to {string} carries at least {string}")]
    public void ThenPathCarries(string from, string to, string figure) => _figures.CheckAtLeast($"wan_bandwidth {from}->{to}", _driver.Path(from, to).BandwidthGbps, figure);
}
