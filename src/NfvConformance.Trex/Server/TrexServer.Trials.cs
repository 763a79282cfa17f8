// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Text.Json.Nodes;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Trex.Protocol;

namespace NfvConformance.Trex.Server;

/// <summary>Runs: ports started together form one trial of the generator, computed when the last of them ends.</summary>
public sealed partial class TrexServer
{
    /// <summary>In virtual time, how long a group stays open for other ports' start_traffic before it runs.</summary>
    private static readonly double s_virtualGrace = 0.05;

    private void Tick()
    {
        double now = Now;
        foreach (Port port in _ports)
        {
            if (port.State != "TX" || port.Duration <= 0 || port.Group is null)
            {
                continue;
            }

            bool due = _options.RealTime ? now >= port.StartedAt + port.Duration : now >= port.Group.LastStart + s_virtualGrace;
            if (due)
            {
                port.Elapsed = port.Duration;
                port.State = "STREAMS";
                port.Stopped = false;
                Emit(4, new JsonObject { ["port_id"] = port.Id });
                Emit(14, new JsonObject { ["port_id"] = port.Id, ["profile_id"] = "_" });
                TryFinish(port.Group);
            }
        }
    }

    private void TryFinish(TrialGroup? group)
    {
        if (group is null || group.Ports.Any(p => p.Group == group && p.State is "TX" or "PAUSE"))
        {
            return;
        }

        if (_open == group)
        {
            _open = null;
        }

        foreach (Port p in group.Ports)
        {
            p.Group = null;
        }

        try
        {
            RunGroup(group);
        }
        catch (NfvConformanceException ex)
        {
            foreach (Port p in group.Ports)
            {
                Emit(7, new JsonObject { ["port_id"] = p.Id, ["msg"] = ex.Message });
            }
        }
    }

    private sealed record Group(string Key, List<DecodedStream> Bulk, DecodedStream? Latency);

    private sealed record PortPlan(Port Port, List<Group> Groups, List<DecodedStream> LoneLatency);

    private void RunGroup(TrialGroup group)
    {
        double seconds = group.Ports.Max(p => p.Elapsed);
        if (seconds <= 0)
        {
            return;
        }

        List<PortPlan> plans = [];
        foreach (Port port in group.Ports.Distinct())
        {
            List<(uint Id, DecodedStream D)> decoded = [.. port.Streams
                .Where(kv => kv.Value["enabled"]?.GetValue<bool>() == true && kv.Value["self_start"]?.GetValue<bool>() == true)
                .Select(kv =>
                {
                    DecodedStream d = StreamCodec.Decode(kv.Value, _generator.Info.LineRateBitsPerSecond);
                    return (kv.Key, d with { Pps = d.Pps * port.Factor });
                })];
            Dictionary<string, Group> groups = [];
            foreach ((uint id, DecodedStream d) in decoded.Where(x => x.D.Rule != PgRule.Latency))
            {
                string key = d.Rule == PgRule.Stats ? "pg" + d.PgId.ToString(CultureInfo.InvariantCulture) : "s" + id.ToString(CultureInfo.InvariantCulture);
                if (!groups.TryGetValue(key, out Group? g))
                {
                    groups[key] = g = new Group(key, [], null);
                }

                g.Bulk.Add(d);
            }

            List<DecodedStream> lone = [];
            foreach ((uint _, DecodedStream d) in decoded.Where(x => x.D.Rule == PgRule.Latency))
            {
                string partner = "pg" + (d.PgId & ~StreamCodec.LatencyPgBit).ToString(CultureInfo.InvariantCulture);
                if ((d.PgId & StreamCodec.LatencyPgBit) != 0 && groups.TryGetValue(partner, out Group? g) && g.Latency is null)
                {
                    groups[partner] = g with { Latency = d };
                }
                else
                {
                    lone.Add(d);
                }
            }

            plans.Add(new PortPlan(port, [.. groups.Values], lone));
        }

        // One trial for every port with bulk streams when their rates, burst sizes and latency rates agree (what the
        // framework's TRex generator sends); otherwise one trial per port. Lone latency streams run on their own.
        List<PortPlan> bulkPlans = [.. plans.Where(p => p.Groups.Count > 0)];
        bool together = bulkPlans.Count > 0 && bulkPlans.Select(Signature).Distinct().Count() == 1;
        IEnumerable<List<PortPlan>> sets = together ? [bulkPlans] : bulkPlans.Select(p => new List<PortPlan> { p });
        foreach (List<PortPlan> set in sets)
        {
            RunBulk(set, seconds);
        }

        foreach (PortPlan plan in plans)
        {
            foreach (DecodedStream lat in plan.LoneLatency)
            {
                RunLoneLatency(plan.Port, lat, seconds);
            }
        }
    }

