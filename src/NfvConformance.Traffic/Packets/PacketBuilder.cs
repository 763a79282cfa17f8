// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Net;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Packets;

namespace NfvConformance.Traffic.Packets;

/// <summary>Where a built frame's layer-4 header and checksum pseudo-header addresses are.</summary>
internal readonly record struct FrameLayout(int Length, int AddressesOffset, int AddressesLength, int L4Offset, byte Protocol, L4Protocol L4);

/// <summary>The stream frames' own constants; every header offset and checksum comes from NfvConformance.Packets.</summary>
internal static class StreamFrameFields
{
    // IEEE local experimental EtherType 1, for frames without an IP header.
    public const ushort TypeExperimental = 0x88B5;

    // IPv4 protocol / IPv6 next header of a frame without TCP or UDP: 253 (experimentation, RFC 3692) and 59 (no next header).
    public const byte ExperimentalProtocol = 253;
    public const byte NoNextHeader = 59;
}

/// <summary>
/// Writes real frames for a stream into caller-owned buffers: Ethernet, optional 802.1Q tag, IPv4 or IPv6, UDP or
/// TCP with correct checksums, optional VXLAN outer headers, zero payload, and the latency mark in the last 16 bytes.
/// Frame length written = frame size - 4 (the FCS is the NIC's job, as in TRex).
/// </summary>
internal static class PacketBuilder
{
    private const uint s_outerSource = 0xC0A8_0001; // 192.168.0.1
    private const uint s_outerDestination = 0xC0A8_0002; // 192.168.0.2

    /// <summary>Writes one frame.</summary>
    /// <param name="frame">Destination; at least frameSize - 4 bytes.</param>
    /// <param name="stream">The stream whose headers to use.</param>
    /// <param name="frameSize">Frame size including FCS.</param>
    /// <param name="flowIndex">Flow index in [0, FlowCount): which varying-field values to use.</param>
    /// <param name="mark">The latency mark to write in the payload's last 16 bytes, or null.</param>
    /// <returns>Bytes written, or 0 when the buffer or frame size is too small for the headers (nothing usable is written).</returns>
    public static int Build(Span<byte> frame, TrafficStream stream, int frameSize, int flowIndex, LatencyMark? mark) =>
        BuildWithLayout(frame, stream, frameSize, flowIndex, mark).Length;

    /// <summary>Writes one frame and returns where its layer-4 checksum lives, so <see cref="Restamp"/> can re-mark it cheaply.</summary>
    public static FrameLayout BuildWithLayout(Span<byte> frame, TrafficStream stream, int frameSize, int flowIndex, LatencyMark? mark)
    {
        HeaderStack h = stream.Headers;
        int length = frameSize - 4;
        int needed = h.HeaderLength + (mark is null ? 0 : LatencyMark.Size);
        if (length < needed || frame.Length < length)
        {
            return default;
        }

        Span<byte> f = frame[..length];
        f.Clear();
        int flow = stream.FlowCount <= 1 ? 0 : flowIndex % stream.FlowCount;
        int offset = 0;
        if (h.VxlanVni is int vni)
        {
            offset = WriteVxlanOuter(f, h, vni, flow);
        }

        FlowFields vary = stream.VaryingFields;
        int l3 = offset + WriteEthernet(f[offset..], h, (vary & FlowFields.SourceMac) != 0 ? flow : 0);
        if (mark is LatencyMark m)
        {
            m.TryWriteTrailer(f);
        }

        switch (h.L3)
        {
            case L3Protocol.IPv4:
                WriteIPv4(f[l3..], h, vary, flow);
                return new FrameLayout(length, l3 + 12, 8, l3 + 20, f[l3 + 9], h.L4);
            case L3Protocol.IPv6:
                WriteIPv6(f[l3..], h, vary, flow);
                return new FrameLayout(length, l3 + 8, 32, l3 + 40, f[l3 + 6], h.L4);
            default:
                return new FrameLayout(length, 0, 0, 0, 0, L4Protocol.None);
        }
    }

    /// <summary>Writes a new latency mark into a frame built by <see cref="BuildWithLayout"/> and fixes its layer-4 checksum.</summary>
    public static void Restamp(Span<byte> frame, in FrameLayout layout, LatencyMark mark)
    {
        Span<byte> f = frame[..layout.Length];
        if (layout.L4 == L4Protocol.None)
        {
            mark.TryWriteTrailer(f);
            return;
        }

        // RFC 1624 incremental update, HC' = ~(~HC + ~m + m'), over the mark's bytes only: the mark ends the segment,
        // and an odd start relative to the segment takes one unchanged byte in so the 16-bit words line up.
        int start = layout.Length - LatencyMark.Size;
        if (((start - layout.L4Offset) & 1) != 0)
        {
            start--;
        }

        int at = layout.L4Offset + (layout.L4 == L4Protocol.Udp ? 6 : 16);
        ushort old = BinaryPrimitives.ReadUInt16BigEndian(f[at..]);
        ushort before = InternetChecksum.Compute(f[start..]);
        mark.TryWriteTrailer(f);
        ushort after = InternetChecksum.Compute(f[start..]);
        // Compute returns the complement of the folded sum: ~m = before, m' = ~after.
        ushort sum = InternetChecksum.Finish((ulong)(ushort)~old + before + (ushort)~after);
        if (sum == 0 && layout.L4 == L4Protocol.Udp)
        {
            sum = 0xFFFF;
        }

        BinaryPrimitives.WriteUInt16BigEndian(f[at..], sum);
    }

