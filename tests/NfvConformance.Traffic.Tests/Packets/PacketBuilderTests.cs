// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Net;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Traffic.Packets;

namespace NfvConformance.Traffic.Tests.Packets;

public sealed class PacketBuilderTests
{
    [Test]
    public void Build_Ipv4Udp64_ParsesBackWithValidChecksumsAndMark()
    {
        TrafficStream s = new() { Name = "s" };
        byte[] frame = new byte[128];
        LatencyMark mark = new(1, 2, 3, 4);

        int n = PacketBuilder.Build(frame, s, 64, 0, mark);
        bool ok = StreamFrameDecoder.TryParse(frame.AsSpan(0, n), out ParsedFrame p);

        Assert.Multiple(() =>
        {
            Assert.That(n, Is.EqualTo(60), "64 B frame = 60 B + FCS");
            Assert.That(ok, Is.True);
            Assert.That(p.L3, Is.EqualTo(L3Protocol.IPv4));
            Assert.That(p.L4, Is.EqualTo(L4Protocol.Udp));
            Assert.That(p.SourceIp, Is.EqualTo(IPAddress.Parse("16.0.0.1")));
            Assert.That(p.DestinationPort, Is.EqualTo(5678));
            Assert.That(p.ChecksumsValid, Is.True);
            Assert.That(p.Mark, Is.EqualTo(mark));
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(16)), Is.EqualTo(46), "IPv4 total length");
        });
    }

    [Test]
    public void Build_FlowsVaryingSourceIpAndPort_IncrementsPerFlow()
    {
        TrafficStream s = new() { Name = "s", FlowCount = 100, VaryingFields = FlowFields.SourceIp | FlowFields.SourcePort };
        byte[] frame = new byte[128];

        PacketBuilder.Build(frame, s, 64, 7, null);
        StreamFrameDecoder.TryParse(frame.AsSpan(0, 60), out ParsedFrame p7);
        PacketBuilder.Build(frame, s, 64, 107, null);
        StreamFrameDecoder.TryParse(frame.AsSpan(0, 60), out ParsedFrame p107);

        Assert.Multiple(() =>
        {
            Assert.That(p7.SourceIp, Is.EqualTo(IPAddress.Parse("16.0.0.8")));
            Assert.That(p7.SourcePort, Is.EqualTo(1241));
            Assert.That(p7.DestinationIp, Is.EqualTo(IPAddress.Parse("48.0.0.1")), "destination does not vary");
            Assert.That(p107, Is.EqualTo(p7), "flow index wraps at the flow count");
        });
    }

    [Test]
    public void Build_VlanIpv6Tcp_ParsesBack()
    {
        TrafficStream s = new()
        {
            Name = "v6",
            Headers = new HeaderStack { VlanId = 100, L3 = L3Protocol.IPv6, L4 = L4Protocol.Tcp, SourceIp = IPAddress.Parse("2001:db8::1"), DestinationIp = IPAddress.Parse("2001:db8::2") },
        };
        byte[] frame = new byte[256];

        int n = PacketBuilder.Build(frame, s, 128, 0, new LatencyMark(0, 9, 10, 11));
        StreamFrameDecoder.TryParse(frame.AsSpan(0, n), out ParsedFrame p);

        Assert.Multiple(() =>
        {
            Assert.That(p.VlanId, Is.EqualTo(100));
            Assert.That(p.L3, Is.EqualTo(L3Protocol.IPv6));
            Assert.That(p.L4, Is.EqualTo(L4Protocol.Tcp));
            Assert.That(p.DestinationIp, Is.EqualTo(IPAddress.Parse("2001:db8::2")));
            Assert.That(p.ChecksumsValid, Is.True);
            Assert.That(p.Mark!.Value.Sequence, Is.EqualTo(10));
        });
    }

    [Test]
    public void Build_Vxlan_OuterUdp4789CarriesVniAndInnerFrame()
    {
        TrafficStream s = new() { Name = "vx", Headers = new HeaderStack { VxlanVni = 0x123456 } };
        byte[] frame = new byte[256];

        int n = PacketBuilder.Build(frame, s, 128, 0, new LatencyMark(0, 1, 2, 3));
        bool ok = StreamFrameDecoder.TryParse(frame.AsSpan(0, n), out ParsedFrame p);

        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.True);
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(36)), Is.EqualTo(4789));
            Assert.That(p.VxlanVni, Is.EqualTo(0x123456));
            Assert.That(p.SourceIp, Is.EqualTo(IPAddress.Parse("16.0.0.1")), "inner addresses");
            Assert.That(p.ChecksumsValid, Is.True);
        });
    }

    [Test]
    public void Build_FrameTooSmallForHeaders_ReturnsZero()
    {
        TrafficStream s = new() { Name = "vx", Headers = new HeaderStack { VxlanVni = 1, VlanId = 5 } };

        int n = PacketBuilder.Build(new byte[128], s, 64, 0, new LatencyMark(0, 1, 2, 3));

        Assert.That(n, Is.Zero);
    }

    [TestCase(64, L3Protocol.IPv4, L4Protocol.Udp)]
    [TestCase(65, L3Protocol.IPv4, L4Protocol.Udp)]
    [TestCase(1518, L3Protocol.IPv4, L4Protocol.Tcp)]
    [TestCase(99, L3Protocol.IPv6, L4Protocol.Tcp)]
    [TestCase(9216, L3Protocol.IPv6, L4Protocol.Udp)]
    public void Restamp_ManyMarks_ChecksumEqualsFullRebuild(int size, L3Protocol l3, L4Protocol l4)
    {
        // Given
        TrafficStream s = new()
        {
            Name = "s",
            Headers = l3 == L3Protocol.IPv6
                ? new HeaderStack { L3 = l3, L4 = l4, SourceIp = System.Net.IPAddress.Parse("2001:db8::1"), DestinationIp = System.Net.IPAddress.Parse("2001:db8::2") }
                : new HeaderStack { L3 = l3, L4 = l4 },
        };
        byte[] frame = new byte[FrameSizeMix.MaxFrameSize];
        byte[] reference = new byte[FrameSizeMix.MaxFrameSize];
        FrameLayout layout = PacketBuilder.BuildWithLayout(frame, s, size, 0, new LatencyMark(0, 1, 0, 0));
        Random rng = new(size);

        for (int i = 0; i < 200; i++)
        {
            // When
            LatencyMark mark = new((byte)rng.Next(256), (ushort)rng.Next(65536), (uint)rng.Next(), (ulong)rng.NextInt64());
            PacketBuilder.Restamp(frame, layout, mark);
            PacketBuilder.Build(reference, s, size, 0, mark);

            // Then
            Assert.That(frame.AsSpan(0, layout.Length).SequenceEqual(reference.AsSpan(0, layout.Length)), Is.True, $"mark {i}");
        }

        StreamFrameDecoder.TryParse(frame.AsSpan(0, layout.Length), out ParsedFrame p);
        Assert.That(p.ChecksumsValid, Is.True);
    }

    [Test]
    public void TryParse_CorruptedPayload_ChecksumInvalid()
    {
        TrafficStream s = new() { Name = "s" };
        byte[] frame = new byte[128];
        int n = PacketBuilder.Build(frame, s, 64, 0, new LatencyMark(0, 1, 2, 3));

        frame[n - 1] ^= 0xFF;
        StreamFrameDecoder.TryParse(frame.AsSpan(0, n), out ParsedFrame p);

        Assert.That(p.ChecksumsValid, Is.False);
    }
}
