// Licensed under the Apache License, Version 2.0.
using System.Net;
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Facets.Tests.ServiceChaining;

namespace NfvConformance.Facets.Tests.Traffic;

/// <summary>
/// What every <see cref="ITrafficGeneration"/> must do: refuse a trial it cannot run as asked (above line rate, a port it
/// does not have) with a <see cref="ConfigurationException"/> before sending anything, honour cancellation, and return a
/// trial's counters as a value that adds up (what came back is no more than what was sent, the rate it reached is the
/// rate offered unless the trial says it fell short).
/// </summary>
/// <typeparam name="TTarget">The target.</typeparam>
public abstract class TrafficGenerationContract<TTarget> : FacetContract<ITrafficGeneration, TTarget>
    where TTarget : TestTarget, new()
{
    private const double OfferedPps = 10_000;

    /// <inheritdoc />
    public override IReadOnlyList<FacetBreak<ITrafficGeneration>> Breaks { get; } =
    [
        new(nameof(RunTrial_AboveLineRate_IsRefusedBeforeSending), "sends above line rate",
            f => Broken.Facet(f, (nameof(ITrafficGeneration.RunTrialAsync), (a, real) => ((TrialRequest)a[0]!).RatePerPort.Value > 100
                ? ValueTask.FromResult(new TrialResult { OfferedPpsPerPort = 2e7, AchievedPpsPerPort = 2e7, Duration = TimeSpan.FromSeconds(1), TxPackets = 40_000_000, RxPackets = 0 })
                : real()))),
        new(nameof(RunTrial_OnAPortTheGeneratorLacks_IsRefusedBeforeSending), "fails with an error of the environment instead of the request",
            f => Broken.Facet(f, (nameof(ITrafficGeneration.RunTrialAsync), (a, real) => ((TrialRequest)a[0]!).Profile.Streams.Any(s => s.TxPort > 1)
                ? ValueTask.FromException<TrialResult>(new TrafficEnvironmentException("port 7 is down"))
                : real()))),
        new(nameof(RunTrial_Cancelled_Throws), "runs a cancelled trial",
            f => Broken.Facet(f, (nameof(ITrafficGeneration.RunTrialAsync), (a, real) => f.RunTrialAsync((TrialRequest)a[0]!, CancellationToken.None)))),
        new(nameof(RunTrial_ThroughAPreparedPath_CountersAddUp), "reports more received than sent",
            f => Broken.Facet(f, (nameof(ITrafficGeneration.RunTrialAsync), (a, real) => Broken.Then((ValueTask<TrialResult>)real()!, r => r with { RxPackets = r.TxPackets + 1 })))),
        new(nameof(RunTrial_ThroughAPreparedPath_CountersAddUp), "falls short of the offered rate without flagging it",
            f => Broken.Facet(f, (nameof(ITrafficGeneration.RunTrialAsync), (a, real) => Broken.Then((ValueTask<TrialResult>)real()!, r => r with { TxPackets = r.TxPackets / 2, RxPackets = r.RxPackets / 2, AchievedPpsPerPort = r.AchievedPpsPerPort / 2 })))),
    ];

    [Test]
    public async Task RunTrial_AboveLineRate_IsRefusedBeforeSending()
    {
        await using FacetSession<ITrafficGeneration> s = await OpenAsync();
        await PreparePathAsync(s);

        Exception? refused = Assert.CatchAsync(async () => await s.Facet.RunTrialAsync(Request(TrafficRate.PercentOfLine(150))));

        Assert.That(refused, Is.InstanceOf<ConfigurationException>());
        Assert.That(refused!.Message, Does.Contain("line rate"));
    }

    [Test]
    public async Task RunTrial_OnAPortTheGeneratorLacks_IsRefusedBeforeSending()
    {
        await using FacetSession<ITrafficGeneration> s = await OpenAsync();
        int missing = s.Facet.Info.PortCount;
        TrialRequest request = Request(TrafficRate.Pps(OfferedPps)) with { Profile = new TrafficProfile([Stream() with { TxPort = missing, RxPort = missing + 1 }]) };

        Exception? refused = Assert.CatchAsync(async () => await s.Facet.RunTrialAsync(request));

        Assert.That(refused, Is.InstanceOf<ConfigurationException>());
        Assert.That(refused!.Message, Does.Contain(missing.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public async Task RunTrial_Cancelled_Throws()
    {
        await using FacetSession<ITrafficGeneration> s = await OpenAsync();
        await PreparePathAsync(s);
        using CancellationTokenSource cancelled = new();
        await cancelled.CancelAsync();

        Exception? thrown = Assert.CatchAsync(async () => await s.Facet.RunTrialAsync(Request(TrafficRate.Pps(OfferedPps)), cancelled.Token));

        Assert.That(thrown, Is.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task RunTrial_ThroughAPreparedPath_CountersAddUp()
    {
        await using FacetSession<ITrafficGeneration> s = await OpenAsync();
        await PreparePathAsync(s);

        TrialResult result = await s.Facet.RunTrialAsync(Request(TrafficRate.Pps(OfferedPps)));

        Assert.That(result.TxPackets, Is.Positive);
        Assert.That(result.RxPackets, Is.InRange(0, result.TxPackets), "nothing comes back that was not sent");
        Assert.That(result.OfferedPpsPerPort, Is.EqualTo(OfferedPps).Within(1).Percent);
        if ((result.Flags & MeasurementFlags.OfferedLoadNotReached) == 0)
        {
            Assert.That(result.AchievedPpsPerPort, Is.EqualTo(OfferedPps).Within(5).Percent, "the offered load was reached, or the trial says it was not");
            Assert.That(result.TxPackets, Is.EqualTo(OfferedPps * result.Duration.TotalSeconds).Within(5).Percent);
        }
    }

    /// <summary>Gives the generator's traffic a path through the target: the one-router chain when the target chains.</summary>
    /// <param name="session">The session.</param>
    /// <returns>A task.</returns>
    protected virtual async Task PreparePathAsync(FacetSession<ITrafficGeneration> session)
    {
        if (session.Other<IServiceChaining>() is { } chaining)
        {
            ChainApplyResult applied = await chaining.ApplyAsync(ServiceChainingContract<TTarget>.OneRouter().Build());
            Assert.That(applied.Applied, Is.True, string.Join("; ", applied.Problems));
        }
    }

    private static TrafficStream Stream() => new()
    {
        Name = "contract",
        LatencyMarked = false,
        Headers = new HeaderStack { SourceIp = IPAddress.Parse(ServiceChainingContract<TTarget>.Inside.SourceIp), DestinationIp = IPAddress.Parse(ServiceChainingContract<TTarget>.Inside.DestinationIp), DestinationPort = 53 },
    };

    private static TrialRequest Request(TrafficRate rate) => new()
    {
        Profile = new TrafficProfile([Stream()]),
        RatePerPort = rate,
        Duration = TimeSpan.FromSeconds(1),
        LatencyPps = 0,
    };
}

public sealed class EmulatorTrafficGenerationContract : TrafficGenerationContract<OnEmulator>
{
}

public sealed class LinuxTrafficGenerationContract : TrafficGenerationContract<OnLinux>
{
}
