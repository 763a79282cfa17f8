// Licensed under the Apache License, Version 2.0.
using System.Net;
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Emulator.ServiceChaining.Compilation;
using NfvConformance.Emulator.ServiceChaining.Dataplane;
using NfvConformance.Emulator.ServiceChaining.Model;
using NfvConformance.Emulator.ServiceChaining.VirtualTime;
using NfvConformance.Emulator.Dataplane.Buffers;
using NfvConformance.Emulator.Dataplane.Graph;
using NfvConformance.Emulator.Dataplane.Ports;

namespace NfvConformance.Emulator.ServiceChaining;

/// <summary>
/// The service-function-chain engine on one worker: applies chain specs by compiling them into a node graph
/// (<c>sfc-classify</c> → instance → <c>sfc-forward</c> → instance … → <c>sfc-output</c>), swaps configurations
/// atomically between graph runs, steers flows to pinned instances, injects real-time faults and fails over.
/// </summary>
/// <remarks>
/// <see cref="RunIteration"/>, <see cref="Process"/> and <see cref="Probe"/> run the graph and must be called from one
/// thread at a time (they serialize on a lock); <see cref="Apply"/> and <see cref="InjectFault"/> may be called
/// from any thread and take effect at the next graph run.
/// </remarks>
public sealed class ServiceChainEngine
{
    /// <summary>The classifier node's name.</summary>
    public const string ClassifyNodeName = "sfc-classify";

    /// <summary>The forwarder node's name.</summary>
    public const string ForwardNodeName = "sfc-forward";

    /// <summary>The output node's name.</summary>
    public const string OutputNodeName = "sfc-output";

    /// <summary>The node holding the receive queues of paused instances.</summary>
    public const string RxQueueNodeName = "sfc-rxq";

    /// <summary>The built-in function that forwards packets unchanged.</summary>
    public const string WireFunction = "wire";

    /// <summary>Prefix of service-function node names.</summary>
    public const string FunctionNodePrefix = "sf-";

    private readonly object _gate = new();
    private readonly object _control = new();
    private readonly PacketPool _pool;
    private readonly ServiceChainEngineOptions _options;
    private readonly ChainRuntime _runtime;
    private readonly Dictionary<string, (string Function, GraphNode Node)> _functions = new(StringComparer.Ordinal);
    private readonly GraphNode _output;
    private readonly ChainRxQueueNode _rxq;
    private readonly List<Port> _inputs = [];
    private readonly PacketHandle[] _burst = new PacketHandle[Port.MaxBurst];
    private readonly HashSet<string> _outOfService = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _retired = new(StringComparer.Ordinal);
    private ChainSpec _spec = ChainSpec.Empty;
    private ChainPlan _plan;
    private ChainPlan? _pending;
    private ChainPlan _latest;

    /// <summary>Creates an engine with no chains applied.</summary>
    /// <param name="pool">The pool packets come from.</param>
    /// <param name="options">The options.</param>
    public ServiceChainEngine(PacketPool pool, ServiceChainEngineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(pool);
        _pool = pool;
        _options = options ?? new ServiceChainEngineOptions();
        if (_options.RxQueueDepth is < 1 or > 65_536)
        {
            ThrowHelper.ThrowConfiguration($"ServiceChainEngineOptions.RxQueueDepth is {_options.RxQueueDepth}; give a queue depth of 1 to 65536 packets (256 is virtio-net's default).");
        }

        _runtime = new ChainRuntime(_options.FlowCapacity, _options.Seed, _options.RxQueueDepth);
        _output = _options.OutputFactory?.Invoke(OutputNodeName) ?? new ChainSinkNode(OutputNodeName);
        _rxq = new ChainRxQueueNode(RxQueueNodeName, _runtime);
        _plan = _latest = BuildPlan(CompiledChains.Empty, ChainSpec.Empty);
        _runtime.Steering.Swap(_plan.Config);
    }

    /// <summary>Gets the generation of the newest applied configuration.</summary>
    public long Generation => Volatile.Read(ref _latest).Config.Generation;

