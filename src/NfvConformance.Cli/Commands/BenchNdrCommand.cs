// Licensed under the Apache License, Version 2.0.
using System.CommandLine;
using System.Globalization;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Traffic.Bench;
using NfvConformance.Traffic.Methods;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Trex.Generator;
using NfvConformance.Trex.Rpc;

namespace NfvConformance.Cli.Commands;

/// <summary><c>nfvc bench ndr</c>: NDR/PDR search and latency against an emulated device, in virtual time.</summary>
internal sealed class BenchNdrCommand : IBenchSubcommand
{
    public Command Create()
    {
        Option<string?> dut = new("--dut") { Description = "DUT file (YAML: line_rate_gbps, capacity_pps, loss, latency_us, seed): search an emulated device in process." };
        Option<string?> generator = new("--generator") { Description = "trex://HOST:PORT: search whatever sits between ports 0 and 1 of a TRex server (real, or 'nfvc emulator serve')." };
        Option<string> frameSize = new("--frame-size") { Description = "Frame size incl. FCS (64..9216), IMIX, or size:weight pairs.", DefaultValueFactory = _ => "64" };
        Option<string> method = new("--method") { Description = "bisection (NFVbench), tst009 (ETSI TST009 with loss verification) or mlr (MLRsearch-style).", DefaultValueFactory = _ => "mlr" };
        Option<double> ndr = new("--ndr") { Description = "NDR loss threshold in percent (NFVbench: 0.001).", DefaultValueFactory = _ => 0.001 };
        Option<double> pdr = new("--pdr") { Description = "PDR loss threshold in percent (NFVbench: 0.1).", DefaultValueFactory = _ => 0.1 };
        Option<double> resolution = new("--resolution") { Description = "Search resolution in percent of line rate (NFVbench load_epsilon: 0.1).", DefaultValueFactory = _ => 0.1 };
        Option<double> duration = new("--duration") { Description = "Trial duration in seconds (MLR: the confirming duration).", DefaultValueFactory = _ => 60 };
        Option<int> flows = new("--flows") { Description = "Number of flows.", DefaultValueFactory = _ => 1 };
        Option<double?> maxRate = new("--max-rate") { Description = "Highest rate to offer, packets/s per port (at most line rate)." };
        Option<int> maxTrials = new("--max-trials") { Description = "Stop the search after this many trials.", DefaultValueFactory = _ => 200 };
        Option<bool> bidirectional = new("--bidirectional") { Description = "Send in both directions (rates per direction, loss over both, as NFVbench)." };
        Option<bool> json = new("--json") { Description = "Print the result as JSON." };
        Command command = new("ndr", "Find NDR and PDR of an emulated device (virtual time), with latency at the NDR and at 0/10/50/90 % of PDR.")
        {
            dut, generator, frameSize, method, ndr, pdr, resolution, duration, flows, maxRate, maxTrials, bidirectional, json,
        };
        command.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            try
            {
                string? dutFile = pr.GetValue(dut);
                string? trexAddress = pr.GetValue(generator);
                if ((dutFile is null) == (trexAddress is null))
                {
                    throw new ConfigurationException("give exactly one of --dut FILE (an emulated device, in process) or --generator trex://HOST:PORT (a TRex server).");
                }

                NdrBenchOptions options = new()
                {
                    DutFile = dutFile ?? string.Empty,
                    FrameSize = pr.GetValue(frameSize)!,
                    Flows = pr.GetValue(flows),
                    Bidirectional = pr.GetValue(bidirectional),
                    MaxRatePps = pr.GetValue(maxRate),
                    Search = new NdrPdrOptions
                    {
                        Method = ParseMethod(pr.GetValue(method)!),
                        NdrLossRatio = pr.GetValue(ndr) / 100.0,
                        PdrLossRatio = pr.GetValue(pdr) / 100.0,
                        ResolutionPercent = pr.GetValue(resolution),
                        TrialDuration = Seconds(pr.GetValue(duration)),
                        InitialTrialDuration = TimeSpan.FromSeconds(Math.Min(1, Math.Max(0.001, pr.GetValue(duration)))),
                        MaxTrials = pr.GetValue(maxTrials),
                    },
                };
                NdrBenchReport report;
                if (trexAddress is not null)
                {
                    TrexEndpoint endpoint = TrexEndpoint.Parse(trexAddress, "--generator");
                    using TrexGenerator trex = TrexGenerator.Connect(endpoint);
                    report = await NdrBench.RunAsync(trex, options, ct).ConfigureAwait(false);
                }
                else
                {
                    report = await NdrBench.RunAsync(options, ct).ConfigureAwait(false);
                }

                Console.Out.WriteLine(pr.GetValue(json) ? report.ToJson() : Text(report));
                if (!report.Search.IsConclusive)
                {
                    Console.Error.WriteLine($"nfvc bench ndr: inconclusive: {report.Search.Note}");
                }

                return ExitCodes.Success;
            }
            catch (ConfigurationException ex)
            {
                Console.Error.WriteLine($"nfvc bench ndr: {ex.Message}");
                return ExitCodes.Usage;
            }
            catch (TrexException ex)
            {
                Console.Error.WriteLine($"nfvc bench ndr: {ex.Message}");
                return ExitCodes.Usage;
            }
            catch (TrafficEnvironmentException ex)
            {
                Console.Error.WriteLine($"nfvc bench ndr: {ex.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }

    private static NdrSearchMethod ParseMethod(string text) => text.ToLowerInvariant() switch
    {
        "bisection" => NdrSearchMethod.Bisection,
        "tst009" => NdrSearchMethod.Tst009,
        "mlr" => NdrSearchMethod.Mlr,
        _ => throw new ConfigurationException($"--method '{text}' is not one of bisection, tst009, mlr."),
    };

    private static TimeSpan Seconds(double s) =>
        double.IsFinite(s) && s > 0 && s <= 86_400 ? TimeSpan.FromSeconds(s) : throw new ConfigurationException($"--duration {s.ToString(CultureInfo.InvariantCulture)} s must be within (0, 86400].");

    private static string Text(NdrBenchReport r) => string.Create(CultureInfo.InvariantCulture,
        $"{r.Device.Name} {r.FrameSizes} B, {r.Search.Method}: NDR {r.Search.NdrPps:F0} pps ({r.Search.NdrPercentOfLine:F3} % of line), PDR {r.Search.PdrPps:F0} pps ({r.Search.PdrPercentOfLine:F3} %), {r.Search.Trials.Count} trials, {r.Search.TrialTimeTotal.TotalSeconds:F0} s of trials; latency at NDR p50 {r.LatencyAtNdr.Latency.P50Us:F2} us, p99 {r.LatencyAtNdr.Latency.P99Us:F2} us (generator bias {r.Bias.BiasNs / 1000:F2} us removed).");
}
