// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;

namespace NfvConformance.Packets;

/// <summary>
/// Whole IP frames over spans: Ethernet + IPv4 or IPv6 (chosen by the address length) + a transport segment, and the
/// checksums of a packet recomputed from scratch. No allocation; the caller owns the buffers.
/// </summary>
public static class IpFrames
{
    /// <summary>Gets the length of an IPv4 (4-byte address) or IPv6 (16-byte address) header without options.</summary>
    /// <param name="addressLength">4 or 16.</param>
    /// <returns>20 or 40.</returns>
    public static int HeaderLength(int addressLength) => addressLength == Ipv6Fields.AddressLength ? Ipv6Fields.HeaderLength : Ipv4Fields.HeaderLength;

    /// <summary>Gets the length of a frame <see cref="Write"/> builds.</summary>
    /// <param name="addressLength">4 or 16.</param>
    /// <param name="segmentLength">The transport segment's length.</param>
    /// <returns>The frame length.</returns>
    public static int FrameLength(int addressLength, int segmentLength) => EthernetFields.HeaderLength + HeaderLength(addressLength) + segmentLength;

    /// <summary>Writes an IPv4 header (4-byte addresses) or an IPv6 header (16-byte addresses).</summary>
    /// <param name="dst">Where to write.</param>
    /// <param name="source">The source address in network order.</param>
    /// <param name="destination">The destination address, of the same family.</param>
    /// <param name="protocol">The IP protocol or IPv6 next header.</param>
    /// <param name="payloadLength">Bytes that follow the header.</param>
    /// <param name="identification">The IPv4 identification.</param>
    /// <returns>The header length.</returns>
    public static int WriteIp(Span<byte> dst, ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, byte protocol, int payloadLength, ushort identification = 0)
    {
        if (source.Length != destination.Length || source.Length is not (4 or Ipv6Fields.AddressLength))
        {
            throw new ArgumentException($"addresses of {source.Length} and {destination.Length} bytes: give two IPv4 (4-byte) or two IPv6 (16-byte) addresses.", nameof(destination));
        }

        return source.Length == 4
            ? FrameBuilder.WriteIpv4(dst, BinaryPrimitives.ReadUInt32BigEndian(source), BinaryPrimitives.ReadUInt32BigEndian(destination), protocol, payloadLength, identification: identification)
            : FrameBuilder.WriteIpv6(dst, source, destination, protocol, payloadLength);
    }

    /// <summary>Writes Ethernet + IP + the segment, and fills every checksum (IPv4 header, TCP, UDP, ICMP, ICMPv6).</summary>
    /// <param name="dst">Where to write; at least <see cref="FrameLength"/> bytes.</param>
    /// <param name="destinationMac">Destination MAC.</param>
    /// <param name="sourceMac">Source MAC.</param>
    /// <param name="source">The source address (4 or 16 bytes).</param>
    /// <param name="destination">The destination address, of the same family.</param>
    /// <param name="protocol">The IP protocol.</param>
    /// <param name="segment">The transport header and payload (its checksum field is overwritten).</param>
    /// <param name="identification">The IPv4 identification.</param>
    /// <returns>The frame length.</returns>
    public static int Write(Span<byte> dst, ReadOnlySpan<byte> destinationMac, ReadOnlySpan<byte> sourceMac, ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, byte protocol, ReadOnlySpan<byte> segment, ushort identification = 0)
    {
        int o = FrameBuilder.WriteEthernet(dst, destinationMac, sourceMac, source.Length == 4 ? EthernetFields.TypeIpv4 : EthernetFields.TypeIpv6);
        int l3 = o;
        o += WriteIp(dst[o..], source, destination, protocol, segment.Length, identification);
        segment.CopyTo(dst[o..]);
        o += segment.Length;
        FinishChecksums(dst[l3..o]);
        return o;
    }

