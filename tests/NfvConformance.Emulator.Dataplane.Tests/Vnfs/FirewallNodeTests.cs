// Licensed under the Apache License, Version 2.0.
using NfvConformance.Packets;
using NfvConformance.Emulator.Dataplane.Tests.Protocols;
using NfvConformance.Emulator.Dataplane.Vnfs;

namespace NfvConformance.Emulator.Dataplane.Tests.Vnfs;

public sealed class FirewallNodeTests
{
    private static FirewallNode CreateFirewall(string name = "fw0", int maxConnections = 1024) => new(name, new FirewallOptions
    {
        Next = "out",
        MaxConnections = maxConnections,
        Rules =
        [
            new AclRule(AclAction.Deny, Source: "10.0.0.66/32"),
            new AclRule(AclAction.Permit, Source: "10.0.0.0/8", Protocol: IpProtocols.Udp),
            new AclRule(AclAction.Permit, Source: "10.0.0.0/8", Protocol: IpProtocols.Tcp, DestinationPortFrom: 443, DestinationPortTo: 443),
        ],
        IdleTimeout = TimeSpan.FromSeconds(30),
    });

    private static byte[] Tcp(string src, string dst, ushort sport, ushort dport, byte flags)
    {
        byte[] f = new byte[54];
        int o = FrameBuilder.WriteEthernet(f, GoldenFrames.MacB, GoldenFrames.MacA, EthernetFields.TypeIpv4);
        o += FrameBuilder.WriteIpv4(f.AsSpan(o), GoldenFrames.Ip(src), GoldenFrames.Ip(dst), IpProtocols.Tcp, 20);
        FrameBuilder.WriteTcp(f.AsSpan(o), sport, dport, 1, 0, flags);
        FrameBuilder.FinishL4Ipv4(f.AsSpan(14));
        return f;
    }

    [Test]
    public void PermittedOutbound_ThenReply_BothPassAndOneConnectionTracked()
    {
        FirewallNode fw = CreateFirewall();
        VnfHarness h = new(fw);

        h.Send(GoldenFrames.Udp4(60, "10.0.0.1", "8.8.8.8", 5000, 53));
        h.Send(GoldenFrames.Udp4(60, "8.8.8.8", "10.0.0.1", 53, 5000));

        Assert.That(h.Received("out"), Has.Count.EqualTo(2));
        Assert.That(fw.ConnectionCount, Is.EqualTo(1));
        Assert.That(h.Counters["new_connections"], Is.EqualTo(1));
        h.AssertNoLeak();
    }

    [Test]
    public void UnsolicitedInbound_DeniedByDefault()
    {
        VnfHarness h = new(CreateFirewall());

        h.Send(GoldenFrames.Udp4(60, "8.8.8.8", "10.0.0.1", 53, 5000));

        Assert.That(h.TotalReceived, Is.Zero);
        Assert.That(h.Counters["acl_deny"], Is.EqualTo(1));
        h.AssertNoLeak();
    }

    [Test]
    public void FirstMatchingRule_Wins()
    {
        VnfHarness h = new(CreateFirewall());

        h.Send(GoldenFrames.Udp4(60, "10.0.0.66", "8.8.8.8", 5000, 53));

        Assert.That(h.Counters["acl_deny"], Is.EqualTo(1));
    }

    [Test]
    public void Tcp_PortRuleAndSyn_OnlySynOn443Opens()
    {
        VnfHarness h = new(CreateFirewall());

        h.SendMany(
        [
            Tcp("10.0.0.1", "1.2.3.4", 40000, 80, TcpFields.Syn),
            Tcp("10.0.0.1", "1.2.3.4", 40001, 443, TcpFields.Ack),
            Tcp("10.0.0.1", "1.2.3.4", 40002, 443, TcpFields.Syn),
            Tcp("1.2.3.4", "10.0.0.1", 443, 40002, TcpFields.Syn | TcpFields.Ack),
        ]);

        Assert.That(h.Counters["acl_deny"], Is.EqualTo(1));
        Assert.That(h.Counters["tcp_no_syn"], Is.EqualTo(1));
        Assert.That(h.Received("out"), Has.Count.EqualTo(2));
    }

    [Test]
    public void IdleConnection_ExpiresAfterTimeout_ThenReplyIsDenied()
    {
        FirewallNode fw = CreateFirewall();
        VnfHarness h = new(fw);
        h.Send(GoldenFrames.Udp4(60, "10.0.0.1", "8.8.8.8", 5000, 53));

        h.Advance(TimeSpan.FromSeconds(31));
        for (int i = 0; i < 200; i++)
        {
            h.Graph.Poll();
        }

        h.Send(GoldenFrames.Udp4(60, "8.8.8.8", "10.0.0.1", 53, 5000));

        Assert.That(fw.ConnectionCount, Is.Zero);
        Assert.That(h.Counters["expired"], Is.EqualTo(1));
        Assert.That(h.Counters["acl_deny"], Is.EqualTo(1));
    }

    [Test]
    public void ConnectionTableFull_NewConnectionsDroppedAndCounted()
    {
        FirewallNode fw = CreateFirewall(maxConnections: 4);
        VnfHarness h = new(fw);

        h.SendMany([.. Enumerable.Range(0, 6).Select(i => GoldenFrames.Udp4(60, "10.0.0.1", "8.8.8.8", (ushort)(5000 + i), 53))]);

        Assert.That(h.Received("out"), Has.Count.EqualTo(4));
        Assert.That(h.Counters["conntrack_full"], Is.EqualTo(2));
        h.AssertNoLeak();
    }

    [Test]
    public void TwoInstances_TrackConnectionsSeparately()
    {
        FirewallNode a = CreateFirewall("fwA");
        FirewallNode b = CreateFirewall("fwB");
        VnfHarness ha = new(a);
        VnfHarness hb = new(b);

        ha.Send(GoldenFrames.Udp4(60, "10.0.0.1", "8.8.8.8", 5000, 53));
        hb.Send(GoldenFrames.Udp4(60, "8.8.8.8", "10.0.0.1", 53, 5000));

        Assert.That(a.ConnectionCount, Is.EqualTo(1));
        Assert.That(b.ConnectionCount, Is.Zero);
        Assert.That(hb.Counters["acl_deny"], Is.EqualTo(1));
    }

    [Test]
    public void NonIpv4_Passes()
    {
        VnfHarness h = new(CreateFirewall());

        h.Send(GoldenFrames.All().Single(f => f.Name == "arp_request").Bytes);

        Assert.That(h.Received("out"), Has.Count.EqualTo(1));
        Assert.That(h.Counters["non_ipv4"], Is.EqualTo(1));
    }
}
