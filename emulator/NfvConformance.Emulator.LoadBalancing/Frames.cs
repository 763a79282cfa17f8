// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using NfvConformance.Packets;
using NfvConformance.Emulator.LoadBalancing.Protocols;

namespace NfvConformance.Emulator.LoadBalancing;

/// <summary>Builds and rewrites the frames the emulated load balancer and members send, with correct checksums.</summary>
internal static class Frames
{
    /// <summary>IP protocol number of SCTP.</summary>
    public const byte Sctp = 132;

    /// <summary>Formats a MAC address as lower-case colon-separated hex.</summary>
    /// <param name="mac">Six bytes.</param>
    /// <returns>The text.</returns>
    public static string Mac(ReadOnlySpan<byte> mac) => Convert.ToHexString(mac[..6]).ToLowerInvariant().Chunk(2).Select(c => new string(c)).Aggregate((a, b) => a + ":" + b);

    /// <summary>Builds an Ethernet + IP (v4 or v6 by the addresses) + L4 frame with every checksum filled in.</summary>
    /// <param name="dstMac">Destination MAC.</param>
    /// <param name="srcMac">Source MAC.</param>
    /// <param name="source">Source address.</param>
    /// <param name="destination">Destination address.</param>
    /// <param name="protocol">IP protocol.</param>
    /// <param name="l4">The L4 segment (checksum field may be zero).</param>
    /// <param name="identification">IPv4 identification.</param>
    /// <returns>The frame.</returns>
    public static byte[] Ip(ReadOnlySpan<byte> dstMac, ReadOnlySpan<byte> srcMac, IPAddress source, IPAddress destination, byte protocol, ReadOnlySpan<byte> l4, ushort identification = 0)
    {
        byte[] src = source.GetAddressBytes();
        byte[] frame = new byte[IpFrames.FrameLength(src.Length, l4.Length)];
        IpFrames.Write(frame, dstMac, srcMac, src, destination.GetAddressBytes(), protocol, l4, identification);
        return frame;
    }

    /// <summary>
    /// Rewrites the destination address of an IPv4 or IPv6 packet (a whole datagram or a fragment), updating the IPv4
    /// header checksum and, where this packet carries the L4 header, the TCP or UDP checksum incrementally (it covers
    /// the pseudo-header, and for a fragmented datagram the other fragments' data, so it cannot be recomputed here).
    /// </summary>
    /// <param name="frame">The frame, changed in place.</param>
    /// <param name="l3Offset">Where the IP header starts.</param>
    /// <param name="newDestination">The new destination, of the packet's family.</param>
    public static void RewriteDestination(byte[] frame, int l3Offset, IPAddress newDestination)
    {
        Span<byte> ip = frame.AsSpan(l3Offset);
        byte[] next = newDestination.GetAddressBytes();
        bool v6 = (ip[0] >> 4) == 6;
        int position = v6 ? 24 : 16;
        byte[] old = ip.Slice(position, next.Length).ToArray();
        next.CopyTo(ip[position..]);
        int l4 = -1;
        byte protocol;
        bool first;
        if (v6)
        {
            FragmentInfo? frag = FragmentInfo.FromIpv6(ip);
            protocol = frag?.Protocol ?? ip[6];
            first = frag is null || frag.IsFirst;
            l4 = frag is null ? 40 : 48;
        }
        else
        {
            FragmentInfo? frag = FragmentInfo.FromIpv4(ip);
            protocol = ip[9];
            first = frag is null || frag.IsFirst;
            l4 = (ip[0] & 0x0F) * 4;
            new Ipv4View(ip).UpdateChecksum();
        }

        if (!first || protocol is not (IpProtocols.Tcp or IpProtocols.Udp))
        {
            return;
        }

        int cs = l4 + (protocol == IpProtocols.Tcp ? TcpFields.ChecksumPosition : UdpFields.ChecksumPosition);
        ushort checksum = BinaryPrimitives.ReadUInt16BigEndian(ip[cs..]);
        if (protocol == IpProtocols.Udp && checksum == 0 && !v6)
        {
            return;
        }

        for (int i = 0; i < old.Length; i += 2)
        {
            checksum = InternetChecksum.Update(checksum, BinaryPrimitives.ReadUInt16BigEndian(old.AsSpan(i)), BinaryPrimitives.ReadUInt16BigEndian(next.AsSpan(i)));
        }

        BinaryPrimitives.WriteUInt16BigEndian(ip[cs..], checksum);
    }

