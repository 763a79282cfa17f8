// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Lab.Linux.Native;
using NfvConformance.Lab.Linux.Traffic.Xdp;

namespace NfvConformance.Lab.Linux.Traffic;

/// <summary>
/// A real traffic generator and receiver on Linux interfaces, in managed code, behind <see cref="ITrafficGeneration"/>.
/// Each port has an AF_PACKET sender (sendmmsg(2) in batches from pinned frame slots, qdisc bypassed) and a
/// TPACKET_V3 receive ring behind a classic BPF filter, with the kernel's receive timestamp of every frame.
/// Every frame carries a 16-byte mark at its end (stream id, sequence number, transmit timestamp,
/// <see cref="LatencyMark"/>), so loss, reordering and duplicates are counted per stream and every received frame's
/// latency goes into the trial's <see cref="LatencyHistogram"/>. Nothing is allocated per frame.
/// </summary>
/// <remarks>
/// One sender thread sends for every port, paced against the monotonic clock, or, with
/// <see cref="AfPacketGeneratorOptions.Threads"/> N, N sender workers each on its own CPU with its own socket (or
/// AF_XDP queue) on every port, each sending the streams it owns at their share of the offered rate; another thread
/// drains every receive ring. A trial
/// offered above <see cref="AfPacketGeneratorOptions.CeilingPpsPerPort"/> (the back-to-back ceiling of
/// <see cref="GeneratorCalibration"/>), or whose achieved rate falls short of the offer, is flagged
/// <see cref="MeasurementFlags.OfferedLoadNotReached"/>: inconclusive, never a device failure. Frames the receive ring
/// itself dropped flag the trial <see cref="MeasurementFlags.Disturbed"/>.
/// </remarks>
public sealed class AfPacketGenerator : ITrafficGeneration, IDisposable
{
    /// <summary>The libpcap filter that selects what the receive BPF program accepts (the generator's own frames).</summary>
    public const string DefaultCaptureFilter = "udp or tcp or vlan or ether proto 0x88b5";

    /// <summary>How the generator sends and receives, for reports.</summary>
    public const string Method = "af_packet sendmmsg batch, tpacket_v3 rx ring";

    private const int RetireMs = 4;
    private const int MaxFrameLength = FrameSizeMix.MaxFrameSize;
    private readonly AfPacketGeneratorOptions _options;
    private readonly IFrameSender[]?[] _tx;
    private readonly IReadOnlyList<int>? _workerCpus;
    private readonly IFrameReceiver?[] _rx;
    private readonly Lock _gate = new();
    private readonly HashSet<AfPacketPort> _receiverTakesQueue = [];
    private int _trialIndex;
    private bool _disposed;

    /// <summary>Opens the sockets and rings of every port.</summary>
    /// <param name="options">The ports and settings.</param>
    /// <exception cref="ConfigurationException">A port does not exist or the process is not root.</exception>
    public AfPacketGenerator(AfPacketGeneratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.EnsureValid();
        _options = options;
        int n = options.Ports.Count;
        _tx = new IFrameSender[]?[n];
        _rx = new IFrameReceiver?[n];
        try
        {
            for (int i = 0; i < n; i++)
            {
                AfPacketPort p = options.Ports[i];
                (_rx[i], _tx[i]) = NetNamespace.Run(p.Namespace, () =>
                {
                    IFrameReceiver? rx = p.Receive ? OpenReceiver(p, options) : null;
                    return (rx, OpenSenders(p, options, rx is XdpRxPort));
                });
            }

            TransmitMethod = string.Join(" + ", _tx.SelectMany(t => t!).Select(t => t.Method).Distinct());
            ReceiveMethod = string.Join(", ", _rx.OfType<IFrameReceiver>().Select(r => r.Method).Distinct());
        }
        catch
        {
            Dispose();
            throw;
        }

        if (options.Threads > 1)
        {
            IReadOnlyList<int> cpus = options.ThreadCpus ?? Placement.CpuPinning.AllowedCpus(Environment.ProcessId);
            _workerCpus = cpus.Count == 0 ? null : cpus;
        }

        Info = new TrafficGeneratorInfo(n, options.LineRateBitsPerSecond, options.CeilingPpsPerPort, VirtualTime: false, TimestampResolutionNs: 1);
    }

    /// <inheritdoc />
    public string Name => "af_packet";

