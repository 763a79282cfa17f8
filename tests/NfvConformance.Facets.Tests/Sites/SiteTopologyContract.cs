// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Sites;

namespace NfvConformance.Facets.Tests.Sites;

/// <summary>
/// What every <see cref="ISiteTopology"/> must do: join only sites it lists, find a path between the ends of every
/// link that is no slower than the link itself (from one end to the other), and answer an unknown site with false,
/// not an exception.
/// </summary>
/// <typeparam name="TTarget">The target.</typeparam>
public abstract class SiteTopologyContract<TTarget> : FacetContract<ISiteTopology, TTarget>
    where TTarget : TestTarget, new()
{
    /// <inheritdoc />
    public override IReadOnlyList<FacetBreak<ISiteTopology>> Breaks { get; } =
    [
        new(nameof(Links_JoinListedSitesWithPositiveFigures), "links a site it does not list",
            f => Broken.Facet(f, ("get_" + nameof(ISiteTopology.Links), (a, real) => ((IReadOnlyList<WanLink>)real()!).Append(new WanLink("atlantis", f.Sites[0].Name, 5, 10)).ToList()))),
        new(nameof(TryFindPath_EachLinksEnds_NoSlowerThanTheLink), "finds no path between linked sites",
            f => Broken.Facet(f, (nameof(ISiteTopology.TryFindPath), (a, real) => { a[2] = null; return false; }))),
        new(nameof(TryFindPath_EachLinksEnds_NoSlowerThanTheLink), "takes the long way round",
            f => Broken.Facet(f, (nameof(ISiteTopology.TryFindPath), (a, real) =>
            {
                bool found = (bool)real()!;
                a[2] = a[2] is SitePath p ? p with { LatencyMs = p.LatencyMs + 1000 } : null;
                return found;
            }))),
        new(nameof(TryFindPath_UnknownSite_IsFalse), "throws for an unknown site",
            f => Broken.Facet(f, (nameof(ISiteTopology.TryFindPath), (a, real) => f.Sites.Any(s => s.Name == (string)a[0]!) ? real() : throw new KeyNotFoundException((string)a[0]!)))),
    ];

    [Test]
    public async Task Links_JoinListedSitesWithPositiveFigures()
    {
        await using FacetSession<ISiteTopology> s = await OpenAsync();
        HashSet<string> sites = [.. s.Facet.Sites.Select(x => x.Name)];

        Assert.That(sites, Is.Not.Empty);
        Assert.That(s.Facet.Links.Where(l => !sites.Contains(l.From) || !sites.Contains(l.To)).Select(l => $"{l.From}-{l.To}"), Is.Empty);
        Assert.That(s.Facet.Links.Select(l => l.LatencyMs), Is.All.GreaterThanOrEqualTo(0));
        Assert.That(s.Facet.Links.Select(l => l.BandwidthGbps), Is.All.Positive);
    }

    [Test]
    public async Task TryFindPath_EachLinksEnds_NoSlowerThanTheLink()
    {
        await using FacetSession<ISiteTopology> s = await OpenAsync();
        Assert.That(s.Facet.Links, Is.Not.Empty, "a site topology with one site has nothing to check here");

        foreach (WanLink link in s.Facet.Links)
        {
            Assert.That(s.Facet.TryFindPath(link.From, link.To, out SitePath? path), Is.True, $"{link.From} -> {link.To}");
            Assert.That(path!.Sites[0], Is.EqualTo(link.From));
            Assert.That(path.Sites[^1], Is.EqualTo(link.To));
            Assert.That(path.LatencyMs, Is.LessThanOrEqualTo(link.LatencyMs), $"{link.From} -> {link.To} is no slower than their direct link");
        }
    }

    [Test]
    public async Task TryFindPath_UnknownSite_IsFalse()
    {
        await using FacetSession<ISiteTopology> s = await OpenAsync();

        bool found = s.Facet.TryFindPath("no-such-site", s.Facet.Sites[0].Name, out SitePath? path);

        Assert.That(found, Is.False);
        Assert.That(path, Is.Null);
    }
}

public sealed class EmulatorSiteTopologyContract : SiteTopologyContract<OnEmulator>
{
}
