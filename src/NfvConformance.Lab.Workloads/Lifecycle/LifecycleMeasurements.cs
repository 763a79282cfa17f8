// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;
using NfvConformance.Lab.Workloads.Host;
using NfvConformance.Lab.Workloads.Traffic;
using NfvConformance.Lab.Workloads.Wiring;

namespace NfvConformance.Lab.Workloads.Lifecycle;

/// <summary>What one lifecycle operation cost while traffic flowed.</summary>
/// <param name="Operation">heal, scale-out or scale-in.</param>
/// <param name="Kind">The kind of the instance acted on (Container, VirtualMachine).</param>
/// <param name="Traffic">What the flows saw over the whole measurement.</param>
/// <param name="Detection">From the kill to the runtime reporting the instance gone (heal only).</param>
/// <param name="OperationTime">How long the operation took, end to end.</param>
public sealed record LifecycleMeasurement(string Operation, string Kind, FlowReport Traffic, TimeSpan Detection, TimeSpan OperationTime)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Operation} ({Kind}): sent {Traffic.Sent}, lost {Traffic.Lost}, time to recover {Traffic.LongestFlowGap.TotalMilliseconds:F0} ms, flows moved {Traffic.FlowsMoved}/{Traffic.FlowsSeen}, detection {Detection.TotalMilliseconds:F0} ms, operation {OperationTime.TotalMilliseconds:F0} ms";
}

/// <summary>
/// Heal and scale measured with UDP flows running through a <see cref="WorkloadChain"/>: packets lost, time to recover
/// (the longest any flow went without a packet) and flows moved (flows whose forwarding member changed, told by the
/// DSCP mark each member sets).
/// </summary>
public static class LifecycleMeasurements
{
    /// <summary>The commands that make a member mark what it forwards with its own DSCP value ({mark}).</summary>
    public static readonly IReadOnlyList<string> MarkCommands =
    [
        "nft add table ip nfvcmark",
        "nft add chain ip nfvcmark dscpset '{ type filter hook forward priority 0; }'",
        "nft add rule ip nfvcmark dscpset ip dscp set {mark}",
    ];

