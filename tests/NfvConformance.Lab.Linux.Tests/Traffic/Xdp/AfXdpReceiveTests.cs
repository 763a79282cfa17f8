// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;
using System.Net;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Lab.Linux.Traffic;
using NfvConformance.Lab.Linux.Traffic.Xdp;

namespace NfvConformance.Lab.Linux.Tests.Traffic.Xdp;

/// <summary>
/// The generator's AF_XDP receiver on real veths: its XDP program and XSKMAP, the per-stream accounting of what it
/// receives, the frames it leaves to the kernel (ARP, neighbour discovery, ICMP), and its detachment.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class AfXdpReceiveTests
{
    private static TrafficStream Udp4(string name, int tx, int rx, byte[]? dstMac = null, int size = 64, int flows = 1) => new()
    {
        Name = name,
        TxPort = tx,
        RxPort = rx,
        FrameSizes = FrameSizeMix.Single(size),
        FlowCount = flows,
        Headers = new HeaderStack { DestinationMac = dstMac ?? [0x02, 0, 0, 0, 0, 0x02] },
    };

    private static TrialRequest Request(TrafficProfile profile, double pps, double seconds) =>
        new() { Profile = profile, RatePerPort = TrafficRate.Pps(pps), Duration = TimeSpan.FromSeconds(seconds), LatencyPps = 0 };

    /// <summary>Opens a generator that receives through AF_XDP; a kernel that refuses skips the test locally and fails it under CI=true.</summary>
    private static AfPacketGenerator OpenXdpReceiver(AfPacketPort a, AfPacketPort b, XdpRxFault fault = XdpRxFault.None)
    {
        AfPacketGenerator gen = new(new AfPacketGeneratorOptions { Ports = [a, b], RxMethod = GeneratorRxMethod.AfXdp, XdpRxFault = fault });
        if (gen.AfXdpRxFallback is { } reason)
        {
            gen.Dispose();
            Require.Missing("this kernel refuses the AF_XDP receiver: " + reason);
        }

        return gen;
    }

    [Test]
    public async Task AfXdpReceive_back_to_back_counts_every_frame_of_several_streams_in_sequence_with_a_timestamp_each()
    {
        using GeneratorTestLab lab = new();
        (AfPacketPort a, AfPacketPort b) = lab.BackToBack();
        using AfPacketGenerator gen = OpenXdpReceiver(a, b);
        TrafficStream v6tcp = new()
        {
            Name = "v6-tcp",
            TxPort = 0,
            RxPort = 1,
            FrameSizes = FrameSizeMix.Custom("128+1518", [new(128, 1), new(1518, 1)]),
            FlowCount = 16,
            Headers = new HeaderStack { L3 = L3Protocol.IPv6, L4 = L4Protocol.Tcp, SourceIp = IPAddress.Parse("2001:db8::1"), DestinationIp = IPAddress.Parse("2001:db8:1::1") },
        };
        TrafficProfile profile = new([Udp4("v4-udp", 0, 1, flows: 100) with { RateShare = 3 }, v6tcp, Udp4("reverse", 1, 0, size: 256)]);

        TrialResult r = await gen.RunTrialAsync(Request(profile, 10_000, 1));

        AfPacketTrialDetail d = gen.LastTrial!;
        Assert.Multiple(() =>
        {
            Assert.That(d.ReceiveMethod, Does.StartWith("af_xdp rx"));
            Assert.That(d.AfXdpRxFallback, Is.Null);
            Assert.That(r.TxPackets, Is.EqualTo(20_000).Within(5).Percent, "two ports at 10 kpps for 1 s");
            foreach (AfPacketStreamDetail s in d.Streams)
            {
                Assert.That(s.Sent, Is.GreaterThan(1_000), s.Name);
                Assert.That(s.Unique + s.Lost, Is.EqualTo(s.Sent), s.Name + ": sent = unique + lost");
                Assert.That(s.Lost, Is.Zero, s.Name + ": a cable loses nothing");
                Assert.That(s.OutOfOrder + s.Duplicates + s.TooOld, Is.Zero, s.Name + ": in order, once");
            }

            Assert.That(r.RxPackets, Is.EqualTo(r.TxPackets), "every frame sent was received");
            Assert.That(r.Latency.Count, Is.EqualTo(r.RxPackets), "every frame received has a latency");
            Assert.That(r.Latency.Max, Is.LessThan(1_000_000_000), "receive stamps on the transmit stamps' clock: a stamp left on CLOCK_MONOTONIC would be decades off");
            Assert.That(r.Latency.ValueAtPercentile(50), Is.GreaterThan(0), "received after sent");
            Assert.That(d.ForeignFrames + d.StaleFrames + d.RingDrops, Is.Zero);
            Assert.That(d.RxAllocatedBytes, Is.LessThan(64 * 1024), $"receiving {r.RxPackets} frames allocated {d.RxAllocatedBytes} B");
        });
    }

    [Test]
    public async Task AfXdpReceive_on_a_two_queue_veth_reads_every_queue_where_two_af_xdp_workers_send()
    {
        using GeneratorTestLab lab = new();
        (AfPacketPort a, AfPacketPort b) = lab.BackToBack(queues: 2);
        using AfPacketGenerator gen = new(new AfPacketGeneratorOptions { Ports = [a with { Receive = false }, b], AfXdp = true, Threads = 2, RxMethod = GeneratorRxMethod.AfXdp });
        if (gen.AfXdpRxFallback is not null || gen.AfXdpFallback is not null)
        {
            Require.Missing("this kernel refuses AF_XDP: " + (gen.AfXdpRxFallback ?? gen.AfXdpFallback));
        }

        TrialResult r = await gen.RunTrialAsync(Request(new TrafficProfile([Udp4("w0", 0, 1), Udp4("w1", 0, 1)]), 10_000, 0.5));

        AfPacketTrialDetail d = gen.LastTrial!;
        Assert.Multiple(() =>
        {
            Assert.That(gen.ReceiveMethod, Does.Contain("2 queues"));
            Assert.That(d.SentPerWorker.All(n => n > 1_000), Is.True, "both workers (queues 0 and 1) sent");
            Assert.That(r.RxPackets, Is.EqualTo(r.TxPackets), "frames of both queues received: none passed to the kernel uncounted");
            Assert.That(d.Streams.Sum(s => s.Lost), Is.Zero);
        });
    }

    [Test]
    public async Task AfXdpReceive_behind_a_router_that_drops_every_50th_frame_reports_exactly_those_lost()
    {
        using GeneratorTestLab lab = new();
        RouterPath path = lab.Router();
        lab.Nft(path.Mid, "add table ip loss", "add chain ip loss fw { type filter hook forward priority 0; }", "add rule ip loss fw numgen inc mod 50 0 counter drop");
        using AfPacketGenerator gen = OpenXdpReceiver(path.Port0, path.Port1);

        TrialResult r = await gen.RunTrialAsync(Request(new TrafficProfile([Udp4("s", 0, 1, path.RouterMac, flows: 10)]), 20_000, 1));

        long dropped = lab.NftCounter(path.Mid, "ip", "loss", "fw");
        AfPacketStreamDetail s = gen.LastTrial!.Streams[0];
        Assert.Multiple(() =>
        {
            Assert.That(dropped, Is.GreaterThan(100));
            Assert.That(s.Lost, Is.EqualTo(dropped), "the frames nftables dropped, no more, no fewer");
            Assert.That(s.Unique + s.Lost, Is.EqualTo(s.Sent));
            Assert.That(r.RxPackets, Is.EqualTo(r.TxPackets - dropped));
            Assert.That(gen.LastTrial!.RingDrops, Is.Zero);
        });
    }

    [TestCase(false, TestName = "AfXdpReceive_leaves_arp_icmp_and_neighbour_discovery_to_the_kernel")]
    [TestCase(true, TestName = "AfXdpReceive_with_a_program_that_redirects_everything_breaks_arp_and_neighbour_discovery")]
    public void AfXdpReceive_and_the_kernel_path(bool redirectEverything)
    {
        XdpRxFault fault = redirectEverything ? XdpRxFault.RedirectEverything : XdpRxFault.None;
        bool reachable = !redirectEverything;
        using GeneratorTestLab lab = new();
        Require.Tool("ping", "apt-get install iputils-ping");
        RouterPath path = lab.Router();
        string g1 = path.Port1.Interface;

        // The generator's receiving port gets addresses; the router must resolve them (ARP, neighbour solicitation).
        foreach (string ns in (string[])[path.Gen, path.Mid])
        {
            lab.Exec(ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=0", "net.ipv6.conf.default.disable_ipv6=0");
        }

        lab.Exec(path.Gen, "sysctl", "-qw", $"net.ipv6.conf.{g1}.disable_ipv6=0");
        lab.Exec(path.Mid, "sysctl", "-qw", $"net.ipv6.conf.{path.MidOut}.disable_ipv6=0");
        lab.Ip("-n", path.Mid, "neigh", "del", "10.250.1.2", "dev", path.MidOut);
        lab.Ip("-n", path.Gen, "addr", "add", "10.250.1.2/24", "dev", g1);
        lab.Ip("-n", path.Gen, "addr", "add", "fd00:250:1::2/64", "dev", g1, "nodad");
        lab.Ip("-n", path.Mid, "addr", "add", "fd00:250:1::1/64", "dev", path.MidOut, "nodad");
        using AfPacketGenerator gen = OpenXdpReceiver(path.Port0, path.Port1, fault);
        string link = lab.Ip("-n", path.Gen, "-d", "link", "show", "dev", g1);

        int v4 = Exit("ip", "netns", "exec", path.Mid, "ping", "-c", "2", "-W", "5", "10.250.1.2");
        int v6 = Exit("ip", "netns", "exec", path.Mid, "ping", "-6", "-c", "2", "-W", "5", "fd00:250:1::2");

        Assert.Multiple(() =>
        {
            Assert.That(link, Does.Contain("prog/xdp"), "the program is attached while the generator is open");
            Assert.That(v4 == 0, Is.EqualTo(reachable), "IPv4 ping (ARP first) of the receiving port");
            Assert.That(v6 == 0, Is.EqualTo(reachable), "IPv6 ping (neighbour discovery first) of the receiving port");
        });
    }

    [Test]
    public async Task AfXdpReceive_and_the_af_xdp_sender_on_one_port_send_through_af_packet_and_say_so()
    {
        using GeneratorTestLab lab = new();
        (AfPacketPort a, AfPacketPort b) = lab.BackToBack();
        using AfPacketGenerator gen = new(new AfPacketGeneratorOptions { Ports = [a with { Receive = false }, b], AfXdp = true, RxMethod = GeneratorRxMethod.AfXdp });
        if (gen.AfXdpRxFallback is not null || gen.AfXdpFallback is not null)
        {
            Require.Missing("this kernel refuses AF_XDP: " + (gen.AfXdpRxFallback ?? gen.AfXdpFallback));
        }

        TrialResult forward = await gen.RunTrialAsync(Request(new TrafficProfile([Udp4("s", 0, 1)]), 10_000, 0.3));
        TrialResult reverse = await gen.RunTrialAsync(Request(new TrafficProfile([Udp4("s", 1, 0), Udp4("t", 0, 1)]), 10_000, 0.3));

        Assert.Multiple(() =>
        {
            Assert.That(gen.TransmitMethod, Does.StartWith("af_xdp"), "port 0 sends through AF_XDP");
            Assert.That(forward.Note ?? string.Empty, Does.Not.Contain("sent through AF_PACKET"), "nothing sent from the receiving port: nothing to say (a busy host may add its own note)");
            Assert.That(reverse.Note, Does.Contain("port 1 sent through AF_PACKET sendmmsg"));
            Assert.That(forward.RxPackets, Is.EqualTo(forward.TxPackets));
        });
    }

    [Test]
    public void AfXdpReceive_detaches_its_program_when_the_generator_is_disposed()
    {
        using GeneratorTestLab lab = new();
        (AfPacketPort a, AfPacketPort b) = lab.BackToBack();
        AfPacketGenerator gen = OpenXdpReceiver(a, b);
        string attached = lab.Ip("-n", b.Namespace!, "-d", "link", "show", "dev", b.Interface);

        gen.Dispose();

        string after = lab.Ip("-n", b.Namespace!, "-d", "link", "show", "dev", b.Interface);
        Assert.Multiple(() =>
        {
            Assert.That(attached, Does.Contain("prog/xdp"), "attached while open: the check below can see a program");
            Assert.That(after, Does.Not.Contain("prog/xdp"));
            Assert.That(after, Does.Not.Contain("xdpgeneric"));
        });
    }

    [Test]
    public async Task AfXdpReceive_refused_on_a_port_another_receiver_holds_falls_back_to_the_ring_with_the_reason()
    {
        using GeneratorTestLab lab = new();
        (AfPacketPort a, AfPacketPort b) = lab.BackToBack();
        using AfPacketGenerator first = OpenXdpReceiver(a, b);

        using AfPacketGenerator second = new(new AfPacketGeneratorOptions { Ports = [a, b], RxMethod = GeneratorRxMethod.AfXdp });
        first.Dispose();
        TrialResult r = await second.RunTrialAsync(Request(new TrafficProfile([Udp4("s", 0, 1)]), 10_000, 0.5));

        Assert.Multiple(() =>
        {
            Assert.That(second.AfXdpRxFallback, Does.Contain("AF_XDP receive refused on").And.Contain("errno"));
            Assert.That(second.ReceiveMethod, Is.EqualTo("tpacket_v3 rx ring"));
            Assert.That(second.LastTrial!.AfXdpRxFallback, Is.EqualTo(second.AfXdpRxFallback));
            Assert.That(r.RxPackets, Is.EqualTo(r.TxPackets), "the ring counts every frame instead");
        });
    }

    [Test]
    public void AfXdpReceive_refuses_frames_longer_than_its_chunks_before_sending()
    {
        using GeneratorTestLab lab = new();
        (AfPacketPort a, AfPacketPort b) = lab.BackToBack();
        using AfPacketGenerator gen = OpenXdpReceiver(a, b);

        ConfigurationException e = Assert.ThrowsAsync<ConfigurationException>(async () => await gen.RunTrialAsync(Request(new TrafficProfile([Udp4("jumbo", 0, 1, size: 4000)]), 1_000, 0.1)))!;

        Assert.That(e.Message, Does.Contain("af_xdp rx").And.Contain("receive them through AF_PACKET"));
    }

    private static int Exit(string tool, params string[] args)
    {
        ProcessStartInfo psi = new(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        using Process p = Process.Start(psi)!;
        _ = p.StandardOutput.ReadToEndAsync();
        _ = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(true);
            Assert.Fail($"{tool} {string.Join(' ', args)} timed out");
        }

        return p.ExitCode;
    }
}
