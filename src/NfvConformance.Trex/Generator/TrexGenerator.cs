// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Text.Json.Nodes;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Trex.Client;
using NfvConformance.Trex.Protocol;
using NfvConformance.Trex.Rpc;

namespace NfvConformance.Trex.Generator;

/// <summary>Settings of the TRex generator.</summary>
public sealed record TrexGeneratorOptions
{
    /// <summary>Gets the client settings (user, API version, RPC timeout).</summary>
    public TrexClientOptions Client { get; init; } = new();

    /// <summary>Gets the TRex ports the generator's ports 0, 1, ... map to (null: every port of the server, in order).</summary>
    public IReadOnlyList<int>? Ports { get; init; }

    /// <summary>Gets how long past the trial's duration to wait for the server to finish it.</summary>
    public TimeSpan FinishMargin { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Gets the wait after stopping before the final counters (late packets; TRex's Python client waits 100 ms on virtual ports).</summary>
    public TimeSpan RxDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets how far below the offered rate the achieved rate may be before a trial is flagged (ratio).</summary>
    public double LoadTolerance { get; init; } = 0.001;

    /// <summary>Gets whether the server fills the MAC addresses from each port's configuration (a device between the ports routes) instead of the streams' headers.</summary>
    public bool MacsFromPort { get; init; }

    /// <summary>Gets whether to take ports owned by someone else (otherwise that is an error that names the owner).</summary>
    public bool ForceAcquire { get; init; }
}

/// <summary>
/// An <see cref="ITrafficGeneration"/> on a TRex server: each trial adds one stream per frame size with flow
/// statistics (and a latency stream per stream), starts the ports together, waits for the run to finish and measures
/// loss against what TRex really transmitted (its per-packet-group counters), as NFVbench does. The port map and
/// each port's line rate come from the server.
/// </summary>
public sealed class TrexGenerator : ITrafficGeneration, IDisposable
{
    private readonly TrexClient _client;
    private readonly TrexGeneratorOptions _options;
    private readonly int[] _ports;
    private readonly SemaphoreSlim _one = new(1, 1);

    private TrexGenerator(TrexClient client, TrexGeneratorOptions options, int[] ports, double lineRate)
    {
        _client = client;
        _options = options;
        _ports = ports;
        Info = new TrafficGeneratorInfo(ports.Length, lineRate, double.PositiveInfinity, VirtualTime: false, TimestampResolutionNs: 1000);
    }

    /// <inheritdoc />
    public string Name => "trex:" + _client.Endpoint;

    /// <inheritdoc />
    public TrafficGeneratorInfo Info { get; }

    /// <inheritdoc />
    public TimeProvider Clock => TimeProvider.System;

    /// <summary>Gets the client (for statistics and events).</summary>
    public TrexClient Client => _client;

    /// <summary>Connects, acquires the ports and resets them.</summary>
    /// <param name="endpoint">The server.</param>
    /// <param name="options">Settings, or null for defaults.</param>
    /// <returns>The generator.</returns>
    /// <exception cref="TrexException">The server is gone, speaks another API, or a port is owned by someone else.</exception>
    public static TrexGenerator Connect(TrexEndpoint endpoint, TrexGeneratorOptions? options = null)
    {
        options ??= new TrexGeneratorOptions();
        TrexClient client = new(endpoint, options.Client);
        try
        {
            client.Connect();
            int[] ports = [.. options.Ports ?? Enumerable.Range(0, client.PortCount)];
            if (ports.Length < 2 || ports.Any(p => p < 0 || p >= client.PortCount))
            {
                throw new TrexException(TrexErrorKind.Server, "get_system_info", 0, $"TRex at {endpoint} has {client.PortCount} ports; the generator needs at least two existing ports (asked for {string.Join(",", ports)}).");
            }

            client.Acquire(ports, options.ForceAcquire);
            client.Reset(ports);
            double line = ports.Min(client.PortSpeedBitsPerSecond);
            if (!(line > 0))
            {
                throw new TrexException(TrexErrorKind.Server, "get_port_status", 0, $"TRex at {endpoint} reports no speed for its ports; check that their links are up.");
            }

            return new TrexGenerator(client, options, ports, line);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask<TrialResult> RunTrialAsync(TrialRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        TrialRequestValidator.EnsureValid(request, Info);
        await _one.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => RunTrial(request, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (TrexException ex)
        {
            throw new TrafficEnvironmentException($"{Name}: the trial could not complete: {ex.Message}", ex);
        }
        finally
        {
            _one.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            _client.Release(_ports.Where(_client.Owns).ToList());
        }
        catch (TrexException)
        {
            // The server may be gone; nothing to release then.
        }

        _client.Dispose();
        _one.Dispose();
    }

    private sealed record Planned(TrafficStream Stream, int TxPort, int RxPort, uint StatsPg, uint? LatencyPg, double OfferedPps);

    private TrialResult RunTrial(TrialRequest request, CancellationToken ct)
    {
        // Plan: per stream a stats packet group (and a latency group with the NFVbench bit), per frame size one stream.
        List<Planned> planned = [];
        Dictionary<int, List<(uint, JsonObject)>> perPort = [];
        double seconds = request.Duration.TotalSeconds;
        int k = 0;
        foreach (TrafficStream s in request.Profile.Streams)
        {
            int tx = _ports[s.TxPort];
            int rx = _ports[s.RxPort];
            double portPps = request.RatePerPort.ToPps(request.Profile.MeanFrameSize(s.TxPort), Info.LineRateBitsPerSecond);
            double share = s.RateShare / request.Profile.Streams.Where(x => x.TxPort == s.TxPort).Sum(x => x.RateShare);
            double pps = portPps * share;
            uint statsPg = (uint)(++k);
            uint? latPg = s.LatencyMarked && request.LatencyPps > 0 ? statsPg | StreamCodec.LatencyPgBit : null;
            List<(uint, JsonObject)> list = perPort.TryGetValue(tx, out List<(uint, JsonObject)>? l) ? l : perPort[tx] = [];
            if (request.FramesPerPort is long frames && pps > 0)
            {
                seconds = frames / portPps;
            }

            foreach (FrameSizeWeight e in s.FrameSizes.Entries)
            {
                double entryPps = pps * e.Weight / s.FrameSizes.TotalWeight;
                long? total = request.FramesPerPort is long f ? (long)Math.Round(f * share * e.Weight / s.FrameSizes.TotalWeight) : null;
                if (entryPps <= 0 || total == 0)
                {
                    continue;
                }

                list.Add(((uint)list.Count + 1, StreamCodec.Encode(s, e.Size, entryPps, statsPg, PgRule.Stats, totalPackets: total, macsFromPort: _options.MacsFromPort)));
            }

            if (latPg is uint lp)
            {
                long? total = request.FramesPerPort is not null ? Math.Max(1, (long)Math.Round(request.LatencyPps * seconds)) : null;
                list.Add(((uint)list.Count + 1, StreamCodec.Encode(s, s.FrameSizes.Entries[0].Size, request.LatencyPps, lp, PgRule.Latency, singleFlow: true, totalPackets: total, macsFromPort: _options.MacsFromPort)));
            }

            planned.Add(new Planned(s, tx, rx, statsPg, latPg, pps));
        }

        int[] txPorts = [.. perPort.Keys.Order()];
        foreach (int p in _ports)
        {
            string state = _client.PortState(p);
            if (state is "TX" or "PAUSE")
            {
                _client.StopTraffic([p]);
            }

            _client.RemoveAllStreams(p);
        }

        foreach (int p in txPorts)
        {
            _client.AddStreams(p, perPort[p]);
        }

        List<uint> pgs = [.. planned.SelectMany(x => x.LatencyPg is uint l ? new[] { x.StatsPg, l } : [x.StatsPg])];
        PgidStats before = _client.PgidStats(pgs);
        _client.DrainEvents();
        _client.StartTraffic(txPorts, StreamCodec.Multiplier("raw", 1.0), request.FramesPerPort is null ? seconds : -1, force: true);
        bool finished = WaitForFinish(txPorts, seconds, ct);
        _client.StopTraffic(txPorts.Where(p => _client.PortState(p) is "TX" or "PAUSE"));
        Thread.Sleep(_options.RxDelay);
        foreach (int p in txPorts)
        {
            _client.RemoveRxFilters(p);
        }

        PgidStats after = _client.PgidStats(pgs);
        foreach (int p in txPorts)
        {
            _client.RemoveAllStreams(p);
        }

        return Measure(request, planned, before, after, seconds, finished);
    }

    private bool WaitForFinish(int[] ports, double seconds, CancellationToken ct)
    {
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(Math.Max(0, seconds)) + _options.FinishMargin;
        HashSet<int> done = [];
        while (DateTime.UtcNow < deadline)
        {
            ct.ThrowIfCancellationRequested();
            _client.WaitForEvent(TimeSpan.FromMilliseconds(Math.Clamp(seconds * 100, 20, 200)), ct);
            foreach (TrexEvent e in _client.DrainEvents())
            {
                if (e.Type is 4 or 1)
                {
                    done.Add(e.PortId);
                }
            }

            // Events can be missed (a slow subscriber); the port state is the truth, and polling it also notices a dead server.
            if (ports.All(done.Contains) || ports.All(p => _client.PortState(p) is not ("TX" or "PAUSE")))
            {
                return true;
            }
        }

        return false;
    }

    private TrialResult Measure(TrialRequest request, List<Planned> planned, PgidStats before, PgidStats after, double seconds, bool finished)
    {
        long txAll = 0, rxAll = 0;
        List<StreamCounters> counters = [];
        LatencyHistogram latency = new();
        Dictionary<int, long> bulkTxPerPort = [];
        double jitter = 0;
        foreach (Planned p in planned)
        {
            (long bTx, long bRx) = Delta(before, after, p.StatsPg);
            long lTx = 0, lRx = 0, ooo = 0, dup = 0;
            if (p.LatencyPg is uint lp)
            {
                (lTx, lRx) = Delta(before, after, lp);
                if (after.Latency.TryGetValue(lp, out LatencyStats? la))
                {
                    before.Latency.TryGetValue(lp, out LatencyStats? lb);
                    ooo = la.OutOfOrder - (lb?.OutOfOrder ?? 0);
                    dup = la.Duplicates - (lb?.Duplicates ?? 0);
                    AddLatency(latency, la, lb);
                    jitter = Math.Max(jitter, la.JitterUs);
                }
            }

            bulkTxPerPort[p.TxPort] = bulkTxPerPort.GetValueOrDefault(p.TxPort) + bTx;
            counters.Add(new StreamCounters(p.Stream.Name, bTx + lTx, bRx + lRx, ooo, dup, lRx));
            txAll += bTx + lTx;
            rxAll += bRx + lRx;
        }

        double offered = planned.GroupBy(p => p.TxPort).Select(g => g.Sum(x => x.OfferedPps)).DefaultIfEmpty(0).Average();
        double achieved = bulkTxPerPort.Values.DefaultIfEmpty(0).Average() / Math.Max(seconds, 1e-9);
        MeasurementFlags flags = MeasurementFlags.None;
        List<string> notes = [];
        if (request.FramesPerPort is long frames ? bulkTxPerPort.Values.Any(v => v < frames * (1 - _options.LoadTolerance)) : achieved < offered * (1 - _options.LoadTolerance))
        {
            flags |= MeasurementFlags.OfferedLoadNotReached;
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"TRex sent {achieved:F0} pps per port of {offered:F0} offered: the generator, not the device, limited this trial"));
        }

        if (!finished)
        {
            flags |= MeasurementFlags.Disturbed;
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"TRex did not finish the {seconds:0.###} s run within {_options.FinishMargin.TotalSeconds:0.#} s of its end; it was stopped"));
        }

        if (latency.Count == 0)
        {
            flags |= MeasurementFlags.LatencyUnavailable;
        }

        return new TrialResult
        {
            OfferedPpsPerPort = offered,
            AchievedPpsPerPort = achieved,
            Duration = TimeSpan.FromSeconds(seconds),
            TxPackets = txAll,
            RxPackets = rxAll,
            Streams = counters,
            Latency = latency,
            DelayVariation = new DelayVariationSummary(0, 0, 0, 0, 0, 0, 0, jitter),
            Flags = flags,
            Note = notes.Count == 0 ? null : string.Join("; ", notes),
        };
    }

    private static (long Tx, long Rx) Delta(PgidStats before, PgidStats after, uint pg)
    {
        after.Flow.TryGetValue(pg, out FlowStats? a);
        before.Flow.TryGetValue(pg, out FlowStats? b);
        bool sameVersion = before.Versions.GetValueOrDefault(pg, -1) == after.Versions.GetValueOrDefault(pg, -2);
        long tx = (a?.TxPackets ?? 0) - (sameVersion ? b?.TxPackets ?? 0 : 0);
        long rx = (a?.RxPackets ?? 0) - (sameVersion ? b?.RxPackets ?? 0 : 0);
        return (Math.Max(0, tx), Math.Max(0, rx));
    }

    /// <summary>Adds TRex's bucketed latency (us) to a histogram in nanoseconds: each bucket at its middle, kept within min..max.</summary>
    internal static void AddLatency(LatencyHistogram into, LatencyStats after, LatencyStats? before)
    {
        foreach ((long key, long count) in after.Histogram)
        {
            long n = count - (before?.Histogram.GetValueOrDefault(key) ?? 0);
            if (n <= 0)
            {
                continue;
            }

            double width = key == 0 ? 10 : Math.Pow(10, Math.Floor(Math.Log10(key)));
            double us = key == 0 ? Math.Max(after.MinUs, 0) + ((Math.Min(10, after.MaxUs) - Math.Max(after.MinUs, 0)) / 2) : key + (width / 2);
            us = Math.Clamp(us, after.MinUs, Math.Max(after.MinUs, after.MaxUs));
            into.Record((long)Math.Round(us * 1000), n);
        }
    }
}
