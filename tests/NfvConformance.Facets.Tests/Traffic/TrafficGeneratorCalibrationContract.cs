// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Traffic;

namespace NfvConformance.Facets.Tests.Traffic;

/// <summary>
/// What every <see cref="ITrafficGeneratorCalibration"/> must do: measure a ceiling above zero and a latency floor that
/// is a latency (not negative), remember a mix once measured (the search relies on one ceiling for all its trials), and
/// honour cancellation. Only real-time generators offer it, so its breaks run on the linux target (as root).
/// </summary>
/// <typeparam name="TTarget">The target.</typeparam>
public abstract class TrafficGeneratorCalibrationContract<TTarget> : FacetContract<ITrafficGeneratorCalibration, TTarget>
    where TTarget : TestTarget, new()
{
    private static readonly FrameSizeMix s_frames = FrameSizeMix.Parse("64");

    /// <inheritdoc />
    public override IReadOnlyList<FacetBreak<ITrafficGeneratorCalibration>> Breaks { get; } =
    [
        new(nameof(Calibrate_SmallFrames_GivesACeilingAndAFloor), "reports no ceiling",
            f => Broken.Facet(f, (nameof(ITrafficGeneratorCalibration.CalibrateAsync), (a, real) => Broken.Then((ValueTask<GeneratorLimits>)real()!, l => l with { CeilingPpsPerPort = 0 })))),
        new(nameof(Calibrate_SameMixTwice_IsRemembered), "measures again and gives another ceiling",
            f =>
            {
                int calls = 0;
                return Broken.Facet(f, (nameof(ITrafficGeneratorCalibration.CalibrateAsync), (a, real) => Broken.Then((ValueTask<GeneratorLimits>)real()!, l => l with { CeilingPpsPerPort = l.CeilingPpsPerPort * (1 + Interlocked.Increment(ref calls)) })));
            }),
        new(nameof(Calibrate_Cancelled_Throws), "calibrates although cancelled",
            f => Broken.Facet(f, (nameof(ITrafficGeneratorCalibration.CalibrateAsync), (a, real) => f.CalibrateAsync((FrameSizeMix)a[0]!, CancellationToken.None)))),
    ];

    [Test]
    public async Task Calibrate_SmallFrames_GivesACeilingAndAFloor()
    {
        await using FacetSession<ITrafficGeneratorCalibration> s = await OpenAsync();

        GeneratorLimits limits = await s.Facet.CalibrateAsync(s_frames);

        Assert.That(limits.CeilingPpsPerPort, Is.Positive.And.LessThan(double.PositiveInfinity));
        Assert.That(limits.LatencyFloor.MinUs, Is.GreaterThanOrEqualTo(0));
    }

    [Test]
    public async Task Calibrate_SameMixTwice_IsRemembered()
    {
        await using FacetSession<ITrafficGeneratorCalibration> s = await OpenAsync();

        GeneratorLimits first = await s.Facet.CalibrateAsync(s_frames);
        GeneratorLimits second = await s.Facet.CalibrateAsync(FrameSizeMix.Parse("64"));

        Assert.That(second.CeilingPpsPerPort, Is.EqualTo(first.CeilingPpsPerPort), "one ceiling for every trial of a search");
    }

    [Test]
    public async Task Calibrate_Cancelled_Throws()
    {
        await using FacetSession<ITrafficGeneratorCalibration> s = await OpenAsync();
        using CancellationTokenSource cancelled = new();
        await cancelled.CancelAsync();

        Exception? thrown = Assert.CatchAsync(async () => await s.Facet.CalibrateAsync(s_frames, cancelled.Token));

        Assert.That(thrown, Is.InstanceOf<OperationCanceledException>());
    }
}

public sealed class LinuxTrafficGeneratorCalibrationContract : TrafficGeneratorCalibrationContract<OnLinux>
{
}
