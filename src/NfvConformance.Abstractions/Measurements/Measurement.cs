// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Abstractions.Measurements;

/// <summary>How a measured figure compares with its target.</summary>
public enum MeasurementVerdict
{
    /// <summary>No target was set; the figure is evidence only.</summary>
    None = 0,

    /// <summary>The figure meets its target.</summary>
    Pass,

    /// <summary>The figure misses its target.</summary>
    Fail,

    /// <summary>The figure could not be trusted (the generator could not reach the load, or the trial was disturbed).</summary>
    Inconclusive,
}

/// <summary>One measured figure recorded as evidence by a scenario.</summary>
/// <param name="Name">What was measured (for example <c>ndr_pps</c> or <c>latency_p99_us</c>).</param>
/// <param name="Value">The figure.</param>
/// <param name="Unit">Its unit.</param>
/// <param name="Target">The target it was compared with, as text (for example <c>&gt;= 2000000</c>), if any.</param>
/// <param name="Verdict">The comparison's outcome.</param>
public sealed record Measurement(string Name, double Value, string Unit, string? Target = null, MeasurementVerdict Verdict = MeasurementVerdict.None);
