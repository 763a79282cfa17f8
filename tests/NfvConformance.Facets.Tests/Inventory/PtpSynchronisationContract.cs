// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Abstractions.Inventory;

namespace NfvConformance.Facets.Tests.Inventory;

/// <summary>
/// What every <see cref="IPtpSynchronisation"/> must do: refuse an unknown node or port as a value naming it, and either
/// run (samples in time order, messages counted) or say why it could not run, never both and never neither; and stop
/// when cancelled.
/// </summary>
/// <typeparam name="TTarget">The target.</typeparam>
public abstract class PtpSynchronisationContract<TTarget> : FacetContract<IPtpSynchronisation, TTarget>
    where TTarget : TestTarget, new()
{
    /// <inheritdoc />
    public override IReadOnlyList<FacetBreak<IPtpSynchronisation>> Breaks { get; } =
    [
        new(nameof(Synchronise_UnknownNodeOrPort_IsRefusedNamingIt), "throws for an unknown node",
            f => Broken.Facet(f, (nameof(IPtpSynchronisation.SynchroniseAsync), (a, real) => ((PtpRunRequest)a[0]!).NodeId == "no-such-node" ? ValueTask.FromException<PtpRun>(new KeyNotFoundException("node")) : real()))),
        new(nameof(Synchronise_UnknownNodeOrPort_IsRefusedNamingIt), "runs on a port that does not exist",
            f => Broken.Facet(f, (nameof(IPtpSynchronisation.SynchroniseAsync), (a, real) => Broken.Then((ValueTask<PtpRun>)real()!, r => r is { Problems.Count: > 0 } && r.Nic == "no-such-port"
                ? r with { Problems = [], Samples = [new PtpSample(TimeSpan.Zero, 0, 0, 0)], MessagesExchanged = 4 }
                : r)))),
        new(nameof(Synchronise_APublishedPort_RunsOrSaysWhyNot), "reports neither samples nor a reason",
            f => Broken.Facet(f, (nameof(IPtpSynchronisation.SynchroniseAsync), (a, real) => Broken.Then((ValueTask<PtpRun>)real()!, r => r with { Problems = [], Samples = [], MessagesExchanged = 0 })))),
        new(nameof(Synchronise_APublishedPort_RunsOrSaysWhyNot), "reports samples out of time order",
            f => Broken.Facet(f, (nameof(IPtpSynchronisation.SynchroniseAsync), (a, real) => Broken.Then((ValueTask<PtpRun>)real()!, r => r.Problems.Count == 0
                ? r with { Samples = [.. r.Samples.Reverse()] }
                : r with { Samples = [new PtpSample(TimeSpan.Zero, 1, 0, 0)] })))),
        new(nameof(Synchronise_Cancelled_Throws), "ignores cancellation",
            f => Broken.Facet(f, (nameof(IPtpSynchronisation.SynchroniseAsync), (a, real) => f.SynchroniseAsync((PtpRunRequest)a[0]!, CancellationToken.None)))),
    ];

    [Test]
    public async Task Synchronise_UnknownNodeOrPort_IsRefusedNamingIt()
    {
        await using FacetSession<IPtpSynchronisation> s = await OpenAsync();
        NodeCapabilities node = (await s.Target.DiscoverAsync()).Nodes[0];

        PtpRun noNode = await s.Facet.SynchroniseAsync(new PtpRunRequest("no-such-node", "eth0", TimeSpan.FromSeconds(2)));
        PtpRun noPort = await s.Facet.SynchroniseAsync(new PtpRunRequest(node.Id, "no-such-port", TimeSpan.FromSeconds(2)));

        Assert.That(noNode.Problems.Select(p => p.ToString()), Has.Some.Contains("no-such-node"));
        Assert.That(noNode.Samples, Is.Empty);
        Assert.That(noPort.Problems.Select(p => p.ToString()), Has.Some.Contains("no-such-port"));
        Assert.That(noPort.Samples, Is.Empty);
        Assert.That(noPort.MessagesExchanged, Is.Zero);
    }

    [Test]
    public async Task Synchronise_APublishedPort_RunsOrSaysWhyNot()
    {
        await using FacetSession<IPtpSynchronisation> s = await OpenAsync(Abstractions.Requirements.Profiles.HighPerformance);
        NodeCapabilities node = (await s.Target.DiscoverAsync()).Nodes.First(n => n.Hardware is { Nics.Count: > 0 });
        NicInfo nic = node.Hardware!.Nics.FirstOrDefault(n => n.Timestamping is { PtpHardwareClock: true }) ?? node.Hardware.Nics[0];

        PtpRun run = await s.Facet.SynchroniseAsync(new PtpRunRequest(node.Id, nic.Name, TimeSpan.FromSeconds(2)));

        if (run.Problems.Count > 0)
        {
            Assert.That(run.Samples, Is.Empty, $"a run that could not happen has no samples: {string.Join("; ", run.Problems)}");
            Assert.That(run.Problems.Select(p => p.Message), Is.All.Not.Empty);
            return;
        }

        Assert.That(run.Samples, Is.Not.Empty, "a run without problems has the servo's samples");
        Assert.That(run.Samples.Select(x => x.At), Is.Ordered);
        Assert.That(run.MessagesExchanged, Is.Positive);
        Assert.That((run.NodeId, run.Nic), Is.EqualTo((node.Id, nic.Name)));
    }

    [Test]
    public async Task Synchronise_Cancelled_Throws()
    {
        await using FacetSession<IPtpSynchronisation> s = await OpenAsync(Abstractions.Requirements.Profiles.HighPerformance);
        NodeCapabilities node = (await s.Target.DiscoverAsync()).Nodes.First(n => n.Hardware is { Nics.Count: > 0 });
        using CancellationTokenSource cancelled = new();
        await cancelled.CancelAsync();

        Exception? thrown = Assert.CatchAsync(async () => await s.Facet.SynchroniseAsync(new PtpRunRequest(node.Id, node.Hardware!.Nics[0].Name, TimeSpan.FromSeconds(2)), cancelled.Token));

        Assert.That(thrown, Is.InstanceOf<OperationCanceledException>());
    }
}

public sealed class EmulatorPtpSynchronisationContract : PtpSynchronisationContract<OnEmulator>
{
}

public sealed class LinuxPtpSynchronisationContract : PtpSynchronisationContract<OnLinux>
{
}
