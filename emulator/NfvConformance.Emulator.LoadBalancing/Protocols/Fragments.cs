// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;

namespace NfvConformance.Emulator.LoadBalancing.Protocols;

/// <summary>The fragmentation fields of an IPv4 header or an IPv6 Fragment extension header (RFC 791, RFC 8200 section 4.5).</summary>
/// <param name="Identification">The datagram's identification (16 bits for IPv4, 32 for IPv6).</param>
/// <param name="Offset">The fragment offset in bytes.</param>
/// <param name="MoreFragments">The M flag.</param>
/// <param name="Protocol">The upper-layer protocol.</param>
/// <param name="PayloadOffset">Where the fragment's data starts, from the start of the IP header.</param>
/// <param name="PayloadLength">The fragment's data length.</param>
internal sealed record FragmentInfo(uint Identification, int Offset, bool MoreFragments, byte Protocol, int PayloadOffset, int PayloadLength)
{
    /// <summary>IPv6 next-header value of the Fragment header.</summary>
    public const byte Ipv6FragmentHeader = 44;

    /// <summary>Gets a value indicating whether this is the first fragment (it carries the L4 header).</summary>
    public bool IsFirst => Offset == 0;

    /// <summary>Reads the fragment fields of an IPv4 packet, or null when it is not a fragment.</summary>
    /// <param name="ip">The IPv4 packet from its header.</param>
    /// <returns>The fields, or null.</returns>
    public static FragmentInfo? FromIpv4(ReadOnlySpan<byte> ip)
    {
        ushort flags = BinaryPrimitives.ReadUInt16BigEndian(ip[6..]);
        int offset = (flags & 0x1FFF) * 8;
        bool more = (flags & 0x2000) != 0;
        if (offset == 0 && !more)
        {
            return null;
        }

        int header = (ip[0] & 0x0F) * 4;
        int total = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
        return new FragmentInfo(BinaryPrimitives.ReadUInt16BigEndian(ip[4..]), offset, more, ip[9], header, total - header);
    }

    /// <summary>Reads the Fragment header that directly follows an IPv6 fixed header, or null when there is none.</summary>
    /// <param name="ip">The IPv6 packet from its header.</param>
    /// <returns>The fields, or null.</returns>
    public static FragmentInfo? FromIpv6(ReadOnlySpan<byte> ip)
    {
        if (ip[6] != Ipv6FragmentHeader || ip.Length < 48)
        {
            return null;
        }

        ushort offsetFlags = BinaryPrimitives.ReadUInt16BigEndian(ip[42..]);
        int payload = BinaryPrimitives.ReadUInt16BigEndian(ip[4..]) - 8;
        return new FragmentInfo(BinaryPrimitives.ReadUInt32BigEndian(ip[44..]), (offsetFlags >> 3) * 8, (offsetFlags & 1) != 0, ip[40], 48, payload);
    }
}
