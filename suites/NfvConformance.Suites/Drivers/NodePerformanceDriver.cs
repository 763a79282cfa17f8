// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.Measurements;
using NfvConformance.Core.Evidence;
using NfvConformance.Core.Running;

namespace NfvConformance.Suites.Drivers;

/// <summary>
/// New-flow rate per vNIC and per node (RC1 vnf.nfvi.perf.005, infra.nfvi.perf.003): runs the target's new-flow trials
/// (every flow a fresh 5-tuple, so each stateful instance creates its connection or session entry), searches the highest
/// rate sustained without loss, and checks it against a figure; a node trial runs several chains at once and sums.
/// </summary>
public sealed class NodePerformanceDriver
{
    // Trials are evenly spaced: a new-flow rate either fits the instances' set-up plus per-packet cost or builds a
    // queue that overflows, and even spacing makes that threshold sharp. Search trials are short (a 1,024-packet queue
    // can hide 512 two-packet flows, so the rate found may be up to about 10 kfps per chain high: evidence only); the
    // figure is confirmed by a 1-second trial, in which a rate 0.5 % above capacity fills such a queue and loses.
    private static readonly TimeSpan SearchTrial = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan ConfirmTrial = TimeSpan.FromSeconds(1);
    private const int SearchSteps = 8;

    private readonly RunContext _run;
    private readonly ScenarioEvidence _evidence;
    private readonly FiguresDriver _figures;
    private double _sustained;
    private int _packetsPerFlow = 1;
    private IReadOnlyList<string> _chains = [];

    /// <summary>Creates the driver for one scenario.</summary>
    /// <param name="run">The run.</param>
    /// <param name="evidence">The scenario's evidence.</param>
    /// <param name="figures">The target figures.</param>
    public NodePerformanceDriver(RunContext run, ScenarioEvidence evidence, FiguresDriver figures)
    {
        _run = run;
        _evidence = evidence;
        _figures = figures;
    }

    private IServiceChaining Chaining => TargetFacets.Require<IServiceChaining>(_run);

    /// <summary>
    /// Searches the highest total new-flow rate the chains sustain together on one node without losing a packet
    /// (each chain gets an equal share): doubles from 1,000 flows/s until a trial loses, then bisects.
    /// </summary>
    /// <param name="chains">Comma-separated chains.</param>
    /// <param name="packetsPerFlow">Packets each flow sends.</param>
    /// <returns>A task.</returns>
    public async Task SearchAsync(string chains, int packetsPerFlow)
    {
        _chains = [.. chains.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        Check.That(_chains.Count > 0, "Name at least one chain.");
        _packetsPerFlow = packetsPerFlow;
        double good = 0;
        double bad = 10_000;
        while (await LossFreeAsync(bad))
        {
            good = bad;
            bad *= 2;
            Check.That(bad < 1e9, "New-flow trials lose nothing even at a billion flows per second; the target does not model flow set-up.");
        }

        for (int i = 0; i < SearchSteps && good > 0; i++)
        {
            double mid = (good + bad) / 2;
            if (await LossFreeAsync(mid))
            {
                good = mid;
            }
            else
            {
                bad = mid;
            }
        }

        _sustained = good;
        _evidence.Record(new Measurement("new_flows_first_lossy_fps", Math.Round(bad), "flows/s"));
    }

    /// <summary>Checks the sustained rate found reaches a figure, then confirms it with a trial at the figure's rate that completes every flow.</summary>
    /// <param name="key">The figure (flows per second).</param>
    /// <returns>A task.</returns>
    public async Task CheckSustainedAtLeastAsync(string key)
    {
        Check.That(_chains.Count > 0, "No new-flow rate was searched; add the search step first.");
        _figures.CheckAtLeast("new_flows_sustained_fps", Math.Round(_sustained), key);
        double figure = _figures.Get(key).Value;
        NodeTrialResult node = await TrialAsync(figure, ConfirmTrial);
        long offered = node.Chains.Sum(c => c.FlowsOffered);
        long completed = node.Chains.Sum(c => c.FlowsCompleted);
        _evidence.Record(new Measurement("new_flows_at_figure_completed", completed, "flows"));
        _evidence.Record(new Measurement("new_flows_at_figure_lost_packets", node.Lost, "packets"));
        long expected = (long)(figure * ConfirmTrial.TotalSeconds);
        Check.That(offered >= expected, string.Create(CultureInfo.InvariantCulture, $"The trial at {figure} flows/s started only {offered} flows in {ConfirmTrial.TotalMilliseconds} ms; expected at least {expected}: the target did not start flows at the rate asked."));
        Check.That(node.Lost == 0 && completed == offered, $"At {figure} flows/s, {offered - completed} of {offered} flows lost packets ({node.Lost} packets).");
    }

    private async Task<bool> LossFreeAsync(double totalRate)
    {
        NodeTrialResult node = await TrialAsync(totalRate, SearchTrial);
        return node.Lost == 0 && node.Chains.All(c => c.FlowsCompleted == c.FlowsOffered && c.FlowsOffered > 0);
    }

    private async Task<NodeTrialResult> TrialAsync(double totalRate, TimeSpan length)
    {
        double share = totalRate / _chains.Count;
        NodeTrialOptions options = new([.. _chains.Select(c => new ChainTrialOptions(c)
        {
            Duration = length,
            NewFlowsPerSecond = share,
            PacketsPerFlow = _packetsPerFlow,
            PoissonArrivals = false,
        })]);
        return await TargetFacets.Require<IChainTrialSimulation>(_run).RunNodeTrialAsync(options);
    }
}
