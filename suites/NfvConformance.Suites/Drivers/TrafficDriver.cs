// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Net;
using NfvConformance.Abstractions.Measurements;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Core.Evidence;
using NfvConformance.Core.Running;
using NfvConformance.Reports.Model;
using NfvConformance.Traffic.Methods;

namespace NfvConformance.Suites.Drivers;

/// <summary>
/// Runs throughput searches (NDR/PDR by bisection, TST009 or MLR), their verification and latency and delay-variation
/// trials, all through the target's <see cref="ITrafficGeneration"/> (latency and PDV come from the generator's own
/// timestamps in <see cref="TrialResult"/>), and records measurements and chart data. A real-time generator that
/// calibrates itself (<see cref="ITrafficCalibration"/>) has its ceiling measured first, and every search load
/// is kept below it, so the generator's limit is never taken for the device's.
/// </summary>
public sealed class TrafficDriver
{
    // Real-time trials: searches keep below the calibrated ceiling (NdrPdrOptions.BelowCeiling: 0.2 s and 0.5 s trials;
    // RFC 2544 asks for 60 s, the suite keeps a linux run within minutes); verification and latency trials last a second.
    private static readonly TimeSpan s_realTimeLongTrial = TimeSpan.FromSeconds(1);

    private readonly RunContext _run;
    private readonly ScenarioEvidence _evidence;
    private readonly FiguresDriver _figures;
    private NdrPdrResult? _search;
    private FrameSizeMix? _frames;
    private TrafficStream? _stream;

    /// <summary>Creates the driver for one scenario.</summary>
    /// <param name="run">The run.</param>
    /// <param name="evidence">The scenario's evidence.</param>
    /// <param name="figures">The target figures.</param>
    public TrafficDriver(RunContext run, ScenarioEvidence evidence, FiguresDriver figures)
    {
        _run = run;
        _evidence = evidence;
        _figures = figures;
    }

    private ITrafficGeneration Generator => TargetFacets.Require<ITrafficGeneration>(_run);

    /// <summary>Gets the NDR of the last search in packets per second.</summary>
    public double NdrPps => Search.NdrPps;

    /// <summary>Gets the mean frame size of the last search in bytes.</summary>
    public int FrameSize => FrameSizeOf(_frames ?? throw new InvalidOperationException("no throughput search has run in this scenario; add a step that searches NDR and PDR."));

    private NdrPdrResult Search => _search ?? throw new InvalidOperationException("no throughput search has run in this scenario; add a step that searches NDR and PDR.");

    /// <summary>Searches NDR and PDR for a flow set from a source address, at a frame size or mix, by a method.</summary>
    /// <param name="method">bisection, TST009 or MLR.</param>
    /// <param name="frames">A frame size (64), IMIX, or size:weight pairs.</param>
    /// <param name="source">The streams' source address (the chain's classifier must match it on chained targets).</param>
    /// <returns>A task.</returns>
    public async Task SearchAsync(string method, string frames, string source)
    {
        ITrafficGeneration generator = Generator;
        _frames = FrameSizeMix.Parse(frames);
        TrafficStream stream = new()
        {
            Name = "perf",
            FrameSizes = _frames,
            FlowCount = 1000,
            VaryingFields = FlowFields.SourcePort,
            Headers = new HeaderStack { SourceIp = IPAddress.Parse(source), DestinationIp = IPAddress.Parse("198.51.100.10") },
        };
        _stream = stream;

        // Virtual-time trials cost wall time only for the packets simulated. A trial must outlast the device's queues:
        // 20 ms trials let a 1024-deep queue absorb an overload of 8 % and reported an NDR a longer trial refuted, so
        // the final trials last 0.5 s.
        bool virtualTime = generator.Info.VirtualTime;
        NdrPdrOptions options = virtualTime
            ? new()
            {
                Method = ParseMethod(method),
                TrialDuration = TimeSpan.FromMilliseconds(500),
                InitialTrialDuration = TimeSpan.FromMilliseconds(50),
                ResolutionPercent = 0.5,
                MaxTrials = 120,
            }
            : await RealTimeOptionsAsync(generator, ParseMethod(method), _frames);
        _search = await NdrPdrSearch.RunAsync(generator, new TrafficProfile([stream]), options);
        int size = FrameSizeOf(_frames);
        _evidence.RecordThroughput(new ThroughputPoint(size, _search.NdrPps, _search.PdrPps, _search.LineRatePps));
        _evidence.RecordSearchTrace(_search.Trials.Select(t => new SearchTrial(t.Index, size, t.RatePps, t.LossRatio, t.LossRatio <= options.NdrLossRatio)));
        foreach (Measurement m in _search.ToMeasurements())
        {
            _evidence.Record(m with { Name = $"{m.Name}:{_frames.Name}" });
        }

        _evidence.Record(new Measurement($"generator_virtual_time:{generator.Name}", virtualTime ? 1 : 0, "bool"));
        // A generator-bound search is a lower bound the device held: the steps below pass what it reached and call
        // the rest not applicable; anything else left open (disturbed trials, a limit) is inconclusive.
        Check.That(_search.IsConclusive || _search.IsGeneratorBound, $"The {method} search at {_frames.Name} was inconclusive ({_search.Flags}): {_search.Note}.");
    }

