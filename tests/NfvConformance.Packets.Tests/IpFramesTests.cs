// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using PacketDotNet;

namespace NfvConformance.Packets.Tests;

/// <summary>Frames built by <see cref="IpFrames"/>, decoded and checked by PacketDotNet, an independent decoder.</summary>
public sealed class IpFramesTests
{
    private static readonly byte[] s_macA = [0x02, 0, 0, 0, 0, 0xA];
    private static readonly byte[] s_macB = [0x02, 0, 0, 0, 0, 0xB];

    private static byte[] Build(string source, string destination, byte protocol, byte[] segment)
    {
        byte[] src = IPAddress.Parse(source).GetAddressBytes();
        byte[] frame = new byte[IpFrames.FrameLength(src.Length, segment.Length)];
        int n = IpFrames.Write(frame, s_macB, s_macA, src, IPAddress.Parse(destination).GetAddressBytes(), protocol, segment, identification: 7);
        Assert.That(n, Is.EqualTo(frame.Length));
        return frame;
    }

    private static byte[] Udp(ushort sport, ushort dport, string payload)
    {
        byte[] data = System.Text.Encoding.ASCII.GetBytes(payload);
        byte[] segment = new byte[UdpFields.HeaderLength + data.Length];
        FrameBuilder.WriteUdp(segment, sport, dport, data.Length);
        data.CopyTo(segment, UdpFields.HeaderLength);
        return segment;
    }

    private static byte[] Tcp(ushort sport, ushort dport)
    {
        byte[] segment = new byte[TcpFields.HeaderLength + 5];
        FrameBuilder.WriteTcp(segment, sport, dport, 1000, 1, TcpFields.Psh | TcpFields.Ack);
        "hello"u8.CopyTo(segment.AsSpan(TcpFields.HeaderLength));
        return segment;
    }

    [TestCase("10.0.0.1", "192.0.2.9")]
    [TestCase("2001:db8::1", "2001:db8::2")]
    public void Write_Udp_PacketDotNetDecodesAddressesPortsAndValidChecksums(string source, string destination)
    {
        byte[] frame = Build(source, destination, IpProtocols.Udp, Udp(4000, 53, "query"));

        EthernetPacket eth = (EthernetPacket)Packet.ParsePacket(LinkLayers.Ethernet, frame);
        IPPacket ip = eth.Extract<IPPacket>()!;
        UdpPacket udp = eth.Extract<UdpPacket>()!;
        Assert.Multiple(() =>
        {
            Assert.That(eth.DestinationHardwareAddress, Is.EqualTo(new PhysicalAddress(s_macB)));
            Assert.That(ip.SourceAddress, Is.EqualTo(IPAddress.Parse(source)));
            Assert.That(ip.DestinationAddress, Is.EqualTo(IPAddress.Parse(destination)));
            Assert.That(ip is not IPv4Packet v4 || v4.ValidIPChecksum, Is.True, "IPv4 header checksum");
            Assert.That((udp.SourcePort, udp.DestinationPort), Is.EqualTo(((ushort)4000, (ushort)53)));
            Assert.That(udp.ValidUdpChecksum, Is.True);
            Assert.That(System.Text.Encoding.ASCII.GetString(udp.PayloadData), Is.EqualTo("query"));
        });
    }

    [TestCase("10.0.0.1", "192.0.2.9")]
    [TestCase("2001:db8::1", "2001:db8::2")]
    public void Write_Tcp_PacketDotNetValidatesTheChecksum(string source, string destination)
    {
        byte[] frame = Build(source, destination, IpProtocols.Tcp, Tcp(40000, 80));

        TcpPacket tcp = Packet.ParsePacket(LinkLayers.Ethernet, frame).Extract<TcpPacket>()!;

        Assert.That(tcp.ValidTcpChecksum, Is.True);
        Assert.That(tcp.DestinationPort, Is.EqualTo(80));
    }

