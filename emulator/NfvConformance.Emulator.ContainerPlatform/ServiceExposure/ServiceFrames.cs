// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NfvConformance.Abstractions.ServiceExposure;
using NfvConformance.Packets;

namespace NfvConformance.Emulator.ContainerPlatform.ServiceExposure;

/// <summary>The fields of a service frame as parsed from its bytes.</summary>
/// <param name="Source">Source address.</param>
/// <param name="Destination">Destination address.</param>
/// <param name="Protocol">TCP or UDP.</param>
/// <param name="SourcePort">Source port.</param>
/// <param name="DestinationPort">Destination port.</param>
/// <param name="VlanId">The 802.1Q VLAN id, or 0 when untagged.</param>
/// <param name="Payload">The transport payload.</param>
internal sealed record ServiceFrameFields(IPAddress Source, IPAddress Destination, ServiceProtocol Protocol, int SourcePort, int DestinationPort, int VlanId, byte[] Payload)
{
    /// <summary>Gets a flow hash over the 5-tuple (FNV-1a over the bytes), as a kernel or ASIC would hash a flow.</summary>
    public uint FlowHash
    {
        get
        {
            uint h = 2166136261;
            void Mix(ReadOnlySpan<byte> bytes)
            {
                foreach (byte b in bytes)
                {
                    h = (h ^ b) * 16777619;
                }
            }

            Mix(Source.GetAddressBytes());
            Mix(Destination.GetAddressBytes());
            Span<byte> rest = stackalloc byte[5];
            rest[0] = (byte)Protocol;
            BinaryPrimitives.WriteUInt16BigEndian(rest[1..], (ushort)SourcePort);
            BinaryPrimitives.WriteUInt16BigEndian(rest[3..], (ushort)DestinationPort);
            Mix(rest);
            h ^= h >> 16;
            h *= 0x7feb352d;
            h ^= h >> 15;
            return h;
        }
    }

    /// <summary>Formats an address and port as a socket would print it.</summary>
    /// <param name="address">The address.</param>
    /// <param name="port">The port.</param>
    /// <returns><c>a:p</c> or <c>[a]:p</c>.</returns>
    public static string Endpoint(IPAddress address, int port) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";
}

/// <summary>Builds, parses and rewrites the frames of service traffic: Ethernet (optionally 802.1Q), IPv4 or IPv6, TCP or UDP, with a payload and valid checksums.</summary>
internal static class ServiceFrames
{
    /// <summary>TCP PSH|ACK, the flags of a segment carrying data.</summary>
    public const byte PushAck = 0x18;

    /// <summary>Builds a frame.</summary>
    /// <param name="sourceMac">Source MAC.</param>
    /// <param name="destinationMac">Destination MAC.</param>
    /// <param name="source">Source address.</param>
    /// <param name="destination">Destination address (same family).</param>
    /// <param name="protocol">TCP or UDP.</param>
    /// <param name="sourcePort">Source port.</param>
    /// <param name="destinationPort">Destination port.</param>
    /// <param name="payload">The payload (an HTTP request, a probe marker).</param>
    /// <returns>The frame.</returns>
    public static byte[] Build(ReadOnlySpan<byte> sourceMac, ReadOnlySpan<byte> destinationMac, IPAddress source, IPAddress destination, ServiceProtocol protocol, int sourcePort, int destinationPort, ReadOnlySpan<byte> payload)
    {
        if (source.AddressFamily != destination.AddressFamily)
        {
            throw new ArgumentException($"source {source} and destination {destination} are of different families.", nameof(destination));
        }

        int l4Header = protocol == ServiceProtocol.Tcp ? TcpFields.HeaderLength : UdpFields.HeaderLength;
        byte[] segment = new byte[l4Header + payload.Length];
        _ = protocol == ServiceProtocol.Tcp
            ? FrameBuilder.WriteTcp(segment, (ushort)sourcePort, (ushort)destinationPort, 1000, payload.IsEmpty ? 0u : 1u, payload.IsEmpty ? TcpFields.Syn : PushAck)
            : FrameBuilder.WriteUdp(segment, (ushort)sourcePort, (ushort)destinationPort, payload.Length);
        payload.CopyTo(segment.AsSpan(l4Header));
        byte[] src = source.GetAddressBytes();
        byte[] frame = new byte[IpFrames.FrameLength(src.Length, segment.Length)];
        IpFrames.Write(frame, destinationMac, sourceMac, src, destination.GetAddressBytes(), protocol == ServiceProtocol.Tcp ? IpProtocols.Tcp : IpProtocols.Udp, segment);
        return frame;
    }