    /// <summary>Rewrites the source address the same way as <see cref="RewriteDestination"/>.</summary>
    /// <param name="frame">The frame, changed in place.</param>
    /// <param name="l3Offset">Where the IP header starts.</param>
    /// <param name="newSource">The new source.</param>
    public static void RewriteSource(byte[] frame, int l3Offset, IPAddress newSource)
    {
        Span<byte> ip = frame.AsSpan(l3Offset);
        bool v6 = (ip[0] >> 4) == 6;
        int position = v6 ? 8 : 12;
        int length = v6 ? 16 : 4;
        int dstPosition = v6 ? 24 : 16;

        // Swap source and destination, rewrite the destination, swap back: one checksum path for both.
        byte[] src = ip.Slice(position, length).ToArray();
        ip.Slice(dstPosition, length).CopyTo(ip[position..]);
        src.CopyTo(ip[dstPosition..]);
        byte[] keep = ip.Slice(position, length).ToArray();
        RewriteDestination(frame, l3Offset, newSource);
        ip.Slice(dstPosition, length).CopyTo(ip[position..]);
        keep.CopyTo(ip[dstPosition..]);
        if (!v6)
        {
            new Ipv4View(ip).UpdateChecksum();
        }
    }

    /// <summary>The IPv4 address as a host-order integer.</summary>
    /// <param name="address">An IPv4 address.</param>
    /// <returns>The integer.</returns>
    public static uint V4(IPAddress address) => BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes());

    /// <summary>Parses a CIDR such as 10.1.0.0/24.</summary>
    /// <param name="cidr">The text.</param>
    /// <param name="what">What it is, for the error.</param>
    /// <returns>The network and prefix length.</returns>
    /// <exception cref="ArgumentException">Not a CIDR.</exception>
    public static (IPAddress Network, int Prefix) Cidr(string cidr, string what)
    {
        string[] parts = cidr.Split('/');
        if (parts.Length != 2 || !IPAddress.TryParse(parts[0], out IPAddress? network) || !int.TryParse(parts[1], out int prefix)
            || prefix < 0 || prefix > (network.AddressFamily == AddressFamily.InterNetwork ? 32 : 128))
        {
            throw new ArgumentException($"{what} '{cidr}' is not a CIDR; write it as an address and a prefix length, for example 10.1.0.0/24.");
        }

        return (network, prefix);
    }

    /// <summary>Tells whether an address is in a CIDR.</summary>
    /// <param name="address">The address.</param>
    /// <param name="cidr">The CIDR.</param>
    /// <returns>True when inside.</returns>
    public static bool Contains(string cidr, IPAddress address)
    {
        (IPAddress network, int prefix) = Cidr(cidr, "subnet");
        if (network.AddressFamily != address.AddressFamily)
        {
            return false;
        }

        byte[] a = address.GetAddressBytes();
        byte[] n = network.GetAddressBytes();
        for (int bit = 0; bit < prefix; bit++)
        {
            int mask = 0x80 >> (bit % 8);
            if ((a[bit / 8] & mask) != (n[bit / 8] & mask))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Parses an address, with an error that names the field.</summary>
    /// <param name="text">The text.</param>
    /// <param name="what">What it is.</param>
    /// <returns>The address.</returns>
    /// <exception cref="ArgumentException">Not an address.</exception>
    public static IPAddress Address(string text, string what) =>
        IPAddress.TryParse(text, out IPAddress? a) ? a : throw new ArgumentException($"{what} '{text}' is not an IP address.");
}