    [Test]
    public void Write_IcmpEchoOverIpv4_PacketDotNetValidatesTheChecksum()
    {
        byte[] segment = new byte[IcmpFields.HeaderLength + 4];
        FrameBuilder.WriteIcmpEcho(segment, IcmpFields.EchoRequest, 77, 1, "ping"u8);

        byte[] frame = Build("10.0.0.1", "10.0.0.2", IpProtocols.Icmp, segment);

        IcmpV4Packet icmp = Packet.ParsePacket(LinkLayers.Ethernet, frame).Extract<IcmpV4Packet>()!;
        Assert.That(icmp.ValidIcmpChecksum, Is.True);
    }

    [Test]
    public void Rewrite_SourceAddressAndPort_PacketDotNetSeesThemWithValidChecksums()
    {
        byte[] frame = Build("10.0.0.1", "192.0.2.9", IpProtocols.Udp, Udp(4000, 53, "query"));

        IpFrames.Rewrite(frame, IPAddress.Parse("203.0.113.5").GetAddressBytes(), 61000, source: true);

        Packet packet = Packet.ParsePacket(LinkLayers.Ethernet, frame);
        IPv4Packet ip = packet.Extract<IPv4Packet>()!;
        UdpPacket udp = packet.Extract<UdpPacket>()!;
        Assert.Multiple(() =>
        {
            Assert.That(ip.SourceAddress, Is.EqualTo(IPAddress.Parse("203.0.113.5")));
            Assert.That(udp.SourcePort, Is.EqualTo(61000));
            Assert.That(ip.ValidIPChecksum, Is.True);
            Assert.That(udp.ValidUdpChecksum, Is.True);
        });
    }

    [Test]
    public void Rewrite_AddressOfTheOtherFamily_Throws()
    {
        byte[] frame = Build("10.0.0.1", "192.0.2.9", IpProtocols.Udp, Udp(1, 2, "x"));

        Assert.That(() => IpFrames.Rewrite(frame, IPAddress.Parse("2001:db8::1").GetAddressBytes(), null, source: false), Throws.ArgumentException);
    }

    [Test]
    public void FinishChecksums_FirstFragment_LeavesTheTransportChecksumAlone()
    {
        // The transport checksum of a fragmented datagram covers data other fragments carry: never recompute it here.
        byte[] frame = Build("10.0.0.1", "192.0.2.9", IpProtocols.Udp, Udp(4000, 53, "query"));
        Span<byte> ip = frame.AsSpan(EthernetFields.HeaderLength);
        BinaryPrimitives.WriteUInt16BigEndian(ip[Ipv4Fields.FragmentPosition..], Ipv4Fields.MoreFragmentsFlag);
        BinaryPrimitives.WriteUInt16BigEndian(ip[(Ipv4Fields.HeaderLength + UdpFields.ChecksumPosition)..], 0x1234);

        IpFrames.FinishChecksums(ip);

        ushort udpChecksum = BinaryPrimitives.ReadUInt16BigEndian(ip[(Ipv4Fields.HeaderLength + UdpFields.ChecksumPosition)..]);
        bool headerValid = new Ipv4View(ip).IsChecksumValid;
        Assert.That(udpChecksum, Is.EqualTo(0x1234));
        Assert.That(headerValid, Is.True, "the header checksum is still recomputed");
    }

    [Test]
    public void WriteTagged_UntaggedFrame_PacketDotNetReadsTheVlanAndTheSamePacket()
    {
        byte[] frame = Build("10.0.0.1", "192.0.2.9", IpProtocols.Udp, Udp(4000, 53, "query"));
        byte[] tagged = new byte[frame.Length + VlanFields.HeaderLength];

        int n = IpFrames.WriteTagged(tagged, frame, 300);

        Packet packet = Packet.ParsePacket(LinkLayers.Ethernet, tagged);
        Assert.Multiple(() =>
        {
            Assert.That(n, Is.EqualTo(tagged.Length));
            Assert.That(packet.Extract<Ieee8021QPacket>()!.VlanIdentifier, Is.EqualTo(300));
            Assert.That(packet.Extract<UdpPacket>()!.ValidUdpChecksum, Is.True);
        });
    }
}
