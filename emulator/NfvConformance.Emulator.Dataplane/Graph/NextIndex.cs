// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Emulator.Dataplane.Graph;

/// <summary>
/// Next indices a node writes per packet. Index <c>i</c> names <c>GraphNode.NextNodes[i]</c>; <see cref="Drop"/>
/// frees the packet and counts it in the node's drops (give the reason in a named counter too).
/// </summary>
public static class NextIndex
{
    /// <summary>Free the packet; the runtime counts it in <see cref="NodeCounters.Drops"/>.</summary>
    public const ushort Drop = ushort.MaxValue;
}
