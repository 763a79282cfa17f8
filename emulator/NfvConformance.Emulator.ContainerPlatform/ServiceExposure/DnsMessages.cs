// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Net;
using System.Text;
using NfvConformance.Abstractions.ServiceExposure;

namespace NfvConformance.Emulator.ContainerPlatform.ServiceExposure;

/// <summary>DNS messages in RFC 1035 wire format: a query as a resolver sends it, a response as the cluster DNS answers it, and the decoding of both.</summary>
internal static class DnsMessages
{
    private const ushort ClassIn = 1;

    /// <summary>Encodes a standard query with recursion desired.</summary>
    /// <param name="id">The message id.</param>
    /// <param name="name">The name asked.</param>
    /// <param name="type">The type asked.</param>
    /// <returns>The message.</returns>
    public static byte[] Query(ushort id, string name, DnsRecordType type)
    {
        List<byte> m = [];
        Header(m, id, 0x0100, 1, 0);
        WriteName(m, name);
        U16(m, (ushort)type);
        U16(m, ClassIn);
        return [.. m];
    }

    /// <summary>Decodes the question of a query.</summary>
    /// <param name="message">The query.</param>
    /// <returns>The id, the name and the type.</returns>
    /// <exception cref="FormatException">The message is malformed.</exception>
    public static (ushort Id, string Name, DnsRecordType Type) ReadQuestion(byte[] message)
    {
        if (message.Length < 12 || BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(4)) != 1)
        {
            throw new FormatException("a DNS query must hold a 12-byte header and exactly one question.");
        }

        int offset = 12;
        string name = ReadName(message, ref offset);
        var type = (DnsRecordType)BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(offset));
        return (BinaryPrimitives.ReadUInt16BigEndian(message), name, type);
    }

    /// <summary>Encodes an authoritative response to a query.</summary>
    /// <param name="query">The query it answers (its id and question are copied).</param>
    /// <param name="rcode">The response code.</param>
    /// <param name="answers">The answer records.</param>
    /// <returns>The message.</returns>
    public static byte[] Response(byte[] query, int rcode, IReadOnlyList<DnsRecord> answers)
    {
        (ushort id, string qname, DnsRecordType qtype) = ReadQuestion(query);
        List<byte> m = [];
        Header(m, id, (ushort)(0x8000 | 0x0400 | 0x0100 | 0x0080 | (rcode & 0xF)), 1, (ushort)answers.Count);
        WriteName(m, qname);
        U16(m, (ushort)qtype);
        U16(m, ClassIn);
        foreach (DnsRecord r in answers)
        {
            if (r.Name.Equals(qname, StringComparison.OrdinalIgnoreCase))
            {
                U16(m, 0xC00C); // a pointer to the question's name
            }
            else
            {
                WriteName(m, r.Name);
            }

            U16(m, (ushort)r.Type);
            U16(m, ClassIn);
            U16(m, (ushort)(r.Ttl >> 16));
            U16(m, (ushort)r.Ttl);
            byte[] data = r.Type switch
            {
                DnsRecordType.Cname => NameBytes(r.Data),
                _ => IPAddress.Parse(r.Data).GetAddressBytes(),
            };
            U16(m, (ushort)data.Length);
            m.AddRange(data);
        }

        return [.. m];
    }

    /// <summary>Decodes a response.</summary>
    /// <param name="message">The response.</param>
    /// <returns>The question name, the RCODE and the answers.</returns>
    /// <exception cref="FormatException">The message is malformed or not a response.</exception>
    public static DnsAnswer ReadResponse(byte[] message)
    {
        if (message.Length < 12 || (message[2] & 0x80) == 0)
        {
            throw new FormatException("not a DNS response (QR bit clear or shorter than a header).");
        }

        int rcode = message[3] & 0xF;
        int questions = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(4));
        int answers = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(6));
        int offset = 12;
        string question = string.Empty;
        for (int i = 0; i < questions; i++)
        {
            question = ReadName(message, ref offset);
            offset += 4;
        }

        List<DnsRecord> records = [];
        for (int i = 0; i < answers; i++)
        {
            string owner = ReadName(message, ref offset);
            var type = (DnsRecordType)BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(offset));
            int ttl = BinaryPrimitives.ReadInt32BigEndian(message.AsSpan(offset + 4));
            int length = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(offset + 8));
            offset += 10;
            string data = type switch
            {
                DnsRecordType.Cname => ReadNameAt(message, offset),
                DnsRecordType.A or DnsRecordType.Aaaa => new IPAddress(message.AsSpan(offset, length)).ToString(),
                _ => Convert.ToHexString(message, offset, length),
            };
            offset += length;
            records.Add(new DnsRecord(owner, type, ttl, data));
        }

        return new DnsAnswer(question, rcode, records, message);
    }

    private static string ReadNameAt(byte[] message, int offset) => ReadName(message, ref offset);

    private static string ReadName(byte[] message, ref int offset)
    {
        StringBuilder name = new();
        int position = offset;
        bool jumped = false;
        for (int guard = 0; guard < 128; guard++)
        {
            int length = message[position];
            if (length == 0)
            {
                if (!jumped)
                {
                    offset = position + 1;
                }

                return name.ToString();
            }

            if ((length & 0xC0) == 0xC0)
            {
                if (!jumped)
                {
                    offset = position + 2;
                }

                position = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(position)) & 0x3FFF;
                jumped = true;
                continue;
            }

            if (name.Length > 0)
            {
                name.Append('.');
            }

            name.Append(Encoding.ASCII.GetString(message, position + 1, length));
            position += 1 + length;
        }

        throw new FormatException("DNS name has too many labels or a pointer loop.");
    }

    private static byte[] NameBytes(string name)
    {
        List<byte> b = [];
        WriteName(b, name);
        return [.. b];
    }

    private static void WriteName(List<byte> m, string name)
    {
        foreach (string label in name.TrimEnd('.').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            if (label.Length > 63)
            {
                throw new FormatException($"DNS label '{label}' is longer than 63 octets.");
            }

            m.Add((byte)label.Length);
            m.AddRange(Encoding.ASCII.GetBytes(label));
        }

        m.Add(0);
    }

    private static void Header(List<byte> m, ushort id, ushort flags, ushort questions, ushort answers)
    {
        U16(m, id);
        U16(m, flags);
        U16(m, questions);
        U16(m, answers);
        U16(m, 0);
        U16(m, 0);
    }

    private static void U16(List<byte> m, ushort v)
    {
        m.Add((byte)(v >> 8));
        m.Add((byte)v);
    }
}
