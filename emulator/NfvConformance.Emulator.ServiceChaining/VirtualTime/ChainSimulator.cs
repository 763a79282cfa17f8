// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Lifecycle;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Emulator.ServiceChaining.Acceleration;
using NfvConformance.Emulator.ServiceChaining.Compilation;

namespace NfvConformance.Emulator.ServiceChaining.VirtualTime;

/// <summary>
/// Discrete-event model of one compiled chain in virtual time. Each instance is a FIFO server with an exact service
/// time (function cycles plus its acceleration mode's I/O cycles, capped by the mode's capacity), a finite queue and a
/// per-hop latency; flows are pinned per hop exactly as the real-time steering pins them. Faults follow a seeded schedule.
/// Time is kept in integer picoseconds and ties break by insertion order, so a seed repeats the trial bit for bit.
/// </summary>
internal sealed class ChainSimulator
{
    internal static readonly string[] LossReasons = ["queue_full", "instance_down", "link_down", "random_loss", "no_instance"];
    private const int QueueFull = 0, InstanceDown = 1, LinkDown = 2, RandomLoss = 3, NoInstance = 4;
    private const ushort Unpinned = ushort.MaxValue;
    private const long PsPerSecond = 1_000_000_000_000;

    private readonly CompiledChains _config;
    private readonly CompiledHop[] _hops;
    private readonly ChainTrialOptions _options;
    private readonly ChainModelOptions _model;
    private readonly EventHeap _heap = new();
    private readonly DeterministicRandom _traffic;
    private readonly DeterministicRandom _faultRandom;
    private readonly DeterministicRandom _pathRandom;
    private readonly VirtualClock _clock;
    private readonly bool _newFlows;
    private int _flowCount;
    private int _flowsStarted;
    private FlowKey[] _flowKeys;
    private ushort[] _pins;
    private int[] _affectedBy;
    private long[] _flowSent;
    private long[] _flowDelivered;

    // Per instance (indexed by compiled instance id).
    private readonly int[] _hopOf;
    private readonly long[] _servicePs;
    private readonly long[] _setupPs;
    private readonly long[] _latencyPs;
    private readonly bool[] _up;
    private readonly bool[] _inService;
    private readonly double[] _cpuShare;
    private readonly double[] _loss;
    private readonly long[] _addedPs;
    private readonly long[] _jitterPs;
    private readonly bool[] _linkDown;
    private readonly int[] _epoch;
    private readonly List<long>[] _crashTimes;
    private readonly int[] _openCrash;
    private readonly long[] _lastDeparture;
    private readonly long[][] _queue;
    private readonly int[] _queueHead;
    private readonly int[] _queueCount;

    // Per hop.
    private readonly ushort[][] _buckets;
    private readonly bool[] _hopLinkDown;
    private readonly double[] _hopLoss;
    private readonly long[] _hopAddedPs;
    private readonly long[] _hopJitterPs;

    private readonly List<FaultEvent> _faults;
    private readonly List<Failover> _failovers = [];
    private readonly long[] _lost = new long[LossReasons.Length];
    private readonly LatencyHistogram _latency = new();
    private readonly long _durationPs;
    private readonly double _meanGapPs;
    private readonly int _burst;
    private long _nextArrival;
    private long _sent;
    private long _delivered;
    private long _deliveredInWindow;
    private long _events;
    private ulong _digest = 14695981039346656037UL;

