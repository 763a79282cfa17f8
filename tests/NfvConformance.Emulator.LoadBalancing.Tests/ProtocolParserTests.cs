// Licensed under the Apache License, Version 2.0.
using System.Text;
using NfvConformance.Emulator.LoadBalancing.Protocols;
using NfvConformance.Packets;

namespace NfvConformance.Emulator.LoadBalancing.Tests;

public sealed class ProtocolParserTests
{
    [Test]
    public void Crc32cHasTheCheckValueOfRfc3720() =>
        Assert.That(Crc32c.Compute("123456789"u8), Is.EqualTo(0xE3069283u));

    [Test]
    public void HpackDecodesRfc7541AppendixC4WithHuffmanAndTheDynamicTable()
    {
        HpackDecoder d = new();
        var first = d.Decode(Convert.FromHexString("828684418cf1e3c2e5f23a6ba0ab90f4ff"));
        Assert.That(first, Is.EqualTo(new[] { (":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "www.example.com") }));
        Assert.That(d.DynamicTableSize, Is.EqualTo(57));
        var second = d.Decode(Convert.FromHexString("828684be5886a8eb10649cbf"));
        Assert.That(second[3], Is.EqualTo((":authority", "www.example.com")));
        Assert.That(second[4], Is.EqualTo(("cache-control", "no-cache")));
        Assert.That(d.DynamicTableSize, Is.EqualTo(110));
        var third = d.Decode(Convert.FromHexString("828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf"));
        Assert.That(third, Is.EqualTo(new[] { (":method", "GET"), (":scheme", "https"), (":path", "/index.html"), (":authority", "www.example.com"), ("custom-key", "custom-value") }));
        Assert.That(d.DynamicTableSize, Is.EqualTo(164));
    }

    [Test]
    public void HpackDecodesRfc7541AppendixC3WithoutHuffman()
    {
        HpackDecoder d = new();
        var first = d.Decode(Convert.FromHexString("828684410f7777772e6578616d706c652e636f6d"));
        Assert.That(first[3], Is.EqualTo((":authority", "www.example.com")));
        Assert.That(d.DynamicTableCount, Is.EqualTo(1));
    }

    [Test]
    public void HpackRejectsAnIndexOutsideBothTables() =>
        Assert.That(() => new HpackDecoder().Decode([0xBE]), Throws.TypeOf<FormatException>().With.Message.Contains("index 62"));

    [Test]
    public void HuffmanRejectsPaddingThatIsNotAllOnes() =>
        Assert.That(() => HpackDecoder.DecodeHuffman([0x18]), Throws.TypeOf<FormatException>());

    [Test]
    public void HttpHeadNeedsAHost()
    {
        Assert.That(HttpRequestHead.TryParse("GET / HTTP/1.1\r\n\r\n"u8, out _), Is.EqualTo("http_missing_host"));
        Assert.That(HttpRequestHead.TryParse("GET /a HTTP/1.1\r\nHost: x.example:8080\r\n"u8, out _), Is.EqualTo("incomplete"));
        Assert.That(HttpRequestHead.TryParse("GET /a HTTP/1.1\r\nHost: x.example:8080\r\n\r\n"u8, out HttpRequestHead? h), Is.Null);
        Assert.That(h!.Host, Is.EqualTo("x.example"));
    }

    [Test]
    public void QuicShortHeaderNeedsTheFixedBit() =>
        Assert.That(QuicHeader.TryParse(new byte[20], 8, out _), Is.EqualTo("quic_fixed_bit_clear"));

    [Test]
    public void MptcpTokenIsTheTopOfSha256OfTheKey()
    {
        byte[] hash = System.Security.Cryptography.SHA256.HashData(Convert.FromHexString("0102030405060708"));
        Assert.That(MptcpOption.Token(0x0102030405060708), Is.EqualTo(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(hash)));
    }

    [Test]
    public void SctpChecksumCatchesACorruptedByte()
    {
        byte[] packet = SctpPacket.Build(1, 2, 0, [new SctpChunk(SctpPacket.Init, 0, SctpPacket.InitValue(5, 6, [], null))]);
        Assert.That(SctpPacket.TryParse(packet, out SctpPacket? ok), Is.Null);
        Assert.That(ok!.ChecksumValid, Is.True);
        packet[20] ^= 1;
        SctpPacket.TryParse(packet, out SctpPacket? bad);
        Assert.That(bad!.ChecksumValid, Is.False);
    }

    [Test]
    public void Http2ReaderRejectsAMissingPreface() =>
        Assert.That(() => new Http2ConnectionReader().Feed(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n")), Throws.TypeOf<FormatException>().With.Message.Contains("preface"));
}
