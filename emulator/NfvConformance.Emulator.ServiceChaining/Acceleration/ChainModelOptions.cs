// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;

namespace NfvConformance.Emulator.ServiceChaining.Acceleration;

/// <summary>How the virtual-time model prices a hop: CPU clock, per-function work, per-mode I/O cost and queues.</summary>
public sealed class ChainModelOptions
{
    /// <summary>Gets the modeled core clock in hertz.</summary>
    public double CpuHz { get; init; } = 2.5e9;

    /// <summary>Gets the packets an instance can hold queued (its receive ring) before it tail-drops.</summary>
    public int QueueDepth { get; init; } = 1024;

    /// <summary>Gets cycles per packet of each service function's own work; unknown functions use <see cref="DefaultFunctionCycles"/>.</summary>
    public IReadOnlyDictionary<string, double> FunctionCycles { get; init; } = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["l2"] = 60,
        ["router"] = 150,
        ["firewall"] = 200,
        ["nat44"] = 250,
        ["load-balancer"] = 180,
    };

    /// <summary>
    /// Gets the extra cycles the first packet of a flow costs an instance of each stateful function: the connection
    /// tracking entry of a firewall, the session and port allocation of NAT44; stateless functions (router, l2,
    /// load balancer hashing) are absent and cost nothing extra. Measured on this repository's dataplane with
    /// <c>NfvConformance.Benchmarks flow-setup</c> (60,000 distinct UDP flows first then again, vector 32, thread CPU
    /// time, 5 rounds, median): FirewallNode 144 ns and Nat44Node 417 ns more per new flow than per established one,
    /// i.e. 360 and 1,040 cycles at 2.5 GHz (2026-11-21, host load average 35, so upper bounds; docs/service-chaining.md).
    /// </summary>
    public IReadOnlyDictionary<string, double> FlowSetupCycles { get; init; } = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["firewall"] = 360,
        ["nat44"] = 1_040,
    };

    /// <summary>Gets cycles per packet for a function missing from <see cref="FunctionCycles"/>.</summary>
    public double DefaultFunctionCycles { get; init; } = 200;

    /// <summary>Gets the cost of each mode; defaults to <see cref="AccelerationCostModel.Defaults"/>.</summary>
    public IReadOnlyDictionary<AccelerationMode, AccelerationCost> ModeCosts { get; init; } = AccelerationCostModel.Defaults;

    /// <summary>Gets the modes the infrastructure grants; a port pair asking for another falls back (see <see cref="AccelerationCostModel.FallbackOrder"/>).</summary>
    public IReadOnlySet<AccelerationMode> GrantedModes { get; init; } = new HashSet<AccelerationMode>(Enum.GetValues<AccelerationMode>());

    /// <summary>Gets the per-hop latency spread: each hop's latency is uniform in [base, base * (1 + spread)].</summary>
    public double LatencySpread { get; init; } = 0.2;
}
