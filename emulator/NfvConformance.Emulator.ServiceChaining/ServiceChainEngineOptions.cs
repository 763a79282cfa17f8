// Licensed under the Apache License, Version 2.0.
using NfvConformance.Emulator.ServiceChaining.Acceleration;
using NfvConformance.Emulator.Dataplane.Graph;

namespace NfvConformance.Emulator.ServiceChaining;

/// <summary>What the engine asks for when it needs a graph node for a service-function instance.</summary>
/// <param name="NodeName">The node's name in the graph (<c>sf-&lt;port pair&gt;</c>).</param>
/// <param name="Function">The port pair's function (for example <c>firewall</c>).</param>
/// <param name="PortPair">The port pair (instance) the node serves.</param>
/// <param name="NextNode">The node's only next node: every packet it keeps must go there (next index 0).</param>
public sealed record ServiceFunctionRequest(string NodeName, string Function, string PortPair, string NextNode);

/// <summary>Options of a <see cref="ServiceChainEngine"/>.</summary>
public sealed class ServiceChainEngineOptions
{
    /// <summary>Gets the factory of service-function nodes; null gives only the built-in <c>wire</c> function.</summary>
    /// <remarks>A node is created once per port pair and reused by later configurations, so its state (connection tables, NAT bindings) survives updates.</remarks>
    public Func<ServiceFunctionRequest, GraphNode>? FunctionFactory { get; init; }

    /// <summary>Gets the functions <see cref="FunctionFactory"/> can create, for validation; null accepts any name.</summary>
    public IReadOnlySet<string>? KnownFunctions { get; init; }

    /// <summary>Gets the factory of the node that receives traffic leaving the chains (and traffic no classifier matches), given its name; null counts and frees it.</summary>
    public Func<string, GraphNode>? OutputFactory { get; init; }

    /// <summary>Gets the capacity of the flow table (flows pinned to instances); rounded up to a power of two.</summary>
    public int FlowCapacity { get; init; } = 65_536;

    /// <summary>Gets the clock of the graph and of failure detection; tests pass a virtual one.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Gets how long an instance stays down before its flows are moved to the group's other instances; null never moves them.</summary>
    public TimeSpan? FailureDetection { get; init; } = TimeSpan.FromMilliseconds(30);

    /// <summary>Gets the number of trace records kept for probes.</summary>
    public int TraceCapacity { get; init; } = 4096;

    /// <summary>Gets a value indicating whether the graph measures time per node (costs two timestamp reads per node call).</summary>
    public bool MeasureNodeTime { get; init; }

    /// <summary>
    /// Gets the depth of each instance's receive queue in packets: what a paused instance holds before it discards
    /// (virtio-net's default queue size, 256 descriptors).
    /// </summary>
    public int RxQueueDepth { get; init; } = 256;

    /// <summary>Gets the seed for random loss faults.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Gets the cost model used by virtual-time trials and acceleration negotiation.</summary>
    public ChainModelOptions Model { get; init; } = new();
}
