// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using NfvConformance.Packets;

namespace NfvConformance.Emulator.Capabilities.Timing;

/// <summary>The PTP message types the delay request-response mechanism uses (IEEE 1588-2019 Table 36).</summary>
public enum PtpMessageType : byte
{
    /// <summary>Sync (event message).</summary>
    Sync = 0x0,

    /// <summary>Delay_Req (event message).</summary>
    DelayReq = 0x1,

    /// <summary>Follow_Up (general message, carries the precise origin time of a two-step Sync).</summary>
    FollowUp = 0x8,

    /// <summary>Delay_Resp (general message, carries the master's receive time of a Delay_Req).</summary>
    DelayResp = 0x9,
}

/// <summary>A decoded PTP version 2 message: the header fields used here and the body's timestamp.</summary>
/// <param name="Type">The message type.</param>
/// <param name="Domain">The domain number.</param>
/// <param name="SequenceId">The sequence id.</param>
/// <param name="SourceClock">The source port's clock identity (EUI-64).</param>
/// <param name="Timestamp">The body's timestamp, in ns since the PTP epoch.</param>
/// <param name="CorrectionNs">The correction field, in ns (scaled by 2^16 on the wire).</param>
public readonly record struct PtpMessage(PtpMessageType Type, byte Domain, ushort SequenceId, ulong SourceClock, long Timestamp, double CorrectionNs);

/// <summary>
/// Encodes and decodes PTPv2 messages (IEEE 1588-2019 clause 13) carried directly over Ethernet (EtherType 0x88F7,
/// destination 01-1B-19-00-00-00, annex E), as ptp4l does with <c>network_transport L2</c>.
/// </summary>
public static class PtpMessages
{
    /// <summary>The PTP EtherType.</summary>
    public const ushort EtherType = 0x88F7;

    /// <summary>The length of the common header.</summary>
    public const int HeaderLength = 34;

    private static readonly byte[] s_multicast = [0x01, 0x1B, 0x19, 0x00, 0x00, 0x00];

    /// <summary>Writes an Ethernet frame carrying one PTP message and returns its length (padded to 60 bytes).</summary>
    /// <param name="frame">The destination buffer (at least 78 bytes).</param>
    /// <param name="sourceMac">The sending port's MAC address.</param>
    /// <param name="message">The message to encode.</param>
    /// <param name="requestingClock">For Delay_Resp, the requesting port's clock identity.</param>
    /// <returns>The frame length.</returns>
    public static int WriteFrame(Span<byte> frame, ReadOnlySpan<byte> sourceMac, PtpMessage message, ulong requestingClock = 0)
    {
        int eth = FrameBuilder.WriteEthernet(frame, s_multicast, sourceMac, EtherType);
        int length = message.Type == PtpMessageType.DelayResp ? 54 : 44;
        Span<byte> p = frame.Slice(eth, length);
        p.Clear();
        p[0] = (byte)message.Type;                      // transportSpecific 0 | messageType
        p[1] = 0x02;                                    // versionPTP 2
        BinaryPrimitives.WriteUInt16BigEndian(p[2..], (ushort)length);
        p[4] = message.Domain;
        if (message.Type == PtpMessageType.Sync)
        {
            p[6] = 0x02;                                // twoStepFlag: the precise time follows in a Follow_Up
        }

        BinaryPrimitives.WriteInt64BigEndian(p[8..], (long)Math.Round(message.CorrectionNs * 65536.0));
        BinaryPrimitives.WriteUInt64BigEndian(p[20..], message.SourceClock);
        BinaryPrimitives.WriteUInt16BigEndian(p[28..], 1); // port number
        BinaryPrimitives.WriteUInt16BigEndian(p[30..], message.SequenceId);
        p[32] = message.Type switch
        {
            PtpMessageType.Sync => 0,
            PtpMessageType.DelayReq => 1,
            PtpMessageType.FollowUp => 2,
            _ => 3,
        };
        p[33] = message.Type == PtpMessageType.DelayReq ? (byte)0x7F : unchecked((byte)(sbyte)-4);
        WriteTimestamp(p[34..], message.Timestamp);
        if (message.Type == PtpMessageType.DelayResp)
        {
            BinaryPrimitives.WriteUInt64BigEndian(p[44..], requestingClock);
            BinaryPrimitives.WriteUInt16BigEndian(p[52..], 1);
        }

        int total = eth + length;
        if (total < 60)
        {
            frame[total..60].Clear();
            total = 60;
        }

        return total;
    }

    /// <summary>Decodes the PTP message of an Ethernet frame.</summary>
    /// <param name="frame">The frame.</param>
    /// <returns>The message.</returns>
    /// <exception cref="FormatException">The frame is not a PTPv2 Sync, Follow_Up, Delay_Req or Delay_Resp message; the message says which field is wrong.</exception>
    public static PtpMessage ReadFrame(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 14 + 44 || BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) != EtherType)
        {
            throw new FormatException($"not a PTP frame: {frame.Length} bytes, EtherType 0x{(frame.Length >= 14 ? BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) : 0):X4} (expected 0x88F7 and at least 58 bytes).");
        }

        ReadOnlySpan<byte> p = frame[14..];
        if ((p[1] & 0x0F) != 2)
        {
            throw new FormatException($"PTP versionPTP is {p[1] & 0x0F}, expected 2.");
        }

        PtpMessageType type = (PtpMessageType)(p[0] & 0x0F);
        int length = BinaryPrimitives.ReadUInt16BigEndian(p[2..]);
        int expected = type == PtpMessageType.DelayResp ? 54 : 44;
        if (type is not (PtpMessageType.Sync or PtpMessageType.DelayReq or PtpMessageType.FollowUp or PtpMessageType.DelayResp) || length != expected || p.Length < length)
        {
            throw new FormatException($"PTP messageType 0x{(int)type:X} with messageLength {length} is not a Sync (44), Delay_Req (44), Follow_Up (44) or Delay_Resp (54) message.");
        }

        return new PtpMessage(
            type,
            p[4],
            BinaryPrimitives.ReadUInt16BigEndian(p[30..]),
            BinaryPrimitives.ReadUInt64BigEndian(p[20..]),
            ReadTimestamp(p[34..]),
            BinaryPrimitives.ReadInt64BigEndian(p[8..]) / 65536.0);
    }

    private static void WriteTimestamp(Span<byte> dst, long ns)
    {
        long seconds = ns / 1_000_000_000L;
        uint nanos = (uint)(ns % 1_000_000_000L);
        dst[0] = (byte)(seconds >> 40);
        dst[1] = (byte)(seconds >> 32);
        BinaryPrimitives.WriteUInt32BigEndian(dst[2..], (uint)seconds);
        BinaryPrimitives.WriteUInt32BigEndian(dst[6..], nanos);
    }

    private static long ReadTimestamp(ReadOnlySpan<byte> src)
    {
        long seconds = ((long)src[0] << 40) | ((long)src[1] << 32) | BinaryPrimitives.ReadUInt32BigEndian(src[2..]);
        uint nanos = BinaryPrimitives.ReadUInt32BigEndian(src[6..]);
        if (nanos >= 1_000_000_000)
        {
            throw new FormatException($"PTP timestamp nanosecondsField {nanos} is not below 10^9.");
        }

        return (seconds * 1_000_000_000L) + nanos;
    }
}
