// Licensed under the Apache License, Version 2.0.
using System.Net;
using System.Text.Json.Nodes;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Trex.Protocol;

namespace NfvConformance.Trex.Tests.Protocol;

/// <summary>A stream object we encode reads back (through the project's packet parser) as the stream it came from.</summary>
[TestFixture]
public sealed class StreamCodecTests
{
    [TestCase(L3Protocol.IPv4, L4Protocol.Udp, null)]
    [TestCase(L3Protocol.IPv4, L4Protocol.Tcp, 100)]
    [TestCase(L3Protocol.IPv6, L4Protocol.Udp, null)]
    [TestCase(L3Protocol.IPv6, L4Protocol.Tcp, 7)]
    public void EncodeThenDecode_GivesBackTheHeadersFlowsAndRate(L3Protocol l3, L4Protocol l4, int? vlan)
    {
        bool v6 = l3 == L3Protocol.IPv6;
        HeaderStack headers = new()
        {
            L3 = l3,
            L4 = l4,
            VlanId = vlan,
            SourceIp = IPAddress.Parse(v6 ? "2001:db8::10" : "16.0.0.10"),
            DestinationIp = IPAddress.Parse(v6 ? "2001:db8:1::20" : "48.0.0.20"),
            SourcePort = 4321,
            DestinationPort = 8765,
        };
        TrafficStream stream = new() { Name = "s", Headers = headers, FlowCount = 16, VaryingFields = FlowFields.SourcePort | FlowFields.DestinationPort };

        JsonObject encoded = StreamCodec.Encode(stream, 128, 5000, 7, PgRule.Stats);
        DecodedStream d = StreamCodec.Decode(JsonNode.Parse(encoded.ToJsonString())!.AsObject(), 10e9);

        Assert.That(d.FrameSize, Is.EqualTo(128));
        Assert.That(d.Headers.L3, Is.EqualTo(l3));
        Assert.That(d.Headers.L4, Is.EqualTo(l4));
        Assert.That(d.Headers.VlanId, Is.EqualTo(vlan));
        Assert.That(d.Headers.SourceIp, Is.EqualTo(headers.SourceIp));
        Assert.That(d.Headers.DestinationIp, Is.EqualTo(headers.DestinationIp));
        Assert.That((d.Headers.SourcePort, d.Headers.DestinationPort), Is.EqualTo((4321, 8765)));
        Assert.That(d.Headers.DestinationMac, Is.EqualTo(headers.DestinationMac));
        Assert.That(d.FlowCount, Is.EqualTo(16));
        Assert.That(d.VaryingFields, Is.EqualTo(FlowFields.SourcePort | FlowFields.DestinationPort));
        Assert.That((d.Pps, d.PgId, d.Rule), Is.EqualTo((5000.0, 7u, PgRule.Stats)));
    }

    [Test]
    public void Decode_ATruncatedIpv4Header_StopsAtEthernet()
    {
        byte[] frame = new byte[14 + 10];
        frame[12] = 0x08;
        frame[14] = 0x45;

        (HeaderStack h, int l3, int l4) = StreamCodec.Parse(frame);

        Assert.That(h.L3, Is.EqualTo(L3Protocol.None));
        Assert.That((l3, l4), Is.EqualTo((14, 14)));
    }
}
