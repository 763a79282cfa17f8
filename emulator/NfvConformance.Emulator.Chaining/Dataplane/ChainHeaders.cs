// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using NfvConformance.Emulator.Chaining.Compilation;

namespace NfvConformance.Emulator.Chaining.Dataplane;

/// <summary>Header offsets the chain classifier reads (Ethernet, 802.1Q, IPv4, TCP/UDP).</summary>
internal static class ChainHeaderFields
{
    public const int EthernetLength = 14;
    public const int EtherTypePosition = 12;
    public const int VlanLength = 4;
    public const ushort TypeIpv4 = 0x0800;
    public const ushort TypeVlan = 0x8100;
    public const ushort TypeQinQ = 0x88A8;
    public const int Ipv4MinLength = 20;
    public const int Ipv4ProtocolPosition = 9;
    public const int Ipv4SourcePosition = 12;
    public const int Ipv4DestinationPosition = 16;
    public const int Ipv4FragmentPosition = 6;
    public const byte ProtocolTcp = 6;
    public const byte ProtocolUdp = 17;
}

/// <summary>Reads a <see cref="FlowKey"/> from a frame without allocating; malformed frames return false (counted as parse errors by the caller).</summary>
internal static class ChainHeaders
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryReadFlowKey(ReadOnlySpan<byte> frame, out FlowKey key)
    {
        key = default;
        if (frame.Length < ChainHeaderFields.EthernetLength + ChainHeaderFields.Ipv4MinLength)
        {
            return false;
        }

        int l3 = ChainHeaderFields.EthernetLength;
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(frame[ChainHeaderFields.EtherTypePosition..]);
        while (type is ChainHeaderFields.TypeVlan or ChainHeaderFields.TypeQinQ)
        {
            if (frame.Length < l3 + ChainHeaderFields.VlanLength + ChainHeaderFields.Ipv4MinLength)
            {
                return false;
            }

            type = BinaryPrimitives.ReadUInt16BigEndian(frame[(l3 + 2)..]);
            l3 += ChainHeaderFields.VlanLength;
        }

        if (type != ChainHeaderFields.TypeIpv4 || (frame[l3] >> 4) != 4)
        {
            return false;
        }

        int ihl = (frame[l3] & 0x0F) * 4;
        if (ihl < ChainHeaderFields.Ipv4MinLength || frame.Length < l3 + ihl)
        {
            return false;
        }

        ReadOnlySpan<byte> ip = frame[l3..];
        key.Protocol = ip[ChainHeaderFields.Ipv4ProtocolPosition];
        key.Source = BinaryPrimitives.ReadUInt32BigEndian(ip[ChainHeaderFields.Ipv4SourcePosition..]);
        key.Destination = BinaryPrimitives.ReadUInt32BigEndian(ip[ChainHeaderFields.Ipv4DestinationPosition..]);
        key.SourceMac = BinaryPrimitives.ReadUInt64BigEndian(frame[4..]) & 0xFFFF_FFFF_FFFFUL;
        key.DestinationMac = BinaryPrimitives.ReadUInt64BigEndian(frame) >> 16;

        // Ports only from the first fragment; later fragments classify on addresses and protocol.
        bool firstFragment = (BinaryPrimitives.ReadUInt16BigEndian(ip[ChainHeaderFields.Ipv4FragmentPosition..]) & 0x1FFF) == 0;
        if (firstFragment && key.Protocol is ChainHeaderFields.ProtocolTcp or ChainHeaderFields.ProtocolUdp && frame.Length >= l3 + ihl + 4)
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
    public static int WriteProbeFrame(Span<byte> frame, in FlowKey key, int ttl, NfvConformance.Abstractions.Chaining.ProbeDefect defect)
    {
        if (ttl is < 1 or > 255)
        {
            NfvConformance.Abstractions.Errors.ThrowHelper.ThrowConfiguration($"probe TTL {ttl}: give a time to live of 1 to 255.");
        }

        int length = WriteFrame(frame, in key);
        Span<byte> ip = frame[ChainHeaderFields.EthernetLength..length];
        ip[8] = (byte)ttl;
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], NfvConformance.Packets.InternetChecksum.Compute(ip[..20]));
        if (key.Protocol is ChainHeaderFields.ProtocolTcp or ChainHeaderFields.ProtocolUdp)
        {
            NfvConformance.Packets.FrameBuilder.FinishL4Ipv4(ip);
        }

        switch (defect)
        {
            case NfvConformance.Abstractions.Chaining.ProbeDefect.Ipv4HeaderChecksum:
                BinaryPrimitives.WriteUInt16BigEndian(ip[10..], (ushort)(BinaryPrimitives.ReadUInt16BigEndian(ip[10..]) ^ 0x0101));
                break;
            case NfvConformance.Abstractions.Chaining.ProbeDefect.L4Checksum:
                int at = 20 + (key.Protocol == ChainHeaderFields.ProtocolTcp ? 16 : 6);
                if (key.Protocol is not (ChainHeaderFields.ProtocolTcp or ChainHeaderFields.ProtocolUdp))
                {
                    NfvConformance.Abstractions.Errors.ThrowHelper.ThrowConfiguration("probe defect L4Checksum needs a TCP or UDP probe.");
                }

                BinaryPrimitives.WriteUInt16BigEndian(ip[at..], (ushort)(BinaryPrimitives.ReadUInt16BigEndian(ip[at..]) ^ 0x0101));
                break;
            case NfvConformance.Abstractions.Chaining.ProbeDefect.Truncated:
                // Cut right after the ports: the classifier still sees the 5-tuple, the IPv4 total length claims more.
                return ChainHeaderFields.EthernetLength + ChainHeaderFields.Ipv4MinLength + 4;
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
        BinaryPrimitives.WriteUInt16BigEndian(frame[ChainHeaderFields.EtherTypePosition..], ChainHeaderFields.TypeIpv4);
        Span<byte> ip = frame[ChainHeaderFields.EthernetLength..];
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(length - ChainHeaderFields.EthernetLength));
        ip[8] = 64;
        ip[ChainHeaderFields.Ipv4ProtocolPosition] = key.Protocol;
        BinaryPrimitives.WriteUInt32BigEndian(ip[ChainHeaderFields.Ipv4SourcePosition..], key.Source);
        BinaryPrimitives.WriteUInt32BigEndian(ip[ChainHeaderFields.Ipv4DestinationPosition..], key.Destination);
        uint sum = 0;
        for (int i = 0; i < 20; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(ip[i..]);
        }

        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], (ushort)~sum);
        BinaryPrimitives.WriteUInt16BigEndian(ip[20..], key.SourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(ip[22..], key.DestinationPort);
        if (key.Protocol == ChainHeaderFields.ProtocolTcp)
        {
            ip[32] = 0x50;
            ip[33] = 0x10;
        }
        else if (key.Protocol == ChainHeaderFields.ProtocolUdp)
        {
            BinaryPrimitives.WriteUInt16BigEndian(ip[24..], (ushort)(length - ChainHeaderFields.EthernetLength - 20));
        }

        return length;
    }
}
