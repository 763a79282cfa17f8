// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Negotiation;
using NfvConformance.Abstractions.Placement;
using NfvConformance.Facets.Tests.Negotiation;

namespace NfvConformance.Facets.Tests.Placement;

/// <summary>
/// What every <see cref="IPlacement"/> must do: place all or nothing, answer an unplaceable or invalid request
/// with its problems (a value), hold what it placed until released, and release idempotently.
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
            f => Broken.Facet(f, (nameof(IPlacement.Release), (a, real) => { _ = real(); return true; }))),
        new(nameof(Place_ThenRelease_HoldsTheInstanceUntilReleasedAndReleasesOnce), "forgets the instances it placed",
            f => Broken.Facet(f, ("get_" + nameof(IPlacement.Instances), (a, real) => Array.Empty<PlacedInstance>()))),
        new(nameof(Place_Unplaceable_FailsWithProblemsAndHoldsNothing), "throws instead of answering with the problems",
            f => Broken.Facet(f, (nameof(IPlacement.Place), (a, real) => ((PlacementRequest)a[0]!).Negotiation.Resources.Cores > 1000 ? throw new InvalidOperationException("no room") : real()))),
        new(nameof(Place_Unplaceable_FailsWithProblemsAndHoldsNothing), "fails without saying why",
            f => Broken.Facet(f, (nameof(IPlacement.Place), (a, real) => ((PlacementResult)real()!) is { Succeeded: false } r ? r with { Problems = [] } : real()))),
        new(nameof(Place_InvalidInstanceCount_IsRefusedBeforeAnythingIsPlaced), "places an instance for a request of zero instances",
            f => Broken.Facet(f, (nameof(IPlacement.Place), (a, real) => ((PlacementRequest)a[0]!).Instances <= 0 ? f.Place(((PlacementRequest)a[0]!) with { Instances = 1 }) : real()))),
        new(nameof(PlaceAll_OneUnplaceable_PlacesNone), "keeps the requests placed before the one that failed",
            f => Broken.Facet(f, (nameof(IPlacement.PlaceAll), (a, real) => ((IReadOnlyList<PlacementRequest>)a[0]!).Select(f.Place).ToList() is var each && each.All(r => r.Succeeded)
                ? each[0] : new PlacementResult(false, [], [], [.. each.SelectMany(r => r.Problems)])))),
    ];

    [Test]
    public async Task Place_ThenRelease_HoldsTheInstanceUntilReleasedAndReleasesOnce()
    {
        await using FacetSession<IPlacement> s = await OpenAsync();

        PlacementResult placed = s.Facet.Place(Container());

        Assert.That(placed.Succeeded, Is.True, string.Join("; ", placed.Problems));
        PlacedInstance instance = placed.Instances.Single();
        Assert.That(s.Facet.Instances.Select(i => i.InstanceId), Does.Contain(instance.InstanceId));
        Assert.That(s.Facet.Release(instance.InstanceId), Is.True);
        Assert.That(s.Facet.Instances.Select(i => i.InstanceId), Does.Not.Contain(instance.InstanceId));
        Assert.That(s.Facet.Release(instance.InstanceId), Is.False, "a second release of the same instance is a no-op");
        Assert.That(s.Facet.Release("never-placed"), Is.False);
    }

    [Test]
    public async Task Place_Unplaceable_FailsWithProblemsAndHoldsNothing()
    {
        await using FacetSession<IPlacement> s = await OpenAsync();
        int before = s.Facet.Instances.Count;

        PlacementResult result = s.Facet.Place(Unplaceable());

        Assert.That(result.Succeeded, Is.False);
        Assert.That(result.Instances, Is.Empty);
        Assert.That(result.Problems, Is.Not.Empty, "a refusal says why");
        Assert.That(s.Facet.Instances, Has.Count.EqualTo(before));
    }

    [Test]
    public async Task Place_InvalidInstanceCount_IsRefusedBeforeAnythingIsPlaced()
    {
        await using FacetSession<IPlacement> s = await OpenAsync();

        PlacementResult result = s.Facet.Place(Container(instances: 0));

        Assert.That(result.Succeeded, Is.False);
        Assert.That(result.Problems.Where(p => p.IsCritical), Is.Not.Empty);
        Assert.That(s.Facet.Instances, Is.Empty);
    }

    [Test]
    public async Task PlaceAll_OneUnplaceable_PlacesNone()
    {
        await using FacetSession<IPlacement> s = await OpenAsync();

        PlacementResult result = s.Facet.PlaceAll([Container("first"), Unplaceable()]);

        Assert.That(result.Succeeded, Is.False);
        Assert.That(result.Instances, Is.Empty);
        Assert.That(result.Problems, Is.Not.Empty);
        Assert.That(s.Facet.Instances, Is.Empty, "placement is all or nothing");
    }
}

public sealed class EmulatorPlacementContract : PlacementContract<OnEmulator>
{
}

public sealed class LinuxPlacementContract : PlacementContract<OnLinux>
{
}