    /// <summary>Gets the graph the worker runs now (counters, trace).</summary>
    public NodeGraph Graph => _plan.Graph;

    /// <summary>Gets the number of flows moved off instances that left service (removed or failed over).</summary>
    public long FlowsMoved => _runtime.Steering.FlowsMoved;

    /// <summary>Gets the number of flows pinned now.</summary>
    public int ActiveFlows => _runtime.Steering.Flows.Count;

    /// <summary>Gets the port pairs taken out of service by failover.</summary>
    public IReadOnlyCollection<string> OutOfService
    {
        get
        {
            lock (_control)
            {
                return [.. _outOfService];
            }
        }
    }

    /// <summary>Checks a spec against the networking-sfc rules and this engine's functions.</summary>
    /// <param name="spec">The spec.</param>
    /// <returns>Every problem; empty when it can be applied.</returns>
    public IReadOnlyList<ValidationError> Validate(ChainSpec spec) => ChainSpecValidator.Validate(spec, KnownFunctions);

    /// <summary>Validates and compiles a spec and hands it to the worker, which swaps it in before its next graph run.</summary>
    /// <param name="spec">The spec replacing the applied one.</param>
    /// <returns>The outcome; with critical problems nothing changes.</returns>
    public ChainApplyResult Apply(ChainSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        lock (_control)
        {
            _outOfService.RemoveWhere(p => !spec.PortPairs.Any(x => x.Name == p));
            return ApplyLocked(spec);
        }
    }

    /// <summary>Takes an instance out of service: its flows move to the group's other instances at their next packet.</summary>
    /// <param name="portPair">The instance.</param>
    /// <returns>The outcome of re-applying the spec without it.</returns>
    public ChainApplyResult FailOver(string portPair)
    {
        lock (_control)
        {
            _outOfService.Add(portPair);
            return ApplyLocked(_spec);
        }
    }

    /// <summary>Adds a port whose received packets enter the chains at <see cref="RunIteration"/>.</summary>
    /// <param name="port">The port.</param>
    public void AddInput(Port port)
    {
        ArgumentNullException.ThrowIfNull(port);
        lock (_gate)
        {
            _inputs.Add(port);
        }
    }

    /// <summary>One worker iteration: swap in a pending configuration, fail over instances down for too long, receive a burst from each input, run the graph.</summary>
    /// <returns>Packets received.</returns>
    public int RunIteration()
    {
        lock (_gate)
        {
            SwapPending();
            int received = 0;
            foreach (Port port in _inputs)
            {
                int n = port.ReceiveBurst(_burst);
                if (n > 0)
                {
                    _plan.Graph.Inject(_plan.ClassifyIndex, _burst.AsSpan(0, n));
                    received += n;
                }
            }

            if (received > 0)
            {
                _plan.Graph.Run();
            }

            _plan.Graph.Poll();
            return received;
        }
    }

    /// <summary>Sends packets through the chains (the caller gives up ownership) and runs the graph until it is idle.</summary>
    /// <param name="packets">Up to <see cref="NodeGraph.MaxVector"/> packets per call is the efficient size.</param>
    /// <returns>Packets processed by all nodes.</returns>
    public int Process(ReadOnlySpan<PacketHandle> packets)
    {
        lock (_gate)
        {
            SwapPending();
            _plan.Graph.Inject(_plan.ClassifyIndex, packets);
            return _plan.Graph.Run();
        }
    }

