// Licensed under the Apache License, Version 2.0.
using NfvConformance.Packets;

namespace NfvConformance.Emulator.Dataplane.Tests.Protocols;

/// <summary>The branch-light IPv4 check gives the general check's verdict on every frame.</summary>
public sealed class FrameValidatorFastPathTests
{
    private static byte[] Udp(int size)
    {
        byte[] frame = new byte[size];
        FrameBuilder.BuildUdpIpv4(frame, size, [2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2], 0x0A000001, 0xC6120001, 1024, 80);
        return frame;
    }

    [Test]
    public void CheckIpv4_GoodFrame_NoneOnBothPaths()
    {
        byte[] frame = Udp(64);

        Assert.That(FrameValidator.CheckIpv4(frame), Is.EqualTo(FrameError.None));
        Assert.That(FrameValidator.CheckIpv4General(frame), Is.EqualTo(FrameError.None));
    }

    [TestCase(15, 0x01, FrameError.Ipv4HeaderChecksum)] // TOS
    [TestCase(22, 0x01, FrameError.Ipv4HeaderChecksum)] // TTL
    [TestCase(33, 0x80, FrameError.Ipv4HeaderChecksum)] // last byte of the destination address
    [TestCase(16, 0x40, FrameError.Truncated)]          // total length far beyond the frame
    public void CheckIpv4_OneFieldDamaged_FastPathFindsWhatTheGeneralPathFinds(int offset, int xor, FrameError expected)
    {
        byte[] frame = Udp(64);
        frame[offset] ^= (byte)xor;

        Assert.That(FrameValidator.CheckIpv4(frame), Is.EqualTo(expected));
        Assert.That(FrameValidator.CheckIpv4General(frame), Is.EqualTo(expected));
    }

    [Test]
    public void CheckIpv4_MillionRandomAndMutatedFrames_SameVerdictAsTheGeneralPath()
    {
        Random random = new(20261121);
        byte[] good = Udp(128);
        int[] verdicts = new int[4];
        for (int i = 0; i < 1_000_000; i++)
        {
            int length = random.Next(0, 129);
            byte[] frame = new byte[length];
            if (random.Next(4) == 0)
            {
                random.NextBytes(frame);
            }
            else
            {
                good.AsSpan(0, length).CopyTo(frame);
                for (int m = random.Next(0, 3); m > 0 && length > 0; m--)
                {
                    frame[random.Next(Math.Min(length, 40))] ^= (byte)(1 << random.Next(8));
                }
            }

            FrameError fast = FrameValidator.CheckIpv4(frame);
            FrameError general = FrameValidator.CheckIpv4General(frame);
            if (fast != general)
            {
                Assert.Fail($"frame {i} ({Convert.ToHexString(frame)}): fast path {fast}, general path {general}");
            }

            verdicts[(int)fast]++;
        }

        // Every verdict occurs, so the comparison covered each branch.
        Assert.That(verdicts[(int)FrameError.None], Is.GreaterThan(1000));
        Assert.That(verdicts[(int)FrameError.Truncated], Is.GreaterThan(1000));
        Assert.That(verdicts[(int)FrameError.Ipv4HeaderChecksum], Is.GreaterThan(1000));
    }
}
