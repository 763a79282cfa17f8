// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.TenantNetworking;

namespace NfvConformance.Facets.Tests.TenantNetworking;

/// <summary>
/// What every <see cref="ITenantNetworking"/> must do to keep tenants apart: a project sees its own networks and not
/// another project's private ones, each network gets a segment of its own, a project's usage is refused to anyone but
/// the owner, a project reads only its own resources' events, and a cancelled call changes nothing.
/// </summary>
/// <typeparam name="TTarget">The target.</typeparam>
public abstract class TenantNetworkingContract<TTarget> : FacetContract<ITenantNetworking, TTarget>
    where TTarget : TestTarget, new()
{
    /// <inheritdoc />
    public override IReadOnlyList<FacetBreak<ITenantNetworking>> Breaks { get; } =
    [
        new(nameof(ListNetworks_ShowsOwnNetworksAndNoOtherProjectsPrivateOnes), "lists every project's networks",
            f => Broken.Facet(f, (nameof(ITenantNetworking.ListNetworksAsync), (a, real) => ListAllAsync(f, (TagFilter?)a[1], (CancellationToken)a[2]!)))),
        new(nameof(CreateNetwork_TwoProjects_EachNetworkItsOwnSegment), "puts two tenants on one segment",
            f => Broken.Facet(f, (nameof(ITenantNetworking.CreateNetworkAsync), (a, real) => Broken.Then((ValueTask<TimedOperation<TenantNetwork>>)real()!, op => op with { Result = op.Result with { SegmentationId = 100 } })))),
        new(nameof(CreateNetwork_Cancelled_ThrowsAndCreatesNothing), "ignores cancellation",
            f => Broken.Facet(f, (nameof(ITenantNetworking.CreateNetworkAsync), (a, real) => f.CreateNetworkAsync((string)a[0]!, (NetworkSpec)a[1]!, CancellationToken.None)))),
        new(nameof(GetUsage_ByAnotherProject_IsDenied), "shows a project's usage to another project",
            f => Broken.Facet(f, (nameof(ITenantNetworking.GetUsageAsync), (a, real) => f.GetUsageAsync((string)a[1]!, (string)a[1]!, (CancellationToken)a[2]!)))),
        new(nameof(ReadEvents_ShowOnlyTheProjectsOwnResources), "tells a project about another project's resources",
            f => Broken.Facet(f, (nameof(ITenantNetworking.ReadEventsAsync), (a, real) => ReadAllAsync(f, (long)a[1]!, (CancellationToken)a[2]!)))),
    ];

    // The projects the broken facets leak between (set by the tests that create them).
    private static string[] Seen { get; set; } = [];

    [Test]
    public async Task ListNetworks_ShowsOwnNetworksAndNoOtherProjectsPrivateOnes()
    {
        await using FacetSession<ITenantNetworking> s = await OpenAsync();
        (TenantProject a, TenantProject b) = await TwoProjectsAsync(s.Facet);
        TenantNetwork aNet = (await s.Facet.CreateNetworkAsync(a.Id, new NetworkSpec("a-net"))).Result;

        IReadOnlyList<TenantNetwork> seenByA = await s.Facet.ListNetworksAsync(a.Id);
        IReadOnlyList<TenantNetwork> seenByB = await s.Facet.ListNetworksAsync(b.Id);

        Assert.That(seenByA.Select(n => n.Id), Does.Contain(aNet.Id));
        Assert.That(seenByB.Select(n => n.Id), Does.Not.Contain(aNet.Id), "another project's private network is invisible");
    }

    [Test]
    public async Task CreateNetwork_TwoProjects_EachNetworkItsOwnSegment()
    {
        await using FacetSession<ITenantNetworking> s = await OpenAsync();
        (TenantProject a, TenantProject b) = await TwoProjectsAsync(s.Facet);

        TenantNetwork aNet = (await s.Facet.CreateNetworkAsync(a.Id, new NetworkSpec("net"))).Result;
        TenantNetwork bNet = (await s.Facet.CreateNetworkAsync(b.Id, new NetworkSpec("net"))).Result;

        Assert.That(aNet.Id, Is.Not.EqualTo(bNet.Id));
        Assert.That(aNet.SegmentationId, Is.Not.EqualTo(bNet.SegmentationId), "tenants' networks are isolated on their own segments");
        Assert.That((aNet.ProjectId, bNet.ProjectId), Is.EqualTo((a.Id, b.Id)));
    }

    [Test]
    public async Task CreateNetwork_Cancelled_ThrowsAndCreatesNothing()
    {
        await using FacetSession<ITenantNetworking> s = await OpenAsync();
        (TenantProject a, _) = await TwoProjectsAsync(s.Facet);
        using CancellationTokenSource cancelled = new();
        await cancelled.CancelAsync();

        Assert.That(async () => await s.Facet.CreateNetworkAsync(a.Id, new NetworkSpec("never"), cancelled.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That((await s.Facet.ListNetworksAsync(a.Id)).Where(n => n.ProjectId == a.Id), Is.Empty, "a cancelled create leaves nothing behind");
    }

    [Test]
    public async Task GetUsage_ByAnotherProject_IsDenied()
    {
        await using FacetSession<ITenantNetworking> s = await OpenAsync();
        (TenantProject a, TenantProject b) = await TwoProjectsAsync(s.Facet);
        await s.Facet.CreateNetworkAsync(a.Id, new NetworkSpec("a-net"));

        ProjectUsage own = await s.Facet.GetUsageAsync(a.Id, a.Id);

        Assert.That(own.Networks, Is.EqualTo(1));
        Assert.That(async () => await s.Facet.GetUsageAsync(b.Id, a.Id), Throws.TypeOf<TenantAccessDeniedException>());
    }

    [Test]
    public async Task ReadEvents_ShowOnlyTheProjectsOwnResources()
    {
        await using FacetSession<ITenantNetworking> s = await OpenAsync();
        (TenantProject a, TenantProject b) = await TwoProjectsAsync(s.Facet);
        TenantNetwork aNet = (await s.Facet.CreateNetworkAsync(a.Id, new NetworkSpec("a-net"))).Result;
        await s.Facet.CreateNetworkAsync(b.Id, new NetworkSpec("b-net"));

        IReadOnlyList<ResourceEvent> aEvents = await s.Facet.ReadEventsAsync(a.Id, 0);
        IReadOnlyList<ResourceEvent> bEvents = await s.Facet.ReadEventsAsync(b.Id, 0);

        Assert.That(aEvents.Select(e => e.ResourceId), Does.Contain(aNet.Id));
        Assert.That(bEvents.Select(e => e.ProjectId), Is.All.EqualTo(b.Id));
        Assert.That(bEvents.Select(e => e.ResourceId), Does.Not.Contain(aNet.Id));
    }

    private static async Task<(TenantProject A, TenantProject B)> TwoProjectsAsync(ITenantNetworking facet)
    {
        TenantProject a = (await facet.CreateProjectAsync("contract-a")).Result;
        TenantProject b = (await facet.CreateProjectAsync("contract-b")).Result;
        Seen = [a.Id, b.Id];
        return (a, b);
    }

    private static async ValueTask<IReadOnlyList<TenantNetwork>> ListAllAsync(ITenantNetworking f, TagFilter? filter, CancellationToken cancellationToken)
    {
        List<TenantNetwork> all = [];
        foreach (string p in Seen)
        {
            all.AddRange(await f.ListNetworksAsync(p, filter, cancellationToken));
        }

        return all.DistinctBy(n => n.Id).ToList();
    }

    private static async ValueTask<IReadOnlyList<ResourceEvent>> ReadAllAsync(ITenantNetworking f, long after, CancellationToken cancellationToken)
    {
        List<ResourceEvent> all = [];
        foreach (string p in Seen)
        {
            all.AddRange(await f.ReadEventsAsync(p, after, cancellationToken));
        }

        return all;
    }
}

public sealed class EmulatorTenantNetworkingContract : TenantNetworkingContract<OnEmulator>
{
}

public sealed class LinuxTenantNetworkingContract : TenantNetworkingContract<OnLinux>
{
}