    private static int WriteVxlanOuter(Span<byte> f, HeaderStack h, int vni, int flow)
    {
        // Outer Ethernet / IPv4 / UDP 4789 / VXLAN; the UDP source port carries flow entropy (RFC 7348 section 5).
        WriteMacs(f, h.DestinationMac, h.SourceMac, 0);
        BinaryPrimitives.WriteUInt16BigEndian(f[EthernetFields.TypePosition..], EthernetFields.TypeIpv4);
        int o = EthernetFields.HeaderLength;
        int udpLength = f.Length - o - Ipv4Fields.HeaderLength;
        o += FrameBuilder.WriteIpv4(f[o..], s_outerSource, s_outerDestination, IpProtocols.Udp, udpLength);
        o += FrameBuilder.WriteUdp(f[o..], (ushort)(49152 + (flow % 16384)), VxlanFields.UdpPort, udpLength - UdpFields.HeaderLength);
        // RFC 7348: the outer UDP checksum SHOULD be zero.
        return o + FrameBuilder.WriteVxlan(f[o..], (uint)vni);
    }

    private static int WriteEthernet(Span<byte> f, HeaderStack h, int macIncrement)
    {
        WriteMacs(f, h.DestinationMac, h.SourceMac, macIncrement);

        int pos = 12;
        if (h.VlanId is int vlan)
        {
            BinaryPrimitives.WriteUInt16BigEndian(f[pos..], EthernetFields.TypeVlan);
            BinaryPrimitives.WriteUInt16BigEndian(f[(pos + 2)..], (ushort)vlan);
            pos += 4;
        }

        ushort type = h.L3 switch
        {
            L3Protocol.IPv4 => EthernetFields.TypeIpv4,
            L3Protocol.IPv6 => EthernetFields.TypeIpv6,
            _ => StreamFrameFields.TypeExperimental,
        };
        BinaryPrimitives.WriteUInt16BigEndian(f[pos..], type);
        return pos + 2;
    }

    private static void WriteMacs(Span<byte> f, IReadOnlyList<byte> dst, IReadOnlyList<byte> src, int srcIncrement)
    {
        for (int i = 0; i < 6; i++)
        {
            f[i] = dst[i];
            f[6 + i] = src[i];
        }

        if (srcIncrement != 0)
        {
            uint low = BinaryPrimitives.ReadUInt32BigEndian(f[8..]);
            BinaryPrimitives.WriteUInt32BigEndian(f[8..], low + (uint)srcIncrement);
        }
    }

    private static void WriteIPv4(Span<byte> ip, HeaderStack h, FlowFields vary, int flow)
    {
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)ip.Length);
        ip[8] = 64;
        ip[9] = h.L4 == L4Protocol.Tcp ? IpProtocols.Tcp : h.L4 == L4Protocol.Udp ? IpProtocols.Udp : StreamFrameFields.ExperimentalProtocol;
        WriteAddress(ip[12..16], h.SourceIp, (vary & FlowFields.SourceIp) != 0 ? flow : 0);
        WriteAddress(ip[16..20], h.DestinationIp, (vary & FlowFields.DestinationIp) != 0 ? flow : 0);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], InternetChecksum.Compute(ip[..20]));
        WriteL4(ip[20..], h, vary, flow, ip[12..20], ip[9]);
    }

    private static void WriteIPv6(Span<byte> ip, HeaderStack h, FlowFields vary, int flow)
    {
        ip[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)(ip.Length - 40));
        ip[6] = h.L4 == L4Protocol.Tcp ? IpProtocols.Tcp : h.L4 == L4Protocol.Udp ? IpProtocols.Udp : StreamFrameFields.NoNextHeader;
        ip[7] = 64;
        WriteAddress(ip[8..24], h.SourceIp, (vary & FlowFields.SourceIp) != 0 ? flow : 0);
        WriteAddress(ip[24..40], h.DestinationIp, (vary & FlowFields.DestinationIp) != 0 ? flow : 0);
        WriteL4(ip[40..], h, vary, flow, ip[8..40], ip[6]);
    }

    private static void WriteAddress(Span<byte> dst, IPAddress address, int increment)
    {
        address.TryWriteBytes(dst, out _);
        uint low = BinaryPrimitives.ReadUInt32BigEndian(dst[^4..]);
        BinaryPrimitives.WriteUInt32BigEndian(dst[^4..], low + (uint)increment);
    }

    private static void WriteL4(Span<byte> l4, HeaderStack h, FlowFields vary, int flow, ReadOnlySpan<byte> addresses, byte protocol)
    {
        if (h.L4 == L4Protocol.None)
        {
            return;
        }

        ushort sport = (ushort)(h.SourcePort + ((vary & FlowFields.SourcePort) != 0 ? flow : 0));
        ushort dport = (ushort)(h.DestinationPort + ((vary & FlowFields.DestinationPort) != 0 ? flow : 0));
        BinaryPrimitives.WriteUInt16BigEndian(l4, sport);
        BinaryPrimitives.WriteUInt16BigEndian(l4[2..], dport);
        int checksumAt;
        if (h.L4 == L4Protocol.Udp)
        {
            BinaryPrimitives.WriteUInt16BigEndian(l4[4..], (ushort)l4.Length);
            checksumAt = 6;
        }
        else
        {
            l4[12] = 5 << 4;
            l4[13] = 0x10;
            BinaryPrimitives.WriteUInt16BigEndian(l4[14..], 0xFFFF);
            checksumAt = 16;
        }

        ushort sum = InternetChecksum.Finish(InternetChecksum.Add(l4, InternetChecksum.Add(addresses) + protocol + (uint)l4.Length));
        // UDP sends an all-zero checksum as 0xFFFF (RFC 768).
        if (sum == 0 && h.L4 == L4Protocol.Udp)
        {
            sum = 0xFFFF;
        }

        BinaryPrimitives.WriteUInt16BigEndian(l4[checksumAt..], sum);
    }
}