    /// <summary>
    /// Recomputes the checksums of an IP packet from scratch: the IPv4 header checksum, then the TCP, UDP, ICMP or
    /// ICMPv6 checksum when this packet holds the whole transport segment (not for a fragment: the checksum covers
    /// data that other fragments carry).
    /// </summary>
    /// <param name="ipPacket">The packet, from its IP header to its end.</param>
    public static void FinishChecksums(Span<byte> ipPacket)
    {
        if ((ipPacket[0] >> 4) == 4)
        {
            Ipv4View ip = new(ipPacket);
            ip.UpdateChecksum();
            ushort fragment = BinaryPrimitives.ReadUInt16BigEndian(ipPacket[Ipv4Fields.FragmentPosition..]);
            if ((fragment & (Ipv4Fields.FragmentOffsetMask | Ipv4Fields.MoreFragmentsFlag)) != 0)
            {
                return;
            }

            Span<byte> segment = ipPacket[ip.HeaderLength..ip.TotalLength];
            switch (ip.Protocol)
            {
                case IpProtocols.Tcp or IpProtocols.Udp:
                    FrameBuilder.FinishL4Ipv4(ipPacket);
                    break;
                case IpProtocols.Icmp:
                    BinaryPrimitives.WriteUInt16BigEndian(segment[IcmpFields.ChecksumPosition..], 0);
                    BinaryPrimitives.WriteUInt16BigEndian(segment[IcmpFields.ChecksumPosition..], InternetChecksum.Compute(segment));
                    break;
            }

            return;
        }

        byte next = ipPacket[Ipv6Fields.NextHeaderPosition];
        int position = next switch
        {
            IpProtocols.Tcp => TcpFields.ChecksumPosition,
            IpProtocols.Udp => UdpFields.ChecksumPosition,
            IpProtocols.IcmpV6 => IcmpFields.ChecksumPosition,
            _ => -1,
        };
        if (position < 0)
        {
            return;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(ipPacket[Ipv6Fields.PayloadLengthPosition..]);
        Span<byte> l4 = ipPacket.Slice(Ipv6Fields.HeaderLength, length);
        BinaryPrimitives.WriteUInt16BigEndian(l4[position..], 0);
        ushort sum = InternetChecksum.ComputeIpv6Pseudo(ipPacket.Slice(Ipv6Fields.SourcePosition, 16), ipPacket.Slice(Ipv6Fields.DestinationPosition, 16), next, l4);
        BinaryPrimitives.WriteUInt16BigEndian(l4[position..], sum);
    }

    /// <summary>Recomputes the checksums of the IP packet in an Ethernet frame (see <see cref="FinishChecksums"/>).</summary>
    /// <param name="frame">The frame.</param>
    /// <returns>False when the frame does not parse as IP (nothing is changed).</returns>
    public static bool FinishFrameChecksums(Span<byte> frame)
    {
        if (PacketParser.Parse(frame, out ParsedPacket p) != ParseResult.Ok || !(p.IsIpv4 || p.IsIpv6))
        {
            return false;
        }

        FinishChecksums(frame[p.L3Offset..p.L3End]);
        return true;
    }

    /// <summary>
    /// Rewrites the source or destination address (and port) of the IP packet in a frame, as NAT does, and
    /// recomputes its checksums.
    /// </summary>
    /// <param name="frame">The frame, changed in place.</param>
    /// <param name="address">The new address, of the packet's family (4 or 16 bytes).</param>
    /// <param name="port">The new TCP/UDP port, or null to keep it.</param>
    /// <param name="source">True for the source, false for the destination.</param>
    /// <exception cref="ArgumentException">The frame is not IP, or the address is of the other family.</exception>
    public static void Rewrite(Span<byte> frame, ReadOnlySpan<byte> address, int? port, bool source)
    {
        if (PacketParser.Parse(frame, out ParsedPacket p) != ParseResult.Ok || !(p.IsIpv4 || p.IsIpv6))
        {
            throw new ArgumentException("the frame does not parse as IP.", nameof(frame));
        }

        if (address.Length != (p.IsIpv4 ? 4 : Ipv6Fields.AddressLength))
        {
            throw new ArgumentException($"cannot write a {address.Length}-byte address into an IPv{(p.IsIpv4 ? 4 : 6)} packet.", nameof(address));
        }

        int position = p.IsIpv4
            ? (source ? Ipv4Fields.SourcePosition : Ipv4Fields.DestinationPosition)
            : (source ? Ipv6Fields.SourcePosition : Ipv6Fields.DestinationPosition);
        address.CopyTo(frame[(p.L3Offset + position)..]);
        if (port is { } value && p.L4Offset >= 0)
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame[(p.L4Offset + (source ? 0 : 2))..], (ushort)value);
        }

        FinishChecksums(frame[p.L3Offset..p.L3End]);
    }

    /// <summary>Inserts an 802.1Q tag after the MAC addresses, as a trunk port sends the frame.</summary>
    /// <param name="dst">Where to write; at least the frame's length + 4.</param>
    /// <param name="frame">An untagged frame.</param>
    /// <param name="vlanId">The VLAN id (1-4094).</param>
    /// <returns>The tagged frame's length.</returns>
    public static int WriteTagged(Span<byte> dst, ReadOnlySpan<byte> frame, ushort vlanId)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vlanId, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(vlanId, 4094);
        frame[..EthernetFields.TypePosition].CopyTo(dst);
        BinaryPrimitives.WriteUInt16BigEndian(dst[EthernetFields.TypePosition..], EthernetFields.TypeVlan);
        FrameBuilder.WriteVlan(dst[EthernetFields.HeaderLength..], vlanId, 0, BinaryPrimitives.ReadUInt16BigEndian(frame[EthernetFields.TypePosition..]));
        frame[EthernetFields.HeaderLength..].CopyTo(dst[(EthernetFields.HeaderLength + VlanFields.HeaderLength)..]);
        return frame.Length + VlanFields.HeaderLength;
    }
}
