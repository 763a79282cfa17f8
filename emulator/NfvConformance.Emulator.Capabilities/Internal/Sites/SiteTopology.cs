// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Sites;

namespace NfvConformance.Emulator.Capabilities.Internal.Sites;

/// <summary>Sites and WAN links; paths are the lowest summed latency (Dijkstra, ties broken by site name).</summary>
internal sealed class SiteTopology : ISiteTopology
{
    public SiteTopology(IReadOnlyList<SiteInfo> sites, IReadOnlyList<WanLink> links)
    {
        Sites = sites;
        Links = links;
    }

    public IReadOnlyList<SiteInfo> Sites { get; }

    public IReadOnlyList<WanLink> Links { get; }

    public bool TryFindPath(string from, string to, out SitePath? path)
    {
        path = null;
        if (!Sites.Any(s => s.Name == from) || !Sites.Any(s => s.Name == to))
        {
            return false;
        }

        if (string.Equals(from, to, StringComparison.Ordinal))
        {
            path = new SitePath([from], 0, double.PositiveInfinity);
            return true;
        }

        Dictionary<string, double> dist = new(StringComparer.Ordinal) { [from] = 0 };
        Dictionary<string, string> prev = new(StringComparer.Ordinal);
        SortedSet<(double Dist, string Site)> frontier = [(0, from)];
        while (frontier.Count > 0)
        {
            (double d, string site) = frontier.Min;
            frontier.Remove(frontier.Min);
            if (site == to)
            {
                break;
            }

            foreach (WanLink link in Links)
            {
                string? next = link.From == site ? link.To : link.To == site ? link.From : null;
                if (next is null)
                {
                    continue;
                }

                double nd = d + link.LatencyMs;
                if (!dist.TryGetValue(next, out double known) || nd < known)
                {
                    if (dist.ContainsKey(next))
                    {
                        frontier.Remove((known, next));
                    }

                    dist[next] = nd;
                    prev[next] = site;
                    frontier.Add((nd, next));
                }
            }
        }

        if (!dist.TryGetValue(to, out double total))
        {
            return false;
        }

        List<string> hops = [to];
        double bandwidth = double.PositiveInfinity;
        string cur = to;
        while (prev.TryGetValue(cur, out string? p))
        {
            WanLink link = Links.First(l => l.Joins(p, cur));
            bandwidth = Math.Min(bandwidth, link.BandwidthGbps);
            hops.Add(p);
            cur = p;
        }

        hops.Reverse();
        path = new SitePath(hops, total, bandwidth);
        return true;
    }
}
