// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Lifecycle;

namespace NfvConformance.Facets.Tests.Lifecycle;

/// <summary>
/// What every <see cref="ICnfBestPractices"/> must do: run each of its checks, in the order it lists them, on a
/// container it really started, and pass a well-behaved CNF on every one; fail a CNF that ignores SIGTERM on what it
/// breaks and only that, saying what was seen and what to change; refuse a unit it cannot check (a VM) as a value,
/// without findings; throw when cancelled. The descriptors name the project's CNF images (<c>nfvc/cnf</c>, <c>nfvc/cnf-nosig</c>), which a
/// target offering the facet builds, because no registry is reachable from CI.
/// </summary>
/// <typeparam name="TTarget">The target.</typeparam>
public abstract class CnfBestPracticesContract<TTarget> : FacetContract<ICnfBestPractices, TTarget>
    where TTarget : TestTarget, new()
{
    /// <summary>A descriptor of one unit named <c>cnf</c>; <c>{KIND}</c> and <c>{IMAGE}</c> are filled in.</summary>
    internal const string Descriptor = """
        vnfd:
          id: {ID}
          version: "1.0"
          deployment_units:
            - {name: cnf, kind: {KIND}, image: "{IMAGE}", cores: 1, memory_mb: 128, instances: 1, min_instances: 1, max_instances: 1,
               connection_points: [{name: eth0, attachment: [kernel-virtio]}]}
        """;

    /// <summary>
    /// The one check that times the CNF against the wall clock (first stdout line within 2 s of the start request): on a
    /// loaded CI host it measures the host as much as the CNF (2.4 s seen here during a solution build), so the
    /// contract leaves its verdict to the scenarios and the benchmarks, and checks only that it ran.
    /// </summary>
    internal const string WallClockCheck = "startup-time";

    /// <inheritdoc />
    public override IReadOnlyList<FacetBreak<ICnfBestPractices>> Breaks { get; } =
    [
        new(nameof(AWellBehavedCnf_PassesEveryCheck_InTheListedOrder), "fails a practice the well-behaved CNF follows",
            f => Broken.Facet(f, (nameof(ICnfBestPractices.CheckAsync), (a, real) => Broken.Then((ValueTask<CnfPracticeReport>)real()!, r => r with { Findings = [.. r.Findings.Select((x, i) => i == 0 ? x with { Passed = false, Remedy = "fix it" } : x)] })))),
        new(nameof(AWellBehavedCnf_PassesEveryCheck_InTheListedOrder), "leaves a listed check out of the report",
            f => Broken.Facet(f, (nameof(ICnfBestPractices.CheckAsync), (a, real) => Broken.Then((ValueTask<CnfPracticeReport>)real()!, r => r with { Findings = [.. r.Findings.Skip(1)] })))),
        new(nameof(AWellBehavedCnf_PassesEveryCheck_InTheListedOrder), "refuses a container unit it could check",
            f => Broken.Facet(f, (nameof(ICnfBestPractices.CheckAsync), (a, real) => Broken.Then((ValueTask<CnfPracticeReport>)real()!, r => r with { Findings = [], Refusal = "no container runtime" })))),
        new(nameof(ACnfThatIgnoresSigterm_FailsOnlyWhatItBreaks_SayingWhatWasSeenAndWhatToChange), "passes every check whatever the CNF does",
            f => Broken.Facet(f, (nameof(ICnfBestPractices.CheckAsync), (a, real) => Broken.Then((ValueTask<CnfPracticeReport>)real()!, r => r with { Findings = [.. r.Findings.Select(x => x with { Passed = true, Remedy = string.Empty })] })))),
        new(nameof(ACnfThatIgnoresSigterm_FailsOnlyWhatItBreaks_SayingWhatWasSeenAndWhatToChange), "fails a check without saying what to change",
            f => Broken.Facet(f, (nameof(ICnfBestPractices.CheckAsync), (a, real) => Broken.Then((ValueTask<CnfPracticeReport>)real()!, r => r with { Findings = [.. r.Findings.Select(x => x.Passed ? x : x with { Remedy = string.Empty })] })))),
        new(nameof(ACnfThatIgnoresSigterm_FailsOnlyWhatItBreaks_SayingWhatWasSeenAndWhatToChange), "fails every check once one fails",
            f => Broken.Facet(f, (nameof(ICnfBestPractices.CheckAsync), (a, real) => Broken.Then((ValueTask<CnfPracticeReport>)real()!, r => r.Findings.Any(x => !x.Passed) ? r with { Findings = [.. r.Findings.Select(x => x with { Passed = false, Remedy = x.Passed ? "fix it" : x.Remedy })] } : r)))),
        new(nameof(AVmUnit_IsRefusedAsAValue_WithoutFindings), "throws on a unit it cannot check",
            f => Broken.Facet(f, (nameof(ICnfBestPractices.CheckAsync), (a, real) => Broken.Then((ValueTask<CnfPracticeReport>)real()!, r => r.Refusal is not null ? throw new NotSupportedException("vm") : r)))),
        new(nameof(AVmUnit_IsRefusedAsAValue_WithoutFindings), "reports a VM unit as checked",
            f => Broken.Facet(f, (nameof(ICnfBestPractices.CheckAsync), (a, real) => Broken.Then((ValueTask<CnfPracticeReport>)real()!, r => r with { Refusal = null, Findings = [.. f.Checks.Select(c => new CnfPracticeFinding(c, true, "ok", string.Empty))] })))),
        new(nameof(CheckAsync_Cancelled_Throws), "ignores cancellation",
            f => Broken.Facet(f, (nameof(ICnfBestPractices.CheckAsync), (a, real) => f.CheckAsync((VnfDescriptor)a[0]!, (string)a[1]!, CancellationToken.None)))),
    ];

    [Test]
    public async Task AWellBehavedCnf_PassesEveryCheck_InTheListedOrder()
    {
        await using FacetSession<ICnfBestPractices> s = await OpenAsync();
        VnfDescriptor good = Onboard(s, "good-cnf", "container", "nfvc/cnf:1.0");

        CnfPracticeReport report = await s.Facet.CheckAsync(good, "cnf");

        Assert.That(report.Refusal, Is.Null, "a container unit of an image the target has is checked for real");
        Assert.That(s.Facet.Checks, Is.Not.Empty.And.Unique);
        Assert.That(report.DeploymentUnit, Is.EqualTo("cnf"));
        Assert.That(report.Findings.Select(f => f.Check), Is.EqualTo(s.Facet.Checks), "one finding per listed check, in the listed order");
        Assert.That(report.Findings.Where(f => !f.Passed && f.Check != WallClockCheck).Select(f => $"{f.Check}: {f.Observed}"), Is.Empty, "the well-behaved CNF follows every practice");
        Assert.That(report.Findings.Select(f => f.Observed), Has.All.Not.Empty, "each finding says what was read or seen");
    }

    [Test]
    public async Task ACnfThatIgnoresSigterm_FailsOnlyWhatItBreaks_SayingWhatWasSeenAndWhatToChange()
    {
        await using FacetSession<ICnfBestPractices> s = await OpenAsync();
        VnfDescriptor nosig = Onboard(s, "deaf-cnf", "container", "nfvc/cnf-nosig:1.0");

        CnfPracticeReport report = await s.Facet.CheckAsync(nosig, "cnf");

        Assert.That(report.Refusal, Is.Null);
        Assert.That(report.Findings.Select(f => f.Check), Is.EqualTo(s.Facet.Checks));
        List<CnfPracticeFinding> failed = [.. report.Findings.Where(f => !f.Passed)];
        Assert.That(failed.Select(f => f.Check), Has.Some.Contains("sigterm"), "a PID 1 that ignores SIGTERM fails the SIGTERM practice");
        Assert.That(failed, Has.Count.LessThan(report.Findings.Count), "the practices the CNF follows (non-root user, stdout logs, healthcheck) still pass");
        Assert.That(failed.Select(f => f.Observed), Has.All.Not.Empty, "a failure says what was seen");
        Assert.That(failed.Select(f => f.Remedy), Has.All.Not.Empty, "a failure says what to change");
        Assert.That(report.Findings.Where(f => f.Passed).Select(f => f.Remedy), Has.All.Empty, "a passed check has nothing to change");
    }

    [Test]
    public async Task AVmUnit_IsRefusedAsAValue_WithoutFindings()
    {
        await using FacetSession<ICnfBestPractices> s = await OpenAsync();
        VnfDescriptor vm = Onboard(s, "vm-vnf", "vm", "vfw-1.0.qcow2");

        CnfPracticeReport report = await s.Facet.CheckAsync(vm, "cnf");

        Assert.That(report.Refusal, Is.Not.Null.And.Not.Empty, "the checks are for containers; a VM unit is refused with the reason");
        Assert.That(report.Findings, Is.Empty, "a refused unit has no findings");
    }

    [Test]
    public async Task CheckAsync_Cancelled_Throws()
    {
        await using FacetSession<ICnfBestPractices> s = await OpenAsync();
        VnfDescriptor good = Onboard(s, "cancelled-cnf", "container", "nfvc/cnf:1.0");
        using CancellationTokenSource cancelled = new();
        await cancelled.CancelAsync();

        Assert.That(async () => await s.Facet.CheckAsync(good, "cnf", cancelled.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    /// <summary>Onboards a one-unit descriptor through the same target's lifecycle (the checks take an onboarded descriptor).</summary>
    private static VnfDescriptor Onboard(FacetSession<ICnfBestPractices> s, string id, string kind, string image)
    {
        IVnfLifecycle? lifecycle = s.Other<IVnfLifecycle>();
        Assert.That(lifecycle, Is.Not.Null, "a target that checks CNFs onboards their descriptors");
        string text = Descriptor.Replace("{ID}", id, StringComparison.Ordinal).Replace("{KIND}", kind, StringComparison.Ordinal).Replace("{IMAGE}", image, StringComparison.Ordinal);
        LifecycleResult onboarded = lifecycle!.Onboard(text, id + ".yaml");
        Assert.That(onboarded.Problems, Is.Empty, $"{id}.yaml onboards");
        return lifecycle.Descriptors.Single(d => d.Id == id);
    }
}

public sealed class LinuxCnfBestPracticesContract : CnfBestPracticesContract<OnLinuxWithWorkloads>
{
}
