// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Negotiation;

namespace NfvConformance.Abstractions.Placement;

/// <summary>How a VNF component runs.</summary>
public enum WorkloadKind
{
    /// <summary>A virtual machine (slower to boot, memory overhead for the guest).</summary>
    VirtualMachine = 0,

    /// <summary>A container (shares the host kernel, starts fast).</summary>
    Container = 1,
}

/// <summary>Where and how to place the instances of one VNF component.</summary>
/// <param name="Negotiation">What each instance needs (resources, ladders, capabilities, profile, site).</param>
/// <param name="Kind">VM or container.</param>
/// <param name="Instances">How many instances to place now.</param>
/// <param name="AntiAffinity">True to put each instance of this VNF on a different node.</param>
/// <param name="NearSite">With <paramref name="MaxLatencyMs"/>: only sites within that WAN latency of this site qualify.</param>
/// <param name="MaxLatencyMs">The largest one-way WAN latency allowed from <paramref name="NearSite"/>.</param>
/// <param name="AvoidNodes">Nodes not to use (for example the node a component is being healed away from).</param>
public sealed record PlacementRequest(
    NegotiationRequest Negotiation,
    WorkloadKind Kind = WorkloadKind.VirtualMachine,
    int Instances = 1,
    bool AntiAffinity = false,
    string? NearSite = null,
    double? MaxLatencyMs = null,
    IReadOnlyList<string>? AvoidNodes = null);

/// <summary>One network interface given to a placed instance.</summary>
/// <param name="Name">The connection point (ladder) name.</param>
/// <param name="Rung">How it is attached (<c>sriov-vf</c>, <c>kernel-virtio</c>, ...).</param>
/// <param name="NicPci">The physical NIC behind it, if any.</param>
/// <param name="VfIndex">The VF index on that NIC for VF-based rungs, or null.</param>
/// <param name="Mac">The interface's MAC address.</param>
/// <param name="Ip">The interface's IPv4 address.</param>
/// <param name="Port">The virtual switch port id (for example <c>vhu3</c>, <c>tap7</c>, <c>vf0000:3b:00.0-2</c>).</param>
public sealed record AttachedInterface(string Name, string Rung, string? NicPci, int? VfIndex, string Mac, string Ip, string Port);

/// <summary>One placed instance and every resource it holds.</summary>
/// <param name="InstanceId">The instance id, unique in the emulator.</param>
/// <param name="Vnf">The VNF (component) name.</param>
/// <param name="Kind">VM or container.</param>
/// <param name="NodeId">The node.</param>
/// <param name="Site">The node's site.</param>
/// <param name="NumaNode">The NUMA node when aligned, or null.</param>
/// <param name="PinnedCores">Dedicated core ids, or empty for shared vCPUs.</param>
/// <param name="Vcpus">vCPUs (equal to the pinned core count when dedicated).</param>
/// <param name="MemoryMb">Ordinary memory held, VM overhead included.</param>
/// <param name="HugepagesMb">Huge-page memory held.</param>
/// <param name="Interfaces">Network interfaces.</param>
/// <param name="Accelerators">Granted acceleration rungs by ladder name (for example <c>crypto -&gt; crypto-accelerator qat0</c>).</param>
public sealed record PlacedInstance(
    string InstanceId,
    string Vnf,
    WorkloadKind Kind,
    string NodeId,
    string Site,
    int? NumaNode,
    IReadOnlyList<int> PinnedCores,
    int Vcpus,
    long MemoryMb,
    long HugepagesMb,
    IReadOnlyList<AttachedInterface> Interfaces,
    IReadOnlyDictionary<string, string> Accelerators);

/// <summary>The outcome of a placement: all instances placed, or none and every reason.</summary>
/// <param name="Succeeded">True when every instance was placed.</param>
/// <param name="Instances">The placed instances (empty on failure: placement is all-or-nothing).</param>
/// <param name="Negotiations">The negotiation answer for each instance, in order (on failure, up to the first refusal).</param>
/// <param name="Problems">Every problem: invalid request fields, refusals, anti-affinity or latency limits.</param>
/// <param name="Hops">For <see cref="IPlacement.PlaceAllAsync"/>: the WAN path from each request's first instance to the next
/// request's first instance (a chain's site-to-site legs; zero latency when both share a site). Empty otherwise.</param>
public sealed record PlacementResult(
    bool Succeeded,
    IReadOnlyList<PlacedInstance> Instances,
    IReadOnlyList<NegotiationResult> Negotiations,
    IReadOnlyList<ValidationError> Problems,
    IReadOnlyList<ChainHop>? Hops = null);

/// <summary>One leg of a chain placed by <see cref="IPlacement.PlaceAllAsync"/>.</summary>
/// <param name="From">The instance the leg starts at.</param>
/// <param name="To">The instance it ends at.</param>
/// <param name="Path">The WAN path between their sites.</param>
public sealed record ChainHop(string From, string To, Sites.SitePath Path);

/// <summary>
/// A facet: places VM and container instances on nodes, holding cores, memory, huge pages and VFs. Placing and
/// releasing start and stop real workloads on a real target (namespaces, pinned processes, VMs) and are asynchronous;
/// an unplaceable request is answered with its problems, never thrown. <see cref="Instances"/> reads back what the
/// target holds and stays synchronous.
/// </summary>
public interface IPlacement
{
    /// <summary>Gets every instance placed and not yet released.</summary>
    IReadOnlyList<PlacedInstance> Instances { get; }

    /// <summary>Places instances (all or none).</summary>
    /// <param name="request">What to place.</param>
    /// <param name="cancellationToken">Cancels the placement; what it had started is removed and nothing is held.</param>
    /// <returns>The outcome; never throws for an unplaceable request.</returns>
    ValueTask<PlacementResult> PlaceAsync(PlacementRequest request, CancellationToken cancellationToken = default);

    /// <summary>Places several requests as one unit, for example every VNF of a chain (all or none).</summary>
    /// <param name="requests">What to place, in order.</param>
    /// <param name="cancellationToken">Cancels the placement; what it had started is removed and nothing is held.</param>
    /// <returns>The outcome for all of them.</returns>
    ValueTask<PlacementResult> PlaceAllAsync(IReadOnlyList<PlacementRequest> requests, CancellationToken cancellationToken = default);

    /// <summary>Releases an instance and everything it holds.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="cancellationToken">Cancels the wait; the release itself still completes.</param>
    /// <returns>True when it was placed and is now released.</returns>
    ValueTask<bool> ReleaseAsync(string instanceId, CancellationToken cancellationToken = default);
}
