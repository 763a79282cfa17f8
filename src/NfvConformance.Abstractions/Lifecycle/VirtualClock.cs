// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Abstractions.Lifecycle;

/// <summary>
/// A clock that moves only when told to. The emulator advances it by the modelled cost of each operation, the
/// discrete-event engine by each event, the emulated traffic generator by each trial: every timing read through it
/// (<see cref="GetUtcNow"/>, <see cref="GetTimestamp"/>, elapsed times) is deterministic and independent of the
/// machine. Time is kept in picoseconds; it never goes back. Safe to read and advance from several threads.
/// </summary>
public sealed class VirtualClock : TimeProvider
{
    /// <summary>Picoseconds in one <see cref="TimeSpan"/> tick (100 ns).</summary>
    public const long PicosecondsPerTick = 100_000;

    private static readonly DateTimeOffset s_epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly DateTimeOffset _start;
    private long _picoseconds;

    /// <summary>Creates a clock standing at 2026-01-01T00:00:00Z.</summary>
    public VirtualClock()
        : this(s_epoch)
    {
    }

    /// <summary>Creates a clock standing at a start time.</summary>
    /// <param name="start">The start time.</param>
    public VirtualClock(DateTimeOffset start)
    {
        _start = start;
    }

    /// <summary>Gets the virtual time since the start, in picoseconds.</summary>
    public long Picoseconds => Volatile.Read(ref _picoseconds);

    /// <summary>Gets the virtual time since the start.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(Picoseconds / PicosecondsPerTick);

    /// <inheritdoc />
    public override long TimestampFrequency => 1_000_000_000;

    /// <inheritdoc />
    public override long GetTimestamp() => Picoseconds / 1000;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => _start + Elapsed;

    /// <summary>Moves the clock forward.</summary>
    /// <param name="by">How far; must not be negative.</param>
    /// <returns>The new time.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="by"/> is negative.</exception>
    public DateTimeOffset Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        long ps = Interlocked.Add(ref _picoseconds, by.Ticks * PicosecondsPerTick);
        return _start + TimeSpan.FromTicks(ps / PicosecondsPerTick);
    }

    /// <summary>Moves the clock forward to a time since the start.</summary>
    /// <param name="picoseconds">The new time since the start, in picoseconds.</param>
    /// <exception cref="ArgumentOutOfRangeException">The time is earlier than the clock's.</exception>
    public void AdvanceTo(long picoseconds)
    {
        long current = Volatile.Read(ref _picoseconds);
        while (true)
        {
            if (picoseconds < current)
            {
                Errors.ThrowHelper.ThrowOutOfRange(nameof(picoseconds), picoseconds, $">= {current} (virtual time does not go back)");
            }

            long seen = Interlocked.CompareExchange(ref _picoseconds, picoseconds, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
