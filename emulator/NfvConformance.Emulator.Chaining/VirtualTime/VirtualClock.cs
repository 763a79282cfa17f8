// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Emulator.Chaining.VirtualTime;

/// <summary>
/// A <see cref="TimeProvider"/> that shows virtual time: it moves only when the discrete-event engine advances it,
/// so anything that reads time through it (timeouts, drain intervals) runs on the trial's clock.
/// </summary>
public sealed class VirtualClock : TimeProvider
{
    private static readonly DateTimeOffset s_epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private long _picoseconds;

    /// <summary>Gets the virtual time since the start, in picoseconds.</summary>
    public long Picoseconds => _picoseconds;

    /// <summary>Gets the virtual time since the start.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(_picoseconds / PicosecondsPerTick);

    /// <inheritdoc />
    public override long TimestampFrequency => 1_000_000_000;

    /// <summary>Picoseconds in one <see cref="TimeSpan"/> tick (100 ns).</summary>
    internal const long PicosecondsPerTick = 100_000;

    /// <inheritdoc />
    public override long GetTimestamp() => _picoseconds / 1000;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => s_epoch + Elapsed;

    /// <summary>Moves the clock forward; it never goes back.</summary>
    /// <param name="picoseconds">The new time since the start, in picoseconds.</param>
    /// <exception cref="ArgumentOutOfRangeException">The time is earlier than the clock's.</exception>
    public void AdvanceTo(long picoseconds)
    {
        if (picoseconds < _picoseconds)
        {
            Abstractions.Errors.ThrowHelper.ThrowOutOfRange(nameof(picoseconds), picoseconds, $">= {_picoseconds} (virtual time does not go back)");
        }

        _picoseconds = picoseconds;
    }
}
