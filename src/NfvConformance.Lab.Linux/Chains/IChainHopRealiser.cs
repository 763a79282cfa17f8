// Licensed under the Apache License, Version 2.0.
using NfvConformance.Descriptors.Vnfd;

namespace NfvConformance.Lab.Linux.Chains;

/// <summary>What the chain lab asks a realiser for: one instance of a vendor's VNF unit, as one hop of a chain.</summary>
/// <param name="Package">The vendor's descriptor (<c>--vnf FILE</c>).</param>
/// <param name="Name">The instance's short name (<c>vnf-fw-1</c>); a runtime adds the run id when it names what it creates.</param>
/// <param name="Namespace">The network namespace name the lab will give the instance (<c>nfvc&lt;run&gt;-i-fw-1</c>).</param>
/// <param name="Commands">The unit's commands, placeholders filled in for this hop.</param>
public sealed record ChainHopRequest(VnfPackage Package, string Name, string Namespace, IReadOnlyList<string> Commands);

/// <summary>A started vendor hop.</summary>
/// <param name="Id">The runtime's id (container id, QEMU pid, namespace name).</param>
/// <param name="Pid">A process in the hop's network namespace, or 0 when the realiser created <see cref="ChainHopRequest.Namespace"/> itself.</param>
/// <param name="Handle">The realiser's own state for the hop.</param>
public sealed record ChainHop(string Id, int Pid, object? Handle = null);

/// <summary>
/// Realises a vendor's VNF unit of one kind (netns, container, VM) as a hop of the linux chain lab. The lab calls
/// <see cref="StartAsync"/>, names the hop's network namespace, puts one veth per connection point into it (named after
/// the point) with its own proof-of-path nftables table, then calls <see cref="ActivateAsync"/>; at removal it unplugs
/// the veths and calls <see cref="StopAsync"/>. The linux target realises netns units itself; the workloads extension
/// offers one for containers and VMs as a facet of the target.
/// </summary>
public interface IChainHopRealiser
{
    /// <summary>Gets the kind of unit this realiser runs.</summary>
    RealisationKind Kind { get; }

    /// <summary>Starts the unit and returns once its network namespace exists.</summary>
    /// <param name="request">What to start.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The hop.</returns>
    Task<ChainHop> StartAsync(ChainHopRequest request, CancellationToken cancellationToken = default);

    /// <summary>Runs the unit's commands once its interfaces are in its namespace.</summary>
    /// <param name="request">What was started.</param>
    /// <param name="hop">The hop.</param>
    /// <param name="cancellationToken">Cancels the commands.</param>
    /// <returns>A task.</returns>
    Task ActivateAsync(ChainHopRequest request, ChainHop hop, CancellationToken cancellationToken = default);

    /// <summary>Stops the unit: SIGTERM, then SIGKILL after the descriptor's grace period; removes what it started.</summary>
    /// <param name="request">What was started.</param>
    /// <param name="hop">The hop.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>True when it stopped within the grace period; false when it had to be killed.</returns>
    Task<bool> StopAsync(ChainHopRequest request, ChainHop hop, CancellationToken cancellationToken = default);
}
