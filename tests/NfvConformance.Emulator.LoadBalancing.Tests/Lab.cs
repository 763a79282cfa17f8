// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Net;
using NfvConformance.Abstractions.LoadBalancing;
using NfvConformance.Packets;
using NfvConformance.Emulator.LoadBalancing;
using NfvConformance.Emulator.LoadBalancing.Protocols;

namespace NfvConformance.Emulator.LoadBalancing.Tests;

/// <summary>A load balancer with three members and client-side frame builders.</summary>
internal sealed class Lab
{
    public static readonly byte[] ClientMac = [0x02, 0xc1, 0, 0, 0, 9];

    private Lab(LoadBalancerEmulationOptions? options, LbForwardingMode mode, LbListenerSpec[] listeners)
    {
        Service = new LoadBalancerService(options ?? new LoadBalancerEmulationOptions(), 7, TimeProvider.System);
        LbListenerSpec[] ls = listeners.Length > 0 ? listeners : [new LbListenerSpec("tcp", LbProtocol.Tcp, 80, "web")];
        Spec = new LoadBalancerSpec(
            "lb",
            "10.1.0.10",
            "tenant-a",
            "10.1.0.0/24",
            ["az-1", "az-2"],
            2,
            mode,
            ls,
            [
                new LbPoolSpec("web", [
                    new LbMemberSpec("m1", "10.1.0.21", "az-1", "10.1.0.0/24") { Address6 = "2001:db8::21" },
                    new LbMemberSpec("m2", "10.1.0.22", "az-2", "10.1.0.0/24") { Address6 = "2001:db8::22" },
                    new LbMemberSpec("m3", "10.1.0.23", "az-2", "10.1.0.0/24") { Address6 = "2001:db8::23" },
                ]),
                new LbPoolSpec("api", [new LbMemberSpec("a1", "10.1.0.31", "az-1", "10.1.0.0/24")]),
            ])
        { Vip6 = "2001:db8::10" };
    }

    public LoadBalancerService Service { get; }

    public LoadBalancerSpec Spec { get; }

    public LoadBalancerView View { get; private set; } = null!;

    public byte[] VipMac { get; private set; } = [];

    public IPAddress Vip => IPAddress.Parse("10.1.0.10");

    public IPAddress Vip6 => IPAddress.Parse("2001:db8::10");

    /// <summary>Creates the service and its load balancer "lb" (TCP port 80 to pool web unless listeners are given).</summary>
    public static async Task<Lab> OpenAsync(LoadBalancerEmulationOptions? options = null, LbForwardingMode mode = LbForwardingMode.Nat, params LbListenerSpec[] listeners)
    {
        Lab lab = new(options, mode, listeners);
        lab.View = await lab.Service.CreateAsync(lab.Spec);
        lab.VipMac = Convert.FromHexString(lab.View.VipMac.Replace(":", string.Empty));
        return lab;
    }

    public ValueTask<LbExchange> SendAsync(byte[] frame) => Service.SendAsync("lb", frame);

    /// <summary>Sends frames one after the other, in the order given.</summary>
    public async Task<List<LbExchange>> SendAllAsync(IEnumerable<byte[]> frames)
    {
        List<LbExchange> exchanges = [];
        foreach (byte[] frame in frames)
        {
            exchanges.Add(await SendAsync(frame));
        }

        return exchanges;
    }

    public byte[] Tcp(string src, ushort sport, ushort dport, byte flags, byte[]? options = null, byte[]? payload = null, uint seq = 1000) =>
        Frames.Ip(VipMac, ClientMac, IPAddress.Parse(src), Vip, IpProtocols.Tcp, MemberHost.TcpSegment(sport, dport, seq, 0, flags, options ?? [], payload ?? []));

    public byte[] Udp(string src, ushort sport, ushort dport, byte[] payload)
    {
        IPAddress s = IPAddress.Parse(src);
        byte[] udp = new byte[8 + payload.Length];
        FrameBuilder.WriteUdp(udp, sport, dport, payload.Length);
        payload.CopyTo(udp.AsSpan(8));
        return Frames.Ip(VipMac, ClientMac, s, s.AddressFamily == Vip6.AddressFamily ? Vip6 : Vip, IpProtocols.Udp, udp);
    }

    public byte[] Sctp(string src, ushort sport, ushort dport, uint tag, params SctpChunk[] chunks) =>
        Frames.Ip(VipMac, ClientMac, IPAddress.Parse(src), Vip, Frames.Sctp, SctpPacket.Build(sport, dport, tag, chunks));

    /// <summary>Splits a UDP datagram into IPv4 or IPv6 fragments carrying <paramref name="chunk"/> bytes each (a multiple of 8).</summary>
    public List<byte[]> Fragments(string src, ushort sport, ushort dport, byte[] payload, uint id, int chunk) =>
        IpFragmenter.Fragment(Udp(src, sport, dport, payload), chunk, id);
}
