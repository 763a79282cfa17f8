// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Lifecycle;

namespace NfvConformance.Emulator.Capabilities.Tests.Lifecycle;

public sealed class VirtualClockTests
{
    private static readonly DateTimeOffset s_start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Test]
    public void Advance_Positive_MovesOnlyByThatMuch()
    {
        // Given
        VirtualClock clock = new(s_start);

        // When
        clock.Advance(TimeSpan.FromSeconds(1.5));
        clock.Advance(TimeSpan.Zero);

        // Then
        Assert.That(clock.GetUtcNow(), Is.EqualTo(s_start.AddSeconds(1.5)));
    }

    [Test]
    public void Advance_Negative_Throws()
    {
        VirtualClock clock = new(s_start);
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.Advance(TimeSpan.FromTicks(-1)));
        Assert.That(clock.GetUtcNow(), Is.EqualTo(s_start));
    }
}