    /// <inheritdoc />
    public TrafficGeneratorInfo Info { get; }

    /// <inheritdoc />
    public TimeProvider Clock => TimeProvider.System;

    /// <summary>Gets the ports.</summary>
    public IReadOnlyList<AfPacketPort> Ports => _options.Ports;

    /// <summary>Gets or sets the capture of the following trials to pcap files; null for none.</summary>
    public TrialCapture? Capture { get; set; }

    /// <summary>Gets the number of sender workers (<see cref="AfPacketGeneratorOptions.Threads"/>).</summary>
    public int Threads => _options.Threads;

    /// <summary>Gets how frames are sent (<c>af_packet sendmmsg batch</c>, <c>af_packet tx ring batch</c> or <c>af_xdp copy mode...</c>; several joined with " + " when the workers' sockets differ).</summary>
    public string TransmitMethod { get; } = string.Empty;

    /// <summary>
    /// Gets why AF_XDP was asked for (<see cref="AfPacketGeneratorOptions.AfXdp"/>) and refused by the kernel, so the
    /// ports send through AF_PACKET sendmmsg instead; null when AF_XDP was not asked for or every port got it.
    /// </summary>
    public string? AfXdpFallback { get; private set; }

    /// <summary>Gets how frames are received (<c>tpacket_v3 rx ring</c>, <c>af_xdp rx (copy mode, xdp native)</c>, ...); empty without a receiving port.</summary>
    public string ReceiveMethod { get; } = string.Empty;

    /// <summary>
    /// Gets why the AF_XDP receiver was asked for (<see cref="AfPacketGeneratorOptions.RxMethod"/>) and refused by the
    /// kernel (no BPF, no XDP on the device), so the ports receive through the TPACKET_V3 ring instead; null when it
    /// was not asked for or every receiving port got it.
    /// </summary>
    public string? AfXdpRxFallback { get; private set; }

    /// <summary>Gets the frame-level account of the last trial, or null before the first.</summary>
    public AfPacketTrialDetail? LastTrial { get; private set; }

    /// <inheritdoc />
    public async ValueTask<TrialResult> RunTrialAsync(TrialRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(_disposed, this);
        Validate(request);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            _trialIndex++;
        }

        TrialPlan plan = TrialPlan.Create(request, _options, Info);
        byte flowSequence = (byte)_trialIndex;
        IFrameReceiver[] rings = [.. _rx.OfType<IFrameReceiver>()];
        foreach (IFrameReceiver ring in rings)
        {
            Sink discard = Sink.Discarding();
            ring.Drain(ref discard);
            ring.ReadAndResetStatistics();
        }

        TrialCaptureSession? capture = Capture is { } c ? TrialCaptureSession.Start(c, _options.Ports, _trialIndex) : null;
        Receiver receiver = new(rings, plan.Streams.Length, flowSequence, _options.ThreadCpus, _options.RealTimePriority);
        Thread rxThread = new(receiver.Run) { IsBackground = true, Name = "nfvc-gen-rx", Priority = ThreadPriority.AboveNormal };
        rxThread.Start();
        Sender[] senders = [.. plan.Workers.Select(w => new Sender([.. _tx.Select(t => t?[w.Worker])], plan, w.Ports, flowSequence))];
        try
        {
            // The sender starts once the receiver runs at its priority on its CPU: a receiver still waiting to run there
            // behind the real-time sender drained nothing until the kernel throttled the sender (95 % of each second),
            // and the ring kept only its first 64 ms of frames (a healthy chain "lost" 89 % on a busy host).
            await receiver.Ready.ConfigureAwait(false);
            Task[] done = new Task[senders.Length];
            for (int w = 0; w < senders.Length; w++)
            {
                Sender sender = senders[w];
                IReadOnlyList<int>? cpus = WorkerCpus(w);
                TaskCompletionSource finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
                done[w] = finished.Task;
                Thread txThread = new(() =>
                {
                    try
                    {
                        Pin(cpus, _options.RealTimePriority);
                        sender.Run(cancellationToken);
                        finished.SetResult();
                    }
                    catch (Exception e)
                    {
                        finished.SetException(e);
                    }
                })
                { IsBackground = true, Name = senders.Length == 1 ? "nfvc-gen-tx" : $"nfvc-gen-tx{w}", Priority = ThreadPriority.AboveNormal };
                txThread.Start();
            }

            await Task.WhenAll(done).ConfigureAwait(false);
            await Task.Delay(_options.ResidualWait, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            receiver.Stop();
            rxThread.Join();
        }

        (string? file, long captured) = capture is null ? (null, 0) : capture.Stop();
        long ringDrops = 0;
        foreach (IFrameReceiver ring in rings)
        {
            ringDrops += ring.ReadAndResetStatistics().Drops;
        }

        return Result(request, plan, SendTotals.Of(plan, senders), receiver, ringDrops, file, captured);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (IFrameSender[]? port in _tx)
        {
            foreach (IFrameSender? t in port ?? [])
            {
                t?.Dispose();
            }
        }

        foreach (IFrameReceiver? r in _rx)
        {
            r?.Dispose();
        }
    }

