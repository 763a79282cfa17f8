// Licensed under the Apache License, Version 2.0.
using System.Net;
using NfvConformance.Packets;

namespace NfvConformance.Emulator.Dataplane.Tests.Protocols;

/// <summary>What a golden frame must decode to, by our parser and by tshark.</summary>
public sealed record GoldenFrame(
    string Name,
    byte[] Bytes,
    ushort EtherType,
    ushort VlanId = 0,
    string? Source = null,
    string? Destination = null,
    byte Protocol = 0,
    ushort SourcePort = 0,
    ushort DestinationPort = 0,
    uint Vni = 0,
    uint ServicePathId = 0,
    byte ServiceIndex = 0,
    string? InnerSource = null,
    string? InnerDestination = null);

/// <summary>The frames behind TestData/Captures/*.pcap, built with <see cref="FrameBuilder"/>.</summary>
public static class GoldenFrames
{
    public static readonly byte[] MacA = [0x02, 0x00, 0x00, 0x00, 0x00, 0x01];
    public static readonly byte[] MacB = [0x02, 0x00, 0x00, 0x00, 0x00, 0x02];

    public static string IpString(uint address) => new IPAddress([(byte)(address >> 24), (byte)(address >> 16), (byte)(address >> 8), (byte)address]).ToString();

    public static uint Ip(string dotted) => (uint)IPAddress.NetworkToHostOrder(BitConverter.ToInt32(IPAddress.Parse(dotted).GetAddressBytes()));

    public static IReadOnlyList<GoldenFrame> All() =>
    [
        new("ipv4_udp", Udp4(60, "10.0.0.1", "192.168.1.9", 40001, 50001), EthernetFields.TypeIpv4, 0, "10.0.0.1", "192.168.1.9", IpProtocols.Udp, 40001, 50001),
        new("vlan_ipv4_tcp", VlanTcp4(), EthernetFields.TypeIpv4, 100, "172.16.0.5", "172.16.9.1", IpProtocols.Tcp, 40000, 443),
        new("arp_request", Arp(), EthernetFields.TypeArp),
        new("ipv4_icmp_echo", Icmp4(), EthernetFields.TypeIpv4, 0, "10.1.1.1", "10.2.2.2", IpProtocols.Icmp, 0x1234, 0x1234),
        new("ipv6_udp", Udp6(), EthernetFields.TypeIpv6, 0, "2001:db8::1", "2001:db8::2", IpProtocols.Udp, 5000, 6000),
        new("vxlan", Vxlan(), EthernetFields.TypeIpv4, 0, "192.0.2.1", "192.0.2.2", IpProtocols.Udp, 49152, VxlanFields.UdpPort, Vni: 5000, InnerSource: "10.0.0.1", InnerDestination: "10.0.0.2"),
        new("nsh_ethernet", Nsh(), EthernetFields.TypeNsh, ServicePathId: 42, ServiceIndex: 254, InnerSource: "10.9.0.1", InnerDestination: "10.9.0.2"),
    ];

    public static byte[] Udp4(int size, string src, string dst, ushort sport, ushort dport)
    {
        byte[] f = new byte[size];
        FrameBuilder.BuildUdpIpv4(f, size, MacB, MacA, Ip(src), Ip(dst), sport, dport);
        return f;
    }

    private static byte[] VlanTcp4()
    {
        byte[] f = new byte[14 + 4 + 20 + 20];
        int o = FrameBuilder.WriteEthernet(f, MacB, MacA, EthernetFields.TypeVlan);
        o += FrameBuilder.WriteVlan(f.AsSpan(o), 100, 3, EthernetFields.TypeIpv4);
        int ip = o;
        o += FrameBuilder.WriteIpv4(f.AsSpan(o), Ip("172.16.0.5"), Ip("172.16.9.1"), IpProtocols.Tcp, 20);
        FrameBuilder.WriteTcp(f.AsSpan(o), 40000, 443, 1000, 0, TcpFields.Syn);
        FrameBuilder.FinishL4Ipv4(f.AsSpan(ip));
        return f;
    }

