// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Chaining;

namespace NfvConformance.Emulator.Chaining.Acceleration;

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

    /// <summary>Gets cycles per packet for a function missing from <see cref="FunctionCycles"/>.</summary>
    public double DefaultFunctionCycles { get; init; } = 200;

    /// <summary>Gets the cost of each mode; defaults to <see cref="AccelerationCostModel.Defaults"/>.</summary>
    public IReadOnlyDictionary<AccelerationMode, AccelerationCost> ModeCosts { get; init; } = AccelerationCostModel.Defaults;

    /// <summary>Gets the modes the infrastructure grants; a port pair asking for another falls back (see <see cref="AccelerationCostModel.FallbackOrder"/>).</summary>
    public IReadOnlySet<AccelerationMode> GrantedModes { get; init; } = new HashSet<AccelerationMode>(Enum.GetValues<AccelerationMode>());

    /// <summary>Gets the per-hop latency spread: each hop's latency is uniform in [base, base * (1 + spread)].</summary>
    public double LatencySpread { get; init; } = 0.2;
}
