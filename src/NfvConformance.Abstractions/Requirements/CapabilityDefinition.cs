// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Abstractions.Requirements;

/// <summary>A capability as the requirement catalogue defines it: uid, meaning, unit and per-profile values.</summary>
/// <param name="Uid">The catalogue uid (for example <c>RM:e.cap.013</c>).</param>
/// <param name="Kind">The catalogue kind (<c>exposed-capability</c> or <c>internal-capability</c>).</param>
/// <param name="Title">What it is, in one line.</param>
/// <param name="Unit">Its unit, if any.</param>
/// <param name="ProfileValues">Values by catalogue profile key (<c>basic</c>, <c>high_performance</c>, <c>network_intensive</c>).</param>
/// <param name="Topics">The catalogue topics (for example <c>sriov</c>, <c>networking</c>).</param>
/// <param name="Location">Where it is defined, as <c>file:line</c>.</param>
public sealed record CapabilityDefinition(
    string Uid,
    string Kind,
    string Title,
    string? Unit,
    IReadOnlyDictionary<string, string> ProfileValues,
    IReadOnlyList<string> Topics,
    string Location);
