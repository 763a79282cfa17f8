// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using NfvConformance.Abstractions.ContainerPlatform;
using NfvConformance.Packets;

namespace NfvConformance.Emulator.ContainerPlatform.Probing;

/// <summary>The fields of a probe frame that routing and policy look at, read from its bytes.</summary>
/// <param name="Source">The IP source.</param>
/// <param name="Destination">The IP destination.</param>
/// <param name="Protocol">TCP, UDP or ICMP.</param>
/// <param name="SourcePort">The L4 source port (the echo identifier for ICMP).</param>
/// <param name="DestinationPort">The L4 destination port (0 for ICMP).</param>
/// <param name="TcpFlags">The TCP flags (0 for other protocols).</param>
internal sealed record FrameFields(IPAddress Source, IPAddress Destination, ProbeProtocol Protocol, int SourcePort, int DestinationPort, byte TcpFlags);

/// <summary>Builds, reads, rewrites and tunnels the real Ethernet frames of probes, with the dataplane's builders and parser.</summary>
internal static class Frames
{
    /// <summary>The ICMPv6 echo request type.</summary>
    public const byte Icmpv6EchoRequest = 128;

    /// <summary>The ICMPv6 echo reply type.</summary>
    public const byte Icmpv6EchoReply = 129;

    /// <summary>Builds a probe or reply frame with valid checksums.</summary>
    /// <param name="sourceMac">The source MAC.</param>
    /// <param name="destinationMac">The destination MAC.</param>
    /// <param name="source">The source address.</param>
    /// <param name="destination">The destination address (same family).</param>
    /// <param name="protocol">The transport.</param>
    /// <param name="sourcePort">The source port (the echo identifier for ICMP).</param>
    /// <param name="destinationPort">The destination port.</param>
    /// <param name="reply">True for the answer (SYN-ACK, echo reply).</param>
    /// <returns>The frame.</returns>
    public static byte[] Build(ReadOnlySpan<byte> sourceMac, ReadOnlySpan<byte> destinationMac, IPAddress source, IPAddress destination, ProbeProtocol protocol, int sourcePort, int destinationPort, bool reply)
    {
        bool v4 = source.AddressFamily == AddressFamily.InterNetwork;
        ReadOnlySpan<byte> payload = "nfvc-probe"u8;
        byte[] segment = new byte[protocol switch
        {
            ProbeProtocol.Tcp => TcpFields.HeaderLength,
            ProbeProtocol.Udp => UdpFields.HeaderLength + payload.Length,
            _ => IcmpFields.HeaderLength + payload.Length,
        }];
        byte ipProtocol = protocol switch
        {
            ProbeProtocol.Tcp => IpProtocols.Tcp,
            ProbeProtocol.Udp => IpProtocols.Udp,
            _ => v4 ? IpProtocols.Icmp : IpProtocols.IcmpV6,
        };
        switch (protocol)
        {
            case ProbeProtocol.Tcp:
                FrameBuilder.WriteTcp(segment, (ushort)sourcePort, (ushort)destinationPort, reply ? 7000u : 1000u, reply ? 1001u : 0u, reply ? (byte)(TcpFields.Syn | TcpFields.Ack) : TcpFields.Syn);
                break;
            case ProbeProtocol.Udp:
                FrameBuilder.WriteUdp(segment, (ushort)sourcePort, (ushort)destinationPort, payload.Length);
                payload.CopyTo(segment.AsSpan(UdpFields.HeaderLength));
                break;
            default:
                byte type = v4 ? (reply ? IcmpFields.EchoReply : IcmpFields.EchoRequest) : (reply ? Icmpv6EchoReply : Icmpv6EchoRequest);
                FrameBuilder.WriteIcmpEcho(segment, type, (ushort)sourcePort, 1, payload);
                break;
        }

        byte[] src = source.GetAddressBytes();
        byte[] frame = new byte[IpFrames.FrameLength(src.Length, segment.Length)];
        IpFrames.Write(frame, destinationMac, sourceMac, src, destination.GetAddressBytes(), ipProtocol, segment);
        return frame;
    }

