// Licensed under the Apache License, Version 2.0.
using System.Net;
using NfvConformance.Packets;

namespace NfvConformance.Emulator.Dataplane.Tests.Protocols;

public sealed class PacketParserTests
{
    private static IEnumerable<TestCaseData> Golden() => GoldenFrames.All().Select(f => new TestCaseData(f).SetName($"Parse_Golden_{f.Name}_MatchesExpectedFields"));

    private static IEnumerable<TestCaseData> Malformed() => GoldenFrames.Malformed().Select(m => new TestCaseData(m.Bytes, m.Expected).SetName($"Parse_Malformed_{m.Name}_Returns{m.Expected}"));

    [TestCaseSource(nameof(Golden))]
    public void Parse_Golden(GoldenFrame frame)
    {
        ParseResult result = PacketParser.Parse(frame.Bytes, out ParsedPacket p);

        Assert.That(result, Is.EqualTo(ParseResult.Ok));
        Assert.That(p.EtherType, Is.EqualTo(frame.EtherType));
        Assert.That(p.VlanId, Is.EqualTo(frame.VlanId));
        Assert.That(p.IpProtocol, Is.EqualTo(frame.Protocol));
        Assert.That(p.SourcePort, Is.EqualTo(frame.SourcePort));
        Assert.That(p.DestinationPort, Is.EqualTo(frame.DestinationPort));
        Assert.That(p.Vni, Is.EqualTo(frame.Vni));
        Assert.That(p.ServicePathId, Is.EqualTo(frame.ServicePathId));
        Assert.That(p.ServiceIndex, Is.EqualTo(frame.ServiceIndex));
        if (frame.EtherType == EthernetFields.TypeIpv4)
        {
            Assert.That(p.SourceIpv4, Is.EqualTo(GoldenFrames.Ip(frame.Source!)));
            Assert.That(p.DestinationIpv4, Is.EqualTo(GoldenFrames.Ip(frame.Destination!)));
            Assert.That(new Ipv4View(frame.Bytes.AsSpan(p.L3Offset)).IsChecksumValid, Is.True);
        }

        if (frame.EtherType == EthernetFields.TypeIpv6)
        {
            Assert.That(new IPAddress(frame.Bytes.AsSpan(p.L3Offset + Ipv6Fields.SourcePosition, 16)).ToString(), Is.EqualTo(frame.Source));
        }

        if (frame.InnerSource is not null)
        {
            Assert.That(PacketParser.Parse(frame.Bytes.AsSpan(p.InnerOffset), out ParsedPacket inner), Is.EqualTo(ParseResult.Ok));
            Assert.That(inner.SourceIpv4, Is.EqualTo(GoldenFrames.Ip(frame.InnerSource)));
            Assert.That(inner.DestinationIpv4, Is.EqualTo(GoldenFrames.Ip(frame.InnerDestination!)));
        }
    }

    [TestCaseSource(nameof(Malformed))]
    public void Parse_Malformed(byte[] bytes, ParseResult expected)
    {
        ParseResult result = PacketParser.Parse(bytes, out _);

        Assert.That(result, Is.EqualTo(expected));
    }

    [Test]
    public void Parse_EveryPrefixOfEveryGoldenFrame_NeverThrows()
    {
        int parsed = 0;
        foreach (GoldenFrame frame in GoldenFrames.All())
        {
            for (int n = 0; n <= frame.Bytes.Length; n++)
            {
                PacketParser.Parse(frame.Bytes.AsSpan(0, n), out _);
                parsed++;
            }
        }

        Assert.That(parsed, Is.GreaterThan(300));
    }

    [Test]
    public void Ipv4NonFirstFragment_HasNoL4Header()
    {
        byte[] f = GoldenFrames.Udp4(60, "10.0.0.1", "10.0.0.2", 1, 2);
        f[14 + 6] = 0x00;
        f[14 + 7] = 0x10;

        Assert.That(PacketParser.Parse(f, out ParsedPacket p), Is.EqualTo(ParseResult.Ok));
        Assert.That(p.L4Offset, Is.EqualTo(-1));
    }
}
