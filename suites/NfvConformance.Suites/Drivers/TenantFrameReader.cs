// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Net;

namespace NfvConformance.Suites.Drivers;

/// <summary>
/// The observer's own decoding of frames a target reports (Ethernet, 802.1Q, IPv4/IPv6, UDP/TCP/ICMP, VXLAN, ESP in
/// UDP), independent of the emulator's parser, so a check never trusts the target's reading of its own frames.
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

    /// <summary>Decodes a frame; fails the step with what is wrong when it cannot.</summary>
    /// <param name="frame">The bytes from the Ethernet header.</param>
    /// <param name="what">What the frame is, for the message.</param>
    /// <returns>The decoded frame.</returns>
    public static TenantFrame Read(byte[] frame, string what)
    {
        Core.Evidence.Check.That(frame.Length >= 14, $"{what}: {frame.Length} bytes is shorter than an Ethernet header.");
        int o = 12;
        int type = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(o));
        o += 2;
        while (type is 0x8100 or 0x88A8 && frame.Length >= o + 4)
        {
            type = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(o + 2));
            o += 4;
        }

        string dmac = Convert.ToHexString(frame, 0, 6);
        string smac = Convert.ToHexString(frame, 6, 6);
        if (type == 0x0800 && frame.Length >= o + 20)
        {
            int ihl = (frame[o] & 0x0F) * 4;
            int total = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(o + 2));
            Core.Evidence.Check.That(o + total <= frame.Length && ihl >= 20, $"{what}: IPv4 total length {total} runs past the frame.");
            int proto = frame[o + 9];
            (int sp, int dp) = Ports(frame, o + ihl, proto);
            return new TenantFrame(frame, dmac, smac, 4, new IPAddress(frame.AsSpan(o + 12, 4)), new IPAddress(frame.AsSpan(o + 16, 4)), frame[o + 8], proto, sp, dp, o, o + ihl, o + total);
        }

        if (type == 0x86DD && frame.Length >= o + 40)
        {
            int payload = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(o + 4));
            int proto = frame[o + 6];
            (int sp, int dp) = Ports(frame, o + 40, proto);
            return new TenantFrame(frame, dmac, smac, 6, new IPAddress(frame.AsSpan(o + 8, 16)), new IPAddress(frame.AsSpan(o + 24, 16)), frame[o + 7], proto, sp, dp, o, o + 40, o + 40 + payload);
        }

        Core.Evidence.Check.Fail($"{what}: EtherType 0x{type:x4} is neither IPv4 nor IPv6.");
        return null!;
    }

    /// <summary>Whether the IPv4 header checksum and the TCP/UDP/ICMP checksum are right.</summary>
    /// <returns>True when both hold.</returns>
    public bool ChecksumsValid()
    {
        if (IpVersion != 4)
        {
            return true;
        }

        if (Fold(Sum(Bytes.AsSpan(L3Offset, L4Offset - L3Offset), 0)) != 0xFFFF)
        {
            return false;
        }

        ReadOnlySpan<byte> segment = Bytes.AsSpan(L4Offset, L3End - L4Offset);
        if (Protocol == 1)
        {
            return Fold(Sum(segment, 0)) == 0xFFFF;
        }

        if (Protocol == 17 && BinaryPrimitives.ReadUInt16BigEndian(segment[6..]) == 0)
        {
            return true;
        }

        ulong pseudo = Sum(Bytes.AsSpan(L3Offset + 12, 8), 0) + (ulong)Protocol + (ulong)segment.Length;
        return Fold(Sum(segment, pseudo)) == 0xFFFF;
    }

    private static (int Source, int Destination) Ports(byte[] frame, int l4, int proto) =>
        proto is 6 or 17 && frame.Length >= l4 + 4
            ? (BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(l4)), BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(l4 + 2)))
            : proto is 1 or 58 && frame.Length >= l4 + 6
                ? (BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(l4 + 4)), BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(l4 + 4)))
                : (0, 0);

    private static ulong Sum(ReadOnlySpan<byte> data, ulong sum)
    {
        int i = 0;
        for (; i + 1 < data.Length; i += 2)
        {
            sum += (ulong)((data[i] << 8) | data[i + 1]);
        }

        if (i < data.Length)
        {
            sum += (ulong)(data[i] << 8);
        }

        return sum;
    }

    private static ushort Fold(ulong sum)
    {
        while (sum >> 16 != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)sum;
    }
}
