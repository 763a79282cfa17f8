// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Measurements;
using NfvConformance.Core.Evidence;
using NfvConformance.Core.Running;
using NfvConformance.Core.Targets;

namespace NfvConformance.Suites.Drivers;

/// <summary>Compares measured figures with the run's target figures (features/targets/&lt;profile&gt;.yaml) and records both.</summary>
public sealed class FiguresDriver
{
    private readonly RunContext _run;
    private readonly ScenarioEvidence _evidence;

    /// <summary>Creates the driver for one scenario.</summary>
    /// <param name="run">The run.</param>
    /// <param name="evidence">The scenario's evidence.</param>
    public FiguresDriver(RunContext run, ScenarioEvidence evidence)
    {
        _run = run;
        _evidence = evidence;
    }

    /// <summary>Returns a target figure of the run.</summary>
    /// <param name="key">The figure's key.</param>
    /// <returns>The figure.</returns>
    public TargetFigure Get(string key) => TargetFigures.For(_run).Get(key);

    /// <summary>Records a measured value and checks that it is at most the target figure.</summary>
    /// <param name="name">What was measured.</param>
    /// <param name="value">The value, in the figure's unit.</param>
    /// <param name="key">The target figure's key.</param>
    public void CheckAtMost(string name, double value, string key)
    {
        TargetFigure figure = Get(key);
        Measurement m = _evidence.RecordAtMost(name, value, figure.Unit, figure.Value);
        Check.That(m.Verdict == MeasurementVerdict.Pass, $"{name} = {value} {figure.Unit}; the target '{key}' is <= {figure.Value} {figure.Unit} ({figure.Location}).");
    }

    /// <summary>Records a measured value and checks that it is at least the target figure.</summary>
    /// <param name="name">What was measured.</param>
    /// <param name="value">The value, in the figure's unit.</param>
    /// <param name="key">The target figure's key.</param>
    public void CheckAtLeast(string name, double value, string key)
    {
        TargetFigure figure = Get(key);
        Measurement m = _evidence.RecordAtLeast(name, value, figure.Unit, figure.Value);
        Check.That(m.Verdict == MeasurementVerdict.Pass, $"{name} = {value} {figure.Unit}; the target '{key}' is >= {figure.Value} {figure.Unit} ({figure.Location}).");
    }
}