    /// <summary>Pins the calling thread and sets its real-time priority (thread 0 is the caller for both calls).</summary>
    /// <exception cref="IOException">The kernel refused.</exception>
    /// <remarks>
    /// Priority first, then the CPU: a normal thread moved onto a CPU where a real-time sender spins does not run again
    /// (not even to raise its own priority) until the kernel throttles real-time work there.
    /// </remarks>
    private static void Pin(IReadOnlyList<int>? cpus, int realTimePriority)
    {
        int priority = realTimePriority;
        if (priority > 0 && Libc.sched_setscheduler(0, Libc.SchedRoundRobin, ref priority) != 0)
        {
            throw new IOException($"sched_setscheduler(SCHED_RR, {realTimePriority}): {Libc.LastError()}");
        }

        if (cpus is not null)
        {
            Placement.CpuPinning.SetAffinity(0, cpus);
        }
    }

    /// <summary>The CPUs worker <paramref name="worker"/> is pinned to: one of its own with several workers, else <see cref="AfPacketGeneratorOptions.ThreadCpus"/>.</summary>
    private IReadOnlyList<int>? WorkerCpus(int worker) =>
        _options.Threads == 1 || _workerCpus is null ? _options.ThreadCpus : [_workerCpus[worker % _workerCpus.Count]];

    /// <summary>Opens one sender per worker on a port; on a failure, the ones already open are closed.</summary>
    private IFrameSender[] OpenSenders(AfPacketPort port, AfPacketGeneratorOptions options, bool queuesTakenByReceiver)
    {
        if (options.AfXdp && queuesTakenByReceiver)
        {
            // Not a refusal: noted on every trial that sends from this port (a port that only receives loses nothing).
            _receiverTakesQueue.Add(port);
            options = options with { AfXdp = false };
        }

        IFrameSender[] senders = new IFrameSender[options.Threads];
        try
        {
            for (int w = 0; w < senders.Length; w++)
            {
                senders[w] = OpenSender(port, options, w);
            }
        }
        catch
        {
            foreach (IFrameSender? opened in senders)
            {
                opened?.Dispose();
            }

            throw;
        }

        return senders;
    }

    private IFrameReceiver OpenReceiver(AfPacketPort port, AfPacketGeneratorOptions options)
    {
        if (options.RxMethod == GeneratorRxMethod.AfXdp)
        {
            try
            {
                return XdpRxPort.Open(port.Interface, port.Namespace, options.XdpRxFault);
            }
            catch (TrafficEnvironmentException e)
            {
                AfXdpRxFallback ??= $"AF_XDP receive refused on {port}: {e.Message} Receiving through the TPACKET_V3 ring instead.";
            }
        }

        return RxRing.Open(port.Interface, port.Namespace, 1 << 20, options.RxRingBlocks, RetireMs);
    }

    private IFrameSender OpenSender(AfPacketPort port, AfPacketGeneratorOptions options, int queue)
    {
        if (options.AfXdp)
        {
            try
            {
                return XdpTxPort.Open(port.Interface, port.Namespace, options.BatchSize, MaxFrameLength, options.XdpFault, queue);
            }
            catch (TrafficEnvironmentException e)
            {
                // Never silently: the reason goes to every trial's detail and to the bench report.
                AfXdpFallback ??= $"AF_XDP refused on {port}{(options.Threads > 1 ? $" queue {queue}" : string.Empty)}: {e.Message} Sending through AF_PACKET sendmmsg instead.";
            }
        }

        return TxPort.Open(port.Interface, port.Namespace, options.BatchSize, MaxFrameLength, options.TxRing);
    }

