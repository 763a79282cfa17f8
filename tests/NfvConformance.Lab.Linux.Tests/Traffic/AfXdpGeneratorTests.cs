// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Net;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Lab.Linux.Traffic;
using NfvConformance.Packets;

namespace NfvConformance.Lab.Linux.Tests.Traffic;

/// <summary>
/// The generator's AF_XDP transmit path on real veths: what it sends arrives, counted by the AF_PACKET receiver (its
/// ceiling calibration is tested beside the AF_PACKET sender's, in <see cref="AfPacketGeneratorTests"/>).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class AfXdpGeneratorTests
{
    private static TrafficStream Udp4(string name, int tx, int rx, int size = 64, int flows = 1) => new()
    {
        Name = name,
        TxPort = tx,
        RxPort = rx,
        FrameSizes = FrameSizeMix.Single(size),
        FlowCount = flows,
        Headers = new HeaderStack { DestinationMac = [0x02, 0, 0, 0, 0, 0x02] },
    };

    private static TrafficStream V6Tcp(string name) => new()
    {
        Name = name,
        TxPort = 0,
        RxPort = 1,
        FrameSizes = FrameSizeMix.Custom("128+1518", [new(128, 1), new(1518, 1)]),
        FlowCount = 16,
        Headers = new HeaderStack { L3 = L3Protocol.IPv6, L4 = L4Protocol.Tcp, SourceIp = IPAddress.Parse("2001:db8::1"), DestinationIp = IPAddress.Parse("2001:db8:1::1") },
    };

    private static TrialRequest Request(TrafficProfile profile, double pps, double seconds) =>
        new() { Profile = profile, RatePerPort = TrafficRate.Pps(pps), Duration = TimeSpan.FromSeconds(seconds), LatencyPps = 0 };

    /// <summary>Opens an AF_XDP generator; a kernel that refuses AF_XDP skips the test locally and fails it under CI=true.</summary>
    internal static AfPacketGenerator OpenAfXdp(AfPacketPort a, AfPacketPort b, XdpTxFault fault = XdpTxFault.None, double ceiling = double.PositiveInfinity)
    {
        AfPacketGenerator gen = new(new AfPacketGeneratorOptions { Ports = [a, b], AfXdp = true, XdpFault = fault, CeilingPpsPerPort = ceiling });
        if (gen.AfXdpFallback is { } reason)
        {
            gen.Dispose();
            Require.Missing("this kernel refuses AF_XDP: " + reason);
        }

        return gen;
    }

    [Test]
    public async Task AfXdp_frames_arrive_on_the_peer_in_sequence_with_valid_checksums_and_nothing_allocated_per_frame()
    {
        using GeneratorTestLab lab = new();
        if (!File.Exists("/usr/lib/x86_64-linux-gnu/libpcap.so.0.8") && !File.Exists("/usr/lib/libpcap.so.0.8"))
        {
            Require.Missing("libpcap is not installed; install it with: apt-get install libpcap0.8");
        }

        (AfPacketPort a, AfPacketPort b) = lab.BackToBack();
        string dir = Path.Combine(Path.GetTempPath(), lab.Token + "-xdp");
        try
        {
            using AfPacketGenerator gen = OpenAfXdp(a, b);
            gen.Capture = new TrialCapture(dir, 1);
            TrafficProfile profile = new([Udp4("v4-udp", 0, 1, flows: 100) with { RateShare = 3 }, V6Tcp("v6-tcp"), Udp4("reverse", 1, 0, size: 256)]);
            long rxBefore = lab.RxPackets(b.Namespace!, b.Interface) + lab.RxPackets(a.Namespace!, a.Interface);

            TrialResult r = await gen.RunTrialAsync(Request(profile, 10_000, 1));

            AfPacketTrialDetail d = gen.LastTrial!;
            long rxKernel = lab.RxPackets(b.Namespace!, b.Interface) + lab.RxPackets(a.Namespace!, a.Interface) - rxBefore;
            (long frames, long badChecksums, long outOfSequence) = CheckCapture(d.CaptureFile!, d.Trial);
            Assert.Multiple(() =>
            {
                Assert.That(d.TransmitMethod, Does.StartWith("af_xdp"));
                Assert.That(d.AfXdpFallback, Is.Null);
                Assert.That(r.TxPackets, Is.EqualTo(20_000).Within(5).Percent, "two ports at 10 kpps for 1 s");
                Assert.That(rxKernel, Is.EqualTo(r.TxPackets - d.TxDropped), "the veths counted exactly the frames the generator says it sent, less those the sending host dropped and the generator counted");
                foreach (AfPacketStreamDetail s in d.Streams)
                {
                    Assert.That(s.Unique + s.Lost, Is.EqualTo(s.Sent), s.Name + ": sent = unique + lost");
                    Assert.That(s.OutOfOrder + s.Duplicates, Is.Zero, s.Name + ": in order, once");
                }

                Assert.That(d.Streams.Sum(s => s.Lost), Is.EqualTo(d.TxDropped), "every sequence number sent arrived, but for the frames the sending host dropped (counted; on a quiet host none)");
                Assert.That(r.RxPackets, Is.EqualTo(r.TxPackets - d.TxDropped));
                Assert.That(d.ForeignFrames + d.StaleFrames + d.RingDrops, Is.Zero);
                Assert.That(frames, Is.EqualTo(d.Streams[0].Received + d.Streams[1].Received), "the capture on port 1 holds every frame sent to it");
                Assert.That(badChecksums, Is.Zero, "IPv4 header, TCP-over-IPv6 checksums of the captured frames");
                Assert.That(outOfSequence, Is.Zero, "each stream's marks in the capture count 0, 1, 2, ...");
                Assert.That(d.TxAllocatedBytes, Is.LessThan(64 * 1024), $"sending {r.TxPackets} frames allocated {d.TxAllocatedBytes} B");
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

    [Test]
    public async Task AfXdp_with_the_ring_producer_published_one_short_loses_frames_the_receiver_counts()
    {
        using GeneratorTestLab lab = new();
        (AfPacketPort a, AfPacketPort b) = lab.BackToBack();
        using AfPacketGenerator gen = OpenAfXdp(a, b, XdpTxFault.ProducerOneShort);

        TrialResult r = await gen.RunTrialAsync(Request(new TrafficProfile([Udp4("s", 0, 1)]), 10_000, 0.5));

        AfPacketStreamDetail s = gen.LastTrial!.Streams[0];
        Assert.Multiple(() =>
        {
            Assert.That(s.Sent, Is.GreaterThan(4_000));
            Assert.That(s.Lost, Is.GreaterThan(gen.LastTrial!.TxDropped), "the frame behind the published producer never left, and no drop explains it: the check 'lost = the sending host's counted drops' of the test above fails");
            Assert.That(s.Unique + s.Lost, Is.EqualTo(s.Sent));
            Assert.That(r.RxPackets, Is.LessThan(r.TxPackets));
        });
    }

    [Test]
    public async Task Bench_generator_with_af_xdp_names_the_method_and_counts_every_frame_on_the_peer()
    {
        Require.Root();
        GeneratorBenchReport r = await GeneratorBench.RunAsync(new GeneratorBenchOptions { FrameSize = 64, Seconds = 1, AfXdp = true, TxOnly = true });
        if (r.Fallback is { } reason)
        {
            Require.Missing("this kernel refuses AF_XDP: " + reason);
        }

        Assert.Multiple(() =>
        {
            Assert.That(r.Method, Does.StartWith("af_xdp"));
            Assert.That(r.Sent, Is.GreaterThan(10_000));
            Assert.That(r.Received, Is.EqualTo(r.Sent - r.TxDropped), "the peer veth counted every frame sent, but for those the sending host dropped and the generator counted");
            Assert.That(r.Lost, Is.EqualTo(r.TxDropped));
            Assert.That(r.ToJson(), Does.Contain("\"method\":\"af_xdp"));
        });
    }

    /// <summary>Reads a pcap file: frames with a mark of this trial, bad IPv4/TCP/IPv6 checksums, marks out of sequence per stream.</summary>
    private static (long Frames, long BadChecksums, long OutOfSequence) CheckCapture(string file, int trial)
    {
        byte[] pcap = File.ReadAllBytes(file);
        Dictionary<ushort, long> next = [];
        long frames = 0;
        long bad = 0;
        long outOfSequence = 0;
        for (int at = 24; at + 16 <= pcap.Length;)
        {
            int length = BinaryPrimitives.ReadInt32LittleEndian(pcap.AsSpan(at + 8));
            ReadOnlySpan<byte> f = pcap.AsSpan(at + 16, length);
            at += 16 + length;
            if (!LatencyMark.TryRead(f[^LatencyMark.Size..], out LatencyMark mark) || mark.FlowSequence != (byte)trial)
            {
                continue;
            }

            frames++;
            long expected = next.GetValueOrDefault(mark.StreamId);
            outOfSequence += mark.Sequence == expected ? 0 : 1;
            next[mark.StreamId] = mark.Sequence + 1;
            ushort type = BinaryPrimitives.ReadUInt16BigEndian(f[12..]);
            ReadOnlySpan<byte> ip = f[14..];
            if (type == 0x0800)
            {
                int ihl = (ip[0] & 0xF) * 4;
                int total = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
                bool ok = InternetChecksum.Compute(ip[..ihl]) == 0 && InternetChecksum.VerifyTransport(ip[12..16], ip[16..20], ip[9], ip[ihl..total]);
                bad += ok ? 0 : 1;
            }
            else if (type == 0x86DD)
            {
                int payload = BinaryPrimitives.ReadUInt16BigEndian(ip[4..]);
                bad += InternetChecksum.VerifyTransport(ip[8..24], ip[24..40], ip[6], ip.Slice(40, payload)) ? 0 : 1;
            }
            else
            {
                bad++;
            }
        }

        return (frames, bad, outOfSequence);
    }
}
