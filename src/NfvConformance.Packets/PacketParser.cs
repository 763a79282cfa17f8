// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace NfvConformance.Packets;

/// <summary>Why a frame could not be parsed; each value is a drop reason a node counts, never an exception.</summary>
public enum ParseResult
{
    /// <summary>Parsed.</summary>
    Ok = 0,

    /// <summary>Shorter than an Ethernet header.</summary>
    TruncatedEthernet,

    /// <summary>An 802.1Q tag runs past the end, or more than two tags.</summary>
    BadVlan,

    /// <summary>ARP shorter than 28 bytes.</summary>
    TruncatedArp,

    /// <summary>IPv4 header truncated, version not 4, IHL below 5, or total length inconsistent with the frame.</summary>
    BadIpv4,

    /// <summary>IPv6 header truncated, version not 6, or payload length past the frame.</summary>
    BadIpv6,

    /// <summary>L4 header (UDP, TCP, ICMP) truncated, or its length field inconsistent.</summary>
    BadL4,

    /// <summary>NSH truncated, version not 0, or a length below its MD type's minimum.</summary>
    BadNsh,

    /// <summary>VXLAN header truncated or the I flag clear.</summary>
    BadVxlan,
}

/// <summary>What the parser found: offsets from the start of the frame, a flow key, and tunnel fields. -1 means absent.</summary>
public struct ParsedPacket
{
    /// <summary>Gets or sets the innermost EtherType (after VLAN tags).</summary>
    public ushort EtherType { get; set; }

    /// <summary>Gets or sets the number of VLAN tags (0 to 2).</summary>
    public byte VlanCount { get; set; }

    /// <summary>Gets or sets the VLAN id of the outer tag.</summary>
    public ushort VlanId { get; set; }

    /// <summary>Gets or sets the offset of the L3 header.</summary>
    public int L3Offset { get; set; }

    /// <summary>Gets or sets the IP protocol or IPv6 next header (0 when not IP).</summary>
    public byte IpProtocol { get; set; }

    /// <summary>Gets or sets the offset of the L4 header (-1 for non-first fragments and non-IP).</summary>
    public int L4Offset { get; set; }

    /// <summary>Gets or sets the end of the L3 packet (the frame may carry padding after it).</summary>
    public int L3End { get; set; }

    /// <summary>Gets or sets the IPv4 source (0 when not IPv4).</summary>
    public uint SourceIpv4 { get; set; }

    /// <summary>Gets or sets the IPv4 destination (0 when not IPv4).</summary>
    public uint DestinationIpv4 { get; set; }

    /// <summary>Gets or sets the source port (or ICMP echo identifier).</summary>
    public ushort SourcePort { get; set; }

    /// <summary>Gets or sets the destination port.</summary>
    public ushort DestinationPort { get; set; }

    /// <summary>Gets or sets the TCP flags (0 when not TCP).</summary>
    public byte TcpFlags { get; set; }

    /// <summary>Gets or sets the offset of the VXLAN header (-1 when absent).</summary>
    public int VxlanOffset { get; set; }

    /// <summary>Gets or sets the VXLAN network identifier.</summary>
    public uint Vni { get; set; }

    /// <summary>Gets or sets the offset of the NSH header (-1 when absent).</summary>
    public int NshOffset { get; set; }

    /// <summary>Gets or sets the NSH service path identifier.</summary>
    public uint ServicePathId { get; set; }

    /// <summary>Gets or sets the NSH service index.</summary>
    public byte ServiceIndex { get; set; }

    /// <summary>Gets or sets the NSH next protocol.</summary>
    public byte NshNextProtocol { get; set; }

    /// <summary>Gets or sets the offset of the inner frame or packet a tunnel carries (-1 when none).</summary>
    public int InnerOffset { get; set; }

    /// <summary>Gets a value indicating whether the packet is IPv4.</summary>
    public readonly bool IsIpv4 => EtherType == EthernetFields.TypeIpv4 && L3Offset >= 0;

    /// <summary>Gets a value indicating whether the packet is IPv6.</summary>
    public readonly bool IsIpv6 => EtherType == EthernetFields.TypeIpv6 && L3Offset >= 0;
}

