// Licensed under the Apache License, Version 2.0.
using System.Runtime.InteropServices;
using System.Text;
using NfvConformance.Packets;

namespace NfvConformance.Emulator.LoadBalancing.Protocols;

/// <summary>
/// An HPACK decoder (RFC 7541) for one connection's request direction: integer and string literals, the Huffman code of
/// appendix B, the static table of appendix A and the dynamic table with its size updates and evictions.
/// </summary>
internal sealed class HpackDecoder
{
    private static readonly (string Name, string Value)[] StaticTable =
    [
        (":authority", ""), (":method", "GET"), (":method", "POST"), (":path", "/"), (":path", "/index.html"),
        (":scheme", "http"), (":scheme", "https"), (":status", "200"), (":status", "204"), (":status", "206"),
        (":status", "304"), (":status", "400"), (":status", "404"), (":status", "500"), ("accept-charset", ""),
        ("accept-encoding", "gzip, deflate"), ("accept-language", ""), ("accept-ranges", ""), ("accept", ""),
        ("access-control-allow-origin", ""), ("age", ""), ("allow", ""), ("authorization", ""), ("cache-control", ""),
        ("content-disposition", ""), ("content-encoding", ""), ("content-language", ""), ("content-length", ""),
        ("content-location", ""), ("content-range", ""), ("content-type", ""), ("cookie", ""), ("date", ""),
        ("etag", ""), ("expect", ""), ("expires", ""), ("from", ""), ("host", ""), ("if-match", ""),
        ("if-modified-since", ""), ("if-none-match", ""), ("if-range", ""), ("if-unmodified-since", ""),
        ("last-modified", ""), ("link", ""), ("location", ""), ("max-forwards", ""), ("proxy-authenticate", ""),
        ("proxy-authorization", ""), ("range", ""), ("referer", ""), ("refresh", ""), ("retry-after", ""),
        ("server", ""), ("set-cookie", ""), ("strict-transport-security", ""), ("transfer-encoding", ""),
        ("user-agent", ""), ("vary", ""), ("via", ""), ("www-authenticate", ""),
    ];

    private readonly LinkedList<(string Name, string Value)> _dynamic = new();
    private readonly int _protocolMaxSize;
    private int _maxSize;
    private int _size;

    /// <summary>Creates a decoder.</summary>
    /// <param name="maxTableSize">SETTINGS_HEADER_TABLE_SIZE (4096 by default).</param>
    public HpackDecoder(int maxTableSize = 4096)
    {
        _protocolMaxSize = maxTableSize;
        _maxSize = maxTableSize;
    }

    /// <summary>Gets the dynamic table size in octets (RFC 7541 section 4.1).</summary>
    public int DynamicTableSize => _size;

    /// <summary>Gets the number of entries in the dynamic table.</summary>
    public int DynamicTableCount => _dynamic.Count;

    /// <summary>Decodes one header block.</summary>
    /// <param name="block">The header block fragment(s), concatenated.</param>
    /// <returns>The header fields in order.</returns>
    /// <exception cref="FormatException">The block is malformed (a COMPRESSION_ERROR).</exception>
    public IReadOnlyList<(string Name, string Value)> Decode(ReadOnlySpan<byte> block)
    {
        List<(string, string)> fields = [];
        int p = 0;
        while (p < block.Length)
        {
            byte b = block[p];
            if ((b & 0x80) != 0)
            {
                int index = ReadInteger(block, ref p, 7);
                fields.Add(Lookup(index));
            }
            else if ((b & 0x40) != 0)
            {
                int index = ReadInteger(block, ref p, 6);
                string name = index == 0 ? ReadString(block, ref p) : Lookup(index).Name;
                string value = ReadString(block, ref p);
                fields.Add((name, value));
                Insert(name, value);
            }
            else if ((b & 0x20) != 0)
            {
                int size = ReadInteger(block, ref p, 5);
                if (size > _protocolMaxSize)
                {
                    throw new FormatException($"HPACK: table size update to {size} exceeds the settings' {_protocolMaxSize}.");
                }

                _maxSize = size;
                Evict(0);
            }
            else
            {
                int index = ReadInteger(block, ref p, 4);
                string name = index == 0 ? ReadString(block, ref p) : Lookup(index).Name;
                fields.Add((name, ReadString(block, ref p)));
            }
        }

        return fields;
    }

    /// <summary>Decodes a Huffman-coded string (RFC 7541 section 5.2 and appendix B).</summary>
    /// <param name="data">The coded octets.</param>
    /// <returns>The string.</returns>
    /// <exception cref="FormatException">An EOS symbol, or padding longer than 7 bits or not all ones.</exception>
    public static string DecodeHuffman(ReadOnlySpan<byte> data)
    {
        List<byte> octets = new(data.Length * 2);
        string? error = HpackHuffman.Decode(data, octets);
        if (error is not null)
        {
            throw new FormatException($"HPACK: {error}.");
        }

        return Encoding.Latin1.GetString(CollectionsMarshal.AsSpan(octets));
    }

    private static int ReadInteger(ReadOnlySpan<byte> block, ref int p, int prefixBits)
    {
        int max = (1 << prefixBits) - 1;
        int value = block[p++] & max;
        if (value < max)
        {
            return value;
        }

        int shift = 0;
        while (true)
        {
            if (p >= block.Length || shift > 28)
            {
                throw new FormatException("HPACK: integer truncated or too large.");
            }

            byte b = block[p++];
            value += (b & 0x7F) << shift;
            shift += 7;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
    }

    private static string ReadString(ReadOnlySpan<byte> block, ref int p)
    {
        if (p >= block.Length)
        {
            throw new FormatException("HPACK: string literal missing.");
        }

        bool huffman = (block[p] & 0x80) != 0;
        int length = ReadInteger(block, ref p, 7);
        if (p + length > block.Length)
        {
            throw new FormatException("HPACK: string literal runs past the block.");
        }

        ReadOnlySpan<byte> raw = block.Slice(p, length);
        p += length;
        return huffman ? DecodeHuffman(raw) : Encoding.Latin1.GetString(raw);
    }

    private (string Name, string Value) Lookup(int index)
    {
        if (index >= 1 && index <= StaticTable.Length)
        {
            return StaticTable[index - 1];
        }

        int d = index - StaticTable.Length - 1;
        if (index == 0 || d >= _dynamic.Count)
        {
            throw new FormatException($"HPACK: index {index} is not in the static table or the {_dynamic.Count}-entry dynamic table.");
        }

        return _dynamic.ElementAt(d);
    }

    private void Insert(string name, string value)
    {
        int entry = name.Length + value.Length + 32;
        Evict(entry);
        if (entry <= _maxSize)
        {
            _dynamic.AddFirst((name, value));
            _size += entry;
        }
    }

    private void Evict(int room)
    {
        while (_dynamic.Count > 0 && _size + room > _maxSize)
        {
            (string n, string v) = _dynamic.Last!.Value;
            _dynamic.RemoveLast();
            _size -= n.Length + v.Length + 32;
        }
    }
}
