// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Abstractions.Negotiation;

/// <summary>The rungs the emulator knows for network attachment and acceleration ladders, best first.</summary>
public static class Rungs
{
    /// <summary>The virtual switch is offloaded to a SmartNIC/DPU; the workload gets a VF representor on it.</summary>
    public const string SmartNicOffload = "smartnic-offload";

    /// <summary>An SR-IOV virtual function passed through to the workload.</summary>
    public const string SriovVf = "sriov-vf";

    /// <summary>A vhost-user port on a DPDK-accelerated virtual switch (needs huge-page backed memory).</summary>
    public const string DpdkVhostUser = "dpdk-vhost-user";

    /// <summary>A kernel virtio-net interface on a kernel virtual switch; always available while a NIC is up.</summary>
    public const string KernelVirtio = "kernel-virtio";

    /// <summary>A hardware crypto accelerator (look-aside, for example DPDK cryptodev).</summary>
    public const string CryptoAccelerator = "crypto-accelerator";

    /// <summary>A hardware compression accelerator.</summary>
    public const string CompressionAccelerator = "compression-accelerator";

    /// <summary>A GPU.</summary>
    public const string Gpu = "gpu";

    /// <summary>An FPGA.</summary>
    public const string Fpga = "fpga";

    /// <summary>Software on the workload's own cores (the fallback of every acceleration ladder).</summary>
    public const string Software = "software";

    /// <summary>Gets every known rung.</summary>
    public static IReadOnlyList<string> All { get; } =
        [SmartNicOffload, SriovVf, DpdkVhostUser, KernelVirtio, CryptoAccelerator, CompressionAccelerator, Gpu, Fpga, Software];

    /// <summary>Gets the usual network-attachment ladder: SmartNIC offload, SR-IOV VF, DPDK vhost-user, kernel virtio.</summary>
    public static IReadOnlyList<string> NetworkLadder { get; } = [SmartNicOffload, SriovVf, DpdkVhostUser, KernelVirtio];
}

/// <summary>An ordered list of acceptable ways to satisfy one need, best first.</summary>
/// <param name="Name">What the ladder is for (for example a connection point <c>data0</c>, or <c>crypto</c>).</param>
/// <param name="Rungs">The acceptable rungs, best first (names from <see cref="Negotiation.Rungs"/>).</param>
/// <param name="Required">False when the workload can run without any rung (then an empty grant is fine).</param>
public sealed record PreferenceLadder(string Name, IReadOnlyList<string> Rungs, bool Required = true);

/// <summary>The resources one instance needs.</summary>
/// <param name="Cores">Cores (dedicated) or vCPUs (shared).</param>
/// <param name="MemoryMb">Ordinary memory in MiB.</param>
/// <param name="HugepagesMb">Huge-page backed memory in MiB.</param>
/// <param name="DedicatedCores">True to pin the instance to whole physical cores.</param>
/// <param name="NumaAligned">True to keep cores, huge pages and accelerated NICs on one NUMA node.</param>
public sealed record ResourceRequest(int Cores = 1, long MemoryMb = 512, long HugepagesMb = 0, bool DedicatedCores = false, bool NumaAligned = false);

/// <summary>What a VNF asks of the NFVI before it is placed.</summary>
/// <param name="Vnf">The VNF (or deployment unit) name.</param>
/// <param name="Resources">Minimums per instance.</param>
/// <param name="Ladders">Preference ladders (one per connection point, one per acceleration need).</param>
/// <param name="RequiredCapabilities">Capability uids or feature names the node must offer (for example <c>RM:e.cap.023</c>).</param>
/// <param name="Wishes">Optional capability uids or feature names: preferred, never a reason to refuse.</param>
/// <param name="Profile">The node profile required, if any.</param>
/// <param name="Extensions">Profile extensions the node must carry.</param>
/// <param name="Site">The site required, if any.</param>
public sealed record NegotiationRequest(
    string Vnf,
    ResourceRequest Resources,
    IReadOnlyList<PreferenceLadder> Ladders,
    IReadOnlyList<string>? RequiredCapabilities = null,
    IReadOnlyList<string>? Wishes = null,
    string? Profile = null,
    IReadOnlyList<string>? Extensions = null,
    string? Site = null);

