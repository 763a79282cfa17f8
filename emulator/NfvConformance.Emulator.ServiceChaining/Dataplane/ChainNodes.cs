// Licensed under the Apache License, Version 2.0.
using System.Runtime.CompilerServices;
using NfvConformance.Emulator.ServiceChaining.Compilation;
using NfvConformance.Emulator.Dataplane.Buffers;
using NfvConformance.Emulator.Dataplane.Graph;

namespace NfvConformance.Emulator.ServiceChaining.Dataplane;

/// <summary>
/// Base of the two chain nodes. Next 0 is the chain output (also taken by traffic no classifier matches); next
/// <c>1 + k</c> is the k-th service-function instance node. Per packet the work is one flow-entry read and one
/// next-index lookup; the snapshot is fixed for the whole run of the graph.
/// </summary>
internal abstract class ChainNodeBase : GraphNode
{
    public const ushort OutputNext = 0;

    /// <summary>Next index of <c>sfc-rxq</c>, the receive queues of paused instances.</summary>
    public const ushort RxQueueNext = 1;

    protected ChainNodeBase(string name, IReadOnlyList<string> nextNodes, ChainRuntime runtime, CompiledChains config, ushort[] nextOfInstance)
        : base(name, nextNodes, ChainNodeCounters.Names)
    {
        Runtime = runtime;
        Config = config;
        NextOfInstance = nextOfInstance;
    }

    protected ChainRuntime Runtime { get; }

    protected CompiledChains Config { get; }

    protected ushort[] NextOfInstance { get; }

    /// <summary>Routes a packet to hop <paramref name="position"/> of its path (or the output past the last hop) and stamps its path tag.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected ushort Route(ref NodeContext ctx, PacketHandle packet, ref PacketMeta meta, int chainIndex, CompiledChain chain, int path, int position)
    {
        CompiledHop[] hops = chain.Hops;
        ushort[] paths = Runtime.Steering.Paths.Instances;
        while (position < hops.Length && hops[position].TapEnabled)
        {
            CopyToTap(ref ctx, packet, ref meta, chainIndex, chain, path, position, paths[(path * ChainPathTable.Stride) + position]);
            position++;
        }

        meta.UserData = ChainPathTag.Encode(chain.ServicePathId, ChainPathTag.FirstServiceIndex - position, false, chainIndex, path);
        if (position == hops.Length)
        {
            if (chain.BranchClassifiers.Length != 0)
            {
                return Branch(ref ctx, packet, ref meta, chainIndex);
            }

            ctx.Counters[ChainNodeCounters.Delivered]++;
            return OutputNext;
        }

        ushort instance = paths[(path * ChainPathTable.Stride) + position];
        int reason = Runtime.Admit(instance, ctx.Pool.GetData(packet), ref meta);
        if (reason != -1)
        {
            if (reason == ChainRuntime.Queue)
            {
                ctx.Counters[ChainNodeCounters.Queued]++;
                return RxQueueNext;
            }

            ctx.Counters[reason]++;
            return NextIndex.Drop;
        }

        return NextOfInstance[instance];
    }

    // The tail of a chain a service graph links on: the packet, as the last hop left it, is classified against the
    // destination chains' classifiers and continues at the first hop of the one that matches (its own SPI, SI 255),
    // or leaves when none does. A flow is classified once per snapshot (SteerBranch pins it like the ingress does).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ushort Branch(ref NodeContext ctx, PacketHandle packet, ref PacketMeta meta, int fromChain)
    {
        if (!ChainHeaders.TryReadFlowKey(ctx.Pool.GetData(packet), out FlowKey key))
        {
            ctx.Counters[ChainNodeCounters.Delivered]++;
            return OutputNext;
        }

        ref FlowEntry entry = ref Runtime.Steering.SteerBranch(fromChain, in key);
        if (entry.Chain < 0)
        {
            ctx.Counters[ChainNodeCounters.Delivered]++;
            return OutputNext;
        }

        if (entry.Path < 0)
        {
            ctx.Counters[ChainNodeCounters.PathTableFull]++;
            return NextIndex.Drop;
        }

        ctx.Counters[ChainNodeCounters.GraphBranches]++;
        return Route(ref ctx, packet, ref meta, entry.Chain, Config.Chains[entry.Chain], entry.Path, 0);
    }