    private static byte[] Arp()
    {
        byte[] f = new byte[42];
        int o = FrameBuilder.WriteEthernet(f, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], MacA, EthernetFields.TypeArp);
        FrameBuilder.WriteArp(f.AsSpan(o), ArpFields.OperationRequest, MacA, Ip("10.0.0.1"), new byte[6], Ip("10.0.0.254"));
        return f;
    }

    private static byte[] Icmp4()
    {
        byte[] payload = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];
        byte[] f = new byte[14 + 20 + 8 + payload.Length];
        int o = FrameBuilder.WriteEthernet(f, MacB, MacA, EthernetFields.TypeIpv4);
        o += FrameBuilder.WriteIpv4(f.AsSpan(o), Ip("10.1.1.1"), Ip("10.2.2.2"), IpProtocols.Icmp, 8 + payload.Length);
        FrameBuilder.WriteIcmpEcho(f.AsSpan(o), IcmpFields.EchoRequest, 0x1234, 7, payload);
        return f;
    }

    private static byte[] Udp6()
    {
        byte[] f = new byte[14 + 40 + 8 + 10];
        int o = FrameBuilder.WriteEthernet(f, MacB, MacA, EthernetFields.TypeIpv6);
        byte[] src = IPAddress.Parse("2001:db8::1").GetAddressBytes();
        byte[] dst = IPAddress.Parse("2001:db8::2").GetAddressBytes();
        o += FrameBuilder.WriteIpv6(f.AsSpan(o), src, dst, IpProtocols.Udp, 18);
        FrameBuilder.WriteUdp(f.AsSpan(o), 5000, 6000, 10);
        f.AsSpan(o + 8).Fill(0x5A);
        ushort c = InternetChecksum.ComputeIpv6Pseudo(src, dst, IpProtocols.Udp, f.AsSpan(o, 18));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(o + 6), c);
        return f;
    }

    private static byte[] Vxlan()
    {
        byte[] inner = Udp4(60, "10.0.0.1", "10.0.0.2", 30003, 30004);
        byte[] f = new byte[14 + 20 + 8 + 8 + inner.Length];
        int o = FrameBuilder.WriteEthernet(f, MacB, MacA, EthernetFields.TypeIpv4);
        int ip = o;
        o += FrameBuilder.WriteIpv4(f.AsSpan(o), Ip("192.0.2.1"), Ip("192.0.2.2"), IpProtocols.Udp, 8 + 8 + inner.Length);
        o += FrameBuilder.WriteUdp(f.AsSpan(o), 49152, VxlanFields.UdpPort, 8 + inner.Length);
        o += FrameBuilder.WriteVxlan(f.AsSpan(o), 5000);
        inner.CopyTo(f.AsSpan(o));
        FrameBuilder.FinishL4Ipv4(f.AsSpan(ip));
        return f;
    }

    private static byte[] Nsh()
    {
        byte[] inner = Udp4(60, "10.9.0.1", "10.9.0.2", 30001, 30002);
        byte[] f = new byte[14 + 24 + inner.Length];
        int o = FrameBuilder.WriteEthernet(f, MacB, MacA, EthernetFields.TypeNsh);
        o += FrameBuilder.WriteNsh(f.AsSpan(o), 42, 254, NshFields.NextEthernet);
        inner.CopyTo(f.AsSpan(o));
        return f;
    }

    /// <summary>Malformed frames and the drop reason each must produce.</summary>
    public static IReadOnlyList<(string Name, byte[] Bytes, ParseResult Expected)> Malformed()
    {
        byte[] good = Udp4(60, "10.0.0.1", "10.0.0.2", 1, 2);
        byte[] badVersion = (byte[])good.Clone();
        badVersion[14] = 0x65;
        byte[] badIhl = (byte[])good.Clone();
        badIhl[14] = 0x44;
        byte[] longTotal = (byte[])good.Clone();
        longTotal[16] = 0x05;
        byte[] udpLength = (byte[])good.Clone();
        udpLength[14 + 20 + 4] = 0xFF;
        byte[] tcpOffset = VlanTcp4();
        tcpOffset[18 + 20 + 12] = 0x30;
        byte[] vxlanNoI = Vxlan();
        vxlanNoI[14 + 20 + 8] = 0;
        byte[] nshVersion = Nsh();
        nshVersion[14] |= 0x80;
        byte[] tripleVlan = new byte[30];
        FrameBuilder.WriteEthernet(tripleVlan, MacB, MacA, EthernetFields.TypeVlan);
        FrameBuilder.WriteVlan(tripleVlan.AsSpan(14), 1, 0, EthernetFields.TypeVlan);
        FrameBuilder.WriteVlan(tripleVlan.AsSpan(18), 2, 0, EthernetFields.TypeVlan);
        FrameBuilder.WriteVlan(tripleVlan.AsSpan(22), 3, 0, EthernetFields.TypeIpv4);
        return
        [
            ("runt", good[..13], ParseResult.TruncatedEthernet),
            ("ipv4_truncated", good[..30], ParseResult.BadIpv4),
            ("ipv4_version_6", badVersion, ParseResult.BadIpv4),
            ("ipv4_ihl_4", badIhl, ParseResult.BadIpv4),
            ("ipv4_total_length_past_end", longTotal, ParseResult.BadIpv4),
            ("udp_length_past_end", udpLength, ParseResult.BadL4),
            ("tcp_data_offset_3", tcpOffset, ParseResult.BadL4),
            ("arp_truncated", Arp()[..30], ParseResult.TruncatedArp),
            ("ipv6_truncated", Udp6()[..40], ParseResult.BadIpv6),
            ("vxlan_i_flag_clear", vxlanNoI, ParseResult.BadVxlan),
            ("nsh_version_2", nshVersion, ParseResult.BadNsh),
            ("nsh_truncated", Nsh()[..20], ParseResult.BadNsh),
            ("vlan_three_tags", tripleVlan, ParseResult.BadVlan),
        ];
    }
}
