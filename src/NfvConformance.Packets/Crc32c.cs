// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Packets;

/// <summary>CRC32c (Castagnoli, reflected polynomial 0x82F63B78), the SCTP checksum of RFC 9260 appendix A.</summary>
public static class Crc32c
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>Computes the CRC32c of some bytes.</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The CRC (check value of "123456789" is 0xE3069283).</returns>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    /// <summary>Computes the CRC32c of an SCTP packet as if its checksum field (bytes 8 to 11) were zero.</summary>
    /// <param name="sctpPacket">The SCTP common header and chunks.</param>
    /// <returns>The CRC to store, little-endian, at byte 8.</returns>
    public static uint ComputeSctp(ReadOnlySpan<byte> sctpPacket)
    {
        uint crc = 0xFFFFFFFF;
        for (int i = 0; i < sctpPacket.Length; i++)
        {
            byte b = i is >= 8 and < 12 ? (byte)0 : sctpPacket[i];
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static uint[] BuildTable()
    {
        uint[] table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0x82F63B78 ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
