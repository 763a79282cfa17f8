// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NfvConformance.Packets;

/// <summary>What a receiving interface found wrong with a frame (RFC 2863 ifInErrors causes).</summary>
public enum FrameError
{
    /// <summary>No error found.</summary>
    None = 0,

    /// <summary>The IPv4 header is cut short, or the frame holds fewer bytes than the IPv4 total length says (a truncated frame).</summary>
    Truncated,

    /// <summary>The IPv4 header checksum does not verify.</summary>
    Ipv4HeaderChecksum,

    /// <summary>The TCP or UDP checksum does not verify (a UDP checksum of zero means "none" and is accepted).</summary>
    L4Checksum,
}

/// <summary>
/// The checks a receiving interface makes on a frame's bytes before handing it on, as a NIC or virtio/vhost port
/// does with receive checksum validation (DPDK's <c>RTE_MBUF_F_RX_IP_CKSUM_BAD</c>, <c>RTE_MBUF_F_RX_L4_CKSUM_BAD</c>) and as
/// VPP's ip4-input does (length and header checksum). Frames that are not IPv4 are not judged here.
/// </summary>
public static class FrameValidator
{
    /// <summary>Checks the IPv4 header of a frame: complete, total length within the frame, header checksum.</summary>
    /// <param name="frame">The frame from its Ethernet header.</param>
    /// <returns>The error found, or <see cref="FrameError.None"/> (also for frames that are not IPv4).</returns>
    /// <remarks>
    /// Untagged frames with a 20-byte IPv4 header (nearly all traffic) take a branch-light path: three unaligned
    /// loads and a one's-complement sum in native byte order (RFC 1071 §2(B): the sum is byte-order independent),
    /// with the same verdicts as the general path, which handles VLAN tags, options and everything else.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FrameError CheckIpv4(ReadOnlySpan<byte> frame)
    {
        const int L3 = EthernetFields.HeaderLength;
        if (frame.Length >= L3 + Ipv4Fields.HeaderLength)
        {
            ref byte b = ref MemoryMarshal.GetReference(frame);
            if (Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref b, 12)) == (BitConverter.IsLittleEndian ? 0x0008 : 0x0800) && Unsafe.Add(ref b, L3) == 0x45)
            {
                int total = (Unsafe.Add(ref b, L3 + 2) << 8) | Unsafe.Add(ref b, L3 + 3);
                if (total < Ipv4Fields.HeaderLength || total > frame.Length - L3)
                {
                    return FrameError.Truncated;
                }

                ulong w0 = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b, L3));
                ulong w1 = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b, L3 + 8));
                ulong sum = (w0 & 0xFFFFFFFF) + (w0 >> 32) + (w1 & 0xFFFFFFFF) + (w1 >> 32) + Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref b, L3 + 16));
                sum = (sum & 0xFFFFFFFF) + (sum >> 32);
                sum = (sum & 0xFFFF) + (sum >> 16);
                sum = (sum & 0xFFFF) + (sum >> 16);
                sum = (sum & 0xFFFF) + (sum >> 16);
                return sum == 0xFFFF ? FrameError.None : FrameError.Ipv4HeaderChecksum;
            }
        }

        return CheckIpv4General(frame);
    }

    /// <summary>The general form of <see cref="CheckIpv4"/>: any VLAN tags and header length.</summary>
    /// <param name="frame">The frame from its Ethernet header.</param>
    /// <returns>The error found, or <see cref="FrameError.None"/> (also for frames that are not IPv4).</returns>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static FrameError CheckIpv4General(ReadOnlySpan<byte> frame)
    {
        int l3 = Ipv4Offset(frame);
        if (l3 < 0)
        {
            return FrameError.None;
        }

        if (frame.Length < l3 + Ipv4Fields.HeaderLength)
        {
            return FrameError.Truncated;
        }

        ReadOnlySpan<byte> ip = frame[l3..];
        int ihl = (ip[Ipv4Fields.VersionIhlPosition] & 0x0F) * 4;
        int total = BinaryPrimitives.ReadUInt16BigEndian(ip[Ipv4Fields.TotalLengthPosition..]);
        if (ihl < Ipv4Fields.HeaderLength || total < ihl || total > ip.Length)
        {
            return FrameError.Truncated;
        }

        return InternetChecksum.Compute(ip[..ihl]) == 0 ? FrameError.None : FrameError.Ipv4HeaderChecksum;
    }

    /// <summary>Checks the TCP or UDP checksum of an IPv4 frame whose IPv4 header already passed <see cref="CheckIpv4"/>.</summary>
    /// <param name="frame">The frame from its Ethernet header.</param>
    /// <returns><see cref="FrameError.L4Checksum"/> when a TCP or UDP checksum is wrong; <see cref="FrameError.Truncated"/> when the segment is shorter than its header; else none.</returns>
    public static FrameError CheckL4(ReadOnlySpan<byte> frame)
    {
        int l3 = Ipv4Offset(frame);
        if (l3 < 0 || frame.Length < l3 + Ipv4Fields.HeaderLength)
        {
            return FrameError.None;
        }

        ReadOnlySpan<byte> ip = frame[l3..];
        int ihl = (ip[Ipv4Fields.VersionIhlPosition] & 0x0F) * 4;
        int total = BinaryPrimitives.ReadUInt16BigEndian(ip[Ipv4Fields.TotalLengthPosition..]);
        byte protocol = ip[Ipv4Fields.ProtocolPosition];
        bool fragment = (BinaryPrimitives.ReadUInt16BigEndian(ip[Ipv4Fields.FragmentPosition..]) & 0x3FFF) != 0;
        if (fragment || protocol is not (IpProtocols.Tcp or IpProtocols.Udp) || total > ip.Length || total < ihl)
        {
            return FrameError.None;
        }

        ReadOnlySpan<byte> segment = ip[ihl..total];
        int checksumAt = protocol == IpProtocols.Tcp ? TcpFields.ChecksumPosition : UdpFields.ChecksumPosition;
        if (segment.Length < checksumAt + 2)
        {
            return FrameError.Truncated;
        }

        if (protocol == IpProtocols.Udp && BinaryPrimitives.ReadUInt16BigEndian(segment[checksumAt..]) == 0)
        {
            return FrameError.None;
        }

        // Sum of the pseudo-header and the segment including its checksum field is all ones when it verifies.
        ulong sum = InternetChecksum.Add(ip.Slice(Ipv4Fields.SourcePosition, 8));
        sum += protocol;
        sum += (ulong)segment.Length;
        sum = InternetChecksum.Add(segment, sum);
        return InternetChecksum.Finish(sum) == 0 ? FrameError.None : FrameError.L4Checksum;
    }

    /// <summary>Gets the counter name of an error (<c>truncated</c>, <c>ipv4_header_checksum</c>, <c>l4_checksum</c>).</summary>
    /// <param name="error">The error.</param>
    /// <returns>The name; <c>none</c> for no error.</returns>
    public static string Name(FrameError error) => error switch
    {
        FrameError.Truncated => "truncated",
        FrameError.Ipv4HeaderChecksum => "ipv4_header_checksum",
        FrameError.L4Checksum => "l4_checksum",
        _ => "none",
    };

    // Offset of the IPv4 header after Ethernet and up to two VLAN tags, or -1 when the frame is not IPv4.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Ipv4Offset(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < EthernetFields.HeaderLength)
        {
            return -1;
        }

        int l3 = EthernetFields.HeaderLength;
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(frame[12..]);
        for (int tags = 0; (type == 0x8100 || type == 0x88A8) && tags < 2; tags++)
        {
            if (frame.Length < l3 + 4)
            {
                return -1;
            }

            type = BinaryPrimitives.ReadUInt16BigEndian(frame[(l3 + 2)..]);
            l3 += 4;
        }

        return type == EthernetFields.TypeIpv4 && frame.Length > l3 && (frame[l3] >> 4) == 4 ? l3 : -1;
    }
}
