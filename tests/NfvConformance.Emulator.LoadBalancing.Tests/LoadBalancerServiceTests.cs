// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Net;
using System.Text;
using NfvConformance.Abstractions.LoadBalancing;
using NfvConformance.Packets;
using NfvConformance.Emulator.LoadBalancing.Protocols;

namespace NfvConformance.Emulator.LoadBalancing.Tests;

public sealed class LoadBalancerServiceTests
{
    private static readonly LbFailoverTrial Trial = new(200, 20_000, TimeSpan.FromMilliseconds(500), "lb-lb1", TimeSpan.FromMilliseconds(100), 50);

    [Test]
    public async Task WithStateSyncTheCrashedInstancesConnectionsKeepTheirMember()
    {
        Lab lab = await Lab.OpenAsync();
        LbFailoverResult r = await lab.Service.RunFailoverTrialAsync("lb", Trial);
        Assert.That(r.ConnectionsOnCrashedInstance, Is.GreaterThan(0));
        Assert.That(r.ConnectionsKeptMember, Is.EqualTo(r.ConnectionsOnCrashedInstance));
        Assert.That(r.ConnectionsMovedMember, Is.Zero);
        Assert.That(r.PacketsLost, Is.GreaterThan(0));
        Assert.That(r.RecoveryTime, Is.LessThanOrEqualTo(TimeSpan.FromMilliseconds(150)).And.GreaterThan(TimeSpan.FromMilliseconds(100)));
        Assert.That(r.NewConnectionsServed, Is.EqualTo(r.NewConnections));
    }

    [Test]
    public async Task WithoutStateSyncConnectionsMoveToOtherMembers()
    {
        Lab lab = await Lab.OpenAsync(new LoadBalancerEmulationOptions { StateSync = false });
        LbFailoverResult r = await lab.Service.RunFailoverTrialAsync("lb", Trial);
        Assert.That(r.ConnectionsMovedMember, Is.GreaterThan(0));
        Assert.That(r.ConnectionsKeptMember, Is.LessThan(r.ConnectionsOnCrashedInstance));
    }

    [Test]
    public async Task TheTrialRepeatsWithTheSameSeed()
    {
        LbFailoverResult a = await (await Lab.OpenAsync()).Service.RunFailoverTrialAsync("lb", Trial);
        LbFailoverResult b = await (await Lab.OpenAsync()).Service.RunFailoverTrialAsync("lb", Trial);
        Assert.That(b, Is.EqualTo(a));
    }

    [Test]
    public async Task ScaleOutAndZoneRecoveryStayInTheLocalEnvironment()
    {
        Lab lab = await Lab.OpenAsync();
        LoadBalancerView v = await lab.Service.ScaleOutAsync("lb", 2);
        Assert.That(v.Instances.Select(i => i.Zone), Is.All.AnyOf("az-1", "az-2"));
        Assert.That(v.Instances.Select(i => i.Subnet), Is.All.EqualTo("10.1.0.0/24"));
        LbZoneRecovery z = await lab.Service.FailZoneAsync("lb", "az-1");
        Assert.That(z.LostInstances, Is.Not.Empty);
        Assert.That(z.Replacements.Select(i => i.Zone), Is.All.EqualTo("az-2"));
        Assert.That(z.LostMembers, Is.EquivalentTo(new[] { "m1", "a1" }));
        Assert.That((await lab.Service.DescribeAsync("lb")).Members.Single(m => m.Name == "m1").Healthy, Is.False);
    }

    [Test]
    public async Task WithoutLocalPlacementReplacementsLandInAnotherZone()
    {
        Lab lab = await Lab.OpenAsync(new LoadBalancerEmulationOptions { StayInLocalEnvironment = false });
        LbZoneRecovery z = await lab.Service.FailZoneAsync("lb", "az-1");
        Assert.That(z.Replacements.Select(i => i.Zone), Has.Some.EqualTo("az-3"));
    }

