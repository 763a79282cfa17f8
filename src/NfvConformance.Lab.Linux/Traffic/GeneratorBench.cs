// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Text.Json;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Lab.Linux.Run;

namespace NfvConformance.Lab.Linux.Traffic;

/// <summary>Settings of <c>nfvc bench generator</c>.</summary>
public sealed record GeneratorBenchOptions
{
    /// <summary>Gets the frame size with FCS (64..9216).</summary>
    public int FrameSize { get; init; } = 64;

    /// <summary>Gets how long to send flat out.</summary>
    public double Seconds { get; init; } = 5;

    /// <summary>Gets whether to also measure the latency floor (a 1-second low-rate trial).</summary>
    public bool Calibrate { get; init; }

    /// <summary>
    /// Gets whether to send only, as testpmd's txonly does: no receive ring on the peer (its frames are dropped at
    /// ingress), received = the peer veth's rx_packets counter.
    /// </summary>
    public bool TxOnly { get; init; }

    /// <summary>Gets whether the generator sends through a PACKET_TX_RING instead of sendmmsg(2).</summary>
    public bool TxRing { get; init; }

    /// <summary>Gets whether the generator sends through AF_XDP sockets (falling back to sendmmsg(2), with the reason, when the kernel refuses).</summary>
    public bool AfXdp { get; init; }

    /// <summary>Gets how the generator receives (falling back to the TPACKET_V3 ring, with the reason, when the kernel refuses AF_XDP).</summary>
    public GeneratorRxMethod RxMethod { get; init; }

    /// <summary>
    /// Gets how many sender workers send (<see cref="AfPacketGeneratorOptions.Threads"/>): the veth pair gets as many
    /// queues, and the bench sends as many streams (one per worker), each worker pinned to a CPU of its own.
    /// </summary>
    public int Threads { get; init; } = 1;

    /// <summary>Checks the settings before anything is created.</summary>
    /// <exception cref="ConfigurationException">Every problem.</exception>
    public void EnsureValid()
    {
        List<string> e = [];
        if (FrameSize is < FrameSizeMix.MinFrameSize or > FrameSizeMix.MaxFrameSize)
        {
            e.Add($"--frame-size {FrameSize} must be within {FrameSizeMix.MinFrameSize}..{FrameSizeMix.MaxFrameSize}");
        }

        if (!(Seconds > 0 && Seconds <= 600))
        {
            e.Add(string.Create(CultureInfo.InvariantCulture, $"--seconds {Seconds} must be within (0, 600]"));
        }

        if (Threads is < 1 or > AfPacketGeneratorOptions.MaxThreads)
        {
            e.Add($"--threads {Threads} must be within 1..{AfPacketGeneratorOptions.MaxThreads}");
        }

        if (TxRing && AfXdp)
        {
            e.Add("--tx-ring and --method af_xdp are two transmit methods; choose one");
        }

        if (TxOnly && RxMethod != GeneratorRxMethod.AfPacket)
        {
            e.Add("--tx-only receives nothing; --rx-method af_xdp needs a receiver");
        }

        if (e.Count > 0)
        {
            throw new ConfigurationException("nfvc bench generator: " + string.Join("; ", e) + ".");
        }
    }
}

/// <summary>What <c>nfvc bench generator</c> measured.</summary>
/// <param name="FrameSize">Frame size with FCS.</param>
/// <param name="Seconds">Seconds of sending.</param>
/// <param name="Sent">Frames sent.</param>
/// <param name="Received">Frames received back by the generator's own receiver.</param>
/// <param name="Pps">Frames sent per second.</param>
/// <param name="Method">How the frames were sent and received.</param>
/// <param name="Lost">Frames sent and never received.</param>
/// <param name="LatencyFloor">The latency floor at a low rate, when asked for.</param>
/// <param name="TxCpuNsPerPacket">CPU time of the sending thread per frame sent (meaningful on a loaded host too).</param>
public sealed record GeneratorBenchReport(int FrameSize, double Seconds, long Sent, long Received, double Pps, string Method, long Lost, LatencySummary? LatencyFloor, double TxCpuNsPerPacket)
{
    /// <summary>Gets why AF_XDP was asked for and refused (the frames went through AF_PACKET sendmmsg), or null.</summary>
    public string? Fallback { get; init; }

