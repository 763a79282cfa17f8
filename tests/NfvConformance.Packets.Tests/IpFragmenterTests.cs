// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Net;
using PacketDotNet;

namespace NfvConformance.Packets.Tests;

/// <summary>Fragments made by <see cref="IpFragmenter"/>, decoded by PacketDotNet (an independent decoder) and reassembled by hand.</summary>
public sealed class IpFragmenterTests
{
    private static readonly byte[] s_macA = [0x02, 0, 0, 0, 0, 0xA];
    private static readonly byte[] s_macB = [0x02, 0, 0, 0, 0, 0xB];

    private static byte[] UdpFrame(string source, string destination, int payloadLength)
    {
        byte[] segment = new byte[UdpFields.HeaderLength + payloadLength];
        FrameBuilder.WriteUdp(segment, 5000, 53, payloadLength);
        for (int i = 0; i < payloadLength; i++)
        {
            segment[UdpFields.HeaderLength + i] = (byte)(i * 7);
        }

        byte[] src = IPAddress.Parse(source).GetAddressBytes();
        byte[] frame = new byte[IpFrames.FrameLength(src.Length, segment.Length)];
        IpFrames.Write(frame, s_macB, s_macA, src, IPAddress.Parse(destination).GetAddressBytes(), IpProtocols.Udp, segment);
        return frame;
    }

    [Test]
    public void Ipv4_FragmentsCarryOffsetsFlagsIdAndValidChecksums_AndReassembleToTheOriginal()
    {
        byte[] whole = UdpFrame("198.51.100.7", "10.1.0.10", 3000);

        List<byte[]> fragments = IpFragmenter.Fragment(whole, 1200, 0x1234_5678);

        Assert.That(fragments, Has.Count.EqualTo(3));
        byte[] reassembled = new byte[whole.Length - 34];
        for (int i = 0; i < fragments.Count; i++)
        {
            IPv4Packet ip = (IPv4Packet)((EthernetPacket)Packet.ParsePacket(LinkLayers.Ethernet, fragments[i])).PayloadPacket;
            bool last = i == fragments.Count - 1;
            Assert.That(ip.Id, Is.EqualTo(0x5678), "IPv4 carries the low 16 bits of the identification");
            Assert.That(ip.FragmentOffset, Is.EqualTo(i * 1200 / 8));
            Assert.That((ip.FragmentFlags & 0x1) != 0, Is.EqualTo(!last), "more-fragments on all but the last");
            Assert.That(ip.ValidIPChecksum, Is.True);
            Assert.That(ip.TotalLength, Is.EqualTo(fragments[i].Length - 14));
            Assert.That(ip.SourceAddress, Is.EqualTo(IPAddress.Parse("198.51.100.7")));
            fragments[i].AsSpan(34).CopyTo(reassembled.AsSpan(i * 1200));
        }

        Assert.That(reassembled, Is.EqualTo(whole[34..]), "the fragments' payloads put back in order are the original UDP datagram, checksum included");
    }

    [Test]
    public void Ipv6_FragmentsCarryAFragmentHeader_AndReassembleToTheOriginal()
    {
        byte[] whole = UdpFrame("2001:db8:1::7", "2001:db8::10", 3000);

        List<byte[]> fragments = IpFragmenter.Fragment(whole, 1200, 0x1234_5678);

        Assert.That(fragments, Has.Count.EqualTo(3));
        byte[] reassembled = new byte[whole.Length - 54];
        for (int i = 0; i < fragments.Count; i++)
        {
            byte[] f = fragments[i];
            IPv6Packet ip = (IPv6Packet)((EthernetPacket)Packet.ParsePacket(LinkLayers.Ethernet, f)).PayloadPacket;
            bool last = i == fragments.Count - 1;
            Assert.That(ip.PayloadLength, Is.EqualTo(f.Length - 54));
            Assert.That(ip.DestinationAddress, Is.EqualTo(IPAddress.Parse("2001:db8::10")));
            Assert.That(f[20], Is.EqualTo(IpFragmenter.Ipv6FragmentHeader), "next header is the Fragment header");
            Assert.That(f[54], Is.EqualTo(IpProtocols.Udp), "the Fragment header names UDP");
            ushort offsetAndMore = BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(56));
            Assert.That(offsetAndMore & 0xFFF8, Is.EqualTo(i * 1200));
            Assert.That(offsetAndMore & 1, Is.EqualTo(last ? 0 : 1));
            Assert.That(BinaryPrimitives.ReadUInt32BigEndian(f.AsSpan(58)), Is.EqualTo(0x1234_5678u));
            f.AsSpan(62).CopyTo(reassembled.AsSpan(i * 1200));
        }

        Assert.That(reassembled, Is.EqualTo(whole[54..]));
    }

    [Test]
    public void APacketSmallerThanOneChunk_IsOneFragmentWithoutMoreFragments()
    {
        List<byte[]> fragments = IpFragmenter.Fragment(UdpFrame("198.51.100.7", "10.1.0.10", 100), 1200, 9);

        Assert.That(fragments, Has.Count.EqualTo(1));
        Assert.That(BinaryPrimitives.ReadUInt16BigEndian(fragments[0].AsSpan(20)), Is.Zero, "offset 0, more-fragments clear");
    }

    [TestCase(0)]
    [TestCase(1201)]
    public void AChunkThatIsNotAMultipleOfEight_IsRefusedNamingIt(int chunk) =>
        Assert.That(() => IpFragmenter.Fragment(UdpFrame("198.51.100.7", "10.1.0.10", 3000), chunk, 1), Throws.ArgumentException.With.Message.Contains($"chunk is {chunk}"));

    [Test]
    public void AFrameThatIsNotIp_OrIsAFragmentAlready_IsRefused()
    {
        byte[] arp = new byte[60];
        BinaryPrimitives.WriteUInt16BigEndian(arp.AsSpan(12), EthernetFields.TypeArp);
        byte[] fragment = IpFragmenter.Fragment(UdpFrame("198.51.100.7", "10.1.0.10", 3000), 1200, 1)[0];

        Assert.Multiple(() =>
        {
            Assert.That(() => IpFragmenter.Fragment(arp, 8, 1), Throws.ArgumentException.With.Message.Contains("0x0806"));
            Assert.That(() => IpFragmenter.Fragment(fragment, 8, 1), Throws.ArgumentException.With.Message.Contains("fragment already"));
            Assert.That(() => IpFragmenter.Fragment(IpFragmenter.Fragment(UdpFrame("2001:db8::7", "2001:db8::10", 3000), 1200, 1)[0], 8, 1), Throws.ArgumentException.With.Message.Contains("extension header"));
        });
    }
}
