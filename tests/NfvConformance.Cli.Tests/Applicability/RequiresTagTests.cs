// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Suites.Support;

namespace NfvConformance.Cli.Tests.Applicability;

/// <summary>
/// The <c>@requires:</c> forms that name a target's shape (node, site, node count): a one-host target without the
/// emulator's node or site ids is not applicable with the reason, a target that has them applies.
/// </summary>
[TestFixture]
public sealed class RequiresTagTests
{
    private static readonly CapabilitySnapshot OneHost = Snapshot(("vm", "lab", "kernel-virtio"));
    private static readonly CapabilitySnapshot Emulator = Snapshot(("basic-1", "core-1", "kernel-virtio"), ("basic-2", "core-1", "kernel-virtio"), ("edge-1a", "edge-1", "kernel-virtio"));

    [TestCase("node:basic-1", "has no node 'basic-1' (its nodes: vm)")]
    [TestCase("site:edge-1", "has no node in site 'edge-1' (its sites: lab)")]
    [TestCase("nodes:2", "has 1 node(s), fewer than the 2 the scenario spreads over")]
    [TestCase("sriov", "does not publish sriov")]
    public void A_one_host_target_does_not_meet_it_and_says_why(string requirement, string reason) =>
        Assert.That(ApplicabilityHooks.Unmet(requirement, OneHost), Is.EqualTo(reason));

    [TestCase("node:basic-1")]
    [TestCase("site:edge-1")]
    [TestCase("site:core-1")]
    [TestCase("nodes:2")]
    [TestCase("nodes:3")]
    [TestCase("kernel-virtio")]
    public void A_target_that_has_it_meets_it(string requirement) =>
        Assert.That(ApplicabilityHooks.Unmet(requirement, Emulator), Is.Null);

    [Test]
    public void Four_nodes_are_not_met_by_three() =>
        Assert.That(ApplicabilityHooks.Unmet("nodes:4", Emulator), Does.Contain("has 3 node(s)"));

    private static CapabilitySnapshot Snapshot(params (string Id, string Site, string Feature)[] nodes) =>
        new(1, "basic", [.. nodes.Select(n => new NodeCapabilities(n.Id, n.Site, "basic", [], new Dictionary<string, CapabilityValue>(), new HashSet<string> { n.Feature }))]);
}