    private void Validate(TrialRequest request)
    {
        List<ValidationError> errors = [.. TrialRequestValidator.Validate(request, Info)];
        foreach (TrafficStream s in request.Profile.Streams)
        {
            errors.AddRange(StreamTemplates.Validate(s));
        }

        foreach (TrafficStream s in request.Profile.Streams)
        {
            int longest = s.FrameSizes.Entries.Max(e => e.Size) - TrafficRate.FcsBytes;
            if (s.TxPort >= 0 && s.TxPort < _tx.Length && _tx[s.TxPort]?[0] is { } tx && longest > tx.MaxFrameLength)
            {
                errors.Add(new(true, $"frames of {longest + TrafficRate.FcsBytes} B are longer than port {s.TxPort}'s {tx.Method} sender takes ({tx.MaxFrameLength} B without FCS); send them through AF_PACKET.", $"stream '{s.Name}'"));
            }
        }

        if (request.Profile.Streams.Count > ushort.MaxValue)
        {
            errors.Add(new(true, $"{request.Profile.Streams.Count} streams; at most {ushort.MaxValue}.", "profile"));
        }

        foreach (TrafficStream s in request.Profile.Streams)
        {
            int longest = s.FrameSizes.Entries.Max(e => e.Size) - TrafficRate.FcsBytes;
            if (s.RxPort >= 0 && s.RxPort < _rx.Length && _rx[s.RxPort] is { } rx && longest > rx.MaxFrameLength)
            {
                errors.Add(new(true, $"frames of {longest + TrafficRate.FcsBytes} B are longer than port {s.RxPort}'s {rx.Method} receiver takes ({rx.MaxFrameLength} B without FCS); receive them through AF_PACKET.", $"stream '{s.Name}'"));
            }
        }

        if (Capture is { } c && (c.Port < 0 || c.Port >= _options.Ports.Count))
        {
            errors.Add(new(true, $"capture port {c.Port} is not one of the generator's {_options.Ports.Count} ports.", "capture"));
        }
        else if (Capture is { } x && _rx[x.Port] is XdpRxPort)
        {
            errors.Add(new(true, $"port {x.Port} receives through AF_XDP, which takes the frames before a capture sees them; capture with the AF_PACKET receiver.", "capture"));
        }

        if (errors.Count > 0)
        {
            ThrowHelper.ThrowConfiguration("invalid trial for the AF_PACKET generator: " + string.Join("; ", errors));
        }
    }

