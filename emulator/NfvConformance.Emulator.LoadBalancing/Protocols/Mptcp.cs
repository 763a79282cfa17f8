// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace NfvConformance.Emulator.LoadBalancing.Protocols;

/// <summary>The multipath-TCP option (TCP option kind 30) of one segment, RFC 8684 section 3.</summary>
/// <param name="Subtype">0 MP_CAPABLE, 1 MP_JOIN, ...</param>
/// <param name="Body">The option from its kind byte to its end.</param>
internal sealed record MptcpOption(int Subtype, byte[] Body)
{
    /// <summary>TCP option kind of MPTCP.</summary>
    public const byte Kind = 30;

    /// <summary>Subtype MP_CAPABLE.</summary>
    public const int MpCapable = 0;

    /// <summary>Subtype MP_JOIN.</summary>
    public const int MpJoin = 1;

    /// <summary>Gets the sender's key of an MP_CAPABLE carrying one (SYN-ACK: 12 bytes; third ACK: 20 bytes).</summary>
    public ulong? SenderKey => Subtype == MpCapable && Body.Length >= 12 ? BinaryPrimitives.ReadUInt64BigEndian(Body.AsSpan(4)) : null;

    /// <summary>Gets the receiver's key of an MP_CAPABLE third ACK (20 bytes or more).</summary>
    public ulong? ReceiverKey => Subtype == MpCapable && Body.Length >= 20 ? BinaryPrimitives.ReadUInt64BigEndian(Body.AsSpan(12)) : null;

    /// <summary>Gets the receiver's token of an MP_JOIN on a SYN (12 bytes).</summary>
    public uint? JoinToken => Subtype == MpJoin && Body.Length == 12 ? BinaryPrimitives.ReadUInt32BigEndian(Body.AsSpan(4)) : null;

    /// <summary>Gets the sender's random number of an MP_JOIN on a SYN (12 bytes) or SYN-ACK (16 bytes).</summary>
    public uint? JoinRandom => Subtype != MpJoin ? null : Body.Length switch
    {
        12 => BinaryPrimitives.ReadUInt32BigEndian(Body.AsSpan(8)),
        16 => BinaryPrimitives.ReadUInt32BigEndian(Body.AsSpan(12)),
        _ => null,
    };

    /// <summary>Gets the truncated HMAC of an MP_JOIN on a SYN-ACK (16 bytes).</summary>
    public ulong? JoinTruncatedHmac => Subtype == MpJoin && Body.Length == 16 ? BinaryPrimitives.ReadUInt64BigEndian(Body.AsSpan(4)) : null;

    /// <summary>Finds the MPTCP option in a TCP segment's options.</summary>
    /// <param name="tcpSegment">The TCP segment from its header.</param>
    /// <returns>The option, or null.</returns>
    public static MptcpOption? Find(ReadOnlySpan<byte> tcpSegment)
    {
        if (tcpSegment.Length < 20)
        {
            return null;
        }

        int headerLength = (tcpSegment[12] >> 4) * 4;
        int o = 20;
        while (o < headerLength && o < tcpSegment.Length)
        {
            byte kind = tcpSegment[o];
            if (kind == 0)
            {
                return null;
            }

            if (kind == 1)
            {
                o++;
                continue;
            }

            if (o + 1 >= tcpSegment.Length)
            {
                return null;
            }

            int length = tcpSegment[o + 1];
            if (length < 2 || o + length > headerLength)
            {
                return null;
            }

            if (kind == Kind && length >= 3)
            {
                return new MptcpOption(tcpSegment[o + 2] >> 4, tcpSegment.Slice(o, length).ToArray());
            }

            o += length;
        }

        return null;
    }

    /// <summary>The token of a key: the most significant 32 bits of SHA-256 of the key (RFC 8684 section 3.2).</summary>
    /// <param name="key">The 64-bit key.</param>
    /// <returns>The token.</returns>
    public static uint Token(ulong key)
    {
        Span<byte> k = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(k, key);
        return BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(k));
    }

    /// <summary>The truncated HMAC of an MP_JOIN SYN-ACK: leftmost 64 bits of HMAC-SHA256(Key-B || Key-A, R-B || R-A).</summary>
    /// <param name="keyB">The responder's key.</param>
    /// <param name="keyA">The initiator's key.</param>
    /// <param name="randomB">The responder's random.</param>
    /// <param name="randomA">The initiator's random.</param>
    /// <returns>The truncated HMAC.</returns>
    public static ulong JoinHmac(ulong keyB, ulong keyA, uint randomB, uint randomA)
    {
        byte[] key = new byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(key, keyB);
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(8), keyA);
        byte[] message = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(message, randomB);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(4), randomA);
        return BinaryPrimitives.ReadUInt64BigEndian(HMACSHA256.HashData(key, message));
    }

    /// <summary>Builds an MP_CAPABLE option (version 1) with zero, one or two keys.</summary>
    /// <param name="senderKey">The sender's key, or null.</param>
    /// <param name="receiverKey">The receiver's key, or null.</param>
    /// <returns>The option bytes.</returns>
    public static byte[] Capable(ulong? senderKey, ulong? receiverKey)
    {
        int length = 4 + (senderKey is null ? 0 : 8) + (receiverKey is null ? 0 : 8);
        byte[] o = new byte[length];
        o[0] = Kind;
        o[1] = (byte)length;
        o[2] = (MpCapable << 4) | 1;
        o[3] = 0x01; // H: HMAC-SHA256
        if (senderKey is { } s)
        {
            BinaryPrimitives.WriteUInt64BigEndian(o.AsSpan(4), s);
        }

        if (receiverKey is { } r)
        {
            BinaryPrimitives.WriteUInt64BigEndian(o.AsSpan(12), r);
        }

        return o;
    }

    /// <summary>Builds an MP_JOIN option for a SYN-ACK.</summary>
    /// <param name="truncatedHmac">The truncated HMAC.</param>
    /// <param name="random">The responder's random.</param>
    /// <param name="addressId">The address id.</param>
    /// <returns>The option bytes.</returns>
    public static byte[] JoinSynAck(ulong truncatedHmac, uint random, byte addressId)
    {
        byte[] o = new byte[16];
        o[0] = Kind;
        o[1] = 16;
        o[2] = MpJoin << 4;
        o[3] = addressId;
        BinaryPrimitives.WriteUInt64BigEndian(o.AsSpan(4), truncatedHmac);
        BinaryPrimitives.WriteUInt32BigEndian(o.AsSpan(12), random);
        return o;
    }
}
