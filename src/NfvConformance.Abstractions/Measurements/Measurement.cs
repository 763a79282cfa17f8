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
public sealed record Measurement(string Name, double Value, string Unit, string? Target = null, MeasurementVerdict Verdict = MeasurementVerdict.None)
{
    /// <summary>
    /// Gets how the figure varied over the repeated trials it was taken from, or null when it comes from one trial (or is
    /// exact). <c>nfvc compare</c> reads it as the run's noise band.
    /// </summary>
    public MeasurementSpread? Spread { get; init; }
}

/// <summary>How a figure varied over repeated trials of the same measurement.</summary>
/// <param name="Trials">How many trials (at least 2).</param>
/// <param name="Min">The smallest value seen.</param>
/// <param name="Max">The largest value seen.</param>
/// <param name="StdDev">The sample standard deviation.</param>
public sealed record MeasurementSpread(int Trials, double Min, double Max, double StdDev)
{
    /// <summary>Computes the spread of a set of trial values.</summary>
    /// <param name="values">Two or more values.</param>
    /// <returns>The spread.</returns>
    /// <exception cref="ArgumentException">Fewer than two values.</exception>
    public static MeasurementSpread Of(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count < 2)
        {
            throw new ArgumentException($"a spread needs at least 2 trials, got {values.Count}.", nameof(values));
        }

        double mean = values.Average();
        double sumSquares = values.Sum(v => (v - mean) * (v - mean));
        return new MeasurementSpread(values.Count, values.Min(), values.Max(), Math.Sqrt(sumSquares / (values.Count - 1)));
    }
}
