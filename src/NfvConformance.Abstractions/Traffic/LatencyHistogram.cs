// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Abstractions.Traffic;

/// <summary>
/// A log-linear histogram of non-negative integer values (latency in nanoseconds), laid out as HdrHistogram:
/// values below 2^b are counted exactly; above, each power-of-two range is split into 2^(b-1) equal sub-buckets,
/// where 2^b is the smallest power of two at or above 2·10^digits. Every value is so kept within a relative error
/// of 10^-digits. Exact min, max and sum are kept beside the buckets. Mergeable with a histogram of the same
/// layout, and serializable to a compact byte form (and Base64 for JSON). Not thread-safe.
/// </summary>
public sealed class LatencyHistogram
{
    private const uint SerialMagic = 0x4C48_4931; // "LHI1"
    private readonly long[] _counts;
    private readonly int _subBucketBits;
    private readonly int _halfCount;
    private readonly long _highest;
    private long _count;
    private long _min;
    private long _max;
    private double _sum;
    private long _saturated;

    /// <summary>Creates an empty histogram.</summary>
    /// <param name="significantDigits">Decimal digits kept, 1..5 (3 keeps every value within 0.1 %).</param>
    /// <param name="highestTrackableValue">The largest value that can be recorded (default: 60 s in nanoseconds).</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range.</exception>
    public LatencyHistogram(int significantDigits = 3, long highestTrackableValue = 60_000_000_000)
    {
        if (significantDigits is < 1 or > 5)
        {
            ThrowHelper.ThrowOutOfRange(nameof(significantDigits), significantDigits, "1..5");
        }

        if (highestTrackableValue < 2)
        {
            ThrowHelper.ThrowOutOfRange(nameof(highestTrackableValue), highestTrackableValue, ">= 2");
        }

        SignificantDigits = significantDigits;
        HighestTrackableValue = highestTrackableValue;
        _highest = highestTrackableValue;
        long largestExact = 2 * (long)Math.Pow(10, significantDigits);
        _subBucketBits = 64 - BitOperations.LeadingZeroCount((ulong)(largestExact - 1));
        _halfCount = 1 << (_subBucketBits - 1);
        _counts = new long[IndexOf(highestTrackableValue) + 1];
        _min = long.MaxValue;
    }

    /// <summary>Gets the decimal digits of precision.</summary>
    public int SignificantDigits { get; }

    /// <summary>Gets the largest recordable value.</summary>
    public long HighestTrackableValue { get; }

    /// <summary>Gets the number of values recorded.</summary>
    public long Count => _count;

    /// <summary>Gets the smallest value recorded (exact), or <see cref="long.MaxValue"/> when empty.</summary>
    public long Min => _min;

    /// <summary>Gets the largest value recorded (exact), or 0 when empty.</summary>
    public long Max => _max;

    /// <summary>Gets the sum of the values recorded (exact up to double precision).</summary>
    public double Sum => _sum;

    /// <summary>Gets the values recorded above <see cref="HighestTrackableValue"/> (counted in the top bucket).</summary>
    public long Saturated => _saturated;

    /// <summary>Gets the arithmetic mean, or 0 when empty.</summary>
    public double Mean => Count == 0 ? 0 : Sum / Count;

    /// <summary>Records one value.</summary>
    /// <param name="value">A value &gt;= 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Record(long value) => Record(value, 1);

    /// <summary>Records a value several times.</summary>
    /// <param name="value">A value &gt;= 0; above <see cref="HighestTrackableValue"/> it is clamped and counted in <see cref="Saturated"/>.</param>
    /// <param name="count">How many times (&gt;= 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or the count below 1.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Record(long value, long count)
    {
        if (value < 0)
        {
            ThrowHelper.ThrowOutOfRange(nameof(value), value, ">= 0");
        }

        if (count < 1)
        {
            ThrowHelper.ThrowOutOfRange(nameof(count), count, ">= 1");
        }

        if (value > _highest)
        {
            _saturated += count;
            value = _highest;
        }

        _counts[IndexOf(value)] += count;
        _count += count;
        _sum += (double)value * count;
        if (value < _min)
        {
            _min = value;
        }

        if (value > _max)
        {
            _max = value;
        }
    }