    /// <summary>Checks the NDR found (in Mpps) against a figure.</summary>
    /// <param name="key">The figure's key.</param>
    /// <exception cref="ScenarioNotApplicableException">The NDR is a generator-bound lower bound below the figure: undecided on this host.</exception>
    public void CheckNdrAtLeast(string key)
    {
        double mpps = Math.Round(Search.NdrPps / 1e6, 4);
        if (!Search.Ndr.IsConclusive && mpps < _figures.Get(key).Value)
        {
            throw new ScenarioNotApplicableException($"the NDR is only known to be at least {mpps} Mpps (generator-bound: {Search.Note}); the generator cannot offer the load that would decide '{key}' on this host.");
        }

        _figures.CheckAtLeast($"ndr_mpps:{_frames}", mpps, key);
    }

    /// <summary>Checks the PDR is at least the NDR (PDR allows more loss) and at most line rate.</summary>
    public void CheckPdrConsistent()
    {
        Check.That(Search.PdrPps >= Search.NdrPps, string.Create(CultureInfo.InvariantCulture, $"PDR {Search.PdrPps:F0} pps is below NDR {Search.NdrPps:F0} pps."));
        Check.That(Search.PdrPps <= Search.LineRatePps * 1.0001, string.Create(CultureInfo.InvariantCulture, $"PDR {Search.PdrPps:F0} pps exceeds line rate {Search.LineRatePps:F0} pps."));
    }

    /// <summary>Checks the NDR trial at the found rate lost at most the NDR ratio, by re-running one trial there.</summary>
    /// <returns>A task.</returns>
    public async Task CheckNdrTrialLossFreeAsync()
    {
        TrafficStream stream = new() { Name = "verify", FrameSizes = _frames!, FlowCount = 1000, Headers = new HeaderStack { SourceIp = IPAddress.Parse("10.0.0.1"), DestinationIp = IPAddress.Parse("198.51.100.10") } };
        TrialResult trial = await Generator.RunTrialAsync(new TrialRequest
        {
            Profile = new TrafficProfile([stream]),
            RatePerPort = TrafficRate.Pps(Search.NdrPps),
            Duration = Generator.Info.VirtualTime ? TimeSpan.FromSeconds(2) : s_realTimeLongTrial,
        });
        _evidence.Record(new Measurement($"ndr_verify_loss_ratio:{_frames}", trial.LossRatio, "ratio"));
        Check.That(trial.TxPackets > 0, "The verification trial sent nothing.");
        RequireOffered(trial, "verification");
        Check.That(trial.IsConclusive, $"The verification trial at the NDR {Search.NdrPps:F0} pps was inconclusive ({trial.Flags}): {trial.Note}.");
        Check.That(trial.LossRatio <= 1e-5, string.Create(CultureInfo.InvariantCulture, $"At the NDR {Search.NdrPps:F0} pps a longer trial lost {trial.LostPackets} of {trial.TxPackets} ({trial.LossRatio:E2})."));
    }