    /// <summary>Sends one packet of a flow with tracing on and reports each hop it took.</summary>
    /// <param name="probe">The flow.</param>
    /// <returns>The path.</returns>
    /// <exception cref="ConfigurationException">An address does not parse or the pool is empty.</exception>
    public ChainPathTrace Probe(ChainProbe probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        FlowKey key = ProbeKey(probe);
        lock (_gate)
        {
            SwapPending();
            if (!_pool.TryAlloc(out PacketHandle packet))
            {
                ThrowHelper.ThrowConfiguration("probe: the packet pool is empty; free packets or give the pool more capacity.");
            }

            Span<byte> buffer = _pool.GetBuffer(packet)[_pool.Meta(packet).DataOffset..];
            _pool.TrySetLength(packet, ChainHeaders.WriteProbeFrame(buffer, in key, probe.Ttl, probe.Defect));
            NodeGraph graph = _plan.Graph;
            long[] before = [.. ChainNodeCounters.Names.Select(n => graph.GetCounters(ClassifyNodeName)[n] + graph.GetCounters(ForwardNodeName)[n])];
            Dictionary<string, long[]> functionsBefore = new(StringComparer.Ordinal);
            foreach (string node in _plan.FunctionNodes)
            {
                NodeCounters c = graph.GetCounters(node);
                functionsBefore[node] = [.. Enumerable.Range(0, c.Names.Count).Select(c.Get)];
            }

            _runtime.LastRefused = -1;
            SetProbeTrace(graph, true);
            graph.Trace.Clear();
            try
            {
                graph.Inject(_plan.ClassifyIndex, new ReadOnlySpan<PacketHandle>(in packet));
                graph.Run();
            }
            finally
            {
                SetProbeTrace(graph, false);
            }

            return ReadTrace(graph, packet.Index, before, functionsBefore);
        }
    }

    /// <summary>
    /// Reads per-instance interface counters for every hop of every applied chain: packets and bytes received,
    /// discards and errors (at the interface, and by the instance's function), by reason, and the receive queue.
    /// </summary>
    /// <returns>One entry per chain, hop and instance; an instance in two chains shows the same totals in both.</returns>
    public IReadOnlyList<ChainHopCounters> ReadCounters()
    {
        lock (_gate)
        {
            // A spec applied but not yet swapped in retires the old graph at the swap, which folds its function counters
            // into the running totals: swap first, so a snapshot taken before the next packet and a read after it agree.
            SwapPending();
            CompiledChains config = Volatile.Read(ref _latest).Config;
            List<ChainHopCounters> list = [];
            Dictionary<ushort, ChainHopCounters> byInstance = [];
            foreach (CompiledChain chain in config.Chains)
            {
                string name = chain.IsReverse ? chain.Name + " (reverse)" : chain.Name;
                foreach (CompiledHop hop in chain.Hops)
                {
                    foreach (ushort id in hop.InstanceIds)
                    {
                        if (!byInstance.TryGetValue(id, out ChainHopCounters? counters))
                        {
                            counters = InstanceCounters(config.Instances[id].PortPair, id);
                            byInstance[id] = counters;
                        }

                        list.Add(counters with { Chain = name, PortPairGroup = hop.Group });
                    }
                }
            }

            return list;
        }
    }

    /// <summary>
    /// Sets an instance's state: link administratively down, paused (its receive queue fills, then it discards), or
    /// running again, in which case the packets its queue holds are processed now, in order.
    /// </summary>
    /// <param name="portPair">The instance.</param>
    /// <param name="state">The state.</param>
    /// <exception cref="ConfigurationException">The instance is not in the applied spec.</exception>
    public void SetInstanceState(string portPair, InstanceState state)
    {
        ArgumentNullException.ThrowIfNull(portPair);
        lock (_gate)
        {
            SwapPending();
            int id = _plan.Config.FindInstance(portPair);
            if (id < 0 || !_spec.PortPairs.Any(p => p.Name == portPair))
            {
                ThrowHelper.ThrowConfiguration($"instance state {state}: '{portPair}' is not a port pair of the applied spec; applied port pairs: {string.Join(", ", _spec.PortPairs.Select(p => p.Name))}.");
            }

            ref byte flags = ref _runtime.State[id];
            switch (state)
            {
                case InstanceState.LinkAdminDown:
                    flags = (byte)((flags | ChainRuntime.LinkDown) & ~ChainRuntime.Paused);
                    ReleaseHeld((ushort)id);
                    break;
                case InstanceState.Paused:
                    _runtime.Held[id] ??= new PacketHandle[_runtime.RxQueueDepth];
                    flags = (byte)((flags | ChainRuntime.Paused) & ~ChainRuntime.LinkDown);
                    break;
                default:
                    flags = (byte)(flags & ~(ChainRuntime.Paused | ChainRuntime.LinkDown));
                    ReleaseHeld((ushort)id);
                    break;
            }
        }
    }