    [Test]
    public async Task EventsCarryRfc5424Severities()
    {
        Lab lab = await Lab.OpenAsync();
        await lab.Service.SetMemberServingAsync("lb", "m2", false);
        await lab.Service.RunHealthMonitorAsync("lb");
        await lab.Service.SetMemberServingAsync("lb", "m2", true);
        await lab.Service.RunHealthMonitorAsync("lb");
        await lab.Service.CrashInstanceAsync("lb", "lb-lb2");
        IReadOnlyList<LbEvent> events = await lab.Service.ReadEventsAsync("lb");
        Assert.That(events.Single(e => e.Kind == "member-down").Severity, Is.EqualTo(LbSeverity.Error));
        Assert.That(events.Single(e => e.Kind == "member-up").Severity, Is.EqualTo(LbSeverity.Notice));
        Assert.That(events.Single(e => e.Kind == "instance-failover").Severity, Is.EqualTo(LbSeverity.Warning));
        Assert.That(events.Single(e => e.Kind == "member-down").Syslog, Does.StartWith("<131>1 "));
        Assert.That(events.Select(e => e.Time), Is.Ordered);
    }

    [Test]
    public async Task WithoutSeverityLevelsEveryEventIsInformational()
    {
        Lab lab = await Lab.OpenAsync(new LoadBalancerEmulationOptions { SeverityLevels = false });
        await lab.Service.CrashInstanceAsync("lb", "lb-lb2");
        Assert.That((await lab.Service.ReadEventsAsync("lb")).Select(e => e.Severity), Is.All.EqualTo(LbSeverity.Informational));
    }

    [Test]
    public async Task DsrRewritesOnlyTheMacAndTheReplyBypassesTheBalancer()
    {
        Lab lab = await Lab.OpenAsync(mode: LbForwardingMode.DirectServerReturn);
        byte[] syn = lab.Tcp("198.51.100.7", 40001, 80, TcpFields.Syn);
        LbExchange x = await lab.SendAsync(syn);
        byte[] atMember = x.Forwarded.Single().Frame;
        Assert.That(atMember.AsSpan(14).ToArray(), Is.EqualTo(syn.AsSpan(14).ToArray()), "IP and TCP untouched");
        Assert.That(atMember.AsSpan(0, 6).ToArray(), Is.Not.EqualTo(syn.AsSpan(0, 6).ToArray()));
        LbReplyFrame reply = x.Replies.Single();
        Assert.That(reply.ViaInstance, Is.Null);
        Assert.That(new IPAddress(reply.Frame.AsSpan(26, 4)), Is.EqualTo(lab.Vip));
    }

    [Test]
    public async Task DsrThatTranslatesIsCaught()
    {
        Lab lab = await Lab.OpenAsync(new LoadBalancerEmulationOptions { DsrRewritesOnlyMac = false }, LbForwardingMode.DirectServerReturn);
        LbExchange x = await lab.SendAsync(lab.Tcp("198.51.100.7", 40001, 80, TcpFields.Syn));
        Assert.That(new IPAddress(x.Forwarded.Single().Frame.AsSpan(30, 4)), Is.Not.EqualTo(lab.Vip));
        Assert.That(new IPAddress(x.Replies.Single().Frame.AsSpan(26, 4)), Is.Not.EqualTo(lab.Vip));
    }

    [Test]
    public async Task NatRepliesCrossTheBalancerFromTheVip()
    {
        Lab lab = await Lab.OpenAsync();
        LbExchange x = await lab.SendAsync(lab.Tcp("198.51.100.7", 40001, 80, TcpFields.Syn));
        Assert.That(new IPAddress(x.Forwarded.Single().Frame.AsSpan(30, 4)).ToString(), Does.StartWith("10.1.0.2"));
        Assert.That(x.Replies.Single().ViaInstance, Is.EqualTo(x.Instance));
        Assert.That(new IPAddress(x.Replies.Single().Frame.AsSpan(26, 4)), Is.EqualTo(lab.Vip));
        Assert.That(PacketParser.Parse(x.Replies.Single().Frame, out ParsedPacket p), Is.EqualTo(ParseResult.Ok));
        Assert.That(InternetChecksum.VerifyTransport(x.Replies.Single().Frame.AsSpan(26, 4), x.Replies.Single().Frame.AsSpan(30, 4), IpProtocols.Tcp, x.Replies.Single().Frame.AsSpan(p.L4Offset)), Is.True);
    }

