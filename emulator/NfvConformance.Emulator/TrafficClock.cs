// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Emulator;

/// <summary>Which traffic generator the emulator offers as its <c>ITrafficGeneration</c> facet.</summary>
public enum TrafficClock
{
    /// <summary>The virtual-time generator over the service-chain engine's model: fast, seeded, repeatable (the default).</summary>
    Virtual = 0,

    /// <summary>The dataplane's in-process real-time generator: frames through ring ports on the wall clock.</summary>
    RealTime,
}