    // Runs a queue's packets through the instance's interface and function now that it runs again (under _gate);
    // packets for an instance whose link went down are discarded as link_down by the same admission check.
    private void ReleaseHeld(ushort id)
    {
        PacketHandle[]? queue = _runtime.Held[id];
        int count = _runtime.HeldStored[id];
        _runtime.HeldStored[id] = 0;
        _runtime.HeldCount[id] = 0;
        if (queue is null || count == 0)
        {
            return;
        }

        int node = _plan.Graph.IndexOf(FunctionNodePrefix + _plan.Config.Instances[id].PortPair);
        for (int i = 0; i < count; i++)
        {
            PacketHandle packet = queue[i];
            if (node >= 0 && _runtime.Admit(id, _pool.GetData(packet), ref _pool.Meta(packet)) == -1)
            {
                _plan.Graph.Inject(node, new ReadOnlySpan<PacketHandle>(in packet));
            }
            else
            {
                _pool.Free(packet);
            }
        }

        _plan.Graph.Run();
    }

    private ChainHopCounters InstanceCounters(string portPair, ushort id)
    {
        Dictionary<string, long> reasons = new(StringComparer.Ordinal);
        long errors = 0;
        for (int r = 0; r < ChainNodeCounters.Names.Length; r++)
        {
            long n = Volatile.Read(ref _runtime.Reasons[(id * ChainNodeCounters.Count) + r]);
            if (n > 0)
            {
                reasons[ChainNodeCounters.Names[r]] = n;
                errors += ChainNodeCounters.IsError(r) ? n : 0;
            }
        }

        // The instance's function: its node's drops, with the reason counters that name drops.
        string node = FunctionNodePrefix + portPair;
        long functionDrops = ReadNodeCounter(node, "drops");
        if (_plan.Graph.IndexOf(node) >= 0)
        {
            foreach (string name in _plan.Graph.GetCounters(node).Names)
            {
                bool error = FunctionErrorCounters.Contains(name);
                if (!error && !FunctionDiscardCounters.Contains(name))
                {
                    continue;
                }

                long n = ReadNodeCounter(node, name);
                if (n > 0)
                {
                    reasons[name] = reasons.GetValueOrDefault(name) + n;
                    errors += error ? n : 0;
                }
            }
        }

        long drops = Volatile.Read(ref _runtime.Drops[id]) + functionDrops;
        return new ChainHopCounters(string.Empty, string.Empty, portPair, Volatile.Read(ref _runtime.Packets[id]), Volatile.Read(ref _runtime.Bytes[id]), drops)
        {
            Errors = errors,
            Discards = drops - errors,
            DropReasons = reasons,
            RxQueueDepth = _runtime.RxQueueDepth,
            RxQueued = _runtime.HeldStored[id],
        };
    }

    // Counters of the dataplane's VNF nodes that count frames in error, and those that count discards.
    private static readonly HashSet<string> FunctionErrorCounters = new(StringComparer.Ordinal) { "parse_error", "bad_checksum", "bad_l4_checksum" };

    private static readonly HashSet<string> FunctionDiscardCounters = new(StringComparer.Ordinal)
    {
        "ttl_expired", "no_route", "not_ipv4", "acl_deny", "conntrack_full", "tcp_no_syn", "no_session", "ports_exhausted",
        "sessions_full", "loss_drop", "queue_full_drop", "table_full", "same_port",
    };

