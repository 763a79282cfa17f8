// Licensed under the Apache License, Version 2.0.
using Reqnroll;
using NfvConformance.Suites.Drivers;

namespace NfvConformance.Suites.StepDefinitions;

/// <summary>Steps about what an NFVI publishes (capability discovery).</summary>
[Binding]
public sealed class DiscoverySteps
{
    private readonly DiscoveryDriver _driver;

    /// <summary>Creates the steps for one scenario.</summary>
    /// <param name="driver">The discovery driver.</param>
    public DiscoverySteps(DiscoveryDriver driver)
    {
        _driver = driver;
    }

    /// <summary>Discovers the target.</summary>
    /// <returns>A task.</returns>
    [Given("the target has been discovered")]
    public Task GivenTheTargetHasBeenDiscovered() => _driver.DiscoverAsync();

    /// <summary>Every node publishes each capability of the table's <c>uid</c> column.</summary>
    /// <param name="table">A table with a <c>uid</c> column.</param>
    [Then("every node publishes these capabilities:")]
    public void ThenEveryNodePublishes(DataTable table) => _driver.CheckEveryNodePublishes(Column(table, "uid"));

    /// <summary>The published values meet the catalogue's values for the run's profile.</summary>
    /// <param name="table">A table with a <c>uid</c> column.</param>
    [Then("the published values meet the catalogue's values for the run's profile:")]
    public void ThenValuesMeetProfile(DataTable table) => _driver.CheckValuesMeetProfile(Column(table, "uid"));

    /// <summary>At least one node offers the capability.</summary>
    /// <param name="capability">A uid, profile extension or feature name.</param>
    [Then("at least one node offers {string}")]
    public void ThenSomeNodeOffers(string capability) => _driver.CheckSomeNodeOffers(capability);

    /// <summary>No node offers the capability.</summary>
    /// <param name="capability">A uid, profile extension or feature name.</param>
    [Then("no node offers {string}")]
    public void ThenNoNodeOffers(string capability) => _driver.CheckNoNodeOffers(capability);

    /// <summary>Every node states one catalogue profile, and some node has the run's profile.</summary>
    [Then("every node states its profile")]
    public void ThenEveryNodeStatesProfile() => _driver.CheckEveryNodeHasProfile();

    /// <summary>The target offers nodes of at least this many profiles.</summary>
    /// <param name="count">How many.</param>
    [Then("the target offers nodes of at least {int} profiles")]
    public void ThenDistinctProfiles(int count) => _driver.CheckDistinctProfiles(count);

    /// <summary>A query for a capability agrees with the snapshot on every node.</summary>
    /// <param name="uid">The capability uid.</param>
    [Then("a query for {string} returns the value each node publishes")]
    public void ThenQueryAgrees(string uid) => _driver.CheckQueryAgreesWithSnapshot(uid);

    /// <summary>A query for offered values names exactly the nodes that offer the capability.</summary>
    /// <param name="uid">The capability uid.</param>
    [Then("a query for nodes offering {string} names exactly those nodes")]
    public void ThenOfferedQuery(string uid) => _driver.CheckOfferedQueryNamesOfferingNodes(uid);

    /// <summary>Every published value says where it comes from.</summary>
    [Then("every published value states its source")]
    public void ThenProvenance() => _driver.CheckEveryValueHasProvenance();

    /// <summary>Nodes of different profiles run different CPU models.</summary>
    [Then("the nodes of different profiles run different CPU types")]
    public void ThenCpuTypesDiffer() => _driver.CheckProfilesDifferInCpu();

    private static IEnumerable<string> Column(DataTable table, string header) => table.Rows.Select(r => r[header]);
}