    /// <summary>Runs a latency trial through a chain at a percentage of the NDR found and checks percentiles against figures.</summary>
    /// <param name="chain">The chain the search's streams are classified into.</param>
    /// <param name="percentOfNdr">The load in percent of the NDR.</param>
    /// <param name="p99Key">The figure bounding the 99th percentile in µs.</param>
    /// <returns>A task.</returns>
    public async Task CheckLatencyAsync(string chain, double percentOfNdr, string p99Key)
    {
        RequireNdrKnown(percentOfNdr);
        double pps = Search.NdrPps * percentOfNdr / 100.0;
        TrialResult trial = await RunTimedTrialAsync(pps, TimeSpan.FromMilliseconds(100));
        LatencyHistogram l = trial.Latency;
        Check.That(l.Count > 0, string.Create(CultureInfo.InvariantCulture, $"The latency trial through chain '{chain}' at {pps:F0} pps timed no packet ({trial.RxPackets} of {trial.TxPackets} received; {trial.Flags})."));
        double p50 = l.ValueAtPercentile(50), p99 = l.ValueAtPercentile(99);
        _evidence.RecordLatency(
        [
            new LatencyPercentile(0, l.Min / 1000.0),
            new LatencyPercentile(50, p50 / 1000.0),
            new LatencyPercentile(99, p99 / 1000.0),
            new LatencyPercentile(100, l.Max / 1000.0),
        ]);
        _evidence.Record(new Measurement("latency_p50_us", Math.Round(p50 / 1000.0, 3), "us"));
        _evidence.Record(new Measurement("latency_mean_us", Math.Round(l.Mean / 1000.0, 3), "us"));
        _evidence.Record(new Measurement("latency_samples", l.Count, "packets"));
        RequireOffered(trial, "latency");
        Check.That(trial.IsConclusive, $"The latency trial at {pps:F0} pps was inconclusive ({trial.Flags}): {trial.Note}.");
        Check.That(l.Min <= p50 && p50 <= p99 && p99 <= l.Max, string.Create(CultureInfo.InvariantCulture, $"Latency percentiles are not ordered: min {l.Min} p50 {p50} p99 {p99} max {l.Max} ns."));
        _figures.CheckAtMost("latency_p99_us", Math.Round(p99 / 1000.0, 3), p99Key);
    }

    /// <summary>
    /// Runs a trial through a chain at a share of the NDR found and checks the packet delay variation (RFC 5481 PDV:
    /// delay minus the minimum delay) at the 99th percentile, from the generator's timestamps, against a figure.
    /// </summary>
    /// <param name="chain">The chain the search's streams are classified into.</param>
    /// <param name="percentOfNdr">The load in percent of the NDR.</param>
    /// <param name="key">The figure bounding the PDV in µs.</param>
    /// <returns>A task.</returns>
    public async Task CheckDelayVariationAsync(string chain, double percentOfNdr, string key)
    {
        RequireNdrKnown(percentOfNdr);
        double pps = Search.NdrPps * percentOfNdr / 100.0;
        TrialResult trial = await RunTimedTrialAsync(pps, TimeSpan.FromMilliseconds(200));
        LatencyHistogram l = trial.Latency;
        _evidence.Record(new Measurement("dv_trial_pps", Math.Round(pps), "pps"));
        _evidence.Record(new Measurement("dv_trial_delivered", trial.RxPackets, "packets"));
        Check.That(l.Count > 1000, string.Create(CultureInfo.InvariantCulture, $"The trial through chain '{chain}' at {pps:F0} pps timed {l.Count} packets, too few to measure delay variation."));
        RequireOffered(trial, "delay-variation");
        Check.That(trial.IsConclusive, $"The delay-variation trial at {pps:F0} pps was inconclusive ({trial.Flags}): {trial.Note}.");
        Check.That(l.Min > 0 && l.Min <= l.ValueAtPercentile(99) && l.ValueAtPercentile(99) <= l.Max, string.Create(CultureInfo.InvariantCulture, $"Latency figures are not ordered or absent: min {l.Min} max {l.Max} ns."));
        _evidence.Record(new Measurement("pdv_max_us", Math.Round((l.Max - l.Min) / 1000.0, 3), "us"));
        _figures.CheckAtMost("pdv_p99_us", Math.Round(trial.DelayVariation.PdvP99Us, 3), key);
    }