    private static string Signature(PortPlan p) => string.Create(CultureInfo.InvariantCulture,
        $"{p.Groups.Sum(g => g.Bulk.Sum(b => b.Pps)):R}/{p.Groups.Select(g => g.Latency?.Pps ?? 0).Max():R}/{p.Groups.Sum(g => g.Bulk.Sum(b => b.TotalPackets))}/{p.Groups.All(g => g.Bulk.All(b => b.Mode == "continuous"))}");

    private int RxOf(int port) => (port ^ 1) < _ports.Length ? port ^ 1 : port;

    private void RunBulk(List<PortPlan> set, double seconds)
    {
        List<TrafficStream> streams = [];
        Dictionary<string, (Port Port, Group Group)> byName = [];
        double latencyPps = 0;
        foreach (PortPlan plan in set)
        {
            foreach (Group g in plan.Groups)
            {
                DecodedStream first = g.Bulk[0];
                string name = $"p{plan.Port.Id}.{g.Key}";
                streams.Add(new TrafficStream
                {
                    Name = name,
                    TxPort = plan.Port.Id,
                    RxPort = RxOf(plan.Port.Id),
                    FrameSizes = Mix(g.Bulk),
                    Headers = first.Headers,
                    FlowCount = first.FlowCount,
                    VaryingFields = first.VaryingFields,
                    RateShare = Math.Max(1e-12, g.Bulk.Sum(b => b.Pps)),
                    LatencyMarked = g.Latency is not null,
                });
                byName[name] = (plan.Port, g);
                latencyPps = Math.Max(latencyPps, g.Latency?.Pps ?? 0);
            }
        }

        PortPlan firstPlan = set[0];
        double portPps = firstPlan.Groups.Sum(g => g.Bulk.Sum(b => b.Pps));
        long burst = firstPlan.Groups.Sum(g => g.Bulk.Sum(b => b.TotalPackets));
        bool continuous = firstPlan.Groups.All(g => g.Bulk.All(b => b.Mode == "continuous"));
        TrialRequest request = new()
        {
            Profile = new TrafficProfile(streams),
            RatePerPort = TrafficRate.Pps(portPps),
            Duration = TimeSpan.FromSeconds(seconds),
            FramesPerPort = continuous || burst == 0 ? null : burst,
            LatencyPps = latencyPps,
            Phase = "trex",
        };
        TrialResult result = _generator.RunTrialAsync(request).AsTask().GetAwaiter().GetResult();
        foreach (StreamCounters c in result.Streams)
        {
            if (!byName.TryGetValue(c.Name, out (Port Port, Group Group) owner))
            {
                continue;
            }

            Group g = owner.Group;
            long latTx = g.Latency is null ? 0 : (long)Math.Round(latencyPps * result.Duration.TotalSeconds);
            long latRx = g.Latency is null ? 0 : c.LatencyPackets;
            long bulkTx = Math.Max(0, c.TxPackets - latTx);
            long bulkRx = Math.Max(0, c.RxPackets - latRx);
            double meanBytes = Mix(g.Bulk).MeanFrameSize - TrafficRate.FcsBytes;
            Post(owner.Port, g.Bulk[0].Rule == PgRule.Stats ? g.Bulk[0].PgId : null, bulkTx, bulkRx, meanBytes);
            if (g.Latency is DecodedStream lat)
            {
                Post(owner.Port, lat.PgId, latTx, latRx, lat.FrameSize - TrafficRate.FcsBytes);
                PostLatency(lat.PgId, result, latTx - latRx, c.OutOfOrder, c.Duplicates);
            }
        }
    }

    private void RunLoneLatency(Port port, DecodedStream lat, double seconds)
    {
        TrafficStream s = new()
        {
            Name = $"p{port.Id}.lat{lat.PgId}",
            TxPort = port.Id,
            RxPort = RxOf(port.Id),
            FrameSizes = FrameSizeMix.Single(Math.Max(FrameSizeMix.MinFrameSize, lat.FrameSize)),
            Headers = lat.Headers,
            LatencyMarked = true,
        };
        TrialRequest request = new()
        {
            Profile = new TrafficProfile([s]),
            RatePerPort = TrafficRate.Pps(0),
            Duration = TimeSpan.FromSeconds(seconds),
            LatencyPps = lat.Pps,
            Phase = "trex-latency",
        };
        TrialResult result = _generator.RunTrialAsync(request).AsTask().GetAwaiter().GetResult();
        StreamCounters c = result.Streams[0];
        Post(port, lat.PgId, c.TxPackets, c.RxPackets, lat.FrameSize - TrafficRate.FcsBytes);
        PostLatency(lat.PgId, result, c.TxPackets - c.LatencyPackets, c.OutOfOrder, c.Duplicates);
    }

