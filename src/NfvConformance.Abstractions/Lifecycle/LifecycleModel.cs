// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Negotiation;
using NfvConformance.Abstractions.Placement;

namespace NfvConformance.Abstractions.Lifecycle;

/// <summary>A network connection point of a deployment unit, with its attachment preference ladder.</summary>
/// <param name="Name">The connection point name (for example <c>data0</c>).</param>
/// <param name="Attachment">Acceptable attachments, best first (rung names from <see cref="Rungs"/>).</param>
public sealed record ConnectionPoint(string Name, IReadOnlyList<string> Attachment);

/// <summary>A VNF component type (ETSI VDU): how its instances run and what each needs.</summary>
/// <param name="Name">The unit name, unique in the descriptor.</param>
/// <param name="Kind">VM or container.</param>
/// <param name="Image">The software image (for example <c>vfw-1.0.qcow2</c>).</param>
/// <param name="Resources">What each instance needs.</param>
/// <param name="Instances">Instances created at instantiation (0 for event-driven units, which start on the first event).</param>
/// <param name="MinInstances">The fewest instances scaling may leave.</param>
/// <param name="MaxInstances">The most instances scaling may create.</param>
/// <param name="AntiAffinity">True to keep instances on different nodes.</param>
/// <param name="EventDriven">True when the unit starts on the first event and scales to zero when idle.</param>
/// <param name="Site">The site required, if any.</param>
/// <param name="Profile">The node profile required, if any.</param>
/// <param name="Extensions">Profile extensions required.</param>
/// <param name="ConnectionPoints">Network interfaces.</param>
/// <param name="Accelerators">Acceleration ladders (for example <c>crypto: [crypto-accelerator, software]</c>).</param>
public sealed record DeploymentUnit(
    string Name,
    WorkloadKind Kind,
    string Image,
    ResourceRequest Resources,
    int Instances,
    int MinInstances,
    int MaxInstances,
    bool AntiAffinity,
    bool EventDriven,
    string? Site,
    string? Profile,
    IReadOnlyList<string> Extensions,
    IReadOnlyList<ConnectionPoint> ConnectionPoints,
    IReadOnlyList<PreferenceLadder> Accelerators);

/// <summary>A scaling aspect: scaling by one step adds or removes <paramref name="Step"/> instances of one unit.</summary>
/// <param name="Name">The aspect name.</param>
/// <param name="DeploymentUnit">The unit it scales.</param>
/// <param name="Step">Instances per step.</param>
public sealed record ScalingAspect(string Name, string DeploymentUnit, int Step);

/// <summary>A VNF descriptor in the spirit of an ETSI VNFD.</summary>
/// <param name="Id">The descriptor id.</param>
/// <param name="Version">The software version.</param>
/// <param name="Provider">The VNF provider.</param>
/// <param name="DeploymentUnits">The component types.</param>
/// <param name="ScalingAspects">How it scales.</param>
/// <param name="RequiredCapabilities">Capabilities every node hosting it must offer.</param>
/// <param name="Wishes">Capabilities it prefers.</param>
/// <param name="Configuration">The configurable parameters and their defaults.</param>
/// <param name="Source">Where it was read from (<c>file:line</c>).</param>
public sealed record VnfDescriptor(
    string Id,
    string Version,
    string Provider,
    IReadOnlyList<DeploymentUnit> DeploymentUnits,
    IReadOnlyList<ScalingAspect> ScalingAspects,
    IReadOnlyList<string> RequiredCapabilities,
    IReadOnlyList<string> Wishes,
    IReadOnlyDictionary<string, string> Configuration,
    string Source);

/// <summary>One running VNF component instance as a VNF manager reads it back.</summary>
/// <param name="Id">The VNFC id.</param>
/// <param name="DeploymentUnit">Its unit.</param>
/// <param name="Image">The image it runs.</param>
/// <param name="Placement">Where it runs and what it holds (node, NUMA, cores, MACs, IPs, ports, VF ids).</param>
public sealed record VnfcInfo(string Id, string DeploymentUnit, string Image, PlacedInstance Placement);

/// <summary>A VNF instance as a VNF manager reads it back.</summary>
/// <param name="InstanceId">The VNF instance id.</param>
/// <param name="VnfdId">The descriptor id.</param>
/// <param name="Version">The descriptor version it runs.</param>
/// <param name="Terminated">True once terminated.</param>
/// <param name="Vnfcs">The running components.</param>
/// <param name="Configuration">The current configuration.</param>
public sealed record VnfInstanceInfo(
    string InstanceId,
    string VnfdId,
    string Version,
    bool Terminated,
    IReadOnlyList<VnfcInfo> Vnfcs,
    IReadOnlyDictionary<string, string> Configuration);

/// <summary>Something that happened during a lifecycle operation, at a virtual time.</summary>
/// <param name="At">When, on the emulator's virtual clock.</param>
/// <param name="Kind">What (for example <c>vnfc-started</c>, <c>cold-start</c>, <c>config-applied</c>).</param>
/// <param name="Subject">Which VNF, VNFC or key.</param>
/// <param name="Detail">Figures and reasons.</param>
public sealed record LifecycleEvent(DateTimeOffset At, string Kind, string Subject, string Detail);

