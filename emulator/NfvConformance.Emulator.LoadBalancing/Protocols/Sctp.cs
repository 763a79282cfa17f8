// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Net;
using NfvConformance.Packets;

namespace NfvConformance.Emulator.LoadBalancing.Protocols;

/// <summary>One SCTP chunk (RFC 9260 section 3.2).</summary>
/// <param name="Type">Chunk type (1 INIT, 2 INIT ACK, 0 DATA, ...).</param>
/// <param name="Flags">Chunk flags.</param>
/// <param name="Value">The chunk value (after the 4-byte chunk header, without padding).</param>
internal sealed record SctpChunk(byte Type, byte Flags, byte[] Value);

/// <summary>An SCTP packet: the common header and its chunks.</summary>
/// <param name="SourcePort">Source port.</param>
/// <param name="DestinationPort">Destination port.</param>
/// <param name="VerificationTag">The verification tag (0 in a packet carrying INIT).</param>
/// <param name="ChecksumValid">True when the CRC32c in the header matches the packet.</param>
/// <param name="Chunks">The chunks.</param>
internal sealed record SctpPacket(ushort SourcePort, ushort DestinationPort, uint VerificationTag, bool ChecksumValid, IReadOnlyList<SctpChunk> Chunks)
{
    /// <summary>Chunk type INIT.</summary>
    public const byte Init = 1;

    /// <summary>Chunk type INIT ACK.</summary>
    public const byte InitAck = 2;

    /// <summary>Chunk type DATA.</summary>
    public const byte Data = 0;

    /// <summary>Chunk type SACK.</summary>
    public const byte Sack = 3;

    /// <summary>Gets the Initiate Tag of the INIT or INIT ACK chunk, or null when there is none.</summary>
    public uint? InitiateTag =>
        Chunks.FirstOrDefault(c => c.Type is Init or InitAck && c.Value.Length >= 16) is { } c ? BinaryPrimitives.ReadUInt32BigEndian(c.Value) : null;

    /// <summary>Gets the IPv4 Address parameters (type 5) of the INIT or INIT ACK chunk: the sender's other addresses.</summary>
    public IReadOnlyList<IPAddress> Addresses
    {
        get
        {
            List<IPAddress> addresses = [];
            SctpChunk? init = Chunks.FirstOrDefault(c => c.Type is Init or InitAck && c.Value.Length >= 16);
            if (init is null)
            {
                return addresses;
            }

            int o = 16;
            while (o + 4 <= init.Value.Length)
            {
                ushort type = BinaryPrimitives.ReadUInt16BigEndian(init.Value.AsSpan(o));
                ushort length = BinaryPrimitives.ReadUInt16BigEndian(init.Value.AsSpan(o + 2));
                if (length < 4 || o + length > init.Value.Length)
                {
                    break;
                }

                if (type == 5 && length == 8)
                {
                    addresses.Add(new IPAddress(init.Value.AsSpan(o + 4, 4)));
                }

                o += (length + 3) & ~3;
            }

            return addresses;
        }
    }

    /// <summary>Parses an SCTP packet (the IP payload) and checks its CRC32c.</summary>
    /// <param name="segment">The SCTP packet.</param>
    /// <param name="packet">The packet, when it parses.</param>
    /// <returns>Null when it parsed, else why not.</returns>
    public static string? TryParse(ReadOnlySpan<byte> segment, out SctpPacket? packet)
    {
        packet = null;
        if (segment.Length < 12)
        {
            return "sctp_truncated_common_header";
        }

        uint stated = BinaryPrimitives.ReadUInt32LittleEndian(segment[8..]);
        bool valid = Crc32c.ComputeSctp(segment) == stated;
        List<SctpChunk> chunks = [];
        int o = 12;
        while (o + 4 <= segment.Length)
        {
            ushort length = BinaryPrimitives.ReadUInt16BigEndian(segment[(o + 2)..]);
            if (length < 4 || o + length > segment.Length)
            {
                return "sctp_bad_chunk_length";
            }

            chunks.Add(new SctpChunk(segment[o], segment[o + 1], segment.Slice(o + 4, length - 4).ToArray()));
            o += (length + 3) & ~3;
        }

        packet = new SctpPacket(
            BinaryPrimitives.ReadUInt16BigEndian(segment),
            BinaryPrimitives.ReadUInt16BigEndian(segment[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(segment[4..]),
            valid,
            chunks);
        return chunks.Count == 0 ? "sctp_no_chunk" : null;
    }

    /// <summary>Writes an SCTP packet with a correct CRC32c.</summary>
    /// <param name="sourcePort">Source port.</param>
    /// <param name="destinationPort">Destination port.</param>
    /// <param name="verificationTag">Verification tag.</param>
    /// <param name="chunks">The chunks.</param>
    /// <returns>The packet.</returns>
    public static byte[] Build(ushort sourcePort, ushort destinationPort, uint verificationTag, IEnumerable<SctpChunk> chunks)
    {
        List<byte> bytes = new(new byte[12]);
        foreach (SctpChunk chunk in chunks)
        {
            int length = 4 + chunk.Value.Length;
            bytes.Add(chunk.Type);
            bytes.Add(chunk.Flags);
            bytes.Add((byte)(length >> 8));
            bytes.Add((byte)length);
            bytes.AddRange(chunk.Value);
            while (bytes.Count % 4 != 0)
            {
                bytes.Add(0);
            }
        }

        byte[] packet = [.. bytes];
        BinaryPrimitives.WriteUInt16BigEndian(packet, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), verificationTag);
        BinaryPrimitives.WriteUInt32LittleEndian(packet.AsSpan(8), Crc32c.Compute(packet));
        return packet;
    }

    /// <summary>Builds an INIT or INIT ACK chunk value: tag, a_rwnd, streams, initial TSN, then parameters.</summary>
    /// <param name="initiateTag">The Initiate Tag.</param>
    /// <param name="initialTsn">The initial TSN.</param>
    /// <param name="addresses">IPv4 Address parameters to list.</param>
    /// <param name="cookie">A State Cookie parameter (INIT ACK), or null.</param>
    /// <returns>The chunk value.</returns>
    public static byte[] InitValue(uint initiateTag, uint initialTsn, IEnumerable<IPAddress> addresses, byte[]? cookie)
    {
        List<byte> v = new(new byte[16]);
        foreach (IPAddress a in addresses)
        {
            v.AddRange([0, 5, 0, 8]);
            v.AddRange(a.GetAddressBytes());
        }

        if (cookie is not null)
        {
            int length = 4 + cookie.Length;
            v.AddRange([0, 7, (byte)(length >> 8), (byte)length]);
            v.AddRange(cookie);
            while (v.Count % 4 != 0)
            {
                v.Add(0);
            }
        }

        byte[] value = [.. v];
        BinaryPrimitives.WriteUInt32BigEndian(value, initiateTag);
        BinaryPrimitives.WriteUInt32BigEndian(value.AsSpan(4), 65536);
        BinaryPrimitives.WriteUInt16BigEndian(value.AsSpan(8), 10);
        BinaryPrimitives.WriteUInt16BigEndian(value.AsSpan(10), 10);
        BinaryPrimitives.WriteUInt32BigEndian(value.AsSpan(12), initialTsn);
        return value;
    }
}