    // A passive (tap) hop gets a copy; the original goes on. Copies are rare, so this path may allocate from the pool.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CopyToTap(ref NodeContext ctx, PacketHandle packet, ref PacketMeta meta, int chainIndex, CompiledChain chain, int path, int position, ushort instance)
    {
        PacketPool pool = ctx.Pool;
        int reason = Runtime.Admit(instance, pool.GetData(packet), ref meta);
        if (reason >= 0)
        {
            ctx.Counters[reason]++;
            return;
        }

        if (!pool.TryAlloc(out PacketHandle copy))
        {
            if (reason == ChainRuntime.Queue)
            {
                Runtime.HeldCount[instance]--;
            }

            Runtime.Drops[instance]++;
            return;
        }

        Span<byte> source = pool.GetData(packet);
        pool.TrySetLength(copy, source.Length);
        source.CopyTo(pool.GetData(copy));
        ref PacketMeta copyMeta = ref pool.Meta(copy);
        copyMeta.UserData = ChainPathTag.Encode(chain.ServicePathId, ChainPathTag.FirstServiceIndex - position, true, chainIndex, path);
        ctx.Counters[ChainNodeCounters.TapCopies]++;
        ctx.EnqueueToSingleNext(new ReadOnlySpan<PacketHandle>(in copy), reason == ChainRuntime.Queue ? RxQueueNext : NextOfInstance[instance]);
    }
}

/// <summary>
/// The chain's entry (networking-sfc flow classifier plus the first SFF step): reads the 5-tuple, finds the flow's
/// entry (classifying and pinning instances on its first packet only) and sends it to its first hop's instance.
/// The packet then carries chain and path ids, so later hops never touch the flow table.
/// </summary>
internal sealed class ChainClassifyNode : ChainNodeBase
{
    private readonly FlowKey[] _keys = new FlowKey[NodeGraph.MaxVector];
    private readonly uint[] _hashes = new uint[NodeGraph.MaxVector];
    private ulong _sink;

    public ChainClassifyNode(string name, IReadOnlyList<string> nextNodes, ChainRuntime runtime, CompiledChains config, ushort[] nextOfInstance)
        : base(name, nextNodes, runtime, config, nextOfInstance)
    {
    }

    /// <summary>Gets the xor of the slots read ahead; kept so the JIT cannot drop the reads.</summary>
    internal ulong ReadAhead => _sink;

    // Cost: 73-247 ns/pkt wall at vector 32, 10,000 flows, beside pass-through hops on a loaded 2-vCPU VM (docs/service-chaining.md).
    // Two passes: parse and hash the whole vector while reading each flow's first table slot (the reads overlap,
    // as VPP's prefetching loops do), then steer with the lines already in cache.
    public override int Process(ref NodeContext ctx, ReadOnlySpan<PacketHandle> input)
    {
        PacketPool pool = ctx.Pool;
        Span<ushort> nexts = ctx.Nexts;
        ChainSteering steering = Runtime.Steering;
        FlowAffinityTable flows = steering.Flows;
        FlowKey[] keys = _keys;
        uint[] hashes = _hashes;
        ulong touched = 0;
        for (int i = 0; i < input.Length; i++)
        {
            if (ChainHeaders.TryReadFlowKey(pool.GetData(input[i]), out keys[i]))
            {
                uint hash = keys[i].Hash();
                hashes[i] = hash;
                touched ^= flows.Touch(hash);
                nexts[i] = OutputNext;
            }
            else
            {
                nexts[i] = NextIndex.Drop;
            }
        }

        _sink = touched;
        for (int i = 0; i < input.Length; i++)
        {
            if (nexts[i] == NextIndex.Drop)
            {
                ctx.Counters[ChainNodeCounters.ParseError]++;
                continue;
            }

            ref FlowEntry entry = ref steering.Steer(in keys[i], hashes[i], out _);
            if (entry.Chain < 0)
            {
                ctx.Counters[ChainNodeCounters.NoMatch]++;
                continue;
            }

            if (entry.Path < 0)
            {
                ctx.Counters[ChainNodeCounters.PathTableFull]++;
                nexts[i] = NextIndex.Drop;
                continue;
            }

            PacketHandle h = input[i];
            nexts[i] = Route(ref ctx, h, ref pool.Meta(h), entry.Chain, Config.Chains[entry.Chain], entry.Path, 0);
        }

        ctx.EnqueueToNext(input);
        return input.Length;
    }
}

