// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Measurements;
using NfvConformance.Reports.Comparison;
using NfvConformance.Reports.Model;

namespace NfvConformance.Reports.Tests.Comparison;

public sealed class RunComparerTests
{
    private static readonly ComparisonOptions s_tenPercent = new() { TolerancePercent = 10 };

    [Test]
    public void Compare_SameScenarioDifferentStatus_IsFlaggedWithBothExplanations()
    {
        RunSummary a = Run("emulator", Scenario("f.feature:3", ScenarioStatus.Passed));
        RunSummary b = Run("linux", Scenario("f.feature:3", ScenarioStatus.NotApplicable) with { Reason = "no SR-IOV VF on this host" });

        RunComparison c = RunComparer.Compare(a, b, [], s_tenPercent);

        Assert.That(c.DifferentVerdicts, Has.Count.EqualTo(1));
        Assert.That(c.DifferentVerdicts[0].ExplanationB, Is.EqualTo("no SR-IOV VF on this host"));
        Assert.That(ComparisonWriter.Text(c), Does.Contain("B not_applicable: no SR-IOV VF on this host"));
    }

    [Test]
    public void Compare_SameStatus_IsNotFlagged()
    {
        RunComparison c = RunComparer.Compare(Run("emulator", Scenario("f.feature:3", ScenarioStatus.Failed)), Run("linux", Scenario("f.feature:3", ScenarioStatus.Failed)), [], s_tenPercent);

        Assert.That(c.DifferentVerdicts, Is.Empty);
        Assert.That(c.Scenarios, Has.Count.EqualTo(1));
    }

    [TestCase(100.0, 109.0, true)]
    [TestCase(100.0, 111.0, false)]
    [TestCase(100.0, 89.0, false)]
    [TestCase(0.0, 0.0, true)]
    public void CompareOne_DeltaAgainstTolerance(double a, double b, bool within)
    {
        MeasurementComparison m = RunComparer.CompareOne("ndr_mpps", new Measurement("ndr_mpps", a, "Mpps"), new Measurement("ndr_mpps", b, "Mpps"), [], s_tenPercent);

        Assert.That(m.Within, Is.EqualTo(within));
    }

    [Test]
    public void CompareOne_NoiseBandOfB_WidensTheTolerance()
    {
        // B's repeated trials spanned 90..130: a band of +-20 % around 100, so 125 against 100 is within 10 % + 20 %.
        Measurement b = new("latency_p99_us", 125, "us") { Spread = new MeasurementSpread(3, 90, 130, 20) };

        MeasurementComparison m = RunComparer.CompareOne("latency_p99_us", new Measurement("latency_p99_us", 100, "us"), b, [], s_tenPercent);
        MeasurementComparison without = RunComparer.CompareOne("latency_p99_us", new Measurement("latency_p99_us", 100, "us"), b with { Spread = null }, [], s_tenPercent);

        Assert.That(m.NoisePercentB, Is.EqualTo(16.0).Within(1e-9));
        Assert.That(m.DeltaPercent, Is.EqualTo(25.0).Within(1e-9));
        Assert.That(m.Within, Is.True);
        Assert.That(without.Within, Is.False);
    }

    [Test]
    public void Compare_RepeatsOfB_GiveItsNoiseBand()
    {
        RunSummary a = Run("emulator", Scenario("p.feature:9", ScenarioStatus.Passed, new Measurement("ndr_mpps", 1.0, "Mpps")));
        RunSummary b = Run("linux", Scenario("p.feature:9", ScenarioStatus.Passed, new Measurement("ndr_mpps", 0.5, "Mpps")));
        RunSummary b2 = Run("linux", Scenario("p.feature:9", ScenarioStatus.Passed, new Measurement("ndr_mpps", 0.7, "Mpps")));

        RunComparison c = RunComparer.Compare(a, b, [b2], s_tenPercent);
        MeasurementComparison m = c.Scenarios[0].Measurements[0];

        Assert.That(m.NoisePercentB, Is.EqualTo(20.0).Within(1e-9), "runs at 0.5 and 0.7: half the range (0.1) of 0.5");
        Assert.That(m.DeltaPercent, Is.EqualTo(-50.0).Within(1e-9));
        Assert.That(m.Within, Is.False);
        Assert.That(c.MeasurementsOutsideTolerance, Is.EqualTo(1));
    }

    [Test]
    public void Compare_MeasurementOnlyInOneRun_OrInOtherUnits_CannotBeJudged()
    {
        RunSummary a = Run("emulator", Scenario("p.feature:9", ScenarioStatus.Passed, new Measurement("ndr", 1.0, "Mpps"), new Measurement("only_a", 1, "x")));
        RunSummary b = Run("linux", Scenario("p.feature:9", ScenarioStatus.Passed, new Measurement("ndr", 1000, "kpps")));

        RunComparison c = RunComparer.Compare(a, b, [], s_tenPercent);

        Assert.That(c.Scenarios[0].Measurements.Select(m => (m.Name, m.Within, m.Note)), Is.EqualTo(new[]
        {
            ("ndr", (bool?)null, "units differ (Mpps and kpps)"),
            ("only_a", (bool?)null, "only in A"),
        }));
        Assert.That(c.MeasurementsOutsideTolerance, Is.Zero);
    }

    [Test]
    public void Compare_ScenariosInOneRunOnly_AreListedApart()
    {
        RunComparison c = RunComparer.Compare(
            Run("emulator", Scenario("a.feature:1", ScenarioStatus.Passed), Scenario("a.feature:5", ScenarioStatus.Passed)),
            Run("linux", Scenario("a.feature:5", ScenarioStatus.Passed), Scenario("b.feature:2", ScenarioStatus.Passed)),
            [],
            s_tenPercent);

        Assert.That(c.OnlyInA, Is.EqualTo(new[] { "a.feature:1" }));
        Assert.That(c.OnlyInB, Is.EqualTo(new[] { "b.feature:2" }));
        Assert.That(c.Scenarios.Select(s => s.Id), Is.EqualTo(new[] { "a.feature:5" }));
    }

    private static ScenarioSummary Scenario(string id, ScenarioStatus status, params Measurement[] measurements) => new()
    {
        Id = id,
        Feature = "F",
        FeatureFile = id.Split(':')[0],
        Name = "S " + id,
        Location = id,
        Status = status,
        Measurements = measurements,
    };

    private static RunSummary Run(string target, params ScenarioSummary[] scenarios) => new()
    {
        Run = new RunInfo
        {
            Id = "run-" + target,
            Started = DateTimeOffset.UnixEpoch,
            Finished = DateTimeOffset.UnixEpoch,
            Target = target,
            Profile = "basic",
            ToolVersion = "0.1.0",
        },
        Scenarios = scenarios,
    };
}
