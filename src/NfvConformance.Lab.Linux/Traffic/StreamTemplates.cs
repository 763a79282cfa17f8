// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Net;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Packets;

namespace NfvConformance.Lab.Linux.Traffic;

/// <summary>
/// Every frame a stream can send, built once per trial with <see cref="FrameBuilder"/> (one template per flow and
/// frame size), so sending a frame is a copy of its template plus the 16-byte latency mark (sequence number and
/// transmit timestamp) at its end. IPv4/UDP frames carry UDP checksum 0 (allowed by RFC 768), so the mark needs no
/// checksum work; TCP and IPv6 frames get their layer-4 checksum computed after marking.
/// </summary>
internal sealed class StreamTemplates
{
    /// <summary>The most template bytes one stream may take.</summary>
    public const long MaxBytes = 64L << 20;

    private readonly byte[] _frames;
    private readonly int[] _offsets;
    private readonly int[] _lengths;
    private readonly int[] _sizes;
    private readonly long[] _weights;
    private readonly long _totalWeight;
    private readonly int _flows;
    private readonly int _l3Offset;
    private readonly long _id = Interlocked.Increment(ref s_lastId);
    private static long s_lastId;

    private StreamTemplates(TrafficStream stream, byte[] frames, int[] offsets, int[] lengths, int[] sizes, int l3Offset)
    {
        Stream = stream;
        _frames = frames;
        _offsets = offsets;
        _lengths = lengths;
        _sizes = sizes;
        _weights = [.. stream.FrameSizes.Entries.Select(e => (long)e.Weight)];
        _totalWeight = _weights.Sum();
        _flows = Math.Max(1, stream.FlowCount);
        _l3Offset = l3Offset;
        NeedsChecksum = stream.Headers.L3 == L3Protocol.IPv6 || stream.Headers.L4 == L4Protocol.Tcp;
        MaxLength = lengths.Max();
    }

    /// <summary>Gets the stream.</summary>
    public TrafficStream Stream { get; }

    /// <summary>Gets the longest frame (without FCS).</summary>
    public int MaxLength { get; }

    /// <summary>Gets whether the layer-4 checksum must be computed after each mark.</summary>
    public bool NeedsChecksum { get; }

    /// <summary>Checks that a stream can be sent by this generator.</summary>
    /// <param name="stream">The stream.</param>
    /// <returns>The problems; empty when it can.</returns>
    public static IReadOnlyList<ValidationError> Validate(TrafficStream stream)
    {
        List<ValidationError> errors = [];
        string subject = $"stream '{stream.Name}'";
        if (stream.Headers.VxlanVni is not null)
        {
            errors.Add(new(true, "VXLAN encapsulation is not built by the AF_PACKET generator; send the inner stream and let the lab encapsulate it.", subject));
        }

        if (!stream.LatencyMarked)
        {
            errors.Add(new(true, "the AF_PACKET generator marks every frame (sequence number and timestamp) to count loss; set LatencyMarked.", subject));
        }

        long bytes = (long)Math.Max(1, stream.FlowCount) * stream.FrameSizes.Entries.Sum(e => (long)e.Size);
        if (bytes > MaxBytes)
        {
            errors.Add(new(true, $"{stream.FlowCount} flows x {stream.FrameSizes} frame sizes need {bytes >> 20} MiB of frame templates; at most {MaxBytes >> 20} MiB: use fewer flows.", subject));
        }

        return errors;
    }