/// <summary>The outcome of a lifecycle operation.</summary>
/// <param name="Succeeded">True when the operation completed.</param>
/// <param name="Operation">The operation (<c>instantiate</c>, <c>scale</c>, <c>heal</c>, ...).</param>
/// <param name="VnfInstanceId">The VNF instance, when there is one.</param>
/// <param name="Duration">How long it took on the virtual clock.</param>
/// <param name="Events">What happened, in order.</param>
/// <param name="Problems">Every problem; the operation changed nothing when there are any.</param>
public sealed record LifecycleResult(
    bool Succeeded,
    string Operation,
    string? VnfInstanceId,
    TimeSpan Duration,
    IReadOnlyList<LifecycleEvent> Events,
    IReadOnlyList<ValidationError> Problems)
{
    /// <summary>Gets why the target cannot do the operation for real (a VM image it does not have, anti-affinity on one host), or null. A refused operation is not a failure: the scenario is not applicable, with this reason.</summary>
    public string? Refusal { get; init; }

    /// <summary>Makes the result of an operation the target cannot do for real.</summary>
    /// <param name="operation">The operation.</param>
    /// <param name="vnfInstanceId">The instance, if any.</param>
    /// <param name="reason">Why, and what would make it possible.</param>
    /// <returns>The result.</returns>
    public static LifecycleResult Refused(string operation, string? vnfInstanceId, string reason) =>
        new(false, operation, vnfInstanceId, TimeSpan.Zero, [], []) { Refusal = reason };
}

/// <summary>
/// A facet: onboards VNF descriptors and runs their lifecycle on the target, timed on the target's clock.
/// Operations that start, stop or change components do I/O on a real target and are asynchronous; a target that cannot
/// do one for real returns <see cref="LifecycleResult.Refused"/>, never throws. <see cref="Onboard"/> (parsing and
/// registering a descriptor) and <see cref="Get"/> (reading back what the target recorded) are in-memory on every
/// target, with no I/O, and stay synchronous.
/// </summary>
public interface IVnfLifecycle
{
    /// <summary>Gets the clock operations are timed on.</summary>
    TimeProvider Clock { get; }

    /// <summary>Gets every onboarded descriptor.</summary>
    IReadOnlyList<VnfDescriptor> Descriptors { get; }

    /// <summary>Onboards a descriptor from YAML (in-memory: parses, validates and registers it; no I/O on any target).</summary>
    /// <param name="yaml">The descriptor text.</param>
    /// <param name="file">The name used in problems (file, line, field).</param>
    /// <returns>The outcome.</returns>
    LifecycleResult Onboard(string yaml, string file);

    /// <summary>Instantiates an onboarded descriptor (the highest version when <paramref name="version"/> is null).</summary>
    /// <param name="vnfdId">The descriptor id.</param>
    /// <param name="version">The version, or null.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The outcome; its <see cref="LifecycleResult.VnfInstanceId"/> names the new instance.</returns>
    ValueTask<LifecycleResult> InstantiateAsync(string vnfdId, string? version = null, CancellationToken cancellationToken = default);

    /// <summary>Reads an instance back as the target recorded it at its last operation (in-memory; no I/O on any target): components, nodes, cores, MACs, IPs, ports, VF ids, configuration.</summary>
    /// <param name="vnfInstanceId">The instance.</param>
    /// <returns>The instance, or null when unknown.</returns>
    VnfInstanceInfo? Get(string vnfInstanceId);

    /// <summary>Scales out (positive steps) or in (negative steps) along an aspect.</summary>
    /// <param name="vnfInstanceId">The instance.</param>
    /// <param name="aspect">The scaling aspect.</param>
    /// <param name="steps">Steps to add (positive) or remove (negative).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The outcome.</returns>
    ValueTask<LifecycleResult> ScaleAsync(string vnfInstanceId, string aspect, int steps, CancellationToken cancellationToken = default);

    /// <summary>Re-creates a failed component on healthy resources.</summary>
    /// <param name="vnfInstanceId">The instance.</param>
    /// <param name="vnfcId">The component.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The outcome.</returns>
    ValueTask<LifecycleResult> HealAsync(string vnfInstanceId, string vnfcId, CancellationToken cancellationToken = default);

    /// <summary>Changes configuration parameters the descriptor declares.</summary>
    /// <param name="vnfInstanceId">The instance.</param>
    /// <param name="changes">New values by parameter name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The outcome.</returns>
    ValueTask<LifecycleResult> ChangeConfigurationAsync(string vnfInstanceId, IReadOnlyDictionary<string, string> changes, CancellationToken cancellationToken = default);

    /// <summary>Moves an instance to another onboarded version of its descriptor, make-before-break.</summary>
    /// <param name="vnfInstanceId">The instance.</param>
    /// <param name="version">The target version.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The outcome.</returns>
    ValueTask<LifecycleResult> UpgradeAsync(string vnfInstanceId, string version, CancellationToken cancellationToken = default);

    /// <summary>Terminates an instance and releases everything it holds.</summary>
    /// <param name="vnfInstanceId">The instance.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The outcome.</returns>
    ValueTask<LifecycleResult> TerminateAsync(string vnfInstanceId, CancellationToken cancellationToken = default);

    /// <summary>Delivers an event (a packet, a request) to an event-driven unit, starting it cold when it runs at zero.</summary>
    /// <param name="vnfInstanceId">The instance.</param>
    /// <param name="deploymentUnit">The event-driven unit.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The outcome; a cold start shows as a <c>cold-start</c> event and in <see cref="LifecycleResult.Duration"/>.</returns>
    ValueTask<LifecycleResult> DeliverEventAsync(string vnfInstanceId, string deploymentUnit, CancellationToken cancellationToken = default);

    /// <summary>Scales an idle event-driven unit to zero instances.</summary>
    /// <param name="vnfInstanceId">The instance.</param>
    /// <param name="deploymentUnit">The event-driven unit.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The outcome.</returns>
    ValueTask<LifecycleResult> ScaleToZeroAsync(string vnfInstanceId, string deploymentUnit, CancellationToken cancellationToken = default);
}
