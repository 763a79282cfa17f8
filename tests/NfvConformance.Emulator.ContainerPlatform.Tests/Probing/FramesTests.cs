// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Net;
using NfvConformance.Abstractions.ContainerPlatform;
using NfvConformance.Packets;
using NfvConformance.Emulator.ContainerPlatform.Probing;

namespace NfvConformance.Emulator.ContainerPlatform.Tests.Probing;

public sealed class FramesTests
{
    private static readonly byte[] s_mac = [0x02, 0, 0, 0, 0, 1];

    [TestCase("10.244.0.2", "10.244.1.2", ProbeProtocol.Tcp)]
    [TestCase("10.244.0.2", "10.244.1.2", ProbeProtocol.Udp)]
    [TestCase("10.244.0.2", "10.244.1.2", ProbeProtocol.Icmp)]
    [TestCase("fd00:10:244::2", "fd00:10:244:1::2", ProbeProtocol.Tcp)]
    [TestCase("fd00:10:244::2", "fd00:10:244:1::2", ProbeProtocol.Udp)]
    [TestCase("fd00:10:244::2", "fd00:10:244:1::2", ProbeProtocol.Icmp)]
    public void ProbeFramesParseWithValidChecksumsAndSurviveNat(string source, string destination, ProbeProtocol protocol)
    {
        byte[] frame = Frames.Build(s_mac, s_mac, IPAddress.Parse(source), IPAddress.Parse(destination), protocol, 40000, 8080, reply: false);
        Assert.That(ChecksumsValid(frame), Is.True);

        FrameFields f = Frames.Read(frame);
        Assert.That((f.Source.ToString(), f.Destination.ToString(), f.Protocol), Is.EqualTo((source, destination, protocol)));

        IPAddress nat = source.Contains(':', StringComparison.Ordinal) ? IPAddress.Parse("fd00:192:168:10::b") : IPAddress.Parse("192.168.10.11");
        Frames.Rewrite(frame, nat, source: true);
        Assert.That(Frames.Read(frame).Source, Is.EqualTo(nat));
        Assert.That(ChecksumsValid(frame), Is.True, "checksums recomputed after NAT");
    }

    [Test]
    public void VxlanCarriesTheFrameToItsNodeOnly()
    {
        byte[] inner = Frames.Build(s_mac, s_mac, IPAddress.Parse("10.244.0.2"), IPAddress.Parse("10.244.1.2"), ProbeProtocol.Udp, 40000, 53, reply: false);
        byte[] outer = Frames.Encapsulate(inner, IPAddress.Parse("192.168.10.11"), IPAddress.Parse("192.168.10.12"), 4096);

        Assert.That(PacketParser.Parse(outer, out ParsedPacket p), Is.EqualTo(ParseResult.Ok));
        Assert.That((p.DestinationPort, p.Vni), Is.EqualTo(((ushort)4789, 4096u)));
        Assert.That(Frames.Decapsulate(outer, IPAddress.Parse("192.168.10.12"), 4096), Is.EqualTo(inner));
        Assert.That(Frames.Decapsulate(outer, IPAddress.Parse("192.168.10.13"), 4096), Is.Null);
        Assert.That(Frames.Decapsulate(outer, IPAddress.Parse("192.168.10.12"), 1), Is.Null);
    }

    private static bool ChecksumsValid(byte[] frame)
    {
        PacketParser.Parse(frame, out ParsedPacket p);
        ReadOnlySpan<byte> l4 = frame.AsSpan(p.L4Offset, p.L3End - p.L4Offset);
        if (p.IsIpv4)
        {
            ReadOnlySpan<byte> ip = frame.AsSpan(p.L3Offset, 20);
            if (InternetChecksum.Compute(ip) != 0)
            {
                return false;
            }

            if (p.IpProtocol == IpProtocols.Icmp)
            {
                return InternetChecksum.Compute(l4) == 0;
            }

            ulong sum = (ulong)BinaryPrimitives.ReadUInt32BigEndian(ip[12..]) + BinaryPrimitives.ReadUInt32BigEndian(ip[16..]) + p.IpProtocol + (uint)l4.Length;
            return InternetChecksum.Finish(InternetChecksum.Add(l4, sum)) == 0;
        }

        ReadOnlySpan<byte> v6 = frame.AsSpan(p.L3Offset, 40);
        ulong sum6 = InternetChecksum.Add(v6.Slice(8, 16), InternetChecksum.Add(v6.Slice(24, 16))) + (uint)l4.Length + p.IpProtocol;
        return InternetChecksum.Finish(InternetChecksum.Add(l4, sum6)) == 0;
    }
}
