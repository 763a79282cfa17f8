// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Traffic;

namespace NfvConformance.Traffic.Tests.Abstractions;

public sealed class LatencyMarkTests
{
    [Test]
    public void TryWriteTrailer_ThenTryReadTrailer_RoundTrips()
    {
        byte[] frame = new byte[60];
        LatencyMark mark = new(3, 0x1234, 0xDEADBEEF, 0x0102030405060708);

        bool written = mark.TryWriteTrailer(frame);
        bool read = LatencyMark.TryReadTrailer(frame, out LatencyMark back);

        Assert.Multiple(() =>
        {
            Assert.That(written && read, Is.True);
            Assert.That(back, Is.EqualTo(mark));
            Assert.That(frame[44], Is.EqualTo(LatencyMark.Magic));
            Assert.That(frame[^1], Is.EqualTo(0x01), "timestamp is little-endian, as TRex writes it");
        });
    }

    [Test]
    public void TryRead_WrongMagic_ReturnsFalse()
    {
        byte[] bytes = new byte[16];

        Assert.That(LatencyMark.TryRead(bytes, out _), Is.False);
    }

    [Test]
    public void TryWrite_ShortSpan_ReturnsFalseAndWritesNothing()
    {
        byte[] bytes = new byte[15];

        Assert.Multiple(() =>
        {
            Assert.That(new LatencyMark(0, 1, 2, 3).TryWrite(bytes), Is.False);
            Assert.That(bytes, Is.All.EqualTo(0));
        });
    }
}
