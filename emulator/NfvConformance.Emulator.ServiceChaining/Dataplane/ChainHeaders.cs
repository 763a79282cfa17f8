// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using NfvConformance.Emulator.ServiceChaining.Compilation;
using NfvConformance.Packets;

namespace NfvConformance.Emulator.ServiceChaining.Dataplane;

/// <summary>Reads a <see cref="FlowKey"/> from a frame without allocating; malformed frames return false (counted as parse errors by the caller).</summary>
internal static class ChainHeaders
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryReadFlowKey(ReadOnlySpan<byte> frame, out FlowKey key)
    {
        key = default;
        if (frame.Length < EthernetFields.HeaderLength + Ipv4Fields.HeaderLength)
        {
            return false;
        }

        int l3 = EthernetFields.HeaderLength;
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(frame[EthernetFields.TypePosition..]);
        while (type is EthernetFields.TypeVlan or EthernetFields.TypeQinQ)
        {
            if (frame.Length < l3 + VlanFields.HeaderLength + Ipv4Fields.HeaderLength)
            {
                return false;
            }

            type = BinaryPrimitives.ReadUInt16BigEndian(frame[(l3 + 2)..]);
            l3 += VlanFields.HeaderLength;
        }

        if (type != EthernetFields.TypeIpv4 || (frame[l3] >> 4) != 4)
        {
            return false;
        }

        int ihl = (frame[l3] & 0x0F) * 4;
        if (ihl < Ipv4Fields.HeaderLength || frame.Length < l3 + ihl)
        {
            return false;
        }

        ReadOnlySpan<byte> ip = frame[l3..];
        key.Protocol = ip[Ipv4Fields.ProtocolPosition];
        key.Source = BinaryPrimitives.ReadUInt32BigEndian(ip[Ipv4Fields.SourcePosition..]);
        key.Destination = BinaryPrimitives.ReadUInt32BigEndian(ip[Ipv4Fields.DestinationPosition..]);
        key.SourceMac = BinaryPrimitives.ReadUInt64BigEndian(frame[4..]) & 0xFFFF_FFFF_FFFFUL;
        key.DestinationMac = BinaryPrimitives.ReadUInt64BigEndian(frame) >> 16;

        // Ports only from the first fragment; later fragments classify on addresses and protocol.
        bool firstFragment = (BinaryPrimitives.ReadUInt16BigEndian(ip[Ipv4Fields.FragmentPosition..]) & 0x1FFF) == 0;
        if (firstFragment && key.Protocol is IpProtocols.Tcp or IpProtocols.Udp && frame.Length >= l3 + ihl + 4)
        {
            key.SourcePort = BinaryPrimitives.ReadUInt16BigEndian(ip[ihl..]);
            key.DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(ip[(ihl + 2)..]);
        }

        return true;
    }

    /// <summary>
    /// Writes a probe frame for a flow: a 64-byte Ethernet/IPv4/TCP-or-UDP frame with the given TTL and correct IPv4
    /// and L4 checksums, then the defect asked for (a wrong IPv4 or L4 checksum, or the frame cut after the ports).
    /// </summary>
    /// <returns>The frame's length.</returns>
    public static int WriteProbeFrame(Span<byte> frame, in FlowKey key, int ttl, NfvConformance.Abstractions.ServiceChaining.ProbeDefect defect)
    {
        if (ttl is < 1 or > 255)
        {
            NfvConformance.Abstractions.Errors.ThrowHelper.ThrowConfiguration($"probe TTL {ttl}: give a time to live of 1 to 255.");
        }

        int length = WriteFrame(frame, in key);
        Span<byte> ip = frame[EthernetFields.HeaderLength..length];
        ip[8] = (byte)ttl;
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], NfvConformance.Packets.InternetChecksum.Compute(ip[..20]));
        if (key.Protocol is IpProtocols.Tcp or IpProtocols.Udp)
        {
            NfvConformance.Packets.FrameBuilder.FinishL4Ipv4(ip);
        }

        switch (defect)
        {
            case NfvConformance.Abstractions.ServiceChaining.ProbeDefect.Ipv4HeaderChecksum:
                BinaryPrimitives.WriteUInt16BigEndian(ip[10..], (ushort)(BinaryPrimitives.ReadUInt16BigEndian(ip[10..]) ^ 0x0101));
                break;
            case NfvConformance.Abstractions.ServiceChaining.ProbeDefect.L4Checksum:
                int at = 20 + (key.Protocol == IpProtocols.Tcp ? 16 : 6);
                if (key.Protocol is not (IpProtocols.Tcp or IpProtocols.Udp))
                {
                    NfvConformance.Abstractions.Errors.ThrowHelper.ThrowConfiguration("probe defect L4Checksum needs a TCP or UDP probe.");
                }

                BinaryPrimitives.WriteUInt16BigEndian(ip[at..], (ushort)(BinaryPrimitives.ReadUInt16BigEndian(ip[at..]) ^ 0x0101));
                break;
            case NfvConformance.Abstractions.ServiceChaining.ProbeDefect.Truncated:
                // Cut right after the ports: the classifier still sees the 5-tuple, the IPv4 total length claims more.
                return EthernetFields.HeaderLength + Ipv4Fields.HeaderLength + 4;
        }

        return length;
    }

    /// <summary>Writes a minimal Ethernet/IPv4/TCP-or-UDP frame for a flow (probes and tests); returns its length.</summary>
    public static int WriteFrame(Span<byte> frame, in FlowKey key, int length = 64)
    {
        length = Math.Max(length, 60);
        frame[..length].Clear();
        BinaryPrimitives.WriteUInt64BigEndian(frame, key.DestinationMac << 16);
        BinaryPrimitives.WriteUInt64BigEndian(frame[6..], key.SourceMac << 16);
        BinaryPrimitives.WriteUInt16BigEndian(frame[EthernetFields.TypePosition..], EthernetFields.TypeIpv4);
        Span<byte> ip = frame[EthernetFields.HeaderLength..];
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(length - EthernetFields.HeaderLength));
        ip[8] = 64;
        ip[Ipv4Fields.ProtocolPosition] = key.Protocol;
        BinaryPrimitives.WriteUInt32BigEndian(ip[Ipv4Fields.SourcePosition..], key.Source);
        BinaryPrimitives.WriteUInt32BigEndian(ip[Ipv4Fields.DestinationPosition..], key.Destination);
        new Ipv4View(ip).UpdateChecksum();
        BinaryPrimitives.WriteUInt16BigEndian(ip[20..], key.SourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(ip[22..], key.DestinationPort);
        if (key.Protocol == IpProtocols.Tcp)
        {
            ip[32] = 0x50;
            ip[33] = 0x10;
        }
        else if (key.Protocol == IpProtocols.Udp)
        {
            BinaryPrimitives.WriteUInt16BigEndian(ip[24..], (ushort)(length - EthernetFields.HeaderLength - 20));
        }

        return length;
    }
}
