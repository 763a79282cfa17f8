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

    /// <summary>Builds an Ethernet + IP (v4 or v6 by the addresses) + L4 frame; TCP and UDP checksums are filled in.</summary>
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
        bool v6 = source.AddressFamily == AddressFamily.InterNetworkV6;
        int ipHeader = v6 ? Ipv6Fields.HeaderLength : Ipv4Fields.HeaderLength;
        byte[] frame = new byte[EthernetFields.HeaderLength + ipHeader + l4.Length];
        Span<byte> f = frame;
        int o = FrameBuilder.WriteEthernet(f, dstMac, srcMac, v6 ? EthernetFields.TypeIpv6 : EthernetFields.TypeIpv4);
        if (v6)
        {
            o += FrameBuilder.WriteIpv6(f[o..], source.GetAddressBytes(), destination.GetAddressBytes(), protocol, l4.Length);
        }
        else
        {
            o += FrameBuilder.WriteIpv4(f[o..], V4(source), V4(destination), protocol, l4.Length, identification: identification);
        }

        l4.CopyTo(f[o..]);
        FixL4Checksum(frame);
        return frame;
    }

    /// <summary>Recomputes the TCP or UDP checksum of an unfragmented frame from scratch.</summary>
    /// <param name="frame">The frame.</param>
    public static void FixL4Checksum(byte[] frame)
    {
        if (PacketParser.Parse(frame, out ParsedPacket p) != ParseResult.Ok || p.L4Offset < 0 || p.IpProtocol is not (IpProtocols.Tcp or IpProtocols.Udp))
        {
            return;
        }

        Span<byte> segment = frame.AsSpan(p.L4Offset, p.L3End - p.L4Offset);
        int position = p.IpProtocol == IpProtocols.Tcp ? TcpFields.ChecksumPosition : UdpFields.ChecksumPosition;
        BinaryPrimitives.WriteUInt16BigEndian(segment[position..], 0);
        ushort sum;
        if (p.IsIpv4)
        {
            sum = InternetChecksum.ComputeIpv4Pseudo(p.SourceIpv4, p.DestinationIpv4, p.IpProtocol, segment);
        }
        else
        {
            ReadOnlySpan<byte> ip = frame.AsSpan(p.L3Offset);
            sum = InternetChecksum.ComputeIpv6Pseudo(ip.Slice(8, 16), ip.Slice(24, 16), p.IpProtocol, segment);
        }

        if (sum == 0 && p.IpProtocol == IpProtocols.Udp)
        {
            sum = 0xFFFF;
        }

        BinaryPrimitives.WriteUInt16BigEndian(segment[position..], sum);
    }

    /// <summary>Verifies the TCP or UDP checksum of a complete IP datagram's L4 segment.</summary>
    /// <param name="v6">True for IPv6.</param>
    /// <param name="source">Source address bytes.</param>
    /// <param name="destination">Destination address bytes.</param>
    /// <param name="protocol">TCP or UDP.</param>
    /// <param name="segment">The segment.</param>
    /// <returns>True when it verifies (a zero IPv4 UDP checksum means none and verifies).</returns>
    public static bool VerifyL4(bool v6, ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, byte protocol, ReadOnlySpan<byte> segment)
    {
        if (!v6 && protocol == IpProtocols.Udp && BinaryPrimitives.ReadUInt16BigEndian(segment[UdpFields.ChecksumPosition..]) == 0)
        {
            return true;
        }

        ulong sum = InternetChecksum.Add(source);
        sum = InternetChecksum.Add(destination, sum);
        sum += protocol;
        sum += (ulong)segment.Length;
        sum = InternetChecksum.Add(segment, sum);
        return InternetChecksum.Finish(sum) == 0;
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
