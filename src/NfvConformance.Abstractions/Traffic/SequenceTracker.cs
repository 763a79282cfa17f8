// Licensed under the Apache License, Version 2.0.
using System.Runtime.CompilerServices;

namespace NfvConformance.Abstractions.Traffic;

/// <summary>
/// Tells loss, reordering and duplicates apart from the sequence numbers of one latency stream as packets arrive.
/// A window of the last <see cref="WindowSize"/> sequence numbers remembers which arrived, so a late packet inside
/// the window is counted out of order (and no longer lost) and a second copy is counted duplicate.
/// Not thread-safe: one tracker per receive queue, summed when read.
/// </summary>
public sealed class SequenceTracker
{
    /// <summary>How many recent sequence numbers are remembered.</summary>
    public const int WindowSize = 1 << 16;

    private readonly ulong[] _seen = new ulong[WindowSize / 64];
    private long _expected;
    private bool _started;
    private long _received;
    private long _outOfOrder;
    private long _duplicates;
    private long _tooOld;
    private long _missing;

    /// <summary>Gets the packets received, duplicates included.</summary>
    public long Received => _received;

    /// <summary>Gets the packets that arrived after a higher sequence number had arrived.</summary>
    public long OutOfOrder => _outOfOrder;

    /// <summary>Gets the packets that arrived a second time.</summary>
    public long Duplicates => _duplicates;

    /// <summary>Gets the packets older than the window (neither counted lost nor duplicate with certainty).</summary>
    public long TooOld => _tooOld;

    /// <summary>Gets the sequence numbers skipped and not (yet) seen.</summary>
    public long Missing => _missing;

    /// <summary>Gets the highest sequence number seen plus one (the count the sender sent at least).</summary>
    public long NextExpected => _expected;

    /// <summary>Records one arrival.</summary>
    /// <param name="sequence">The packet's sequence number (the stream starts at 0).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Record(long sequence)
    {
        _received++;
        if (!_started)
        {
            _started = true;
            _missing += sequence;
            Mark(sequence);
            _expected = sequence + 1;
            return;
        }

        if (sequence >= _expected)
        {
            // Clear the window slots that the gap re-uses, so stale bits never read as "seen".
            long clearFrom = Math.Max(_expected, sequence - WindowSize + 1);
            for (long s = clearFrom; s < sequence; s++)
            {
                Clear(s);
            }

            _missing += sequence - _expected;
            Mark(sequence);
            _expected = sequence + 1;
            return;
        }

        if (_expected - sequence > WindowSize)
        {
            _tooOld++;
            return;
        }

        if (IsMarked(sequence))
        {
            _duplicates++;
            return;
        }

        Mark(sequence);
        _outOfOrder++;
        _missing--;
    }

    /// <summary>The packets lost, given how many the sender sent.</summary>
    /// <param name="sent">Packets sent.</param>
    /// <returns>Sent minus unique packets received; never negative.</returns>
    public long Lost(long sent) => Math.Max(0, sent - (_received - _duplicates - _tooOld));

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.AggressiveInlining)]
    private void Mark(long s) => _seen[(s & (WindowSize - 1)) >> 6] |= 1UL << (int)(s & 63);

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.AggressiveInlining)]
    private void Clear(long s) => _seen[(s & (WindowSize - 1)) >> 6] &= ~(1UL << (int)(s & 63));

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.AggressiveInlining)]
    private bool IsMarked(long s) => (_seen[(s & (WindowSize - 1)) >> 6] & (1UL << (int)(s & 63))) != 0;
}