    /// <summary>The value at a percentile: the midpoint of the bucket holding it, clamped to the exact min and max.</summary>
    /// <param name="percentile">0..100.</param>
    /// <returns>The value, or 0 when empty.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The percentile is outside 0..100.</exception>
    public double ValueAtPercentile(double percentile)
    {
        if (!(percentile >= 0 && percentile <= 100))
        {
            ThrowHelper.ThrowOutOfRange(nameof(percentile), percentile, "0..100");
        }

        if (_count == 0)
        {
            return 0;
        }

        // The rank of the requested value, 1-based, as HdrHistogram counts it.
        long rank = Math.Max(1, (long)Math.Ceiling(percentile / 100.0 * _count));
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                (long low, long width) = BucketOf(i);
                double mid = low + ((width - 1) / 2.0);
                return Math.Clamp(mid, _min, _max);
            }
        }

        return _max;
    }

    /// <summary>Several percentiles in one pass over the buckets, with the same rule as <see cref="ValueAtPercentile"/>.</summary>
    /// <param name="percentiles">Percentiles in ascending order, each 0..100.</param>
    /// <param name="values">Receives one value per percentile (0 when empty).</param>
    /// <exception cref="ArgumentException">The spans differ in length or the percentiles are not ascending within 0..100.</exception>
    public void ValuesAtPercentiles(ReadOnlySpan<double> percentiles, Span<double> values)
    {
        if (values.Length != percentiles.Length)
        {
            throw new ArgumentException($"values has {values.Length} slots for {percentiles.Length} percentiles.", nameof(values));
        }

        for (int k = 0; k < percentiles.Length; k++)
        {
            if (!(percentiles[k] >= 0 && percentiles[k] <= 100) || (k > 0 && percentiles[k] < percentiles[k - 1]))
            {
                throw new ArgumentException($"percentiles must ascend within 0..100; got {percentiles[k]} at {k}.", nameof(percentiles));
            }
        }

        values.Clear();
        if (_count == 0)
        {
            return;
        }

        int next = 0;
        long seen = 0;
        for (int i = 0; i < _counts.Length && next < percentiles.Length; i++)
        {
            seen += _counts[i];
            while (next < percentiles.Length && seen >= Math.Max(1, (long)Math.Ceiling(percentiles[next] / 100.0 * _count)))
            {
                (long low, long width) = BucketOf(i);
                values[next++] = Math.Clamp(low + ((width - 1) / 2.0), _min, _max);
            }
        }

        for (; next < percentiles.Length; next++)
        {
            values[next] = _max;
        }
    }

    /// <summary>Adds every count of another histogram of the same layout to this one.</summary>
    /// <param name="other">The other histogram.</param>
    /// <exception cref="ArgumentException">The layouts differ (digits or highest trackable value).</exception>
    public void Merge(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.SignificantDigits != SignificantDigits || other.HighestTrackableValue != HighestTrackableValue)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"cannot merge a histogram of {other.SignificantDigits} digits up to {other.HighestTrackableValue} into one of {SignificantDigits} digits up to {HighestTrackableValue}; create both with the same layout."),
                nameof(other));
        }

        for (int i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        if (other.Count > 0)
        {
            _min = Math.Min(_min, other.Min);
            _max = Math.Max(_max, other.Max);
        }

        _count += other.Count;
        _sum += other.Sum;
        _saturated += other.Saturated;
    }

    /// <summary>A summary in microseconds (values recorded in nanoseconds).</summary>
    /// <returns>Min, mean, max and the percentiles.</returns>
    public LatencySummary ToSummaryMicroseconds()
    {
        const double Us = 1000.0;
        if (Count == 0)
        {
            return LatencySummary.Empty;
        }

        Span<double> p = stackalloc double[5];
        ValuesAtPercentiles([50, 90, 99, 99.9, 99.99], p);
        return new LatencySummary(Count, Min / Us, Mean / Us, Max / Us, p[0] / Us, p[1] / Us, p[2] / Us, p[3] / Us, p[4] / Us);
    }

    /// <summary>Serializes to bytes: a header, then (index gap, count) pairs as LEB128 varints for the non-empty buckets.</summary>
    /// <returns>The bytes.</returns>
    public byte[] ToBytes()
    {
        using MemoryStream ms = new();
        Span<byte> header = stackalloc byte[52];
        BinaryPrimitives.WriteUInt32LittleEndian(header, SerialMagic);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], SignificantDigits);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], HighestTrackableValue);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], Count);
        BinaryPrimitives.WriteInt64LittleEndian(header[24..], Min);
        BinaryPrimitives.WriteInt64LittleEndian(header[32..], Max);
        BinaryPrimitives.WriteDoubleLittleEndian(header[40..], Sum);
        BinaryPrimitives.WriteInt32LittleEndian(header[48..], (int)Math.Min(int.MaxValue, Saturated));
        ms.Write(header);
        int last = -1;
        for (int i = 0; i < _counts.Length; i++)
        {
            if (_counts[i] != 0)
            {
                WriteVarint(ms, (ulong)(i - last));
                WriteVarint(ms, (ulong)_counts[i]);
                last = i;
            }
        }

        return ms.ToArray();
    }

    /// <summary>Serializes to Base64 (of <see cref="ToBytes"/>), for JSON reports.</summary>
    /// <returns>The text.</returns>
    public string ToBase64() => Convert.ToBase64String(ToBytes());

    /// <summary>Reads a histogram written by <see cref="ToBytes"/>.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The histogram.</returns>
    /// <exception cref="FormatException">The bytes are not a serialized histogram or are inconsistent.</exception>
    public static LatencyHistogram FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 52 || BinaryPrimitives.ReadUInt32LittleEndian(bytes) != SerialMagic)
        {
            throw new FormatException("not a serialized LatencyHistogram (bad magic or too short).");
        }

        int digits = BinaryPrimitives.ReadInt32LittleEndian(bytes[4..]);
        long highest = BinaryPrimitives.ReadInt64LittleEndian(bytes[8..]);
        if (digits is < 1 or > 5 || highest < 2)
        {
            throw new FormatException($"serialized LatencyHistogram has an invalid layout ({digits} digits, highest {highest}).");
        }

        LatencyHistogram h = new(digits, highest)
        {
            _count = BinaryPrimitives.ReadInt64LittleEndian(bytes[16..]),
            _min = BinaryPrimitives.ReadInt64LittleEndian(bytes[24..]),
            _max = BinaryPrimitives.ReadInt64LittleEndian(bytes[32..]),
            _sum = BinaryPrimitives.ReadDoubleLittleEndian(bytes[40..]),
            _saturated = BinaryPrimitives.ReadInt32LittleEndian(bytes[48..]),
        };
        int pos = 52;
        long index = -1;
        long total = 0;
        while (pos < bytes.Length)
        {
            index += (long)ReadVarint(bytes, ref pos);
            long count = (long)ReadVarint(bytes, ref pos);
            if (index >= h._counts.Length || count <= 0)
            {
                throw new FormatException($"serialized LatencyHistogram has bucket {index} with count {count}, outside its layout.");
            }

            h._counts[index] = count;
            total += count;
        }

        if (total != h.Count)
        {
            throw new FormatException($"serialized LatencyHistogram counts sum to {total}, header says {h.Count}.");
        }

        return h;
    }

    /// <summary>Reads a histogram written by <see cref="ToBase64"/>.</summary>
    /// <param name="base64">The text.</param>
    /// <returns>The histogram.</returns>
    /// <exception cref="FormatException">The text is not a serialized histogram.</exception>
    public static LatencyHistogram FromBase64(string base64) => FromBytes(Convert.FromBase64String(base64));

    /// <summary>Gets the lowest value and width of the bucket a value falls in (for tests and exporters).</summary>
    /// <param name="value">A value in range.</param>
    /// <returns>The bucket's lowest value and width.</returns>
    public (long Low, long Width) BucketOfValue(long value) => BucketOf(IndexOf(value));

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.AggressiveInlining)]
    private int IndexOf(long value)
    {
        // bucket = how far the value's top bit is above the exact range; sub = the value's top b bits.
        int msb = 63 - BitOperations.LeadingZeroCount((ulong)value | 1UL);
        int bucket = Math.Max(0, msb - (_subBucketBits - 1));
        long sub = value >> bucket;
        return (int)((bucket << (_subBucketBits - 1)) + sub);
    }

    private (long Low, long Width) BucketOf(int index)
    {
        if (index < 2 * _halfCount)
        {
            return (index, 1);
        }

        int bucket = (index >> (_subBucketBits - 1)) - 1;
        long sub = (index & (_halfCount - 1)) + _halfCount;
        return (sub << bucket, 1L << bucket);
    }

    private static void WriteVarint(Stream s, ulong v)
    {
        while (v >= 0x80)
        {
            s.WriteByte((byte)(v | 0x80));
            v >>= 7;
        }

        s.WriteByte((byte)v);
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> bytes, ref int pos)
    {
        ulong v = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (pos >= bytes.Length)
            {
                throw new FormatException("serialized LatencyHistogram is truncated inside a varint.");
            }

            byte b = bytes[pos++];
            v |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return v;
            }
        }

        throw new FormatException("serialized LatencyHistogram has a varint longer than 64 bits.");
    }
}

/// <summary>Latency figures in microseconds.</summary>
/// <param name="Count">Samples.</param>
/// <param name="MinUs">Minimum.</param>
/// <param name="MeanUs">Arithmetic mean.</param>
/// <param name="MaxUs">Maximum.</param>
/// <param name="P50Us">Median.</param>
/// <param name="P90Us">90th percentile.</param>
/// <param name="P99Us">99th percentile.</param>
/// <param name="P999Us">99.9th percentile.</param>
/// <param name="P9999Us">99.99th percentile.</param>
public sealed record LatencySummary(long Count, double MinUs, double MeanUs, double MaxUs, double P50Us, double P90Us, double P99Us, double P999Us, double P9999Us)
{
    /// <summary>Gets the summary of no samples.</summary>
    public static LatencySummary Empty { get; } = new(0, 0, 0, 0, 0, 0, 0, 0, 0);
}
