// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Emulator.Dataplane.Graph;

/// <summary>Options of a <see cref="NodeGraph"/>.</summary>
public sealed class NodeGraphOptions
{
    /// <summary>Gets the graph clock; <see cref="TimeProvider.System"/> when null. Inject a virtual one for deterministic runs.</summary>
    public TimeProvider? Time { get; init; }

    /// <summary>Gets a value indicating whether each Process call is timed (two Stopwatch reads per call, not per packet).</summary>
    public bool MeasureNodeTime { get; init; } = true;

    /// <summary>Gets the number of hops the trace buffer keeps.</summary>
    public int TraceCapacity { get; init; } = 1024;

    /// <summary>Gets the index of the worker that will own the graph.</summary>
    public int WorkerId { get; init; }
}
