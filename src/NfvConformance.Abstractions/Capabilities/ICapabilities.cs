// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Abstractions.Capabilities;

/// <summary>A facet: publishes immutable, versioned capability snapshots and tells subscribers when they change.</summary>
public interface ICapabilities
{
    /// <summary>Gets the snapshot published last.</summary>
    CapabilitySnapshot Current { get; }

    /// <summary>Finds published capability values.</summary>
    /// <param name="query">What to match; every criterion set must hold.</param>
    /// <returns>The matches in node order, then uid order.</returns>
    IReadOnlyList<CapabilityMatch> Query(CapabilityQuery query);

    /// <summary>Registers an observer told of every change after this call.</summary>
    /// <param name="observer">Called synchronously, on the thread that changed the capabilities.</param>
    /// <returns>Dispose it to stop observing.</returns>
    IDisposable Subscribe(Action<CapabilityChangeSet> observer);
}

/// <summary>What to look for in a capability snapshot; null criteria match anything.</summary>
/// <param name="Uid">A catalogue uid (<c>RM:e.cap.013</c>).</param>
/// <param name="Topic">A catalogue topic (<c>sriov</c>, <c>networking</c>).</param>
/// <param name="Profile">A node profile (<c>high-performance</c>).</param>
/// <param name="NodeId">A node id.</param>
/// <param name="OfferedOnly">When true, only values that state the capability is offered.</param>
/// <param name="Site">A site (multi-site targets: each site publishes its own capabilities).</param>
public sealed record CapabilityQuery(
    string? Uid = null,
    string? Topic = null,
    string? Profile = null,
    string? NodeId = null,
    bool OfferedOnly = false,
    string? Site = null);

/// <summary>One capability value of one node.</summary>
/// <param name="NodeId">The node.</param>
/// <param name="Uid">The capability uid.</param>
/// <param name="Value">The value, with its provenance.</param>
public sealed record CapabilityMatch(string NodeId, string Uid, CapabilityValue Value);

/// <summary>One capability of one node that changed between two snapshots.</summary>
/// <param name="NodeId">The node.</param>
/// <param name="Uid">The capability uid, or a feature name prefixed with <c>feature:</c>.</param>
/// <param name="Before">The value before, or null when it was not published.</param>
/// <param name="After">The value after, or null when it is no longer published.</param>
public sealed record CapabilityChange(string NodeId, string Uid, string? Before, string? After);

/// <summary>Every change of one publication.</summary>
/// <param name="PreviousVersion">The version subscribers saw before.</param>
/// <param name="Snapshot">The new snapshot.</param>
/// <param name="Reason">What caused it (for example <c>nic 0000:3b:00.0 on hp-1 link down</c>).</param>
/// <param name="Changes">The changed values.</param>
public sealed record CapabilityChangeSet(long PreviousVersion, CapabilitySnapshot Snapshot, string Reason, IReadOnlyList<CapabilityChange> Changes);