    /// <summary>Gets why the AF_XDP receiver was asked for and refused (the frames were received by the TPACKET_V3 ring), or null.</summary>
    public string? RxFallback { get; init; }


    /// <summary>Gets the number of sender workers.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Gets the frames each sender worker sent.</summary>
    public IReadOnlyList<long> SentPerThread { get; init; } = [];

    /// <summary>Gets the frames the sending host's kernel took and dropped before the peer (AF_XDP; see <see cref="AfPacketTrialDetail.TxDropped"/>); part of <see cref="Lost"/>.</summary>
    public long TxDropped { get; init; }

    /// <summary>The report as one JSON object: frame_size, seconds, sent, received, pps, method (then lost, threads, sent per thread, the fallback reasons if AF_XDP was refused and, if measured, the latency floor).</summary>
    /// <returns>The JSON.</returns>
    public string ToJson()
    {
        Dictionary<string, object> o = new()
        {
            ["frame_size"] = FrameSize,
            ["seconds"] = Math.Round(Seconds, 3),
            ["sent"] = Sent,
            ["received"] = Received,
            ["pps"] = Math.Round(Pps),
            ["method"] = Method,
            ["lost"] = Lost,
            ["tx_cpu_ns_per_packet"] = Math.Round(TxCpuNsPerPacket, 1),
            ["threads"] = Threads,
            ["sent_per_thread"] = SentPerThread,
            ["tx_dropped"] = TxDropped,
        };
        if (Fallback is { } reason)
        {
            o["fallback"] = reason;
        }

        if (RxFallback is { } rxReason)
        {
            o["rx_fallback"] = rxReason;
        }

        if (LatencyFloor is { } f)
        {
            o["latency_floor_us"] = new Dictionary<string, double> { ["min"] = f.MinUs, ["p50"] = f.P50Us, ["p99"] = f.P99Us, ["max"] = f.MaxUs };
        }

        return JsonSerializer.Serialize(o);
    }
}