    /// <summary>Builds the templates of a stream (call <see cref="Validate"/> first).</summary>
    /// <param name="stream">The stream.</param>
    /// <returns>The templates.</returns>
    public static StreamTemplates Build(TrafficStream stream)
    {
        int flows = Math.Max(1, stream.FlowCount);
        int[] sizes = [.. stream.FrameSizes.Entries.Select(e => e.Size)];
        int count = flows * sizes.Length;
        int[] offsets = new int[count];
        int[] lengths = new int[count];
        long total = 0;
        for (int f = 0; f < flows; f++)
        {
            for (int s = 0; s < sizes.Length; s++)
            {
                int i = (f * sizes.Length) + s;
                offsets[i] = (int)total;
                lengths[i] = sizes[s] - TrafficRate.FcsBytes;
                total += lengths[i];
            }
        }

        byte[] frames = new byte[total];
        int l3 = 0;
        for (int f = 0; f < flows; f++)
        {
            for (int s = 0; s < sizes.Length; s++)
            {
                int i = (f * sizes.Length) + s;
                l3 = Write(frames.AsSpan(offsets[i], lengths[i]), stream, f);
            }
        }

        return new StreamTemplates(stream, frames, offsets, lengths, sizes, l3);
    }

    /// <summary>Writes packet <paramref name="index"/> of the stream, marked, into a slot.</summary>
    /// <param name="slot">Where to write.</param>
    /// <param name="index">The packet's index in the stream (its sequence number).</param>
    /// <param name="mark">The latency mark.</param>
    /// <returns>The frame length.</returns>
    public int WriteMarked(Span<byte> slot, long index, in LatencyMark mark)
    {
        long held = -1;
        return WriteMarkedInPlace(slot, index, mark, ref held);
    }

    /// <summary>
    /// Writes packet <paramref name="index"/> of the stream into a frame that keeps its bytes between sends (an
    /// AF_XDP UMEM frame): when the frame already holds the packet's template (<paramref name="held"/>), only the
    /// mark (and, for TCP or IPv6, the layer-4 checksum) is stamped in place; otherwise the template is copied first
    /// and <paramref name="held"/> is updated.
    /// </summary>
    /// <param name="frame">The frame's bytes.</param>
    /// <param name="index">The packet's index in the stream (its sequence number).</param>
    /// <param name="mark">The latency mark.</param>
    /// <param name="held">The template key the frame holds (-1 for none); updated.</param>
    /// <returns>The frame length.</returns>
    public int WriteMarkedInPlace(Span<byte> frame, long index, in LatencyMark mark, ref long held)
    {
        // FrameSizeMix.SizeAt's rule (the mix repeats every TotalWeight frames) over arrays: no enumerator per frame.
        long position = index % _totalWeight;
        int s = 0;
        while (s < _weights.Length - 1 && position >= _weights[s])
        {
            position -= _weights[s];
            s++;
        }

        int t = (int)((index % _flows) * _sizes.Length) + s;
        int length = _lengths[t];
        Span<byte> bytes = frame[..length];
        long key = (_id << 32) | (uint)t;
        if (held != key)
        {
            _frames.AsSpan(_offsets[t], length).CopyTo(bytes);
            held = key;
        }

        mark.TryWriteTrailer(bytes);
        if (NeedsChecksum)
        {
            FinishL4(bytes[_l3Offset..], Stream.Headers.L3);
        }

        return length;
    }

    private static void FinishL4(Span<byte> ip, L3Protocol l3)
    {
        if (l3 == L3Protocol.IPv4)
        {
            FrameBuilder.FinishL4Ipv4(ip);
            return;
        }

        byte next = ip[Ipv6Fields.NextHeaderPosition];
        Span<byte> segment = ip[Ipv6Fields.HeaderLength..];
        int at = next == IpProtocols.Tcp ? TcpFields.ChecksumPosition : UdpFields.ChecksumPosition;
        BinaryPrimitives.WriteUInt16BigEndian(segment[at..], 0);
        ushort sum = InternetChecksum.ComputeIpv6Pseudo(ip.Slice(Ipv6Fields.SourcePosition, 16), ip.Slice(Ipv6Fields.DestinationPosition, 16), next, segment);
        BinaryPrimitives.WriteUInt16BigEndian(segment[at..], sum == 0 && next == IpProtocols.Udp ? (ushort)0xFFFF : sum);
    }

