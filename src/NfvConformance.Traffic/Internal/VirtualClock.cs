// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Traffic.Internal;

/// <summary>A clock that moves only when told to: trials on emulated devices take no wall-clock time.</summary>
internal sealed class VirtualClock : TimeProvider
{
    private DateTimeOffset _now;
    private long _ticks;

    public VirtualClock(DateTimeOffset? start = null)
    {
        _now = start ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow() => _now;

    public override long GetTimestamp() => _ticks;

    public void Advance(TimeSpan by)
    {
        if (by < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(by), by, "virtual time only moves forward.");
        }

        _now += by;
        _ticks += by.Ticks;
    }
}