    /// <summary>Reads the fields routing and policy need from a frame's bytes.</summary>
    /// <param name="frame">The frame.</param>
    /// <returns>The fields.</returns>
    /// <exception cref="InvalidOperationException">The frame does not parse as an IP probe (a bug in the fabric).</exception>
    public static FrameFields Read(ReadOnlySpan<byte> frame)
    {
        ParseResult result = PacketParser.Parse(frame, out ParsedPacket p);
        if (result != ParseResult.Ok || !(p.IsIpv4 || p.IsIpv6))
        {
            throw new InvalidOperationException($"probe frame does not parse: {result}");
        }

        IPAddress source;
        IPAddress destination;
        if (p.IsIpv4)
        {
            source = new IPAddress(frame.Slice(p.L3Offset + Ipv4Fields.SourcePosition, 4));
            destination = new IPAddress(frame.Slice(p.L3Offset + Ipv4Fields.DestinationPosition, 4));
        }
        else
        {
            source = new IPAddress(frame.Slice(p.L3Offset + Ipv6Fields.SourcePosition, Ipv6Fields.AddressLength));
            destination = new IPAddress(frame.Slice(p.L3Offset + Ipv6Fields.DestinationPosition, Ipv6Fields.AddressLength));
        }

        ProbeProtocol protocol = p.IpProtocol switch
        {
            IpProtocols.Tcp => ProbeProtocol.Tcp,
            IpProtocols.Udp => ProbeProtocol.Udp,
            _ => ProbeProtocol.Icmp,
        };
        int sourcePort = protocol == ProbeProtocol.Icmp
            ? BinaryPrimitives.ReadUInt16BigEndian(frame[(p.L4Offset + IcmpFields.IdentifierPosition)..])
            : p.SourcePort;
        return new FrameFields(source, destination, protocol, sourcePort, protocol == ProbeProtocol.Icmp ? 0 : p.DestinationPort, p.TcpFlags);
    }

    /// <summary>Rewrites the source or destination address in place (NAT) and fixes the checksums.</summary>
    /// <param name="frame">The frame.</param>
    /// <param name="address">The new address (same family).</param>
    /// <param name="source">True to rewrite the source, false the destination.</param>
    public static void Rewrite(byte[] frame, IPAddress address, bool source) =>
        IpFrames.Rewrite(frame, address.GetAddressBytes(), null, source);

    /// <summary>Wraps a frame in VXLAN between two node addresses (outer IPv4 or IPv6, UDP 4789).</summary>
    /// <param name="inner">The frame to carry.</param>
    /// <param name="from">The sending node's address.</param>
    /// <param name="to">The receiving node's address.</param>
    /// <param name="vni">The VXLAN network identifier.</param>
    /// <returns>The outer frame.</returns>
    public static byte[] Encapsulate(byte[] inner, IPAddress from, IPAddress to, uint vni)
    {
        bool v4 = from.AddressFamily == AddressFamily.InterNetwork;
        int l3Header = v4 ? Ipv4Fields.HeaderLength : Ipv6Fields.HeaderLength;
        int udpLength = UdpFields.HeaderLength + VxlanFields.HeaderLength + inner.Length;
        byte[] frame = new byte[EthernetFields.HeaderLength + l3Header + udpLength];
        Span<byte> span = frame;
        byte[] mac = [0x02, 0, 0, 0, 0, 1];
        int offset = FrameBuilder.WriteEthernet(span, mac, mac, v4 ? EthernetFields.TypeIpv4 : EthernetFields.TypeIpv6);
        int l3 = offset;
        byte[] src = from.GetAddressBytes();
        byte[] dst = to.GetAddressBytes();
        offset += v4
            ? FrameBuilder.WriteIpv4(span[offset..], BinaryPrimitives.ReadUInt32BigEndian(src), BinaryPrimitives.ReadUInt32BigEndian(dst), IpProtocols.Udp, udpLength)
            : FrameBuilder.WriteIpv6(span[offset..], src, dst, IpProtocols.Udp, udpLength);
        ushort entropy = (ushort)(49152 + (InternetChecksum.Compute(inner.AsSpan(0, Math.Min(inner.Length, 54))) % 16384));
        offset += FrameBuilder.WriteUdp(span[offset..], entropy, VxlanFields.UdpPort, VxlanFields.HeaderLength + inner.Length);
        offset += FrameBuilder.WriteVxlan(span[offset..], vni);
        inner.CopyTo(span[offset..]);
        IpFrames.FinishChecksums(frame.AsSpan(l3));
        return frame;
    }

    /// <summary>Takes the inner frame out of a VXLAN frame addressed to a node.</summary>
    /// <param name="outer">The outer frame.</param>
    /// <param name="node">The receiving node's address.</param>
    /// <param name="vni">The VNI expected.</param>
    /// <returns>The inner frame, or null when the frame is not VXLAN for this node and VNI.</returns>
    public static byte[]? Decapsulate(byte[] outer, IPAddress node, uint vni)
    {
        if (PacketParser.Parse(outer, out ParsedPacket p) != ParseResult.Ok || p.InnerOffset < 0 || p.Vni != vni)
        {
            return null;
        }

        FrameFields fields = Read(outer.AsSpan(0, p.L3End));
        return fields.Destination.Equals(node) ? outer[p.InnerOffset..p.L3End] : null;
    }
}
