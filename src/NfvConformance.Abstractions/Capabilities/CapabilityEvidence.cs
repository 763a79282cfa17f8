// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Abstractions.Capabilities;

/// <summary>What one evidence source said about a capability (provenance).</summary>
/// <param name="Source">The evidence source (for example <c>catalogue:high-performance</c>, <c>nic:0000:3b:00.0</c>, <c>cpu</c>).</param>
/// <param name="Raw">What that source said.</param>
/// <param name="Detail">Why, in a few words (for example <c>64 VFs, 0 used</c>), if anything.</param>
public sealed record CapabilityEvidence(string Source, string Raw, string? Detail = null);
