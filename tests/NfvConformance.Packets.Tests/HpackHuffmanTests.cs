// Licensed under the Apache License, Version 2.0.
using System.Text;

namespace NfvConformance.Packets.Tests;

public sealed class HpackHuffmanTests
{
    [Test]
    public void Encode_Rfc7541ExampleC41_GivesThePublishedOctets()
    {
        // RFC 7541 C.4.1: "www.example.com" Huffman-encodes to f1e3 c2e5 f23a 6ba0 ab90 f4ff.
        byte[] raw = Encoding.ASCII.GetBytes("www.example.com");
        byte[] coded = new byte[HpackHuffman.EncodedLength(raw)];

        int n = HpackHuffman.Encode(raw, coded);

        Assert.That(Convert.ToHexString(coded, 0, n), Is.EqualTo("F1E3C2E5F23A6BA0AB90F4FF"));
    }

    [TestCase("no-cache")]
    [TestCase("custom-key")]
    [TestCase("Mon, 21 Oct 2013 20:13:21 GMT")]
    [TestCase("https://www.example.com")]
    public void Decode_WhatEncodeWrote_GivesTheTextBack(string text)
    {
        byte[] raw = Encoding.ASCII.GetBytes(text);
        byte[] coded = new byte[HpackHuffman.EncodedLength(raw)];
        int n = HpackHuffman.Encode(raw, coded);
        List<byte> back = [];

        Assert.That(HpackHuffman.Decode(coded.AsSpan(0, n), back), Is.Null);
        Assert.That(Encoding.ASCII.GetString([.. back]), Is.EqualTo(text));
    }

    [Test]
    public void Decode_PaddingOfZeros_IsRejected()
    {
        // '0' is 00000 (5 bits); padding with 000 instead of EOS's 111 is an error (RFC 7541 section 5.2).
        Assert.That(HpackHuffman.Decode([0x00], []), Is.EqualTo("Huffman padding that is not the EOS prefix"));
    }
}