    [TestCase("198.51.100.7")]
    [TestCase("2001:db8:1::7")]
    public async Task OutOfOrderFragmentsReachOneMemberThatReassemblesThem(string client)
    {
        Lab lab = await Lab.OpenAsync(null, LbForwardingMode.Nat, new LbListenerSpec("udp", LbProtocol.Udp, 53, "web"));
        for (uint id = 1; id <= 12; id++)
        {
            List<byte[]> f = lab.Fragments(client, (ushort)(5000 + id), 53, new byte[3000], id, 1200);
            List<LbExchange> xs = await lab.SendAllAsync([f[2], f[0], f[1]]);
            Assert.That(xs[0].Held, Is.True);
            List<LbForwardedFrame> all = [.. xs.SelectMany(x => x.Forwarded)];
            Assert.That(all, Has.Count.EqualTo(3));
            Assert.That(all.Select(a => a.Member).Distinct().Count(), Is.EqualTo(1));
            Assert.That(xs.SelectMany(x => x.Replies).Single().Frame, Is.Not.Empty, "the member reassembled a datagram whose checksum verified, and answered");
        }
    }

    [Test]
    public async Task NaiveFragmentHashingSplitsDatagrams()
    {
        Lab lab = await Lab.OpenAsync(new LoadBalancerEmulationOptions { FragmentAware = false }, LbForwardingMode.Nat, new LbListenerSpec("udp", LbProtocol.Udp, 53, "web"));
        int split = 0;
        for (uint id = 1; id <= 12; id++)
        {
            List<byte[]> f = lab.Fragments("198.51.100.7", (ushort)(5000 + id), 53, new byte[3000], id, 1200);
            split += (await lab.SendAllAsync(f)).SelectMany(x => x.Forwarded).Select(a => a.Member).Distinct().Count() > 1 ? 1 : 0;
        }

        Assert.That(split, Is.GreaterThan(0));
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task SctpAssociationStaysOnOneMemberAcrossPaths(bool aware)
    {
        Lab lab = await Lab.OpenAsync(new LoadBalancerEmulationOptions { SctpAware = aware }, LbForwardingMode.Nat, new LbListenerSpec("sctp", LbProtocol.Sctp, 3868, "web"));
        int kept = 0;
        for (int a = 0; a < 6; a++)
        {
            string primary = $"198.51.100.{10 + a}";
            string secondary = $"203.0.113.{10 + a}";
            LbExchange init = await lab.SendAsync(lab.Sctp(primary, 3868, 3868, 0, new SctpChunk(SctpPacket.Init, 0, SctpPacket.InitValue((uint)(0x1000 + a), 1, [IPAddress.Parse(primary), IPAddress.Parse(secondary)], null))));
            byte[] ack = init.Replies.Single().Frame;
            SctpPacket.TryParse(ack.AsSpan(34), out SctpPacket? initAck);
            uint serverTag = initAck!.InitiateTag!.Value;
            byte[] data = new byte[16];
            LbExchange second = await lab.SendAsync(lab.Sctp(secondary, 3868, 3868, serverTag, new SctpChunk(SctpPacket.Data, 3, data)));
            SctpPacket.TryParse(second.Replies.Single().Frame.AsSpan(34), out SctpPacket? answer);
            kept += second.Forwarded.Single().Member == init.Forwarded.Single().Member && answer!.Chunks[0].Type == SctpPacket.Sack ? 1 : 0;
        }

        Assert.That(kept, aware ? Is.EqualTo(6) : Is.LessThan(6));
    }

    [Test]
    public async Task SctpWithABadChecksumIsDropped()
    {
        Lab lab = await Lab.OpenAsync(null, LbForwardingMode.Nat, new LbListenerSpec("sctp", LbProtocol.Sctp, 3868, "web"));
        byte[] f = lab.Sctp("198.51.100.9", 3868, 3868, 0, new SctpChunk(SctpPacket.Init, 0, SctpPacket.InitValue(9, 1, [], null)));
        f[^1] ^= 0xFF;
        Assert.That((await lab.SendAsync(f)).DropReason, Is.EqualTo("bad_sctp_checksum"));
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task MptcpJoinReachesTheMemberThatHoldsTheKey(bool aware)
    {
        Lab lab = await Lab.OpenAsync(new LoadBalancerEmulationOptions { MptcpAware = aware }, LbForwardingMode.Nat, new LbListenerSpec("mptcp", LbProtocol.MptcpTcp, 443, "web"));
        int verified = 0;
        for (int c = 0; c < 6; c++)
        {
            ulong keyA = 0x1111_0000_0000_0000UL + (ulong)c;
            string first = $"198.51.100.{20 + c}";
            LbExchange syn = await lab.SendAsync(lab.Tcp(first, 50000, 443, TcpFields.Syn, MptcpOption.Capable(null, null)));
            byte[] synAck = syn.Replies.Single().Frame;
            ulong keyB = MptcpOption.Find(synAck.AsSpan(34))!.SenderKey!.Value;
            await lab.SendAsync(lab.Tcp(first, 50000, 443, TcpFields.Ack, MptcpOption.Capable(keyA, keyB)));
            byte[] join = new byte[12];
            join[0] = 30;
            join[1] = 12;
            join[2] = 0x10;
            BinaryPrimitives.WriteUInt32BigEndian(join.AsSpan(4), MptcpOption.Token(keyB));
            BinaryPrimitives.WriteUInt32BigEndian(join.AsSpan(8), 0xABCD);
            LbExchange j = await lab.SendAsync(lab.Tcp($"203.0.113.{20 + c}", 50001, 443, TcpFields.Syn, join));
            MptcpOption? answer = MptcpOption.Find(j.Replies.Single().Frame.AsSpan(34));
            bool ok = answer is { JoinTruncatedHmac: { } hmac, JoinRandom: { } rb } && hmac == MptcpOption.JoinHmac(keyB, keyA, rb, 0xABCD);
            verified += ok && j.Forwarded.Single().Member == syn.Forwarded.Single().Member ? 1 : 0;
        }

        Assert.That(verified, aware ? Is.EqualTo(6) : Is.LessThan(6));
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task QuicConnectionKeepsItsMemberWhenTheClientMigrates(bool byCid)
    {
        Lab lab = await Lab.OpenAsync(new LoadBalancerEmulationOptions { QuicConnectionIdRouting = byCid }, LbForwardingMode.Nat, new LbListenerSpec("quic", LbProtocol.Quic, 443, "web"));
        int kept = 0;
        for (int c = 0; c < 6; c++)
        {
            byte[] dcid = [0xC3, 1, 2, 3, 4, 5, 6, (byte)c];
            byte[] scid = [0xEE, 0, 0, (byte)c];
            byte[] initial = [0xC0, 0, 0, 0, 1, 8, .. dcid, 4, .. scid, 0, 0x44, 0xB0, .. new byte[1180]];
            LbExchange first = await lab.SendAsync(lab.Udp($"198.51.100.{30 + c}", 51000, 443, initial));
            QuicHeader.TryParse(first.Replies.Single().Frame.AsSpan(42), 8, out QuicHeader? serverHello);
            byte[] shortHeader = [0x41, .. serverHello!.SourceConnectionId, 1, 2, 3, 4];
            LbExchange migrated = await lab.SendAsync(lab.Udp($"203.0.113.{30 + c}", 62000, 443, shortHeader));
            kept += migrated.Forwarded.Count == 1 && migrated.Forwarded[0].Member == first.Forwarded.Single().Member && migrated.Replies.Count == 1 ? 1 : 0;
        }

        Assert.That(kept, byCid ? Is.EqualTo(6) : Is.LessThan(6));
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task HttpRequestsAreRoutedByHostAndPath(bool l7)
    {
        Lab lab = await Lab.OpenAsync(new LoadBalancerEmulationOptions { L7Routing = l7 }, LbForwardingMode.Nat, new LbListenerSpec("http", LbProtocol.Http, 80, "web") { Rules = [new LbRouteRule("api", "shop.example", "/api/")] });
        await lab.SendAsync(lab.Tcp("198.51.100.40", 41000, 80, TcpFields.Syn));
        LbExchange api = await lab.SendAsync(lab.Tcp("198.51.100.40", 41000, 80, TcpFields.Ack | 0x08, payload: Encoding.ASCII.GetBytes("GET /api/v1 HTTP/1.1\r\nHost: shop.example\r\n\r\nGET /img HTTP/1.1\r\nHost: shop.example\r\n\r\n")));
        Assert.That(api.Forwarded.Select(f => f.Pool), Is.EqualTo(l7 ? new[] { "api", "web" } : new[] { "web", "web" }));
        Assert.That(Encoding.ASCII.GetString(api.Forwarded[0].Frame.AsSpan(54)), Does.Contain("X-Forwarded-For: 198.51.100.40"));
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task HttpsIsRoutedByTheSniOfARealClientHello(bool l7)
    {
        Lab lab = await Lab.OpenAsync(new LoadBalancerEmulationOptions { L7Routing = l7 }, LbForwardingMode.Nat, new LbListenerSpec("https", LbProtocol.Https, 443, "web") { Rules = [new LbRouteRule("api", "api.example", null)] });
        byte[] hello = await NfvConformance.Packets.TlsHandshakeCapture.ClientHelloAsync("api.example");
        await lab.SendAsync(lab.Tcp("198.51.100.41", 41001, 443, TcpFields.Syn));
        LbExchange x = await lab.SendAsync(lab.Tcp("198.51.100.41", 41001, 443, TcpFields.Ack | 0x08, payload: hello));
        Assert.That(x.Forwarded.Single().Pool, Is.EqualTo(l7 ? "api" : "web"));
        Assert.That(x.Forwarded.Single().Frame.AsSpan(54).ToArray(), Is.EqualTo(hello));
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task Http2StreamsOfOneConnectionGoToDifferentPools(bool perStream)
    {
        Lab lab = await Lab.OpenAsync(new LoadBalancerEmulationOptions { Http2PerStreamRouting = perStream }, LbForwardingMode.Nat, new LbListenerSpec("h2", LbProtocol.Http2, 443, "web") { Rules = [new LbRouteRule("api", null, "/api/")] });
        await lab.SendAsync(lab.Tcp("198.51.100.42", 41002, 443, TcpFields.Syn));

        // Stream 1: GET, https, :path literal, :authority literal with incremental indexing (enters the dynamic table as 62).
        byte[] block1 = [0x82, 0x87, 0x04, 6, .. "/api/x"u8, 0x41, 9, .. "a.example"u8];

        // Stream 3: GET, :path / (static 4), :authority from the dynamic table (62), https.
        byte[] block3 = [0x82, 0x84, 0xBE, 0x87];
        List<byte> bytes = [.. Http2ConnectionReader.Preface, 0, 0, 0, 4, 0, 0, 0, 0, 0];
        bytes.AddRange([0, 0, (byte)block1.Length, 1, 5, 0, 0, 0, 1, .. block1]);
        bytes.AddRange([0, 0, (byte)block3.Length, 1, 5, 0, 0, 0, 3, .. block3]);
        LbExchange x = await lab.SendAsync(lab.Tcp("198.51.100.42", 41002, 443, TcpFields.Ack | 0x08, payload: [.. bytes]));
        Assert.That(x.Forwarded.Select(f => f.Pool), Is.EqualTo(perStream ? new[] { "api", "web" } : new[] { "api", "api" }));
        if (perStream)
        {
            // The member reads the backend connection with its own decoder: the request arrived whole.
            Http2ConnectionReader member = new();
            Http2Request upstream = member.Feed(x.Forwarded[1].Frame.AsSpan(54)).Single();
            Assert.That((upstream.Authority, upstream.Path), Is.EqualTo(("a.example", "/")));
        }
    }

    [Test]
    public async Task Http2IndexOutsideTheTablesIsAProtocolError()
    {
        Lab lab = await Lab.OpenAsync(null, LbForwardingMode.Nat, new LbListenerSpec("h2", LbProtocol.Http2, 443, "web"));
        await lab.SendAsync(lab.Tcp("198.51.100.43", 41003, 443, TcpFields.Syn));
        List<byte> bytes = [.. Http2ConnectionReader.Preface, 0, 0, 4, 1, 5, 0, 0, 0, 1, 0x82, 0x84, 0xBE, 0x87];
        LbExchange x = await lab.SendAsync(lab.Tcp("198.51.100.43", 41003, 443, TcpFields.Ack | 0x08, payload: [.. bytes]));
        Assert.That(x.DropReason, Does.Contain("index 62"));
    }

    [Test]
    public async Task InvalidSpecsNameEveryProblem()
    {
        LoadBalancerService s = new(new LoadBalancerEmulationOptions(), 1, TimeProvider.System);
        LoadBalancerSpec bad = new("x", "10.9.0.1", "n", "10.1.0.0/24", ["az-9"], 0, LbForwardingMode.DirectServerReturn,
            [new LbListenerSpec("h", LbProtocol.Http, 80, "nope")],
            [new LbPoolSpec("p", [new LbMemberSpec("m", "10.2.0.1", "az-1", "10.2.0.0/24")])]);
        Assert.That(async () => await s.CreateAsync(bad), Throws.ArgumentException
            .With.Message.Contains("outside the subnet")
            .And.Message.Contains("az-9")
            .And.Message.Contains("instances: 0")
            .And.Message.Contains("default pool 'nope'")
            .And.Message.Contains("cannot use direct server return")
            .And.Message.Contains("must be on the load balancer's subnet"));
    }
}
