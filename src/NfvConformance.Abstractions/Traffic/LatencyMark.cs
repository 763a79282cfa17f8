// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace NfvConformance.Abstractions.Traffic;

/// <summary>
/// The 16-byte latency mark carried in the last bytes of a frame's payload, laid out as TRex's
/// <c>flow_stat_payload_header</c>: magic <c>0xAB</c> (u8), flow sequence (u8), stream id (u16), sequence
/// number (u32), transmit timestamp in nanoseconds (u64); integers little-endian as TRex writes them on x86.
/// </summary>
/// <param name="FlowSequence">Bumped when a stream is restarted, so late packets of an earlier run are told apart.</param>
/// <param name="StreamId">The latency stream (TRex pg_id).</param>
/// <param name="Sequence">The packet's sequence number within the stream.</param>
/// <param name="TimestampNs">When the packet left the generator, in nanoseconds of the generator's clock.</param>
public readonly record struct LatencyMark(byte FlowSequence, ushort StreamId, uint Sequence, ulong TimestampNs)
{
    /// <summary>The encoded size in bytes.</summary>
    public const int Size = 16;

    /// <summary>The first byte of every mark.</summary>
    public const byte Magic = 0xAB;

    /// <summary>Writes the mark into the first 16 bytes of <paramref name="destination"/>.</summary>
    /// <param name="destination">At least 16 bytes.</param>
    /// <returns>False when the span is too short (nothing is written).</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryWrite(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            return false;
        }

        destination[0] = Magic;
        destination[1] = FlowSequence;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], StreamId);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], Sequence);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], TimestampNs);
        return true;
    }

    /// <summary>Writes the mark into the last 16 bytes of a frame (without FCS).</summary>
    /// <param name="frame">The frame bytes.</param>
    /// <returns>False when the frame is shorter than 16 bytes.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryWriteTrailer(Span<byte> frame) => frame.Length >= Size && TryWrite(frame[^Size..]);

    /// <summary>Reads a mark from the first 16 bytes of <paramref name="source"/>.</summary>
    /// <param name="source">The bytes.</param>
    /// <param name="mark">The mark read.</param>
    /// <returns>False when the span is too short or does not start with the magic byte.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryRead(ReadOnlySpan<byte> source, out LatencyMark mark)
    {
        if (source.Length < Size || source[0] != Magic)
        {
            mark = default;
            return false;
        }

        mark = new LatencyMark(
            source[1],
            BinaryPrimitives.ReadUInt16LittleEndian(source[2..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[4..]),
            BinaryPrimitives.ReadUInt64LittleEndian(source[8..]));
        return true;
    }

    /// <summary>Reads the mark from the last 16 bytes of a frame (without FCS).</summary>
    /// <param name="frame">The frame bytes.</param>
    /// <param name="mark">The mark read.</param>
    /// <returns>False when the frame is too short or carries no mark.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryReadTrailer(ReadOnlySpan<byte> frame, out LatencyMark mark)
    {
        if (frame.Length < Size)
        {
            mark = default;
            return false;
        }

        return TryRead(frame[^Size..], out mark);
    }
}
