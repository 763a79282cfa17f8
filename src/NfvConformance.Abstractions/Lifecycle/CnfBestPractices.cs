// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Abstractions.Lifecycle;

/// <summary>One best-practice check's verdict on a container component.</summary>
/// <param name="Check">The check (<c>non-root</c>, <c>sigterm-within-grace</c>, ...).</param>
/// <param name="Passed">True when the component follows the practice.</param>
/// <param name="Observed">What was read or seen, and where.</param>
/// <param name="Remedy">What to change when it failed (empty when it passed).</param>
public sealed record CnfPracticeFinding(string Check, bool Passed, string Observed, string Remedy);

/// <summary>The CNF best-practice checks run on one deployment unit's container.</summary>
/// <param name="DeploymentUnit">The unit.</param>
/// <param name="Image">The image the container ran.</param>
/// <param name="Findings">One finding per check, in the order they ran.</param>
/// <param name="Refusal">Why the target cannot run the checks for real (not a container unit, no container runtime), or null.</param>
public sealed record CnfPracticeReport(string DeploymentUnit, string Image, IReadOnlyList<CnfPracticeFinding> Findings, string? Refusal);

/// <summary>A facet: checks a descriptor's container unit against CNF best practices by running it on the target's container runtime.</summary>
public interface ICnfBestPractices
{
    /// <summary>Gets the names of the checks, in the order they run (a fixed list; no I/O).</summary>
    IReadOnlyList<string> Checks { get; }

    /// <summary>Starts one container of a unit, checks it, stops and removes it.</summary>
    /// <param name="descriptor">An onboarded descriptor.</param>
    /// <param name="deploymentUnit">The unit.</param>
    /// <param name="cancellationToken">Cancels the checks (the container is still stopped and removed).</param>
    /// <returns>The report; its <see cref="CnfPracticeReport.Refusal"/> says why when the checks cannot run.</returns>
    ValueTask<CnfPracticeReport> CheckAsync(VnfDescriptor descriptor, string deploymentUnit, CancellationToken cancellationToken = default);
}
