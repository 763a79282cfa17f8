// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NfvConformance.Abstractions.LoadBalancing;
using NfvConformance.Lab.Linux.LoadBalancing;
using NfvConformance.Lab.Linux.Run;
using NfvConformance.Lab.Linux.Tests.Chains;
using NfvConformance.Packets;

namespace NfvConformance.Lab.Linux.Tests.LoadBalancing;

/// <summary>
/// The linux load-balancer service on real namespaces, nftables and sockets: what the LoadBalancing scenarios check,
/// and the breaks that make them fail (a balancer that hashes on L3 only, a monitor that never marks a member down).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class LoadBalancerTests
{
    private static readonly byte[] ClientMac = [0x02, 0xc1, 0x00, 0x00, 0x00, 0x01];
    private LabRun? _run;
    private LinuxLoadBalancerService? _service;

    [SetUp]
    public async Task StartLab() => ChainLabHost.Require("bridge");

    [TearDown]
    public async Task StopLab()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
            _service = null;
        }

        if (_run is not null)
        {
            string token = _run.Token;
            await _run.DisposeAsync();
            _run = null;
            List<string> left = [.. (await Shell.RunAsync("ip", ["netns", "list"])).Stdout.Split('\n').Where(l => l.Contains(token, StringComparison.Ordinal))];
            Assert.That(left, Is.Empty, "the load balancer left namespaces behind");
        }
    }

    [Test]
    public async Task Nat_TcpConnections_SpreadOverMembersAndInstances_AndEachFlowKeepsItsMember()
    {
        LoadBalancerView v = await CreateAsync(Web("10.60.0", LbForwardingMode.Nat, 2));
        Dictionary<int, string> member = [];
        HashSet<string> instances = [];
        for (int c = 0; c < 40; c++)
        {
            LbExchange x = await Service.SendAsync(v.Name, Tcp(v, Client(c), (ushort)(30000 + c), 80, Syn));
            Assert.That(x.Forwarded, Has.Count.EqualTo(1), $"client {c}: {x.DropReason}");
            Assert.That(x.Replies, Has.Count.EqualTo(1), $"client {c} got no SYN-ACK");
            Assert.That(Tcp(x.Replies[0].Frame)[13], Is.EqualTo(Syn | Ack), "the reply is not a SYN-ACK");
            Assert.That(x.Replies[0].ViaInstance, Is.EqualTo(x.Instance), "the NAT reply did not return through the instance");
            member[c] = x.Forwarded[0].Member;
            instances.Add(x.Instance!);
        }

        for (int c = 0; c < 10; c++)
        {
            LbExchange again = await Service.SendAsync(v.Name, Tcp(v, Client(c), (ushort)(30000 + c), 80, Syn));
            Assert.That(again.Forwarded[0].Member, Is.EqualTo(member[c]), $"flow {c} changed member");
        }

        Assert.Multiple(() =>
        {
            Assert.That(member.Values.Distinct().Count(), Is.EqualTo(3), "the flows did not reach every member");
            Assert.That(instances, Has.Count.EqualTo(2), "the flows did not use both instances");
        });
    }

    [Test]
    public async Task HealthMonitor_MarksAStoppedMemberDownWithinThreeProbes_AndUpAgain_AndLogsBoth()
    {
        LoadBalancerView v = await CreateAsync(Web("10.61.0", LbForwardingMode.Nat, 2));
        await Service.SetMemberServingAsync(v.Name, "web-2", false);
        TimeSpan down = await Service.RunHealthMonitorAsync(v.Name);
        Assert.That((await Service.DescribeAsync(v.Name)).Members.Single(m => m.Name == "web-2").Healthy, Is.False);
        for (int c = 0; c < 30; c++)
        {
            LbExchange x = await Service.SendAsync(v.Name, Tcp(v, Client(c), (ushort)(31000 + c), 80, Syn));
            Assert.That(x.Forwarded.Select(f => f.Member), Has.No.Member("web-2"), "a member marked down still gets new connections");
        }

        await Service.SetMemberServingAsync(v.Name, "web-2", true);
        _ = await Service.RunHealthMonitorAsync(v.Name);
        IReadOnlyList<LbEvent> events = await Service.ReadEventsAsync(v.Name);
        LoadBalancerView settled = await Service.DescribeAsync(v.Name);
        Assert.Multiple(() =>
        {
            Assert.That(down, Is.LessThan(TimeSpan.FromSeconds(5)));
            Assert.That(settled.Members.All(m => m.Healthy), Is.True, string.Join("; ", events.Select(e => e.Syslog)));
            Assert.That(events.Select(e => (e.Kind, e.Subject, e.Severity)), Is.EqualTo(new[]
            {
                ("config-change", v.Name, LbSeverity.Notice),
                ("member-down", "web-2", LbSeverity.Error),
                ("member-up", "web-2", LbSeverity.Notice),
            }));
            Assert.That(events.Select(e => e.Syslog[..5]), Is.EqualTo(new[] { "<133>", "<131>", "<133>" }), "PRI = local0 * 8 + severity");
        });
    }

    [Test]
    public async Task Break_AMonitorThatNeverMarksDown_LogsNoMemberDown_SoTheEventsScenarioFails()
    {
        LoadBalancerView v = await CreateAsync(Web("10.61.0", LbForwardingMode.Nat, 2), new LinuxLoadBalancerOptions { FailsToMarkDown = int.MaxValue, HealthMonitorLimit = TimeSpan.FromSeconds(1) });
        await Service.SetMemberServingAsync(v.Name, "web-2", false);
        _ = await Service.RunHealthMonitorAsync(v.Name);
        Assert.That((await Service.ReadEventsAsync(v.Name)).Select(e => e.Kind), Has.No.Member("member-down"));
    }

    [Test]
    public async Task CrashInstance_KillsItsNamespace_LogsDownAndFailover_AndTheOthersCarryEveryFlow()
    {
        LoadBalancerView v = await CreateAsync(Web("10.60.0", LbForwardingMode.Nat, 2));
        string crashed = v.Instances[1].Name;
        await Service.CrashInstanceAsync(v.Name, crashed);
        LoadBalancerView after = await Service.ScaleOutAsync(v.Name, 1);
        for (int c = 0; c < 20; c++)
        {
            LbExchange x = await Service.SendAsync(v.Name, Tcp(v, Client(c), (ushort)(32000 + c), 80, Syn));
            Assert.That(x.Replies, Has.Count.EqualTo(1), $"client {c} was not served after the crash");
            Assert.That(x.Instance, Is.Not.EqualTo(crashed));
        }

        IReadOnlyList<LbEvent> logged = await Service.ReadEventsAsync(v.Name);
        Assert.Multiple(() =>
        {
            Assert.That(after.Instances.Select(i => i.Up), Is.EqualTo(new[] { true, false, true }));
            Assert.That(logged.Select(e => (e.Kind, e.Subject, e.Severity)).Skip(1), Is.EqualTo(new[]
            {
                ("instance-down", crashed, LbSeverity.Critical),
                ("instance-failover", crashed, LbSeverity.Warning),
                ("config-change", after.Instances[2].Name, LbSeverity.Notice),
            }));
        });
    }

    [TestCase("198.51.100.63")]
    [TestCase("2001:db8:100::63")]
    public async Task Nat_OutOfOrderFragments_ReachOneMember_WhichReassemblesAndAnswersOnce(string client) =>
        Assert.That(await FragmentedDatagramsAsync(client, new LinuxLoadBalancerOptions()), Has.Count.GreaterThanOrEqualTo(2), "the datagrams were not spread over members");

    /// <summary>
    /// The reply window (150 ms from the send) is not a budget for this process's own scheduling: the members' services
    /// run on its thread pool, so on a loaded host a member's answer can be late though nothing was lost. A member that
    /// holds each datagram 400 ms before answering stands for that, and is still heard, once per datagram.
    /// </summary>
    [Test]
    public async Task Nat_AMemberThatAnswersLate_IsStillHeard_BecauseItHoldsADatagramItOwesAnAnswerTo() =>
        Assert.That(await FragmentedDatagramsAsync("198.51.100.63", new LinuxLoadBalancerOptions { AnswerDelay = TimeSpan.FromMilliseconds(400) }, datagrams: 2), Is.Not.Empty);

    [Test]
    public async Task Break_AnL3OnlyHash_SendsEveryFlowOfOneClientToOneMember_SoTheSpreadCheckFails() =>
        Assert.That(await FragmentedDatagramsAsync("198.51.100.63", new LinuxLoadBalancerOptions { HashL3Only = true }), Has.Count.EqualTo(1));

    [TestCase(17)]
    [TestCase(6)]
    public async Task Dsr_OnlyTheMacIsRewritten_AndTheMemberAnswersFromTheVipStraightToTheRouter(int protocol)
    {
        LoadBalancerSpec spec = new("lb-dsr", "10.62.0.10", "tenant-a", "10.62.0.0/24", ["az-1", "az-2"], 2, LbForwardingMode.DirectServerReturn,
            [new LbListenerSpec("dns-udp", LbProtocol.Udp, 53, "dns"), new LbListenerSpec("dns-tcp", LbProtocol.Tcp, 53, "dns")],
            [new LbPoolSpec("dns", [Member("dns-1", "10.62.0.21"), Member("dns-2", "10.62.0.22"), Member("dns-3", "10.62.0.23")])]);
        LoadBalancerView v = await CreateAsync(spec);
        Dictionary<string, string> macs = v.Members.ToDictionary(m => m.Name, m => m.Mac);
        HashSet<string> used = [];
        for (int c = 0; c < 20; c++)
        {
            byte[] sent = protocol == 17 ? Udp(v, Client(c), IPAddress.Parse(v.Vip), (ushort)(33000 + c), 53, Encoding.ASCII.GetBytes($"query {c}")) : Tcp(v, Client(c), (ushort)(33000 + c), 53, Syn);
            LbExchange x = await Service.SendAsync(v.Name, sent);
            Assert.That(x.Forwarded, Has.Count.EqualTo(1), $"flow {c}: {x.DropReason}");
            byte[] got = x.Forwarded[0].Frame;
            Assert.That(Mac(got.AsSpan(0, 6)), Is.EqualTo(macs[x.Forwarded[0].Member]));
            Assert.That(got.AsSpan(14).SequenceEqual(sent.AsSpan(14)), Is.True, "the packet changed beyond the Ethernet header");
            Assert.That(x.Replies, Has.Count.EqualTo(1), $"flow {c} got {x.Replies.Count} replies");
            LbReplyFrame r = x.Replies[0];
            Assert.That((r.ViaInstance, r.Member), Is.EqualTo(((string?)null, x.Forwarded[0].Member)));
            Assert.That(Mac(r.Frame.AsSpan(0, 6)), Is.EqualTo(v.GatewayMac));
            Assert.That(new IPAddress(r.Frame.AsSpan(26, 4)).ToString(), Is.EqualTo(v.Vip), "the member did not answer from the VIP");
            used.Add(x.Forwarded[0].Member);
        }

        Assert.That(used, Has.Count.GreaterThanOrEqualTo(2));
    }

    [Test]
    public async Task WhatOneHostCannotDo_IsRefusedAsAValue_AndNothingIsCreated()
    {
        LoadBalancerSpec http = Web("10.64.0", LbForwardingMode.Nat, 2) with { Listeners = [new LbListenerSpec("http", LbProtocol.Http, 80, "web")] };
        _run = LabRun.Start();
        _service = new LinuxLoadBalancerService(_run);
        LoadBalancerView refused = await Service.CreateAsync(http);
        Assert.That(refused.Refusal, Does.Contain("http (Http)"));
        Assert.That(async () => await Service.DescribeAsync(http.Name), Throws.ArgumentException, "a refused load balancer was created");

        LoadBalancerView v = await CreateAsync(Web("10.60.0", LbForwardingMode.Nat, 2));
        LbZoneRecovery zone = await Service.FailZoneAsync(v.Name, "az-1");
        Assert.Multiple(() =>
        {
            Assert.That(zone.Refusal, Is.EqualTo(LinuxLoadBalancerService.NoZones));
            Assert.That(Service, Is.Not.InstanceOf<ILoadBalancingSimulation>(), "real gear has no virtual time: the failover trial is not offered at all (@requires:virtual-time-trials)");
        });
    }

    private const byte Syn = 0x02;
    private const byte Ack = 0x10;

    private LinuxLoadBalancerService Service => _service ?? throw new InvalidOperationException("no service");

    private async Task<LoadBalancerView> CreateAsync(LoadBalancerSpec spec, LinuxLoadBalancerOptions? options = null)
    {
        _run ??= LabRun.Start();
        _service ??= new LinuxLoadBalancerService(_run, options);
        LoadBalancerView v = await Service.CreateAsync(spec);
        Assert.That(v.Refusal, Is.Null);
        return v;
    }

    /// <summary>Sends 8 (or <paramref name="datagrams"/>) datagrams of 3000 bytes as 1200-byte fragments, last first; checks what the Fragment scenario checks; returns the members used.</summary>
    private async Task<HashSet<string>> FragmentedDatagramsAsync(string client, LinuxLoadBalancerOptions options, int datagrams = 8)
    {
        LoadBalancerSpec spec = new("lb-frag", "10.63.0.10", "tenant-a", "10.63.0.0/24", ["az-1", "az-2"], 2, LbForwardingMode.Nat,
            [new LbListenerSpec("udp-5060", LbProtocol.Udp, 5060, "udp")],
            [new LbPoolSpec("udp", [Member("udp-1", "10.63.0.21", "2001:db8:63::21"), Member("udp-2", "10.63.0.22", "2001:db8:63::22"), Member("udp-3", "10.63.0.23", "2001:db8:63::23")])])
        { Vip6 = "2001:db8:63::10" };
        LoadBalancerView v = await CreateAsync(spec, options);
        IPAddress source = IPAddress.Parse(client);
        IPAddress vip = IPAddress.Parse(source.AddressFamily == AddressFamily.InterNetworkV6 ? v.Vip6! : v.Vip);
        HashSet<string> used = [];
        for (int d = 0; d < datagrams; d++)
        {
            ushort sport = (ushort)(33000 + d);
            List<byte[]> fragments = Fragment(v, source, vip, sport, 5060, new byte[3000], (uint)(0x100 + d), 1200);
            List<LbExchange> xs = [];
            foreach (byte[] f in Enumerable.Reverse(fragments))
            {
                xs.Add(await Service.SendAsync(v.Name, f));
            }

            List<LbForwardedFrame> got = [.. xs.SelectMany(x => x.Forwarded)];
            Assert.That(got, Has.Count.EqualTo(fragments.Count), $"datagram {d}: {got.Count} of {fragments.Count} fragments reached a member");
            Assert.That(got.Select(g => g.Member).Distinct().Count(), Is.EqualTo(1), $"datagram {d}'s fragments reached several members");
            List<LbReplyFrame> replies = [.. xs.SelectMany(x => x.Replies)];
            Assert.That(replies, Has.Count.EqualTo(1), $"datagram {d}: {replies.Count} replies");
            string answer = Encoding.ASCII.GetString(UdpPayload(replies[0].Frame));
            Assert.That(answer, Does.EndWith(" 3000"));
            LbExchange whole = await Service.SendAsync(v.Name, Udp(v, source, vip, sport, 5060, new byte[64]));
            Assert.That(whole.Forwarded.Select(f => f.Member), Is.EqualTo(new[] { got[0].Member }), $"datagram {d}: the unfragmented datagram of its flow went elsewhere");
            used.Add(got[0].Member);
        }

        return used;
    }

    private static LoadBalancerSpec Web(string net, LbForwardingMode mode, int instances) =>
        new("lb-web", $"{net}.10", "tenant-a", $"{net}.0/24", ["az-1", "az-2"], instances, mode,
            [new LbListenerSpec("tcp-80", LbProtocol.Tcp, 80, "web")],
            [new LbPoolSpec("web", [Member("web-1", $"{net}.21"), Member("web-2", $"{net}.22"), Member("web-3", $"{net}.23")])]);

    private static LbMemberSpec Member(string name, string address, string? address6 = null) =>
        new(name, address, name.EndsWith("-1", StringComparison.Ordinal) ? "az-1" : "az-2", string.Join('.', address.Split('.')[..3]) + ".0/24") { Address6 = address6 };

    private static IPAddress Client(int c) => new([198, 18, (byte)(c / 250), (byte)((c % 250) + 1)]);

    private static string Mac(ReadOnlySpan<byte> mac) => string.Join(":", mac.ToArray().Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));

    private static byte[] Frame(LoadBalancerView v, IPAddress source, IPAddress destination, byte protocol, byte[] l4, ushort id = 0)
    {
        byte[] f = new byte[IpFrames.FrameLength(source.GetAddressBytes().Length, l4.Length)];
        IpFrames.Write(f, LbWire.ParseMac(v.VipMac), ClientMac, source.GetAddressBytes(), destination.GetAddressBytes(), protocol, l4, id);
        return f;
    }

    private static byte[] Tcp(LoadBalancerView v, IPAddress source, ushort sport, ushort dport, byte flags)
    {
        byte[] t = new byte[20];
        BinaryPrimitives.WriteUInt16BigEndian(t, sport);
        BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(2), dport);
        BinaryPrimitives.WriteUInt32BigEndian(t.AsSpan(4), 1000);
        t[12] = 5 << 4;
        t[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(14), 65535);
        return Frame(v, source, IPAddress.Parse(v.Vip), 6, t);
    }

    private static byte[] Tcp(byte[] frame) => frame[(14 + ((frame[14] & 0x0F) * 4))..];

    private static byte[] Udp(LoadBalancerView v, IPAddress source, IPAddress destination, ushort sport, ushort dport, byte[] payload)
    {
        byte[] u = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(u, sport);
        BinaryPrimitives.WriteUInt16BigEndian(u.AsSpan(2), dport);
        BinaryPrimitives.WriteUInt16BigEndian(u.AsSpan(4), (ushort)u.Length);
        payload.CopyTo(u, 8);
        return Frame(v, source, destination, 17, u);
    }

    private static byte[] UdpPayload(byte[] frame) => frame[12] == 0x86 ? frame[(54 + 8)..] : frame[(14 + ((frame[14] & 0x0F) * 4) + 8)..];

    private static List<byte[]> Fragment(LoadBalancerView v, IPAddress source, IPAddress destination, ushort sport, ushort dport, byte[] payload, uint id, int chunk) =>
        IpFragmenter.Fragment(Udp(v, source, destination, sport, dport, payload), chunk, id);
}
