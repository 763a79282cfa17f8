// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Lab.Workloads;

/// <summary>One fact read back about an instance, with where it was read.</summary>
/// <param name="Name">What it is (<c>interface.left.mac</c>, <c>process.pid</c>, <c>image.id</c>).</param>
/// <param name="Value">The value read.</param>
/// <param name="Source">Where it was read (<c>docker:GET /containers/ID/json State.Pid</c>, <c>kernel:/proc/PID/net/dev</c>).</param>
public sealed record WorkloadFact(string Name, string Value, string Source);

/// <summary>What an instance is, read back after instantiation; nothing is taken from the request.</summary>
/// <param name="Instance">The instance name.</param>
/// <param name="Facts">The facts, each with its provenance.</param>
public sealed record WorkloadFacts(string Instance, IReadOnlyList<WorkloadFact> Facts)
{
    /// <summary>Gets a fact's value, or null.</summary>
    /// <param name="name">The fact's name.</param>
    /// <returns>The value.</returns>
    public string? this[string name] => Facts.FirstOrDefault(f => f.Name == name)?.Value;
}