    private void Post(Port port, uint? pg, long tx, long rx, double bytesPerPacket)
    {
        int rxPort = RxOf(port.Id);
        long txBytes = (long)Math.Round(tx * bytesPerPacket);
        long rxBytes = (long)Math.Round(rx * bytesPerPacket);
        port.OPackets += tx;
        port.OBytes += txBytes;
        _ports[rxPort].IPackets += rx;
        _ports[rxPort].IBytes += rxBytes;
        if (pg is uint id && _pgs.TryGetValue(id, out PgCounters? c))
        {
            Add(c.Tp, port.Id, tx);
            Add(c.Tb, port.Id, txBytes);
            Add(c.Rp, rxPort, rx);
            Add(c.Rb, rxPort, rxBytes);
        }
    }

    private void PostLatency(uint pg, TrialResult result, long dropped, long ooo, long dup)
    {
        if (_pgs.TryGetValue(pg, out PgCounters? c))
        {
            c.Histogram.Merge(result.Latency);
            c.Jitter = result.DelayVariation.Rfc3550JitterUs;
            c.Dropped += Math.Max(0, dropped);
            c.OutOfOrder += ooo;
            c.Duplicates += dup;
        }
    }

    private static void Add(Dictionary<int, long> d, int port, long v) => d[port] = d.GetValueOrDefault(port) + v;

    private static FrameSizeMix Mix(List<DecodedStream> bulk)
    {
        if (bulk.Count == 1)
        {
            return FrameSizeMix.Single(Math.Clamp(bulk[0].FrameSize, FrameSizeMix.MinFrameSize, FrameSizeMix.MaxFrameSize));
        }

        // Packet weights from the streams' rates, reduced to small integers (IMIX 7:4:1 stays 7:4:1).
        double min = bulk.Min(b => b.Pps);
        List<FrameSizeWeight> entries = [.. bulk
            .GroupBy(b => Math.Clamp(b.FrameSize, FrameSizeMix.MinFrameSize, FrameSizeMix.MaxFrameSize))
            .Select(g => new FrameSizeWeight(g.Key, (int)Math.Max(1, Math.Round(g.Sum(b => b.Pps) / Math.Max(min, 1e-12) * 1000))))];
        int gcd = entries.Select(e => e.Weight).Aggregate(Gcd);
        entries = [.. entries.Select(e => e with { Weight = e.Weight / gcd })];
        FrameSizeMix imix = FrameSizeMix.Imix;
        bool isImix = entries.Count == imix.Entries.Count && entries.OrderBy(e => e.Size).SequenceEqual(imix.Entries.OrderBy(e => e.Size));
        return isImix ? imix : FrameSizeMix.Custom("trex-mix", entries);
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
}

/// <summary>TRex's latency histogram: log-decade buckets in microseconds (key 0: under 10 us; 10, 20, ... 90, 100, 200, ...).</summary>
public static class TrexHistogram
{
    /// <summary>The bucket a latency falls in.</summary>
    /// <param name="us">Microseconds.</param>
    /// <returns>The bucket's lower bound (its key).</returns>
    public static long Bucket(double us)
    {
        if (us < 10)
        {
            return 0;
        }

        long decade = 10;
        while (us >= decade * 10)
        {
            decade *= 10;
        }

        return (long)(us / decade) * decade;
    }

    /// <summary>Spreads a histogram (nanoseconds) over TRex's buckets, by 1000 quantiles.</summary>
    /// <param name="h">The histogram.</param>
    /// <returns>The bucket object.</returns>
    public static JsonObject FromLatency(LatencyHistogram h)
    {
        ArgumentNullException.ThrowIfNull(h);
        SortedDictionary<long, long> buckets = [];
        if (h.Count > 0)
        {
            const int Quantiles = 1000;
            double[] percentiles = [.. Enumerable.Range(0, Quantiles).Select(i => (i + 0.5) * 100.0 / Quantiles)];
            double[] values = new double[Quantiles];
            h.ValuesAtPercentiles(percentiles, values);
            long assigned = 0;
            for (int i = 0; i < Quantiles; i++)
            {
                long share = (h.Count * (i + 1) / Quantiles) - assigned;
                assigned += share;
                long key = Bucket(values[i] / 1000.0);
                buckets[key] = buckets.GetValueOrDefault(key) + share;
            }
        }

        JsonObject o = [];
        foreach ((long key, long count) in buckets.Where(kv => kv.Value > 0))
        {
            o[key.ToString(CultureInfo.InvariantCulture)] = count;
        }

        return o;
    }
}
