// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;
using System.Globalization;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Traffic.Devices;
using NfvConformance.Traffic.Generators;
using NfvConformance.Traffic.Methods;

namespace NfvConformance.Traffic.Bench;

/// <summary>Settings of <c>nfvc bench ndr</c>.</summary>
public sealed record NdrBenchOptions
{
    /// <summary>Gets the DUT file (ignored when the bench runs through a generator).</summary>
    public string DutFile { get; init; } = string.Empty;

    /// <summary>Gets the frame size text: a size (64), IMIX, or size:weight pairs.</summary>
    public string FrameSize { get; init; } = "64";

    /// <summary>Gets the number of flows (at least 1).</summary>
    public int Flows { get; init; } = 1;

    /// <summary>Gets whether traffic runs in both directions (rates and capacity per direction; loss over both, as NFVbench).</summary>
    public bool Bidirectional { get; init; }

    /// <summary>Gets the search settings (method, thresholds, resolution, durations, limits).</summary>
    public NdrPdrOptions Search { get; init; } = new();

    /// <summary>Gets the highest rate the search may offer, packets per second per port (null: the search's maximum load).</summary>
    public double? MaxRatePps { get; init; }

    /// <summary>Gets the duration of each latency trial (at the NDR, and at 0, 10, 50 and 90 % of PDR).</summary>
    public TimeSpan LatencyTrialDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets the virtual generator's own timestamping latency, which loopback calibration measures and removes.</summary>
    public long GeneratorBiasNs { get; init; } = 2_000;
}

/// <summary>What <c>nfvc bench ndr</c> found.</summary>
public sealed record NdrBenchReport
{
    /// <summary>Gets the device.</summary>
    public required DeviceModel Device { get; init; }

    /// <summary>Gets the frame sizes.</summary>
    public required FrameSizeMix FrameSizes { get; init; }

    /// <summary>Gets the search result and its trace.</summary>
    public required NdrPdrResult Search { get; init; }

    /// <summary>Gets the calibrated generator bias.</summary>
    public required LatencyBias Bias { get; init; }

    /// <summary>Gets the latency at the NDR (RFC 2544 section 26.2: latency at the throughput, the no-drop rate).</summary>
    public required LatencyAtLoad LatencyAtNdr { get; init; }

    /// <summary>Gets the latency at 0, 10, 50 and 90 % of PDR.</summary>
    public required IReadOnlyList<LatencyAtLoad> LatencyAtLoads { get; init; }

    /// <summary>Gets the wall-clock time the whole run took.</summary>
    public TimeSpan WallTime { get; init; }

    /// <summary>Writes the JSON contract of issue 5.</summary>
    /// <returns>Indented JSON.</returns>
    public string ToJson() => NdrBenchJson.Write(this);
}

