// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.Lifecycle;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Traffic.Devices;
using NfvConformance.Traffic.Internal;
using NfvConformance.Traffic.Packets;

namespace NfvConformance.Traffic.Generators;

/// <summary>Settings of the virtual-time generator.</summary>
public sealed record EmulatedGeneratorOptions
{
    /// <summary>Gets the generator's ports.</summary>
    public int PortCount { get; init; } = 2;

    /// <summary>Gets the most packets per second the generator sends per port (above, trials are flagged).</summary>
    public double MaxPpsPerPort { get; init; } = double.PositiveInfinity;

    /// <summary>Gets how far below the offered rate the achieved rate may be before a trial is flagged (ratio).</summary>
    public double LoadTolerance { get; init; } = 0.001;

    /// <summary>Gets the generator's own latency added to every timestamp pair (software timestamping), in nanoseconds.</summary>
    public long TimestampBiasNs { get; init; }

    /// <summary>Gets the timestamp resolution in nanoseconds.</summary>
    public long TimestampResolutionNs { get; init; } = 1;

    /// <summary>Gets the trial indices (0-based, in call order) that a disturbance hits, for testing measurement quality.</summary>
    public IReadOnlySet<int> DisturbedTrials { get; init; } = new HashSet<int>();

    /// <summary>Gets the trial indices at which the environment fails (a link goes down): the trial throws <see cref="TrafficEnvironmentException"/>.</summary>
    public IReadOnlySet<int> EnvironmentFailureTrials { get; init; } = new HashSet<int>();

    /// <summary>Gets the virtual pause after each trial (NFVbench waits 2 s).</summary>
    public TimeSpan PauseBetweenTrials { get; init; } = TimeSpan.Zero;
}

/// <summary>
/// A generator wired to an emulated device (or to a loopback cable when the device is null), running trials in
/// virtual time: counts follow the device model with seeded randomness, and every latency packet is a real frame
/// built, marked, carried and parsed. A 60-second trial takes milliseconds.
/// </summary>
public sealed class EmulatedDeviceGenerator : ITrafficGeneration
{
    private readonly DeviceModel? _device;
    private readonly EmulatedGeneratorOptions _options;
    private readonly VirtualClock _clock = new();
    private readonly byte[] _frame = new byte[FrameSizeMix.MaxFrameSize];
    private int _trialIndex;

    /// <summary>Creates a generator in front of a device.</summary>
    /// <param name="device">The device, or null for a loopback (no loss, no latency but the generator's own).</param>
    /// <param name="options">Settings, or null for defaults.</param>
    /// <param name="lineRateBitsPerSecond">Port speed when there is no device (default 10 Gb/s).</param>
    public EmulatedDeviceGenerator(DeviceModel? device, EmulatedGeneratorOptions? options = null, double lineRateBitsPerSecond = 10e9)
    {
        _device = device;
        _options = options ?? new EmulatedGeneratorOptions();
        double line = device?.LineRateBitsPerSecond ?? lineRateBitsPerSecond;
        Info = new TrafficGeneratorInfo(_options.PortCount, line, _options.MaxPpsPerPort, VirtualTime: true, _options.TimestampResolutionNs);
    }

    /// <inheritdoc />
    public string Name => _device is null ? "virtual-loopback" : "virtual-dut:" + _device.Name;

    /// <inheritdoc />
    public TrafficGeneratorInfo Info { get; }

    /// <inheritdoc />
    public TimeProvider Clock => _clock;

