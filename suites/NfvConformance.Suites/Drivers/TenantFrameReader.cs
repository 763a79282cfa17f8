// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Net;
using NfvConformance.Packets;

namespace NfvConformance.Suites.Drivers;

/// <summary>
/// The observer's decoding of frames a target reports (Ethernet, 802.1Q, IPv4/IPv6, UDP/TCP/ICMP, VXLAN, ESP in UDP),
/// with the packets library (NfvConformance.Packets), which its tests hold to PacketDotNet, an independent decoder.
/// </summary>
internal sealed record TenantFrame(
    byte[] Bytes,
    string DestinationMac,
    string SourceMac,
    int IpVersion,
    IPAddress? Source,
    IPAddress? Destination,
    int Ttl,
    int Protocol,
    int SourcePort,
    int DestinationPort,
    int L3Offset,
    int L4Offset,
    int L3End)
{
    /// <summary>The UDP port of VXLAN (RFC 7348).</summary>
    public const int VxlanPort = 4789;

    /// <summary>The UDP port of ESP in UDP (RFC 3948).</summary>
    public const int EspInUdpPort = 4500;

    /// <summary>Gets the VXLAN VNI when this is a VXLAN packet with the I flag, else -1.</summary>
    public int Vni => Protocol == 17 && DestinationPort == VxlanPort && L4Offset + 16 <= Bytes.Length && (Bytes[L4Offset + 8] & 0x08) != 0
        ? (int)(BinaryPrimitives.ReadUInt32BigEndian(Bytes.AsSpan(L4Offset + 12)) >> 8)
        : -1;

    /// <summary>Gets the inner frame of a VXLAN packet.</summary>
    public byte[] VxlanInner => Bytes.AsSpan((L4Offset + 16)..L3End).ToArray();

    /// <summary>Gets the ESP SPI when this is ESP in UDP, else null.</summary>
    public uint? EspSpi => Protocol == 17 && DestinationPort == EspInUdpPort && L4Offset + 12 <= Bytes.Length
        ? BinaryPrimitives.ReadUInt32BigEndian(Bytes.AsSpan(L4Offset + 8))
        : null;

    /// <summary>Decodes a frame with the packets library; fails the step with what is wrong when it cannot.</summary>
    /// <param name="frame">The bytes from the Ethernet header.</param>
    /// <param name="what">What the frame is, for the message.</param>
    /// <returns>The decoded frame.</returns>
    public static TenantFrame Read(byte[] frame, string what)
    {
        ParseResult result = PacketParser.Parse(frame, out ParsedPacket p);
        Core.Evidence.Check.That(result == ParseResult.Ok, $"{what}: the frame does not parse ({result}).");
        Core.Evidence.Check.That(p.IsIpv4 || p.IsIpv6, $"{what}: EtherType 0x{p.EtherType:x4} is neither IPv4 nor IPv6.");
        string dmac = Convert.ToHexString(frame, EthernetFields.DestinationPosition, EthernetFields.MacLength);
        string smac = Convert.ToHexString(frame, EthernetFields.SourcePosition, EthernetFields.MacLength);
        int o = p.L3Offset;
        bool v4 = p.IsIpv4;
        int l4 = v4 ? o + ((frame[o] & 0x0F) * 4) : o + Ipv6Fields.HeaderLength;
        (int sp, int dp) = p.IpProtocol is IpProtocols.Icmp or IpProtocols.IcmpV6 && frame.Length >= l4 + IcmpFields.HeaderLength
            ? (BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(l4 + IcmpFields.IdentifierPosition)), BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(l4 + IcmpFields.IdentifierPosition)))
            : (p.SourcePort, p.DestinationPort);
        return v4
            ? new TenantFrame(frame, dmac, smac, 4, new IPAddress(frame.AsSpan(o + Ipv4Fields.SourcePosition, 4)), new IPAddress(frame.AsSpan(o + Ipv4Fields.DestinationPosition, 4)), frame[o + Ipv4Fields.TtlPosition], p.IpProtocol, sp, dp, o, l4, p.L3End)
            : new TenantFrame(frame, dmac, smac, 6, new IPAddress(frame.AsSpan(o + Ipv6Fields.SourcePosition, 16)), new IPAddress(frame.AsSpan(o + Ipv6Fields.DestinationPosition, 16)), frame[o + Ipv6Fields.HopLimitPosition], p.IpProtocol, sp, dp, o, l4, p.L3End);
    }

    /// <summary>Whether the IPv4 header checksum and the TCP/UDP/ICMP checksum are right.</summary>
    /// <returns>True when both hold.</returns>
    public bool ChecksumsValid()
    {
        if (IpVersion != 4)
        {
            return true;
        }

        ReadOnlySpan<byte> ip = Bytes.AsSpan(L3Offset, L3End - L3Offset);
        if (InternetChecksum.Compute(ip[..(L4Offset - L3Offset)]) != 0)
        {
            return false;
        }

        ReadOnlySpan<byte> segment = ip[(L4Offset - L3Offset)..];
        return Protocol == IpProtocols.Icmp
            ? InternetChecksum.Compute(segment) == 0
            : InternetChecksum.VerifyTransport(ip.Slice(Ipv4Fields.SourcePosition, 4), ip.Slice(Ipv4Fields.DestinationPosition, 4), (byte)Protocol, segment);
    }
}
