// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Text.Json.Nodes;

namespace NfvConformance.Trex.Client;

/// <summary>Flow statistics of one packet group (summed over ports).</summary>
/// <param name="TxPackets">Packets sent.</param>
/// <param name="RxPackets">Packets received.</param>
/// <param name="TxBytes">Bytes sent.</param>
/// <param name="RxBytes">Bytes received.</param>
/// <param name="TxPerPort">Packets sent per port.</param>
/// <param name="RxPerPort">Packets received per port.</param>
public sealed record FlowStats(long TxPackets, long RxPackets, long TxBytes, long RxBytes, IReadOnlyDictionary<int, long> TxPerPort, IReadOnlyDictionary<int, long> RxPerPort);

/// <summary>Latency of one packet group, in microseconds, as TRex reports it.</summary>
/// <param name="MinUs">Lowest latency.</param>
/// <param name="MaxUs">Highest latency.</param>
/// <param name="AverageUs">TRex's running average (a low-pass filter, not an arithmetic mean).</param>
/// <param name="JitterUs">RFC 3550 jitter.</param>
/// <param name="Histogram">Bucket lower bound (us) to count; key 0 counts packets under 10 us.</param>
/// <param name="Dropped">Sequence gaps.</param>
/// <param name="OutOfOrder">Packets out of order.</param>
/// <param name="Duplicates">Duplicated packets.</param>
/// <param name="SeqTooHigh">Sequence jumped ahead.</param>
/// <param name="SeqTooLow">Sequence went back.</param>
public sealed record LatencyStats(double MinUs, double MaxUs, double AverageUs, double JitterUs, IReadOnlyDictionary<long, long> Histogram, long Dropped, long OutOfOrder, long Duplicates, long SeqTooHigh, long SeqTooLow)
{
    /// <summary>Gets the packets in the histogram.</summary>
    public long HistogramCount => Histogram.Values.Sum();
}

/// <summary>The parsed reply of <c>get_pgid_stats</c>.</summary>
public sealed class PgidStats
{
    /// <summary>Gets flow statistics by packet-group id.</summary>
    public Dictionary<uint, FlowStats> Flow { get; } = [];

    /// <summary>Gets latency by packet-group id.</summary>
    public Dictionary<uint, LatencyStats> Latency { get; } = [];

    /// <summary>Gets the version of each packet-group id (changes when it is re-created).</summary>
    public Dictionary<uint, long> Versions { get; } = [];

    /// <summary>Gets the raw reply.</summary>
    public JsonObject Raw { get; private set; } = [];

    /// <summary>Parses a reply.</summary>
    /// <param name="result">The result object.</param>
    /// <returns>The statistics.</returns>
    public static PgidStats Parse(JsonObject result)
    {
        ArgumentNullException.ThrowIfNull(result);
        PgidStats s = new() { Raw = result };
        if (result["flow_stats"] is JsonObject flow)
        {
            foreach ((string key, JsonNode? value) in flow)
            {
                if (value is JsonObject o && uint.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out uint id))
                {
                    Dictionary<int, long> tp = PerPort(o["tp"]);
                    Dictionary<int, long> rp = PerPort(o["rp"]);
                    s.Flow[id] = new FlowStats(tp.Values.Sum(), rp.Values.Sum(), PerPort(o["tb"]).Values.Sum(), PerPort(o["rb"]).Values.Sum(), tp, rp);
                }
            }
        }

        if (result["latency"] is JsonObject lat)
        {
            foreach ((string key, JsonNode? value) in lat)
            {
                if (value is JsonObject o && uint.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out uint id))
                {
                    JsonObject l = o["lat"] as JsonObject ?? [];
                    JsonObject er = o["er"] as JsonObject ?? [];
                    Dictionary<long, long> hist = [];
                    if (l["histogram"] is JsonObject h)
                    {
                        foreach ((string b, JsonNode? n) in h)
                        {
                            hist[long.Parse(b, CultureInfo.InvariantCulture)] = Num(n);
                        }
                    }

                    s.Latency[id] = new LatencyStats(Dbl(l["total_min"]), Dbl(l["total_max"]), Dbl(l["average"]), Dbl(l["jit"]), hist,
                        Num(er["drp"]), Num(er["ooo"]), Num(er["dup"]), Num(er["sth"]), Num(er["stl"]));
                }
            }
        }

        if (result["ver_id"] is JsonObject ver)
        {
            foreach ((string key, JsonNode? value) in ver)
            {
                if (uint.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out uint id))
                {
                    s.Versions[id] = Num(value);
                }
            }
        }

        return s;
    }

    private static Dictionary<int, long> PerPort(JsonNode? node)
    {
        Dictionary<int, long> d = [];
        if (node is JsonObject o)
        {
            foreach ((string k, JsonNode? v) in o)
            {
                if (int.TryParse(k, NumberStyles.None, CultureInfo.InvariantCulture, out int port))
                {
                    d[port] = Num(v);
                }
            }
        }

        return d;
    }

    private static long Num(JsonNode? n) => n is JsonValue v ? (v.TryGetValue(out long l) ? l : (long)v.GetValue<double>()) : 0;

    private static double Dbl(JsonNode? n) => n is JsonValue v ? (v.TryGetValue(out double d) ? d : 0) : 0;
}
