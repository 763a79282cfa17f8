// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Net;
using NfvConformance.Abstractions.Chaining;
using NfvConformance.Abstractions.Measurements;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Core.Evidence;
using NfvConformance.Core.Running;
using NfvConformance.Reports.Model;
using NfvConformance.Traffic.Methods;

namespace NfvConformance.Suites.Drivers;

/// <summary>
/// Runs throughput searches (NDR/PDR by bisection, TST009 or MLR) through the target's <see cref="ITrafficGenerator"/>
/// and latency trials through its <see cref="IServiceChainingFeature"/>, and records measurements and chart data.
/// </summary>
public sealed class TrafficDriver
{
    private readonly RunContext _run;
    private readonly ScenarioEvidence _evidence;
    private readonly FiguresDriver _figures;
    private NdrPdrResult? _search;
    private FrameSizeMix? _frames;

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

    private ITrafficGenerator Generator => TargetFacets.Require<ITrafficGenerator>(_run);

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
        ITrafficGenerator generator = Generator;
        _frames = FrameSizeMix.Parse(frames);
        TrafficStream stream = new()
        {
            Name = "perf",
            FrameSizes = _frames,
            FlowCount = 1000,
            VaryingFields = FlowFields.SourcePort,
            Headers = new HeaderStack { SourceIp = IPAddress.Parse(source), DestinationIp = IPAddress.Parse("198.51.100.10") },
        };

        // Virtual-time trials cost wall time only for the packets simulated. A trial must outlast the device's queues:
        // 20 ms trials let a 1024-deep queue absorb an overload of 8 % and reported an NDR a longer trial refuted, so
        // the final trials last 0.5 s. On a real-time generator trials are wall-clock seconds (RFC 2544 asks for 60 s).
        bool virtualTime = generator.Info.VirtualTime;
        NdrPdrOptions options = new()
        {
            Method = ParseMethod(method),
            TrialDuration = virtualTime ? TimeSpan.FromMilliseconds(500) : TimeSpan.FromSeconds(1),
            InitialTrialDuration = virtualTime ? TimeSpan.FromMilliseconds(50) : TimeSpan.FromMilliseconds(250),
            ResolutionPercent = 0.5,
            MaxTrials = 120,
        };
        _search = await NdrPdrSearch.RunAsync(generator, new TrafficProfile([stream]), options);
        int size = FrameSizeOf(_frames);
        _evidence.RecordThroughput(new ThroughputPoint(size, _search.NdrPps, _search.PdrPps, _search.LineRatePps));
        _evidence.RecordSearchTrace(_search.Trials.Select(t => new SearchTrial(t.Index, size, t.RatePps, t.LossRatio, t.LossRatio <= options.NdrLossRatio)));
        foreach (Measurement m in _search.ToMeasurements())
        {
            _evidence.Record(m with { Name = $"{m.Name}:{_frames.Name}" });
        }

        _evidence.Record(new Measurement($"generator_virtual_time:{generator.Name}", virtualTime ? 1 : 0, "bool"));
        Check.That(_search.IsConclusive, $"The {method} search at {_frames.Name} was inconclusive ({_search.Flags}): {_search.Note}.");
    }

    /// <summary>Checks the NDR found (in Mpps) against a figure.</summary>
    /// <param name="key">The figure's key.</param>
    public void CheckNdrAtLeast(string key) => _figures.CheckAtLeast($"ndr_mpps:{_frames}", Math.Round(Search.NdrPps / 1e6, 4), key);

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
            Duration = Generator.Info.VirtualTime ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(1),
        });
        _evidence.Record(new Measurement($"ndr_verify_loss_ratio:{_frames}", trial.LossRatio, "ratio"));
        Check.That(trial.TxPackets > 0, "The verification trial sent nothing.");
        Check.That(trial.LossRatio <= 1e-5, string.Create(CultureInfo.InvariantCulture, $"At the NDR {Search.NdrPps:F0} pps a longer trial lost {trial.LostPackets} of {trial.TxPackets} ({trial.LossRatio:E2})."));
    }

    /// <summary>Runs a latency trial of a chain at a percentage of the NDR found and checks percentiles against figures.</summary>
    /// <param name="chaining">The chaining driver that applied the chain.</param>
    /// <param name="chain">The chain.</param>
    /// <param name="percentOfNdr">The load in percent of the NDR.</param>
    /// <param name="p99Key">The figure bounding the 99th percentile in µs.</param>
    /// <returns>A task.</returns>
    public async Task CheckLatencyAsync(ChainingDriver chaining, string chain, double percentOfNdr, string p99Key)
    {
        double pps = Search.NdrPps * percentOfNdr / 100.0;
        ChainTrialResult trial = await chaining.RunTrialAsync(chain, pps, FrameSizeOf(_frames!), TimeSpan.FromMilliseconds(100));
        ChainLatency l = trial.Latency;
        Check.That(trial.Delivered > 0, string.Create(CultureInfo.InvariantCulture, $"The latency trial at {pps:F0} pps delivered nothing."));
        _evidence.RecordLatency(
        [
            new LatencyPercentile(0, l.MinNs / 1000.0),
            new LatencyPercentile(50, l.P50Ns / 1000.0),
            new LatencyPercentile(99, l.P99Ns / 1000.0),
            new LatencyPercentile(100, l.MaxNs / 1000.0),
        ]);
        _evidence.Record(new Measurement("latency_p50_us", Math.Round(l.P50Ns / 1000.0, 3), "us"));
        _evidence.Record(new Measurement("latency_mean_us", Math.Round(l.MeanNs / 1000.0, 3), "us"));
        Check.That(l.MinNs <= l.P50Ns && l.P50Ns <= l.P99Ns && l.P99Ns <= l.MaxNs, $"Latency percentiles are not ordered: {l}.");
        _figures.CheckAtMost("latency_p99_us", Math.Round(l.P99Ns / 1000.0, 3), p99Key);
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
