// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Text.Json;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Lab.Linux.Run;
using NfvConformance.Traffic.Methods;

namespace NfvConformance.Lab.Linux.Traffic;

/// <summary>Settings of <c>nfvc bench generator --ndr</c>.</summary>
public sealed record GeneratorNdrOptions
{
    /// <summary>
    /// Gets the device: <c>router</c> (a kernel-forwarding namespace the bench builds), <c>chain</c> (the Performance
    /// scenarios' one-router service chain in the chain lab, driven by the linux target's traffic facet) or <c>ports</c>
    /// (<see cref="Port0"/> and <see cref="Port1"/> given).
    /// </summary>
    public string Dut { get; init; } = "router";

    /// <summary>Gets, for <c>ports</c>, the generator's sending port (<c>[namespace/]interface</c>).</summary>
    public AfPacketPort? Port0 { get; init; }

    /// <summary>Gets, for <c>ports</c>, the generator's receiving port.</summary>
    public AfPacketPort? Port1 { get; init; }

    /// <summary>Gets, for <c>ports</c>, the destination MAC the frames carry (the device's ingress), or null for 02:00:00:00:00:02.</summary>
    public byte[]? DestinationMac { get; init; }

    /// <summary>Gets the frame size with FCS.</summary>
    public int FrameSize { get; init; } = 64;

    /// <summary>Gets each search trial's duration in seconds.</summary>
    public double TrialSeconds { get; init; } = 1;

    /// <summary>Gets the flows of the stream.</summary>
    public int Flows { get; init; } = 64;

    /// <summary>Gets whether the generator sends through AF_XDP sockets (sendmmsg(2), with the reason, when the kernel refuses).</summary>
    public bool AfXdp { get; init; }

    /// <summary>Gets how the generator receives (<see cref="AfPacketGeneratorOptions.RxMethod"/>).</summary>
    public GeneratorRxMethod RxMethod { get; init; }

    /// <summary>Checks the settings before anything is created.</summary>
    /// <exception cref="ConfigurationException">Every problem.</exception>
    public void EnsureValid()
    {
        List<string> e = [];
        if (Dut is not ("router" or "chain" or "chain-dpdk" or "chain-memif" or "ports"))
        {
            e.Add($"--ndr '{Dut}' is not one of router, chain, chain-dpdk, chain-memif, ports");
        }

        if (Dut == "ports" && (Port0 is null || Port1 is null))
        {
            e.Add("--ndr ports needs --port0 and --port1 ([namespace/]interface)");
        }

        if (DestinationMac is { Length: not 6 })
        {
            e.Add("--dst-mac needs 6 bytes (aa:bb:cc:dd:ee:ff)");
        }

        if (FrameSize is < FrameSizeMix.MinFrameSize or > FrameSizeMix.MaxFrameSize)
        {
            e.Add($"--frame-size {FrameSize} must be within {FrameSizeMix.MinFrameSize}..{FrameSizeMix.MaxFrameSize}");
        }

        if (!(TrialSeconds is > 0 and <= 60))
        {
            e.Add(string.Create(CultureInfo.InvariantCulture, $"--seconds {TrialSeconds} per trial must be within (0, 60]"));
        }

        if (Flows is < 1 or > 65536)
        {
            e.Add($"--flows {Flows} must be within 1..65536");
        }

        if (e.Count > 0)
        {
            throw new ConfigurationException("nfvc bench generator: " + string.Join("; ", e) + ".");
        }
    }

    /// <summary>Parses aa:bb:cc:dd:ee:ff.</summary>
    /// <param name="text">The text.</param>
    /// <returns>6 bytes.</returns>
    public static byte[] ParseMac(string text) => KernelRouter.ParseMac(text);

    /// <summary>Parses <c>[namespace/]interface</c>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The port.</returns>
    public static AfPacketPort ParsePort(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? new AfPacketPort(text) : new AfPacketPort(text[(slash + 1)..], text[..slash]);
    }
}

