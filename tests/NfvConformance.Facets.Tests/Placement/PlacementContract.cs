// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Negotiation;
using NfvConformance.Abstractions.Placement;
using NfvConformance.Facets.Tests.Negotiation;

namespace NfvConformance.Facets.Tests.Placement;

/// <summary>
/// What every <see cref="IPlacement"/> must do: place all or nothing, answer an unplaceable or invalid request
/// with its problems (a value), hold what it placed until released, release idempotently, and honour cancellation (a
/// cancelled placement holds nothing).
/// </summary>
/// <typeparam name="TTarget">The target.</typeparam>
public abstract class PlacementContract<TTarget> : FacetContract<IPlacement, TTarget>
    where TTarget : TestTarget, new()
{
    private static PlacementRequest Container(string vnf = "contract", int instances = 1) =>
        new(NegotiationContract<TTarget>.Meetable(vnf), WorkloadKind.Container, instances);

    private static PlacementRequest Unplaceable() =>
        new(new NegotiationRequest("huge", new ResourceRequest(Cores: 100_000, MemoryMb: 64), [new PreferenceLadder("eth0", [Rungs.KernelVirtio])]), WorkloadKind.Container);

    /// <inheritdoc />
    public override IReadOnlyList<FacetBreak<IPlacement>> Breaks { get; } =
    [
        new(nameof(Place_ThenRelease_HoldsTheInstanceUntilReleasedAndReleasesOnce), "reports a release of an instance it no longer holds",
            f => Broken.Facet(f, (nameof(IPlacement.ReleaseAsync), (a, real) => Broken.Then((ValueTask<bool>)real()!, _ => true)))),
        new(nameof(Place_ThenRelease_HoldsTheInstanceUntilReleasedAndReleasesOnce), "forgets the instances it placed",
            f => Broken.Facet(f, ("get_" + nameof(IPlacement.Instances), (a, real) => Array.Empty<PlacedInstance>()))),
        new(nameof(Place_Unplaceable_FailsWithProblemsAndHoldsNothing), "throws instead of answering with the problems",
            f => Broken.Facet(f, (nameof(IPlacement.PlaceAsync), (a, real) => ((PlacementRequest)a[0]!).Negotiation.Resources.Cores > 1000 ? ValueTask.FromException<PlacementResult>(new InvalidOperationException("no room")) : real()))),
        new(nameof(Place_Unplaceable_FailsWithProblemsAndHoldsNothing), "fails without saying why",
            f => Broken.Facet(f, (nameof(IPlacement.PlaceAsync), (a, real) => Broken.Then((ValueTask<PlacementResult>)real()!, r => r.Succeeded ? r : r with { Problems = [] })))),
        new(nameof(Place_InvalidInstanceCount_IsRefusedBeforeAnythingIsPlaced), "places an instance for a request of zero instances",
            f => Broken.Facet(f, (nameof(IPlacement.PlaceAsync), (a, real) => ((PlacementRequest)a[0]!).Instances <= 0 ? f.PlaceAsync(((PlacementRequest)a[0]!) with { Instances = 1 }, (CancellationToken)a[1]!) : real()))),
        new(nameof(PlaceAll_OneUnplaceable_PlacesNone), "keeps the requests placed before the one that failed",
            f => Broken.Facet(f, (nameof(IPlacement.PlaceAllAsync), (a, real) => PlaceEachAsync(f, (IReadOnlyList<PlacementRequest>)a[0]!)))),
        new(nameof(Place_Cancelled_ThrowsAndHoldsNothing), "ignores cancellation",
            f => Broken.Facet(f, (nameof(IPlacement.PlaceAsync), (a, real) => f.PlaceAsync((PlacementRequest)a[0]!, CancellationToken.None)))),
    ];

    [Test]
    public async Task Place_ThenRelease_HoldsTheInstanceUntilReleasedAndReleasesOnce()
    {
        await using FacetSession<IPlacement> s = await OpenAsync();

        PlacementResult placed = await s.Facet.PlaceAsync(Container());

        Assert.That(placed.Succeeded, Is.True, string.Join("; ", placed.Problems));
        PlacedInstance instance = placed.Instances.Single();
        Assert.That(s.Facet.Instances.Select(i => i.InstanceId), Does.Contain(instance.InstanceId));
        Assert.That(await s.Facet.ReleaseAsync(instance.InstanceId), Is.True);
        Assert.That(s.Facet.Instances.Select(i => i.InstanceId), Does.Not.Contain(instance.InstanceId));
        Assert.That(await s.Facet.ReleaseAsync(instance.InstanceId), Is.False, "a second release of the same instance is a no-op");
        Assert.That(await s.Facet.ReleaseAsync("never-placed"), Is.False);
    }

    [Test]
    public async Task Place_Unplaceable_FailsWithProblemsAndHoldsNothing()
    {
        await using FacetSession<IPlacement> s = await OpenAsync();
        int before = s.Facet.Instances.Count;

        PlacementResult result = await s.Facet.PlaceAsync(Unplaceable());

        Assert.That(result.Succeeded, Is.False);
        Assert.That(result.Instances, Is.Empty);
        Assert.That(result.Problems, Is.Not.Empty, "a refusal says why");
        Assert.That(s.Facet.Instances, Has.Count.EqualTo(before));
    }

    [Test]
    public async Task Place_InvalidInstanceCount_IsRefusedBeforeAnythingIsPlaced()
    {
        await using FacetSession<IPlacement> s = await OpenAsync();

        PlacementResult result = await s.Facet.PlaceAsync(Container(instances: 0));

        Assert.That(result.Succeeded, Is.False);
        Assert.That(result.Problems.Where(p => p.IsCritical), Is.Not.Empty);
        Assert.That(s.Facet.Instances, Is.Empty);
    }

    [Test]
    public async Task PlaceAll_OneUnplaceable_PlacesNone()
    {
        await using FacetSession<IPlacement> s = await OpenAsync();

        PlacementResult result = await s.Facet.PlaceAllAsync([Container("first"), Unplaceable()]);

        Assert.That(result.Succeeded, Is.False);
        Assert.That(result.Instances, Is.Empty);
        Assert.That(result.Problems, Is.Not.Empty);
        Assert.That(s.Facet.Instances, Is.Empty, "placement is all or nothing");
    }

    [Test]
    public async Task Place_Cancelled_ThrowsAndHoldsNothing()
    {
        await using FacetSession<IPlacement> s = await OpenAsync();
        using CancellationTokenSource cancelled = new();
        await cancelled.CancelAsync();

        Exception? thrown = Assert.CatchAsync(async () => await s.Facet.PlaceAsync(Container(), cancelled.Token));

        Assert.That(thrown, Is.InstanceOf<OperationCanceledException>());
        Assert.That(s.Facet.Instances, Is.Empty, "a cancelled placement holds nothing");
    }

    // A wrong PlaceAll: places each request on its own and keeps those placed before one that failed.
    private static async ValueTask<PlacementResult> PlaceEachAsync(IPlacement f, IReadOnlyList<PlacementRequest> requests)
    {
        List<PlacementResult> each = [];
        foreach (PlacementRequest r in requests)
        {
            each.Add(await f.PlaceAsync(r));
        }

        return each.All(r => r.Succeeded) ? each[0] : new PlacementResult(false, [], [], [.. each.SelectMany(r => r.Problems)]);
    }
}

public sealed class EmulatorPlacementContract : PlacementContract<OnEmulator>
{
}

public sealed class LinuxPlacementContract : PlacementContract<OnLinux>
{
}
