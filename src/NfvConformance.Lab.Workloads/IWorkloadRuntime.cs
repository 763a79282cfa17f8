// Licensed under the Apache License, Version 2.0.
using NfvConformance.Descriptors.Vnfd;

namespace NfvConformance.Lab.Workloads;

/// <summary>What to start: one instance of a VNF unit.</summary>
/// <param name="Name">The instance name, unique in the run (<c>[a-z0-9-]</c>).</param>
/// <param name="Interfaces">Its interfaces, named after the descriptor's connection points, in order.</param>
/// <param name="Realisation">How it is realised (commands, image, capabilities, user...).</param>
/// <param name="Image">The container image reference, or null for a netns or VM unit.</param>
public sealed record WorkloadSpec(string Name, IReadOnlyList<string> Interfaces, VnfRealisation Realisation, string? Image = null)
{
    /// <summary>Gets the MAC address of each interface, in order (the chain keeps them stable across a heal), or null for the runtime's own.</summary>
    public IReadOnlyList<string>? Macs { get; init; }

    /// <summary>
    /// Gets whether a VM's interfaces are vhost-user ports on a DPDK vSwitch (testpmd with <c>net_vhost</c>, the guest's
    /// memory shared with it through memfd) instead of taps on a kernel bridge.
    /// </summary>
    public bool VhostUser { get; init; }

    /// <summary>Gets extra Docker settings for a container (host namespaces, privileged...), for the best-practice checks' broken examples.</summary>
    public ContainerOverrides? Overrides { get; init; }

    /// <summary>Makes the spec of one instance of a single-unit VNF package.</summary>
    /// <param name="package">The package.</param>
    /// <param name="name">The instance name.</param>
    /// <returns>The spec.</returns>
    public static WorkloadSpec From(VnfPackage package, string name) =>
        new(name, [.. package.Unit.ConnectionPoints.Select(c => c.Name)], package.Realisation, package.Realisation.Kind == RealisationKind.Container ? package.Unit.Image : null);
}

/// <summary>Docker settings a descriptor does not carry; used to build containers that break a best practice on purpose.</summary>
/// <param name="Privileged">Run privileged.</param>
/// <param name="HostNetwork">Share the host's network namespace.</param>
/// <param name="HostPid">Share the host's PID namespace.</param>
/// <param name="HostIpc">Share the host's IPC namespace.</param>
/// <param name="CreateOnly">Create the container but do not start it (a privileged container cannot start on this host).</param>
public sealed record ContainerOverrides(bool Privileged = false, bool HostNetwork = false, bool HostPid = false, bool HostIpc = false, bool CreateOnly = false);

/// <summary>One running instance: enough for a chain lab to wire interfaces into it and to count packets.</summary>
public sealed class WorkloadInstance
{
    /// <summary>Initializes a new instance of the <see cref="WorkloadInstance"/> class.</summary>
    /// <param name="spec">What was started.</param>
    /// <param name="id">The runtime's id (container id, QEMU pid, namespace name).</param>
    /// <param name="pid">A process in the instance's network namespace (container init, QEMU).</param>
    /// <param name="netnsPath">The path of its network namespace (<c>/proc/PID/ns/net</c> or <c>/run/netns/NAME</c>).</param>
    public WorkloadInstance(WorkloadSpec spec, string id, int pid, string netnsPath)
    {
        Spec = spec;
        Id = id;
        Pid = pid;
        NetnsPath = netnsPath;
        Started = DateTimeOffset.UtcNow;
    }

    /// <summary>Gets what was started.</summary>
    public WorkloadSpec Spec { get; }

    /// <summary>Gets the instance name.</summary>
    public string Name => Spec.Name;

    /// <summary>Gets how it is realised.</summary>
    public RealisationKind Kind => Spec.Realisation.Kind;

    /// <summary>Gets the runtime's id (container id, QEMU pid, namespace name).</summary>
    public string Id { get; }

    /// <summary>Gets a process in the instance's network namespace.</summary>
    public int Pid { get; }

    /// <summary>Gets the path of the instance's network namespace; <c>ip link set DEV netns PATH</c> moves an interface into it.</summary>
    public string NetnsPath { get; }

    /// <summary>Gets when it was started.</summary>
    public DateTimeOffset Started { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Kind} {Name} ({Id}, pid {Pid})";
}

/// <summary>
/// Starts and stops workloads of one kind (netns, container, VM). The contract a chain lab uses: <see cref="StartAsync"/>
/// gives the instance's network namespace; the lab moves one interface per connection point into it, named after the
/// connection point; <see cref="ActivateAsync"/> then runs the unit's commands (a VM bridges them to its NICs).
/// </summary>
public interface IWorkloadRuntime : IAsyncDisposable
{
    /// <summary>Gets the kind of workload this runtime starts.</summary>
    RealisationKind Kind { get; }

    /// <summary>Starts an instance and returns once it runs and its namespace exists.</summary>
    /// <param name="spec">What to start.</param>
    /// <param name="ct">Cancels the start.</param>
    /// <returns>The instance.</returns>
    Task<WorkloadInstance> StartAsync(WorkloadSpec spec, CancellationToken ct = default);

    /// <summary>Runs the unit's commands once its interfaces are in its namespace.</summary>
    /// <param name="instance">The instance.</param>
    /// <param name="ct">Cancels the commands.</param>
    /// <returns>A task.</returns>
    Task ActivateAsync(WorkloadInstance instance, CancellationToken ct = default);

    /// <summary>Stops an instance: SIGTERM, then SIGKILL after the grace period; removes it.</summary>
    /// <param name="instance">The instance.</param>
    /// <param name="grace">The grace period.</param>
    /// <param name="ct">Cancels the wait.</param>
    /// <returns>How long the stop took.</returns>
    Task<TimeSpan> StopAsync(WorkloadInstance instance, TimeSpan grace, CancellationToken ct = default);

    /// <summary>Kills an instance abruptly (SIGKILL), as a crash would; the instance is not removed.</summary>
    /// <param name="instance">The instance.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>A task.</returns>
    Task KillAsync(WorkloadInstance instance, CancellationToken ct = default);

    /// <summary>Tells whether an instance still runs, from the runtime (Docker's state, the QEMU process).</summary>
    /// <param name="instance">The instance.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>True while it runs.</returns>
    Task<bool> IsRunningAsync(WorkloadInstance instance, CancellationToken ct = default);

    /// <summary>Reads back what the instance is, from the runtime's API and the kernel, each fact with its source.</summary>
    /// <param name="instance">The instance.</param>
    /// <param name="ct">Cancels the reads.</param>
    /// <returns>The facts.</returns>
    Task<WorkloadFacts> InspectAsync(WorkloadInstance instance, CancellationToken ct = default);
}
