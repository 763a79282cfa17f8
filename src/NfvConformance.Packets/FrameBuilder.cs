// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;

namespace NfvConformance.Packets;

/// <summary>
/// Writes headers into a span with BinaryPrimitives; each method returns the bytes written. Length and checksum
/// fields are filled: pass the payload length the caller will write behind the header. No allocation.
/// </summary>
public static class FrameBuilder
{
    /// <summary>Writes an Ethernet header.</summary>
    /// <param name="dst">Where to write.</param>
    /// <param name="destination">Destination MAC (6 bytes).</param>
    /// <param name="source">Source MAC (6 bytes).</param>
    /// <param name="etherType">EtherType.</param>
    /// <returns>14.</returns>
    public static int WriteEthernet(Span<byte> dst, ReadOnlySpan<byte> destination, ReadOnlySpan<byte> source, ushort etherType)
    {
        destination[..6].CopyTo(dst);
        source[..6].CopyTo(dst[EthernetFields.SourcePosition..]);
        BinaryPrimitives.WriteUInt16BigEndian(dst[EthernetFields.TypePosition..], etherType);
        return EthernetFields.HeaderLength;
    }

    /// <summary>Writes an 802.1Q tag body (TCI and inner EtherType) after a 0x8100 EtherType.</summary>
    /// <param name="dst">Where to write.</param>
    /// <param name="vlanId">VLAN id, 0 to 4095.</param>
    /// <param name="priority">PCP, 0 to 7.</param>
    /// <param name="etherType">The encapsulated EtherType.</param>
    /// <returns>4.</returns>
    public static int WriteVlan(Span<byte> dst, ushort vlanId, byte priority, ushort etherType)
    {
        BinaryPrimitives.WriteUInt16BigEndian(dst, (ushort)((priority << 13) | (vlanId & 0x0FFF)));
        BinaryPrimitives.WriteUInt16BigEndian(dst[VlanFields.TypePosition..], etherType);
        return VlanFields.HeaderLength;
    }

    /// <summary>Writes an Ethernet/IPv4 ARP packet.</summary>
    /// <param name="dst">Where to write.</param>
    /// <param name="operation">1 request, 2 reply.</param>
    /// <param name="senderMac">Sender MAC.</param>
    /// <param name="senderIp">Sender address.</param>
    /// <param name="targetMac">Target MAC.</param>
    /// <param name="targetIp">Target address.</param>
    /// <returns>28.</returns>
    public static int WriteArp(Span<byte> dst, ushort operation, ReadOnlySpan<byte> senderMac, uint senderIp, ReadOnlySpan<byte> targetMac, uint targetIp)
    {
        BinaryPrimitives.WriteUInt16BigEndian(dst, 1);
        BinaryPrimitives.WriteUInt16BigEndian(dst[ArpFields.ProtocolTypePosition..], EthernetFields.TypeIpv4);
        dst[ArpFields.HardwareLengthPosition] = 6;
        dst[ArpFields.ProtocolLengthPosition] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(dst[ArpFields.OperationPosition..], operation);
        senderMac[..6].CopyTo(dst[ArpFields.SenderMacPosition..]);
        BinaryPrimitives.WriteUInt32BigEndian(dst[ArpFields.SenderIpPosition..], senderIp);
        targetMac[..6].CopyTo(dst[ArpFields.TargetMacPosition..]);
        BinaryPrimitives.WriteUInt32BigEndian(dst[ArpFields.TargetIpPosition..], targetIp);
        return ArpFields.HeaderLength;
    }

    /// <summary>Writes an IPv4 header without options and its checksum.</summary>
    /// <param name="dst">Where to write.</param>
    /// <param name="source">Source address.</param>
    /// <param name="destination">Destination address.</param>
    /// <param name="protocol">Protocol.</param>
    /// <param name="payloadLength">Bytes that follow the header.</param>
    /// <param name="ttl">Time to live.</param>
    /// <param name="identification">Identification.</param>
    /// <returns>20.</returns>
    public static int WriteIpv4(Span<byte> dst, uint source, uint destination, byte protocol, int payloadLength, byte ttl = 64, ushort identification = 0)
    {
        dst[0] = 0x45;
        dst[Ipv4Fields.TosPosition] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(dst[Ipv4Fields.TotalLengthPosition..], (ushort)(Ipv4Fields.HeaderLength + payloadLength));
        BinaryPrimitives.WriteUInt16BigEndian(dst[Ipv4Fields.IdPosition..], identification);
        BinaryPrimitives.WriteUInt16BigEndian(dst[Ipv4Fields.FragmentPosition..], 0x4000);
        dst[Ipv4Fields.TtlPosition] = ttl;
        dst[Ipv4Fields.ProtocolPosition] = protocol;
        BinaryPrimitives.WriteUInt32BigEndian(dst[Ipv4Fields.SourcePosition..], source);
        BinaryPrimitives.WriteUInt32BigEndian(dst[Ipv4Fields.DestinationPosition..], destination);
        new Ipv4View(dst).UpdateChecksum();
        return Ipv4Fields.HeaderLength;
    }

