// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;

namespace NfvConformance.Packets;

/// <summary>
/// Splits a whole Ethernet frame carrying an IPv4 or IPv6 packet into IP fragments (RFC 791 section 2.3, RFC 8200
/// section 4.5), for tests and drivers that send fragmented datagrams. The L4 header and checksum stay as the whole
/// packet had them, so a receiver that reassembles gets the original datagram back. Builds new arrays per fragment: a
/// test tool, not the dataplane.
/// </summary>
public static class IpFragmenter
{
    /// <summary>The IPv6 Fragment extension header's next-header value.</summary>
    public const byte Ipv6FragmentHeader = 44;

    /// <summary>The length of the IPv6 Fragment extension header.</summary>
    public const int Ipv6FragmentHeaderLength = 8;

    /// <summary>Splits the frame's IP payload into fragments of <paramref name="chunk"/> bytes (the last may be shorter), in order.</summary>
    /// <param name="frame">A whole frame: Ethernet, then IPv4 (any header length) or IPv6 without extension headers.</param>
    /// <param name="chunk">Payload bytes per fragment; a positive multiple of 8.</param>
    /// <param name="identification">The fragments' identification (IPv4 uses its low 16 bits).</param>
    /// <returns>The fragment frames, first fragment first.</returns>
    /// <exception cref="ArgumentException">The chunk is not a positive multiple of 8, or the frame is not a whole IPv4/IPv6 packet that needs no extension header walk.</exception>
    public static List<byte[]> Fragment(ReadOnlySpan<byte> frame, int chunk, uint identification)
    {
        if (chunk <= 0 || chunk % 8 != 0)
        {
            throw new ArgumentException($"chunk is {chunk}; fragment payloads are a positive multiple of 8 bytes (the fragment offset counts 8-byte units).", nameof(chunk));
        }

        if (frame.Length < EthernetFields.HeaderLength + Ipv4Fields.HeaderLength)
        {
            throw new ArgumentException($"the frame is {frame.Length} bytes, too short for Ethernet and IP headers.", nameof(frame));
        }

        ushort type = BinaryPrimitives.ReadUInt16BigEndian(frame[EthernetFields.TypePosition..]);
        return type switch
        {
            EthernetFields.TypeIpv4 => FragmentIpv4(frame, chunk, (ushort)identification),
            EthernetFields.TypeIpv6 => FragmentIpv6(frame, chunk, identification),
            _ => throw new ArgumentException($"the frame's EtherType is 0x{type:x4}; only IPv4 (0x0800) and IPv6 (0x86dd) packets fragment.", nameof(frame)),
        };
    }

    private static List<byte[]> FragmentIpv4(ReadOnlySpan<byte> frame, int chunk, ushort identification)
    {
        ReadOnlySpan<byte> ip = frame[EthernetFields.HeaderLength..];
        int headerLength = (ip[Ipv4Fields.VersionIhlPosition] & 0x0F) * 4;
        int total = BinaryPrimitives.ReadUInt16BigEndian(ip[Ipv4Fields.TotalLengthPosition..]);
        if (headerLength < Ipv4Fields.HeaderLength || total < headerLength || total > ip.Length)
        {
            throw new ArgumentException($"the IPv4 header says {headerLength} header bytes and {total} in all, but the frame holds {ip.Length}; pass a whole packet.", nameof(frame));
        }

        if ((BinaryPrimitives.ReadUInt16BigEndian(ip[Ipv4Fields.FragmentPosition..]) & (Ipv4Fields.FragmentOffsetMask | Ipv4Fields.MoreFragmentsFlag)) != 0)
        {
            throw new ArgumentException("the IPv4 packet is a fragment already; pass a whole packet.", nameof(frame));
        }

        ReadOnlySpan<byte> payload = ip[headerLength..total];
        int prefix = EthernetFields.HeaderLength + headerLength;
        List<byte[]> fragments = [];
        for (int offset = 0; offset < payload.Length; offset += chunk)
        {
            int length = Math.Min(chunk, payload.Length - offset);
            bool more = offset + length < payload.Length;
            byte[] f = new byte[prefix + length];
            frame[..prefix].CopyTo(f);
            payload.Slice(offset, length).CopyTo(f.AsSpan(prefix));
            Span<byte> header = f.AsSpan(EthernetFields.HeaderLength);
            BinaryPrimitives.WriteUInt16BigEndian(header[Ipv4Fields.TotalLengthPosition..], (ushort)(headerLength + length));
            BinaryPrimitives.WriteUInt16BigEndian(header[Ipv4Fields.IdPosition..], identification);
            BinaryPrimitives.WriteUInt16BigEndian(header[Ipv4Fields.FragmentPosition..], (ushort)((offset / 8) | (more ? Ipv4Fields.MoreFragmentsFlag : 0)));
            new Ipv4View(header).UpdateChecksum();
            fragments.Add(f);
        }

        return fragments;
    }

    private static List<byte[]> FragmentIpv6(ReadOnlySpan<byte> frame, int chunk, uint identification)
    {
        ReadOnlySpan<byte> ip = frame[EthernetFields.HeaderLength..];
        if (ip.Length < Ipv6Fields.HeaderLength)
        {
            throw new ArgumentException($"the frame holds {ip.Length} IPv6 bytes, fewer than a header; pass a whole packet.", nameof(frame));
        }

        int payloadLength = BinaryPrimitives.ReadUInt16BigEndian(ip[Ipv6Fields.PayloadLengthPosition..]);
        byte next = ip[Ipv6Fields.NextHeaderPosition];
        if (Ipv6Fields.HeaderLength + payloadLength > ip.Length)
        {
            throw new ArgumentException($"the IPv6 header says {payloadLength} payload bytes, but the frame holds {ip.Length - Ipv6Fields.HeaderLength}; pass a whole packet.", nameof(frame));
        }

        if (next is 0 or 43 or Ipv6FragmentHeader or 60)
        {
            throw new ArgumentException($"the IPv6 packet's next header is {next}, an extension header; pass a packet whose upper-layer header follows the fixed header.", nameof(frame));
        }

        ReadOnlySpan<byte> payload = ip.Slice(Ipv6Fields.HeaderLength, payloadLength);
        const int prefix = EthernetFields.HeaderLength + Ipv6Fields.HeaderLength;
        List<byte[]> fragments = [];
        for (int offset = 0; offset < payload.Length; offset += chunk)
        {
            int length = Math.Min(chunk, payload.Length - offset);
            bool more = offset + length < payload.Length;
            byte[] f = new byte[prefix + Ipv6FragmentHeaderLength + length];
            frame[..prefix].CopyTo(f);
            Span<byte> header = f.AsSpan(EthernetFields.HeaderLength);
            BinaryPrimitives.WriteUInt16BigEndian(header[Ipv6Fields.PayloadLengthPosition..], (ushort)(Ipv6FragmentHeaderLength + length));
            header[Ipv6Fields.NextHeaderPosition] = Ipv6FragmentHeader;
            Span<byte> fragment = f.AsSpan(prefix, Ipv6FragmentHeaderLength);
            fragment[0] = next;
            BinaryPrimitives.WriteUInt16BigEndian(fragment[2..], (ushort)(offset | (more ? 1 : 0)));
            BinaryPrimitives.WriteUInt32BigEndian(fragment[4..], identification);
            payload.Slice(offset, length).CopyTo(f.AsSpan(prefix + Ipv6FragmentHeaderLength));
            fragments.Add(f);
        }

        return fragments;
    }
}