/// <summary>
/// The NDR/PDR bench: against an emulated device in virtual time (a DUT file), or through any generator whose ports
/// 0 and 1 face a device (<c>nfvc bench ndr --generator</c>, TRex). Both validate the same settings, run the same
/// search and latency profile, and write the same JSON.
/// </summary>
public static class NdrBench
{
    /// <summary>Validates everything, then calibrates, searches and measures latency.</summary>
    /// <param name="options">Settings.</param>
    /// <param name="cancellationToken">Cancels between trials.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ConfigurationException">Bad input (DUT file, frame size, flows, thresholds, rate); nothing ran. The message names file:line where there is one.</exception>
    public static async Task<NdrBenchReport> RunAsync(NdrBenchOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        Stopwatch wall = Stopwatch.StartNew();
        List<string> problems = [];
        DeviceModel? device = Collect(problems, () => DeviceFile.Load(options.DutFile));
        (FrameSizeMix mix, TrafficProfile profile, NdrPdrOptions search) = Validate(options, device?.LineRateBitsPerSecond, problems);
        EmulatedGeneratorOptions generatorOptions = new() { TimestampBiasNs = options.GeneratorBiasNs };
        EmulatedDeviceGenerator loopback = new(null, generatorOptions, device!.LineRateBitsPerSecond);
        LatencyBias bias = await LatencyCalibration.CalibrateAsync(loopback, profile, options.LatencyTrialDuration, cancellationToken).ConfigureAwait(false);
        EmulatedDeviceGenerator generator = new(device, generatorOptions);
        return await SearchAsync(generator, device, mix, profile, search, bias, options, wall, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Validates everything, then searches and measures latency through a generator (TRex): the device is whatever
    /// sits between its ports 0 and 1, and the report names the generator in its place. No loopback calibration is
    /// possible here, so the latency figures carry the generator's own bias (reported as 0).
    /// </summary>
    /// <param name="generator">The generator (ports 0 and 1 face the device; its line rate bounds the rates).</param>
    /// <param name="options">Settings (the DUT file is ignored).</param>
    /// <param name="cancellationToken">Cancels between trials.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ConfigurationException">Bad input (frame size, flows, thresholds, rate); nothing ran.</exception>
    public static async Task<NdrBenchReport> RunAsync(ITrafficGeneration generator, NdrBenchOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(options);
        Stopwatch wall = Stopwatch.StartNew();
        double lineBps = generator.Info.LineRateBitsPerSecond;
        (FrameSizeMix mix, TrafficProfile profile, NdrPdrOptions search) = Validate(options, lineBps, []);
        DeviceModel behind = new() { Name = generator.Name, LineRateGbps = lineBps / 1e9, CapacityPps = new Dictionary<int, double>() };
        return await SearchAsync(generator, behind, mix, profile, search, LatencyBias.None, options, wall, cancellationToken).ConfigureAwait(false);
    }

    // Collects every problem (with those the caller found) and throws them together; else the profile and the search
    // settings with --max-rate folded in.
    private static (FrameSizeMix Mix, TrafficProfile Profile, NdrPdrOptions Search) Validate(NdrBenchOptions options, double? lineBps, List<string> problems)
    {
        FrameSizeMix? mix = Collect(problems, () => FrameSizeMix.Parse(options.FrameSize));
        if (options.Flows < 1)
        {
            problems.Add($"--flows {options.Flows}: a stream needs at least 1 flow.");
        }

        problems.AddRange(options.Search.Validate().Select(e => e.ToString()));
        NdrPdrOptions search = options.Search;
        if (lineBps is double bps && mix is not null && options.MaxRatePps is double maxPps)
        {
            double line = TrafficRate.LineRatePps(bps, mix.MeanFrameSize);
            if (!(maxPps > 0) || maxPps > line * (1 + 1e-12))
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"--max-rate {maxPps} pps is outside (0, line rate {line:F0} pps] for {mix} B at {bps / 1e9} Gb/s."));
            }
            else
            {
                search = search with { MaxLoadPercent = Math.Min(search.MaxLoadPercent, maxPps / line * 100.0) };
            }
        }

        if (problems.Count > 0)
        {
            ThrowHelper.ThrowConfiguration(string.Join(Environment.NewLine, problems));
        }

        TrafficStream stream = new()
        {
            Name = "fwd",
            FrameSizes = mix!,
            FlowCount = options.Flows,
            TxPort = 0,
            RxPort = 1,
        };
        return (mix!, options.Bidirectional ? TrafficProfile.Bidirectional(stream) : new([stream]), search);
    }

    private static async Task<NdrBenchReport> SearchAsync(
        ITrafficGeneration generator, DeviceModel device, FrameSizeMix mix, TrafficProfile profile, NdrPdrOptions search, LatencyBias bias, NdrBenchOptions options, Stopwatch wall, CancellationToken cancellationToken)
    {
        NdrPdrResult result = await NdrPdrSearch.RunAsync(generator, profile, search, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<LatencyAtLoad> atLoads = await LatencyProfile.MeasureAsync(
            generator, profile, result.PdrPps, LatencyProfile.CsitLoads, options.LatencyTrialDuration, search.LatencyPps, bias, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<LatencyAtLoad> atNdr = await LatencyProfile.MeasureAsync(
            generator, profile, result.NdrPps, [100], options.LatencyTrialDuration, search.LatencyPps, bias, cancellationToken).ConfigureAwait(false);
        return new NdrBenchReport
        {
            Device = device,
            FrameSizes = mix,
            Search = result,
            Bias = bias,
            LatencyAtNdr = atNdr[0],
            LatencyAtLoads = atLoads,
            WallTime = wall.Elapsed,
        };
    }

    private static T? Collect<T>(List<string> problems, Func<T> read)
        where T : class
    {
        try
        {
            return read();
        }
        catch (ConfigurationException ex)
        {
            problems.Add(ex.Message);
            return null;
        }
    }
}
