// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Traffic.Methods;

namespace NfvConformance.Traffic.Tests.Methods;

/// <summary>
/// Which trials decide a goal: the load found and the first conclusive failing load above it. A load the generator
/// could not offer matters only inside that bracket; when it is the bracket's upper end the figure is a lower bound.
/// The searches behind a generator slower than line rate are in <see cref="SearchBehaviourTests"/>.
/// </summary>
public sealed class GoalBracketTests
{
    private const double Ndr = 1e-5;
    private const MeasurementFlags Short = MeasurementFlags.OfferedLoadNotReached;

    [Test]
    public void Assess_GeneratorBoundTrialAboveAConclusiveFailingOne_Conclusive()
    {
        // Given: 100 % could not be offered, 40 % lost frames for real, 30 % held.
        TrialRecord[] trials = [T(100, 0, Short), T(40, 0.02), T(30, 0)];

        // When
        GoalBracket b = GoalBracket.Assess(trials, 30, Ndr, 100);

        // Then: the old rule (any generator-bound trial makes the search inconclusive) would not trust this NDR.
        Assert.Multiple(() =>
        {
            Assert.That(trials.Any(t => t.Flags.HasFlag(Short)), Is.True);
            Assert.That(b.IsConclusive, Is.True);
            Assert.That(b.UpperPercent, Is.EqualTo(40));
            Assert.That(b.Flags, Is.EqualTo(MeasurementFlags.None));
        });
    }

    [Test]
    public void Assess_GeneratorBoundTrialIsTheUpperEnd_LowerBoundNotFail()
    {
        // Given: 30 % held; 40 % could not be offered, and nothing above it failed conclusively.
        TrialRecord[] trials = [T(100, 0, Short), T(40, 0, Short), T(30, 0)];

        // When
        GoalBracket b = GoalBracket.Assess(trials, 30, Ndr, 100);

        // Then
        Assert.Multiple(() =>
        {
            Assert.That(b.IsConclusive, Is.False);
            Assert.That(b.IsGeneratorBound, Is.True);
            Assert.That(b.UpperPercent, Is.Null);
            Assert.That(b.UnmeasuredPercent, Is.EqualTo(40));
            Assert.That(b.Describe("NDR", 1_000_000), Does.Contain("NDR >= 300000 pps, generator-bound"));
        });
    }

    [Test]
    public void Assess_GeneratorBoundTrialInsideTheBracket_LowerBound()
    {
        // Given: 20 % held, 30 % could not be offered (even on retry), 40 % failed conclusively.
        TrialRecord[] trials = [T(40, 0.02), T(20, 0), T(30, 0, Short), T(30, 0, Short)];

        // When
        GoalBracket b = GoalBracket.Assess(trials, 20, Ndr, 100);

        // Then: the NDR lies somewhere in [20, 40): 20 is only a lower bound.
        Assert.Multiple(() =>
        {
            Assert.That(b.IsGeneratorBound, Is.True);
            Assert.That(b.UpperPercent, Is.EqualTo(40));
            Assert.That(b.UnmeasuredPercent, Is.EqualTo(30));
        });
    }

    [Test]
    public void Assess_DisturbedTrialInsideTheBracket_InconclusiveNotALowerBound()
    {
        // Given
        TrialRecord[] trials = [T(40, 0.02), T(20, 0), T(30, 0, MeasurementFlags.Disturbed)];

        // When
        GoalBracket b = GoalBracket.Assess(trials, 20, Ndr, 100);

        // Then
        Assert.Multiple(() =>
        {
            Assert.That(b.IsConclusive, Is.False);
            Assert.That(b.IsGeneratorBound, Is.False);
            Assert.That(b.Flags, Is.EqualTo(MeasurementFlags.Disturbed));
        });
    }

    [Test]
    public void Assess_UnmeasuredLoadMeasuredOnRetry_Conclusive()
    {
        // Given: 30 % fell short once (a busy host), its retry measured it (lossy).
        TrialRecord[] trials = [T(20, 0), T(30, 0, Short), T(30, 0.02)];

        // When
        GoalBracket b = GoalBracket.Assess(trials, 20, Ndr, 100);

        // Then
        Assert.Multiple(() =>
        {
            Assert.That(b.IsConclusive, Is.True);
            Assert.That(b.UpperPercent, Is.EqualTo(30));
        });
    }

    [Test]
    public void Assess_UnmeasuredLoadBelowTheGoal_DoesNotMatter()
    {
        // Given: a load below the one found could not be measured; above, 40 % failed conclusively.
        TrialRecord[] trials = [T(10, 0, MeasurementFlags.Disturbed), T(30, 0), T(40, 0.5)];

        // When
        GoalBracket b = GoalBracket.Assess(trials, 30, Ndr, 100);

        // Then
        Assert.That(b.IsConclusive, Is.True);
    }

    [Test]
    public void Assess_GoalHeldAtTheMaximumLoad_ConclusiveWithoutUpperBound()
    {
        // Given
        TrialRecord[] trials = [T(80, 0)];

        // When
        GoalBracket b = GoalBracket.Assess(trials, 80, Ndr, 80);

        // Then
        Assert.Multiple(() =>
        {
            Assert.That(b.IsConclusive, Is.True);
            Assert.That(b.UpperPercent, Is.Null);
        });
    }

    [Test]
    public void Assess_LossWithinTheGoalAboveIt_NotAnUpperBound()
    {
        // Given: PDR goal 1e-3; 40 % lost 1e-4 (within it), 50 % lost 1e-2.
        TrialRecord[] trials = [T(30, 0), T(40, 1e-4), T(50, 1e-2)];

        // When
        GoalBracket b = GoalBracket.Assess(trials, 30, 1e-3, 100);

        // Then
        Assert.That(b.UpperPercent, Is.EqualTo(50));
    }

    private static TrialRecord T(double percent, double loss, MeasurementFlags flags = MeasurementFlags.None) =>
        new(0, "t", percent * 1000, percent, TimeSpan.FromSeconds(1), 1_000_000, (long)(1_000_000 * (1 - loss)), loss, flags, LatencySummary.Empty, null);
}
