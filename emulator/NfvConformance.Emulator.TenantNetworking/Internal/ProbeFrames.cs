// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using NfvConformance.Abstractions.TenantNetworking;
using NfvConformance.Packets;

namespace NfvConformance.Emulator.TenantNetworking.Internal;

/// <summary>The flow fields of a parsed frame.</summary>
internal readonly record struct FlowInfo(byte Protocol, IPAddress Source, IPAddress Destination, ushort SourcePort, ushort DestinationPort, int L3Offset, int L4Offset, int L3Length, bool IsReply);

/// <summary>Builds probe frames and their replies, and rewrites them as NAT and routers do (IPv4 checksums updated incrementally, RFC 1624).</summary>
internal static class ProbeFrames
{
    public const byte IcmpV6EchoRequest = 128;
    public const byte IcmpV6EchoReply = 129;

    public static byte[] Build(ReadOnlySpan<byte> dstMac, ReadOnlySpan<byte> srcMac, IPAddress src, IPAddress dst, ProbeProtocol protocol, ushort sport, ushort dport, int payloadBytes, bool reply)
    {
        bool v4 = src.AddressFamily == AddressFamily.InterNetwork;
        if (v4 != (dst.AddressFamily == AddressFamily.InterNetwork))
        {
            throw new TenantNetworkingException($"Probe from {src} to {dst} mixes IPv4 and IPv6: send from an address of the destination's family.");
        }

        byte[] payload = new byte[payloadBytes];
        for (int i = 0; i < payload.Length; i++)
        {
            payload[i] = (byte)('a' + (i % 26));
        }

        int l4Header = protocol switch { ProbeProtocol.Tcp => TcpFields.HeaderLength, ProbeProtocol.Udp => UdpFields.HeaderLength, _ => IcmpFields.HeaderLength };
        int l3Header = v4 ? Ipv4Fields.HeaderLength : Ipv6Fields.HeaderLength;
        byte[] frame = new byte[EthernetFields.HeaderLength + l3Header + l4Header + payloadBytes];
        int o = FrameBuilder.WriteEthernet(frame, dstMac, srcMac, v4 ? EthernetFields.TypeIpv4 : EthernetFields.TypeIpv6);
        byte proto = protocol switch { ProbeProtocol.Tcp => IpProtocols.Tcp, ProbeProtocol.Udp => IpProtocols.Udp, _ => v4 ? IpProtocols.Icmp : IpProtocols.IcmpV6 };
        int l3 = o;
        o += v4
            ? FrameBuilder.WriteIpv4(frame.AsSpan(o), AddressMath.ToUInt32(src), AddressMath.ToUInt32(dst), proto, l4Header + payloadBytes)
            : FrameBuilder.WriteIpv6(frame.AsSpan(o), src.GetAddressBytes(), dst.GetAddressBytes(), proto, l4Header + payloadBytes);
        Span<byte> l4 = frame.AsSpan(o);
        switch (protocol)
        {
            case ProbeProtocol.Tcp:
                FrameBuilder.WriteTcp(l4, sport, dport, reply ? 0x5000_0000u : 0x1000_0000u, reply ? 0x1000_0001u : 0, reply ? (byte)(TcpFields.Syn | TcpFields.Ack) : TcpFields.Syn);
                payload.CopyTo(l4[TcpFields.HeaderLength..]);
                break;
            case ProbeProtocol.Udp:
                FrameBuilder.WriteUdp(l4, sport, dport, payloadBytes);
                payload.CopyTo(l4[UdpFields.HeaderLength..]);
                break;
            default:
                byte type = v4 ? (reply ? IcmpFields.EchoReply : IcmpFields.EchoRequest) : (reply ? IcmpV6EchoReply : IcmpV6EchoRequest);
                FrameBuilder.WriteIcmpEcho(l4, type, sport, 1, payload);
                break;
        }

        IpFrames.FinishChecksums(frame.AsSpan(l3));
        return frame;
    }

