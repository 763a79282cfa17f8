// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Facets.Tests.ServiceChaining;

/// <summary>
/// What every <see cref="IChainTrialSimulation"/> must do: give the same result bit for bit for the same options and
/// seed (and another for another seed), account for every packet it sent (delivered or lost under a named counter),
/// refuse a chain that is not applied before running, and honour cancellation.
/// </summary>
/// <typeparam name="TTarget">The target.</typeparam>
public abstract class ChainTrialSimulationContract<TTarget> : FacetContract<IChainTrialSimulation, TTarget>
    where TTarget : TestTarget, new()
{
    private static ChainTrialOptions Trial(int seed = 1) => new("c") { Duration = TimeSpan.FromSeconds(1), OfferedLoadPps = 20_000, Flows = 100, Seed = seed };

    /// <inheritdoc />
    public override IReadOnlyList<FacetBreak<IChainTrialSimulation>> Breaks { get; } =
    [
        new(nameof(RunTrial_SameSeed_SameResultBitForBit_AnotherSeed_Another), "draws from a clock-seeded generator",
            f => Broken.Facet(f, (nameof(IChainTrialSimulation.RunTrialAsync), (a, real) => f.RunTrialAsync(((ChainTrialOptions)a[0]!) with { Seed = Environment.TickCount ^ Random.Shared.Next() }, (CancellationToken)a[1]!)))),
        new(nameof(RunTrial_SameSeed_SameResultBitForBit_AnotherSeed_Another), "ignores the seed",
            f => Broken.Facet(f, (nameof(IChainTrialSimulation.RunTrialAsync), (a, real) => f.RunTrialAsync(((ChainTrialOptions)a[0]!) with { Seed = 1 }, (CancellationToken)a[1]!)))),
        new(nameof(RunTrial_EveryPacketSent_IsDeliveredOrCountedLost), "loses packets without counting them",
            f => Broken.Facet(f, (nameof(IChainTrialSimulation.RunTrialAsync), (a, real) => Broken.Then((ValueTask<ChainTrialResult>)real()!, r => r with { Delivered = r.Delivered - 10 })))),
        new(nameof(RunTrial_ChainNotApplied_IsRefusedBeforeRunning), "runs a chain that does not exist",
            f => Broken.Facet(f, (nameof(IChainTrialSimulation.RunTrialAsync), (a, real) => f.RunTrialAsync(((ChainTrialOptions)a[0]!) with { Chain = "c" }, (CancellationToken)a[1]!)))),
        new(nameof(RunTrial_Cancelled_Throws), "ignores cancellation",
            f => Broken.Facet(f, (nameof(IChainTrialSimulation.RunTrialAsync), (a, real) => f.RunTrialAsync((ChainTrialOptions)a[0]!, CancellationToken.None)))),
    ];

    [Test]
    public async Task RunTrial_SameSeed_SameResultBitForBit_AnotherSeed_Another()
    {
        await using FacetSession<IChainTrialSimulation> s = await OpenWithChainAsync();

        ChainTrialResult first = await s.Facet.RunTrialAsync(Trial(seed: 3));
        ChainTrialResult again = await s.Facet.RunTrialAsync(Trial(seed: 3));
        ChainTrialResult other = await s.Facet.RunTrialAsync(Trial(seed: 4));

        Assert.That(again.Digest, Is.EqualTo(first.Digest));
        Assert.That((again.Sent, again.Delivered, again.Events), Is.EqualTo((first.Sent, first.Delivered, first.Events)));
        Assert.That(other.Digest, Is.Not.EqualTo(first.Digest), "the seed drives the trial");
    }

    [Test]
    public async Task RunTrial_EveryPacketSent_IsDeliveredOrCountedLost()
    {
        await using FacetSession<IChainTrialSimulation> s = await OpenWithChainAsync();

        ChainTrialResult result = await s.Facet.RunTrialAsync(Trial());

        Assert.That(result.Sent, Is.Positive);
        Assert.That(result.Delivered + result.Lost.Values.Sum(), Is.EqualTo(result.Sent));
    }

    [Test]
    public async Task RunTrial_ChainNotApplied_IsRefusedBeforeRunning()
    {
        await using FacetSession<IChainTrialSimulation> s = await OpenWithChainAsync();

        Exception? refused = Assert.CatchAsync(async () => await s.Facet.RunTrialAsync(Trial() with { Chain = "no-such-chain" }));

        Assert.That(refused, Is.InstanceOf<NfvConformanceException>());
        Assert.That(refused!.Message, Does.Contain("no-such-chain"));
    }

    [Test]
    public async Task RunTrial_Cancelled_Throws()
    {
        await using FacetSession<IChainTrialSimulation> s = await OpenWithChainAsync();
        using CancellationTokenSource cancelled = new();
        await cancelled.CancelAsync();

        Exception? thrown = Assert.CatchAsync(async () => await s.Facet.RunTrialAsync(Trial(), cancelled.Token));

        Assert.That(thrown, Is.InstanceOf<OperationCanceledException>());
    }

    private async ValueTask<FacetSession<IChainTrialSimulation>> OpenWithChainAsync()
    {
        FacetSession<IChainTrialSimulation> s = await OpenAsync();
        IServiceChaining chaining = s.Other<IServiceChaining>() ?? throw new AssertionException("a target that simulates chain trials chains");
        ChainApplyResult applied = await chaining.ApplyAsync(ServiceChainingContract<TTarget>.OneRouter().Build());
        Assert.That(applied.Applied, Is.True, string.Join("; ", applied.Problems));
        return s;
    }
}

public sealed class EmulatorChainTrialSimulationContract : ChainTrialSimulationContract<OnEmulator>
{
}