    private TrialResult Result(TrialRequest request, TrialPlan plan, SendTotals sender, Receiver receiver, long ringDrops, string? captureFile, long captured)
    {
        List<StreamCounters> counters = [];
        List<AfPacketStreamDetail> details = [];
        LatencyHistogram latency = new();
        DelayVariationRecorder variation = new();
        long tx = 0;
        long rx = 0;
        for (int s = 0; s < plan.Streams.Length; s++)
        {
            TrafficStream stream = plan.Streams[s].Stream;
            SequenceTracker t = receiver.Trackers[s];
            long sent = sender.SentPerStream[s];
            long unique = t.Received - t.Duplicates - t.TooOld;
            counters.Add(new StreamCounters(stream.Name, sent, t.Received, t.OutOfOrder, t.Duplicates, receiver.Recorders[s].Delays.Count));
            details.Add(new AfPacketStreamDetail(stream.Name, stream.TxPort, stream.RxPort, sent, t.Received, unique, t.Lost(sent), t.OutOfOrder, t.Duplicates, t.TooOld) { Worker = plan.StreamWorker[s] });
            latency.Merge(receiver.Recorders[s].Delays);
            variation.Merge(receiver.Recorders[s]);
            tx += sent;
            rx += t.Received;
        }

        double seconds = request.FramesPerPort is null ? request.Duration.TotalSeconds : Math.Max(1e-9, sender.SecondsSending);
        MeasurementFlags flags = MeasurementFlags.None;
        List<string> notes = [];
        foreach (PortPlan p in plan.Ports)
        {
            if (_receiverTakesQueue.Contains(_options.Ports[p.Port]))
            {
                notes.Add($"port {p.Port} sent through AF_PACKET sendmmsg: its queues carry the AF_XDP receiver (one AF_XDP socket per queue)");
            }
        }

        int ports = plan.Ports.Length;
        double offered = plan.Ports.Length == 0 ? 0 : plan.Ports.Average(p => p.BulkPps);
        double achieved = plan.Ports.Length == 0 ? 0 : plan.Ports.Select((p, i) => p.PlannedFrames == 0 ? p.BulkPps : p.BulkPps * sender.SentPerPort[i] / p.PlannedFrames).Average();
        if (offered > _options.CeilingPpsPerPort * (1 + 1e-9))
        {
            flags |= MeasurementFlags.OfferedLoadNotReached;
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"offered {offered:F0} pps per port is above the generator's calibrated ceiling of {_options.CeilingPpsPerPort:F0} pps (back-to-back): generator-bound"));
        }

        if (achieved < offered * (1 - _options.LoadTolerance))
        {
            flags |= MeasurementFlags.OfferedLoadNotReached;
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"the generator sent {achieved:F0} of the {offered:F0} pps per port offered: generator-bound"));
        }

        if (ringDrops > 0)
        {
            flags |= MeasurementFlags.Disturbed;
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"the receive ring dropped {ringDrops} frames (receiver overrun, not the device)"));
        }

        if (sender.Dropped > 0)
        {
            flags |= MeasurementFlags.Disturbed;
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"the sending host dropped {sender.Dropped} frames before they reached the port's peer (its backlog was full: the generator's loss, not the device's)"));
        }

        if (latency.Count == 0)
        {
            flags |= MeasurementFlags.LatencyUnavailable;
        }

        LastTrial = new AfPacketTrialDetail(
            _trialIndex, details, receiver.Foreign, receiver.Stale, ringDrops, sender.SecondsSending, sender.AllocatedBytes, receiver.AllocatedBytes, captureFile, captured)
        {
            TxCpuSeconds = sender.CpuNs / 1e9,
            Threads = _options.Threads,
            SentPerWorker = sender.PerWorker,
            TxDropped = sender.Dropped,
            TransmitMethod = TransmitMethod,
            AfXdpFallback = AfXdpFallback,
            ReceiveMethod = ReceiveMethod,
            AfXdpRxFallback = AfXdpRxFallback,
        };
        return new TrialResult
        {
            OfferedPpsPerPort = offered,
            AchievedPpsPerPort = achieved,
            Duration = TimeSpan.FromSeconds(seconds),
            TxPackets = tx,
            RxPackets = rx,
            Streams = counters,
            Latency = latency,
            DelayVariation = variation.ToSummaryMicroseconds(),
            Flags = flags,
            Note = notes.Count == 0 ? null : string.Join("; ", notes),
        };
    }

    /// <summary>Receives on every ring until stopped; one instance per trial.</summary>
    private sealed class Receiver(IFrameReceiver[] rings, int streams, byte flowSequence, IReadOnlyList<int>? cpus, int realTimePriority)
    {
        private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool _stop;

        /// <summary>Gets a task that completes when the receiver runs pinned at its priority (or without, if refused) and is about to drain.</summary>
        public Task Ready => _ready.Task;

        public SequenceTracker[] Trackers { get; } = [.. Enumerable.Range(0, streams).Select(_ => new SequenceTracker())];

        public DelayVariationRecorder[] Recorders { get; } = [.. Enumerable.Range(0, streams).Select(_ => new DelayVariationRecorder())];

        public long Foreign { get; private set; }

        public long Stale { get; private set; }

        public long AllocatedBytes { get; private set; }

        public void Stop() => _stop = true;

        public void Run()
        {
            try
            {
                // One above the sender: the receiver sleeps in poll(2) and must preempt a sender that spins between
                // frames, or the ring overruns while the sender holds the CPU for a whole SCHED_RR time slice.
                Pin(cpus, realTimePriority > 0 ? Math.Min(99, realTimePriority + 1) : 0);
            }
            catch (IOException)
            {
                // An unpinned receiver counts the same frames; only the sender's CPU decides the ceiling.
            }
            finally
            {
                _ready.TrySetResult();
            }

            long[] counts = new long[2];
            Sink sink = new(Trackers, Recorders, counts, flowSequence);
            int[] fds = [.. rings.SelectMany(r => r.Fds)];
            byte[] pollFds = new byte[fds.Length * 8];
            for (int i = 0; i < fds.Length; i++)
            {
                BitConverter.TryWriteBytes(pollFds.AsSpan(i * 8), fds[i]);
                BitConverter.TryWriteBytes(pollFds.AsSpan((i * 8) + 4), (short)(Libc.PollIn | Libc.PollErr));
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            while (!_stop && rings.Length == 0)
            {
                Thread.Sleep(RetireMs);
            }

            while (!_stop)
            {
                int n = 0;
                foreach (IFrameReceiver ring in rings)
                {
                    n += ring.Drain(ref sink);
                }

                if (n == 0)
                {
                    Libc.poll(pollFds, (nuint)fds.Length, 2);
                }
            }

            // Blocks the kernel retired while we were stopping.
            Thread.Sleep(RetireMs * 3);
            foreach (IFrameReceiver ring in rings)
            {
                ring.Drain(ref sink);
            }

            AllocatedBytes = GC.GetAllocatedBytesForCurrentThread() - before;
            Foreign = counts[0];
            Stale = counts[1];
        }
    }

    /// <summary>Reads each frame's mark and counts it; a struct so the ring's loop inlines it.</summary>
    private readonly struct Sink(SequenceTracker[]? trackers, DelayVariationRecorder[]? recorders, long[]? counts, byte flowSequence) : IFrameSink
    {
        public static Sink Discarding() => new(null, null, null, 0);

        public void OnFrame(IntPtr frame, int length, long rxRealtimeNs)
        {
            if (trackers is null)
            {
                return;
            }

            if (length < LatencyMark.Size)
            {
                counts![0]++;
                return;
            }

            IntPtr mark = frame + (length - LatencyMark.Size);
            if (Marshal.ReadByte(mark) != LatencyMark.Magic)
            {
                counts![0]++;
                return;
            }

            if (Marshal.ReadByte(mark, 1) != flowSequence)
            {
                counts![1]++;
                return;
            }

            int stream = (ushort)Marshal.ReadInt16(mark, 2);
            if (stream >= trackers.Length)
            {
                counts![0]++;
                return;
            }

            long sequence = (uint)Marshal.ReadInt32(mark, 4);
            long txNs = Marshal.ReadInt64(mark, 8);
            trackers[stream].Record(sequence);
            recorders![stream].Record(sequence, Math.Max(0, rxRealtimeNs - txNs));
        }
    }

    /// <summary>What every worker sent, added up: per stream (each stream has one worker), per port, per worker.</summary>
    private sealed record SendTotals(long[] SentPerStream, long[] SentPerPort, long[] PerWorker, double SecondsSending, long AllocatedBytes, long CpuNs, long Dropped)
    {
        public static SendTotals Of(TrialPlan plan, Sender[] senders)
        {
            long[] perStream = new long[plan.Streams.Length];
            long[] perPort = new long[plan.Ports.Length];
            long[] perWorker = new long[senders.Length];
            double seconds = 0;
            long allocated = 0;
            long cpu = 0;
            long dropped = 0;
            for (int w = 0; w < senders.Length; w++)
            {
                Sender s = senders[w];
                for (int i = 0; i < perStream.Length; i++)
                {
                    perStream[i] += s.SentPerStream[i];
                    perWorker[w] += s.SentPerStream[i];
                }

                for (int p = 0; p < s.Ports.Length; p++)
                {
                    perPort[Array.FindIndex(plan.Ports, whole => whole.Port == s.Ports[p].Port)] += s.SentPerPort[p];
                }

                seconds = Math.Max(seconds, s.SecondsSending);
                allocated += s.AllocatedBytes;
                cpu += s.CpuNs;
                dropped += s.Dropped;
            }

            return new SendTotals(perStream, perPort, perWorker, seconds, allocated, cpu, dropped);
        }
    }

    /// <summary>Sends one worker's share of every port (all of it with one worker), paced; one instance per worker and trial.</summary>
    /// <param name="ports">The worker's sender on each generator port, by port index.</param>
    /// <param name="plan">The trial.</param>
    /// <param name="shares">The worker's share of each transmit port.</param>
    /// <param name="flowSequence">The trial's mark.</param>
    private sealed class Sender(IFrameSender?[] ports, TrialPlan plan, PortPlan[] shares, byte flowSequence)
    {
        public PortPlan[] Ports => shares;

        public long[] SentPerStream { get; } = new long[plan.Streams.Length];

        public long[] SentPerPort { get; } = new long[shares.Length];

        public double SecondsSending { get; private set; }

        public long AllocatedBytes { get; private set; }

        public long CpuNs { get; private set; }

        public long Dropped { get; private set; }

        public void Run(CancellationToken cancellationToken)
        {
            long droppedBefore = ports.Sum(p => p?.Dropped ?? 0);
            long before = GC.GetAllocatedBytesForCurrentThread();
            long cpuBefore = Libc.ThreadCpuNs();
            double ticksToNs = 1e9 / Stopwatch.Frequency;
            long realtimeAtStart = Libc.RealtimeNs();
            long start = Stopwatch.GetTimestamp();
            long stopNs = plan.StopAfterNs;
            int[] cursor = new int[shares.Length];
            long lastSend = start;
            byte[] sleep = new byte[16];
            double slowestGapNs = shares.Length == 0 ? 0 : 1e9 / shares.Max(p => p.TotalPps);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                long now = Stopwatch.GetTimestamp();
                long elapsedNs = (long)((now - start) * ticksToNs);
                if (elapsedNs >= stopNs)
                {
                    break;
                }

                bool pending = false;
                bool sent = false;
                double waitNs = double.MaxValue;
                for (int p = 0; p < shares.Length; p++)
                {
                    PortPlan port = shares[p];
                    long remaining = port.PlannedFrames - SentPerPort[p];
                    if (remaining <= 0)
                    {
                        continue;
                    }

                    pending = true;
                    long due = Math.Min(remaining, (long)(port.TotalPps * elapsedNs / 1e9) + 1 - SentPerPort[p]);
                    if (due <= 0)
                    {
                        waitNs = Math.Min(waitNs, ((SentPerPort[p] / port.TotalPps) * 1e9) - elapsedNs);
                        continue;
                    }

                    IFrameSender tx = ports[port.Port]!;
                    int n = (int)Math.Min(due, tx.Batch);
                    long stampNs = realtimeAtStart + (long)((Stopwatch.GetTimestamp() - start) * ticksToNs);
                    for (int i = 0; i < n; i++)
                    {
                        int s = port.Schedule[cursor[p]];
                        cursor[p] = cursor[p] + 1 == port.Schedule.Length ? 0 : cursor[p] + 1;
                        long seq = SentPerStream[s]++;
                        LatencyMark mark = new(flowSequence, (ushort)s, (uint)seq, (ulong)stampNs);
                        tx.Write(i, plan.Streams[s], seq, mark);
                    }

                    tx.Send(n, cancellationToken);
                    SentPerPort[p] += n;
                    sent = true;
                    lastSend = Stopwatch.GetTimestamp();
                }

                if (!pending)
                {
                    break;
                }

                if (!sent)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    // Never past the trial's end, and back within 10 ms to see a cancellation.
                    Idle(Math.Min(waitNs, Math.Min(stopNs - elapsedNs, 10_000_000)), slowestGapNs, sleep);
                }
            }

            SecondsSending = (lastSend - start) / (double)Stopwatch.Frequency;
            CpuNs = Libc.ThreadCpuNs() - cpuBefore;
            AllocatedBytes = GC.GetAllocatedBytesForCurrentThread() - before;
            Dropped = ports.Sum(p => p?.Dropped ?? 0) - droppedBefore;
        }

        /// <summary>
        /// Waits for the next frame without holding the CPU: a real-time sender that spun between frames used up the
        /// kernel's real-time budget (95 % of each second) and was throttled for the rest, at any rate, so a 1 s trial
        /// fell 5 % short and was flagged generator-bound. It sleeps when the next frame is 0.1 ms away or more, or
        /// when frames are 25 µs apart or more (then a wake-up late by the kernel's latency sends two or three frames
        /// together); it spins only between frames closer than that.
        /// </summary>
        private static void Idle(double waitNs, double gapNs, byte[] timespec)
        {
            const double WakeLatencyNs = 50_000;
            double ns = waitNs >= 2 * WakeLatencyNs ? waitNs - WakeLatencyNs : gapNs >= WakeLatencyNs / 2 ? Math.Max(waitNs, 1_000) : 0;
            if (ns <= 0)
            {
                Thread.SpinWait(20);
                return;
            }

            long whole = (long)ns;
            BinaryPrimitives.WriteInt64LittleEndian(timespec, whole / 1_000_000_000);
            BinaryPrimitives.WriteInt64LittleEndian(timespec.AsSpan(8), whole % 1_000_000_000);
            _ = Libc.clock_nanosleep(Libc.ClockMonotonic, 0, timespec, IntPtr.Zero);
        }
    }
}
