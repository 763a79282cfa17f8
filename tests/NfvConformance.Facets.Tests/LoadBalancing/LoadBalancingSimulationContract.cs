// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.LoadBalancing;

namespace NfvConformance.Facets.Tests.LoadBalancing;

/// <summary>
/// What every <see cref="ILoadBalancingSimulation"/> must do: account for every connection of the crashed instance
/// (each kept its member or moved) and for every new connection, lose no more packets than were sent, refuse a load
/// balancer it does not hold (naming it), and honour cancellation. Only the emulator offers this facet.
/// </summary>
/// <typeparam name="TTarget">The target.</typeparam>
public abstract class LoadBalancingSimulationContract<TTarget> : FacetContract<ILoadBalancingSimulation, TTarget>
    where TTarget : TestTarget, new()
{
    /// <inheritdoc />
    public override IReadOnlyList<FacetBreak<ILoadBalancingSimulation>> Breaks { get; } =
    [
        new(nameof(RunFailoverTrial_AccountsForEveryConnectionAndPacket), "counts a connection of the crashed instance twice",
            f => Broken.Facet(f, (nameof(ILoadBalancingSimulation.RunFailoverTrialAsync), (a, real) => Broken.Then((ValueTask<LbFailoverResult>)real()!, r => r with { ConnectionsMovedMember = r.ConnectionsMovedMember + 1 })))),
        new(nameof(RunFailoverTrial_AccountsForEveryConnectionAndPacket), "loses more packets than were sent",
            f => Broken.Facet(f, (nameof(ILoadBalancingSimulation.RunFailoverTrialAsync), (a, real) => Broken.Then((ValueTask<LbFailoverResult>)real()!, r => r with { PacketsLost = r.PacketsSent + 1 })))),
        new(nameof(RunFailoverTrial_UnknownLoadBalancer_IsRefusedNamingIt), "runs a trial on another load balancer",
            f => Broken.Facet(f, (nameof(ILoadBalancingSimulation.RunFailoverTrialAsync), (a, real) => f.RunFailoverTrialAsync("lb", (LbFailoverTrial)a[1]!, (CancellationToken)a[2]!)))),
        new(nameof(RunFailoverTrial_Cancelled_Throws), "ignores cancellation",
            f => Broken.Facet(f, (nameof(ILoadBalancingSimulation.RunFailoverTrialAsync), (a, real) => f.RunFailoverTrialAsync((string)a[0]!, (LbFailoverTrial)a[1]!, CancellationToken.None)))),
    ];

    [Test]
    public async Task RunFailoverTrial_AccountsForEveryConnectionAndPacket()
    {
        await using FacetSession<ILoadBalancingSimulation> s = await OpenWithLoadBalancerAsync();

        LbFailoverResult r = await s.Facet.RunFailoverTrialAsync("lb", Trial());

        Assert.That(r.ConnectionsOnCrashedInstance, Is.GreaterThan(0), "the crashed instance carried connections");
        Assert.That(r.ConnectionsKeptMember + r.ConnectionsMovedMember, Is.EqualTo(r.ConnectionsOnCrashedInstance), "each connection of the crashed instance kept its member or moved");
        Assert.That(r.PacketsSent, Is.GreaterThan(0));
        Assert.That(r.PacketsLost, Is.InRange(0, r.PacketsSent));
        Assert.That(r.NewConnections, Is.EqualTo(20));
        Assert.That(r.NewConnectionsServed, Is.InRange(0, r.NewConnections));
    }

    [Test]
    public async Task RunFailoverTrial_UnknownLoadBalancer_IsRefusedNamingIt()
    {
        await using FacetSession<ILoadBalancingSimulation> s = await OpenWithLoadBalancerAsync();

        Exception? refused = Assert.CatchAsync(async () => await s.Facet.RunFailoverTrialAsync("no-such-lb", Trial()));

        Assert.That(refused, Is.InstanceOf<ArgumentException>());
        Assert.That(refused!.Message, Does.Contain("no-such-lb"));
    }

    [Test]
    public async Task RunFailoverTrial_Cancelled_Throws()
    {
        await using FacetSession<ILoadBalancingSimulation> s = await OpenWithLoadBalancerAsync();
        using CancellationTokenSource cancelled = new();
        await cancelled.CancelAsync();

        Exception? thrown = Assert.CatchAsync(async () => await s.Facet.RunFailoverTrialAsync("lb", Trial(), cancelled.Token));

        Assert.That(thrown, Is.InstanceOf<OperationCanceledException>());
    }

    private static LbFailoverTrial Trial() => new(100, 10_000, TimeSpan.FromMilliseconds(300), "lb-lb1", TimeSpan.FromMilliseconds(100), 20);

    private async ValueTask<FacetSession<ILoadBalancingSimulation>> OpenWithLoadBalancerAsync()
    {
        FacetSession<ILoadBalancingSimulation> s = await OpenAsync();
        ILoadBalancing service = s.Other<ILoadBalancing>() ?? throw new AssertionException("a target that simulates load-balancer trials offers load balancers");
        LoadBalancerView lb = await service.CreateAsync(LoadBalancingContract<TTarget>.Spec() with
        {
            Listeners = [new LbListenerSpec("web", LbProtocol.Tcp, 80, "dns")],
        });
        Assert.That(lb.Refusal, Is.Null);
        return s;
    }
}

public sealed class EmulatorLoadBalancingSimulationContract : LoadBalancingSimulationContract<OnEmulator>
{
}
