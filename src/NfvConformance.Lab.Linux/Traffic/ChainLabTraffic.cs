// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Text;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Lab.Linux.Chains;
using NfvConformance.Lab.Linux.Placement;
using NfvConformance.Lab.Linux.Run;

namespace NfvConformance.Lab.Linux.Traffic;

/// <summary>
/// The linux target's <see cref="ITrafficGeneration"/>: the <see cref="AfPacketGenerator"/> attached to the chain lab,
/// port 0 on the client namespace's link, port 1 on the server namespace's link, so a trial's frames cross whatever
/// chain the scenario applied (the classifier steers them as it steers probes). It calibrates itself per frame-size mix
/// (<see cref="ITrafficCalibration"/>): a back-to-back veth pair of the run gives the ceiling and the latency
/// floor, and every trial carries that ceiling, so a trial the generator cannot drive is flagged, never reported as the
/// device's limit.
/// </summary>
/// <remarks>
/// A veth pair hands a frame to its peer on the sending CPU, so a chain of namespaces would do all its forwarding on
/// the generator's core and the generator, not the chain, would set the limit. On a host with two CPUs or more the
/// generator's threads are pinned to the first allowed CPU and the chain's ingress spreads its receive work (RPS) over
/// the others, as a generator and a device on two machines would be; the calibration pair keeps its receive work on the
/// generator's CPU, so the ceiling is a conservative one. Its
/// threads run at a low real-time priority (SCHED_RR) during trials, so a host busy with other work does not make the
/// generator fall behind its schedule; the device's CPUs are left as they are (a busy host is the device's condition).
/// With one CPU both share it and the trials say so when they fall short. Each trial opens the generator's sockets
/// and closes them after (milliseconds), so nothing holds a namespace the lab tears down.
/// </remarks>
internal sealed class ChainLabTraffic : ITrafficGeneration, ITrafficCalibration, IAsyncDisposable
{
    private static readonly TimeSpan s_ceilingTrial = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan s_floorTrial = TimeSpan.FromMilliseconds(500);

    // Low in the real-time range: above every normal task on the generator's CPU, below the kernel's own threads.
    private const int GeneratorPriority = 10;

    private readonly LabRun _run;
    private readonly ChainLab _lab;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, (GeneratorLimits Limits, GeneratorCeiling Ceiling)> _limits = new(StringComparer.Ordinal);
    private readonly CpuSplit _cpus;
    private VethPair? _cable;
    private double _maxCeiling = double.PositiveInfinity;

    public ChainLabTraffic(LabRun run, ChainLab lab)
    {
        _run = run;
        _lab = lab;
        _cpus = CpuSplit.Of(CpuPinning.AllowedCpus(Environment.ProcessId));
    }

    public string Name => "af_packet:chain-lab";

    public TrafficGeneratorInfo Info => new(2, LineRateBitsPerSecond, Volatile.Read(ref _maxCeiling), VirtualTime: false, TimestampResolutionNs: 1);

    public TimeProvider Clock => TimeProvider.System;

    /// <summary>Gets the frame-level account of the last trial, or null before the first.</summary>
    public AfPacketTrialDetail? LastTrial { get; private set; }

    /// <summary>Gets how the CPUs are shared between the generator and the device, for reports.</summary>
    public string CpuNote => _cpus.Note;

    private static double LineRateBitsPerSecond => 10e9;

    public async ValueTask<GeneratorLimits> CalibrateAsync(FrameSizeMix frames, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frames);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return (await CalibrateLockedAsync(frames, cancellationToken).ConfigureAwait(false)).Limits;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Gets the full calibration of a mix measured so far (ceiling trial counts, latency bias), or null.</summary>
    /// <param name="frames">The mix.</param>
    /// <returns>The calibration, or null when that mix was not calibrated.</returns>
    public GeneratorCeiling? CalibrationOf(FrameSizeMix frames) => _limits.TryGetValue(Key(frames), out var c) ? c.Ceiling : null;

