// Licensed under the Apache License, Version 2.0.
using System.Net;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Lab.Linux.Traffic;
using NfvConformance.Traffic.Methods;

namespace NfvConformance.Lab.Linux.Tests.Traffic;

/// <summary>The AF_PACKET generator on real veths, namespaces, kernel forwarding, nftables and tc.</summary>
[TestFixture]
[NonParallelizable]
public sealed class AfPacketGeneratorTests
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

    [TestCase(false, TestName = "BackToBack_counts_every_frame_of_several_streams_and_allocates_nothing_per_frame")]
    [TestCase(true, TestName = "BackToBack_through_the_transmit_ring_counts_every_frame_and_allocates_nothing_per_frame")]
    public async Task BackToBack_counts_every_frame_of_several_streams_and_allocates_nothing_per_frame(bool txRing)
    {
        using GeneratorTestLab lab = new();
        (AfPacketPort a, AfPacketPort b) = lab.BackToBack();
        using AfPacketGenerator gen = new(new AfPacketGeneratorOptions { Ports = [a, b], TxRing = txRing });
        TrafficStream v6tcp = new()
        {
            Name = "v6-tcp",
            TxPort = 0,
            RxPort = 1,
            FrameSizes = FrameSizeMix.Single(128),
            FlowCount = 16,
            Headers = new HeaderStack { L3 = L3Protocol.IPv6, L4 = L4Protocol.Tcp, SourceIp = IPAddress.Parse("2001:db8::1"), DestinationIp = IPAddress.Parse("2001:db8:1::1") },
            RateShare = 1,
        };
        TrafficProfile profile = new([Udp4("v4-udp", 0, 1, flows: 100) with { RateShare = 3 }, v6tcp, Udp4("reverse", 1, 0, size: 256)]);
        long rxBefore = lab.RxPackets(b.Namespace!, b.Interface) + lab.RxPackets(a.Namespace!, a.Interface);

        TrialResult r = await gen.RunTrialAsync(Request(profile, 10_000, 1));

        AfPacketTrialDetail d = gen.LastTrial!;
        long rxKernel = lab.RxPackets(b.Namespace!, b.Interface) + lab.RxPackets(a.Namespace!, a.Interface) - rxBefore;
        Assert.Multiple(() =>
        {
            Assert.That(r.TxPackets, Is.EqualTo(20_000).Within(5).Percent, "two ports at 10 kpps for 1 s (a loaded host may fall a little behind: that is flagged, not hidden)");
            Assert.That((double)d.Streams[0].Sent / d.Streams[1].Sent, Is.EqualTo(3.0).Within(0.01), "rate shares 3 and 1 on port 0");
            Assert.That(rxKernel, Is.EqualTo(r.TxPackets), "the veths counted exactly the frames the generator says it sent");
            foreach (AfPacketStreamDetail s in d.Streams)
            {
                Assert.That(s.Unique + s.Lost, Is.EqualTo(s.Sent), s.Name + ": sent = unique + lost");
                Assert.That(s.Lost, Is.Zero, s.Name + ": a cable loses nothing");
                Assert.That(s.OutOfOrder + s.Duplicates, Is.Zero, s.Name + ": a cable neither reorders nor duplicates");
            }

            Assert.That(r.RxPackets, Is.EqualTo(r.TxPackets));
            Assert.That(r.Latency.Count, Is.EqualTo(r.RxPackets), "every received frame is timed by its kernel receive timestamp");
            Assert.That(r.Latency.Min, Is.GreaterThan(0));
            Assert.That(r.Flags & MeasurementFlags.Disturbed, Is.EqualTo(MeasurementFlags.None), r.Note);
            Assert.That(d.ForeignFrames + d.StaleFrames + d.RingDrops, Is.Zero);
            Assert.That(d.TxAllocatedBytes, Is.LessThan(64 * 1024), $"sending {r.TxPackets} frames allocated {d.TxAllocatedBytes} B");
            Assert.That(d.RxAllocatedBytes, Is.LessThan(64 * 1024), $"receiving {r.RxPackets} frames allocated {d.RxAllocatedBytes} B");
        });
    }

    [Test]
    public async Task A_router_that_drops_one_frame_in_twenty_is_counted_exactly_as_its_nft_counter_says()
    {
        using GeneratorTestLab lab = new();
        RouterPath path = lab.Router();
        lab.Nft(path.Mid, "add table ip loss", "add chain ip loss fw { type filter hook forward priority 0; }", "add rule ip loss fw numgen inc mod 20 0 counter drop");
        using AfPacketGenerator gen = new(new AfPacketGeneratorOptions { Ports = [path.Port0, path.Port1] });

        TrialResult r = await gen.RunTrialAsync(Request(new TrafficProfile([Udp4("s", 0, 1, path.RouterMac, flows: 10)]), 20_000, 1));

        long dropped = lab.NftCounter(path.Mid, "ip", "loss", "fw");
        AfPacketStreamDetail s = gen.LastTrial!.Streams[0];
        Assert.Multiple(() =>
        {
            Assert.That(dropped, Is.EqualTo(s.Sent / 20).Within(1), "the router dropped one in twenty");
            Assert.That(s.Lost, Is.EqualTo(dropped), "loss counted by sequence numbers = the router's drop counter");
            Assert.That(s.Unique + s.Lost, Is.EqualTo(s.Sent));
            Assert.That(s.Duplicates, Is.Zero);
            Assert.That(r.LossRatio, Is.EqualTo(0.05).Within(0.001));
        });
    }

    [Test]
    public async Task A_path_that_duplicates_is_counted_duplicate_not_received_twice()
    {
        using GeneratorTestLab lab = new();
        RouterPath path = lab.Router();
        lab.Nft(path.Mid, "add table netdev copy", $"add chain netdev copy in {{ type filter hook ingress device \"{path.MidIn}\" priority 0; }}", $"add rule netdev copy in numgen inc mod 50 0 counter dup to \"{path.MidOut}\"");
        using AfPacketGenerator gen = new(new AfPacketGeneratorOptions { Ports = [path.Port0, path.Port1] });

        await gen.RunTrialAsync(Request(new TrafficProfile([Udp4("s", 0, 1, path.RouterMac)]), 10_000, 1));

        long copies = lab.NftCounter(path.Mid, "netdev", "copy", "in");
        AfPacketStreamDetail s = gen.LastTrial!.Streams[0];
        Assert.Multiple(() =>
        {
            Assert.That(copies, Is.GreaterThan(150));
            Assert.That(s.Duplicates, Is.EqualTo(copies), "every copy the path made is a duplicate");
            Assert.That(s.Received, Is.EqualTo(s.Sent + copies));
            Assert.That(s.Unique, Is.EqualTo(s.Sent));
            Assert.That(s.Lost, Is.Zero);
        });
    }

    [Test]
    public async Task A_path_that_delays_some_frames_behind_a_shaper_is_counted_out_of_order_and_not_lost()
    {
        using GeneratorTestLab lab = new();
        Require.Tool("tc", "apt-get install iproute2");
        RouterPath path = lab.Router();
        // One frame in thirty is steered into an HTB class shaped to 16 kbit/s: those wait and arrive after later frames.
        lab.Nft(path.Mid, "add table ip slow", "add chain ip slow fw { type filter hook forward priority 0; }", "add rule ip slow fw numgen inc mod 30 0 counter meta priority set 1:20");
        lab.Exec(path.Mid, "tc", "qdisc", "add", "dev", path.MidOut, "root", "handle", "1:", "htb", "default", "10");
        lab.Exec(path.Mid, "tc", "class", "add", "dev", path.MidOut, "parent", "1:", "classid", "1:10", "htb", "rate", "10gbit");
        lab.Exec(path.Mid, "tc", "class", "add", "dev", path.MidOut, "parent", "1:", "classid", "1:20", "htb", "rate", "16kbit", "burst", "1600", "cburst", "1600");
        using AfPacketGenerator gen = new(new AfPacketGeneratorOptions { Ports = [path.Port0, path.Port1], ResidualWait = TimeSpan.FromSeconds(4) });

        await gen.RunTrialAsync(Request(new TrafficProfile([Udp4("s", 0, 1, path.RouterMac)]), 3_000, 1));

        long slowed = lab.NftCounter(path.Mid, "ip", "slow", "fw");
        AfPacketStreamDetail s = gen.LastTrial!.Streams[0];
        Assert.Multiple(() =>
        {
            Assert.That(slowed, Is.EqualTo(s.Sent / 30.0).Within(1), "one frame in thirty went through the shaped class");
            Assert.That(s.OutOfOrder, Is.GreaterThan(10).And.LessThanOrEqualTo(slowed), $"frames held by the shaper arrive after later ones ({slowed} shaped, {s.Sent} sent)");
            Assert.That(s.Lost, Is.Zero, "late is not lost");
            Assert.That(s.Unique, Is.EqualTo(s.Sent));
            Assert.That(s.Duplicates, Is.Zero);
        });
    }

    [Test]
    public async Task A_trials_frames_are_captured_to_a_pcap_file_that_tshark_reads()
    {
        using GeneratorTestLab lab = new();
        string tshark = Require.Tool("tshark", "apt-get install tshark");
        if (!File.Exists("/usr/lib/x86_64-linux-gnu/libpcap.so.0.8") && !File.Exists("/usr/lib/libpcap.so.0.8"))
        {
            Require.Missing("libpcap is not installed; install it with: apt-get install libpcap0.8");
        }

        (AfPacketPort a, AfPacketPort b) = lab.BackToBack();
        string dir = Path.Combine(Path.GetTempPath(), lab.Token + "-pcap");
        try
        {
            using AfPacketGenerator gen = new(new AfPacketGeneratorOptions { Ports = [a, b] }) { Capture = new TrialCapture(dir, 1, "udp dst port 5678") };
            await gen.RunTrialAsync(Request(new TrafficProfile([Udp4("s", 0, 1), Udp4("other", 0, 1) with { Headers = new HeaderStack { DestinationPort = 9999 } }]), 4_000, 1));

            AfPacketTrialDetail d = gen.LastTrial!;
            string text = GeneratorTestLab.Run(tshark, "-r", d.CaptureFile!, "-T", "fields", "-e", "frame.len", "-e", "udp.dstport", "-e", "ip.dst");
            string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Multiple(() =>
            {
                Assert.That(d.CapturedFrames, Is.EqualTo(d.Streams[0].Received), "the filter kept exactly the first stream's frames");
                Assert.That(lines, Has.Length.EqualTo(d.CapturedFrames), "tshark reads every captured frame");
                Assert.That(lines, Has.All.EqualTo("60\t5678\t48.0.0.1"), "64-byte frames (60 without FCS) to 48.0.0.1:5678");
            });
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, true);
            }
        }
    }

    [TestCase(false, TestName = "A_trial_offered_above_the_calibrated_ceiling_is_inconclusive_never_a_fail")]
    [TestCase(true, TestName = "AfXdp_ceiling_calibration_gives_a_ceiling_that_flags_a_trial_above_it")]
    public async Task A_trial_offered_above_the_calibrated_ceiling_is_inconclusive_never_a_fail(bool afXdp)
    {
        using GeneratorTestLab lab = new();
        (AfPacketPort a, AfPacketPort b) = lab.BackToBack();
        GeneratorCeiling ceiling;
        using (AfPacketGenerator b2b = afXdp ? AfXdpGeneratorTests.OpenAfXdp(a, b) : new(new AfPacketGeneratorOptions { Ports = [a, b] }))
        {
            ceiling = await GeneratorCalibration.RunAsync(b2b, 64, TimeSpan.FromSeconds(1));
        }

        using AfPacketGenerator gen = new(new AfPacketGeneratorOptions { Ports = [a, b], CeilingPpsPerPort = ceiling.CeilingPps, AfXdp = afXdp });
        TrialResult above = await gen.RunTrialAsync(Request(new TrafficProfile([Udp4("s", 0, 1)]), ceiling.CeilingPps * 1.5, 0.5));
        TrialResult below = await gen.RunTrialAsync(Request(new TrafficProfile([Udp4("s", 0, 1)]), 10_000, 0.5));

        // The control trial can honestly fall short on a loaded host: another lab's real-time generator thread on the
        // same CPU shares its real-time budget, and the sender counted 9036-9578 of the 10000 pps under CI-like load. The
        // generator then says so ("the generator sent N of the M pps"), rightly; only that shortfall is tried again (at
        // most twice), so a generator that flags every trial, or drops frames, still fails the checks below.
        for (int again = 0; again < 2 && !below.IsConclusive && below.Note?.Contains("the generator sent", StringComparison.Ordinal) == true; again++)
        {
            TestContext.Out.WriteLine($"control trial tried again: {below.Note}");
            below = await gen.RunTrialAsync(Request(new TrafficProfile([Udp4("s", 0, 1)]), 10_000, 0.5));
        }

        Assert.Multiple(() =>
        {
            Assert.That(ceiling.CeilingPps, Is.GreaterThan(10_000), "a veth pair takes far more than 10 kpps");
            Assert.That(ceiling.CeilingReceived, Is.EqualTo(ceiling.CeilingSent), "back to back nothing is lost");
            Assert.That(ceiling.Floor.Count, Is.GreaterThan(9_000));
            Assert.That(ceiling.LatencyFloor.BiasNs, Is.GreaterThan(0));
            Assert.That(above.Flags.HasFlag(MeasurementFlags.OfferedLoadNotReached), Is.True);
            Assert.That(above.IsConclusive, Is.False);
            Assert.That(above.Note, Does.Contain("ceiling").And.Contain("generator-bound"));
            Assert.That(below.IsConclusive, Is.True, below.Note);
            Assert.That(below.RxPackets, Is.EqualTo(below.TxPackets));
            Assert.That(gen.TransmitMethod, Does.StartWith(afXdp ? "af_xdp" : "af_packet"));
        });
    }

    [Test]
    public async Task Ndr_search_against_a_real_kernel_router_finds_a_figure_or_flags_the_generator()
    {
        using GeneratorTestLab lab = new();
        (AfPacketPort a, AfPacketPort b) = lab.BackToBack();
        GeneratorCeiling ceiling;
        using (AfPacketGenerator b2b = new(new AfPacketGeneratorOptions { Ports = [a, b] }))
        {
            ceiling = await GeneratorCalibration.RunAsync(b2b, 64, TimeSpan.FromSeconds(1));
        }

        RouterPath path = lab.Router();
        using AfPacketGenerator gen = new(new AfPacketGeneratorOptions { Ports = [path.Port0, path.Port1], CeilingPpsPerPort = ceiling.CeilingPps });
        TrafficProfile profile = new([Udp4("s", 0, 1, path.RouterMac, flows: 64)]);
        double linePps = TrafficRate.LineRatePps(gen.Info.LineRateBitsPerSecond, 64);
        NdrPdrResult result = await NdrPdrSearch.RunAsync(gen, profile, new NdrPdrOptions
        {
            Method = NdrSearchMethod.Bisection,
            TrialDuration = TimeSpan.FromSeconds(0.5),
            InitialTrialDuration = TimeSpan.FromSeconds(0.5),
            MaxLoadPercent = Math.Min(100, ceiling.CeilingPps / linePps * 100),
            BisectionRangePercent = 100,
            ResolutionPercent = Math.Max(0.05, ceiling.CeilingPps / linePps * 100 / 16),
            MaxTrials = 12,
            LatencyPps = 0,
        });

        TestContext.Out.WriteLine($"ceiling {ceiling.CeilingPps:F0} pps; router NDR {result.NdrPps:F0} pps, PDR {result.PdrPps:F0} pps, conclusive {result.IsConclusive}: {result.Note}");
        Assert.Multiple(() =>
        {
            Assert.That(result.Trials, Is.Not.Empty);
            Assert.That(result.Trials.All(t => t.TxPackets > 0), Is.True, "every trial sent real frames");
            Assert.That(result.NdrPps, Is.LessThanOrEqualTo(ceiling.CeilingPps * 1.001));
            if (result.IsConclusive)
            {
                Assert.That(result.NdrPps, Is.GreaterThan(0), "a kernel router forwards something without loss");
            }
            else
            {
                Assert.That(result.Note, Does.Contain("generator-bound").Or.Contain("maximum"), "an inconclusive search says why");
            }
        });
    }

    [TestCase(5_000)]
    [TestCase(20_000)]
    public async Task A_low_rate_sender_sleeps_between_frames_and_keeps_its_real_time_budget(double pps)
    {
        // A real-time sender that spun between frames used the kernel's whole real-time budget (95 % of each second)
        // and was throttled at 0.95 s of a 1 s trial, which was then flagged generator-bound. A spinning sender uses 0.93 to
        // 1.0 s of CPU here; a sleeping one about 0.1 to 0.5 s, more when parallel test assemblies load the host (0.53 s seen
        // in CI at 20 kpps), so the line is drawn at 0.8 s: well below the throttling budget, well above a sleeping sender.
        using GeneratorTestLab lab = new();
        (AfPacketPort a, AfPacketPort b) = lab.BackToBack();
        using AfPacketGenerator gen = new(new AfPacketGeneratorOptions { Ports = [a, b], RealTimePriority = 10 });

        TrialResult r = await gen.RunTrialAsync(Request(new TrafficProfile([Udp4("low", 0, 1)]), pps, 1));

        AfPacketTrialDetail d = gen.LastTrial!;
        Assert.Multiple(() =>
        {
            Assert.That(r.TxPackets, Is.EqualTo(pps).Within(2).Percent, r.Note);
            Assert.That(d.TxCpuSeconds, Is.LessThan(0.8), $"the sender used {d.TxCpuSeconds:F3} s of CPU in a 1 s trial at {pps} pps: it spins between frames");
        });
    }

    [Test]
    public void A_port_that_does_not_exist_is_a_configuration_error_naming_it()
    {
        ConfigurationException e = Assert.Throws<ConfigurationException>(() => _ = new AfPacketGenerator(new AfPacketGeneratorOptions { Ports = [new AfPacketPort("nfvc-nosuch0")] }))!;
        Assert.That(e.Message, Does.Contain("nfvc-nosuch0"));
    }

    [Test]
    public async Task A_stream_the_generator_cannot_build_is_refused_before_any_frame_is_sent()
    {
        using GeneratorTestLab lab = new();
        (AfPacketPort a, AfPacketPort b) = lab.BackToBack();
        using AfPacketGenerator gen = new(new AfPacketGeneratorOptions { Ports = [a, b] });
        TrafficStream vxlan = Udp4("vx", 0, 1, size: 128) with { Headers = new HeaderStack { VxlanVni = 5 } };
        long before = lab.RxPackets(b.Namespace!, b.Interface);

        ConfigurationException e = Assert.ThrowsAsync<ConfigurationException>(async () => await gen.RunTrialAsync(Request(new TrafficProfile([vxlan]), 1000, 0.2)))!;

        Assert.That(e.Message, Does.Contain("VXLAN").And.Contain("'vx'"));
        Assert.That(lab.RxPackets(b.Namespace!, b.Interface), Is.EqualTo(before));
    }

    [Test]
    public async Task Bench_generator_reports_the_figures_nfvc_prints()
    {
        Require.Root();
        GeneratorBenchReport r = await GeneratorBench.RunAsync(new GeneratorBenchOptions { FrameSize = 64, Seconds = 1 });
        string json = r.ToJson();
        Assert.Multiple(() =>
        {
            Assert.That(r.Sent, Is.GreaterThan(10_000));
            Assert.That(r.Received + r.Lost, Is.EqualTo(r.Sent));
            Assert.That(r.Pps, Is.EqualTo(r.Sent / r.Seconds).Within(1).Percent);
            foreach (string key in (string[])["\"frame_size\":64", "\"seconds\":", "\"sent\":", "\"received\":", "\"pps\":", "\"method\":"])
            {
                Assert.That(json, Does.Contain(key));
            }
        });
    }
}
