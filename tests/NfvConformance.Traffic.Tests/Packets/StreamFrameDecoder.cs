// Licensed under the Apache License, Version 2.0.
using System.Net;
using NfvConformance.Abstractions.Traffic;
using PacketDotNet;

namespace NfvConformance.Traffic.Tests.Packets;

/// <summary>What the independent decoder found in a frame.</summary>
internal readonly record struct ParsedFrame(
    int? VxlanVni,
    int? VlanId,
    L3Protocol L3,
    L4Protocol L4,
    IPAddress? SourceIp,
    IPAddress? DestinationIp,
    int SourcePort,
    int DestinationPort,
    bool ChecksumsValid,
    LatencyMark? Mark);

/// <summary>
/// Decodes the frames <c>PacketBuilder</c> writes with PacketDotNet, a decoder independent of our packets library, so
/// a builder bug cannot hide behind the same bug in our own parser. VXLAN (which PacketDotNet does not decode) is
/// unwrapped here: its 8 bytes after UDP port 4789.
/// </summary>
internal static class StreamFrameDecoder
{
    private const int UdpHeaderLength = 8;

    public static bool TryParse(ReadOnlySpan<byte> frame, out ParsedFrame parsed)
    {
        parsed = default;
        byte[] bytes = frame.ToArray();
        LatencyMark? mark = LatencyMark.TryReadTrailer(frame, out LatencyMark m) ? m : null;
        if (Packet.ParsePacket(LinkLayers.Ethernet, bytes) is not EthernetPacket ethernet)
        {
            return false;
        }

        bool valid = true;
        int? vni = null;
        Packet packet = ethernet;
        UdpPacket? outer = packet.Extract<UdpPacket>();
        if (outer is { DestinationPort: 4789 } && packet.Extract<IPv4Packet>() is { } outerIp)
        {
            valid &= outerIp.ValidIPChecksum;
            byte[] vx = outer.Bytes[UdpHeaderLength..]; // PacketDotNet may decode the payload as its own VXLAN packet: take the raw bytes
            if (vx.Length < 8 || (vx[0] & 0x08) == 0)
            {
                return false;
            }

            vni = (vx[4] << 16) | (vx[5] << 8) | vx[6];
            packet = Packet.ParsePacket(LinkLayers.Ethernet, vx[8..]);
        }

        int? vlan = packet.Extract<Ieee8021QPacket>() is { } tag ? tag.VlanIdentifier : null;
        IPPacket? ip = packet.Extract<IPPacket>();
        if (ip is null)
        {
            parsed = new ParsedFrame(vni, vlan, L3Protocol.None, L4Protocol.None, null, null, 0, 0, valid, mark);
            return true;
        }

        L3Protocol l3 = ip is IPv4Packet ? L3Protocol.IPv4 : L3Protocol.IPv6;
        if (ip is IPv4Packet v4)
        {
            valid &= v4.ValidIPChecksum;
        }

        L4Protocol l4 = L4Protocol.None;
        int sport = 0;
        int dport = 0;
        if (ip.Extract<UdpPacket>() is { } udp)
        {
            (l4, sport, dport) = (L4Protocol.Udp, udp.SourcePort, udp.DestinationPort);
            valid &= udp.ValidUdpChecksum;
        }
        else if (ip.Extract<TcpPacket>() is { } tcp)
        {
            (l4, sport, dport) = (L4Protocol.Tcp, tcp.SourcePort, tcp.DestinationPort);
            valid &= tcp.ValidTcpChecksum;
        }

        parsed = new ParsedFrame(vni, vlan, l3, l4, ip.SourceAddress, ip.DestinationAddress, sport, dport, valid, mark);
        return true;
    }
}