    /// <summary>Applies a fault now. Crash, restart, link down/up and loss ratio act on real packets; latency and CPU starvation exist only in virtual-time trials.</summary>
    /// <param name="fault">The fault; <see cref="FaultEvent.At"/> is ignored.</param>
    /// <exception cref="ConfigurationException">The target is unknown, or the kind is virtual-time only.</exception>
    public void InjectFault(FaultEvent fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        lock (_control)
        {
            CompiledChains config = _latest.Config;
            List<ushort> targets = [];
            int single = config.FindInstance(fault.Target);
            if (single >= 0)
            {
                targets.Add((ushort)single);
            }
            else if (_spec.PortPairGroups.FirstOrDefault(g => g.Name == fault.Target) is { } group
                && fault.Kind is not (FaultKind.InstanceCrash or FaultKind.InstanceRestart))
            {
                targets.AddRange(group.PortPairs.Select(p => (ushort)config.FindInstance(p)));
            }
            else
            {
                ThrowHelper.ThrowConfiguration($"fault {fault.Kind} targets '{fault.Target}', which is not an applied port pair{(fault.Kind is FaultKind.InstanceCrash or FaultKind.InstanceRestart ? string.Empty : " or port pair group")}; applied port pairs: {string.Join(", ", _spec.PortPairs.Select(p => p.Name))}.");
            }

            foreach (ushort id in targets)
            {
                ApplyFault(fault, id);
            }
        }
    }

    /// <summary>Runs a seeded virtual-time trial of an applied chain (see <see cref="ChainTrialOptions"/>).</summary>
    /// <param name="options">The trial.</param>
    /// <param name="cancellationToken">Cancels the trial.</param>
    /// <returns>What the modeled chain delivered.</returns>
    /// <exception cref="ConfigurationException">The chain is not applied or the options are out of range.</exception>
    public ChainTrialResult RunTrial(ChainTrialOptions options, CancellationToken cancellationToken = default) =>
        ChainSimulator.Run(Volatile.Read(ref _latest).Config, options, _options.Model, null, cancellationToken);

    /// <summary>
    /// Runs trials of several applied chains on this engine's node and sums the node's totals. Each instance is its own
    /// server in the model, so chains that share an instance are refused (their loads would meet in one queue).
    /// </summary>
    /// <param name="options">The chains' trials.</param>
    /// <param name="cancellationToken">Cancels the trials.</param>
    /// <returns>Each chain's result and the totals.</returns>
    /// <exception cref="ConfigurationException">No chain, a chain twice, chains sharing an instance, or a chain's own problem.</exception>
    public NodeTrialResult RunNodeTrial(NodeTrialOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        CompiledChains config = Volatile.Read(ref _latest).Config;
        if (options.Chains is null || options.Chains.Count == 0)
        {
            ThrowHelper.ThrowConfiguration("node trial: give at least one chain trial.");
        }

        Dictionary<string, string> owner = new(StringComparer.Ordinal);
        HashSet<string> seen = new(StringComparer.Ordinal);
        foreach (ChainTrialOptions chain in options.Chains)
        {
            if (!seen.Add(chain.Chain))
            {
                ThrowHelper.ThrowConfiguration($"node trial: chain '{chain.Chain}' is given twice; give each chain once with its whole load.");
            }

            foreach (CompiledChain compiled in config.Chains.Where(c => c.Name == chain.Chain && !c.IsReverse))
            {
                foreach (string pair in compiled.Hops.SelectMany(h => h.InstanceIds).Select(id => config.Instances[id].PortPair))
                {
                    if (owner.TryGetValue(pair, out string? other) && other != chain.Chain)
                    {
                        ThrowHelper.ThrowConfiguration($"node trial: chains '{other}' and '{chain.Chain}' share instance '{pair}'; the model runs each chain on its own instances, so give chains that share none.");
                    }

                    owner[pair] = chain.Chain;
                }
            }
        }

        List<ChainTrialResult> results = [.. options.Chains.Select(c => ChainSimulator.Run(config, c, _options.Model, null, cancellationToken))];
        return new NodeTrialResult(
            results,
            results.Sum(r => r.ThroughputPps),
            results.Sum(r => r.ThroughputBitsPerSecond),
            results.Sum(r => r.FlowsOffered),
            results.Sum(r => r.CompletedFlowsPerSecond),
            results.Sum(r => r.Lost.Values.Sum()));
    }

    internal CompiledChains Config => Volatile.Read(ref _latest).Config;

    internal ChainRuntime Runtime => _runtime;

    private IReadOnlySet<string>? KnownFunctions =>
        _options.FunctionFactory is null ? new HashSet<string>(StringComparer.Ordinal) { WireFunction }
        : _options.KnownFunctions is null ? null : new HashSet<string>(_options.KnownFunctions.Append(WireFunction), StringComparer.Ordinal);

