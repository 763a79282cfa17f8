// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Emulator.Dataplane.Pcap;

/// <summary>One captured frame.</summary>
/// <param name="Timestamp">Capture time since the Unix epoch.</param>
/// <param name="Data">The captured bytes.</param>
/// <param name="OriginalLength">The frame's length on the wire (at least Data.Length).</param>
internal sealed record PcapRecord(TimeSpan Timestamp, byte[] Data, int OriginalLength);

/// <summary>
/// The classic libpcap file format (pcap-savefile(5)): a 24-byte global header, then per frame a 16-byte record
/// header and the bytes. Writes microsecond little-endian files with LINKTYPE_ETHERNET; reads either byte order
/// and microsecond or nanosecond resolution. Control path only.
/// </summary>
internal static class PcapFile
{
    public const uint MagicMicroseconds = 0xA1B2C3D4;
    public const uint MagicNanoseconds = 0xA1B23C4D;
    public const uint LinkTypeEthernet = 1;
    private const int GlobalHeaderLength = 24;
    private const int RecordHeaderLength = 16;
    private const int MaxSnapLength = 262144;

    public static void Write(Stream stream, IEnumerable<PcapRecord> records)
    {
        Span<byte> header = stackalloc byte[GlobalHeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(header, MagicMicroseconds);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 65535);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], LinkTypeEthernet);
        stream.Write(header);
        Span<byte> rec = stackalloc byte[RecordHeaderLength];
        foreach (PcapRecord r in records)
        {
            long micros = r.Timestamp.Ticks / 10;
            BinaryPrimitives.WriteUInt32LittleEndian(rec, (uint)(micros / 1_000_000));
            BinaryPrimitives.WriteUInt32LittleEndian(rec[4..], (uint)(micros % 1_000_000));
            BinaryPrimitives.WriteUInt32LittleEndian(rec[8..], (uint)r.Data.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(rec[12..], (uint)Math.Max(r.OriginalLength, r.Data.Length));
            stream.Write(rec);
            stream.Write(r.Data);
        }
    }

    public static void Write(string path, IEnumerable<PcapRecord> records)
    {
        using FileStream fs = File.Create(path);
        Write(fs, records);
    }

    /// <exception cref="ConfigurationException">The file is not a pcap file or is cut short; the message names the file, the record and the byte offset.</exception>
    public static IReadOnlyList<PcapRecord> Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        return Read(bytes, path);
    }

    /// <exception cref="ConfigurationException">The bytes are not a pcap file or are cut short.</exception>
    public static IReadOnlyList<PcapRecord> Read(ReadOnlySpan<byte> bytes, string source)
    {
        if (bytes.Length < GlobalHeaderLength)
        {
            ThrowHelper.ThrowConfiguration($"{source}: {bytes.Length} bytes is shorter than a pcap global header (24); give a libpcap (.pcap) file, not pcapng.");
        }

        uint magicLe = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        uint magicBe = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        bool bigEndian;
        bool nanos;
        if (magicLe is MagicMicroseconds or MagicNanoseconds)
        {
            bigEndian = false;
            nanos = magicLe == MagicNanoseconds;
        }
        else if (magicBe is MagicMicroseconds or MagicNanoseconds)
        {
            bigEndian = true;
            nanos = magicBe == MagicNanoseconds;
        }
        else
        {
            ThrowHelper.ThrowConfiguration($"{source}: magic 0x{magicLe:X8} at offset 0 is not a pcap file (pcapng is not supported; convert with 'editcap -F pcap').");
            return [];
        }

        uint linkType = Read32(bytes[20..], bigEndian);
        if (linkType != LinkTypeEthernet)
        {
            ThrowHelper.ThrowConfiguration($"{source}: link type {linkType} at offset 20 is not Ethernet (1); capture on an Ethernet interface.");
        }

        List<PcapRecord> records = [];
        int offset = GlobalHeaderLength;
        while (offset < bytes.Length)
        {
            int number = records.Count + 1;
            if (bytes.Length - offset < RecordHeaderLength)
            {
                ThrowHelper.ThrowConfiguration($"{source}: record {number} at offset {offset} has a truncated header ({bytes.Length - offset} of 16 bytes); the file was cut short.");
            }

            ReadOnlySpan<byte> h = bytes[offset..];
            uint seconds = Read32(h, bigEndian);
            uint fraction = Read32(h[4..], bigEndian);
            uint included = Read32(h[8..], bigEndian);
            uint original = Read32(h[12..], bigEndian);
            if (included > MaxSnapLength || included > bytes.Length - offset - RecordHeaderLength)
            {
                ThrowHelper.ThrowConfiguration($"{source}: record {number} at offset {offset} claims {included} captured bytes but {bytes.Length - offset - RecordHeaderLength} remain; the file is cut short or corrupt.");
            }

            long ticks = (seconds * TimeSpan.TicksPerSecond) + (nanos ? fraction / 100 : fraction * 10L);
            byte[] data = bytes.Slice(offset + RecordHeaderLength, (int)included).ToArray();
            records.Add(new PcapRecord(TimeSpan.FromTicks(ticks), data, (int)Math.Max(original, included)));
            offset += RecordHeaderLength + (int)included;
        }

        return records;
    }

    private static uint Read32(ReadOnlySpan<byte> b, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);
}
