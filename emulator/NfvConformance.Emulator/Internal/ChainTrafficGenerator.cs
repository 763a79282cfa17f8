// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Emulator.ServiceChaining;

namespace NfvConformance.Emulator.Internal;

/// <summary>
/// The emulator's virtual-time traffic generator: each stream's first flow is probed through the real classifier
/// graph to find the applied chain it enters, then that chain's seeded virtual-time model (the engine's
/// <c>RunTrial</c>: per-instance cost by function and negotiated acceleration mode, queues, faults) carries the
/// offered load. Streams entering the same chain are offered together, since they share its instances.
/// </summary>
/// <remarks>
/// Every delivered packet's modelled latency goes into the trial's <see cref="TrialResult.Latency"/>, as a real
/// generator's receive timestamps would. The model keeps no per-packet sequence, so the delay variation is the RFC 5481
/// PDV (delay minus the minimum delay) from that histogram, without IPDV pairs.
/// </remarks>
internal sealed class ChainTrafficGenerator : ITrafficGeneration
{
    private const long PicosecondsPerTick = 100_000;
    private readonly ServiceChainEngine _engine;
    private readonly int _seed;
    private readonly Abstractions.Lifecycle.VirtualClock _clock = new();

    public ChainTrafficGenerator(ServiceChainEngine engine, int seed, double lineRateBitsPerSecond)
    {
        _engine = engine;
        _seed = seed;
        Info = new TrafficGeneratorInfo(2, lineRateBitsPerSecond, TrafficRate.LineRatePps(lineRateBitsPerSecond, FrameSizeMix.MinFrameSize), VirtualTime: true, TimestampResolutionNs: 1);
    }

    public string Name => "virtual-dut:emulator-chains";

    public TrafficGeneratorInfo Info { get; }

    public TimeProvider Clock => _clock;

    public ValueTask<TrialResult> RunTrialAsync(TrialRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        TrialRequestValidator.EnsureValid(request, Info);
        cancellationToken.ThrowIfCancellationRequested();

        // Group the streams by the chain the classifier steers them into.
        Dictionary<string, (double Pps, int Flows, double Bytes, List<TrafficStream> Streams)> byChain = new(StringComparer.Ordinal);
        HashSet<int> txPorts = [];
        foreach (TrafficStream stream in request.Profile.Streams)
        {
            string chain = ChainOf(stream);
            double shareSum = request.Profile.Streams.Where(o => o.TxPort == stream.TxPort).Sum(o => o.RateShare);
            double portPps = request.RatePerPort.ToPps(request.Profile.MeanFrameSize(stream.TxPort), Info.LineRateBitsPerSecond);
            double pps = portPps * stream.RateShare / shareSum;
            (double Pps, int Flows, double Bytes, List<TrafficStream> Streams) entry = byChain.GetValueOrDefault(chain, (0, 0, 0, []));
            entry.Streams.Add(stream);
            byChain[chain] = (entry.Pps + pps, entry.Flows + stream.FlowCount, entry.Bytes + (pps * stream.FrameSizes.MeanFrameSize), entry.Streams);
            txPorts.Add(stream.TxPort);
        }

        double totalPps = byChain.Values.Sum(e => e.Pps);
        TimeSpan duration = request.FramesPerPort is long frames && totalPps > 0
            ? TimeSpan.FromSeconds(frames * txPorts.Count / totalPps)
            : request.Duration;
        long tx = 0;
        long rx = 0;
        LatencyHistogram latency = new();
        List<StreamCounters> counters = [];
        foreach ((string chain, (double pps, int flows, double bytes, List<TrafficStream> streams)) in byChain)
        {
            if (pps <= 0)
            {
                continue;
            }

            ChainTrialResult result = _engine.RunTrial(
                new ChainTrialOptions(chain)
                {
                    Duration = duration,
                    OfferedLoadPps = pps,
                    Flows = flows,
                    FrameSize = (int)Math.Round(bytes / pps),
                    Seed = _seed,
                    PoissonArrivals = false,
                },
                cancellationToken);
            tx += result.Sent;
            rx += result.Delivered;
            latency.Merge(result.LatencyHistogram);
            counters.Add(new StreamCounters(string.Join("+", streams.Select(s => s.Name)) + " via " + chain, result.Sent, result.Delivered, 0, 0, result.LatencyHistogram.Count));
        }

        _clock.AdvanceTo(_clock.Picoseconds + (duration.Ticks * PicosecondsPerTick));
        double achieved = duration > TimeSpan.Zero ? tx / duration.TotalSeconds / Math.Max(1, txPorts.Count) : 0;
        double offered = totalPps / Math.Max(1, txPorts.Count);
        return ValueTask.FromResult(new TrialResult
        {
            OfferedPpsPerPort = offered,
            AchievedPpsPerPort = achieved,
            Duration = duration,
            TxPackets = tx,
            RxPackets = rx,
            Streams = counters,
            Latency = latency,
            DelayVariation = PacketDelayVariation(latency),
            Flags = latency.Count == 0 ? MeasurementFlags.LatencyUnavailable : MeasurementFlags.None,
        });
    }

    /// <summary>RFC 5481 PDV (delay minus the minimum delay) at the median, 99th and 99.9th percentiles, in microseconds.</summary>
    private static DelayVariationSummary PacketDelayVariation(LatencyHistogram latency)
    {
        if (latency.Count == 0)
        {
            return DelayVariationSummary.Empty;
        }

        double Pdv(double percentile) => (latency.ValueAtPercentile(percentile) - latency.Min) / 1000.0;
        return new DelayVariationSummary(0, 0, 0, 0, Pdv(50), Pdv(99), Pdv(99.9), 0);
    }

    private string ChainOf(TrafficStream stream)
    {
        HeaderStack h = stream.Headers;
        if (h.L3 != L3Protocol.IPv4 || h.L4 == L4Protocol.None)
        {
            ThrowHelper.ThrowConfiguration($"stream '{stream.Name}': the emulator's chains steer IPv4 TCP/UDP only ({h.L3}/{h.L4} requested).");
        }

        ChainPathTrace path = _engine.Probe(new ChainProbe(
            h.SourceIp.ToString(),
            h.DestinationIp.ToString(),
            h.L4 == L4Protocol.Tcp ? ClassifierProtocol.Tcp : ClassifierProtocol.Udp,
            h.SourcePort,
            h.DestinationPort));
        if (path.Chain is null || !path.Delivered)
        {
            ThrowHelper.ThrowConfiguration(string.Create(CultureInfo.InvariantCulture,
                $"stream '{stream.Name}' ({h.SourceIp}:{h.SourcePort} -> {h.DestinationIp}:{h.DestinationPort}) enters no applied service chain{(path.DropReason is null ? string.Empty : $" (dropped: {path.DropReason})")}; apply a chain whose classifier matches it through IServiceChaining first."));
        }

        return path.Chain!;
    }
}
