// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;
using System.Globalization;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Traffic.Bench;
using NfvConformance.Traffic.Devices;
using NfvConformance.Traffic.Methods;

namespace NfvConformance.Trex.Bench;

/// <summary>
/// <c>nfvc bench ndr --generator</c>: the same search, latency profile and JSON as the in-process bench
/// (<see cref="NdrBench"/>), run through any generator (TRex). The device is whatever sits between the generator's
/// ports; the report names the generator in its place. No loopback calibration is possible here, so the latency
/// figures carry the generator's own bias (reported as 0).
/// </summary>
public static class GeneratorNdrBench
{
    /// <summary>Validates everything, then searches and measures latency.</summary>
    /// <param name="generator">The generator (ports 0 and 1 face the device).</param>
    /// <param name="options">The bench settings (its DUT file is ignored).</param>
    /// <param name="cancellationToken">Cancels between trials.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ConfigurationException">Bad input; nothing ran.</exception>
    public static async Task<NdrBenchReport> RunAsync(ITrafficGenerator generator, NdrBenchOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(options);
        Stopwatch wall = Stopwatch.StartNew();
        List<string> problems = [];
        FrameSizeMix? mix = null;
        try
        {
            mix = FrameSizeMix.Parse(options.FrameSize);
        }
        catch (ConfigurationException ex)
        {
            problems.Add(ex.Message);
        }

        if (options.Flows < 1)
        {
            problems.Add($"--flows {options.Flows}: a stream needs at least 1 flow.");
        }

        problems.AddRange(options.Search.Validate().Select(e => e.ToString()));
        NdrPdrOptions search = options.Search;
        double lineBps = generator.Info.LineRateBitsPerSecond;
        if (mix is not null && options.MaxRatePps is double maxPps)
        {
            double line = TrafficRate.LineRatePps(lineBps, mix.MeanFrameSize);
            if (!(maxPps > 0) || maxPps > line * (1 + 1e-12))
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"--max-rate {maxPps} pps is outside (0, line rate {line:F0} pps] for {mix} B at {lineBps / 1e9} Gb/s."));
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

        TrafficStream stream = new() { Name = "fwd", FrameSizes = mix!, FlowCount = options.Flows, TxPort = 0, RxPort = 1 };
        TrafficProfile profile = options.Bidirectional ? TrafficProfile.Bidirectional(stream) : new([stream]);
        NdrPdrResult result = await NdrPdrSearch.RunAsync(generator, profile, search, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<LatencyAtLoad> atLoads = await LatencyProfile.MeasureAsync(
            generator, profile, result.PdrPps, LatencyProfile.CsitLoads, options.LatencyTrialDuration, search.LatencyPps, LatencyBias.None, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<LatencyAtLoad> atNdr = await LatencyProfile.MeasureAsync(
            generator, profile, result.NdrPps, [100], options.LatencyTrialDuration, search.LatencyPps, LatencyBias.None, cancellationToken).ConfigureAwait(false);
        DeviceModel behind = new()
        {
            Name = generator.Name,
            LineRateGbps = lineBps / 1e9,
            CapacityPps = new Dictionary<int, double>(),
        };
        return new NdrBenchReport
        {
            Device = behind,
            FrameSizes = mix!,
            Search = result,
            Bias = LatencyBias.None,
            LatencyAtNdr = atNdr[0],
            LatencyAtLoads = atLoads,
            WallTime = wall.Elapsed,
        };
    }
}
