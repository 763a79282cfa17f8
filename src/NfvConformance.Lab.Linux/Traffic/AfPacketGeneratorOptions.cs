// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Lab.Linux.Traffic;

/// <summary>One port of the generator: an interface, in a named network namespace or in the current one.</summary>
/// <param name="Interface">The interface (a veth end the lab created).</param>
/// <param name="Namespace">The network namespace (<c>ip netns</c> name), or null for the current one.</param>
/// <param name="Receive">False to open no receive ring on the port (a send-only port: frames to it are not counted by the generator).</param>
public sealed record AfPacketPort(string Interface, string? Namespace = null, bool Receive = true)
{
    /// <inheritdoc />
    public override string ToString() => Namespace is null ? Interface : Namespace + "/" + Interface;
}

/// <summary>Where and what to capture during trials: a pcap file per trial, written by libpcap through SharpPcap.</summary>
/// <param name="Directory">The folder the files go to (<c>trial-NNN-port-P.pcap</c>).</param>
/// <param name="Port">The generator port to capture on (usually the receive port).</param>
/// <param name="Filter">A libpcap filter expression; null for <see cref="AfPacketGenerator.DefaultCaptureFilter"/>.</param>
/// <param name="MaxPackets">The most frames written per trial (the rest are counted, not written).</param>
public sealed record TrialCapture(string Directory, int Port, string? Filter = null, long MaxPackets = 1_000_000);

/// <summary>Settings of the AF_PACKET generator.</summary>
public sealed record AfPacketGeneratorOptions
{
    /// <summary>The most sender workers (<see cref="Threads"/>).</summary>
    public const int MaxThreads = 64;

    /// <summary>Gets the ports, in generator port order (streams name them by index).</summary>
    public required IReadOnlyList<AfPacketPort> Ports { get; init; }

    /// <summary>Gets the nominal line rate of each port (a veth reports 10 Gb/s); rates in percent of line are of this.</summary>
    public double LineRateBitsPerSecond { get; init; } = 10e9;

    /// <summary>
    /// Gets the generator's ceiling per port in packets per second, measured back-to-back by
    /// <see cref="GeneratorCalibration"/>; a trial offered above it is flagged offered-load-not-reached
    /// (inconclusive, never a fail). Infinity until calibrated.
    /// </summary>
    public double CeilingPpsPerPort { get; init; } = double.PositiveInfinity;

    /// <summary>Gets how far below the offered rate the achieved rate may fall before a trial is flagged (ratio).</summary>
    public double LoadTolerance { get; init; } = 0.02;