    /// <summary>Kills the instance at stage 0, member 0, detects it from the runtime, starts a replacement and plugs it in its place.</summary>
    /// <param name="chain">The chain (routed over member 0).</param>
    /// <param name="runtime">The instance's runtime.</param>
    /// <param name="victim">The instance.</param>
    /// <param name="replacement">The spec of the replacement (same commands and MACs, a new name).</param>
    /// <param name="flows">How many flows.</param>
    /// <param name="pps">The total rate.</param>
    /// <param name="ct">Cancels the measurement.</param>
    /// <returns>The measurement and the replacement.</returns>
    public static async Task<(LifecycleMeasurement Result, WorkloadInstance Replacement)> HealAsync(WorkloadChain chain, IWorkloadRuntime runtime, WorkloadInstance victim, WorkloadSpec replacement, int flows = 16, int pps = 1000, CancellationToken ct = default)
    {
        using UdpFlows traffic = Flows(chain, flows, pps);
        traffic.Start(TimeSpan.FromSeconds(120));
        await Task.Delay(1000, ct).ConfigureAwait(false);
        Stopwatch sw = Stopwatch.StartNew();
        await runtime.KillAsync(victim, ct).ConfigureAwait(false);
        while (await runtime.IsRunningAsync(victim, ct).ConfigureAwait(false))
        {
            await Task.Delay(20, ct).ConfigureAwait(false);
        }

        TimeSpan detection = sw.Elapsed;
        await chain.DetachAsync(victim).ConfigureAwait(false);
        await runtime.StopAsync(victim, TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
        WorkloadInstance fresh = await runtime.StartAsync(replacement, ct).ConfigureAwait(false);
        await chain.AttachAsync(0, 0, runtime, fresh).ConfigureAwait(false);
        long at = traffic.Received;
        while (traffic.Received == at && sw.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(5, ct).ConfigureAwait(false);
        }

        TimeSpan op = sw.Elapsed;
        await Task.Delay(1500, ct).ConfigureAwait(false);
        return (new LifecycleMeasurement("heal", victim.Kind.ToString(), traffic.Stop(), detection, op), fresh);
    }

    /// <summary>Adds a member to stage 0's ECMP group while traffic flows.</summary>
    /// <param name="chain">The chain, routed over <paramref name="before"/>.</param>
    /// <param name="runtime">The new member's runtime.</param>
    /// <param name="spec">The new member.</param>
    /// <param name="member">Its member index.</param>
    /// <param name="before">The members routed over before.</param>
    /// <param name="flows">How many flows.</param>
    /// <param name="pps">The total rate.</param>
    /// <param name="ct">Cancels the measurement.</param>
    /// <returns>The measurement and the new member.</returns>
    public static async Task<(LifecycleMeasurement Result, WorkloadInstance Added)> ScaleOutAsync(WorkloadChain chain, IWorkloadRuntime runtime, WorkloadSpec spec, int member, IReadOnlyList<int> before, int flows = 32, int pps = 1000, CancellationToken ct = default)
    {
        using UdpFlows traffic = Flows(chain, flows, pps);
        traffic.Start(TimeSpan.FromSeconds(120));
        await Task.Delay(1000, ct).ConfigureAwait(false);
        Stopwatch sw = Stopwatch.StartNew();
        WorkloadInstance added = await runtime.StartAsync(spec, ct).ConfigureAwait(false);
        await chain.AttachAsync(0, member, runtime, added).ConfigureAwait(false);
        await chain.RouteOverAsync([.. before, member]).ConfigureAwait(false);
        TimeSpan op = sw.Elapsed;
        await Task.Delay(1500, ct).ConfigureAwait(false);
        return (new LifecycleMeasurement("scale-out", added.Kind.ToString(), traffic.Stop(), TimeSpan.Zero, op), added);
    }

    /// <summary>Removes a member from stage 0's ECMP group while traffic flows: the route first (make-before-break), then the instance.</summary>
    /// <param name="chain">The chain.</param>
    /// <param name="runtime">The member's runtime.</param>
    /// <param name="removed">The member's instance.</param>
    /// <param name="after">The members routed over after.</param>
    /// <param name="flows">How many flows.</param>
    /// <param name="pps">The total rate.</param>
    /// <param name="ct">Cancels the measurement.</param>
    /// <returns>The measurement.</returns>
    public static async Task<LifecycleMeasurement> ScaleInAsync(WorkloadChain chain, IWorkloadRuntime runtime, WorkloadInstance removed, IReadOnlyList<int> after, int flows = 32, int pps = 1000, CancellationToken ct = default)
    {
        using UdpFlows traffic = Flows(chain, flows, pps);
        traffic.Start(TimeSpan.FromSeconds(120));
        await Task.Delay(1000, ct).ConfigureAwait(false);
        Stopwatch sw = Stopwatch.StartNew();
        await chain.RouteOverAsync(after).ConfigureAwait(false);
        await Task.Delay(200, ct).ConfigureAwait(false);
        await chain.DetachAsync(removed).ConfigureAwait(false);
        await runtime.StopAsync(removed, TimeSpan.FromSeconds(3), ct).ConfigureAwait(false);
        TimeSpan op = sw.Elapsed;
        await Task.Delay(1500, ct).ConfigureAwait(false);
        return new LifecycleMeasurement("scale-in", removed.Kind.ToString(), traffic.Stop(), TimeSpan.Zero, op);
    }

    private static UdpFlows Flows(WorkloadChain chain, int flows, int pps) =>
        new(Netns.PathOf(chain.SourceNetns), chain.Source, Netns.PathOf(chain.SinkNetns), chain.Destination, flows, pps);
}
