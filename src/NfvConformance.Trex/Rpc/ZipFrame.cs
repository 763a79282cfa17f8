// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.IO.Compression;

namespace NfvConformance.Trex.Rpc;

/// <summary>TRex's optional compression of one RPC message: magic 0xABE85CEA, the plain length (both big-endian), then a zlib stream.</summary>
internal static class ZipFrame
{
    public const uint Magic = 0xABE85CEA;

    /// <summary>The largest plain request the TRex server accepts (MAX_RPC_MSG_LEN).</summary>
    public const int MaxMessage = 999_999;

    public static bool IsCompressed(ReadOnlySpan<byte> message) =>
        message.Length >= 8 && BinaryPrimitives.ReadUInt32BigEndian(message) == Magic;

    public static byte[] Compress(ReadOnlySpan<byte> plain)
    {
        using MemoryStream ms = new();
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(header, Magic);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], (uint)plain.Length);
        ms.Write(header);
        using (ZLibStream z = new(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            z.Write(plain);
        }

        return ms.ToArray();
    }

    /// <summary>Decompresses a framed message.</summary>
    /// <exception cref="InvalidDataException">The stream is corrupt, longer than announced or over the limit.</exception>
    public static byte[] Decompress(ReadOnlySpan<byte> message)
    {
        uint length = BinaryPrimitives.ReadUInt32BigEndian(message[4..]);
        if (length > MaxMessage * 20L)
        {
            throw new InvalidDataException($"compressed message announces {length} bytes, over the limit");
        }

        byte[] plain = new byte[length];
        using MemoryStream src = new(message[8..].ToArray());
        using ZLibStream z = new(src, CompressionMode.Decompress);
        int read = 0;
        while (read < plain.Length)
        {
            int n = z.Read(plain, read, plain.Length - read);
            if (n == 0)
            {
                throw new InvalidDataException($"compressed message ends after {read} of {length} bytes");
            }

            read += n;
        }

        return plain;
    }
}
