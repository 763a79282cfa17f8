// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Abstractions.Lifecycle;

/// <summary>
/// A clock that moves only when told to: the emulator advances it by the modelled cost of each operation, so
/// every timing it reports is deterministic and independent of the machine.
/// </summary>
public sealed class VirtualClock : TimeProvider
{
    private readonly Lock _gate = new();
    private DateTimeOffset _now;

    /// <summary>Creates a clock standing at a start time.</summary>
    /// <param name="start">The start time.</param>
    public VirtualClock(DateTimeOffset start)
    {
        _now = start;
    }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    /// <summary>Moves the clock forward.</summary>
    /// <param name="by">How far; must not be negative.</param>
    /// <returns>The new time.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="by"/> is negative.</exception>
    public DateTimeOffset Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        lock (_gate)
        {
            _now += by;
            return _now;
        }
    }
}
