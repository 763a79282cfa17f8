// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Facets.Tests.ServiceChaining;

/// <summary>
/// What every <see cref="IServiceChaining"/> must do: validate before any work (an invalid spec is listed, not
/// applied), honour cancellation (a cancelled apply changes nothing), steer a classified flow through the chain's hops
/// in order and count it there, and put an instance's link down and up again, or refuse it as a value.
/// </summary>
/// <typeparam name="TTarget">The target.</typeparam>
public abstract class ServiceChainingContract<TTarget> : FacetContract<IServiceChaining, TTarget>
    where TTarget : TestTarget, new()
{
    /// <summary>One router instance in one hop, steering UDP from 10.0.0.0/8 (service path 7).</summary>
    internal static ChainSpecBuilder OneRouter() => new ChainSpecBuilder()
        .WithPortPair(new PortPair("rt-1", "rt-1-in", "rt-1-out", "router"))
        .WithPortPairGroup(new PortPairGroup("rt", ["rt-1"]))
        .WithFlowClassifier(new FlowClassifier("inside") { Protocol = ClassifierProtocol.Udp, SourceIpPrefix = "10.0.0.0/8" })
        .WithPortChain(new PortChain("c", ["rt"], ["inside"]) { ChainId = 7, Correlation = SfcCorrelation.Nsh });

    /// <summary>A flow the <see cref="OneRouter"/> classifier matches.</summary>
    internal static ChainProbe Inside { get; } = new("10.1.1.1", "198.51.100.7", ClassifierProtocol.Udp, 4000, 53);

    private static ChainProbe Outside { get; } = new("172.16.0.1", "198.51.100.7", ClassifierProtocol.Udp, 4000, 53);

    /// <inheritdoc />
    public override IReadOnlyList<FacetBreak<IServiceChaining>> Breaks { get; } =
    [
        new(nameof(Apply_InvalidSpec_ListsEveryProblemAndAppliesNothing), "finds nothing wrong with an invalid spec",
            f => Broken.Facet(f, (nameof(IServiceChaining.Validate), (a, real) => Array.Empty<ValidationError>()))),
        new(nameof(Apply_InvalidSpec_ListsEveryProblemAndAppliesNothing), "applies what it could of an invalid spec",
            f => Broken.Facet(f, (nameof(IServiceChaining.ApplyAsync), (a, real) => f.ApplyAsync(OneRouter().Build(), (CancellationToken)a[1]!)))),
        new(nameof(Apply_Cancelled_ThrowsAndChangesNothing), "ignores cancellation",
            f => Broken.Facet(f, (nameof(IServiceChaining.ApplyAsync), (a, real) => f.ApplyAsync((ChainSpec)a[0]!, CancellationToken.None)))),
        new(nameof(Apply_ThenProbe_TheClassifiedFlowCrossesTheHopAndIsCounted), "reports a path without its hops",
            f => Broken.Facet(f, (nameof(IServiceChaining.ProbeAsync), (a, real) => Broken.Then((ValueTask<ChainPathTrace>)real()!, t => t with { Hops = [] })))),
        new(nameof(Apply_ThenProbe_TheClassifiedFlowCrossesTheHopAndIsCounted), "steers unclassified traffic into the chain",
            f => Broken.Facet(f, (nameof(IServiceChaining.ProbeAsync), (a, real) => f.ProbeAsync(Inside, (CancellationToken)a[1]!)))),
        new(nameof(Apply_ThenProbe_TheClassifiedFlowCrossesTheHopAndIsCounted), "counts nothing",
            f => Broken.Facet(f, (nameof(IServiceChaining.ReadCountersAsync), (a, real) => ValueTask.FromResult<IReadOnlyList<ChainHopCounters>>([])))),
        new(nameof(SetInstanceState_LinkDown_DropsUntilRunningAgainOrIsRefused), "says the link is down but leaves it up",
            f => Broken.Facet(f, (nameof(IServiceChaining.SetInstanceStateAsync), (a, real) => ValueTask.FromResult(InstanceStateChange.Done((string)a[0]!, (InstanceState)a[1]!))))),
        new(nameof(SetInstanceState_LinkDown_DropsUntilRunningAgainOrIsRefused), "never brings the link back",
            f => Broken.Facet(f, (nameof(IServiceChaining.SetInstanceStateAsync), (a, real) => (InstanceState)a[1]! == InstanceState.Running
                ? ValueTask.FromResult(InstanceStateChange.Done((string)a[0]!, InstanceState.Running))
                : real()))),
    ];

    [Test]
    public async Task Apply_InvalidSpec_ListsEveryProblemAndAppliesNothing()
    {
        await using FacetSession<IServiceChaining> s = await OpenAsync();
        ChainSpec invalid = OneRouter().WithPortChain(new PortChain("c", ["rt", "ghost"], ["inside", "nobody"]) { ChainId = 7 }).Build();

        IReadOnlyList<ValidationError> problems = s.Facet.Validate(invalid);
        ChainApplyResult result = await s.Facet.ApplyAsync(invalid);

        Assert.That(problems.Where(p => p.IsCritical).Select(p => p.ToString()), Has.Some.Contains("ghost").And.Some.Contains("nobody"), "every problem, not only the first");
        Assert.That(result.Applied, Is.False);
        Assert.That(result.Problems.Where(p => p.IsCritical), Is.Not.Empty);
        Assert.That(result.NotSupported, Is.Null, "an invalid spec is not a capability the target lacks");
        Assert.That((await s.Facet.ProbeAsync(Inside)).Chain, Is.Null, "nothing was applied");
    }

    [Test]
    public async Task Apply_Cancelled_ThrowsAndChangesNothing()
    {
        await using FacetSession<IServiceChaining> s = await OpenAsync();
        using CancellationTokenSource cancelled = new();
        await cancelled.CancelAsync();

        Exception? thrown = Assert.CatchAsync(async () => await s.Facet.ApplyAsync(OneRouter().Build(), cancelled.Token));

        Assert.That(thrown, Is.InstanceOf<OperationCanceledException>());
        Assert.That((await s.Facet.ProbeAsync(Inside)).Chain, Is.Null, "a cancelled apply changes nothing");
    }

    [Test]
    public async Task Apply_ThenProbe_TheClassifiedFlowCrossesTheHopAndIsCounted()
    {
        await using FacetSession<IServiceChaining> s = await OpenAsync();

        ChainApplyResult applied = await s.Facet.ApplyAsync(OneRouter().Build());
        ChainPathTrace inside = await s.Facet.ProbeAsync(Inside);
        ChainPathTrace outside = await s.Facet.ProbeAsync(Outside);
        IReadOnlyList<ChainHopCounters> counters = await s.Facet.ReadCountersAsync();

        Assert.That(applied.Applied, Is.True, string.Join("; ", applied.Problems));
        Assert.That(inside.Chain, Is.EqualTo("c"));
        Assert.That(inside.Delivered, Is.True, inside.DropReason);
        Assert.That(inside.Hops.Select(h => $"{h.ServicePathId}/{h.ServiceIndex} {h.PortPairGroup}/{h.PortPair}"), Is.EqualTo(new[] { "7/255 rt/rt-1" }));
        Assert.That(outside.Chain, Is.Null, "a flow no classifier matches bypasses the chain");
        Assert.That(outside.Hops, Is.Empty);
        Assert.That(counters.Where(c => c.PortPair == "rt-1").Sum(c => c.Packets), Is.EqualTo(1), "the instance counted the one classified packet");
    }

    [Test]
    public async Task SetInstanceState_LinkDown_DropsUntilRunningAgainOrIsRefused()
    {
        await using FacetSession<IServiceChaining> s = await OpenAsync();
        Assert.That((await s.Facet.ApplyAsync(OneRouter().Build())).Applied, Is.True);

        InstanceStateChange down = await s.Facet.SetInstanceStateAsync("rt-1", InstanceState.LinkAdminDown);
        ChainPathTrace whileDown = await s.Facet.ProbeAsync(Inside);
        InstanceStateChange up = await s.Facet.SetInstanceStateAsync("rt-1", InstanceState.Running);
        ChainPathTrace afterUp = await s.Facet.ProbeAsync(Inside);

        if (!down.Applied)
        {
            Assert.That(down.Refusal, Is.Not.Null.And.Not.Empty, "a refusal says why");
            Assert.That(whileDown.Delivered, Is.True, "a refused change changes nothing");
            return;
        }

        Assert.That(whileDown.Delivered, Is.False, "a packet sent to an instance whose link is down is dropped");
        Assert.That(whileDown.DropReason, Is.Not.Null.And.Not.Empty);
        Assert.That(up.Applied, Is.True, up.Refusal);
        Assert.That(afterUp.Delivered, Is.True, afterUp.DropReason);
    }
}

public sealed class EmulatorServiceChainingContract : ServiceChainingContract<OnEmulator>
{
}

public sealed class LinuxServiceChainingContract : ServiceChainingContract<OnLinux>
{
}
