// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Lifecycle;
using NfvConformance.Abstractions.Placement;
using NfvConformance.Descriptors.Vnfd;
using NfvConformance.Lab.Workloads.Docker;

namespace NfvConformance.Lab.Workloads.Checks;

/// <summary>
/// The linux target's CNF best-practice checks (<see cref="BestPracticeChecks"/>) on a descriptor's container unit:
/// the unit's image (resolved as the lifecycle resolves it) runs as the lifecycle runs a component (no Docker network,
/// read-only root with a writable <c>/tmp</c>, the image's own user), and each check reads Docker's API and the
/// kernel or watches the container. A report is kept per image, so the scenarios of one image run the container
/// once. A VM unit, or a host without Docker, is refused as a value.
/// </summary>
public sealed class LinuxCnfBestPractices : ICnfBestPractices
{
    private readonly WorkloadLab _lab;
    private readonly BestPracticeLimits _limits;
    private readonly Dictionary<string, CnfPracticeReport> _reports = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _sequence;

    /// <summary>Initializes a new instance of the <see cref="LinuxCnfBestPractices"/> class.</summary>
    /// <param name="lab">The run's workloads.</param>
    /// <param name="limits">The figures the checks hold a CNF to.</param>
    public LinuxCnfBestPractices(WorkloadLab lab, BestPracticeLimits limits)
    {
        _lab = lab;
        _limits = limits;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Checks => BestPracticeChecks.Names;

    /// <inheritdoc />
    public async ValueTask<CnfPracticeReport> CheckAsync(VnfDescriptor descriptor, string deploymentUnit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        DeploymentUnit unit = descriptor.DeploymentUnits.FirstOrDefault(u => u.Name == deploymentUnit)
            ?? throw new ConfigurationException($"descriptor {descriptor.Id}@{descriptor.Version} has no deployment unit '{deploymentUnit}'; it has {string.Join(", ", descriptor.DeploymentUnits.Select(u => u.Name))}.");
        if (unit.Kind != WorkloadKind.Container)
        {
            return new CnfPracticeReport(unit.Name, unit.Image, [], $"'{unit.Name}' is a {unit.Kind}; the CNF best practices are checked on containers.");
        }

        if (_lab.Unavailable(RealisationKind.Container) is { } why)
        {
            return new CnfPracticeReport(unit.Name, unit.Image, [], why);
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_reports.TryGetValue(unit.Image, out CnfPracticeReport? report))
            {
                cancellationToken.ThrowIfCancellationRequested();
                report = await RunAsync(unit).ConfigureAwait(false);
                _reports[unit.Image] = report;
            }

            return report with { DeploymentUnit = unit.Name };
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<CnfPracticeReport> RunAsync(DeploymentUnit unit)
    {
        if (await _lab.ResolveImageAsync(unit.Image).ConfigureAwait(false) is { } missing)
        {
            return new CnfPracticeReport(unit.Name, unit.Image, [], missing);
        }

        string image = unit.Image.Contains(':', StringComparison.Ordinal) ? unit.Image : unit.Image + ":latest";
        DockerEngine engine = await _lab.DockerAsync().ConfigureAwait(false);
        ContainerRuntime runtime = (ContainerRuntime)await _lab.Onboarding.RuntimeAsync(RealisationKind.Container).ConfigureAwait(false);
        VnfRealisation r = new(RealisationKind.Container, [], null, [], [], null, true, (int)_limits.Grace.TotalSeconds, null, null, []);
        string name = string.Create(CultureInfo.InvariantCulture, $"bp{Interlocked.Increment(ref _sequence)}");
        IReadOnlyList<BestPracticeFinding> findings = await new BestPracticeChecks(engine, runtime, await _lab.ImagesAsync().ConfigureAwait(false))
            .CheckAsync(new WorkloadSpec(name, [], r, image), _limits).ConfigureAwait(false);
        return new CnfPracticeReport(unit.Name, image, [.. findings.Select(f => new CnfPracticeFinding(f.Check, f.Passed, f.Observed, f.Remedy))], null);
    }
}
