// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;

namespace NfvConformance.Packets;

/// <summary>A read-write view of an Ethernet header over a span (no copy, no allocation).</summary>
public readonly ref struct EthernetView
{
    private readonly Span<byte> _data;

    /// <summary>Creates a view; the span must hold at least <see cref="EthernetFields.HeaderLength"/> bytes.</summary>
    /// <param name="data">The frame.</param>
    public EthernetView(Span<byte> data) => _data = data[..EthernetFields.HeaderLength];

    /// <summary>Gets the destination MAC.</summary>
    public Span<byte> Destination => _data.Slice(EthernetFields.DestinationPosition, EthernetFields.MacLength);

    /// <summary>Gets the source MAC.</summary>
    public Span<byte> Source => _data.Slice(EthernetFields.SourcePosition, EthernetFields.MacLength);

    /// <summary>Gets or sets the EtherType.</summary>
    public ushort EtherType
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_data[EthernetFields.TypePosition..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_data[EthernetFields.TypePosition..], value);
    }
}

/// <summary>A read-write view of an IPv4 header over a span; the parser has checked its lengths.</summary>
public readonly ref struct Ipv4View
{
    private readonly Span<byte> _data;

    /// <summary>Creates a view; the span must hold at least the header.</summary>
    /// <param name="data">The IPv4 packet.</param>
    public Ipv4View(Span<byte> data) => _data = data;

    /// <summary>Gets the header length in bytes.</summary>
    public int HeaderLength => (_data[Ipv4Fields.VersionIhlPosition] & 0x0F) * 4;

    /// <summary>Gets the total length.</summary>
    public ushort TotalLength => BinaryPrimitives.ReadUInt16BigEndian(_data[Ipv4Fields.TotalLengthPosition..]);

    /// <summary>Gets the time to live.</summary>
    public byte Ttl => _data[Ipv4Fields.TtlPosition];

    /// <summary>Gets the protocol.</summary>
    public byte Protocol => _data[Ipv4Fields.ProtocolPosition];

    /// <summary>Gets or sets the header checksum as stored.</summary>
    public ushort Checksum
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_data[Ipv4Fields.ChecksumPosition..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_data[Ipv4Fields.ChecksumPosition..], value);
    }

    /// <summary>Gets the source address.</summary>
    public uint Source => BinaryPrimitives.ReadUInt32BigEndian(_data[Ipv4Fields.SourcePosition..]);

    /// <summary>Gets the destination address.</summary>
    public uint Destination => BinaryPrimitives.ReadUInt32BigEndian(_data[Ipv4Fields.DestinationPosition..]);

    /// <summary>Gets a value indicating whether the stored header checksum is right.</summary>
    public bool IsChecksumValid => InternetChecksum.Compute(_data[..HeaderLength]) == 0;

    /// <summary>Decrements the TTL and updates the checksum incrementally (RFC 1624), as a router does.</summary>
    public void DecrementTtl()
    {
        ushort oldWord = BinaryPrimitives.ReadUInt16BigEndian(_data[Ipv4Fields.TtlPosition..]);
        _data[Ipv4Fields.TtlPosition]--;
        ushort newWord = BinaryPrimitives.ReadUInt16BigEndian(_data[Ipv4Fields.TtlPosition..]);
        Checksum = InternetChecksum.Update(Checksum, oldWord, newWord);
    }

    /// <summary>Rewrites the source address, updating the header checksum incrementally.</summary>
    /// <param name="address">The new source.</param>
    public void SetSource(uint address)
    {
        Checksum = InternetChecksum.Update(Checksum, Source, address);
        BinaryPrimitives.WriteUInt32BigEndian(_data[Ipv4Fields.SourcePosition..], address);
    }

    /// <summary>Rewrites the destination address, updating the header checksum incrementally.</summary>
    /// <param name="address">The new destination.</param>
    public void SetDestination(uint address)
    {
        Checksum = InternetChecksum.Update(Checksum, Destination, address);
        BinaryPrimitives.WriteUInt32BigEndian(_data[Ipv4Fields.DestinationPosition..], address);
    }

    /// <summary>Recomputes the header checksum from scratch.</summary>
    public void UpdateChecksum()
    {
        Checksum = 0;
        Checksum = InternetChecksum.Compute(_data[..HeaderLength]);
    }
}

/// <summary>A read-write view of an NSH header over a span; the parser has checked its length.</summary>
public readonly ref struct NshView
{
    private readonly Span<byte> _data;

    /// <summary>Creates a view.</summary>
    /// <param name="data">The NSH header and what follows.</param>
    public NshView(Span<byte> data) => _data = data;

    /// <summary>Gets or sets the 24-bit service path identifier.</summary>
    public uint ServicePathId
    {
        get => BinaryPrimitives.ReadUInt32BigEndian(_data[NshFields.ServicePathPosition..]) >> 8;
        set => BinaryPrimitives.WriteUInt32BigEndian(_data[NshFields.ServicePathPosition..], (value << 8) | ServiceIndex);
    }

    /// <summary>Gets or sets the service index.</summary>
    public byte ServiceIndex
    {
        get => _data[NshFields.ServicePathPosition + 3];
        set => _data[NshFields.ServicePathPosition + 3] = value;
    }

    /// <summary>Gets the 6-bit TTL.</summary>
    public int Ttl => (BinaryPrimitives.ReadUInt16BigEndian(_data) >> 6) & 0x3F;

    /// <summary>Gets the header length in bytes.</summary>
    public int Length => (BinaryPrimitives.ReadUInt16BigEndian(_data) & 0x3F) * 4;

    /// <summary>Gets the next protocol.</summary>
    public byte NextProtocol => _data[NshFields.NextProtocolPosition];
}