    /// <summary>A trial the generator could not offer (and nothing else disturbed) decides nothing: not applicable, never a fail.</summary>
    private static void RequireOffered(TrialResult trial, string what)
    {
        if ((trial.Flags & (MeasurementFlags.OfferedLoadNotReached | MeasurementFlags.Disturbed)) == MeasurementFlags.OfferedLoadNotReached)
        {
            throw new ScenarioNotApplicableException(string.Create(CultureInfo.InvariantCulture, $"the {what} trial at {trial.OfferedPpsPerPort:F0} pps was generator-bound: {trial.Note}."));
        }
    }

    /// <summary>A share of the NDR needs the NDR itself, not a generator-bound lower bound of it.</summary>
    private void RequireNdrKnown(double percentOfNdr)
    {
        if (!Search.Ndr.IsConclusive)
        {
            throw new ScenarioNotApplicableException(string.Create(CultureInfo.InvariantCulture, $"{percentOfNdr} % of the NDR cannot be offered: the NDR is only known to be at least {Search.NdrPps:F0} pps (generator-bound: {Search.Note})."));
        }
    }

    /// <summary>Search settings for a real-time generator: loads below its calibrated ceiling, short trials.</summary>
    private async Task<NdrPdrOptions> RealTimeOptionsAsync(ITrafficGeneration generator, NdrSearchMethod method, FrameSizeMix frames)
    {
        double line = TrafficRate.LineRatePps(generator.Info.LineRateBitsPerSecond, frames.MeanFrameSize);
        double ceiling = generator.Info.MaxPpsPerPort;
        if (generator is ITrafficCalibration calibration)
        {
            GeneratorLimits limits = await calibration.CalibrateAsync(frames);
            ceiling = limits.CeilingPpsPerPort;
            _evidence.Record(new Measurement($"generator_ceiling_pps:{frames.Name}", Math.Round(ceiling), "pps"));
            _evidence.Record(new Measurement($"generator_latency_floor_p50_us:{frames.Name}", Math.Round(limits.LatencyFloor.P50Us, 3), "us"));
        }

        return NdrPdrOptions.BelowCeiling(method, ceiling, line);
    }

    /// <summary>Runs one trial of the search's stream at a rate: the given virtual duration, or a second of real time.</summary>
    private async Task<TrialResult> RunTimedTrialAsync(double pps, TimeSpan virtualDuration)
    {
        TrafficStream stream = (_stream ?? throw new InvalidOperationException("no throughput search has run in this scenario; add a step that searches NDR and PDR.")) with { Name = "latency" };
        ITrafficGeneration generator = Generator;
        return await generator.RunTrialAsync(new TrialRequest
        {
            Profile = new TrafficProfile([stream]),
            RatePerPort = TrafficRate.Pps(pps),
            Duration = generator.Info.VirtualTime ? virtualDuration : s_realTimeLongTrial,
            Phase = "latency",
        });
    }

    private static int FrameSizeOf(FrameSizeMix mix) => (int)Math.Round(mix.MeanFrameSize);

    private static NdrSearchMethod ParseMethod(string text) => text.ToUpperInvariant() switch
    {
        "BISECTION" => NdrSearchMethod.Bisection,
        "TST009" => NdrSearchMethod.Tst009,
        "MLR" => NdrSearchMethod.Mlr,
        _ => throw new ArgumentException($"search method '{text}' is not bisection, TST009 or MLR.", nameof(text)),
    };
}