    private ChainApplyResult ApplyLocked(ChainSpec spec)
    {
        CompiledChains previous = _latest.Config;
        CompiledChains compiled = ChainCompiler.Compile(spec, previous, out IReadOnlyList<ValidationError> problems, KnownFunctions, _outOfService);
        if (ReferenceEquals(compiled, previous))
        {
            return new ChainApplyResult(false, previous.Generation, problems);
        }

        ChainPlan plan = BuildPlan(compiled, spec);
        _spec = spec;
        Volatile.Write(ref _latest, plan);
        Volatile.Write(ref _pending, plan);
        return new ChainApplyResult(true, compiled.Generation, problems);
    }

    private ChainPlan BuildPlan(CompiledChains config, ChainSpec spec)
    {
        ushort[] nextOf = new ushort[config.Instances.Length];
        Array.Fill(nextOf, NextIndex.Drop);
        List<string> nexts = [OutputNodeName, RxQueueNodeName];
        List<GraphNode> functionNodes = [];
        HashSet<string> inSpec = [.. spec.PortPairGroups.SelectMany(g => g.PortPairs)];
        foreach (CompiledInstance instance in config.Instances)
        {
            if (!inSpec.Contains(instance.PortPair))
            {
                continue;
            }

            nextOf[instance.Id] = (ushort)nexts.Count;
            nexts.Add(FunctionNodePrefix + instance.PortPair);
            functionNodes.Add(FunctionNode(instance));
        }

        NodeGraphBuilder builder = new NodeGraphBuilder()
            .WithNode(new ChainClassifyNode(ClassifyNodeName, nexts, _runtime, config, nextOf))
            .WithNode(new ChainForwardNode(ForwardNodeName, nexts, _runtime, config, nextOf))
            .WithNode(_output)
            .WithNode(_rxq);
        foreach (GraphNode node in functionNodes)
        {
            builder = builder.WithNode(node);
        }

        NodeGraph graph = builder.Build(_pool, new NodeGraphOptions
        {
            Time = _options.Time,
            MeasureNodeTime = _options.MeasureNodeTime,
            TraceCapacity = _options.TraceCapacity,
        });
        return new ChainPlan(config, graph, graph.IndexOf(ClassifyNodeName), [.. functionNodes.Select(n => n.Name)]);
    }

    private GraphNode FunctionNode(CompiledInstance instance)
    {
        if (_functions.TryGetValue(instance.PortPair, out (string Function, GraphNode Node) existing) && existing.Function == instance.Function)
        {
            return existing.Node;
        }

        string name = FunctionNodePrefix + instance.PortPair;
        GraphNode node = instance.Function == WireFunction || _options.FunctionFactory is null
            ? new WireFunctionNode(name, ForwardNodeName)
            : _options.FunctionFactory(new ServiceFunctionRequest(name, instance.Function, instance.PortPair, ForwardNodeName));
        if (node.Name != name || node.NextNodes.Count != 1 || node.NextNodes[0] != ForwardNodeName)
        {
            ThrowHelper.ThrowConfiguration($"the function factory made node '{node.Name}' with nexts [{string.Join(", ", node.NextNodes)}] for port pair '{instance.PortPair}'; it must be named '{name}' with the single next '{ForwardNodeName}'.");
        }

        _functions[instance.PortPair] = (instance.Function, node);
        return node;
    }

    private void SwapPending()
    {
        ChainPlan? pending = Interlocked.Exchange(ref _pending, null);
        if (pending is not null)
        {
            Retire(_plan.Graph);
            _plan = pending;
            _runtime.Steering.Swap(pending.Config);
        }

        if (_options.FailureDetection is { } detection)
        {
            DetectFailures(detection);
        }
    }

