// Licensed under the Apache License, Version 2.0.
using System.Runtime.CompilerServices;

namespace NfvConformance.Abstractions.Traffic;

/// <summary>
/// Delay variation of one latency stream: RFC 3393 IPDV (difference of one-way delays of consecutive packets in
/// sending order, here kept as magnitudes in a histogram), RFC 5481 PDV (each delay minus the minimum delay, taken
/// from the delay histogram) and the RFC 3550 smoothed jitter (gain 1/16) that TRex reports. Delays in nanoseconds.
/// </summary>
public sealed class DelayVariationRecorder
{
    private long _previousSequence = -1;
    private long _previousDelay;

    /// <summary>Creates a recorder.</summary>
    /// <param name="significantDigits">Precision of the histograms.</param>
    public DelayVariationRecorder(int significantDigits = 3)
    {
        Delays = new LatencyHistogram(significantDigits);
        IpdvMagnitudes = new LatencyHistogram(significantDigits);
    }

    /// <summary>Gets the one-way delays.</summary>
    public LatencyHistogram Delays { get; }

    /// <summary>Gets |IPDV| for each pair of consecutive sequence numbers that both arrived.</summary>
    public LatencyHistogram IpdvMagnitudes { get; }

    /// <summary>Gets the sum of signed IPDV values (close to 0 for a stationary path).</summary>
    public double IpdvSignedSumNs { get; private set; }

    /// <summary>Gets the RFC 3550 interarrival jitter estimate in nanoseconds.</summary>
    public double Rfc3550JitterNs { get; private set; }

    /// <summary>Records the delay of the packet with a sequence number.</summary>
    /// <param name="sequence">The packet's sequence number.</param>
    /// <param name="delayNs">Its one-way delay (&gt;= 0).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Record(long sequence, long delayNs)
    {
        Delays.Record(delayNs);
        // RFC 3393 selects consecutive packets; a gap (loss) or reordering breaks the pair.
        if (sequence == _previousSequence + 1 && _previousSequence >= 0)
        {
            long ipdv = delayNs - _previousDelay;
            IpdvMagnitudes.Record(Math.Abs(ipdv));
            IpdvSignedSumNs += ipdv;
            Rfc3550JitterNs += (Math.Abs(ipdv) - Rfc3550JitterNs) / 16.0;
        }

        if (sequence > _previousSequence)
        {
            _previousSequence = sequence;
            _previousDelay = delayNs;
        }
    }

    /// <summary>Adds another stream's figures (histograms merged, jitter as the packet-weighted mean of the two).</summary>
    /// <param name="other">The other recorder, of the same precision.</param>
    public void Merge(DelayVariationRecorder other)
    {
        ArgumentNullException.ThrowIfNull(other);
        long a = IpdvMagnitudes.Count;
        long b = other.IpdvMagnitudes.Count;
        Delays.Merge(other.Delays);
        IpdvMagnitudes.Merge(other.IpdvMagnitudes);
        IpdvSignedSumNs += other.IpdvSignedSumNs;
        Rfc3550JitterNs = a + b == 0 ? 0 : ((Rfc3550JitterNs * a) + (other.Rfc3550JitterNs * b)) / (a + b);
    }

    /// <summary>Summarises in microseconds.</summary>
    /// <returns>The summary.</returns>
    public DelayVariationSummary ToSummaryMicroseconds()
    {
        const double Us = 1000.0;
        double min = Delays.Count == 0 ? 0 : Delays.Min;
        return new DelayVariationSummary(
            IpdvMagnitudes.Count,
            IpdvMagnitudes.Mean / Us,
            IpdvMagnitudes.ValueAtPercentile(99) / Us,
            IpdvMagnitudes.Count == 0 ? 0 : IpdvMagnitudes.Max / Us,
            Delays.Count == 0 ? 0 : (Delays.ValueAtPercentile(50) - min) / Us,
            Delays.Count == 0 ? 0 : (Delays.ValueAtPercentile(99) - min) / Us,
            Delays.Count == 0 ? 0 : (Delays.ValueAtPercentile(99.9) - min) / Us,
            Rfc3550JitterNs / Us);
    }
}

/// <summary>Delay variation figures in microseconds.</summary>
/// <param name="IpdvPairs">Consecutive pairs measured (RFC 3393).</param>
/// <param name="IpdvMeanAbsUs">Mean |IPDV|.</param>
/// <param name="IpdvP99AbsUs">99th percentile of |IPDV|.</param>
/// <param name="IpdvMaxAbsUs">Largest |IPDV|.</param>
/// <param name="PdvP50Us">Median delay minus minimum delay (RFC 5481 PDV).</param>
/// <param name="PdvP99Us">99th percentile delay minus minimum delay.</param>
/// <param name="PdvP999Us">99.9th percentile delay minus minimum delay (RFC 8219's PDV).</param>
/// <param name="Rfc3550JitterUs">RFC 3550 smoothed jitter, as TRex reports it.</param>
public sealed record DelayVariationSummary(long IpdvPairs, double IpdvMeanAbsUs, double IpdvP99AbsUs, double IpdvMaxAbsUs, double PdvP50Us, double PdvP99Us, double PdvP999Us, double Rfc3550JitterUs)
{
    /// <summary>Gets the summary of no samples.</summary>
    public static DelayVariationSummary Empty { get; } = new(0, 0, 0, 0, 0, 0, 0, 0);
}