    private ChainSimulator(CompiledChains config, CompiledChain chain, ChainTrialOptions options, ChainModelOptions model, VirtualClock clock)
    {
        _config = config;
        _hops = chain.Hops;
        _options = options;
        _model = model;
        _clock = clock;
        _traffic = new DeterministicRandom(options.Seed);
        _faultRandom = new DeterministicRandom(((long)options.Faults.Seed << 32) ^ (uint)options.Seed ^ 0x5EED_FA17);
        _pathRandom = new DeterministicRandom(~(long)options.Seed);
        _durationPs = options.Duration.Ticks * VirtualClock.PicosecondsPerTick;
        _newFlows = options.NewFlowsPerSecond is not null;
        _meanGapPs = PsPerSecond / (options.NewFlowsPerSecond ?? options.OfferedLoadPps);
        _burst = _newFlows ? options.PacketsPerFlow : options.BurstSize;

        int n = config.Instances.Length;
        _hopOf = new int[n];
        Array.Fill(_hopOf, -1);
        _servicePs = new long[n];
        _setupPs = new long[n];
        _latencyPs = new long[n];
        _up = new bool[n];
        _inService = new bool[n];
        _cpuShare = new double[n];
        _loss = new double[n];
        _addedPs = new long[n];
        _jitterPs = new long[n];
        _linkDown = new bool[n];
        _epoch = new int[n];
        _crashTimes = new List<long>[n];
        _openCrash = new int[n];
        _lastDeparture = new long[n];
        _queue = new long[n][];
        _queueHead = new int[n];
        _queueCount = new int[n];
        for (int j = 0; j < _hops.Length; j++)
        {
            foreach (ushort id in _hops[j].InstanceIds)
            {
                CompiledInstance instance = config.Instances[id];
                AccelerationMode mode = AccelerationCostModel.Negotiate(instance.Mode, model.GrantedModes);
                AccelerationCost cost = model.ModeCosts[mode];
                double functionCycles = mode == AccelerationMode.SmartNicOffload ? 0
                    : model.FunctionCycles.GetValueOrDefault(instance.Function, model.DefaultFunctionCycles);
                double cyclePs = (functionCycles + cost.CyclesPerPacket) * PsPerSecond / model.CpuHz;
                double capacityPs = PsPerSecond / cost.CapacityPps;
                _hopOf[id] = j;
                _servicePs[id] = (long)Math.Round(Math.Max(cyclePs, capacityPs));
                _setupPs[id] = (long)Math.Round(model.FlowSetupCycles.GetValueOrDefault(instance.Function) * PsPerSecond / model.CpuHz);
                _latencyPs[id] = cost.LatencyPerHop.Ticks * VirtualClock.PicosecondsPerTick;
                _up[id] = true;
                _inService[id] = true;
                _cpuShare[id] = 1.0;
                _crashTimes[id] = [];
                _openCrash[id] = -1;
                _queue[id] = new long[System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, model.QueueDepth))];
            }
        }

        _buckets = new ushort[_hops.Length][];
        _hopLinkDown = new bool[_hops.Length];
        _hopLoss = new double[_hops.Length];
        _hopAddedPs = new long[_hops.Length];
        _hopJitterPs = new long[_hops.Length];
        for (int j = 0; j < _hops.Length; j++)
        {
            _buckets[j] = (ushort[])_hops[j].Buckets.Clone();
        }

        _flowCount = _newFlows ? 1024 : options.Flows;
        _flowKeys = new FlowKey[_flowCount];
        _flowSent = new long[_flowCount];
        _flowDelivered = new long[_flowCount];
        for (int f = 0; f < (_newFlows ? 0 : _flowCount); f++)
        {
            _flowKeys[f] = new FlowKey
            {
                Source = 0x0A00_0000u | (uint)(_traffic.NextUInt64() & 0xFF_FFFF),
                Destination = 0xC0A8_0000u | (uint)(_traffic.NextUInt64() & 0xFFFF),
                SourcePort = (ushort)(1024 + _traffic.Next(64_000)),
                DestinationPort = 80,
                Protocol = (byte)ClassifierProtocol.Tcp,
            };
        }

        _pins = new ushort[_flowCount * _hops.Length];
        Array.Fill(_pins, Unpinned);
        _affectedBy = new int[_flowCount];
        Array.Fill(_affectedBy, -1);
        _faults = [.. options.Faults.Events.OrderBy(e => e.At)];
    }

    /// <summary>Runs a trial of an applied chain.</summary>
    /// <exception cref="ConfigurationException">The chain is not applied, the options are out of range, or a fault names an unknown target.</exception>
    public static ChainTrialResult Run(CompiledChains config, ChainTrialOptions options, ChainModelOptions model, VirtualClock? clock = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        int chainIndex = config.FindChain(options.Chain);
        if (chainIndex < 0)
        {
            ThrowHelper.ThrowConfiguration($"trial chain '{options.Chain}' is not applied; applied chains: {string.Join(", ", config.Chains.Select(c => c.Name).Distinct())}.");
        }

        CheckOptions(options);
        if (model.QueueDepth < 1 || model.CpuHz <= 0)
        {
            ThrowHelper.ThrowConfiguration($"chain model: queue depth {model.QueueDepth} must be at least 1 and CPU clock {model.CpuHz} Hz positive.");
        }

        ChainSimulator sim = new(config, config.Chains[chainIndex], options, model, clock ?? new VirtualClock());
        return sim.Execute(cancellationToken);
    }

    private static void CheckOptions(ChainTrialOptions options)
    {
        List<string> problems = [];
        if (options.Duration <= TimeSpan.Zero)
        {
            problems.Add($"duration {options.Duration} must be positive");
        }

        if (!(options.OfferedLoadPps > 0))
        {
            problems.Add($"offered load {options.OfferedLoadPps} pps must be positive");
        }

        if (options.BurstSize is < 1 or > 4096)
        {
            problems.Add($"burst size {options.BurstSize} must lie within 1-4096");
        }

        if (options.NewFlowsPerSecond is { } rate && !(rate > 0 && double.IsFinite(rate)))
        {
            problems.Add($"new flows per second {rate} must be positive");
        }

        if (options.PacketsPerFlow is < 1 or > 4096)
        {
            problems.Add($"packets per flow {options.PacketsPerFlow} must lie within 1-4096");
        }

        if (options.Flows < 1)
        {
            problems.Add($"flows = {options.Flows}; at least 1");
        }

        foreach (FaultEvent f in options.Faults.Events)
        {
            if (f.Kind is FaultKind.LossRatio && f.Value is < 0 or > 1)
            {
                problems.Add($"fault at {f.At} on '{f.Target}': loss ratio {f.Value} must lie in [0, 1]");
            }

            if (f.Kind is FaultKind.CpuStarvation && f.Value is <= 0 or > 1)
            {
                problems.Add($"fault at {f.At} on '{f.Target}': CPU share {f.Value} must lie in (0, 1]");
            }
        }

        if (problems.Count > 0)
        {
            ThrowHelper.ThrowConfiguration($"trial of chain '{options.Chain}': {string.Join("; ", problems)}.");
        }
    }

    private ChainTrialResult Execute(CancellationToken cancellationToken)
    {
        for (int i = 0; i < _faults.Count; i++)
        {
            ResolveTarget(_faults[i], out _, out _);
            _heap.Push(new SimEvent { Time = _faults[i].At.Ticks * VirtualClock.PicosecondsPerTick, Kind = SimEventKind.Fault, Flow = i });
        }

        // Arrivals are one ordered stream: they are merged with the heap instead of going through it (one heap
        // operation fewer per packet); an arrival at the same time as a queued event runs after it.
        _nextArrival = 0;
        while (true)
        {
            bool arrival = _nextArrival < _durationPs && (_heap.Count == 0 || _nextArrival < _heap.PeekTime);
            if (!arrival && _heap.Count == 0)
            {
                break;
            }

            _events++;
            if ((_events & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (arrival)
            {
                _clock.AdvanceTo(_nextArrival);
                OnArrival(_nextArrival);
                continue;
            }

            SimEvent e = _heap.Pop();
            _clock.AdvanceTo(e.Time);
            switch (e.Kind)
            {
                case SimEventKind.HopDone:
                    OnHopDone(in e);
                    break;
                case SimEventKind.Fault:
                    OnFault(_faults[e.Flow], e.Time);
                    break;
                case SimEventKind.Detect:
                    OnDetect(e.Instance, e.Flow, e.Time);
                    break;
            }
        }

        return BuildResult();
    }

    private void OnArrival(long t)
    {
        long id = _sent + 1;
        int count = _burst;
        _sent += count;
        int flow = _newFlows ? StartFlow() : _flowCount == 1 ? 0 : _traffic.Next(_flowCount);
        _flowSent[flow] += count;
        double meanGap = _newFlows ? _meanGapPs : _meanGapPs * count;
        long gap = _options.PoissonArrivals ? (long)Math.Max(1, _traffic.NextExponential(meanGap)) : (long)Math.Max(1, Math.Round(meanGap));
        _nextArrival = t + gap;
        ArriveAtHop(t, 0, flow, t, id, count, 0);
    }

    // A flow never seen before: a fresh 5-tuple (source address and port step through 60,000 ports per address).
    private int StartFlow()
    {
        int flow = _flowsStarted++;
        if (flow == _flowCount)
        {
            int grown = _flowCount * 2;
            Array.Resize(ref _flowKeys, grown);
            Array.Resize(ref _flowSent, grown);
            Array.Resize(ref _flowDelivered, grown);
            Array.Resize(ref _affectedBy, grown);
            Array.Fill(_affectedBy, -1, _flowCount, grown - _flowCount);
            Array.Resize(ref _pins, grown * _hops.Length);
            Array.Fill(_pins, Unpinned, _flowCount * _hops.Length, (grown - _flowCount) * _hops.Length);
            _flowCount = grown;
        }

        _flowKeys[flow] = new FlowKey
        {
            Source = 0x0A00_0000u + (uint)(flow / 60_000),
            Destination = 0xC0A8_0000u | (uint)(_traffic.NextUInt64() & 0xFFFF),
            SourcePort = (ushort)(1024 + (flow % 60_000)),
            DestinationPort = 80,
            Protocol = (byte)ClassifierProtocol.Udp,
        };
        return flow;
    }

    /// <summary>
    /// A train of <paramref name="count"/> packets of one flow reaches a hop, the first at <paramref name="t"/> and the
    /// rest every <paramref name="spacing"/> ps (a train of one is a single packet, exact). Each packet is served in
    /// FIFO order; the train goes on as one event.
    /// </summary>
    private void ArriveAtHop(long t, int hop, int flow, long sendTime, long packetId, int count, long spacing)
    {
        if (hop == _hops.Length)
        {
            Deliver(t, flow, sendTime, packetId, count, spacing);
            return;
        }

        if (_hopLinkDown[hop])
        {
            _lost[LinkDown] += count;
            return;
        }

        if (_hopLoss[hop] > 0)
        {
            count -= Lose(_hopLoss[hop], count);
            if (count == 0)
            {
                return;
            }
        }

        int slot = (flow * _hops.Length) + hop;
        ushort instance = _pins[slot];
        bool newFlow = false;
        if (instance == Unpinned || !_inService[instance])
        {
            // The flow is new to the instance it gets (or moved to it): its first packet pays the flow set-up.
            newFlow = true;
            ushort[] buckets = _buckets[hop];
            instance = buckets[_flowKeys[flow].InstanceHash(_hops[hop].LbFields) & (CompiledHop.BucketsLength - 1)];
            if (instance == CompiledHop.NoInstance || !_inService[instance])
            {
                _lost[NoInstance] += count;
                return;
            }

            _pins[slot] = instance;
        }

        if (!_up[instance])
        {
            _lost[InstanceDown] += count;
            if (_openCrash[instance] >= 0)
            {
                _failovers[_openCrash[instance]].Lost += count;
            }

            return;
        }

        if (_linkDown[instance])
        {
            _lost[LinkDown] += count;
            return;
        }

        if (_loss[instance] > 0)
        {
            count -= Lose(_loss[instance], count);
            if (count == 0)
            {
                return;
            }
        }

        // FIFO occupancy: departures still in the future. Departures are monotonic, so the queue is a ring.
        long[] queue = _queue[instance];
        int mask = queue.Length - 1;
        int depth = _model.QueueDepth;
        long service = (long)(_servicePs[instance] / _cpuShare[instance]);
        long first = -1;
        int admitted = 0;
        for (int k = 0; k < count; k++)
        {
            long arrival = t + (k * spacing);
            while (_queueCount[instance] > 0 && queue[_queueHead[instance]] <= arrival)
            {
                _queueHead[instance] = (_queueHead[instance] + 1) & mask;
                _queueCount[instance]--;
            }

            if (_queueCount[instance] == depth)
            {
                _lost[QueueFull]++;
                continue;
            }

            long setup = newFlow && admitted == 0 ? (long)(_setupPs[instance] / _cpuShare[instance]) : 0;
            long departure = Math.Max(arrival, _lastDeparture[instance]) + service + setup;
            _lastDeparture[instance] = departure;
            queue[(_queueHead[instance] + _queueCount[instance]) & mask] = departure;
            _queueCount[instance]++;
            if (admitted++ == 0)
            {
                first = departure;
            }
        }

        if (admitted == 0)
        {
            return;
        }

        // Behind a backlog the train leaves spaced by the service time; a train of one needs no spacing.
        long outSpacing = admitted == 1 ? 0 : (_lastDeparture[instance] - first) / (admitted - 1);
        long latency = (long)(_latencyPs[instance] * (1 + (_model.LatencySpread * _pathRandom.NextDouble())));
        long jitter = _jitterPs[instance] + _hopJitterPs[hop];
        latency += _addedPs[instance] + _hopAddedPs[hop] + (jitter > 0 ? (long)(jitter * _faultRandom.NextDouble()) : 0);
        _heap.Push(new SimEvent
        {
            Time = first + latency,
            Kind = SimEventKind.HopDone,
            Departure = first,
            Spacing = outSpacing,
            Count = admitted,
            SendTime = sendTime,
            PacketId = packetId,
            Flow = flow,
            Epoch = _epoch[instance],
            Instance = instance,
            Hop = (byte)hop,
        });
    }

    private int Lose(double ratio, int count)
    {
        int lost = 0;
        for (int k = 0; k < count; k++)
        {
            if (_faultRandom.NextDouble() < ratio)
            {
                lost++;
            }
        }

        _lost[RandomLoss] += lost;
        return lost;
    }

    private void OnHopDone(in SimEvent e)
    {
        int count = e.Count;
        long time = e.Time;

        // A crash ends the epoch: packets still queued (leaving after the crash) are lost; those already sent go on.
        if (e.Epoch != _epoch[e.Instance])
        {
            long crash = _crashTimes[e.Instance][e.Epoch];
            int gone = e.Departure > crash ? count
                : e.Spacing == 0 ? 0
                : (int)Math.Max(0, count - 1 - ((crash - e.Departure) / e.Spacing));
            if (gone > 0)
            {
                _lost[InstanceDown] += gone;
                int record = FailoverRecordAt(e.Instance, crash);
                if (record >= 0)
                {
                    _failovers[record].Lost += gone;
                }

                count -= gone;
                if (count == 0)
                {
                    return;
                }
            }
        }

        ArriveAtHop(time, e.Hop + 1, e.Flow, e.SendTime, e.PacketId, count, e.Spacing);
    }

    private void Deliver(long t, int flow, long sendTime, long packetId, int count, long spacing)
    {
        _delivered += count;
        _flowDelivered[flow] += count;
        for (int k = 0; k < count; k++)
        {
            long at = t + (k * spacing);
            if (at <= _durationPs)
            {
                _deliveredInWindow++;
            }

            _latency.Record((at - sendTime) / 1000);
        }

        _digest = (_digest ^ (ulong)packetId) * 1099511628211UL;
        _digest = (_digest ^ (ulong)t) * 1099511628211UL;
        _digest = (_digest ^ (ulong)count) * 1099511628211UL;
        int record = _affectedBy[flow];
        if (record >= 0 && sendTime >= _failovers[record].CrashedAt)
        {
            _failovers[record].RecoveredAt ??= t;
            _affectedBy[flow] = -1;
        }
    }

    private void OnFault(FaultEvent fault, long t)
    {
        ResolveTarget(fault, out int instance, out int hop);
        switch (fault.Kind)
        {
            case FaultKind.InstanceCrash when instance >= 0 && _up[instance]:
                Crash(instance, t);
                break;
            case FaultKind.InstanceRestart when instance >= 0 && !_up[instance]:
                _up[instance] = true;
                _openCrash[instance] = -1;
                _lastDeparture[instance] = t;
                if (!_inService[instance])
                {
                    _inService[instance] = true;
                    RebuildBuckets(_hopOf[instance]);
                }

                break;
            case FaultKind.LinkDown or FaultKind.LinkUp:
                SetInstanceOrHop(instance, hop, _linkDown, _hopLinkDown, fault.Kind == FaultKind.LinkDown);
                break;
            case FaultKind.LossRatio:
                SetInstanceOrHop(instance, hop, _loss, _hopLoss, fault.Value);
                break;
            case FaultKind.AddedLatency:
                SetInstanceOrHop(instance, hop, _addedPs, _hopAddedPs, fault.Latency.Ticks * VirtualClock.PicosecondsPerTick);
                SetInstanceOrHop(instance, hop, _jitterPs, _hopJitterPs, fault.Jitter.Ticks * VirtualClock.PicosecondsPerTick);
                break;
            case FaultKind.CpuStarvation:
                foreach (ushort id in instance >= 0 ? [(ushort)instance] : _hops[hop].InstanceIds)
                {
                    _cpuShare[id] = fault.Value;
                }

                break;
        }
    }

    private static void SetInstanceOrHop<T>(int instance, int hop, T[] perInstance, T[] perHop, T value)
    {
        if (instance >= 0)
        {
            perInstance[instance] = value;
        }
        else
        {
            perHop[hop] = value;
        }
    }

    private void Crash(int instance, long t)
    {
        _up[instance] = false;
        _crashTimes[instance].Add(t);
        _epoch[instance]++;
        _queueCount[instance] = 0;
        _lastDeparture[instance] = t;
        int record = _failovers.Count;
        _failovers.Add(new Failover(_config.Instances[instance].PortPair, t));
        _openCrash[instance] = record;
        int hop = _hopOf[instance];
        for (int f = 0; f < _flowCount; f++)
        {
            if (_pins[(f * _hops.Length) + hop] == instance)
            {
                _affectedBy[f] = record;
            }
        }

        _heap.Push(new SimEvent
        {
            Time = t + (_options.FailureDetection.Ticks * VirtualClock.PicosecondsPerTick),
            Kind = SimEventKind.Detect,
            Instance = (ushort)instance,
            Flow = record,
        });
    }

    private void OnDetect(ushort instance, int record, long t)
    {
        if (_up[instance] || _openCrash[instance] != record)
        {
            return;
        }

        _inService[instance] = false;
        _failovers[record].MovedAt = t;
        RebuildBuckets(_hopOf[instance]);
    }

    private void RebuildBuckets(int hop)
    {
        ushort[] ids = [.. _hops[hop].InstanceIds.Where(id => _inService[id])];
        int[] weights = [.. ids.Select(id => _config.Instances[id].Weight)];
        _buckets[hop] = CompiledHop.BuildBuckets(ids, weights, CompiledHop.BucketsLength);
    }

    private int FailoverRecordAt(int instance, long crashTime)
    {
        for (int i = _failovers.Count - 1; i >= 0; i--)
        {
            if (_failovers[i].CrashedAt == crashTime && _failovers[i].PortPair == _config.Instances[instance].PortPair)
            {
                return i;
            }
        }

        return -1;
    }

    private void ResolveTarget(FaultEvent fault, out int instance, out int hop)
    {
        instance = -1;
        hop = -1;
        for (int j = 0; j < _hops.Length; j++)
        {
            if (_hops[j].Group == fault.Target)
            {
                hop = j;
            }

            foreach (ushort id in _hops[j].InstanceIds)
            {
                if (_config.Instances[id].PortPair == fault.Target)
                {
                    instance = id;
                    hop = j;
                }
            }
        }

        bool needsInstance = fault.Kind is FaultKind.InstanceCrash or FaultKind.InstanceRestart;
        if (hop < 0 || (needsInstance && instance < 0))
        {
            ThrowHelper.ThrowConfiguration(
                $"fault at {fault.At} ({fault.Kind}) targets '{fault.Target}', which is not {(needsInstance ? "a port pair" : "a port pair or port pair group")} of chain '{_options.Chain}'; "
                + $"use one of: {string.Join(", ", _hops.SelectMany(h => h.InstanceIds.Select(i => _config.Instances[i].PortPair).Prepend(h.Group)))}.");
        }
    }

    private ChainTrialResult BuildResult()
    {
        Dictionary<string, long> lost = new(StringComparer.Ordinal);
        for (int i = 0; i < LossReasons.Length; i++)
        {
            lost[LossReasons[i]] = _lost[i];
        }

        long offered = 0, completed = 0;
        for (int f = 0; f < (_newFlows ? _flowsStarted : _flowCount); f++)
        {
            if (_flowSent[f] > 0)
            {
                offered++;
                completed += _flowDelivered[f] == _flowSent[f] ? 1 : 0;
            }
        }

        static TimeSpan Ps(long ps) => TimeSpan.FromTicks(ps / VirtualClock.PicosecondsPerTick);
        ChainLatency latency = _latency.Count == 0
            ? new ChainLatency(0, 0, 0, 0, 0)
            : new ChainLatency(_latency.Min, _latency.Mean, _latency.ValueAtPercentile(50), _latency.ValueAtPercentile(99), _latency.Max);
        return new ChainTrialResult
        {
            Sent = _sent,
            Delivered = _delivered,
            Lost = lost,
            ThroughputPps = _deliveredInWindow / _options.Duration.TotalSeconds,
            Latency = latency,
            LatencyHistogram = _latency,
            Failovers = [.. _failovers.Select(f => new FailoverRecord(
                f.PortPair,
                Ps(f.CrashedAt),
                f.MovedAt is { } m ? Ps(m) : null,
                f.Lost,
                f.RecoveredAt is { } r ? Ps(r - f.CrashedAt) : null))],
            Digest = _digest,
            Events = _events,
            FlowsOffered = offered,
            FlowsCompleted = completed,
            CompletedFlowsPerSecond = completed / _options.Duration.TotalSeconds,
            ThroughputBitsPerSecond = _deliveredInWindow * (_options.FrameSize + 20) * 8.0 / _options.Duration.TotalSeconds,
        };
    }

    private sealed class Failover(string portPair, long crashedAt)
    {
        public string PortPair { get; } = portPair;

        public long CrashedAt { get; } = crashedAt;

        public long? MovedAt { get; set; }

        public long? RecoveredAt { get; set; }

        public long Lost { get; set; }
    }
}
