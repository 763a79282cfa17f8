// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Measurements;
using NfvConformance.Reports.History;
using NfvConformance.Reports.Model;

namespace NfvConformance.Reports.Tests.History;

public sealed class RegressionAnalyzerTests
{
    // Ten past runs of ordinary noise: 2 % relative standard deviation around 2 Mpps (seeded).
    private static double[] NoisySeries(int seed, int n = 10)
    {
        Random rng = new(seed);
        return [.. Enumerable.Range(0, n).Select(_ => 2_000_000 * (1 + (0.02 * Gaussian(rng))))];
    }

    [Test]
    public void Evaluate_PlantedDrop_IsRegressionWithHighConfidence()
    {
        double[] past = NoisySeries(1);

        MeasurementTrend t = RegressionAnalyzer.Evaluate(past, 2_000_000 * 0.85, MeasurementDirection.HigherIsBetter);

        Assert.That(t.Verdict, Is.EqualTo(RegressionVerdict.Regression));
        Assert.That(t.Confidence, Is.GreaterThan(0.999));
        Assert.That(t.RelativeChange, Is.LessThan(-0.1));
    }

    [Test]
    public void Evaluate_OrdinaryNoiseOverManySeeds_NeverFlagged()
    {
        int flagged = 0;
        for (int seed = 0; seed < 2000; seed++)
        {
            double[] series = NoisySeries(seed, 11);
            MeasurementTrend t = RegressionAnalyzer.Evaluate(series[..10], series[10], MeasurementDirection.HigherIsBetter);
            flagged += t.Verdict == RegressionVerdict.Regression ? 1 : 0;
        }

        TestContext.Out.WriteLine($"false alarms: {flagged} of 2000");
        Assert.That(flagged, Is.LessThanOrEqualTo(6), "false alarms in 2000 noisy sequences (expected 0.1 %, 0.3 % allowed)");
    }

    [Test]
    public void Evaluate_LatencyRise_IsRegressionWhenLowerIsBetter()
    {
        double[] past = [40, 41, 39, 40.5, 40, 39.5, 41, 40];

        MeasurementTrend t = RegressionAnalyzer.Evaluate(past, 60, MeasurementDirection.LowerIsBetter);

        Assert.That(t.Verdict, Is.EqualTo(RegressionVerdict.Regression));
    }

    [Test]
    public void Evaluate_LargeGain_IsImprovement()
    {
        MeasurementTrend t = RegressionAnalyzer.Evaluate(NoisySeries(3), 2_600_000, MeasurementDirection.HigherIsBetter);

        Assert.That(t.Verdict, Is.EqualTo(RegressionVerdict.Improvement));
    }

    [Test]
    public void Evaluate_FewerRunsThanMinimum_InsufficientHistory()
    {
        MeasurementTrend t = RegressionAnalyzer.Evaluate([2e6, 2e6, 2e6], 1e6, MeasurementDirection.HigherIsBetter, minimumHistory: 5);

        Assert.That(t.Verdict, Is.EqualTo(RegressionVerdict.InsufficientHistory));
        Assert.That(t.Median, Is.EqualTo(2e6));
    }

    [Test]
    public void Evaluate_IdenticalHistory_SmallChangeWithinSpreadFloorIsStable()
    {
        MeasurementTrend t = RegressionAnalyzer.Evaluate([.. Enumerable.Repeat(1000.0, 8)], 995, MeasurementDirection.HigherIsBetter);

        Assert.That(t.Verdict, Is.EqualTo(RegressionVerdict.Stable));
        Assert.That(t.Spread, Is.EqualTo(5.0).Within(1e-9), "0.5 % floor of the median");
    }

    [TestCase(">= 2000000", "ndr_pps", "pps", MeasurementDirection.HigherIsBetter)]
    [TestCase("<= 100", "ndr_pps", "pps", MeasurementDirection.LowerIsBetter)]
    [TestCase(null, "latency_p99_us", "us", MeasurementDirection.LowerIsBetter)]
    [TestCase(null, "throughput", "Mpps", MeasurementDirection.HigherIsBetter)]
    public void DirectionOf_TargetOrName_GivesDirection(string? target, string name, string unit, MeasurementDirection expected)
    {
        Assert.That(RegressionAnalyzer.DirectionOf(new Measurement(name, 1, unit, target)), Is.EqualTo(expected));
    }

    [TestCase(2.262, 9, 0.975)]
    [TestCase(4.297, 9, 0.999)]
    [TestCase(-1.833, 9, 0.05)]
    [TestCase(12.706, 1, 0.975)]
    public void StudentTCdf_TableValues_Match(double t, int df, double expected)
    {
        Assert.That(RegressionAnalyzer.StudentTCdf(t, df), Is.EqualTo(expected).Within(2e-4));
    }

    [TestCase(0.0, 0.5)]
    [TestCase(1.0, 0.841345)]
    [TestCase(3.5, 0.999767)]
    [TestCase(-1.0, 0.158655)]
    public void NormalCdf_KnownValues_Match(double z, double expected)
    {
        Assert.That(RegressionAnalyzer.NormalCdf(z), Is.EqualTo(expected).Within(1e-5));
    }

    private static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble();
        double u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
