// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using NfvConformance.Packets;
using NfvConformance.Emulator.Dataplane.Tests.Protocols;
using NfvConformance.Emulator.Dataplane.Vnfs;

namespace NfvConformance.Emulator.Dataplane.Tests.Vnfs;

public sealed class Nat44NodeTests
{
    private static Nat44Node CreateNat(string name = "nat0", ushort portStart = 1024, ushort portEnd = 65535, int maxSessions = 1024) => new(name, new Nat44Options
    {
        InsideNetwork = "10.0.0.0/8",
        ExternalAddresses = ["203.0.113.1"],
        Next = "out",
        PortRangeStart = portStart,
        PortRangeEnd = portEnd,
        MaxSessions = maxSessions,
        UdpTimeout = TimeSpan.FromMinutes(2),
    });

    private static bool L4ChecksumValid(byte[] frame)
    {
        PacketParser.Parse(frame, out ParsedPacket p);
        Span<byte> segment = frame.AsSpan(p.L4Offset, p.L3End - p.L4Offset);
        return p.IpProtocol == IpProtocols.Icmp
            ? InternetChecksum.Compute(segment) == 0
            : InternetChecksum.Finish(InternetChecksum.Add(segment, (ulong)p.SourceIpv4 + p.DestinationIpv4 + p.IpProtocol + (uint)segment.Length)) == 0;
    }

    [Test]
    public void Outbound_TranslatesSourceToExternalAddressAndPort_ChecksumsStayValid()
    {
        VnfHarness h = new(CreateNat());

        h.Send(GoldenFrames.Udp4(60, "10.0.0.5", "198.51.100.7", 5555, 53));

        byte[] got = h.Received("out").Single();
        PacketParser.Parse(got, out ParsedPacket p);
        Assert.That(GoldenFrames.IpString(p.SourceIpv4), Is.EqualTo("203.0.113.1"));
        Assert.That(p.SourcePort, Is.EqualTo(1024));
        Assert.That(new Ipv4View(got.AsSpan(14)).IsChecksumValid, Is.True);
        Assert.That(L4ChecksumValid(got), Is.True);
    }

    [Test]
    public void Reply_TranslatedBackToInsideHost()
    {
        VnfHarness h = new(CreateNat());
        h.Send(GoldenFrames.Udp4(60, "10.0.0.5", "198.51.100.7", 5555, 53));

        h.Send(GoldenFrames.Udp4(60, "198.51.100.7", "203.0.113.1", 53, 1024));

        byte[] back = h.Received("out")[1];
        PacketParser.Parse(back, out ParsedPacket p);
        Assert.That(GoldenFrames.IpString(p.DestinationIpv4), Is.EqualTo("10.0.0.5"));
        Assert.That(p.DestinationPort, Is.EqualTo(5555));
        Assert.That(L4ChecksumValid(back), Is.True);
    }

    [Test]
    public void InboundFromOtherRemote_DroppedAsNoSession()
    {
        VnfHarness h = new(CreateNat());
        h.Send(GoldenFrames.Udp4(60, "10.0.0.5", "198.51.100.7", 5555, 53));

        h.Send(GoldenFrames.Udp4(60, "198.51.100.99", "203.0.113.1", 53, 1024));

        Assert.That(h.Counters["no_session"], Is.EqualTo(1));
        h.AssertNoLeak();
    }