    /// <summary>Writes one unmarked frame of flow <paramref name="flow"/>; returns the offset of its IP header.</summary>
    private static int Write(Span<byte> f, TrafficStream stream, int flow)
    {
        HeaderStack h = stream.Headers;
        FlowFields vary = stream.VaryingFields;
        f.Clear();
        Span<byte> dst = stackalloc byte[6];
        Span<byte> src = stackalloc byte[6];
        for (int i = 0; i < 6; i++)
        {
            dst[i] = h.DestinationMac[i];
            src[i] = h.SourceMac[i];
        }

        if ((vary & FlowFields.SourceMac) != 0)
        {
            BinaryPrimitives.WriteUInt32BigEndian(src[2..], BinaryPrimitives.ReadUInt32BigEndian(src[2..]) + (uint)flow);
        }

        ushort l3Type = h.L3 switch
        {
            L3Protocol.IPv4 => EthernetFields.TypeIpv4,
            L3Protocol.IPv6 => EthernetFields.TypeIpv6,
            _ => 0x88B5,
        };
        int o = FrameBuilder.WriteEthernet(f, dst, src, h.VlanId is null ? l3Type : EthernetFields.TypeVlan);
        if (h.VlanId is int vlan)
        {
            o += FrameBuilder.WriteVlan(f[o..], (ushort)vlan, 0, l3Type);
        }

        int l3 = o;
        if (h.L3 == L3Protocol.None)
        {
            return l3;
        }

        int l4Header = h.L4 switch { L4Protocol.Udp => UdpFields.HeaderLength, L4Protocol.Tcp => TcpFields.HeaderLength, _ => 0 };
        byte protocol = h.L4 switch { L4Protocol.Udp => IpProtocols.Udp, L4Protocol.Tcp => IpProtocols.Tcp, _ => (byte)253 };
        int ipHeader = h.L3 == L3Protocol.IPv4 ? Ipv4Fields.HeaderLength : Ipv6Fields.HeaderLength;
        int l4Payload = f.Length - l3 - ipHeader - l4Header;
        uint srcFlow = (vary & FlowFields.SourceIp) != 0 ? (uint)flow : 0;
        uint dstFlow = (vary & FlowFields.DestinationIp) != 0 ? (uint)flow : 0;
        if (h.L3 == L3Protocol.IPv4)
        {
            o += FrameBuilder.WriteIpv4(f[o..], V4(h.SourceIp) + srcFlow, V4(h.DestinationIp) + dstFlow, protocol, l4Header + l4Payload);
        }
        else
        {
            Span<byte> s6 = stackalloc byte[16];
            Span<byte> d6 = stackalloc byte[16];
            V6(h.SourceIp, srcFlow, s6);
            V6(h.DestinationIp, dstFlow, d6);
            o += FrameBuilder.WriteIpv6(f[o..], s6, d6, protocol, l4Header + l4Payload);
        }

        ushort sport = (ushort)(h.SourcePort + ((vary & FlowFields.SourcePort) != 0 ? flow : 0));
        ushort dport = (ushort)(h.DestinationPort + ((vary & FlowFields.DestinationPort) != 0 ? flow : 0));
        if (h.L4 == L4Protocol.Udp)
        {
            FrameBuilder.WriteUdp(f[o..], sport, dport, l4Payload);
        }
        else if (h.L4 == L4Protocol.Tcp)
        {
            FrameBuilder.WriteTcp(f[o..], sport, dport, 1, 1, TcpFields.Ack);
        }

        return l3;
    }

    private static uint V4(IPAddress a)
    {
        Span<byte> b = stackalloc byte[4];
        a.TryWriteBytes(b, out _);
        return BinaryPrimitives.ReadUInt32BigEndian(b);
    }

    private static void V6(IPAddress a, uint add, Span<byte> dst)
    {
        a.TryWriteBytes(dst, out _);
        BinaryPrimitives.WriteUInt32BigEndian(dst[12..], BinaryPrimitives.ReadUInt32BigEndian(dst[12..]) + add);
    }
}
