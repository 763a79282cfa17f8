// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Emulator.LoadBalancing.Protocols;

/// <summary>CRC32c (Castagnoli, reflected polynomial 0x82F63B78), the SCTP checksum of RFC 9260 appendix A.</summary>
internal static class Crc32c
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