/// <summary>
/// Parses a frame's outer headers in one pass over a span: Ethernet, up to two VLAN tags, then ARP, IPv4, IPv6
/// or NSH; then UDP, TCP or ICMP; and recognises VXLAN on UDP 4789. Never throws and never allocates: a
/// malformed or truncated frame returns its <see cref="ParseResult"/>. Parse a tunnel's inner frame by calling
/// again on the span from <see cref="ParsedPacket.InnerOffset"/>.
/// </summary>
public static class PacketParser
{
    /// <summary>Parses a frame that starts with an Ethernet header.</summary>
    /// <param name="frame">The frame.</param>
    /// <param name="p">What was found (partially filled when the result is not Ok).</param>
    /// <returns>Ok, or why the frame is malformed.</returns>
    public static ParseResult Parse(ReadOnlySpan<byte> frame, out ParsedPacket p)
    {
        p = default;
        p.L3Offset = -1;
        p.L4Offset = -1;
        p.VxlanOffset = -1;
        p.NshOffset = -1;
        p.InnerOffset = -1;
        if (frame.Length < EthernetFields.HeaderLength)
        {
            return ParseResult.TruncatedEthernet;
        }

        ushort type = BinaryPrimitives.ReadUInt16BigEndian(frame[EthernetFields.TypePosition..]);
        int offset = EthernetFields.HeaderLength;
        while (type is EthernetFields.TypeVlan or EthernetFields.TypeQinQ)
        {
            if (p.VlanCount == 2 || frame.Length < offset + VlanFields.HeaderLength)
            {
                return ParseResult.BadVlan;
            }

            if (p.VlanCount == 0)
            {
                p.VlanId = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(frame[offset..]) & 0x0FFF);
            }

            p.VlanCount++;
            type = BinaryPrimitives.ReadUInt16BigEndian(frame[(offset + VlanFields.TypePosition)..]);
            offset += VlanFields.HeaderLength;
        }

        p.EtherType = type;
        return ParseL3(frame, offset, type, ref p);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ParseResult ParseL3(ReadOnlySpan<byte> frame, int offset, ushort type, ref ParsedPacket p)
    {
        switch (type)
        {
            case EthernetFields.TypeIpv4:
                return ParseIpv4(frame, offset, ref p);
            case EthernetFields.TypeIpv6:
                return ParseIpv6(frame, offset, ref p);
            case EthernetFields.TypeArp:
                if (frame.Length < offset + ArpFields.HeaderLength)
                {
                    return ParseResult.TruncatedArp;
                }

                p.L3Offset = offset;
                p.L3End = offset + ArpFields.HeaderLength;
                return ParseResult.Ok;
            case EthernetFields.TypeNsh:
                return ParseNsh(frame, offset, ref p);
            default:
                p.L3Offset = offset;
                p.L3End = frame.Length;
                return ParseResult.Ok;
        }
    }

    private static ParseResult ParseIpv4(ReadOnlySpan<byte> frame, int offset, ref ParsedPacket p)
    {
        if (frame.Length < offset + Ipv4Fields.HeaderLength)
        {
            return ParseResult.BadIpv4;
        }

        ReadOnlySpan<byte> ip = frame[offset..];
        int versionIhl = ip[Ipv4Fields.VersionIhlPosition];
        int headerLength = (versionIhl & 0x0F) * 4;
        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(ip[Ipv4Fields.TotalLengthPosition..]);
        if ((versionIhl >> 4) != 4 || headerLength < Ipv4Fields.HeaderLength || totalLength < headerLength || totalLength > ip.Length)
        {
            return ParseResult.BadIpv4;
        }

        p.L3Offset = offset;
        p.L3End = offset + totalLength;
        p.IpProtocol = ip[Ipv4Fields.ProtocolPosition];
        p.SourceIpv4 = BinaryPrimitives.ReadUInt32BigEndian(ip[Ipv4Fields.SourcePosition..]);
        p.DestinationIpv4 = BinaryPrimitives.ReadUInt32BigEndian(ip[Ipv4Fields.DestinationPosition..]);
        ushort fragment = BinaryPrimitives.ReadUInt16BigEndian(ip[Ipv4Fields.FragmentPosition..]);
        if ((fragment & Ipv4Fields.FragmentOffsetMask) != 0)
        {
            return ParseResult.Ok;
        }

        return ParseL4(frame[..p.L3End], offset + headerLength, ref p);
    }

    private static ParseResult ParseIpv6(ReadOnlySpan<byte> frame, int offset, ref ParsedPacket p)
    {
        if (frame.Length < offset + Ipv6Fields.HeaderLength)
        {
            return ParseResult.BadIpv6;
        }

        ReadOnlySpan<byte> ip = frame[offset..];
        int payload = BinaryPrimitives.ReadUInt16BigEndian(ip[Ipv6Fields.PayloadLengthPosition..]);
        if ((ip[Ipv6Fields.VersionPosition] >> 4) != 6 || Ipv6Fields.HeaderLength + payload > ip.Length)
        {
            return ParseResult.BadIpv6;
        }

        p.L3Offset = offset;
        p.L3End = offset + Ipv6Fields.HeaderLength + payload;
        p.IpProtocol = ip[Ipv6Fields.NextHeaderPosition];
        return ParseL4(frame[..p.L3End], offset + Ipv6Fields.HeaderLength, ref p);
    }

