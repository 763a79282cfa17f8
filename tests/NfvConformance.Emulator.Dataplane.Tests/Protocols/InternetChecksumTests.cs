// Licensed under the Apache License, Version 2.0.
using NfvConformance.Packets;

namespace NfvConformance.Emulator.Dataplane.Tests.Protocols;

public sealed class InternetChecksumTests
{
    [Test]
    public void Compute_Rfc1071Example_MatchesPublishedSum()
    {
        // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2, so the checksum is ~ddf2 = 220d.
        byte[] data = [0x00, 0x01, 0xF2, 0x03, 0xF4, 0xF5, 0xF6, 0xF7];

        Assert.That(InternetChecksum.Compute(data), Is.EqualTo(0x220D));
    }

    [Test]
    public void DecrementTtl_Incremental_EqualsFullRecompute()
    {
        Random rng = new(7);
        for (int i = 0; i < 10_000; i++)
        {
            byte[] f = GoldenFrames.Udp4(60, "10.0.0.1", "10.0.0.2", 1, 2);
            rng.NextBytes(f.AsSpan(14 + 12, 8));
            f[14 + 8] = (byte)rng.Next(1, 256);
            Ipv4View ip = new(f.AsSpan(14));
            ip.UpdateChecksum();

            ip.DecrementTtl();
            ushort incremental = ip.Checksum;
            ip.UpdateChecksum();

            Assert.That(incremental, Is.EqualTo(ip.Checksum));
        }
    }

    [Test]
    public void SetSourceAndDestination_Incremental_KeepsHeaderValid()
    {
        byte[] f = GoldenFrames.Udp4(60, "10.0.0.1", "10.0.0.2", 1, 2);
        Ipv4View ip = new(f.AsSpan(14));

        ip.SetSource(0xC0A80001);
        ip.SetDestination(0xFFFFFFFF);

        Assert.That(ip.IsChecksumValid, Is.True);
    }
}
