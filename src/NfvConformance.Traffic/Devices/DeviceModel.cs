// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Traffic.Devices;

/// <summary>How an emulated device's latency spreads around its load-dependent mean.</summary>
public enum JitterKind
{
    /// <summary>No spread: every packet sees the same latency.</summary>
    None = 0,

    /// <summary>Multiplier uniform on [1 - sigma, 1 + sigma].</summary>
    Uniform,

    /// <summary>Multiplier exp(sigma * Z), Z standard normal (median 1).</summary>
    Lognormal,
}

/// <summary>What happens to traffic offered above capacity.</summary>
public enum AboveCapacityLoss
{
    /// <summary>The excess is dropped: the device forwards its capacity (rx = capacity / offered of the frames).</summary>
    Proportional = 0,
}

/// <summary>
/// An emulated device under test read from a DUT file (see docs/measurement.md): capacity per direction,
/// background loss, a latency model, and the seed of everything random.
/// </summary>
public sealed record DeviceModel
{
    /// <summary>Gets the device's name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the port speed in Gb/s.</summary>
    public required double LineRateGbps { get; init; }

    /// <summary>Gets the loss-free forwarding capacity per direction, by frame size (one entry: all sizes).</summary>
    public required IReadOnlyDictionary<int, double> CapacityPps { get; init; }

    /// <summary>Gets the loss ratio independent of load.</summary>
    public double BackgroundLossRatio { get; init; }

    /// <summary>Gets what happens above capacity.</summary>
    public AboveCapacityLoss AboveCapacity { get; init; } = AboveCapacityLoss.Proportional;

    /// <summary>Gets the latency at no load, in microseconds.</summary>
    public double BaseLatencyUs { get; init; } = 10;

    /// <summary>Gets the latency added at 100 % of capacity (linear in utilisation, flat above), in microseconds.</summary>
    public double LoadFactorUs { get; init; }

    /// <summary>Gets the latency spread.</summary>
    public JitterKind Jitter { get; init; } = JitterKind.None;

    /// <summary>Gets the spread parameter (uniform half-width or lognormal sigma).</summary>
    public double Sigma { get; init; }

    /// <summary>Gets the frames the device buffers before dropping (back-to-back tests).</summary>
    public long BufferFrames { get; init; } = 4096;

    /// <summary>Gets the seed.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Gets the line rate in bits per second.</summary>
    public double LineRateBitsPerSecond => LineRateGbps * 1e9;

    /// <summary>The capacity for one frame size: exact entry, linear interpolation between entries, nearest entry outside.</summary>
    /// <param name="frameSize">Bytes including FCS.</param>
    /// <returns>Packets per second per direction.</returns>
    public double CapacityAt(int frameSize)
    {
        if (CapacityPps.TryGetValue(frameSize, out double exact))
        {
            return exact;
        }

        int[] sizes = [.. CapacityPps.Keys.Order()];
        if (frameSize <= sizes[0])
        {
            return CapacityPps[sizes[0]];
        }

        if (frameSize >= sizes[^1])
        {
            return CapacityPps[sizes[^1]];
        }

        int hi = Array.FindIndex(sizes, s => s > frameSize);
        int a = sizes[hi - 1];
        int b = sizes[hi];
        double t = (frameSize - a) / (double)(b - a);
        return CapacityPps[a] + (t * (CapacityPps[b] - CapacityPps[a]));
    }

    /// <summary>The capacity for a packet mix: each packet of size s takes 1/capacity(s) seconds of the device.</summary>
    /// <param name="mix">Sizes and packet weights.</param>
    /// <returns>Packets per second per direction.</returns>
    public double CapacityFor(NfvConformance.Abstractions.Traffic.FrameSizeMix mix)
    {
        ArgumentNullException.ThrowIfNull(mix);
        double secondsPerPacket = 0;
        foreach (NfvConformance.Abstractions.Traffic.FrameSizeWeight e in mix.Entries)
        {
            secondsPerPacket += e.Weight / (double)mix.TotalWeight / CapacityAt(e.Size);
        }

        return 1.0 / secondsPerPacket;
    }

    /// <summary>
    /// The true highest rate per direction whose expected loss ratio stays at or below a threshold:
    /// min(line rate, capacity · (1 - background) / (1 - threshold)); 0 when background loss alone exceeds it.
    /// </summary>
    /// <param name="mix">Frame sizes.</param>
    /// <param name="lossThreshold">Loss ratio (not percent).</param>
    /// <returns>Packets per second.</returns>
    public double TrueRateAtLoss(NfvConformance.Abstractions.Traffic.FrameSizeMix mix, double lossThreshold)
    {
        ArgumentNullException.ThrowIfNull(mix);
        double line = NfvConformance.Abstractions.Traffic.TrafficRate.LineRatePps(LineRateBitsPerSecond, mix.MeanFrameSize);
        if (BackgroundLossRatio > lossThreshold)
        {
            return 0;
        }

        return Math.Min(line, CapacityFor(mix) * (1 - BackgroundLossRatio) / (1 - lossThreshold));
    }
}