    public static bool TryFlow(ReadOnlySpan<byte> frame, out FlowInfo flow)
    {
        flow = default;
        if (PacketParser.Parse(frame, out ParsedPacket p) != ParseResult.Ok || p.L4Offset < 0 || !(p.IsIpv4 || p.IsIpv6))
        {
            return false;
        }

        ReadOnlySpan<byte> l3 = frame[p.L3Offset..];
        IPAddress src = p.IsIpv4 ? new IPAddress(l3.Slice(Ipv4Fields.SourcePosition, 4)) : new IPAddress(l3.Slice(Ipv6Fields.SourcePosition, 16));
        IPAddress dst = p.IsIpv4 ? new IPAddress(l3.Slice(Ipv4Fields.DestinationPosition, 4)) : new IPAddress(l3.Slice(Ipv6Fields.DestinationPosition, 16));
        ReadOnlySpan<byte> l4 = frame[p.L4Offset..];
        ushort sport;
        ushort dport;
        bool reply;
        if (p.IpProtocol is IpProtocols.Icmp or IpProtocols.IcmpV6)
        {
            sport = BinaryPrimitives.ReadUInt16BigEndian(l4[IcmpFields.IdentifierPosition..]);
            dport = sport;
            reply = l4[0] is IcmpFields.EchoReply or IcmpV6EchoReply;
        }
        else
        {
            sport = BinaryPrimitives.ReadUInt16BigEndian(l4);
            dport = BinaryPrimitives.ReadUInt16BigEndian(l4[2..]);
            reply = p.IpProtocol == IpProtocols.Tcp && (l4[TcpFields.FlagsPosition] & TcpFields.Ack) != 0;
        }

        flow = new FlowInfo(p.IpProtocol, src, dst, sport, dport, p.L3Offset, p.L4Offset, p.L3End - p.L3Offset, reply);
        return true;
    }

    public static void SetMacs(Span<byte> frame, ReadOnlySpan<byte> dst, ReadOnlySpan<byte> src)
    {
        dst[..6].CopyTo(frame);
        src[..6].CopyTo(frame[6..]);
    }

    /// <summary>Decrements the IPv4 TTL (checksum updated) or the IPv6 hop limit, as a router does.</summary>
    public static void DecrementHop(Span<byte> frame, in FlowInfo flow)
    {
        if (flow.Source.AddressFamily == AddressFamily.InterNetwork)
        {
            new Ipv4View(frame[flow.L3Offset..]).DecrementTtl();
        }
        else
        {
            frame[flow.L3Offset + Ipv6Fields.HopLimitPosition]--;
        }
    }

    /// <summary>Rewrites the IPv4 source address and port (or ICMP identifier), updating IP and L4 checksums incrementally.</summary>
    public static void RewriteSource(Span<byte> frame, in FlowInfo flow, IPAddress address, ushort port, bool updateL4 = true) => Rewrite(frame, flow, address, port, source: true, updateL4);

    /// <summary>Rewrites the IPv4 destination address and port (or ICMP identifier), updating IP and L4 checksums incrementally.</summary>
    public static void RewriteDestination(Span<byte> frame, in FlowInfo flow, IPAddress address, ushort port, bool updateL4 = true) => Rewrite(frame, flow, address, port, source: false, updateL4);

    private static void Rewrite(Span<byte> frame, in FlowInfo flow, IPAddress address, ushort port, bool source, bool updateL4)
    {
        Ipv4View ip = new(frame[flow.L3Offset..]);
        uint oldAddress = source ? ip.Source : ip.Destination;
        uint newAddress = AddressMath.ToUInt32(address);
        if (source)
        {
            ip.SetSource(newAddress);
        }
        else
        {
            ip.SetDestination(newAddress);
        }

        Span<byte> l4 = frame[flow.L4Offset..];
        if (flow.Protocol == IpProtocols.Icmp)
        {
            ushort oldId = BinaryPrimitives.ReadUInt16BigEndian(l4[IcmpFields.IdentifierPosition..]);
            BinaryPrimitives.WriteUInt16BigEndian(l4[IcmpFields.IdentifierPosition..], port);
            if (!updateL4)
            {
                return;
            }

            ushort c = BinaryPrimitives.ReadUInt16BigEndian(l4[IcmpFields.ChecksumPosition..]);
            BinaryPrimitives.WriteUInt16BigEndian(l4[IcmpFields.ChecksumPosition..], InternetChecksum.Update(c, oldId, port));
            return;
        }

        int portPosition = source ? 0 : 2;
        int checksumPosition = flow.Protocol == IpProtocols.Tcp ? TcpFields.ChecksumPosition : UdpFields.ChecksumPosition;
        ushort oldPort = BinaryPrimitives.ReadUInt16BigEndian(l4[portPosition..]);
        BinaryPrimitives.WriteUInt16BigEndian(l4[portPosition..], port);
        ushort checksum = BinaryPrimitives.ReadUInt16BigEndian(l4[checksumPosition..]);
        if (!updateL4 || (flow.Protocol == IpProtocols.Udp && checksum == 0))
        {
            return; // a broken NAT that leaves the L4 checksum stale, or no UDP checksum was sent (RFC 768): nothing to update
        }

        checksum = InternetChecksum.Update(InternetChecksum.Update(checksum, oldAddress, newAddress), oldPort, port);
        if (flow.Protocol == IpProtocols.Udp && checksum == 0)
        {
            checksum = 0xFFFF;
        }

        BinaryPrimitives.WriteUInt16BigEndian(l4[checksumPosition..], checksum);
    }
}