    [Test]
    public void TwoInsideFlows_GetDistinctPorts_SameFlowKeepsItsPort()
    {
        VnfHarness h = new(CreateNat());

        h.SendMany(
        [
            GoldenFrames.Udp4(60, "10.0.0.5", "198.51.100.7", 5555, 53),
            GoldenFrames.Udp4(60, "10.0.0.6", "198.51.100.7", 5555, 53),
            GoldenFrames.Udp4(60, "10.0.0.5", "198.51.100.7", 5555, 53),
        ]);

        ushort[] ports = [.. h.Received("out").Select(f => BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(34)))];
        Assert.That(ports, Is.EqualTo(new ushort[] { 1024, 1025, 1024 }));
    }

    [Test]
    public void PortsExhausted_NewFlowDroppedAndCounted()
    {
        Nat44Node nat = CreateNat(portStart: 2000, portEnd: 2001);
        VnfHarness h = new(nat);

        h.SendMany([.. Enumerable.Range(0, 3).Select(i => GoldenFrames.Udp4(60, "10.0.0.5", "198.51.100.7", (ushort)(6000 + i), 53))]);

        Assert.That(h.Received("out"), Has.Count.EqualTo(2));
        Assert.That(h.Counters["ports_exhausted"], Is.EqualTo(1));
        Assert.That(nat.SessionCount, Is.EqualTo(2));
    }

    [Test]
    public void IdleSession_ExpiresAndFreesItsPort()
    {
        Nat44Node nat = CreateNat(portStart: 2000, portEnd: 2000);
        VnfHarness h = new(nat);
        h.Send(GoldenFrames.Udp4(60, "10.0.0.5", "198.51.100.7", 6000, 53));

        h.Advance(TimeSpan.FromMinutes(3));
        for (int i = 0; i < 100; i++)
        {
            h.Graph.Poll();
        }

        h.Send(GoldenFrames.Udp4(60, "10.0.0.9", "198.51.100.7", 6001, 53));

        Assert.That(h.Counters["sessions_expired"], Is.EqualTo(1));
        Assert.That(h.Received("out"), Has.Count.EqualTo(2));
        Assert.That(nat.SessionCount, Is.EqualTo(1));
    }

    [Test]
    public void IcmpEcho_TranslatesIdentifier_AndReplyComesBack()
    {
        VnfHarness h = new(CreateNat());
        byte[] echo = GoldenFrames.All().Single(f => f.Name == "ipv4_icmp_echo").Bytes;
        h.Send(echo);
        byte[] translated = h.Received("out")[0];
        PacketParser.Parse(translated, out ParsedPacket outbound);
        Assert.That(GoldenFrames.IpString(outbound.SourceIpv4), Is.EqualTo("203.0.113.1"));
        Assert.That(L4ChecksumValid(translated), Is.True);
        byte[] reply = new byte[echo.Length];
        int o = FrameBuilder.WriteEthernet(reply, GoldenFrames.MacA, GoldenFrames.MacB, EthernetFields.TypeIpv4);
        o += FrameBuilder.WriteIpv4(reply.AsSpan(o), GoldenFrames.Ip("10.2.2.2"), GoldenFrames.Ip("203.0.113.1"), IpProtocols.Icmp, echo.Length - 34);
        FrameBuilder.WriteIcmpEcho(reply.AsSpan(o), IcmpFields.EchoReply, outbound.SourcePort, 7, echo.AsSpan(42));

        h.Send(reply);

        PacketParser.Parse(h.Received("out")[1], out ParsedPacket inbound);
        Assert.That(GoldenFrames.IpString(inbound.DestinationIpv4), Is.EqualTo("10.1.1.1"));
        Assert.That(inbound.SourcePort, Is.EqualTo(0x1234));
        Assert.That(L4ChecksumValid(h.Received("out")[1]), Is.True);
    }

    [Test]
    public void TcpChecksum_AfterTranslation_IsValid()
    {
        VnfHarness h = new(CreateNat());
        byte[] tcp = GoldenFrames.All().Single(f => f.Name == "vlan_ipv4_tcp").Bytes;
        byte[] frame = [.. tcp[..12], .. tcp[16..]];
        frame[12] = 0x08;
        frame[13] = 0x00;
        byte[] inside = (byte[])frame.Clone();
        new Ipv4View(inside.AsSpan(14)).SetSource(GoldenFrames.Ip("10.3.3.3"));
        FrameBuilder.FinishL4Ipv4(inside.AsSpan(14));

        h.Send(inside);

        Assert.That(L4ChecksumValid(h.Received("out").Single()), Is.True);
    }
}