    /// <inheritdoc />
    public ValueTask<TrialResult> RunTrialAsync(TrialRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        TrialRequestValidator.EnsureValid(request, Info);
        cancellationToken.ThrowIfCancellationRequested();
        int index = _trialIndex++;
        if (_options.EnvironmentFailureTrials.Contains(index))
        {
            throw new TrafficEnvironmentException($"{Name}: link down on port 1 during trial {index} (injected); check the cabling or the generator, then run again.");
        }

        Random rng = new(unchecked(((_device?.Seed ?? 0) * 1_000_003) + index));
        bool disturbed = _options.DisturbedTrials.Contains(index);

        long txTotal = 0;
        long rxTotal = 0;
        double offeredPerPort = 0;
        double achievedPerPort = 0;
        TimeSpan duration = request.Duration;
        MeasurementFlags flags = MeasurementFlags.None;
        List<StreamCounters> counters = [];
        LatencyHistogram latency = new();
        DelayVariationRecorder variation = new();
        int ports = 0;
        foreach (int port in request.Profile.Streams.Select(s => s.TxPort).Distinct().Order())
        {
            ports++;
            TrafficStream[] streams = [.. request.Profile.Streams.Where(s => s.TxPort == port)];
            double mean = request.Profile.MeanFrameSize(port);
            double offered = request.RatePerPort.ToPps(mean, Info.LineRateBitsPerSecond);
            double achieved = Math.Min(offered, _options.MaxPpsPerPort);
            if (achieved < offered * (1 - _options.LoadTolerance))
            {
                flags |= MeasurementFlags.OfferedLoadNotReached;
            }

            offeredPerPort += offered;
            achievedPerPort += achieved;
            double seconds = request.FramesPerPort is long frames && achieved > 0 ? frames / achieved : duration.TotalSeconds;
            if (request.FramesPerPort is not null)
            {
                duration = TimeSpan.FromSeconds(seconds);
            }

            double capacity = Capacity(streams);
            double latencyPps = streams.Count(s => s.LatencyMarked) * request.LatencyPps;
            double load = achieved + latencyPps;
            double utilisation = capacity <= 0 ? double.PositiveInfinity : load / capacity;
            double shareSum = streams.Sum(s => s.RateShare);
            long bulk = request.FramesPerPort ?? (long)Math.Round(achieved * seconds);

            // Probability that a frame is dropped: the excess above capacity, then background loss and disturbance.
            double excess = ExcessLossRatio(request, load, capacity, bulk, seconds);
            double background = _device?.BackgroundLossRatio ?? 0;
            double disturbance = disturbed ? 0.01 : 0;
            double pLoss = 1 - ((1 - excess) * (1 - background) * (1 - disturbance));
            double latencyNs = ModelLatencyNs(utilisation, capacity);

            foreach (TrafficStream s in streams)
            {
                long tx = (long)Math.Round(bulk * s.RateShare / shareSum);
                long lost;
                if (request.FramesPerPort is null)
                {
                    lost = Sampling.Binomial(rng, tx, pLoss);
                }
                else
                {
                    // A burst overflows the buffer by an exact number of frames; only background loss is random.
                    long overflow = Math.Min(tx, (long)Math.Ceiling((excess * tx) - 1e-9));
                    lost = overflow + Sampling.Binomial(rng, tx - overflow, 1 - ((1 - background) * (1 - disturbance)));
                }
                long latTx = s.LatencyMarked ? (long)Math.Round(request.LatencyPps * seconds) : 0;
                (long latRx, long ooo, long dup) = RunLatencyStream(s, (ushort)counters.Count, latTx, request.LatencyPps, pLoss, latencyNs, rng, latency, variation);
                counters.Add(new StreamCounters(s.Name, tx + latTx, tx - lost + latRx, ooo, dup, latRx));
                txTotal += tx + latTx;
                rxTotal += tx - lost + latRx;
            }
        }

        if (disturbed)
        {
            flags |= MeasurementFlags.Disturbed;
        }

        if (latency.Count == 0)
        {
            flags |= MeasurementFlags.LatencyUnavailable;
        }

        _clock.Advance(duration + _options.PauseBetweenTrials);
        TrialResult result = new()
        {
            OfferedPpsPerPort = ports == 0 ? 0 : offeredPerPort / ports,
            AchievedPpsPerPort = ports == 0 ? 0 : achievedPerPort / ports,
            Duration = duration,
            TxPackets = txTotal,
            RxPackets = rxTotal,
            Streams = counters,
            Latency = latency,
            DelayVariation = variation.ToSummaryMicroseconds(),
            Flags = flags,
            Note = Note(flags, index),
        };
        return ValueTask.FromResult(result);
    }