    /// <summary>Gets how long the receiver keeps listening after the last frame was sent.</summary>
    public TimeSpan ResidualWait { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Gets the most frames per sendmmsg call.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Gets whether frames are sent through a PACKET_TX_RING (one send(2) per batch) instead of sendmmsg(2).</summary>
    public bool TxRing { get; init; }

    /// <summary>
    /// Gets whether frames are sent through an AF_XDP socket per port (copy mode, a UMEM of pre-filled frames, one
    /// producer update and sendto(2) kicks per batch) instead of AF_PACKET. When the kernel refuses AF_XDP on a port,
    /// that port sends through sendmmsg(2) and <see cref="AfPacketGenerator.AfXdpFallback"/> says why.
    /// </summary>
    public bool AfXdp { get; init; }

    /// <summary>
    /// Gets how many sender workers send (1 to 64; 1 by default). Each worker is a thread with its own socket on every
    /// port (with AF_XDP, its own socket bound to queue id = the worker's index, so the interface needs that many
    /// queues: a veth made with <c>numtxqueues N numrxqueues N</c>), its own preallocated frames, and the streams it
    /// owns (a port's k-th stream goes to worker k mod N), so each stream's sequence numbers stay in order and its
    /// loss, reordering and duplicates are counted exactly; a paced offer is split over the workers by their streams'
    /// rates. With more than one, worker w is pinned to one CPU: the w-th (mod count) of <see cref="ThreadCpus"/>, or
    /// of the CPUs the process may run on.
    /// </summary>
    public int Threads { get; init; } = 1;

    /// <summary>Gets a deliberate defect of the AF_XDP sender (tests that show the checks catch it).</summary>
    internal XdpTxFault XdpFault { get; init; }

    /// <summary>
    /// Gets how the ports receive: a TPACKET_V3 ring (the default) or an AF_XDP socket fed by an XDP program on the
    /// interface. When the kernel refuses AF_XDP or XDP on a port, that port receives through the ring and
    /// <see cref="AfPacketGenerator.AfXdpRxFallback"/> says why. A queue takes one AF_XDP socket, so a port that receives
    /// through AF_XDP sends through AF_PACKET sendmmsg even with <see cref="AfXdp"/>, and every trial that sends from it
    /// says so in its note.
    /// </summary>
    public GeneratorRxMethod RxMethod { get; init; }

    /// <summary>Gets a deliberate defect of the AF_XDP receiver's XDP program (tests that show the checks catch it).</summary>
    internal Xdp.XdpRxFault XdpRxFault { get; init; }

    /// <summary>Gets the receive ring's blocks per port (1 MiB each).</summary>
    public int RxRingBlocks { get; init; } = 32;

    /// <summary>
    /// Gets the CPUs the sending and receiving threads are pinned to, or null to let the scheduler place them. In front
    /// of a device on the same host, the generator keeps to its CPUs and the device's work is steered to the others
    /// (<see cref="ChainLabTraffic"/>), as two machines would be cabled.
    /// </summary>
    public IReadOnlyList<int>? ThreadCpus { get; init; }

    /// <summary>
    /// Gets the real-time (SCHED_RR) priority of the sending and receiving threads during a trial, 1 to 99, or 0 to
    /// leave them at normal priority. On a shared host, normal-priority threads fall behind their schedule whenever the
    /// host is busy, and every such trial is flagged; with a real-time priority on their own CPU they keep it (the
    /// kernel's real-time throttling still leaves the CPU 5 % to everything else).
    /// </summary>
    public int RealTimePriority { get; init; }

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ConfigurationException">Every problem, listed.</exception>
    public void EnsureValid()
    {
        List<string> e = [];
        if (Ports is null || Ports.Count == 0)
        {
            e.Add("at least one port is needed");
        }
        else
        {
            foreach (AfPacketPort p in Ports)
            {
                if (string.IsNullOrWhiteSpace(p.Interface) || p.Interface.Length > 15 || p.Interface.Contains('/', StringComparison.Ordinal))
                {
                    e.Add($"port interface '{p.Interface}' is not an interface name (1..15 characters, no '/')");
                }
            }
        }

        if (!(LineRateBitsPerSecond > 0) || !double.IsFinite(LineRateBitsPerSecond))
        {
            e.Add(string.Create(CultureInfo.InvariantCulture, $"line rate {LineRateBitsPerSecond} b/s must be > 0"));
        }

        if (!(CeilingPpsPerPort > 0))
        {
            e.Add(string.Create(CultureInfo.InvariantCulture, $"ceiling {CeilingPpsPerPort} pps must be > 0"));
        }

        if (LoadTolerance is < 0 or >= 1)
        {
            e.Add(string.Create(CultureInfo.InvariantCulture, $"load tolerance {LoadTolerance} must be within [0, 1)"));
        }

        if (ResidualWait < TimeSpan.Zero || ResidualWait > TimeSpan.FromMinutes(1))
        {
            e.Add($"residual wait {ResidualWait} must be within 0..1 min");
        }

        if (BatchSize is < 1 or > 1024)
        {
            e.Add($"batch size {BatchSize} must be within 1..1024");
        }

        if (ThreadCpus is { } cpus && (cpus.Count == 0 || cpus.Any(c => c is < 0 or >= 1024)))
        {
            e.Add($"thread CPUs [{string.Join(",", cpus)}] must be 1 or more CPU numbers within 0..1023");
        }

        if (Threads is < 1 or > MaxThreads)
        {
            e.Add($"threads {Threads} must be within 1..{MaxThreads}");
        }

        if (RealTimePriority is < 0 or > 99)
        {
            e.Add($"real-time priority {RealTimePriority} must be within 0..99");
        }

        if (AfXdp && TxRing)
        {
            e.Add("AF_XDP and the PACKET_TX_RING are two transmit methods; choose one");
        }

        if (RxRingBlocks is < 2 or > 1024)
        {
            e.Add($"receive ring blocks {RxRingBlocks} must be within 2..1024");
        }

        if (e.Count > 0)
        {
            throw new ConfigurationException("invalid AF_PACKET generator settings: " + string.Join("; ", e) + ".");
        }
    }
}