    public async ValueTask<TrialResult> RunTrialAsync(TrialRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        TrialRequestValidator.EnsureValid(request, Info);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ChainLabAttachment at = _lab.TrafficAttachment
                ?? throw new ConfigurationException("the linux target's generator sends through the chain lab, and no chain is applied; apply a chain whose classifier matches the streams through IServiceChaining first.");
            double ceiling = double.PositiveInfinity;
            foreach (FrameSizeMix mix in request.Profile.Streams.Select(s => s.FrameSizes).DistinctBy(Key))
            {
                ceiling = Math.Min(ceiling, (await CalibrateLockedAsync(mix, cancellationToken).ConfigureAwait(false)).Limits.CeilingPpsPerPort);
            }

            // The chain's NAPI threads go to the device's CPUs; a chain on the per-CPU backlog gets its receive work there by RPS.
            if (_lab.PinReceiveThreads(_cpus.Device) == 0)
            {
                await SpreadReceiveWorkAsync(at.SteeringNamespace, at.SteeringClientInterface, cancellationToken).ConfigureAwait(false);
                await SpreadReceiveWorkAsync(at.SteeringNamespace, at.SteeringServerInterface, cancellationToken).ConfigureAwait(false);
            }

            TrafficProfile profile = new([.. request.Profile.Streams.Select(s => Attach(s, at))]);
            using AfPacketGenerator generator = Open(
                [new AfPacketPort(at.EndInterface, at.ClientNamespace), new AfPacketPort(at.EndInterface, at.ServerNamespace)],
                ceiling);
            TrialResult result = await generator.RunTrialAsync(request with { Profile = profile }, cancellationToken).ConfigureAwait(false);
            LastTrial = generator.LastTrial;
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_cable is { } cable)
            {
                _ = await Shell.RunAsync("ip", ["netns", "del", cable.Namespace]).ConfigureAwait(false);
                _cable = null;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private static string Key(FrameSizeMix mix) =>
        string.Join(',', mix.Entries.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Size}:{e.Weight}")));

    private static TrafficStream Attach(TrafficStream stream, ChainLabAttachment at)
    {
        bool fromClient = stream.TxPort == 0;
        // The generator counts loss by the mark's sequence numbers, so every frame it sends is marked.
        return stream with
        {
            LatencyMarked = true,
            Headers = stream.Headers with
            {
                SourceMac = KernelRouter.ParseMac(fromClient ? at.ClientMac : at.ServerMac),
                DestinationMac = KernelRouter.ParseMac(fromClient ? at.ClientGatewayMac : at.ServerGatewayMac),
            },
        };
    }

    /// <summary>Gets or sets whether the generator sends through AF_XDP sockets (<see cref="AfPacketGeneratorOptions.AfXdp"/>).</summary>
    internal bool AfXdp { get; set; }

    /// <summary>Gets or sets how the generator receives (<see cref="AfPacketGeneratorOptions.RxMethod"/>).</summary>
    internal GeneratorRxMethod RxMethod { get; set; }

    private AfPacketGenerator Open(AfPacketPort[] ports, double ceiling) => new(new AfPacketGeneratorOptions
    {
        Ports = ports,
        AfXdp = AfXdp,
        RxMethod = RxMethod,
        LineRateBitsPerSecond = LineRateBitsPerSecond,
        CeilingPpsPerPort = ceiling,
        ThreadCpus = _cpus.Generator,
        RealTimePriority = _cpus.Generator is null ? 0 : GeneratorPriority,
        RxRingBlocks = 16,
        ResidualWait = TimeSpan.FromMilliseconds(100),
    });

    private async Task<(GeneratorLimits Limits, GeneratorCeiling Ceiling)> CalibrateLockedAsync(FrameSizeMix frames, CancellationToken cancellationToken)
    {
        string key = Key(frames);
        if (_limits.TryGetValue(key, out var known))
        {
            return known;
        }

        try
        {
            if (_cable is null)
            {
                // The pair's receive work stays on the generator's CPU: a conservative ceiling. In front of the chain that
                // work moves to the device's CPUs, but the generator's CPU also serves the host's other softirq work, and
                // a ceiling measured without it overstated what the generator kept up in the chain on a busy host.
                _cable = await VethPair.CreateAsync(_run, cancellationToken, "cal").ConfigureAwait(false);
            }

            GeneratorCeiling ceiling;
            using (AfPacketGenerator b2b = Open([_cable.A, _cable.B], double.PositiveInfinity))
            {
                ceiling = await GeneratorCalibration.RunAsync(b2b, frames, s_ceilingTrial, s_floorTrial, cancellationToken).ConfigureAwait(false);
            }

            GeneratorLimits limits = new(ceiling.CeilingPps, ceiling.Floor, frames);
            _limits[key] = (limits, ceiling);
            Volatile.Write(ref _maxCeiling, _limits.Values.Max(l => l.Limits.CeilingPpsPerPort));
            return (limits, ceiling);
        }
        catch (Exception e) when (e is LabCommandException or ConfigurationException or IOException)
        {
            throw new TrafficEnvironmentException($"the AF_PACKET generator could not calibrate itself on a veth pair of run {_run.Id}: {e.Message}", e);
        }
    }

    /// <summary>Steers the receive work of a veth end to the device's CPUs (RPS), off the generator's.</summary>
    private async Task SpreadReceiveWorkAsync(string ns, string device, CancellationToken cancellationToken)
    {
        if (_cpus.DeviceMask is not { } mask)
        {
            return;
        }

        string path = $"/sys/class/net/{device}/queues/rx-0/rps_cpus";
        _ = (await Shell.RunAsync("ip", ["netns", "exec", ns, "sh", "-c", $"echo {mask} > {path}"], cancellationToken).ConfigureAwait(false)).OrThrow();
    }

    /// <summary>The generator's CPU and the device's CPUs (the rest), as an RPS mask.</summary>
    private sealed record CpuSplit(IReadOnlyList<int>? Generator, IReadOnlyList<int> Device, string? DeviceMask, string Note)
    {
        public static CpuSplit Of(IReadOnlyList<int> allowed)
        {
            if (allowed.Count < 2)
            {
                return new CpuSplit(null, [], null, "one CPU: the generator and the device share it (trials the generator cannot drive are flagged)");
            }

            int[] device = [.. allowed.Skip(1)];
            return new CpuSplit([allowed[0]], device, Mask(device), string.Create(CultureInfo.InvariantCulture, $"generator threads on CPU {allowed[0]}; the device's receive work on CPU {string.Join(",", device)} (the chain's NAPI threads, or RPS when the chain receives through the per-CPU backlog)"));
        }

        /// <summary>The kernel's CPU mask text: 32-bit hex groups, most significant first, comma separated.</summary>
        private static string Mask(IReadOnlyList<int> cpus)
        {
            int groups = (cpus.Max() / 32) + 1;
            uint[] words = new uint[groups];
            foreach (int c in cpus)
            {
                words[c / 32] |= 1u << (c % 32);
            }

            StringBuilder sb = new();
            for (int g = groups - 1; g >= 0; g--)
            {
                sb.Append(words[g].ToString(g == groups - 1 ? "x" : "x8", CultureInfo.InvariantCulture));
                if (g > 0)
                {
                    sb.Append(',');
                }
            }

            return sb.ToString();
        }
    }
}