/// <summary>
/// <c>nfvc bench generator</c>: the generator flat out on a veth pair it creates for the purpose (in a namespace named
/// with the run id, removed afterwards), its own receiver counting what arrives.
/// </summary>
public static class GeneratorBench
{
    /// <summary>Runs the benchmark.</summary>
    /// <param name="options">Settings.</param>
    /// <param name="cancellationToken">Stops it (the lab is still torn down).</param>
    /// <returns>The figures.</returns>
    /// <exception cref="ConfigurationException">Bad settings or not root; nothing was created.</exception>
    public static async Task<GeneratorBenchReport> RunAsync(GeneratorBenchOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.EnsureValid();
        if (!Environment.IsPrivilegedProcess)
        {
            throw new ConfigurationException("nfvc bench generator creates a network namespace and a veth pair and opens AF_PACKET sockets, which needs root; run it as root.");
        }

        await using LabRun run = LabRun.Start();
        VethPair pair = await VethPair.CreateAsync(run, cancellationToken, queues: options.Threads).ConfigureAwait(false);

        // Port 0 only sends: no receiver on it (an AF_XDP receiver there would take the queues its AF_XDP senders need).
        AfPacketPort[] ports = [pair.A with { Receive = false }, pair.B with { Receive = !options.TxOnly }];
        using AfPacketGenerator generator = new(new AfPacketGeneratorOptions { Ports = ports, TxRing = options.TxRing, AfXdp = options.AfXdp, RxMethod = options.RxMethod, Threads = options.Threads });

        // One stream per worker (a stream belongs to one worker), each its own UDP flow.
        TrafficProfile profile = new([.. Enumerable.Range(0, options.Threads).Select(i => new TrafficStream
        {
            Name = options.Threads == 1 ? "bench" : $"bench-{i}",
            TxPort = 0,
            RxPort = 1,
            FrameSizes = FrameSizeMix.Single(options.FrameSize),
            Headers = new HeaderStack { SourcePort = 1234 + i },
        })]);
        await generator.RunTrialAsync(
            new TrialRequest { Profile = profile, RatePerPort = TrafficRate.PercentOfLine(100), Duration = TimeSpan.FromSeconds(Math.Min(1, options.Seconds)), LatencyPps = 0, Phase = "warm-up" },
            cancellationToken).ConfigureAwait(false);
        long peerBefore = await pair.RxPacketsAsync(cancellationToken).ConfigureAwait(false);
        TrialResult r = await generator.RunTrialAsync(
            new TrialRequest { Profile = profile, RatePerPort = TrafficRate.PercentOfLine(100), Duration = TimeSpan.FromSeconds(options.Seconds), LatencyPps = 0, Phase = "bench" },
            cancellationToken).ConfigureAwait(false);
        AfPacketTrialDetail d = generator.LastTrial!;
        long received = options.TxOnly ? await pair.RxPacketsAsync(cancellationToken).ConfigureAwait(false) - peerBefore : d.Unique;
        LatencySummary? floor = null;
        if (options.Calibrate && !options.TxOnly)
        {
            GeneratorCeiling c = await GeneratorCalibration.RunAsync(generator, options.FrameSize, TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            floor = c.Floor;
        }

        string method = generator.TransmitMethod + (options.TxOnly ? ", tx only (received: the peer veth's rx_packets)" : ", " + generator.ReceiveMethod);
        return new GeneratorBenchReport(options.FrameSize, d.SecondsSending, r.TxPackets, received, r.TxPackets / Math.Max(1e-9, d.SecondsSending), method, r.TxPackets - received, floor, d.TxCpuSeconds * 1e9 / Math.Max(1, r.TxPackets))
        {
            Fallback = generator.AfXdpFallback,
            RxFallback = generator.AfXdpRxFallback,
            Threads = options.Threads,
            SentPerThread = d.SentPerWorker,
            TxDropped = d.TxDropped,
        };
    }
}

/// <summary>A veth pair inside a namespace of its own, both ends up, IPv6 off (no neighbour chatter): a back-to-back cable.</summary>
/// <param name="Namespace">The namespace.</param>
/// <param name="A">One end.</param>
/// <param name="B">The other end.</param>
internal sealed record VethPair(string Namespace, AfPacketPort A, AfPacketPort B)
{
    /// <summary>Creates the namespace and the pair with the run's names.</summary>
    /// <param name="run">The lab run (its teardown removes both).</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <param name="role">The namespace's role.</param>
    /// <param name="queues">Transmit and receive queues of each end (one AF_XDP socket binds to each).</param>
    /// <returns>The pair.</returns>
    public static async Task<VethPair> CreateAsync(LabRun run, CancellationToken cancellationToken, string role = "gen", int queues = 1)
    {
        string ns = run.Name(role);
        string a = run.InterfaceName(role[..Math.Min(role.Length, 3)] + "a");
        string b = run.InterfaceName(role[..Math.Min(role.Length, 3)] + "b");
        (await Shell.RunAsync("ip", ["netns", "add", ns], cancellationToken).ConfigureAwait(false)).OrThrow();
        string q = queues.ToString(CultureInfo.InvariantCulture);
        (await Shell.RunAsync("ip", ["link", "add", a, "netns", ns, "numtxqueues", q, "numrxqueues", q, "type", "veth", "peer", "name", b, "netns", ns, "numtxqueues", q, "numrxqueues", q], cancellationToken).ConfigureAwait(false)).OrThrow();
        (await Shell.RunAsync("ip", ["netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"], cancellationToken).ConfigureAwait(false)).OrThrow();
        foreach (string dev in (string[])[a, b, "lo"])
        {
            (await Shell.RunAsync("ip", ["-n", ns, "link", "set", dev, "up"], cancellationToken).ConfigureAwait(false)).OrThrow();
        }

        return new VethPair(ns, new AfPacketPort(a, ns), new AfPacketPort(b, ns));
    }

    /// <summary>Reads the kernel's count of frames B received.</summary>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>rx_packets of B.</returns>
    public async Task<long> RxPacketsAsync(CancellationToken cancellationToken)
    {
        string text = (await Shell.RunAsync("ip", ["netns", "exec", Namespace, "cat", $"/sys/class/net/{B.Interface}/statistics/rx_packets"], cancellationToken).ConfigureAwait(false)).OrThrow();
        return long.Parse(text.Trim(), CultureInfo.InvariantCulture);
    }
}