/// <summary>What the NDR bench measured.</summary>
/// <param name="Dut">The device.</param>
/// <param name="FrameSize">Frame size with FCS.</param>
/// <param name="Ceiling">The generator's back-to-back ceiling and floor, measured first.</param>
/// <param name="Search">The NDR/PDR search through the device.</param>
public sealed record GeneratorNdrReport(string Dut, int FrameSize, GeneratorCeiling Ceiling, NdrPdrResult Search)
{
    /// <summary>Gets whether the search was limited by the generator rather than by the device.</summary>
    public bool GeneratorBound => (Search.Flags & MeasurementFlags.OfferedLoadNotReached) != 0;

    /// <summary>The report as JSON.</summary>
    /// <returns>The JSON.</returns>
    public string ToJson() => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["dut"] = Dut,
        ["frame_size"] = FrameSize,
        ["ceiling_pps"] = Math.Round(Ceiling.CeilingPps),
        ["latency_floor_us_p50"] = Math.Round(Ceiling.Floor.P50Us, 2),
        ["latency_floor_us_min"] = Math.Round(Ceiling.Floor.MinUs, 2),
        ["ndr_pps"] = Math.Round(Search.NdrPps),
        ["pdr_pps"] = Math.Round(Search.PdrPps),
        ["ndr_vs_ceiling"] = Math.Round(Search.NdrPps / Math.Max(1, Ceiling.CeilingPps), 3),
        ["conclusive"] = Search.IsConclusive,
        ["generator_bound"] = GeneratorBound,
        ["trials"] = Search.Trials.Count,
        ["note"] = Search.Note,
    });
}

