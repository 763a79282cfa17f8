// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Lab.Linux.Traffic;

namespace NfvConformance.Lab.Linux.Tests.Traffic;

/// <summary>
/// The generator with several sender workers (<see cref="AfPacketGeneratorOptions.Threads"/>) on real veths: each
/// worker owns whole streams, so per-stream sequence accounting stays exact, and a loss on one stream's flow is
/// attributed to that stream alone.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class MultiWorkerGeneratorTests
{
    private static TrafficStream Udp4(string name, int tx, int rx, int sourcePort, byte[]? dstMac = null) => new()
    {
        Name = name,
        TxPort = tx,
        RxPort = rx,
        FrameSizes = FrameSizeMix.Single(64),
        Headers = new HeaderStack { DestinationMac = dstMac ?? [0x02, 0, 0, 0, 0, 0x02], SourcePort = sourcePort },
    };

    // A burst of a fixed number of frames per port, paced at the rate: the counts checked are exact whatever the host's
    // load (a worker that falls behind takes longer; a timed trial would send fewer frames).
    private static TrialRequest Burst(TrafficProfile profile, long framesPerPort, double pps) =>
        new() { Profile = profile, RatePerPort = TrafficRate.Pps(pps), Duration = TimeSpan.FromSeconds(1), FramesPerPort = framesPerPort, LatencyPps = 0 };

    /// <summary>Opens a generator with two workers; a kernel that refuses AF_XDP skips the test locally and fails it under CI=true.</summary>
    private static AfPacketGenerator Open(AfPacketPort a, AfPacketPort b, bool afXdp)
    {
        AfPacketGenerator gen = new(new AfPacketGeneratorOptions { Ports = [a, b], Threads = 2, AfXdp = afXdp });
        if (gen.AfXdpFallback is { } reason)
        {
            gen.Dispose();
            Require.Missing("this kernel refuses AF_XDP on a second queue: " + reason);
        }

        return gen;
    }

    [TestCase(false, TestName = "TwoWorkers_sendmmsg_on_a_veth_pair_deliver_every_frame_with_exact_per_stream_sequences")]
    [TestCase(true, TestName = "TwoWorkers_af_xdp_on_two_queues_deliver_every_frame_with_exact_per_stream_sequences")]
    public async Task TwoWorkers_deliver_every_frame_with_exact_per_stream_sequences(bool afXdp)
    {
        using GeneratorTestLab lab = new();
        (AfPacketPort a, AfPacketPort b) = lab.BackToBack(queues: 2);
        using AfPacketGenerator gen = Open(a, b, afXdp);
        TrafficProfile profile = new([.. Enumerable.Range(0, 4).Select(i => Udp4($"fwd-{i}", 0, 1, 1234 + i)), Udp4("reverse", 1, 0, 2000)]);
        long rxBefore = lab.RxPackets(b.Namespace!, b.Interface) + lab.RxPackets(a.Namespace!, a.Interface);

        TrialResult r = await gen.RunTrialAsync(Burst(profile, 10_001, 20_000));

        AfPacketTrialDetail d = gen.LastTrial!;
        long rxKernel = lab.RxPackets(b.Namespace!, b.Interface) + lab.RxPackets(a.Namespace!, a.Interface) - rxBefore;
        Assert.Multiple(() =>
        {
            Assert.That(d.Threads, Is.EqualTo(2));
            Assert.That(d.Streams.Select(s => s.Worker), Is.EqualTo(new[] { 0, 1, 0, 1, 0 }), "a port's k-th stream belongs to worker k mod 2");
            Assert.That(d.SentPerWorker, Has.Count.EqualTo(2).And.All.GreaterThan(0), "both workers sent");
            for (int w = 0; w < 2; w++)
            {
                Assert.That(d.SentPerWorker[w], Is.EqualTo(d.Streams.Where(s => s.Worker == w).Sum(s => s.Sent)), $"worker {w} sent exactly its own streams' frames");
            }

            Assert.That(r.TxPackets, Is.EqualTo(2 * 10_001), "each port sent its burst, port 0's split over the two workers");
            Assert.That(d.Streams.Select(s => s.Sent), Is.EqualTo(new long[] { 2_501, 2_500, 2_500, 2_500, 10_001 }), "port 0's 10 001 frames split 5 001 / 5 000 over the workers, then evenly over each worker's two streams");

            Assert.That(rxKernel, Is.EqualTo(r.TxPackets - d.TxDropped), "the veths counted exactly the frames the generator says it sent, less those the sending host dropped and the generator counted");
            Assert.That(d.TxDropped, afXdp ? Is.GreaterThanOrEqualTo(0) : Is.Zero, "sendmmsg sends again what the kernel refuses");
            foreach (AfPacketStreamDetail s in d.Streams)
            {
                Assert.That(s.Unique + s.Lost, Is.EqualTo(s.Sent), s.Name + ": sent = unique + lost");
                Assert.That(s.OutOfOrder + s.Duplicates + s.TooOld, Is.Zero, s.Name + ": one worker, one socket: in order, once");
            }

            Assert.That(d.Streams.Sum(s => s.Lost), Is.EqualTo(d.TxDropped), "every sequence number sent arrived, but for the frames the sending host dropped (counted; on a quiet host none)");
            Assert.That(r.Flags.HasFlag(MeasurementFlags.Disturbed), Is.EqualTo(d.TxDropped > 0), "a trial the sending host dropped frames of is flagged disturbed, " + r.Note);
            Assert.That(r.RxPackets, Is.EqualTo(r.TxPackets - d.TxDropped));
            Assert.That(d.ForeignFrames + d.StaleFrames + d.RingDrops, Is.Zero);
            Assert.That(d.TxAllocatedBytes, Is.LessThan(2 * 64 * 1024), $"two workers sending {r.TxPackets} frames allocated {d.TxAllocatedBytes} B");
        });
    }

    [TestCase(false, TestName = "TwoWorkers_sendmmsg_behind_a_router_dropping_one_streams_flow_attribute_the_loss_to_that_stream_only")]
    [TestCase(true, TestName = "TwoWorkers_af_xdp_behind_a_router_dropping_one_streams_flow_attribute_the_loss_to_that_stream_only")]
    public async Task TwoWorkers_behind_a_router_dropping_one_streams_flow_attribute_the_loss_to_that_stream_only(bool afXdp)
    {
        using GeneratorTestLab lab = new();
        RouterPath path = lab.Router(queues: 2);
        lab.Nft(path.Mid, "add table ip one", "add chain ip one fw { type filter hook forward priority 0; }", "add rule ip one fw udp sport 1235 counter drop");
        using AfPacketGenerator gen = Open(path.Port0, path.Port1, afXdp);
        TrafficProfile profile = new([.. Enumerable.Range(0, 4).Select(i => Udp4($"s{i}", 0, 1, 1234 + i, path.RouterMac))]);

        await gen.RunTrialAsync(Burst(profile, 8_000, 20_000));

        long dropped = lab.NftCounter(path.Mid, "ip", "one", "fw");
        AfPacketTrialDetail d = gen.LastTrial!;
        IReadOnlyList<AfPacketStreamDetail> s = d.Streams;
        Assert.Multiple(() =>
        {
            Assert.That(s[1].Worker, Is.EqualTo(1));
            Assert.That(s[3].Worker, Is.EqualTo(1), "the other stream of the same worker");
            Assert.That(s.Select(x => x.Sent), Is.All.EqualTo(2_000), "8 000 frames over four equal streams");
            Assert.That(dropped, Is.EqualTo(s[1].Sent).Within(d.TxDropped), "the router dropped every frame of stream s1 (source port 1235) that reached it");
            Assert.That(s[1].Lost, Is.EqualTo(s[1].Sent), "s1: every frame lost");
            Assert.That(s[1].Unique, Is.Zero);
            Assert.That(s.Sum(x => x.Lost), Is.EqualTo(dropped + d.TxDropped), "all loss = the router's drop counter + the frames the sending host dropped (AF_XDP, counted; on a quiet host none)");
            foreach (AfPacketStreamDetail other in s.Where(x => x.Name != "s1"))
            {
                Assert.That(other.Lost, Is.LessThanOrEqualTo(d.TxDropped), other.Name + ": no loss of the router's is attributed to a stream it forwarded, not even to s1's worker's other stream");
                Assert.That(other.Unique + other.Lost, Is.EqualTo(other.Sent), other.Name);
            }
        });
    }
}
