// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Abstractions.Traffic;

/// <summary>One frame size of a mix and its weight in packets.</summary>
/// <param name="Size">Ethernet frame size in bytes including the FCS (64..9216).</param>
/// <param name="Weight">Relative number of packets of this size (&gt; 0).</param>
public readonly record struct FrameSizeWeight(int Size, int Weight);

/// <summary>
/// The frame sizes a stream sends: one size, IMIX (64/594/1518 B at 7:4:1, as NFVbench) or a custom mix.
/// Weights count packets, not bytes.
/// </summary>
public sealed class FrameSizeMix
{
    /// <summary>The smallest Ethernet frame, FCS included.</summary>
    public const int MinFrameSize = 64;

    /// <summary>The largest jumbo frame accepted, FCS included.</summary>
    public const int MaxFrameSize = 9216;

    /// <summary>The frame sizes of RFC 2544 section 9 for Ethernet.</summary>
    public static readonly IReadOnlyList<int> Rfc2544FrameSizes = [64, 128, 256, 512, 1024, 1280, 1518];

    private FrameSizeMix(string name, IReadOnlyList<FrameSizeWeight> entries)
    {
        Name = name;
        Entries = entries;
        long weights = 0;
        double bytes = 0;
        foreach (FrameSizeWeight e in entries)
        {
            weights += e.Weight;
            bytes += (double)e.Size * e.Weight;
        }

        TotalWeight = weights;
        MeanFrameSize = bytes / weights;
    }

    /// <summary>Gets IMIX: 64, 594 and 1518 bytes at 7:4:1 (mean 361.83 B).</summary>
    public static FrameSizeMix Imix { get; } = new("IMIX", [new(64, 7), new(594, 4), new(1518, 1)]);

    /// <summary>Gets the mix's name (<c>64</c>, <c>IMIX</c> or the custom name).</summary>
    public string Name { get; }

    /// <summary>Gets the sizes and weights.</summary>
    public IReadOnlyList<FrameSizeWeight> Entries { get; }

    /// <summary>Gets the sum of the weights.</summary>
    public long TotalWeight { get; }

    /// <summary>Gets the packet-weighted mean frame size in bytes including FCS.</summary>
    public double MeanFrameSize { get; }

    /// <summary>A single frame size.</summary>
    /// <param name="size">Bytes including FCS, 64..9216.</param>
    /// <returns>The mix.</returns>
    /// <exception cref="ConfigurationException">The size is out of range.</exception>
    public static FrameSizeMix Single(int size)
    {
        EnsureSize(size, "frame size");
        return new FrameSizeMix(size.ToString(CultureInfo.InvariantCulture), [new(size, 1)]);
    }

    /// <summary>A custom mix.</summary>
    /// <param name="name">A name for reports.</param>
    /// <param name="entries">Sizes and packet weights.</param>
    /// <returns>The mix.</returns>
    /// <exception cref="ConfigurationException">A size or weight is out of range, or the mix is empty.</exception>
    public static FrameSizeMix Custom(string name, IReadOnlyList<FrameSizeWeight> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            ThrowHelper.ThrowConfiguration($"frame size mix '{name}' is empty: give at least one size:weight.");
        }

        foreach (FrameSizeWeight e in entries)
        {
            EnsureSize(e.Size, $"frame size mix '{name}'");
            if (e.Weight <= 0)
            {
                ThrowHelper.ThrowConfiguration($"frame size mix '{name}': weight {e.Weight} for {e.Size} B must be > 0.");
            }
        }

        return new FrameSizeMix(name, [.. entries]);
    }

    /// <summary>Parses <c>64</c>, <c>IMIX</c> or <c>64:7,594:4,1518:1</c>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The mix.</returns>
    /// <exception cref="ConfigurationException">The text is not one of those forms or a value is out of range.</exception>
    public static FrameSizeMix Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim();
        if (t.Equals("IMIX", StringComparison.OrdinalIgnoreCase))
        {
            return Imix;
        }

        if (int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out int single))
        {
            return Single(single);
        }

        List<FrameSizeWeight> entries = [];
        foreach (string part in t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] sw = part.Split(':');
            if (sw.Length != 2
                || !int.TryParse(sw[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int size)
                || !int.TryParse(sw[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int weight))
            {
                ThrowHelper.ThrowConfiguration($"frame size '{text}' is not understood: use a size (64), IMIX, or size:weight pairs such as 64:7,594:4,1518:1.");
                return null!;
            }

            entries.Add(new FrameSizeWeight(size, weight));
        }

        return Custom(t, entries);
    }

    /// <summary>Picks the frame size of the packet with the given index so the mix repeats exactly every <see cref="TotalWeight"/> packets.</summary>
    /// <param name="packetIndex">The packet's index in the stream.</param>
    /// <returns>Its frame size.</returns>
    public int SizeAt(long packetIndex)
    {
        long slot = packetIndex % TotalWeight;
        foreach (FrameSizeWeight e in Entries)
        {
            if (slot < e.Weight)
            {
                return e.Size;
            }

            slot -= e.Weight;
        }

        return Entries[^1].Size;
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    private static void EnsureSize(int size, string subject)
    {
        if (size < MinFrameSize || size > MaxFrameSize)
        {
            ThrowHelper.ThrowConfiguration($"{subject}: {size} B is outside {MinFrameSize}..{MaxFrameSize} (Ethernet frame including the 4-byte FCS).");
        }
    }
}
