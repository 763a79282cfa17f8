// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Measurements;

namespace NfvConformance.Core.Evidence;

/// <summary>
/// What one scenario measured, for the reports. Injected into step classes (one per scenario); the runner reads it
/// when the scenario ends, so the evidence stays even when a later step fails.
/// </summary>
public sealed class ScenarioEvidence
{
    private readonly List<Measurement> _measurements = [];
    private readonly Lock _lock = new();

    /// <summary>Gets what was recorded so far, in order.</summary>
    public IReadOnlyList<Measurement> Measurements
    {
        get
        {
            lock (_lock)
            {
                return [.. _measurements];
            }
        }
    }

    /// <summary>Records a measured figure.</summary>
    /// <param name="measurement">The figure, with its target and verdict when it was compared with one.</param>
    public void Record(Measurement measurement)
    {
        ArgumentNullException.ThrowIfNull(measurement);
        lock (_lock)
        {
            _measurements.Add(measurement);
        }
    }

    /// <summary>Records a figure and compares it with a lower bound.</summary>
    /// <param name="name">What was measured.</param>
    /// <param name="value">The figure.</param>
    /// <param name="unit">Its unit.</param>
    /// <param name="minimum">The smallest acceptable value.</param>
    /// <returns>The recorded measurement, whose verdict says whether the target was met.</returns>
    public Measurement RecordAtLeast(string name, double value, string unit, double minimum)
    {
        Measurement m = new(name, value, unit, FormattableString.Invariant($">= {minimum}"), value >= minimum ? MeasurementVerdict.Pass : MeasurementVerdict.Fail);
        Record(m);
        return m;
    }

    /// <summary>Records a figure and compares it with an upper bound.</summary>
    /// <param name="name">What was measured.</param>
    /// <param name="value">The figure.</param>
    /// <param name="unit">Its unit.</param>
    /// <param name="maximum">The largest acceptable value.</param>
    /// <returns>The recorded measurement, whose verdict says whether the target was met.</returns>
    public Measurement RecordAtMost(string name, double value, string unit, double maximum)
    {
        Measurement m = new(name, value, unit, FormattableString.Invariant($"<= {maximum}"), value <= maximum ? MeasurementVerdict.Pass : MeasurementVerdict.Fail);
        Record(m);
        return m;
    }
}