    /// <summary>The latency the device adds at a utilisation, before jitter, in nanoseconds.</summary>
    /// <param name="utilisation">Offered load over capacity.</param>
    /// <param name="capacity">Capacity in packets per second.</param>
    /// <returns>Nanoseconds.</returns>
    internal double ModelLatencyNs(double utilisation, double capacity)
    {
        if (_device is null)
        {
            return 0;
        }

        double us = _device.BaseLatencyUs + (_device.LoadFactorUs * Math.Min(1.0, utilisation));
        if (utilisation > 1 && capacity > 0)
        {
            // Overloaded: the buffer is full, so every frame waits for the whole buffer to drain.
            us += _device.BufferFrames / capacity * 1e6;
        }

        return us * 1000.0;
    }

    private double Capacity(TrafficStream[] streams)
    {
        if (_device is null)
        {
            return double.PositiveInfinity;
        }

        // Each packet takes 1/capacity(size) seconds of the device; streams share the port by their rate share.
        double shareSum = streams.Sum(s => s.RateShare);
        double secondsPerPacket = streams.Sum(s => s.RateShare / shareSum / _device.CapacityFor(s.FrameSizes));
        return 1.0 / secondsPerPacket;
    }

    private double ExcessLossRatio(TrialRequest request, double load, double capacity, long bulk, double seconds)
    {
        if (_device is null || load <= capacity)
        {
            return 0;
        }

        if (request.FramesPerPort is null)
        {
            return 1 - (capacity / load);
        }

        // A burst at rate r fills the queue at (r - C) per second; frames beyond the buffer are dropped.
        double queued = bulk * (1 - (capacity / load));
        return Math.Max(0, queued - _device.BufferFrames) / Math.Max(1, bulk);
    }

    private (long Received, long OutOfOrder, long Duplicates) RunLatencyStream(
        TrafficStream stream, ushort streamId, long count, double pps, double pLoss, double latencyNs, Random rng, LatencyHistogram merged, DelayVariationRecorder variation)
    {
        if (count == 0)
        {
            return (0, 0, 0);
        }

        SequenceTracker tracker = new();
        DelayVariationRecorder perStream = new();
        double intervalNs = 1e9 / pps;
        long resolution = Math.Max(1, _options.TimestampResolutionNs);
        int size = stream.FrameSizes.Entries[0].Size;
        // Latency streams are one flow, as TRex's; the frame is built once and re-marked per packet.
        FrameLayout layout = PacketBuilder.BuildWithLayout(_frame, stream, size, 0, new LatencyMark(0, streamId, 0, 0));
        int length = layout.Length;
        for (long seq = 0; seq < count; seq++)
        {
            ulong txTs = (ulong)(seq * intervalNs);
            PacketBuilder.Restamp(_frame, layout, new LatencyMark(0, streamId, (uint)seq, txTs));
            if (rng.NextDouble() < pLoss)
            {
                continue;
            }

            // The receiver sees only the frame: read the mark back from its bytes.
            if (!LatencyMark.TryReadTrailer(_frame.AsSpan(0, length), out LatencyMark received))
            {
                continue;
            }

            double oneWay = latencyNs * JitterMultiplier(rng) + _options.TimestampBiasNs;
            long rxTs = (long)(received.TimestampNs + Math.Max(0, oneWay));
            long delay = ((rxTs / resolution) - ((long)received.TimestampNs / resolution)) * resolution;
            tracker.Record(received.Sequence);
            perStream.Record(received.Sequence, Math.Max(0, delay));
        }

        merged.Merge(perStream.Delays);
        variation.Merge(perStream);
        return (tracker.Received, tracker.OutOfOrder, tracker.Duplicates);
    }

    private double JitterMultiplier(Random rng)
    {
        if (_device is null)
        {
            return 1;
        }

        return _device.Jitter switch
        {
            JitterKind.Uniform => 1 + (_device.Sigma * ((2 * rng.NextDouble()) - 1)),
            JitterKind.Lognormal => Math.Exp(_device.Sigma * Sampling.StandardNormal(rng)),
            _ => 1,
        };
    }

    private string? Note(MeasurementFlags flags, int index)
    {
        List<string> notes = [];
        if ((flags & MeasurementFlags.OfferedLoadNotReached) != 0)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"generator limited to {_options.MaxPpsPerPort} pps per port"));
        }

        if ((flags & MeasurementFlags.Disturbed) != 0)
        {
            notes.Add($"trial {index} disturbed by an injected generator stall");
        }

        return notes.Count == 0 ? null : string.Join("; ", notes);
    }
}
