// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Emulator.LoadBalancing.Protocols;

/// <summary>The version-independent header fields of a QUIC packet (RFC 8999, RFC 9000 section 17).</summary>
/// <param name="LongHeader">True for a long header (Initial, 0-RTT, Handshake, Retry).</param>
/// <param name="LongType">The long packet type (0 Initial, 1 0-RTT, 2 Handshake, 3 Retry), or -1 for a short header.</param>
/// <param name="Version">The version (long header), else 0.</param>
/// <param name="DestinationConnectionId">The destination connection ID.</param>
/// <param name="SourceConnectionId">The source connection ID (long header), else empty.</param>
internal sealed record QuicHeader(bool LongHeader, int LongType, uint Version, byte[] DestinationConnectionId, byte[] SourceConnectionId)
{
    /// <summary>Parses the header of a QUIC packet (a UDP payload).</summary>
    /// <param name="datagram">The UDP payload.</param>
    /// <param name="shortHeaderCidLength">The connection ID length this server fleet issues (short headers do not carry it).</param>
    /// <param name="header">The header, when it parses.</param>
    /// <returns>Null when parsed, else why not.</returns>
    public static string? TryParse(ReadOnlySpan<byte> datagram, int shortHeaderCidLength, out QuicHeader? header)
    {
        header = null;
        if (datagram.Length < 1 + shortHeaderCidLength)
        {
            return "quic_truncated";
        }

        byte first = datagram[0];
        if ((first & 0x80) == 0)
        {
            if ((first & 0x40) == 0)
            {
                return "quic_fixed_bit_clear";
            }

            header = new QuicHeader(false, -1, 0, datagram.Slice(1, shortHeaderCidLength).ToArray(), []);
            return null;
        }

        if (datagram.Length < 7)
        {
            return "quic_truncated";
        }

        uint version = (uint)((datagram[1] << 24) | (datagram[2] << 16) | (datagram[3] << 8) | datagram[4]);
        int dcidLength = datagram[5];
        if (dcidLength > 20 && version == 1)
        {
            return "quic_cid_too_long";
        }

        if (datagram.Length < 6 + dcidLength + 1)
        {
            return "quic_truncated";
        }

        byte[] dcid = datagram.Slice(6, dcidLength).ToArray();
        int scidLength = datagram[6 + dcidLength];
        if (datagram.Length < 7 + dcidLength + scidLength)
        {
            return "quic_truncated";
        }

        byte[] scid = datagram.Slice(7 + dcidLength, scidLength).ToArray();
        if (version == 1 && (first & 0x40) == 0)
        {
            return "quic_fixed_bit_clear";
        }

        header = new QuicHeader(true, (first >> 4) & 0x03, version, dcid, scid);
        return null;
    }
}
