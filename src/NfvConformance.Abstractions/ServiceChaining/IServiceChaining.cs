// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Abstractions.ServiceChaining;

/// <summary>
/// The service-function-chaining facet of a target (<c>ILabTarget.GetFeature&lt;IServiceChaining&gt;()</c>):
/// validate and apply a chain spec, prove which path a flow takes (real probe packets on a real target), read per-hop
/// counters and put instances in states a tester can cause (link down, paused). Calls that do I/O are asynchronous and
/// cancellable; what the target cannot do comes back as a value (a refusal), never as an exception. Virtual-time trials
/// are not here: they are <see cref="IChainTrialSimulation"/>, which only a simulating target offers.
/// </summary>
public interface IServiceChaining
{
    /// <summary>Checks a spec without applying it and returns every problem at once.</summary>
    /// <param name="spec">The spec.</param>
    /// <returns>All problems; empty when the spec can be applied.</returns>
    IReadOnlyList<ValidationError> Validate(ChainSpec spec);

    /// <summary>Validates and applies a spec. Flows already running keep their instances unless theirs was removed.</summary>
    /// <param name="spec">The new spec; it replaces the applied one as a whole.</param>
    /// <param name="cancellationToken">Cancels before the swap; the swap itself is atomic.</param>
    /// <returns>The outcome; on critical problems nothing changes and the problems are returned.</returns>
    ValueTask<ChainApplyResult> ApplyAsync(ChainSpec spec, CancellationToken cancellationToken = default);

