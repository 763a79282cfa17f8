// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Abstractions.Traffic;

/// <summary>The unit of a <see cref="TrafficRate"/>.</summary>
public enum RateUnit
{
    /// <summary>Packets per second.</summary>
    PacketsPerSecond = 0,

    /// <summary>Percent of the port's line rate, counted at layer 1 as TRex does.</summary>
    PercentOfLineRate,

    /// <summary>Bits per second at layer 1: frame (with FCS) plus 20 bytes of preamble, SFD and inter-frame gap.</summary>
    BitsPerSecondL1,

    /// <summary>Bits per second at layer 2: the frame including its 4-byte FCS.</summary>
    BitsPerSecondL2,
}

/// <summary>
/// An offered rate per direction, in one of the units TRex and NFVbench accept. Frame sizes are Ethernet frame
/// sizes that include the 4-byte FCS (a 64-byte frame is 60 bytes of header and payload); layer 1 adds 20 bytes
/// per frame (8 preamble and SFD, 12 inter-frame gap), so a 10 Gb/s port carries 14,880,952 64-byte frames per second.
/// </summary>
public readonly record struct TrafficRate
{
    /// <summary>Layer-1 overhead per frame in bytes: 7 preamble, 1 SFD, 12 inter-frame gap.</summary>
    public const int L1OverheadBytes = 20;

    /// <summary>The Ethernet frame check sequence, counted in every frame size.</summary>
    public const int FcsBytes = 4;

    /// <summary>Creates a rate.</summary>
    /// <param name="value">The amount; must be finite and not negative.</param>
    /// <param name="unit">Its unit.</param>
    /// <exception cref="ConfigurationException"><paramref name="value"/> is negative, NaN or infinite.</exception>
    public TrafficRate(double value, RateUnit unit)
    {
        if (!double.IsFinite(value) || value < 0)
        {
            ThrowHelper.ThrowConfiguration($"traffic rate {value.ToString(CultureInfo.InvariantCulture)} {unit} is invalid: a rate must be a finite number >= 0.");
        }

        Value = value;
        Unit = unit;
    }

    /// <summary>Gets the amount.</summary>
    public double Value { get; }

    /// <summary>Gets the unit.</summary>
    public RateUnit Unit { get; }

    /// <summary>A rate in packets per second.</summary>
    /// <param name="pps">Packets per second.</param>
    /// <returns>The rate.</returns>
    public static TrafficRate Pps(double pps) => new(pps, RateUnit.PacketsPerSecond);

    /// <summary>A rate in percent of line rate (layer 1).</summary>
    /// <param name="percent">0 to 100.</param>
    /// <returns>The rate.</returns>
    public static TrafficRate PercentOfLine(double percent) => new(percent, RateUnit.PercentOfLineRate);

    /// <summary>Frames per second that fill a link at layer 1.</summary>
    /// <param name="lineRateBitsPerSecond">The link speed.</param>
    /// <param name="meanFrameSize">Mean frame size in bytes including FCS.</param>
    /// <returns>Line rate in frames per second.</returns>
    public static double LineRatePps(double lineRateBitsPerSecond, double meanFrameSize) =>
        lineRateBitsPerSecond / ((meanFrameSize + L1OverheadBytes) * 8.0);

    /// <summary>Converts this rate to packets per second.</summary>
    /// <param name="meanFrameSize">Mean frame size in bytes including FCS (of the stream or mix).</param>
    /// <param name="lineRateBitsPerSecond">The port speed, used by percent of line rate.</param>
    /// <returns>Packets per second.</returns>
    public double ToPps(double meanFrameSize, double lineRateBitsPerSecond) => Unit switch
    {
        RateUnit.PacketsPerSecond => Value,
        RateUnit.PercentOfLineRate => Value / 100.0 * LineRatePps(lineRateBitsPerSecond, meanFrameSize),
        RateUnit.BitsPerSecondL1 => Value / ((meanFrameSize + L1OverheadBytes) * 8.0),
        RateUnit.BitsPerSecondL2 => Value / (meanFrameSize * 8.0),
        _ => throw new ArgumentOutOfRangeException(nameof(Unit), Unit, "unknown rate unit"),
    };

    /// <summary>Converts this rate to percent of line rate at layer 1.</summary>
    /// <param name="meanFrameSize">Mean frame size in bytes including FCS.</param>
    /// <param name="lineRateBitsPerSecond">The port speed.</param>
    /// <returns>Percent of line rate.</returns>
    public double ToPercentOfLine(double meanFrameSize, double lineRateBitsPerSecond) =>
        ToPps(meanFrameSize, lineRateBitsPerSecond) / LineRatePps(lineRateBitsPerSecond, meanFrameSize) * 100.0;

    /// <summary>Converts this rate to layer-1 bits per second (frame + FCS + 20 bytes).</summary>
    /// <param name="meanFrameSize">Mean frame size in bytes including FCS.</param>
    /// <param name="lineRateBitsPerSecond">The port speed.</param>
    /// <returns>Layer-1 bits per second.</returns>
    public double ToBitsPerSecondL1(double meanFrameSize, double lineRateBitsPerSecond) =>
        ToPps(meanFrameSize, lineRateBitsPerSecond) * (meanFrameSize + L1OverheadBytes) * 8.0;

    /// <summary>Converts this rate to layer-2 bits per second (frame including FCS).</summary>
    /// <param name="meanFrameSize">Mean frame size in bytes including FCS.</param>
    /// <param name="lineRateBitsPerSecond">The port speed.</param>
    /// <returns>Layer-2 bits per second.</returns>
    public double ToBitsPerSecondL2(double meanFrameSize, double lineRateBitsPerSecond) =>
        ToPps(meanFrameSize, lineRateBitsPerSecond) * meanFrameSize * 8.0;

    /// <summary>Checks that this rate does not exceed the line rate.</summary>
    /// <param name="meanFrameSize">Mean frame size in bytes including FCS.</param>
    /// <param name="lineRateBitsPerSecond">The port speed.</param>
    /// <param name="subject">Where the rate came from, for the message.</param>
    /// <exception cref="ConfigurationException">The rate is above line rate.</exception>
    public void EnsureWithinLineRate(double meanFrameSize, double lineRateBitsPerSecond, string subject)
    {
        double percent = ToPercentOfLine(meanFrameSize, lineRateBitsPerSecond);
        // A hair of tolerance so 100 % expressed in pps survives floating-point round trips.
        if (percent > 100.0 + 1e-9)
        {
            ThrowHelper.ThrowConfiguration(string.Create(CultureInfo.InvariantCulture,
                $"{subject}: rate {Value} {Unit} is {percent:F3} % of line rate ({lineRateBitsPerSecond / 1e9} Gb/s at {meanFrameSize:F2} B frames); offer at most 100 %."));
        }
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Value} {Unit}");
}