/// <summary>The service function forwarder: a packet back from hop k goes to hop k + 1 of its path, or out after the last.</summary>
internal sealed class ChainForwardNode : ChainNodeBase
{
    // Cost: 15-46 ns/pkt wall per pass at vector 32, 10,000 flows, on a loaded 2-vCPU VM (docs/service-chaining.md).
    public ChainForwardNode(string name, IReadOnlyList<string> nextNodes, ChainRuntime runtime, CompiledChains config, ushort[] nextOfInstance)
        : base(name, nextNodes, runtime, config, nextOfInstance)
    {
    }

    public override int Process(ref NodeContext ctx, ReadOnlySpan<PacketHandle> input)
    {
        PacketPool pool = ctx.Pool;
        Span<ushort> nexts = ctx.Nexts;
        CompiledChain[] chains = Config.Chains;
        for (int i = 0; i < input.Length; i++)
        {
            PacketHandle h = input[i];
            ref PacketMeta meta = ref pool.Meta(h);
            ulong tag = meta.UserData;
            if (ChainPathTag.IsTapCopy(tag))
            {
                ctx.Counters[ChainNodeCounters.TapConsumed]++;
                nexts[i] = NextIndex.Drop;
                continue;
            }

            int chainIndex = ChainPathTag.Chain(tag);
            if ((uint)chainIndex >= (uint)chains.Length || chains[chainIndex].ServicePathId != ChainPathTag.Spi(tag))
            {
                // Only packets that did not come from sfc-classify under this snapshot get here.
                ctx.Counters[ChainNodeCounters.ChainMiss]++;
                nexts[i] = NextIndex.Drop;
                continue;
            }

            int position = ChainPathTag.FirstServiceIndex - ChainPathTag.ServiceIndex(tag) + 1;
            nexts[i] = Route(ref ctx, h, ref meta, chainIndex, chains[chainIndex], ChainPathTag.Path(tag), position);
        }

        ctx.EnqueueToNext(input);
        return input.Length;
    }
}

/// <summary>
/// The receive queues of paused instances (<c>sfc-rxq</c>): a packet admitted to a paused instance's queue waits here,
/// in the slot <see cref="ChainRuntime.Admit"/> reserved, until the instance runs again and the engine hands the queue
/// to its node. The instance is read from the packet's path tag (path and service index).
/// </summary>
internal sealed class ChainRxQueueNode : GraphNode
{
    private readonly ChainRuntime _runtime;

    public ChainRxQueueNode(string name, ChainRuntime runtime)
        : base(name, [], ["held", "no_queue"])
    {
        _runtime = runtime;
    }

    public override int Process(ref NodeContext ctx, ReadOnlySpan<PacketHandle> input)
    {
        ushort[] paths = _runtime.Steering.Paths.Instances;
        for (int i = 0; i < input.Length; i++)
        {
            ulong tag = ctx.Pool.Meta(input[i]).UserData;
            int position = ChainPathTag.FirstServiceIndex - ChainPathTag.ServiceIndex(tag);
            ushort instance = paths[(ChainPathTag.Path(tag) * ChainPathTable.Stride) + position];
            PacketHandle[]? queue = _runtime.Held[instance];
            int slot = _runtime.HeldStored[instance];
            if (queue is null || slot >= queue.Length)
            {
                // Cannot happen while Admit reserves slots; free rather than leak.
                ctx.Counters[1]++;
                ctx.Drop(input.Slice(i, 1));
                continue;
            }

            queue[slot] = input[i];
            _runtime.HeldStored[instance] = slot + 1;
            ctx.Counters[0]++;
        }

        return input.Length;
    }
}

/// <summary>The default chain output: counts what leaves the chain and frees it (an emulator wires a port output instead).</summary>
internal sealed class ChainSinkNode : GraphNode
{
    public ChainSinkNode(string name)
        : base(name, [], ["received"])
    {
    }

    public override int Process(ref NodeContext ctx, ReadOnlySpan<PacketHandle> input)
    {
        ctx.Counters[0] += input.Length;
        ctx.Pool.FreeBulk(input);
        return input.Length;
    }
}

/// <summary>
/// An SFC-unaware service function that forwards every packet unchanged to its next node (a wire, like VPP's
/// l2-patch). The built-in function <c>wire</c>; real functions come from the dataplane's VNFs.
/// </summary>
internal sealed class WireFunctionNode : GraphNode
{
    public WireFunctionNode(string name, string next)
        : base(name, [next], [])
    {
    }

    public override int Process(ref NodeContext ctx, ReadOnlySpan<PacketHandle> input)
    {
        ctx.EnqueueToSingleNext(input, 0);
        return input.Length;
    }
}