/// <summary>A rung the NFVI could not grant, and why.</summary>
/// <param name="Rung">The rung.</param>
/// <param name="Reason">Why, naming nodes and figures.</param>
public sealed record RungRefusal(string Rung, string Reason);

/// <summary>The rung granted for one ladder.</summary>
/// <param name="Ladder">The ladder name.</param>
/// <param name="Rung">The granted rung, or null when an optional ladder got nothing.</param>
/// <param name="RungIndex">The rung's position in the ladder (0 = best), or -1.</param>
/// <param name="Refused">Every better rung and why it was refused.</param>
public sealed record LadderGrant(string Ladder, string? Rung, int RungIndex, IReadOnlyList<RungRefusal> Refused)
{
    /// <summary>Gets how the granted rung is realised where that differs from the usual practice (a vhost-user guest's memory a memfd, not huge pages), or null.</summary>
    public string? Note { get; init; }
}

/// <summary>A requirement the NFVI could not meet on one node.</summary>
/// <param name="NodeId">The node.</param>
/// <param name="Requirement">What was asked (for example <c>cores</c>, <c>ladder data0</c>, <c>RM:e.cap.023</c>).</param>
/// <param name="Reason">Why it is unmet, with figures.</param>
public sealed record UnmetRequirement(string NodeId, string Requirement, string Reason);

/// <summary>The NFVI's answer: a grant on one node, or a refusal listing every unmet requirement.</summary>
/// <param name="Granted">True when a node meets every requirement.</param>
/// <param name="NodeId">The node granted, or null.</param>
/// <param name="NumaNode">The NUMA node granted when the request is NUMA-aligned, or null.</param>
/// <param name="Ladders">What each ladder got (empty on refusal).</param>
/// <param name="WishesMet">The wishes the granted node satisfies.</param>
/// <param name="WishesUnmet">The wishes it does not.</param>
/// <param name="Unmet">On refusal, every unmet requirement on every candidate node.</param>
/// <param name="Problems">Problems with the request itself (unknown rung, zero cores); the request was not evaluated.</param>
public sealed record NegotiationResult(
    bool Granted,
    string? NodeId,
    int? NumaNode,
    IReadOnlyList<LadderGrant> Ladders,
    IReadOnlyList<string> WishesMet,
    IReadOnlyList<string> WishesUnmet,
    IReadOnlyList<UnmetRequirement> Unmet,
    IReadOnlyList<ValidationError> Problems)
{
    /// <summary>Gets a one-paragraph explanation for reports.</summary>
    /// <returns>The explanation.</returns>
    public string Explain()
    {
        if (Problems.Count > 0)
        {
            return "invalid request: " + string.Join("; ", Problems.Select(p => p.ToString()));
        }

        if (!Granted)
        {
            return "refused: " + string.Join("; ", Unmet.Select(u => $"{u.NodeId}: {u.Requirement}: {u.Reason}"));
        }

        return $"granted on {NodeId}{(NumaNode is null ? string.Empty : $" (NUMA {NumaNode})")}: "
            + string.Join("; ", Ladders.Select(l => l.Rung is null
                ? $"{l.Ladder} -> none"
                : $"{l.Ladder} -> {l.Rung}{(l.Note is null ? string.Empty : $" [{l.Note}]")}{(l.Refused.Count == 0 ? string.Empty : " (refused: " + string.Join(", ", l.Refused.Select(r => $"{r.Rung}: {r.Reason}")) + ")")}"));
    }
}

/// <summary>
/// A facet: answers a VNF's requirements with a grant or a refusal, deterministically, without reserving anything.
/// The answer is taken against what is free now, which a real infrastructure is asked for (a placement API, the
/// host's counters), so negotiation is asynchronous.
/// </summary>
public interface INegotiation
{
    /// <summary>Negotiates against the resources free now.</summary>
    /// <param name="request">What the VNF asks.</param>
    /// <param name="cancellationToken">Cancels the negotiation.</param>
    /// <returns>The answer; never throws for an unmeetable or invalid request.</returns>
    ValueTask<NegotiationResult> NegotiateAsync(NegotiationRequest request, CancellationToken cancellationToken = default);
}
