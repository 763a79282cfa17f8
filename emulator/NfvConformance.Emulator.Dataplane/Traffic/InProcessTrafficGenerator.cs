// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Emulator.Dataplane.Buffers;
using NfvConformance.Emulator.Dataplane.Graph;
using NfvConformance.Emulator.Dataplane.Ports;
using NfvConformance.Packets;

namespace NfvConformance.Emulator.Dataplane.Traffic;

/// <summary>Options of an <see cref="InProcessTrafficGenerator"/>.</summary>
public sealed class InProcessTrafficGeneratorOptions
{
    /// <summary>Gets the number of generator ports.</summary>
    public int PortCount { get; init; } = 2;

    /// <summary>Gets the nominal line rate of each port, used to turn percentages into packet rates.</summary>
    public double LineRateBitsPerSecond { get; init; } = 10e9;

    /// <summary>Gets the most packets per second per port the generator promises (it flags trials it falls short of).</summary>
    public double MaxPpsPerPort { get; init; } = 2e6;

    /// <summary>
    /// Gets the device under test: given the pool and the device-side ports (port i faces generator port i), returns a
    /// configured worker, run on its own thread during each trial. Null for a wire: port 0 to 1 and 1 to 0.
    /// </summary>
    public Func<PacketPool, IReadOnlyList<Port>, DataplaneWorker>? Device { get; init; }
}

/// <summary>
/// The emulator's real-time, in-process traffic generator: it builds IPv4/UDP frames for each stream's flows straight
/// into pool buffers, paces them per stream with a token schedule on the wall clock, sends them through ring ports
/// (memif-like shared memory) into a device graph running on its own worker thread, and counts what comes back by the
/// 16-byte latency mark each frame carries (stream, sequence, send time): loss, reordering, duplicates, latency and
/// delay variation. Device behaviour is a value in the <see cref="TrialResult"/>; only bad requests throw.
/// </summary>
public sealed class InProcessTrafficGenerator : ITrafficGeneration
{
    private const int RingCapacity = 4096;
    private static readonly TimeSpan s_drainIdle = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan s_drainMax = TimeSpan.FromSeconds(1);

    private readonly InProcessTrafficGeneratorOptions _options;
    private byte _runSequence;

    /// <summary>Creates a generator.</summary>
    /// <param name="options">Ports, line rate and the device under test.</param>
    /// <exception cref="ConfigurationException">Fewer than one port or a non-positive rate.</exception>
    public InProcessTrafficGenerator(InProcessTrafficGeneratorOptions? options = null)
    {
        _options = options ?? new InProcessTrafficGeneratorOptions();
        if (_options.PortCount < 1 || _options.LineRateBitsPerSecond <= 0 || _options.MaxPpsPerPort <= 0)
        {
            ThrowHelper.ThrowConfiguration($"In-process generator: PortCount ({_options.PortCount}) must be at least 1 and the rates ({_options.LineRateBitsPerSecond} b/s, {_options.MaxPpsPerPort} pps) positive.");
        }

        Info = new TrafficGeneratorInfo(_options.PortCount, _options.LineRateBitsPerSecond, _options.MaxPpsPerPort, VirtualTime: false, TimestampResolutionNs: Math.Max(1, 1_000_000_000 / Stopwatch.Frequency));
    }

    /// <inheritdoc />
    public string Name => "emulator";

    /// <inheritdoc />
    public TrafficGeneratorInfo Info { get; }

    /// <inheritdoc />
    public TimeProvider Clock => TimeProvider.System;

    /// <inheritdoc />
    public ValueTask<TrialResult> RunTrialAsync(TrialRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        TrialRequestValidator.EnsureValid(request, Info);
        StreamPlan[] plans = Plan(request);
        byte run = ++_runSequence;
        return new ValueTask<TrialResult>(Task.Run(() => RunTrial(request, plans, run, cancellationToken), cancellationToken));
    }

    private StreamPlan[] Plan(TrialRequest request)
    {
        IReadOnlyList<TrafficStream> streams = request.Profile.Streams;
        StreamPlan[] plans = new StreamPlan[streams.Count];
        for (int i = 0; i < streams.Count; i++)
        {
            TrafficStream s = streams[i];
            HeaderStack h = s.Headers;
            if (h.L3 != L3Protocol.IPv4 || h.L4 != L4Protocol.Udp || h.VlanId is not null || h.VxlanVni is not null)
            {
                ThrowHelper.ThrowConfiguration($"stream '{s.Name}': the in-process generator sends untagged IPv4/UDP only ({h.L3}/{h.L4}, VLAN {h.VlanId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, VXLAN {h.VxlanVni?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"} requested); use TRex for other stacks.");
            }

            double shareSum = streams.Where(o => o.TxPort == s.TxPort).Sum(o => o.RateShare);
            double portPps = request.RatePerPort.ToPps(request.Profile.MeanFrameSize(s.TxPort), _options.LineRateBitsPerSecond);
            plans[i] = new StreamPlan(s, (ushort)i, portPps * s.RateShare / shareSum, Address(h.SourceIp), Address(h.DestinationIp), [.. h.SourceMac], [.. h.DestinationMac]);
        }

