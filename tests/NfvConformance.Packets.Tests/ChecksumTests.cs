// Licensed under the Apache License, Version 2.0.
using System.Net;
using System.Net.NetworkInformation;
using PacketDotNet;

namespace NfvConformance.Packets.Tests;

/// <summary>Our checksum checks against frames PacketDotNet built, and the CRC32c check value.</summary>
public sealed class ChecksumTests
{
    private static (byte[] Frame, UdpPacket Udp) PacketDotNetUdp(string source, string destination)
    {
        UdpPacket udp = new(5000, 6000) { PayloadData = "independent"u8.ToArray() };
        IPPacket ip = IPAddress.Parse(source).AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
            ? new IPv4Packet(IPAddress.Parse(source), IPAddress.Parse(destination))
            : new IPv6Packet(IPAddress.Parse(source), IPAddress.Parse(destination));
        ip.PayloadPacket = udp;
        EthernetPacket eth = new(PhysicalAddress.Parse("02-00-00-00-00-01"), PhysicalAddress.Parse("02-00-00-00-00-02"), ip is IPv4Packet ? EthernetType.IPv4 : EthernetType.IPv6)
        {
            PayloadPacket = ip,
        };
        eth.UpdateCalculatedValues();
        udp.UpdateUdpChecksum();
        if (ip is IPv4Packet v4)
        {
            v4.UpdateIPChecksum();
        }

        return (eth.Bytes, udp);
    }

    [TestCase("10.1.2.3", "10.3.2.1")]
    [TestCase("2001:db8::a", "2001:db8::b")]
    public void VerifyTransport_FramePacketDotNetBuilt_Verifies_AndFailsWhenOneBitFlips(string source, string destination)
    {
        (byte[] frame, _) = PacketDotNetUdp(source, destination);
        Assert.That(PacketParser.Parse(frame, out ParsedPacket p), Is.EqualTo(ParseResult.Ok));
        int addressLength = p.IsIpv4 ? 4 : 16;
        int sourceAt = p.L3Offset + (p.IsIpv4 ? Ipv4Fields.SourcePosition : Ipv6Fields.SourcePosition);
        int destinationAt = p.L3Offset + (p.IsIpv4 ? Ipv4Fields.DestinationPosition : Ipv6Fields.DestinationPosition);

        bool good = InternetChecksum.VerifyTransport(frame.AsSpan(sourceAt, addressLength), frame.AsSpan(destinationAt, addressLength), p.IpProtocol, frame.AsSpan(p.L4Offset, p.L3End - p.L4Offset));
        frame[p.L3End - 1] ^= 0x01;
        bool flipped = InternetChecksum.VerifyTransport(frame.AsSpan(sourceAt, addressLength), frame.AsSpan(destinationAt, addressLength), p.IpProtocol, frame.AsSpan(p.L4Offset, p.L3End - p.L4Offset));

        Assert.That((good, flipped), Is.EqualTo((true, false)));
    }

    [Test]
    public void VerifyTransport_Ipv4UdpWithoutChecksum_Verifies()
    {
        byte[] segment = new byte[UdpFields.HeaderLength + 3];
        FrameBuilder.WriteUdp(segment, 1, 2, 3);

        Assert.That(InternetChecksum.VerifyTransport([10, 0, 0, 1], [10, 0, 0, 2], IpProtocols.Udp, segment), Is.True, "RFC 768: zero means no checksum");
    }

    [Test]
    public void IpFramesFinishFrameChecksums_FrameOfPacketDotNetWithZeroedChecksums_RestoresPacketDotNetsValues()
    {
        (byte[] frame, UdpPacket udp) = PacketDotNetUdp("192.0.2.1", "192.0.2.2");
        byte[] copy = (byte[])frame.Clone();
        copy[EthernetFields.HeaderLength + Ipv4Fields.ChecksumPosition] = 0;
        copy[EthernetFields.HeaderLength + Ipv4Fields.ChecksumPosition + 1] = 0;
        copy[EthernetFields.HeaderLength + Ipv4Fields.HeaderLength + UdpFields.ChecksumPosition] = 0;

        Assert.That(IpFrames.FinishFrameChecksums(copy), Is.True);
        Assert.That(copy, Is.EqualTo(frame), $"PacketDotNet's UDP checksum is {udp.Checksum:x4}");
    }

    [Test]
    public void Crc32c_CheckValue_IsThePublishedOne()
    {
        Assert.That(Crc32c.Compute("123456789"u8), Is.EqualTo(0xE3069283u));
    }

    [Test]
    public void Crc32cComputeSctp_IgnoresTheChecksumField()
    {
        byte[] packet = [0x13, 0x88, 0x13, 0x88, 0, 0, 0, 1, 0xDE, 0xAD, 0xBE, 0xEF, 1, 0, 0, 4];
        byte[] zeroed = (byte[])packet.Clone();
        zeroed.AsSpan(8, 4).Clear();

        Assert.That(Crc32c.ComputeSctp(packet), Is.EqualTo(Crc32c.Compute(zeroed)));
    }
}