    /// <summary>Parses a frame.</summary>
    /// <param name="frame">The frame.</param>
    /// <returns>Its fields.</returns>
    /// <exception cref="InvalidOperationException">It is not an IP TCP/UDP frame (a bug in the emulation).</exception>
    public static ServiceFrameFields Read(ReadOnlySpan<byte> frame)
    {
        ParseResult result = PacketParser.Parse(frame, out ParsedPacket p);
        if (result != ParseResult.Ok || !(p.IsIpv4 || p.IsIpv6) || p.IpProtocol is not (IpProtocols.Tcp or IpProtocols.Udp))
        {
            throw new InvalidOperationException($"service frame does not parse as TCP/UDP over IP: {result}");
        }

        IPAddress source = p.IsIpv4
            ? new IPAddress(frame.Slice(p.L3Offset + Ipv4Fields.SourcePosition, 4))
            : new IPAddress(frame.Slice(p.L3Offset + Ipv6Fields.SourcePosition, Ipv6Fields.AddressLength));
        IPAddress destination = p.IsIpv4
            ? new IPAddress(frame.Slice(p.L3Offset + Ipv4Fields.DestinationPosition, 4))
            : new IPAddress(frame.Slice(p.L3Offset + Ipv6Fields.DestinationPosition, Ipv6Fields.AddressLength));
        bool tcp = p.IpProtocol == IpProtocols.Tcp;
        int l4Header = tcp ? (frame[p.L4Offset + 12] >> 4) * 4 : UdpFields.HeaderLength;
        byte[] payload = frame[(p.L4Offset + l4Header)..p.L3End].ToArray();
        return new ServiceFrameFields(source, destination, tcp ? ServiceProtocol.Tcp : ServiceProtocol.Udp, p.SourcePort, p.DestinationPort, p.VlanCount > 0 ? p.VlanId : 0, payload);
    }

    /// <summary>Rewrites an address and port in place (DNAT or SNAT) and fixes the checksums.</summary>
    /// <param name="frame">The frame.</param>
    /// <param name="address">The new address (same family).</param>
    /// <param name="port">The new port, or null to keep it.</param>
    /// <param name="source">True for the source, false for the destination.</param>
    public static void Rewrite(byte[] frame, IPAddress address, int? port, bool source) =>
        IpFrames.Rewrite(frame, address.GetAddressBytes(), port, source);

    /// <summary>Inserts an 802.1Q tag after the MAC addresses, as a trunk port sends the frame.</summary>
    /// <param name="frame">An untagged frame.</param>
    /// <param name="vlanId">The VLAN id (1-4094).</param>
    /// <returns>The tagged frame.</returns>
    public static byte[] Tag(byte[] frame, int vlanId)
    {
        byte[] tagged = new byte[frame.Length + VlanFields.HeaderLength];
        IpFrames.WriteTagged(tagged, frame, (ushort)vlanId);
        return tagged;
    }

    /// <summary>Writes an HTTP/1.1 request.</summary>
    /// <param name="request">The request.</param>
    /// <returns>Its bytes.</returns>
    public static byte[] HttpRequest(HttpProbeRequest request) =>
        Encoding.ASCII.GetBytes($"{request.Method} {request.Path} HTTP/1.1\r\nHost: {request.Host}\r\nUser-Agent: nfvc-probe\r\nAccept: */*\r\n\r\n");

    /// <summary>Writes an HTTP/1.1 response with no body.</summary>
    /// <param name="status">The status code.</param>
    /// <param name="reason">The reason phrase.</param>
    /// <param name="server">Who answered (a Server header).</param>
    /// <returns>Its bytes.</returns>
    public static byte[] HttpResponse(int status, string reason, string server) =>
        Encoding.ASCII.GetBytes($"HTTP/1.1 {status} {reason}\r\nServer: {server}\r\nContent-Length: 0\r\n\r\n");

    /// <summary>Parses the request line and Host header of an HTTP/1.1 request.</summary>
    /// <param name="payload">The TCP payload.</param>
    /// <returns>The method, target and host, or null when it is not an HTTP/1.1 request with a Host header.</returns>
    public static (string Method, string Target, string Host)? ParseHttpRequest(ReadOnlySpan<byte> payload)
    {
        string text = Encoding.ASCII.GetString(payload);
        int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return null;
        }

        string[] lines = text[..end].Split("\r\n");
        string[] first = lines[0].Split(' ');
        if (first.Length != 3 || first[2] != "HTTP/1.1")
        {
            return null;
        }

        string? host = lines.Skip(1)
            .Select(l => l.Split(':', 2))
            .Where(kv => kv.Length == 2 && kv[0].Trim().Equals("Host", StringComparison.OrdinalIgnoreCase))
            .Select(kv => kv[1].Trim())
            .FirstOrDefault();
        if (host is null)
        {
            return null;
        }

        int colon = host.LastIndexOf(':');
        if (colon > 0 && !host.EndsWith(']') && host.IndexOf(':') == colon)
        {
            host = host[..colon];
        }

        return (first[0], first[1], host.ToLowerInvariant());
    }

    /// <summary>Reads the status code of an HTTP/1.1 response.</summary>
    /// <param name="payload">The TCP payload.</param>
    /// <returns>The code, or null.</returns>
    public static int? ParseHttpStatus(ReadOnlySpan<byte> payload)
    {
        string text = Encoding.ASCII.GetString(payload);
        string[] first = text.Split("\r\n", 2)[0].Split(' ');
        return first.Length >= 2 && first[0] == "HTTP/1.1" && int.TryParse(first[1], System.Globalization.CultureInfo.InvariantCulture, out int code) ? code : null;
    }
}