        return plans;
    }

    private TrialResult RunTrial(TrialRequest request, StreamPlan[] plans, byte run, CancellationToken cancellationToken)
    {
        PacketPool pool = new(new PacketPoolOptions { Capacity = 16384, BufferSize = 10240, Headroom = 128, Concurrency = PoolConcurrency.MultiThread });
        RingPort[] generatorPorts = new RingPort[_options.PortCount];
        RingPort[] devicePorts = new RingPort[_options.PortCount];
        for (int p = 0; p < _options.PortCount; p++)
        {
            (generatorPorts[p], devicePorts[p]) = RingPort.CreatePair($"gen{p}", $"dut{p}", pool, RingCapacity);
        }

        DataplaneWorker device = _options.Device?.Invoke(pool, devicePorts) ?? Wire(pool, devicePorts);
        using CancellationTokenSource stopDevice = new();
        Thread deviceThread = new(() => device.Run(stopDevice.Token)) { IsBackground = true, Name = "emulator-device" };
        deviceThread.Start();
        Receiver receiver = new(plans.Length);
        long start = Stopwatch.GetTimestamp();
        long sendTicks;
        try
        {
            sendTicks = Send(request, plans, generatorPorts, pool, run, receiver, start, cancellationToken);
            Drain(generatorPorts, pool, run, receiver, cancellationToken);
        }
        finally
        {
            stopDevice.Cancel();
            deviceThread.Join();
        }

        return Summarise(request, plans, receiver, (double)sendTicks / Stopwatch.Frequency);
    }

    private static long Send(TrialRequest request, StreamPlan[] plans, RingPort[] ports, PacketPool pool, byte run, Receiver receiver, long start, CancellationToken cancellationToken)
    {
        PacketHandle[] burst = new PacketHandle[Port.MaxBurst];
        long durationTicks = (long)(request.Duration.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long now = Stopwatch.GetTimestamp();
            double elapsed = (double)(now - start) / Stopwatch.Frequency;
            bool done = true;
            foreach (StreamPlan plan in plans)
            {
                long limit = request.FramesPerPort is long frames ? plan.FrameLimit(frames, plans) : (long)(plan.Pps * request.Duration.TotalSeconds);
                long target = now - start >= durationTicks && request.FramesPerPort is null ? limit : Math.Min(limit, (long)(plan.Pps * elapsed));
                if (plan.Sent < limit)
                {
                    done = false;
                }

                int n = (int)Math.Min(Port.MaxBurst, target - plan.Sent);
                if (n > 0)
                {
                    SendBurst(plan, burst.AsSpan(0, n), ports[plan.Stream.TxPort], pool, run);
                }
            }

            Receive(ports, pool, run, receiver);
            if (done)
            {
                return Stopwatch.GetTimestamp() - start;
            }
        }
    }

    private static void SendBurst(StreamPlan plan, Span<PacketHandle> burst, Port port, PacketPool pool, byte run)
    {
        int got = pool.AllocBurst(burst);
        for (int i = 0; i < got; i++)
        {
            long sequence = plan.Sent + i;
            int frameSize = plan.Stream.FrameSizes.SizeAt(sequence) - TrafficRate.FcsBytes;
            PacketHandle h = burst[i];
            pool.TrySetLength(h, frameSize);
            Span<byte> data = pool.GetData(h);
            int flow = (int)(sequence % plan.Stream.FlowCount);
            FlowFields vary = plan.Stream.VaryingFields;
            HeaderStack headers = plan.Stream.Headers;
            FrameBuilder.BuildUdpIpv4(
                data,
                frameSize,
                plan.DestinationMac,
                plan.SourceMac,
                plan.Source + ((vary & FlowFields.SourceIp) != 0 ? (uint)flow : 0),
                plan.Destination + ((vary & FlowFields.DestinationIp) != 0 ? (uint)flow : 0),
                (ushort)(headers.SourcePort + ((vary & FlowFields.SourcePort) != 0 ? flow : 0)),
                (ushort)(headers.DestinationPort + ((vary & FlowFields.DestinationPort) != 0 ? flow : 0)));
            new LatencyMark(run, plan.Id, (uint)sequence, (ulong)NowNs()).TryWriteTrailer(data);
        }

        int sent = port.TransmitBurst(burst[..got]);
        if (sent < got)
        {
            // The link refused them: never offered, so not counted as sent (the trial reports the shortfall).
            pool.FreeBulk(burst[sent..got]);
        }

        plan.Sent += got;
        plan.Transmitted += sent;
    }

    private static void Drain(RingPort[] ports, PacketPool pool, byte run, Receiver receiver, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        long lastSeen = started;
        while (Stopwatch.GetElapsedTime(lastSeen) < s_drainIdle && Stopwatch.GetElapsedTime(started) < s_drainMax)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Receive(ports, pool, run, receiver) > 0)
            {
                lastSeen = Stopwatch.GetTimestamp();
            }
            else
            {
                Thread.Yield();
            }
        }
    }

    private static int Receive(RingPort[] ports, PacketPool pool, byte run, Receiver receiver)
    {
        Span<PacketHandle> burst = stackalloc PacketHandle[Port.MaxBurst];
        int total = 0;
        foreach (RingPort port in ports)
        {
            int n = port.ReceiveBurst(burst);
            for (int i = 0; i < n; i++)
            {
                if (LatencyMark.TryReadTrailer(pool.GetData(burst[i]), out LatencyMark mark) && mark.FlowSequence == run && mark.StreamId < receiver.Rx.Length)
                {
                    receiver.Record(mark, NowNs());
                }
            }

            pool.FreeBulk(burst[..n]);
            total += n;
        }

        return total;
    }

    private TrialResult Summarise(TrialRequest request, StreamPlan[] plans, Receiver receiver, double seconds)
    {
        long tx = plans.Sum(p => p.Transmitted);
        long offered = plans.Sum(p => p.Sent);
        double offeredPps = plans.GroupBy(p => p.Stream.TxPort).Select(g => g.Sum(p => p.Pps)).DefaultIfEmpty(0).Max();
        int txPorts = Math.Max(1, plans.Select(p => p.Stream.TxPort).Distinct().Count());
        double achieved = seconds <= 0 ? 0 : tx / seconds / txPorts;
        MeasurementFlags flags = MeasurementFlags.None;
        string? note = null;
        if (achieved < offeredPps * 0.99 || tx < offered)
        {
            flags |= MeasurementFlags.OfferedLoadNotReached;
            note = $"sent {tx} of {offered} frames, {achieved:F0} of {offeredPps:F0} pps per port (generator or link limit)";
        }

        if (receiver.Latency.Count == 0)
        {
            flags |= MeasurementFlags.LatencyUnavailable;
        }

        return new TrialResult
        {
            OfferedPpsPerPort = offeredPps,
            AchievedPpsPerPort = achieved,
            Duration = TimeSpan.FromSeconds(seconds),
            TxPackets = tx,
            RxPackets = receiver.Rx.Sum(),
            Streams = [.. plans.Select(p => new StreamCounters(p.Stream.Name, p.Transmitted, receiver.Rx[p.Id], receiver.Trackers[p.Id].OutOfOrder, receiver.Trackers[p.Id].Duplicates, receiver.Rx[p.Id]))],
            Latency = receiver.Latency,
            DelayVariation = receiver.Variation.ToSummaryMicroseconds(),
            Flags = flags,
            Note = note,
        };
    }

    private static DataplaneWorker Wire(PacketPool pool, IReadOnlyList<Port> ports)
    {
        NodeGraphBuilder builder = new();
        for (int p = 0; p < ports.Count; p++)
        {
            builder = builder.WithNode(new PortOutputNode($"to-{p}", ports[p], TimeSpan.Zero));
        }

        DataplaneWorker worker = new(builder.Build(pool));
        for (int p = 0; p < ports.Count; p++)
        {
            worker.AddInput(ports[p], $"to-{(ports.Count == 1 ? 0 : p ^ 1)}");
        }

        return worker;
    }

    private static long NowNs() => (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency));

    private static uint Address(IPAddress ip)
    {
        if (ip.AddressFamily != AddressFamily.InterNetwork)
        {
            ThrowHelper.ThrowConfiguration($"address {ip} is not IPv4; the in-process generator sends IPv4/UDP only.");
        }

        byte[] b = ip.GetAddressBytes();
        return ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];
    }

    private sealed class StreamPlan(TrafficStream stream, ushort id, double pps, uint source, uint destination, byte[] sourceMac, byte[] destinationMac)
    {
        public TrafficStream Stream { get; } = stream;

        public ushort Id { get; } = id;

        public double Pps { get; } = pps;

        public uint Source { get; } = source;

        public uint Destination { get; } = destination;

        public byte[] SourceMac { get; } = sourceMac;

        public byte[] DestinationMac { get; } = destinationMac;

        public long Sent { get; set; }

        public long Transmitted { get; set; }

        public long FrameLimit(long framesPerPort, StreamPlan[] all)
        {
            double sum = all.Where(p => p.Stream.TxPort == Stream.TxPort).Sum(p => p.Stream.RateShare);
            return (long)Math.Round(framesPerPort * Stream.RateShare / sum);
        }
    }

    private sealed class Receiver
    {
        public Receiver(int streams)
        {
            Rx = new long[streams];
            Trackers = [.. Enumerable.Range(0, streams).Select(_ => new SequenceTracker())];
        }

        public long[] Rx { get; }

        public SequenceTracker[] Trackers { get; }

        public LatencyHistogram Latency { get; } = new();

        public DelayVariationRecorder Variation { get; } = new();

        public void Record(LatencyMark mark, long nowNs)
        {
            Rx[mark.StreamId]++;
            Trackers[mark.StreamId].Record(mark.Sequence);
            long delay = Math.Max(0, nowNs - (long)mark.TimestampNs);
            Latency.Record(delay);
            Variation.Record(mark.Sequence, delay);
        }
    }
}