    private static ParseResult ParseL4(ReadOnlySpan<byte> packet, int offset, ref ParsedPacket p)
    {
        int remaining = packet.Length - offset;
        switch (p.IpProtocol)
        {
            case IpProtocols.Udp:
            {
                if (remaining < UdpFields.HeaderLength)
                {
                    return ParseResult.BadL4;
                }

                ReadOnlySpan<byte> udp = packet[offset..];
                int length = BinaryPrimitives.ReadUInt16BigEndian(udp[UdpFields.LengthPosition..]);
                if (length < UdpFields.HeaderLength || length > remaining)
                {
                    return ParseResult.BadL4;
                }

                p.L4Offset = offset;
                p.SourcePort = BinaryPrimitives.ReadUInt16BigEndian(udp);
                p.DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(udp[UdpFields.DestinationPortPosition..]);
                if (p.DestinationPort == VxlanFields.UdpPort)
                {
                    return ParseVxlan(packet[..(offset + length)], offset + UdpFields.HeaderLength, ref p);
                }

                return ParseResult.Ok;
            }

            case IpProtocols.Tcp:
            {
                if (remaining < TcpFields.HeaderLength)
                {
                    return ParseResult.BadL4;
                }

                ReadOnlySpan<byte> tcp = packet[offset..];
                int headerLength = (tcp[TcpFields.DataOffsetPosition] >> 4) * 4;
                if (headerLength < TcpFields.HeaderLength || headerLength > remaining)
                {
                    return ParseResult.BadL4;
                }

                p.L4Offset = offset;
                p.SourcePort = BinaryPrimitives.ReadUInt16BigEndian(tcp);
                p.DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(tcp[TcpFields.DestinationPortPosition..]);
                p.TcpFlags = tcp[TcpFields.FlagsPosition];
                return ParseResult.Ok;
            }

            case IpProtocols.Icmp:
            case IpProtocols.IcmpV6:
            {
                if (remaining < IcmpFields.HeaderLength)
                {
                    return ParseResult.BadL4;
                }

                p.L4Offset = offset;
                ReadOnlySpan<byte> icmp = packet[offset..];
                if (icmp[IcmpFields.TypePosition] is IcmpFields.EchoRequest or IcmpFields.EchoReply or 128 or 129)
                {
                    // Echo id stands in for a port so that ICMP flows can be tracked and translated.
                    p.SourcePort = BinaryPrimitives.ReadUInt16BigEndian(icmp[IcmpFields.IdentifierPosition..]);
                    p.DestinationPort = p.SourcePort;
                }

                return ParseResult.Ok;
            }

            default:
                return ParseResult.Ok;
        }
    }

    private static ParseResult ParseVxlan(ReadOnlySpan<byte> packet, int offset, ref ParsedPacket p)
    {
        if (packet.Length < offset + VxlanFields.HeaderLength + EthernetFields.HeaderLength
            || (packet[offset + VxlanFields.FlagsPosition] & VxlanFields.FlagVniValid) == 0)
        {
            return ParseResult.BadVxlan;
        }

        p.VxlanOffset = offset;
        p.Vni = BinaryPrimitives.ReadUInt32BigEndian(packet[(offset + VxlanFields.VniPosition)..]) >> 8;
        p.InnerOffset = offset + VxlanFields.HeaderLength;
        return ParseResult.Ok;
    }

    private static ParseResult ParseNsh(ReadOnlySpan<byte> frame, int offset, ref ParsedPacket p)
    {
        if (frame.Length < offset + NshFields.BaseLength)
        {
            return ParseResult.BadNsh;
        }

        ReadOnlySpan<byte> nsh = frame[offset..];
        ushort first = BinaryPrimitives.ReadUInt16BigEndian(nsh);
        int version = first >> 14;
        int length = (first & 0x3F) * 4;
        int mdType = nsh[NshFields.MdTypePosition] & 0x0F;
        int minimum = mdType == 1 ? NshFields.MdType1Length : NshFields.BaseLength;
        if (version != 0 || mdType is 0 or > 2 || length < minimum || length > nsh.Length || (mdType == 1 && length != NshFields.MdType1Length))
        {
            return ParseResult.BadNsh;
        }

        uint path = BinaryPrimitives.ReadUInt32BigEndian(nsh[NshFields.ServicePathPosition..]);
        p.L3Offset = offset;
        p.L3End = frame.Length;
        p.NshOffset = offset;
        p.ServicePathId = path >> 8;
        p.ServiceIndex = (byte)path;
        p.NshNextProtocol = nsh[NshFields.NextProtocolPosition];
        p.InnerOffset = offset + length;
        return ParseResult.Ok;
    }
}
