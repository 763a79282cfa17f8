// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using NfvConformance.Packets;

namespace NfvConformance.Emulator.Dataplane.Tests.Protocols;

public sealed class FrameValidatorTests
{
    private static readonly byte[] DstMac = [2, 0, 0, 0, 0, 2];
    private static readonly byte[] SrcMac = [2, 0, 0, 0, 0, 1];

    private static byte[] Udp(int size = 60)
    {
        byte[] frame = new byte[size];
        FrameBuilder.BuildUdpIpv4(frame, size, DstMac, SrcMac, 0x0A000001, 0xC6336401, 1234, 53);
        return frame;
    }

    [Test]
    public void WellFormedUdp_HasNoError()
    {
        byte[] frame = Udp();
        Assert.That((FrameValidator.CheckIpv4(frame), FrameValidator.CheckL4(frame)), Is.EqualTo((FrameError.None, FrameError.None)));
    }

    [Test]
    public void FlippedHeaderChecksum_IsAnIpv4HeaderChecksumError()
    {
        byte[] frame = Udp();
        frame[14 + 10] ^= 0x10;
        Assert.That(FrameValidator.CheckIpv4(frame), Is.EqualTo(FrameError.Ipv4HeaderChecksum));
    }

    [Test]
    public void ChangedTtlWithoutChecksumUpdate_IsDetected()
    {
        byte[] frame = Udp();
        frame[14 + 8]--;
        Assert.That(FrameValidator.CheckIpv4(frame), Is.EqualTo(FrameError.Ipv4HeaderChecksum));
    }

    [TestCase(38)]
    [TestCase(30)]
    [TestCase(59)]
    public void FrameShorterThanItsTotalLength_IsTruncated(int cut)
    {
        byte[] frame = Udp(100)[..cut];
        Assert.That(FrameValidator.CheckIpv4(frame), Is.EqualTo(FrameError.Truncated));
    }

    [Test]
    public void PayloadByteChanged_IsAnL4ChecksumError_ButZeroUdpChecksumMeansNone()
    {
        byte[] frame = Udp();
        frame[50] ^= 0xFF;
        Assert.That(FrameValidator.CheckL4(frame), Is.EqualTo(FrameError.L4Checksum));
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(14 + 20 + 6), 0);
        Assert.That(FrameValidator.CheckL4(frame), Is.EqualTo(FrameError.None));
    }

    [Test]
    public void NonIpv4Frame_IsNotJudged()
    {
        byte[] frame = Udp();
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x86DD);
        Assert.That(FrameValidator.CheckIpv4(frame), Is.EqualTo(FrameError.None));
    }
}