    /// <summary>Sends one packet of a flow through the applied chains and reports every hop it traversed.</summary>
    /// <param name="probe">The flow to probe.</param>
    /// <param name="cancellationToken">Cancels the probe.</param>
    /// <returns>The path taken, hop by hop, with the service path identifier and index seen at each.</returns>
    ValueTask<ChainPathTrace> ProbeAsync(ChainProbe probe, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends many probes and reports each one's path, in order. A real target sends them as one burst and reads its
    /// dataplane's records once, which is what makes thousands of flows affordable; by default it probes one by one.
    /// </summary>
    /// <param name="probes">The flows to probe (each a distinct packet).</param>
    /// <param name="cancellationToken">Cancels the probes.</param>
    /// <returns>One trace per probe, in the order given.</returns>
    async ValueTask<IReadOnlyList<ChainPathTrace>> ProbeManyAsync(IReadOnlyList<ChainProbe> probes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(probes);
        ChainPathTrace[] traces = new ChainPathTrace[probes.Count];
        for (int i = 0; i < probes.Count; i++)
        {
            traces[i] = await ProbeAsync(probes[i], cancellationToken).ConfigureAwait(false);
        }

        return traces;
    }

    /// <summary>Reads per-hop, per-instance packet and byte counters of the applied chains (on a real target, from the dataplane's own counters).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>One entry per chain hop instance.</returns>
    ValueTask<IReadOnlyList<ChainHopCounters>> ReadCountersAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Puts an instance in a state a tester can cause on real gear: its link administratively down (<c>ip link set
    /// down</c> in the pod's network namespace, <c>openstack port set --disable</c>), or the instance paused (cgroup
    /// freezer, <c>docker pause</c>, <c>openstack server pause</c>) so it stops draining its receive queue; and back.
    /// Packets queued while it was paused are processed when it runs again.
    /// </summary>
    /// <param name="portPair">The instance (port pair) of the applied spec.</param>
    /// <param name="state">The state to put it in.</param>
    /// <param name="cancellationToken">Cancels before the change.</param>
    /// <returns>
    /// When the state is in force (and, on <see cref="InstanceState.Running"/>, the queued packets have been processed):
    /// the change; when the target cannot put this instance in that state (a kernel-forwarding namespace has no process
    /// to pause), a refusal saying why, and nothing changed.
    /// </returns>
    ValueTask<InstanceStateChange> SetInstanceStateAsync(string portPair, InstanceState state, CancellationToken cancellationToken = default);
}

/// <summary>
/// The simulation-only part of service chaining: seeded trials of the applied chains in virtual time (throughput,
/// latency percentiles, failover records, bit-for-bit digests, event counts). Only a target that models its dataplane
/// (the emulator) offers it; a real target measures with its traffic generator instead. Scenarios that need it carry
/// <c>@requires:</c><see cref="Capability"/>, so they are not applicable, with the reason, on a real target.
/// </summary>
public interface IChainTrialSimulation
{
    /// <summary>The feature name a target publishes on its nodes when it offers this facet (what <c>@requires:</c> tags name).</summary>
    const string Capability = "virtual-time-trials";

    /// <summary>Runs a seeded trial of a chain in virtual time, with faults, and reports what the modeled chain delivered.</summary>
    /// <param name="options">The trial.</param>
    /// <param name="cancellationToken">Cancels the trial.</param>
    /// <returns>The result; the same options and seed give the same result bit for bit.</returns>
    ValueTask<ChainTrialResult> RunTrialAsync(ChainTrialOptions options, CancellationToken cancellationToken = default);

    /// <summary>Runs seeded virtual-time trials of several applied chains together on one node and reports the node's totals.</summary>
    /// <param name="options">The chains' trials (they must not share an instance).</param>
    /// <param name="cancellationToken">Cancels the trials.</param>
    /// <returns>Each chain's result and the node's totals.</returns>
    ValueTask<NodeTrialResult> RunNodeTrialAsync(NodeTrialOptions options, CancellationToken cancellationToken = default);
}

/// <summary>What became of a request to change an instance's state: in force, or refused with the reason (nothing changed).</summary>
/// <param name="PortPair">The instance.</param>
/// <param name="State">The state asked for.</param>
/// <param name="Applied">True when the state is in force.</param>
/// <param name="Refusal">Why the target could not do it, or null when applied.</param>
public sealed record InstanceStateChange(string PortPair, InstanceState State, bool Applied, string? Refusal)
{
    /// <summary>Creates an applied change.</summary>
    /// <param name="portPair">The instance.</param>
    /// <param name="state">The state now in force.</param>
    /// <returns>The change.</returns>
    public static InstanceStateChange Done(string portPair, InstanceState state) => new(portPair, state, true, null);

    /// <summary>Creates a refusal.</summary>
    /// <param name="portPair">The instance.</param>
    /// <param name="state">The state asked for.</param>
    /// <param name="reason">Why it cannot be done on this target.</param>
    /// <returns>The refusal.</returns>
    public static InstanceStateChange Refused(string portPair, InstanceState state, string reason) => new(portPair, state, false, reason);
}

/// <summary>The state of a service-function instance and its interface, as a tester can set it on real gear.</summary>
public enum InstanceState
{
    /// <summary>Running with its link up: it drains its receive queue as packets arrive.</summary>
    Running,

    /// <summary>Its link is administratively down: every packet sent to it is discarded at its interface (<c>link_down</c>).</summary>
    LinkAdminDown,

    /// <summary>
    /// Paused (frozen): its receive queue fills up to its depth (<see cref="ChainHopCounters.RxQueueDepth"/>) and
    /// every later packet is discarded at its interface (<c>rx_queue_full</c>) until it runs again.
    /// </summary>
    Paused,
}

/// <summary>A defect written into a probe's frame, as a tester's generator can send it (bad checksums, truncation).</summary>
public enum ProbeDefect
{
    /// <summary>A well-formed frame with correct IPv4 and TCP/UDP checksums.</summary>
    None,

    /// <summary>The IPv4 header checksum is wrong (the header otherwise intact): the receiving interface must count an error.</summary>
    Ipv4HeaderChecksum,

    /// <summary>
    /// The frame is cut right after the TCP/UDP ports (38 bytes without FCS), below Ethernet's 60-byte minimum and
    /// shorter than its IPv4 total length says: the receiving interface must count an error.
    /// </summary>
    Truncated,

    /// <summary>The TCP or UDP checksum is wrong (IPv4 intact): an instance that verifies L4 checksums must count an error.</summary>
    L4Checksum,
}

/// <summary>The outcome of applying a chain spec.</summary>
/// <param name="Applied">True when the spec is now in force.</param>
/// <param name="Generation">The generation of the configuration in force afterwards (grows by one per applied spec).</param>
/// <param name="Problems">Every problem found (non-critical ones also when applied).</param>
public sealed record ChainApplyResult(bool Applied, long Generation, IReadOnlyList<ValidationError> Problems)
{
    /// <summary>
    /// Gets, when the spec was refused only because this target cannot realise something it asks for (a function, an
    /// acceleration, a tap), what that is; null when the spec was applied or is invalid. A scenario whose spec is refused
    /// this way does not apply to the target; one refused as invalid fails.
    /// </summary>
    public string? NotSupported { get; init; }

    /// <summary>
    /// Gets, per port pair, which implementation really realises it on this target (a built-in function, or a vendor's
    /// VNF given with <c>--vnf</c>: its id, version, provider and kind); empty when the target does not say.
    /// </summary>
    public IReadOnlyDictionary<string, string> Implementations { get; init; } = new Dictionary<string, string>();
}

/// <summary>One flow to probe the chains with.</summary>
/// <param name="SourceIp">Source IPv4 address.</param>
/// <param name="DestinationIp">Destination IPv4 address.</param>
/// <param name="Protocol">IP protocol.</param>
/// <param name="SourcePort">Source port (TCP/UDP).</param>
/// <param name="DestinationPort">Destination port (TCP/UDP).</param>
public sealed record ChainProbe(string SourceIp, string DestinationIp, ClassifierProtocol Protocol, int SourcePort, int DestinationPort)
{
    /// <summary>Gets the logical port the packet enters on, or null for any.</summary>
    public string? LogicalSourcePort { get; init; }

    /// <summary>Gets a value indicating whether to send it as reverse traffic (destination to source) of a symmetric chain.</summary>
    public bool Reverse { get; init; }

    /// <summary>Gets the IPv4 time to live the probe is sent with (1 to 255; 64 unless set).</summary>
    public int Ttl { get; init; } = 64;

    /// <summary>Gets the defect written into the probe's frame (none unless set).</summary>
    public ProbeDefect Defect { get; init; }
}

/// <summary>One hop a probed packet traversed.</summary>
/// <param name="ServicePathId">The NSH service path identifier (the chain id; the reverse path of a symmetric chain has its own).</param>
/// <param name="ServiceIndex">The NSH service index when the packet reached this hop (255 at the first, one less per hop).</param>
/// <param name="PortPairGroup">The hop.</param>
/// <param name="PortPair">The instance that handled it.</param>
public sealed record HopTraversal(int ServicePathId, int ServiceIndex, string PortPairGroup, string PortPair);

/// <summary>The path a probed packet took.</summary>
/// <param name="Chain">The chain it was steered into, or null when no classifier matched.</param>
/// <param name="Hops">Every hop, in order.</param>
/// <param name="Delivered">True when it left the chain's tail.</param>
/// <param name="DropReason">The counter name of the drop when it did not (for example <c>instance_down</c>), else null.</param>
public sealed record ChainPathTrace(string? Chain, IReadOnlyList<HopTraversal> Hops, bool Delivered, string? DropReason)
{
    /// <summary>Gets the instance (port pair) at which the probe was dropped or queued, or null when delivered or dropped outside any instance.</summary>
    public string? DroppedAt { get; init; }

    /// <summary>Gets a value indicating whether the probe waits in a paused instance's receive queue (neither delivered nor lost yet).</summary>
    public bool Queued { get; init; }

    /// <summary>Gets, when the target could not send this probe at all (a defect or TTL its dataplane cannot carry as asked), why; null when it was sent.</summary>
    public string? Refusal { get; init; }
}

/// <summary>Counters of one instance at one hop of one chain.</summary>
/// <param name="Chain">The chain.</param>
/// <param name="PortPairGroup">The hop.</param>
/// <param name="PortPair">The instance.</param>
/// <param name="Packets">Packets steered to it.</param>
/// <param name="Bytes">Bytes steered to it.</param>
/// <param name="Drops">Packets lost at it: <see cref="Discards"/> plus <see cref="Errors"/>.</param>
/// <remarks>
/// Interface counters as RFC 2863 (IF-MIB) and ETSI GS NFV-TST 008 define them per virtual interface: a packet in
/// error or discarded at the interface (link down, receive queue full) is not counted in <see cref="Packets"/>; a
/// packet the instance received and then discarded (a router's expired TTL) is counted in both, as VPP counts rx and
/// drops per interface.
/// </remarks>
public sealed record ChainHopCounters(string Chain, string PortPairGroup, string PortPair, long Packets, long Bytes, long Drops)
{
    /// <summary>Gets packets discarded at the instance although no error was found in them (link down, receive queue full, TTL expired, no route, policy).</summary>
    public long Discards { get; init; }

    /// <summary>Gets packets received in error at the instance (IPv4 header checksum, truncated frame, L4 checksum where verified).</summary>
    public long Errors { get; init; }

    /// <summary>Gets discards and errors by reason (counter name to packets), only reasons that counted something.</summary>
    public IReadOnlyDictionary<string, long> DropReasons { get; init; } = new Dictionary<string, long>();

    /// <summary>Gets the depth of the instance's receive queue in packets (descriptors), or 0 when unknown.</summary>
    public int RxQueueDepth { get; init; }

    /// <summary>Gets the packets waiting in the instance's receive queue now (non-zero only while it is paused).</summary>
    public int RxQueued { get; init; }
}

/// <summary>A virtual-time trial of one chain.</summary>
/// <param name="Chain">The chain to drive.</param>
public sealed record ChainTrialOptions(string Chain)
{
    /// <summary>Gets the trial length in virtual time.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets the offered load in packets per second, over all flows.</summary>
    public double OfferedLoadPps { get; init; } = 100_000;

    /// <summary>Gets the number of concurrent flows (distinct 5-tuples).</summary>
    public int Flows { get; init; } = 1_000;

    /// <summary>Gets the frame size in bytes.</summary>
    public int FrameSize { get; init; } = 64;

    /// <summary>Gets the seed for arrivals, flows and every random choice; the same seed repeats the trial bit for bit.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Gets a value indicating whether arrivals are Poisson (true) or evenly spaced (false).</summary>
    public bool PoissonArrivals { get; init; } = true;

    /// <summary>
    /// Gets the packets per arrival: a burst of one flow sent at once, carried through the model as one train (1 to 4096).
    /// 1 models every packet exactly; larger bursts cost one event per burst per hop, so long trials run that many
    /// times faster, and a train keeps FIFO order inside itself (other trains queue behind it, not between its packets).
    /// </summary>
    public int BurstSize { get; init; } = 1;

    /// <summary>Gets the faults to inject.</summary>
    public FaultSchedule Faults { get; init; } = FaultSchedule.None;

    /// <summary>Gets how long the control plane takes to notice a crashed instance and move its flows (health-check detection time).</summary>
    public TimeSpan FailureDetection { get; init; } = TimeSpan.FromMilliseconds(30);

    /// <summary>
    /// Gets the rate at which new flows start, in flows per second, or null for a fixed population of
    /// <see cref="Flows"/> flows. When set, every arrival is the start of a flow never seen before (a fresh 5-tuple),
    /// which sends <see cref="PacketsPerFlow"/> packets at once; <see cref="OfferedLoadPps"/>, <see cref="Flows"/> and
    /// <see cref="BurstSize"/> are then ignored, and each stateful instance pays its flow set-up cost at every flow.
    /// </summary>
    public double? NewFlowsPerSecond { get; init; }

    /// <summary>Gets the packets each new flow sends (1 to 4096) when <see cref="NewFlowsPerSecond"/> is set.</summary>
    public int PacketsPerFlow { get; init; } = 1;
}

/// <summary>What a virtual-time trial measured.</summary>
public sealed record ChainTrialResult
{
    /// <summary>Gets packets offered.</summary>
    public required long Sent { get; init; }

    /// <summary>Gets packets that left the chain's tail.</summary>
    public required long Delivered { get; init; }

    /// <summary>Gets lost packets by reason (<c>queue_full</c>, <c>instance_down</c>, <c>link_down</c>, <c>random_loss</c>).</summary>
    public required IReadOnlyDictionary<string, long> Lost { get; init; }

    /// <summary>Gets packets delivered within the trial's duration, per second (packets still queued at the end are delivered but not counted here).</summary>
    public required double ThroughputPps { get; init; }

    /// <summary>Gets end-to-end latency percentiles of delivered packets.</summary>
    public required ChainLatency Latency { get; init; }

    /// <summary>Gets the end-to-end latency of every delivered packet in nanoseconds (what <see cref="Latency"/> summarises), for a generator to report per trial.</summary>
    public Traffic.LatencyHistogram LatencyHistogram { get; init; } = new();

    /// <summary>Gets one record per instance crash: what it cost and how long recovery took.</summary>
    public required IReadOnlyList<FailoverRecord> Failovers { get; init; }

    /// <summary>Gets a digest of every delivered packet's identity and timing, to compare runs bit for bit.</summary>
    public required ulong Digest { get; init; }

    /// <summary>Gets the number of discrete events processed.</summary>
    public required long Events { get; init; }

    /// <summary>Gets the distinct flows (5-tuples) that sent at least one packet.</summary>
    public long FlowsOffered { get; init; }

    /// <summary>Gets the flows every packet of which was delivered.</summary>
    public long FlowsCompleted { get; init; }

    /// <summary>Gets the flows completed per second of the trial (the sustained new-flow rate in a new-flow trial).</summary>
    public double CompletedFlowsPerSecond { get; init; }

    /// <summary>Gets the bits per second delivered within the trial's duration, counting each frame with its 20 bytes of preamble and inter-frame gap (RFC 2544 line-rate accounting).</summary>
    public double ThroughputBitsPerSecond { get; init; }
}

/// <summary>Trials of several chains at once on one node: each chain carries its own load, and the node's totals are what RC1's per-node figures measure.</summary>
/// <param name="Chains">One trial per chain; the chains must not share an instance (a shared instance would be one server carrying both loads).</param>
public sealed record NodeTrialOptions(IReadOnlyList<ChainTrialOptions> Chains);

/// <summary>What a node trial measured: each chain's result and the node's totals.</summary>
/// <param name="Chains">Each chain's result, in the order asked.</param>
/// <param name="DeliveredPps">Packets per second delivered within the trial, over all chains.</param>
/// <param name="ThroughputBitsPerSecond">Bits per second delivered, over all chains (frames plus preamble and inter-frame gap).</param>
/// <param name="ConcurrentFlows">Distinct flows carried by the node in the trial, over all chains.</param>
/// <param name="CompletedFlowsPerSecond">Flows completed per second, over all chains.</param>
/// <param name="Lost">Packets lost over all chains.</param>
public sealed record NodeTrialResult(IReadOnlyList<ChainTrialResult> Chains, double DeliveredPps, double ThroughputBitsPerSecond, long ConcurrentFlows, double CompletedFlowsPerSecond, long Lost);

/// <summary>End-to-end latency figures in nanoseconds (percentiles within 0.1 %, min and max exact).</summary>
/// <param name="MinNs">Smallest.</param>
/// <param name="MeanNs">Mean.</param>
/// <param name="P50Ns">Median.</param>
/// <param name="P99Ns">99th percentile.</param>
/// <param name="MaxNs">Largest.</param>
public sealed record ChainLatency(double MinNs, double MeanNs, double P50Ns, double P99Ns, double MaxNs);

/// <summary>What one instance crash cost.</summary>
/// <param name="PortPair">The instance that crashed.</param>
/// <param name="CrashedAt">When it crashed.</param>
/// <param name="FlowsMovedAt">When its flows were moved to the group's other instances (crash plus detection), or null if never.</param>
/// <param name="PacketsLost">Packets lost because of the crash (its queue plus what reached it before the move).</param>
/// <param name="TimeToRecover">From the crash to the first delivered packet of a moved flow, or null if none was delivered.</param>
public sealed record FailoverRecord(string PortPair, TimeSpan CrashedAt, TimeSpan? FlowsMovedAt, long PacketsLost, TimeSpan? TimeToRecover);