    /// <summary>Reads a counter of the classify, forward or output node, summed over every configuration applied so far.</summary>
    /// <param name="node">The node (<see cref="ClassifyNodeName"/>, <see cref="ForwardNodeName"/>, <see cref="OutputNodeName"/>).</param>
    /// <param name="counter">The counter (for example <c>instance_down</c>, or <c>packets</c> for the packets the node processed).</param>
    /// <returns>The total.</returns>
    public long ReadNodeCounter(string node, string counter)
    {
        lock (_gate)
        {
            long now = 0;
            if (_plan.Graph.IndexOf(node) >= 0)
            {
                NodeCounters current = _plan.Graph.GetCounters(node);
                now = counter switch
                {
                    "packets" => current.Packets,
                    "drops" => current.Drops,
                    _ => current[counter],
                };
            }

            return now + _retired.GetValueOrDefault(node + "/" + counter);
        }
    }

    // Each graph has its own node counters; fold the old graph's into running totals when it is swapped out.
    private void Retire(NodeGraph graph)
    {
        foreach (NodeCounters c in graph.GetAllCounters())
        {
            if (c.NodeName is not (ClassifyNodeName or ForwardNodeName or OutputNodeName) && !c.NodeName.StartsWith(FunctionNodePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            string packets = c.NodeName + "/packets";
            _retired[packets] = _retired.GetValueOrDefault(packets) + c.Packets;
            string drops = c.NodeName + "/drops";
            _retired[drops] = _retired.GetValueOrDefault(drops) + c.Drops;
            for (int i = 0; i < c.Names.Count; i++)
            {
                string key = c.NodeName + "/" + c.Names[i];
                _retired[key] = _retired.GetValueOrDefault(key) + c.Get(i);
            }
        }
    }

    private void DetectFailures(TimeSpan detection)
    {
        CompiledChains config = _plan.Config;
        long now = _options.Time.GetTimestamp();
        for (int id = 0; id < config.Instances.Length; id++)
        {
            long since = Volatile.Read(ref _runtime.DownSince[id]);
            if (since >= 0 && config.InService[id] && _options.Time.GetElapsedTime(since, now) >= detection)
            {
                FailOver(config.Instances[id].PortPair);
                SwapPending();
                return;
            }
        }
    }

    private void ApplyFault(FaultEvent fault, ushort id)
    {
        ref byte state = ref _runtime.State[id];
        switch (fault.Kind)
        {
            case FaultKind.InstanceCrash:
                Volatile.Write(ref _runtime.DownSince[id], _options.Time.GetTimestamp());
                state |= ChainRuntime.Down;
                break;
            case FaultKind.InstanceRestart:
                state &= unchecked((byte)~ChainRuntime.Down);
                Volatile.Write(ref _runtime.DownSince[id], -1);
                if (_outOfService.Remove(_latest.Config.Instances[id].PortPair))
                {
                    ApplyLocked(_spec);
                }

                break;
            case FaultKind.LinkDown:
                state |= ChainRuntime.LinkDown;
                break;
            case FaultKind.LinkUp:
                state &= unchecked((byte)~ChainRuntime.LinkDown);
                break;
            case FaultKind.LossRatio:
                if (fault.Value is < 0 or > 1)
                {
                    ThrowHelper.ThrowConfiguration($"fault LossRatio on '{fault.Target}': ratio {fault.Value} must lie in [0, 1].");
                }

                _runtime.Loss[id] = fault.Value;
                state = fault.Value > 0 ? (byte)(state | ChainRuntime.Lossy) : (byte)(state & ~ChainRuntime.Lossy);
                break;
            default:
                ThrowHelper.ThrowConfiguration($"fault {fault.Kind} on '{fault.Target}' is modeled in virtual time only; use RunTrial with a fault schedule.");
                break;
        }
    }

    private static FlowKey ProbeKey(ChainProbe probe)
    {
        IPAddress? src = IPAddress.TryParse(probe.SourceIp, out IPAddress? a) ? a : null;
        IPAddress? dst = IPAddress.TryParse(probe.DestinationIp, out IPAddress? b) ? b : null;
        if (src is null || dst is null
            || src.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork || dst.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            ThrowHelper.ThrowConfiguration($"probe {probe.SourceIp} -> {probe.DestinationIp}: both must be IPv4 addresses.");
            return default;
        }

        uint s = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(src.GetAddressBytes());
        uint d = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(dst.GetAddressBytes());
        FlowKey key = new()
        {
            Source = probe.Reverse ? d : s,
            Destination = probe.Reverse ? s : d,
            SourcePort = (ushort)(probe.Reverse ? probe.DestinationPort : probe.SourcePort),
            DestinationPort = (ushort)(probe.Reverse ? probe.SourcePort : probe.DestinationPort),
            Protocol = (byte)probe.Protocol,
            SourceMac = 0x02_00_00_00_00_01,
            DestinationMac = 0x02_00_00_00_00_02,
        };
        return key;
    }

    private void SetProbeTrace(NodeGraph graph, bool on)
    {
        graph.SetTrace(ClassifyNodeName, on);
        graph.SetTrace(ForwardNodeName, on);
        foreach (string node in _plan.FunctionNodes)
        {
            graph.SetTrace(node, on);
        }
    }

    private ChainPathTrace ReadTrace(NodeGraph graph, int packetIndex, long[] before, Dictionary<string, long[]> functionsBefore)
    {
        string? droppedAt = null;
        bool queued = false;
        CompiledChains config = _plan.Config;
        List<HopTraversal> hops = [];
        string? chain = null;
        bool delivered = false;
        string? dropReason = null;
        foreach (TraceRecord r in graph.Trace.Snapshot())
        {
            if (r.PacketIndex != packetIndex || ChainPathTag.IsTapCopy(r.UserData))
            {
                continue;
            }

            int spi = ChainPathTag.Spi(r.UserData);
            CompiledChain? path = config.Chains.FirstOrDefault(c => c.ServicePathId == spi);
            if (r.Next.StartsWith(FunctionNodePrefix, StringComparison.Ordinal) && path is not null)
            {
                // The chain it was steered into: the first, when a service graph carried it on into others.
                chain ??= path.Name;
                int si = ChainPathTag.ServiceIndex(r.UserData);
                string pair = r.Next[FunctionNodePrefix.Length..];
                hops.Add(new HopTraversal(spi, si, path.Hops[ChainPathTag.FirstServiceIndex - si].Group, pair));
            }
            else if (r.Next == OutputNodeName)
            {
                delivered = true;
                chain ??= path?.Name;
            }
            else if (r.Next == RxQueueNodeName)
            {
                queued = true;
                chain ??= path?.Name;
                droppedAt = RefusedBy(config);
            }
            else if (r.Next == "drop" && r.Node.StartsWith(FunctionNodePrefix, StringComparison.Ordinal))
            {
                // The instance's own function dropped it: name the counter that moved.
                droppedAt = r.Node[FunctionNodePrefix.Length..];
                NodeCounters c = graph.GetCounters(r.Node);
                long[] then = functionsBefore[r.Node];
                for (int i = 0; i < then.Length; i++)
                {
                    if (c.Get(i) > then[i] && (FunctionErrorCounters.Contains(c.Names[i]) || FunctionDiscardCounters.Contains(c.Names[i])))
                    {
                        dropReason = c.Names[i];
                    }
                }

                dropReason ??= "dropped";
            }
            else if (r.Next == "drop")
            {
                droppedAt = RefusedBy(config);
                for (int i = 0; i < before.Length; i++)
                {
                    if (graph.GetCounters(ClassifyNodeName)[ChainNodeCounters.Names[i]] + graph.GetCounters(ForwardNodeName)[ChainNodeCounters.Names[i]] > before[i])
                    {
                        dropReason = ChainNodeCounters.Names[i];
                    }
                }

                dropReason ??= "dropped";
            }
        }

        return new ChainPathTrace(chain, hops, delivered && !queued, dropReason) { DroppedAt = droppedAt, Queued = queued };
    }

    private string? RefusedBy(CompiledChains config)
    {
        int id = _runtime.LastRefused;
        return id >= 0 && id < config.Instances.Length ? config.Instances[id].PortPair : null;
    }

    private sealed record ChainPlan(CompiledChains Config, NodeGraph Graph, int ClassifyIndex, IReadOnlyList<string> FunctionNodes);
}