/// <summary>
/// <c>nfvc bench generator --ndr</c>: calibrates the generator back-to-back (ceiling, latency floor), then searches
/// the NDR and PDR of a device between its two ports, with trials capped at the ceiling; a search that the
/// generator, not the device, limited says so (generator-bound, inconclusive).
/// </summary>
public static class GeneratorNdrBench
{
    /// <summary>Runs the bench.</summary>
    /// <param name="options">Settings.</param>
    /// <param name="cancellationToken">Stops it (the lab is still torn down).</param>
    /// <returns>The figures.</returns>
    /// <exception cref="ConfigurationException">Bad settings or not root; nothing was created.</exception>
    public static async Task<GeneratorNdrReport> RunAsync(GeneratorNdrOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.EnsureValid();
        if (!Environment.IsPrivilegedProcess)
        {
            throw new ConfigurationException("nfvc bench generator --ndr creates namespaces and veth pairs and opens AF_PACKET sockets, which needs root; run it as root.");
        }

        await using LabRun run = LabRun.Start();
        if (options.Dut.StartsWith("chain", StringComparison.Ordinal))
        {
            return await ChainAsync(run, options, cancellationToken).ConfigureAwait(false);
        }

        VethPair cable = await VethPair.CreateAsync(run, cancellationToken).ConfigureAwait(false);
        GeneratorCeiling ceiling;
        using (AfPacketGenerator b2b = new(new AfPacketGeneratorOptions { Ports = [cable.A, cable.B], AfXdp = options.AfXdp, RxMethod = options.RxMethod }))
        {
            ceiling = await GeneratorCalibration.RunAsync(b2b, options.FrameSize, TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
        }

        (AfPacketPort p0, AfPacketPort p1, byte[] mac) = options.Dut == "router"
            ? await KernelRouter.CreateAsync(run, cancellationToken).ConfigureAwait(false)
            : (options.Port0!, options.Port1!, options.DestinationMac ?? [0x02, 0, 0, 0, 0, 0x02]);
        using AfPacketGenerator gen = new(new AfPacketGeneratorOptions { Ports = [p0, p1], CeilingPpsPerPort = ceiling.CeilingPps, AfXdp = options.AfXdp, RxMethod = options.RxMethod });
        TrafficProfile profile = new([new TrafficStream
        {
            Name = options.Dut,
            TxPort = 0,
            RxPort = 1,
            FrameSizes = FrameSizeMix.Single(options.FrameSize),
            FlowCount = options.Flows,
            Headers = new HeaderStack { DestinationMac = mac },
        }]);
        double line = TrafficRate.LineRatePps(gen.Info.LineRateBitsPerSecond, options.FrameSize);
        double max = Math.Min(100, ceiling.CeilingPps / line * 100);
        NdrPdrResult search = await NdrPdrSearch.RunAsync(gen, profile, new NdrPdrOptions
        {
            Method = NdrSearchMethod.Bisection,
            TrialDuration = TimeSpan.FromSeconds(options.TrialSeconds),
            InitialTrialDuration = TimeSpan.FromSeconds(options.TrialSeconds),
            MaxLoadPercent = max,
            BisectionRangePercent = max,
            ResolutionPercent = max / 64,
            MaxTrials = 24,
            LatencyPps = 0,
        }, cancellationToken).ConfigureAwait(false);
        return new GeneratorNdrReport(options.Dut, options.FrameSize, ceiling, search);
    }

    /// <summary>The Performance scenarios' chain (one kernel router, UDP from 10.0.0.0/8) through the linux target's traffic facet.</summary>
    private static async Task<GeneratorNdrReport> ChainAsync(LabRun run, GeneratorNdrOptions options, CancellationToken cancellationToken)
    {
        await using Chains.LinuxServiceChaining chaining = new(run);
        await using ChainLabTraffic traffic = new(run, chaining.Lab) { AfXdp = options.AfXdp, RxMethod = options.RxMethod };
        Abstractions.ServiceChaining.ChainApplyResult applied = await chaining.ApplyAsync(new Abstractions.ServiceChaining.ChainSpecBuilder()
            .WithPortPair(new Abstractions.ServiceChaining.PortPair("rt-1", "rt-1-in", "rt-1-out", "router")
            {
                // chain-dpdk / chain-memif: the same chain with its hop accelerated (a dpdk-testpmd, or two joined by memif).
                Acceleration = options.Dut switch
                {
                    "chain-dpdk" => Abstractions.ServiceChaining.AccelerationMode.DpdkVhostUser,
                    "chain-memif" => Abstractions.ServiceChaining.AccelerationMode.SharedMemory,
                    _ => Abstractions.ServiceChaining.AccelerationMode.KernelVirtio,
                },
            })
            .WithPortPairGroup(new Abstractions.ServiceChaining.PortPairGroup("rt", ["rt-1"]))
            .WithFlowClassifier(new Abstractions.ServiceChaining.FlowClassifier("perf") { Protocol = Abstractions.ServiceChaining.ClassifierProtocol.Udp, SourceIpPrefix = "10.0.0.0/8" })
            .WithPortChain(new Abstractions.ServiceChaining.PortChain("perf", ["rt"], ["perf"]) { ChainId = 90 })
            .Build(), cancellationToken).ConfigureAwait(false);
        if (!applied.Applied)
        {
            throw new TrafficEnvironmentException("the chain lab refused the bench's chain: " + string.Join("; ", applied.Problems));
        }

        FrameSizeMix frames = FrameSizeMix.Single(options.FrameSize);
        GeneratorLimits limits = await traffic.CalibrateAsync(frames, cancellationToken).ConfigureAwait(false);
        TrafficProfile profile = new([new TrafficStream
        {
            Name = "chain",
            FrameSizes = frames,
            FlowCount = options.Flows,
            VaryingFields = FlowFields.SourcePort,
            Headers = new HeaderStack { SourceIp = System.Net.IPAddress.Parse("10.0.0.1"), DestinationIp = System.Net.IPAddress.Parse("198.51.100.10") },
        }]);
        NdrPdrOptions search = NdrPdrOptions.BelowCeiling(NdrSearchMethod.Bisection, limits.CeilingPpsPerPort, TrafficRate.LineRatePps(traffic.Info.LineRateBitsPerSecond, options.FrameSize)) with
        {
            TrialDuration = TimeSpan.FromSeconds(options.TrialSeconds),
            InitialTrialDuration = TimeSpan.FromSeconds(options.TrialSeconds),
        };
        NdrPdrResult result = await NdrPdrSearch.RunAsync(traffic, profile, search, cancellationToken).ConfigureAwait(false);
        return new GeneratorNdrReport(options.Dut, options.FrameSize, traffic.CalibrationOf(frames)!, result);
    }
}

/// <summary>A kernel router between the generator's two ports: g0 -> m0 [ip_forward] m1 -> g1, in two namespaces of the run.</summary>
internal static class KernelRouter
{
    /// <summary>Builds it; frames go to the returned MAC from 16.0.0.0/8 to 48.0.0.0/8.</summary>
    /// <param name="run">The lab run.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>The generator's two ports and the router's ingress MAC.</returns>
    public static async Task<(AfPacketPort Port0, AfPacketPort Port1, byte[] RouterMac)> CreateAsync(LabRun run, CancellationToken cancellationToken)
    {
        string gen = run.Name("rgen");
        string mid = run.Name("router");
        string g0 = run.InterfaceName("rg0");
        string g1 = run.InterfaceName("rg1");
        string m0 = run.InterfaceName("rm0");
        string m1 = run.InterfaceName("rm1");
        async Task Ip(params string[] args) => (await Shell.RunAsync("ip", args, cancellationToken).ConfigureAwait(false)).OrThrow();
        async Task<string> Read(string ns, string path) => (await Shell.RunAsync("ip", ["netns", "exec", ns, "cat", path], cancellationToken).ConfigureAwait(false)).OrThrow().Trim();
        await Ip("netns", "add", gen).ConfigureAwait(false);
        await Ip("netns", "add", mid).ConfigureAwait(false);
        await Ip("link", "add", g0, "netns", gen, "type", "veth", "peer", "name", m0, "netns", mid).ConfigureAwait(false);
        await Ip("link", "add", g1, "netns", gen, "type", "veth", "peer", "name", m1, "netns", mid).ConfigureAwait(false);
        foreach (string ns in (string[])[gen, mid])
        {
            await Ip("netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1").ConfigureAwait(false);
            await Ip("-n", ns, "link", "set", "lo", "up").ConfigureAwait(false);
        }

        await Ip("netns", "exec", mid, "sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0").ConfigureAwait(false);
        foreach ((string ns, string dev) in ((string, string)[])[(gen, g0), (gen, g1), (mid, m0), (mid, m1)])
        {
            await Ip("-n", ns, "link", "set", dev, "up").ConfigureAwait(false);
        }

        await Ip("-n", mid, "addr", "add", "10.250.0.1/24", "dev", m0).ConfigureAwait(false);
        await Ip("-n", mid, "addr", "add", "10.250.1.1/24", "dev", m1).ConfigureAwait(false);
        await Ip("-n", mid, "neigh", "add", "10.250.0.2", "lladdr", await Read(gen, $"/sys/class/net/{g0}/address").ConfigureAwait(false), "dev", m0).ConfigureAwait(false);
        await Ip("-n", mid, "neigh", "add", "10.250.1.2", "lladdr", await Read(gen, $"/sys/class/net/{g1}/address").ConfigureAwait(false), "dev", m1).ConfigureAwait(false);
        await Ip("-n", mid, "route", "add", "48.0.0.0/8", "via", "10.250.1.2").ConfigureAwait(false);
        await Ip("-n", mid, "route", "add", "16.0.0.0/8", "via", "10.250.0.2").ConfigureAwait(false);
        string mac = await Read(mid, $"/sys/class/net/{m0}/address").ConfigureAwait(false);
        return (new AfPacketPort(g0, gen), new AfPacketPort(g1, gen), ParseMac(mac));
    }

    /// <summary>Parses aa:bb:cc:dd:ee:ff.</summary>
    /// <param name="text">The text.</param>
    /// <returns>6 bytes.</returns>
    /// <exception cref="ConfigurationException">Not a MAC address.</exception>
    public static byte[] ParseMac(string text)
    {
        string[] parts = text.Trim().Split(':');
        byte[] mac = new byte[6];
        if (parts.Length != 6 || !parts.Select((p, i) => byte.TryParse(p, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out mac[i])).All(ok => ok))
        {
            throw new ConfigurationException($"'{text}' is not a MAC address (aa:bb:cc:dd:ee:ff).");
        }

        return mac;
    }
}
