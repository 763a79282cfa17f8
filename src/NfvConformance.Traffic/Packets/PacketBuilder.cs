// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Net;
using NfvConformance.Abstractions.Traffic;

namespace NfvConformance.Traffic.Packets;

/// <summary>Where a built frame's layer-4 header and checksum pseudo-header addresses are.</summary>
internal readonly record struct FrameLayout(int Length, int AddressesOffset, int AddressesLength, int L4Offset, byte Protocol, L4Protocol L4);

/// <summary>Header offsets and constants used by the builder and parser.</summary>
internal static class EthernetFields
{
    public const int HeaderLength = 14;
    public const ushort TypeIPv4 = 0x0800;
    public const ushort TypeIPv6 = 0x86DD;
    public const ushort TypeVlan = 0x8100;

    // IEEE local experimental EtherType 1, for frames without an IP header.
    public const ushort TypeExperimental = 0x88B5;
    public const int VxlanPort = 4789;
    public const int VxlanHeaderLength = 8;
}

/// <summary>
/// Writes real frames for a stream into caller-owned buffers: Ethernet, optional 802.1Q tag, IPv4 or IPv6, UDP or
/// TCP with correct checksums, optional VXLAN outer headers, zero payload, and the latency mark in the last 16 bytes.
/// Frame length written = frame size - 4 (the FCS is the NIC's job, as in TRex).
/// </summary>
internal static class PacketBuilder
{
    private static readonly byte[] s_outerSrcIp = [192, 168, 0, 1];
    private static readonly byte[] s_outerDstIp = [192, 168, 0, 2];

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
        ushort before = Checksum.Compute(f[start..]);
        mark.TryWriteTrailer(f);
        ushort after = Checksum.Compute(f[start..]);
        // Compute returns the complement of the folded sum: ~m = before, m' = ~after.
        ushort sum = Checksum.Combine((ushort)~old, before, (ushort)~after);
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
        BinaryPrimitives.WriteUInt16BigEndian(f[12..], EthernetFields.TypeIPv4);
        Span<byte> ip = f[14..];
        int ipLength = f.Length - 14;
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)ipLength);
        ip[8] = 64;
        ip[9] = 17;
        s_outerSrcIp.CopyTo(ip[12..]);
        s_outerDstIp.CopyTo(ip[16..]);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Checksum.Compute(ip[..20]));
        Span<byte> udp = ip[20..];
        BinaryPrimitives.WriteUInt16BigEndian(udp, (ushort)(49152 + (flow % 16384)));
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], EthernetFields.VxlanPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)(ipLength - 20));
        // RFC 7348: the outer UDP checksum SHOULD be zero.
        Span<byte> vx = udp[8..];
        vx[0] = 0x08;
        vx[4] = (byte)(vni >> 16);
        vx[5] = (byte)(vni >> 8);
        vx[6] = (byte)vni;
        return 14 + 20 + 8 + EthernetFields.VxlanHeaderLength;
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
            L3Protocol.IPv4 => EthernetFields.TypeIPv4,
            L3Protocol.IPv6 => EthernetFields.TypeIPv6,
            _ => EthernetFields.TypeExperimental,
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
        ip[9] = h.L4 == L4Protocol.Tcp ? (byte)6 : h.L4 == L4Protocol.Udp ? (byte)17 : (byte)253;
        WriteAddress(ip[12..16], h.SourceIp, (vary & FlowFields.SourceIp) != 0 ? flow : 0);
        WriteAddress(ip[16..20], h.DestinationIp, (vary & FlowFields.DestinationIp) != 0 ? flow : 0);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Checksum.Compute(ip[..20]));
        WriteL4(ip[20..], h, vary, flow, ip[12..20], ip[9]);
    }

    private static void WriteIPv6(Span<byte> ip, HeaderStack h, FlowFields vary, int flow)
    {
        ip[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)(ip.Length - 40));
        ip[6] = h.L4 == L4Protocol.Tcp ? (byte)6 : h.L4 == L4Protocol.Udp ? (byte)17 : (byte)59;
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

        ushort sum = Checksum.ComputeWithPseudoHeader(addresses, protocol, l4);
        // UDP sends an all-zero checksum as 0xFFFF (RFC 768).
        if (sum == 0 && h.L4 == L4Protocol.Udp)
        {
            sum = 0xFFFF;
        }

        BinaryPrimitives.WriteUInt16BigEndian(l4[checksumAt..], sum);
    }
}

/// <summary>The Internet checksum (RFC 1071).</summary>
internal static class Checksum
{
    public static ushort Compute(ReadOnlySpan<byte> data) => Fold(Sum(data, 0));

    public static ushort ComputeWithPseudoHeader(ReadOnlySpan<byte> addresses, byte protocol, ReadOnlySpan<byte> segment)
    {
        ulong sum = Sum(addresses, 0);
        sum += protocol;
        sum += (ulong)segment.Length;
        return Fold(Sum(segment, sum));
    }

    /// <summary>True when a header with its checksum field in place sums to 0xFFFF.</summary>
    public static bool Verify(ReadOnlySpan<byte> data) => Fold(Sum(data, 0)) == 0;

    /// <summary>The complement of the ones-complement sum of three 16-bit values.</summary>
    public static ushort Combine(ushort a, ushort b, ushort c) => Fold((ulong)a + b + c);

    public static bool VerifyWithPseudoHeader(ReadOnlySpan<byte> addresses, byte protocol, ReadOnlySpan<byte> segment) =>
        ComputeWithPseudoHeader(addresses, protocol, segment) == 0;

    private static ulong Sum(ReadOnlySpan<byte> data, ulong sum)
    {
        int i = 0;
        for (; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }

        if (i < data.Length)
        {
            sum += (ulong)data[i] << 8;
        }

        return sum;
    }

    private static ushort Fold(ulong sum)
    {
        while ((sum >> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }
}
