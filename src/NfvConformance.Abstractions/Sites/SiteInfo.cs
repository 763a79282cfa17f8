// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Abstractions.Sites;

/// <summary>One NFVI site.</summary>
/// <param name="Name">The site name (for example <c>core-1</c>).</param>
/// <param name="Kind">The site kind: <c>core</c> or <c>edge</c>.</param>
/// <param name="Cloud">The cloud kind: <c>private</c> or <c>public</c>.</param>
public sealed record SiteInfo(string Name, string Kind, string Cloud);

/// <summary>A WAN link between two sites; links are symmetric.</summary>
/// <param name="From">One end (a site name).</param>
/// <param name="To">The other end (a site name).</param>
/// <param name="LatencyMs">The one-way latency in milliseconds.</param>
/// <param name="BandwidthGbps">The capacity in Gbit/s.</param>
public sealed record WanLink(string From, string To, double LatencyMs, double BandwidthGbps)
{
    /// <summary>Tells whether the link joins two sites, in either direction.</summary>
    /// <param name="a">One site.</param>
    /// <param name="b">The other site.</param>
    /// <returns>True when it does.</returns>
    public bool Joins(string a, string b) =>
        (string.Equals(From, a, StringComparison.Ordinal) && string.Equals(To, b, StringComparison.Ordinal))
        || (string.Equals(From, b, StringComparison.Ordinal) && string.Equals(To, a, StringComparison.Ordinal));
}

/// <summary>A facet: the sites of a multi-site target and the WAN between them.</summary>
public interface ISiteTopology
{
    /// <summary>Gets every site.</summary>
    IReadOnlyList<SiteInfo> Sites { get; }

    /// <summary>Gets every WAN link.</summary>
    IReadOnlyList<WanLink> Links { get; }

    /// <summary>Finds the lowest-latency path between two sites.</summary>
    /// <param name="from">The first site.</param>
    /// <param name="to">The second site.</param>
    /// <param name="path">The path, or null when the sites are not connected.</param>
    /// <returns>True when a path exists.</returns>
    bool TryFindPath(string from, string to, out SitePath? path);
}

/// <summary>A path across the WAN.</summary>
/// <param name="Sites">The sites in order, both ends included.</param>
/// <param name="LatencyMs">The summed one-way latency.</param>
/// <param name="BandwidthGbps">The narrowest link's capacity (the path's bottleneck).</param>
public sealed record SitePath(IReadOnlyList<string> Sites, double LatencyMs, double BandwidthGbps);
