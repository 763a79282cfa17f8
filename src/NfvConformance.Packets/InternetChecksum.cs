// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace NfvConformance.Packets;

/// <summary>The Internet checksum (RFC 1071) and its incremental update (RFC 1624).</summary>
public static class InternetChecksum
{
    /// <summary>Adds bytes to a running 32-bit one's-complement sum (not yet folded).</summary>
    /// <param name="data">The bytes; an odd last byte is padded with zero.</param>
    /// <param name="sum">The sum so far.</param>
    /// <returns>The new sum.</returns>
    public static ulong Add(ReadOnlySpan<byte> data, ulong sum = 0)
    {
        int i = 0;
        for (; i + 4 <= data.Length; i += 4)
        {
            sum += BinaryPrimitives.ReadUInt32BigEndian(data[i..]);
        }

        if (i + 2 <= data.Length)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
            i += 2;
        }

        if (i < data.Length)
        {
            sum += (ulong)data[i] << 8;
        }

        return sum;
    }

    /// <summary>Folds a sum to 16 bits and complements it.</summary>
    /// <param name="sum">A running sum from <see cref="Add"/>.</param>
    /// <returns>The checksum to store.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort Finish(ulong sum)
    {
        sum = (sum & 0xFFFFFFFF) + (sum >> 32);
        sum = (sum & 0xFFFF) + (sum >> 16);
        sum = (sum & 0xFFFF) + (sum >> 16);
        sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }

    /// <summary>Computes the checksum of bytes.</summary>
    /// <param name="data">The bytes, with the checksum field zeroed (or in place, to verify: the result is then 0).</param>
    /// <returns>The checksum.</returns>
    public static ushort Compute(ReadOnlySpan<byte> data) => Finish(Add(data));

    /// <summary>Updates a checksum after one 16-bit field changed: HC' = ~(~HC + ~m + m') (RFC 1624 eq. 3).</summary>
    /// <param name="checksum">The stored checksum.</param>
    /// <param name="oldValue">The field's old value.</param>
    /// <param name="newValue">The field's new value.</param>
    /// <returns>The new checksum.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort Update(ushort checksum, ushort oldValue, ushort newValue)
    {
        uint sum = (uint)(ushort)~checksum + (ushort)~oldValue + newValue;
        sum = (sum & 0xFFFF) + (sum >> 16);
        sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }

    /// <summary>Updates a checksum after one 32-bit field (an IPv4 address) changed.</summary>
    /// <param name="checksum">The stored checksum.</param>
    /// <param name="oldValue">The field's old value.</param>
    /// <param name="newValue">The field's new value.</param>
    /// <returns>The new checksum.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort Update(ushort checksum, uint oldValue, uint newValue) =>
        Update(Update(checksum, (ushort)(oldValue >> 16), (ushort)(newValue >> 16)), (ushort)oldValue, (ushort)newValue);

    /// <summary>Computes a TCP or UDP checksum over IPv4 (pseudo-header included).</summary>
    /// <param name="source">Source address.</param>
    /// <param name="destination">Destination address.</param>
    /// <param name="protocol">The IP protocol.</param>
    /// <param name="segment">The L4 header and payload, checksum field zeroed.</param>
    /// <returns>The checksum; a UDP result of 0 is sent as 0xFFFF.</returns>
    public static ushort ComputeIpv4Pseudo(uint source, uint destination, byte protocol, ReadOnlySpan<byte> segment)
    {
        ulong sum = (ulong)source + destination + protocol + (uint)segment.Length;
        ushort c = Finish(Add(segment, sum));
        return protocol == IpProtocols.Udp && c == 0 ? (ushort)0xFFFF : c;
    }

    /// <summary>Computes a TCP, UDP or ICMPv6 checksum over IPv6 (pseudo-header included).</summary>
    /// <param name="source">The 16-byte source address.</param>
    /// <param name="destination">The 16-byte destination address.</param>
    /// <param name="nextHeader">The upper-layer protocol.</param>
    /// <param name="segment">The upper-layer header and payload, checksum field zeroed.</param>
    /// <returns>The checksum.</returns>
    public static ushort ComputeIpv6Pseudo(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, byte nextHeader, ReadOnlySpan<byte> segment)
    {
        ulong sum = Add(source, Add(destination)) + (uint)segment.Length + nextHeader;
        ushort c = Finish(Add(segment, sum));
        return nextHeader == IpProtocols.Udp && c == 0 ? (ushort)0xFFFF : c;
    }

    /// <summary>
    /// Verifies the TCP, UDP, ICMPv6 (or any pseudo-header-covered) checksum of a whole transport segment; over IPv4 a
    /// UDP checksum of zero means none was sent (RFC 768) and verifies.
    /// </summary>
    /// <param name="source">The source address, 4 or 16 bytes.</param>
    /// <param name="destination">The destination address, of the same family.</param>
    /// <param name="protocol">The IP protocol or IPv6 next header.</param>
    /// <param name="segment">The segment with its checksum in place.</param>
    /// <returns>True when it verifies.</returns>
    public static bool VerifyTransport(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, byte protocol, ReadOnlySpan<byte> segment)
    {
        if (source.Length == 4 && protocol == IpProtocols.Udp && segment.Length >= UdpFields.HeaderLength
            && BinaryPrimitives.ReadUInt16BigEndian(segment[UdpFields.ChecksumPosition..]) == 0)
        {
            return true;
        }

        ulong sum = Add(source, Add(destination)) + protocol + (uint)segment.Length;
        return Finish(Add(segment, sum)) == 0;
    }
}
