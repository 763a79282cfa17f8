// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Capabilities;

namespace NfvConformance.Facets.Tests.Capabilities;

/// <summary>
/// What every <see cref="ICapabilities"/> must do: publish what the target discovers (same version, same
/// nodes), answer a query with exactly the matching values of the current snapshot (an unknown node matches nothing,
/// it is not an error), and let an observer go, more than once.
/// </summary>
/// <typeparam name="TTarget">The target.</typeparam>
public abstract class CapabilitiesContract<TTarget> : FacetContract<ICapabilities, TTarget>
    where TTarget : TestTarget, new()
{
    /// <inheritdoc />
    public override IReadOnlyList<FacetBreak<ICapabilities>> Breaks { get; } =
    [
        new(nameof(Current_IsWhatTheTargetDiscovers), "publishes a stale version",
            f => Broken.Facet(f, ("get_" + nameof(ICapabilities.Current), (a, real) => ((CapabilitySnapshot)real()!) is var c ? new CapabilitySnapshot(c.Version - 1, c.Profile, c.Nodes) : null))),
        new(nameof(Query_ByUid_ReturnsExactlyThatUidsValues), "ignores the uid criterion",
            f => Broken.Facet(f, (nameof(ICapabilities.Query), (a, real) => f.Query(((CapabilityQuery)a[0]!) with { Uid = null })))),
        new(nameof(Query_ByUid_ReturnsExactlyThatUidsValues), "drops the last match",
            f => Broken.Facet(f, (nameof(ICapabilities.Query), (a, real) => ((IReadOnlyList<CapabilityMatch>)real()!).SkipLast(1).ToList()))),
        new(nameof(Query_OfferedOnlyOrUnknownNode_FiltersWithoutFailing), "returns values that are not offered",
            f => Broken.Facet(f, (nameof(ICapabilities.Query), (a, real) => f.Query(((CapabilityQuery)a[0]!) with { OfferedOnly = false })))),
        new(nameof(Query_OfferedOnlyOrUnknownNode_FiltersWithoutFailing), "throws for an unknown node",
            f => Broken.Facet(f, (nameof(ICapabilities.Query), (a, real) => ((CapabilityQuery)a[0]!).NodeId is not null ? throw new KeyNotFoundException("node") : real()))),
        new(nameof(Subscribe_DisposedTwice_DoesNotThrow), "throws on a second dispose",
            f => Broken.Facet(f, (nameof(ICapabilities.Subscribe), (a, real) => new DisposeOnce((IDisposable)real()!)))),
    ];

    [Test]
    public async Task Current_IsWhatTheTargetDiscovers()
    {
        await using FacetSession<ICapabilities> s = await OpenAsync();

        CapabilitySnapshot discovered = await s.Target.DiscoverAsync();
        CapabilitySnapshot current = s.Facet.Current;

        Assert.That(current.Version, Is.EqualTo(discovered.Version));
        Assert.That(current.Profile, Is.EqualTo(s.Target.Profile));
        Assert.That(current.Nodes.Select(n => n.Id), Is.EqualTo(discovered.Nodes.Select(n => n.Id)));
        Assert.That(current.Nodes, Is.Not.Empty);
    }

    [Test]
    public async Task Query_ByUid_ReturnsExactlyThatUidsValues()
    {
        await using FacetSession<ICapabilities> s = await OpenAsync();
        CapabilitySnapshot current = s.Facet.Current;
        string uid = current.Nodes.SelectMany(n => n.Capabilities.Keys).Order(StringComparer.Ordinal).First();

        IReadOnlyList<CapabilityMatch> matches = s.Facet.Query(new CapabilityQuery(Uid: uid));

        string[] expected = [.. current.Nodes.Where(n => n.Capabilities.ContainsKey(uid)).Select(n => $"{n.Id}={n.Capabilities[uid].Raw}")];
        Assert.That(matches.Select(m => $"{m.NodeId}={m.Value.Raw}"), Is.EquivalentTo(expected));
        Assert.That(matches.Select(m => m.Uid), Is.All.EqualTo(uid));
    }

    [Test]
    public async Task Query_OfferedOnlyOrUnknownNode_FiltersWithoutFailing()
    {
        await using FacetSession<ICapabilities> s = await OpenAsync();
        CapabilitySnapshot current = s.Facet.Current;

        IReadOnlyList<CapabilityMatch> offered = s.Facet.Query(new CapabilityQuery(OfferedOnly: true));
        IReadOnlyList<CapabilityMatch> unknownNode = s.Facet.Query(new CapabilityQuery(NodeId: "no-such-node"));

        Assert.That(offered.Select(m => m.Value.IsOffered), Is.All.True);
        Assert.That(offered, Has.Count.EqualTo(current.Nodes.Sum(n => n.Capabilities.Values.Count(v => v.IsOffered))));
        Assert.That(unknownNode, Is.Empty);
    }

    [Test]
    public async Task Subscribe_DisposedTwice_DoesNotThrow()
    {
        await using FacetSession<ICapabilities> s = await OpenAsync();
        List<CapabilityChangeSet> seen = [];

        IDisposable subscription = s.Facet.Subscribe(seen.Add);
        subscription.Dispose();

        Assert.DoesNotThrow(subscription.Dispose);
        Assert.That(seen, Is.Empty, "nothing changed, so nothing was told");
    }

    private sealed class DisposeOnce(IDisposable inner) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _disposed = true;
            inner.Dispose();
        }
    }
}

public sealed class EmulatorCapabilitiesContract : CapabilitiesContract<OnEmulator>
{
}

public sealed class LinuxCapabilitiesContract : CapabilitiesContract<OnLinux>
{
}
