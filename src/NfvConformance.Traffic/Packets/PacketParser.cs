// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Net;
using NfvConformance.Abstractions.Traffic;

namespace NfvConformance.Traffic.Packets;

/// <summary>What the parser found in a frame.</summary>
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

/// <summary>Parses frames written by <see cref="PacketBuilder"/> (and any Ethernet/VLAN/IP/UDP/TCP/VXLAN frame) for checks at the receiver.</summary>
internal static class PacketParser
{
    public static bool TryParse(ReadOnlySpan<byte> frame, out ParsedFrame parsed)
    {
        parsed = default;
        int? vni = null;
        if (!TryParseInner(frame, out int? vlan, out L3Protocol l3, out int l3Offset))
        {
            return false;
        }

        ReadOnlySpan<byte> f = frame;
        if (l3 == L3Protocol.IPv4 && f.Length >= l3Offset + 28 && f[l3Offset + 9] == 17
            && BinaryPrimitives.ReadUInt16BigEndian(f[(l3Offset + 22)..]) == EthernetFields.VxlanPort)
        {
            if (!Checksum.Verify(f.Slice(l3Offset, 20)))
            {
                return false;
            }

            int vx = l3Offset + 28;
            if (f.Length < vx + 8 || (f[vx] & 0x08) == 0)
            {
                return false;
            }

            vni = (f[vx + 4] << 16) | (f[vx + 5] << 8) | f[vx + 6];
            f = f[(vx + 8)..];
            if (!TryParseInner(f, out vlan, out l3, out l3Offset))
            {
                return false;
            }
        }

        bool checksums = true;
        L4Protocol l4 = L4Protocol.None;
        IPAddress? src = null;
        IPAddress? dst = null;
        int sport = 0;
        int dport = 0;
        ReadOnlySpan<byte> addresses = default;
        ReadOnlySpan<byte> segment = default;
        byte proto = 0;
        if (l3 == L3Protocol.IPv4)
        {
            ReadOnlySpan<byte> ip = f[l3Offset..];
            int total = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
            if (ip.Length < 20 || total > ip.Length)
            {
                return false;
            }

            checksums &= Checksum.Verify(ip[..20]);
            src = new IPAddress(ip[12..16]);
            dst = new IPAddress(ip[16..20]);
            proto = ip[9];
            addresses = ip[12..20];
            segment = ip[20..total];
        }
        else if (l3 == L3Protocol.IPv6)
        {
            ReadOnlySpan<byte> ip = f[l3Offset..];
            int payload = BinaryPrimitives.ReadUInt16BigEndian(ip[4..]);
            if (ip.Length < 40 + payload)
            {
                return false;
            }

            src = new IPAddress(ip[8..24]);
            dst = new IPAddress(ip[24..40]);
            proto = ip[6];
            addresses = ip[8..40];
            segment = ip.Slice(40, payload);
        }

        if (proto is 17 or 6 && segment.Length >= 8)
        {
            l4 = proto == 17 ? L4Protocol.Udp : L4Protocol.Tcp;
            sport = BinaryPrimitives.ReadUInt16BigEndian(segment);
            dport = BinaryPrimitives.ReadUInt16BigEndian(segment[2..]);
            checksums &= Checksum.VerifyWithPseudoHeader(addresses, proto, segment);
        }

        LatencyMark? mark = LatencyMark.TryReadTrailer(frame, out LatencyMark m) ? m : null;
        parsed = new ParsedFrame(vni, vlan, l3, l4, src, dst, sport, dport, checksums, mark);
        return true;
    }

    private static bool TryParseInner(ReadOnlySpan<byte> f, out int? vlan, out L3Protocol l3, out int l3Offset)
    {
        vlan = null;
        l3 = L3Protocol.None;
        l3Offset = 0;
        if (f.Length < EthernetFields.HeaderLength)
        {
            return false;
        }

        int pos = 12;
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(f[pos..]);
        if (type == EthernetFields.TypeVlan)
        {
            if (f.Length < 18)
            {
                return false;
            }

            vlan = BinaryPrimitives.ReadUInt16BigEndian(f[(pos + 2)..]) & 0x0FFF;
            pos += 4;
            type = BinaryPrimitives.ReadUInt16BigEndian(f[pos..]);
        }

        l3Offset = pos + 2;
        l3 = type switch
        {
            EthernetFields.TypeIPv4 => L3Protocol.IPv4,
            EthernetFields.TypeIPv6 => L3Protocol.IPv6,
            _ => L3Protocol.None,
        };
        return true;
    }
}
