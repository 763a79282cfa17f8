// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Measurements;
using NfvConformance.Core.Evidence;
using NfvConformance.Core.Running;
using NfvConformance.Core.Workloads;

namespace NfvConformance.Suites.Drivers;

/// <summary>
/// Checks a CNF package (a directory of rendered Kubernetes manifests) against the RA2 workload rules. The package
/// is the run setting <see cref="CnfPackage.SettingKey"/> (<c>nfvc run --package DIR</c>) or, by default, the
/// example package under <c>features/WorkloadPackages/packages/example-cnf</c>. Needs no target facet: the package
/// is checked as the vendor ships it.
/// </summary>
public sealed class WorkloadPackageDriver
{
    private const int ListedAtMost = 25;

    private readonly RunContext _run;
    private readonly ScenarioEvidence _evidence;
    private CnfPackage? _package;
    private IReadOnlyList<PackageViolation>? _violations;

    /// <summary>Creates the driver for one scenario.</summary>
    /// <param name="run">The run.</param>
    /// <param name="evidence">The scenario's evidence.</param>
    public WorkloadPackageDriver(RunContext run, ScenarioEvidence evidence)
    {
        _run = run;
        _evidence = evidence;
    }

    private CnfPackage Package => _package ?? throw new InvalidOperationException("No CNF package loaded: start the scenario with 'Given the CNF package under test is loaded'.");

    /// <summary>Loads the package under test and checks it holds at least one Kubernetes object.</summary>
    public void Load()
    {
        _package = CnfPackage.Load(CnfPackage.DirectoryFor(_run));
        _violations = CnfPackageChecker.Check(_package);
        _evidence.Record(new Measurement("kubernetes objects in the package", _package.Manifests.Count, "objects"));
    }

    /// <summary>Checks the package holds at least one workload whose pod spec can be read, so pod rules are not vacuous.</summary>
    public void CheckHasPodSpecs()
    {
        int pods = Package.Manifests.Sum(m => CnfPackageChecker.PodSpecs(m).Count());
        _evidence.Record(new Measurement("pod specs in the package", pods, "pod specs"));
        Check.That(pods > 0, $"{Package.Directory}: no Pod, pod template (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob) or PodTemplate found among {Package.Manifests.Count} objects; the pod rules would check nothing. Point --package at the CNF's rendered manifests.");
    }

    /// <summary>Checks the package breaks no instance of a rule; fails with every violation as <c>file:line</c>.</summary>
    /// <param name="requirement">The rule's requirement uid (one of <see cref="CnfPackageChecker.Rules"/>).</param>
    public void CheckNoViolation(string requirement)
    {
        if (!CnfPackageChecker.Rules.Contains(requirement))
        {
            throw new ArgumentException($"'{requirement}' is not a package rule; known: {string.Join(", ", CnfPackageChecker.Rules)}.", nameof(requirement));
        }

        var hits = (_violations ?? throw new InvalidOperationException("No CNF package loaded.")).Where(v => v.Requirement == requirement).ToList();
        _evidence.Record(new Measurement($"{requirement} violations", hits.Count, "violations", "0", hits.Count == 0 ? MeasurementVerdict.Pass : MeasurementVerdict.Fail));
        Check.That(
            hits.Count == 0,
            $"{hits.Count} violation(s) of {requirement} in {Package.Directory}:{Environment.NewLine}"
            + string.Join(Environment.NewLine, hits.Take(ListedAtMost).Select(v => "  " + v))
            + (hits.Count > ListedAtMost ? $"{Environment.NewLine}  ... and {hits.Count - ListedAtMost} more" : string.Empty));
    }

    /// <summary>Counts the Service objects of the package (recorded as evidence).</summary>
    /// <returns>The count.</returns>
    public int CountServices()
    {
        int services = Package.Manifests.Count(m => m.Kind == "Service");
        _evidence.Record(new Measurement("services in the package", services, "services"));
        return services;
    }
}
