// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.TenantNetworking;

namespace NfvConformance.Facets.Tests.TenantNetworking;

/// <summary>
/// What every <see cref="ITenantNetworking"/> must do to keep tenants apart: a project sees its own networks and not
/// another project's private ones, each network gets a segment of its own, a project's usage is refused to anyone but
/// the owner, and a project reads only its own resources' events.
/// </summary>
/// <typeparam name="TTarget">The target.</typeparam>
public abstract class TenantNetworkingContract<TTarget> : FacetContract<ITenantNetworking, TTarget>
    where TTarget : TestTarget, new()
{
    /// <inheritdoc />
    public override IReadOnlyList<FacetBreak<ITenantNetworking>> Breaks { get; } =
    [
        new(nameof(ListNetworks_ShowsOwnNetworksAndNoOtherProjectsPrivateOnes), "lists every project's networks",
            f => Broken.Facet(f, (nameof(ITenantNetworking.ListNetworks), (a, real) => Seen.SelectMany(p => f.ListNetworks(p, (TagFilter?)a[1])).DistinctBy(n => n.Id).ToList()))),
        new(nameof(CreateNetwork_TwoProjects_EachNetworkItsOwnSegment), "puts two tenants on one segment",
            f => Broken.Facet(f, (nameof(ITenantNetworking.CreateNetwork), (a, real) => ((TimedOperation<TenantNetwork>)real()!) is var op ? op with { Result = op.Result with { SegmentationId = 100 } } : null))),
        new(nameof(GetUsage_ByAnotherProject_IsDenied), "shows a project's usage to another project",
            f => Broken.Facet(f, (nameof(ITenantNetworking.GetUsage), (a, real) => f.GetUsage((string)a[1]!, (string)a[1]!)))),
        new(nameof(ReadEvents_ShowOnlyTheProjectsOwnResources), "tells a project about another project's resources",
            f => Broken.Facet(f, (nameof(ITenantNetworking.ReadEvents), (a, real) => Seen.SelectMany(p => f.ReadEvents(p, (long)a[1]!)).ToList()))),
    ];

    // The projects the broken facets leak between (set by the tests that create them).
    private static string[] Seen { get; set; } = [];

    [Test]
    public async Task ListNetworks_ShowsOwnNetworksAndNoOtherProjectsPrivateOnes()
    {
        await using FacetSession<ITenantNetworking> s = await OpenAsync();
        (TenantProject a, TenantProject b) = TwoProjects(s.Facet);
        TenantNetwork aNet = s.Facet.CreateNetwork(a.Id, new NetworkSpec("a-net")).Result;

        IReadOnlyList<TenantNetwork> seenByA = s.Facet.ListNetworks(a.Id);
        IReadOnlyList<TenantNetwork> seenByB = s.Facet.ListNetworks(b.Id);

        Assert.That(seenByA.Select(n => n.Id), Does.Contain(aNet.Id));
        Assert.That(seenByB.Select(n => n.Id), Does.Not.Contain(aNet.Id), "another project's private network is invisible");
    }

    [Test]
    public async Task CreateNetwork_TwoProjects_EachNetworkItsOwnSegment()
    {
        await using FacetSession<ITenantNetworking> s = await OpenAsync();
        (TenantProject a, TenantProject b) = TwoProjects(s.Facet);

        TenantNetwork aNet = s.Facet.CreateNetwork(a.Id, new NetworkSpec("net")).Result;
        TenantNetwork bNet = s.Facet.CreateNetwork(b.Id, new NetworkSpec("net")).Result;

        Assert.That(aNet.Id, Is.Not.EqualTo(bNet.Id));
        Assert.That(aNet.SegmentationId, Is.Not.EqualTo(bNet.SegmentationId), "tenants' networks are isolated on their own segments");
        Assert.That((aNet.ProjectId, bNet.ProjectId), Is.EqualTo((a.Id, b.Id)));
    }

    [Test]
    public async Task GetUsage_ByAnotherProject_IsDenied()
    {
        await using FacetSession<ITenantNetworking> s = await OpenAsync();
        (TenantProject a, TenantProject b) = TwoProjects(s.Facet);
        s.Facet.CreateNetwork(a.Id, new NetworkSpec("a-net"));

        ProjectUsage own = s.Facet.GetUsage(a.Id, a.Id);

        Assert.That(own.Networks, Is.EqualTo(1));
        Assert.Throws<TenantAccessDeniedException>(() => s.Facet.GetUsage(b.Id, a.Id));
    }

    [Test]
    public async Task ReadEvents_ShowOnlyTheProjectsOwnResources()
    {
        await using FacetSession<ITenantNetworking> s = await OpenAsync();
        (TenantProject a, TenantProject b) = TwoProjects(s.Facet);
        TenantNetwork aNet = s.Facet.CreateNetwork(a.Id, new NetworkSpec("a-net")).Result;
        s.Facet.CreateNetwork(b.Id, new NetworkSpec("b-net"));

        IReadOnlyList<ResourceEvent> aEvents = s.Facet.ReadEvents(a.Id, 0);
        IReadOnlyList<ResourceEvent> bEvents = s.Facet.ReadEvents(b.Id, 0);

        Assert.That(aEvents.Select(e => e.ResourceId), Does.Contain(aNet.Id));
        Assert.That(bEvents.Select(e => e.ProjectId), Is.All.EqualTo(b.Id));
        Assert.That(bEvents.Select(e => e.ResourceId), Does.Not.Contain(aNet.Id));
    }

    private static (TenantProject A, TenantProject B) TwoProjects(ITenantNetworking facet)
    {
        TenantProject a = facet.CreateProject("contract-a").Result;
        TenantProject b = facet.CreateProject("contract-b").Result;
        Seen = [a.Id, b.Id];
        return (a, b);
    }
}

public sealed class EmulatorTenantNetworkingContract : TenantNetworkingContract<OnEmulator>
{
}