    /// <summary>Writes an IPv6 fixed header.</summary>
    /// <param name="dst">Where to write.</param>
    /// <param name="source">16-byte source.</param>
    /// <param name="destination">16-byte destination.</param>
    /// <param name="nextHeader">Next header.</param>
    /// <param name="payloadLength">Bytes that follow the header.</param>
    /// <param name="hopLimit">Hop limit.</param>
    /// <returns>40.</returns>
    public static int WriteIpv6(Span<byte> dst, ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, byte nextHeader, int payloadLength, byte hopLimit = 64)
    {
        BinaryPrimitives.WriteUInt32BigEndian(dst, 0x60000000);
        BinaryPrimitives.WriteUInt16BigEndian(dst[Ipv6Fields.PayloadLengthPosition..], (ushort)payloadLength);
        dst[Ipv6Fields.NextHeaderPosition] = nextHeader;
        dst[Ipv6Fields.HopLimitPosition] = hopLimit;
        source[..16].CopyTo(dst[Ipv6Fields.SourcePosition..]);
        destination[..16].CopyTo(dst[Ipv6Fields.DestinationPosition..]);
        return Ipv6Fields.HeaderLength;
    }

    /// <summary>Writes a UDP header (checksum 0; see <see cref="FinishL4Ipv4"/>).</summary>
    /// <param name="dst">Where to write.</param>
    /// <param name="sourcePort">Source port.</param>
    /// <param name="destinationPort">Destination port.</param>
    /// <param name="payloadLength">Bytes that follow the header.</param>
    /// <returns>8.</returns>
    public static int WriteUdp(Span<byte> dst, ushort sourcePort, ushort destinationPort, int payloadLength)
    {
        BinaryPrimitives.WriteUInt16BigEndian(dst, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(dst[UdpFields.DestinationPortPosition..], destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(dst[UdpFields.LengthPosition..], (ushort)(UdpFields.HeaderLength + payloadLength));
        BinaryPrimitives.WriteUInt16BigEndian(dst[UdpFields.ChecksumPosition..], 0);
        return UdpFields.HeaderLength;
    }

    /// <summary>Writes a TCP header without options (checksum 0; see <see cref="FinishL4Ipv4"/>).</summary>
    /// <param name="dst">Where to write.</param>
    /// <param name="sourcePort">Source port.</param>
    /// <param name="destinationPort">Destination port.</param>
    /// <param name="sequence">Sequence number.</param>
    /// <param name="acknowledgment">Acknowledgment number.</param>
    /// <param name="flags">Flags (<see cref="TcpFields.Syn"/> and friends).</param>
    /// <param name="window">Window.</param>
    /// <returns>20.</returns>
    public static int WriteTcp(Span<byte> dst, ushort sourcePort, ushort destinationPort, uint sequence, uint acknowledgment, byte flags, ushort window = 65535)
    {
        BinaryPrimitives.WriteUInt16BigEndian(dst, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(dst[TcpFields.DestinationPortPosition..], destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(dst[TcpFields.SequencePosition..], sequence);
        BinaryPrimitives.WriteUInt32BigEndian(dst[TcpFields.AcknowledgmentPosition..], acknowledgment);
        dst[TcpFields.DataOffsetPosition] = 5 << 4;
        dst[TcpFields.FlagsPosition] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(dst[TcpFields.WindowPosition..], window);
        BinaryPrimitives.WriteUInt32BigEndian(dst[TcpFields.ChecksumPosition..], 0);
        return TcpFields.HeaderLength;
    }

    /// <summary>Writes an ICMP echo header and the checksum over it and <paramref name="payload"/> (written behind it).</summary>
    /// <param name="dst">Where to write.</param>
    /// <param name="type">8 request, 0 reply.</param>
    /// <param name="identifier">Echo identifier.</param>
    /// <param name="sequence">Echo sequence.</param>
    /// <param name="payload">Echo data.</param>
    /// <returns>8 + payload length.</returns>
    public static int WriteIcmpEcho(Span<byte> dst, byte type, ushort identifier, ushort sequence, ReadOnlySpan<byte> payload)
    {
        dst[IcmpFields.TypePosition] = type;
        dst[IcmpFields.CodePosition] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(dst[IcmpFields.ChecksumPosition..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(dst[IcmpFields.IdentifierPosition..], identifier);
        BinaryPrimitives.WriteUInt16BigEndian(dst[IcmpFields.SequencePosition..], sequence);
        payload.CopyTo(dst[IcmpFields.HeaderLength..]);
        int length = IcmpFields.HeaderLength + payload.Length;
        BinaryPrimitives.WriteUInt16BigEndian(dst[IcmpFields.ChecksumPosition..], InternetChecksum.Compute(dst[..length]));
        return length;
    }

    /// <summary>Writes a VXLAN header.</summary>
    /// <param name="dst">Where to write.</param>
    /// <param name="vni">The 24-bit network identifier.</param>
    /// <returns>8.</returns>
    public static int WriteVxlan(Span<byte> dst, uint vni)
    {
        BinaryPrimitives.WriteUInt32BigEndian(dst, (uint)VxlanFields.FlagVniValid << 24);
        BinaryPrimitives.WriteUInt32BigEndian(dst[VxlanFields.VniPosition..], (vni & 0xFFFFFF) << 8);
        return VxlanFields.HeaderLength;
    }

    /// <summary>Writes an NSH MD type 1 header (base, service path, 16 bytes of zero context).</summary>
    /// <param name="dst">Where to write.</param>
    /// <param name="servicePathId">The 24-bit service path identifier.</param>
    /// <param name="serviceIndex">The service index.</param>
    /// <param name="nextProtocol">What follows (<see cref="NshFields.NextEthernet"/> and friends).</param>
    /// <param name="ttl">The 6-bit TTL (RFC 8300 recommends 63).</param>
    /// <returns>24.</returns>
    public static int WriteNsh(Span<byte> dst, uint servicePathId, byte serviceIndex, byte nextProtocol, byte ttl = 63)
    {
        BinaryPrimitives.WriteUInt16BigEndian(dst, (ushort)(((ttl & 0x3F) << 6) | (NshFields.MdType1Length / 4)));
        dst[NshFields.MdTypePosition] = 1;
        dst[NshFields.NextProtocolPosition] = nextProtocol;
        BinaryPrimitives.WriteUInt32BigEndian(dst[NshFields.ServicePathPosition..], ((servicePathId & NshFields.MaxServicePathId) << 8) | serviceIndex);
        dst.Slice(NshFields.BaseLength, NshFields.MdType1Length - NshFields.BaseLength).Clear();
        return NshFields.MdType1Length;
    }

    /// <summary>Fills the TCP or UDP checksum of an IPv4 packet.</summary>
    /// <param name="ipPacket">The IPv4 packet from its header to its end.</param>
    public static void FinishL4Ipv4(Span<byte> ipPacket)
    {
        Ipv4View ip = new(ipPacket);
        Span<byte> segment = ipPacket[ip.HeaderLength..ip.TotalLength];
        int position = ip.Protocol == IpProtocols.Tcp ? TcpFields.ChecksumPosition : UdpFields.ChecksumPosition;
        BinaryPrimitives.WriteUInt16BigEndian(segment[position..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(segment[position..], InternetChecksum.ComputeIpv4Pseudo(ip.Source, ip.Destination, ip.Protocol, segment));
    }

    /// <summary>Builds a complete Ethernet/IPv4/UDP frame of a given size (minimum 42 bytes), payload filled with a counter pattern.</summary>
    /// <param name="dst">Where to write; at least <paramref name="frameSize"/> bytes.</param>
    /// <param name="frameSize">The frame size without FCS (a 64-byte wire frame is 60 here).</param>
    /// <param name="dstMac">Destination MAC.</param>
    /// <param name="srcMac">Source MAC.</param>
    /// <param name="source">Source address.</param>
    /// <param name="destination">Destination address.</param>
    /// <param name="sourcePort">Source port.</param>
    /// <param name="destinationPort">Destination port.</param>
    /// <returns>The frame size.</returns>
    public static int BuildUdpIpv4(Span<byte> dst, int frameSize, ReadOnlySpan<byte> dstMac, ReadOnlySpan<byte> srcMac, uint source, uint destination, ushort sourcePort, ushort destinationPort)
    {
        int payload = frameSize - EthernetFields.HeaderLength - Ipv4Fields.HeaderLength - UdpFields.HeaderLength;
        ArgumentOutOfRangeException.ThrowIfNegative(payload, nameof(frameSize));
        int o = WriteEthernet(dst, dstMac, srcMac, EthernetFields.TypeIpv4);
        o += WriteIpv4(dst[o..], source, destination, IpProtocols.Udp, UdpFields.HeaderLength + payload);
        o += WriteUdp(dst[o..], sourcePort, destinationPort, payload);
        for (int i = 0; i < payload; i++)
        {
            dst[o + i] = (byte)i;
        }

        FinishL4Ipv4(dst[EthernetFields.HeaderLength..frameSize]);
        return frameSize;
    }
}
