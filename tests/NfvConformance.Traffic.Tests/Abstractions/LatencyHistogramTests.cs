// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Traffic;

namespace NfvConformance.Traffic.Tests.Abstractions;

public sealed class LatencyHistogramTests
{
    [Test]
    public void Record_SmallValues_AreExact()
    {
        LatencyHistogram h = new(3);
        for (int v = 1; v <= 100; v++)
        {
            h.Record(v);
        }

        Assert.Multiple(() =>
        {
            Assert.That(h.ValueAtPercentile(50), Is.EqualTo(50));
            Assert.That(h.ValueAtPercentile(99), Is.EqualTo(99));
            Assert.That(h.Min, Is.EqualTo(1));
            Assert.That(h.Max, Is.EqualTo(100));
            Assert.That(h.Mean, Is.EqualTo(50.5));
        });
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(4)]
    public void BucketOfValue_AnyValue_WidthWithinPrecision(int digits)
    {
        LatencyHistogram h = new(digits, 10_000_000_000);
        Random rng = new(digits);

        for (int i = 0; i < 10_000; i++)
        {
            long v = (long)Math.Exp(rng.NextDouble() * Math.Log(1e10));
            (long low, long width) = h.BucketOfValue(v);
            Assert.That(v, Is.InRange(low, low + width - 1));
            // Width 1 is exact; wider buckets start at >= 2^(b-1) times their width, 2^b >= 2*10^digits.
            Assert.That(width == 1 || (double)width / low <= Math.Pow(10, -digits), Is.True, $"value {v}: bucket [{low}, +{width})");
        }
    }

    [Test]
    public void ValueAtPercentile_RandomData_WithinPrecisionOfSortedArray()
    {
        LatencyHistogram h = new(3);
        Random rng = new(7);
        long[] values = new long[100_000];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = 5_000 + (long)(rng.NextDouble() * rng.NextDouble() * 2_000_000);
            h.Record(values[i]);
        }

        Array.Sort(values);

        foreach (double p in new[] { 50.0, 90, 99, 99.9, 99.99 })
        {
            long exact = values[(int)Math.Ceiling(p / 100 * values.Length) - 1];
            Assert.That(h.ValueAtPercentile(p), Is.EqualTo((double)exact).Within(0.1).Percent, $"p{p}");
        }
    }

    [Test]
    public void ValuesAtPercentiles_OnePass_EqualsOneByOne()
    {
        LatencyHistogram h = new(3);
        Random rng = new(9);
        for (int i = 0; i < 50_000; i++)
        {
            h.Record((long)(1_000 * Math.Exp(rng.NextDouble() * 8)));
        }

        double[] ps = [0, 1, 50, 90, 99, 99.9, 99.99, 100];
        double[] values = new double[ps.Length];
        h.ValuesAtPercentiles(ps, values);

        Assert.That(values, Is.EqualTo(ps.Select(h.ValueAtPercentile).ToArray()));
    }

    [Test]
    public void ValuesAtPercentiles_NotAscending_Throws()
    {
        Assert.Throws<ArgumentException>(() => new LatencyHistogram().ValuesAtPercentiles([90, 50], new double[2]));
    }

    [Test]
    public void Merge_TwoHalves_EqualsOneWhole()
    {
        LatencyHistogram whole = new();
        LatencyHistogram a = new();
        LatencyHistogram b = new();
        Random rng = new(3);
        for (int i = 0; i < 10_000; i++)
        {
            long v = rng.Next(1, 10_000_000);
            whole.Record(v);
            (i % 2 == 0 ? a : b).Record(v);
        }

        a.Merge(b);

        Assert.Multiple(() =>
        {
            Assert.That(a.Count, Is.EqualTo(whole.Count));
            Assert.That(a.Min, Is.EqualTo(whole.Min));
            Assert.That(a.Max, Is.EqualTo(whole.Max));
            Assert.That(a.ToBytes(), Is.EqualTo(whole.ToBytes()));
        });
    }

    [Test]
    public void Merge_DifferentLayout_Throws()
    {
        Assert.Throws<ArgumentException>(() => new LatencyHistogram(3).Merge(new LatencyHistogram(2)));
    }

    [Test]
    public void FromBase64_OfToBase64_RoundTrips()
    {
        LatencyHistogram h = new(2, 1_000_000);
        h.Record(10);
        h.Record(123_456, 5);
        h.Record(999_999);

        LatencyHistogram back = LatencyHistogram.FromBase64(h.ToBase64());

        Assert.Multiple(() =>
        {
            Assert.That(back.ToSummaryMicroseconds(), Is.EqualTo(h.ToSummaryMicroseconds()));
            Assert.That(back.SignificantDigits, Is.EqualTo(2));
            Assert.That(back.ToBytes(), Is.EqualTo(h.ToBytes()));
        });
    }

    [Test]
    public void FromBytes_Truncated_ThrowsFormat()
    {
        LatencyHistogram h = new();
        h.Record(1_000_000);
        byte[] bytes = h.ToBytes();

        Assert.Throws<FormatException>(() => LatencyHistogram.FromBytes(bytes.AsSpan(0, bytes.Length - 1)));
    }

    [Test]
    public void Record_AboveHighest_ClampsAndCountsSaturated()
    {
        LatencyHistogram h = new(3, 1000);

        h.Record(5000);

        Assert.Multiple(() =>
        {
            Assert.That(h.Saturated, Is.EqualTo(1));
            Assert.That(h.Max, Is.EqualTo(1000));
        });
    }

    [Test]
    public void Record_Negative_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LatencyHistogram().Record(-1));
    }

    [Test]
    public void DelayVariation_AlternatingDelays_IpdvAndPdvMatchDefinitions()
    {
        DelayVariationRecorder r = new();
        for (int i = 0; i < 1000; i++)
        {
            r.Record(i, i % 2 == 0 ? 10_000 : 12_000);
        }

        DelayVariationSummary s = r.ToSummaryMicroseconds();

        Assert.Multiple(() =>
        {
            Assert.That(s.IpdvPairs, Is.EqualTo(999));
            Assert.That(s.IpdvMeanAbsUs, Is.EqualTo(2.0).Within(0.002));
            Assert.That(s.PdvP99Us, Is.EqualTo(2.0).Within(0.002));
            Assert.That(s.PdvP50Us, Is.EqualTo(0).Within(0.01), "bucket midpoint at 10 us is 3.5 ns above the minimum");
        });
    }

    [Test]
    public void DelayVariation_Gap_BreaksThePair()
    {
        DelayVariationRecorder r = new();
        r.Record(0, 1000);
        r.Record(2, 5000);

        Assert.That(r.IpdvMagnitudes.Count, Is.Zero);
    }
}
