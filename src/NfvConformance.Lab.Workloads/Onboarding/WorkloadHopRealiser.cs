// Licensed under the Apache License, Version 2.0.
using NfvConformance.Descriptors.Vnfd;
using NfvConformance.Lab.Linux.Chains;
using NfvConformance.Lab.Workloads.Docker;

namespace NfvConformance.Lab.Workloads.Onboarding;

/// <summary>
/// A vendor's container unit as a hop of the linux chain lab (<c>--vnf FILE</c> with <c>kind: container</c>): started
/// through the workloads' <see cref="IWorkloadRuntime"/> with no network, its network namespace handed to the lab, which
/// plugs the hop's veths into it; its commands then run there from the host. Stopping it is <c>docker stop</c> with the
/// descriptor's grace period; a container that SIGKILL had to end (exit 137) did not stop in time.
/// </summary>
internal sealed class WorkloadHopRealiser : IChainHopRealiser
{
    private const long KilledExitCode = 137;

    private readonly WorkloadLab _workloads;

    public WorkloadHopRealiser(WorkloadLab workloads)
    {
        _workloads = workloads;
    }

    public RealisationKind Kind => RealisationKind.Container;

    public async Task<ChainHop> StartAsync(ChainHopRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_workloads.Unavailable(Kind) is { } reason)
        {
            throw new WorkloadException($"{request.Package.File}: a container VNF cannot run on this host: {reason}");
        }

        WorkloadSpec spec = await _workloads.Onboarding.SpecAsync(request.Package, request.Commands, request.Name, macs: null).ConfigureAwait(false);
        IWorkloadRuntime runtime = await _workloads.Onboarding.RuntimeAsync(Kind).ConfigureAwait(false);
        WorkloadInstance instance = await runtime.StartAsync(spec, cancellationToken).ConfigureAwait(false);
        return new ChainHop(instance.Id, instance.Pid, new Started(runtime, instance));
    }

    public Task ActivateAsync(ChainHopRequest request, ChainHop hop, CancellationToken cancellationToken = default)
    {
        Started started = Of(hop);
        return started.Runtime.ActivateAsync(started.Instance, cancellationToken);
    }

    public async Task<bool> StopAsync(ChainHopRequest request, ChainHop hop, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Started started = Of(hop);
        TimeSpan grace = TimeSpan.FromSeconds(request.Package.Realisation.StopGraceSeconds);
        bool inTime = true;
        if (started.Runtime is ContainerRuntime containers)
        {
            (_, long exitCode) = await containers.StopKeepingAsync(started.Instance, grace, cancellationToken).ConfigureAwait(false);
            inTime = exitCode != KilledExitCode;
        }

        // Removes the (stopped) container.
        _ = await started.Runtime.StopAsync(started.Instance, grace, cancellationToken).ConfigureAwait(false);
        return inTime;
    }

    private static Started Of(ChainHop hop) =>
        hop.Handle as Started ?? throw new ArgumentException($"hop {hop.Id} was not started by this realiser.", nameof(hop));

    private sealed record Started(IWorkloadRuntime Runtime, WorkloadInstance Instance);
}
