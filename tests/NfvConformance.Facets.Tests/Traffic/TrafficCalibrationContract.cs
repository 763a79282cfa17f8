// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Traffic;

namespace NfvConformance.Facets.Tests.Traffic;

/// <summary>
/// What every <see cref="ITrafficCalibration"/> must do: give, for the frame sizes asked, a finite positive
/// ceiling and the latency floor it measured; measure a mix once and remember it (a search's loads all sit below one
/// ceiling); honour cancellation.
/// </summary>
/// <typeparam name="TTarget">The target.</typeparam>
public abstract class TrafficCalibrationContract<TTarget> : FacetContract<ITrafficCalibration, TTarget>
    where TTarget : TestTarget, new()
{
    /// <inheritdoc />
    public override IReadOnlyList<FacetBreak<ITrafficCalibration>> Breaks { get; } =
    [
        new(nameof(Calibrate_GivesAFinitePositiveCeilingAndAFloorForTheMixAsked), "reports no ceiling",
            f => Broken.Facet(f, (nameof(ITrafficCalibration.CalibrateAsync), (a, real) => Broken.Then((ValueTask<GeneratorLimits>)real()!, l => l with { CeilingPpsPerPort = double.PositiveInfinity })))),
        new(nameof(Calibrate_GivesAFinitePositiveCeilingAndAFloorForTheMixAsked), "calibrates another frame size",
            f => Broken.Facet(f, (nameof(ITrafficCalibration.CalibrateAsync), (a, real) => f.CalibrateAsync(FrameSizeMix.Single(1518), (CancellationToken)a[1]!)))),
        new(nameof(Calibrate_SameMixTwice_GivesTheFirstMeasurement), "measures again and gives another ceiling",
            f =>
            {
                int calls = 0;
                return Broken.Facet(f, (nameof(ITrafficCalibration.CalibrateAsync), (a, real) => Broken.Then((ValueTask<GeneratorLimits>)real()!, l => l with { CeilingPpsPerPort = l.CeilingPpsPerPort * (1 + (Interlocked.Increment(ref calls) * 0.01)) })));
            }),
        new(nameof(Calibrate_Cancelled_Throws), "ignores cancellation",
            f => Broken.Facet(f, (nameof(ITrafficCalibration.CalibrateAsync), (a, real) => f.CalibrateAsync((FrameSizeMix)a[0]!, CancellationToken.None)))),
    ];

    [Test]
    public async Task Calibrate_GivesAFinitePositiveCeilingAndAFloorForTheMixAsked()
    {
        await using FacetSession<ITrafficCalibration> s = await OpenAsync();

        GeneratorLimits limits = await s.Facet.CalibrateAsync(FrameSizeMix.Single(64));

        Assert.That(limits.CeilingPpsPerPort, Is.Positive.And.LessThan(double.PositiveInfinity));
        Assert.That(limits.Frames.MeanFrameSize, Is.EqualTo(64));
        Assert.That(limits.LatencyFloor.MinUs, Is.GreaterThanOrEqualTo(0));
        Assert.That(limits.LatencyFloor.P50Us, Is.GreaterThanOrEqualTo(limits.LatencyFloor.MinUs));
    }

    [Test]
    public async Task Calibrate_SameMixTwice_GivesTheFirstMeasurement()
    {
        await using FacetSession<ITrafficCalibration> s = await OpenAsync();

        GeneratorLimits first = await s.Facet.CalibrateAsync(FrameSizeMix.Single(64));
        GeneratorLimits again = await s.Facet.CalibrateAsync(FrameSizeMix.Single(64));

        Assert.That(again.CeilingPpsPerPort, Is.EqualTo(first.CeilingPpsPerPort));
        Assert.That(again.LatencyFloor, Is.EqualTo(first.LatencyFloor));
    }

    [Test]
    public async Task Calibrate_Cancelled_Throws()
    {
        await using FacetSession<ITrafficCalibration> s = await OpenAsync();
        using CancellationTokenSource cancelled = new();
        await cancelled.CancelAsync();

        Exception? thrown = Assert.CatchAsync(async () => await s.Facet.CalibrateAsync(FrameSizeMix.Single(64), cancelled.Token));

        Assert.That(thrown, Is.InstanceOf<OperationCanceledException>());
    }
}

public sealed class LinuxTrafficCalibrationContract : TrafficCalibrationContract<OnLinux>
{
}
