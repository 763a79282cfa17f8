// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Lifecycle;
using NfvConformance.Core.Evidence;
using NfvConformance.Core.Running;
using NfvConformance.Suites.Drivers;
using Reqnroll;

namespace NfvConformance.Suites.StepDefinitions;

/// <summary>Steps that run the CNF best-practice checks on a container unit of the onboarded descriptor and check one practice.</summary>
[Binding]
public sealed class CnfBestPracticeSteps
{
    private readonly RunContext _run;
    private readonly LifecycleDriver _lifecycle;
    private readonly ScenarioEvidence _evidence;
    private CnfPracticeReport? _report;

    /// <summary>Creates the steps for one scenario.</summary>
    /// <param name="run">The run.</param>
    /// <param name="lifecycle">The lifecycle driver (the onboarded descriptor).</param>
    /// <param name="evidence">The scenario's evidence.</param>
    public CnfBestPracticeSteps(RunContext run, LifecycleDriver lifecycle, ScenarioEvidence evidence)
    {
        _run = run;
        _lifecycle = lifecycle;
        _evidence = evidence;
    }

    /// <summary>Runs the checks on one container of a unit; a target that cannot run them for real makes the scenario not applicable.</summary>
    /// <param name="unit">The deployment unit.</param>
    [When("the CNF best-practice checks run on {string}")]
    /// <returns>A task that completes when the checks ran.</returns>
    public async Task WhenChecksRunAsync(string unit)
    {
        CnfPracticeReport report = await TargetFacets.Require<ICnfBestPractices>(_run).CheckAsync(_lifecycle.Descriptor, unit).ConfigureAwait(false);
        if (report.Refusal is not null)
        {
            throw new ScenarioNotApplicableException($"target '{_run.Target.Name}' cannot check '{unit}' for real: {report.Refusal}");
        }

        _report = report;
    }

    /// <summary>Checks that one practice passed; a failure says what was seen and what to change.</summary>
    /// <param name="check">The check's name.</param>
    [Then("the best-practice check {string} passes")]
    public void ThenPasses(string check)
    {
        CnfPracticeReport report = _report ?? throw new ConformanceCheckException("No best-practice checks ran in this scenario.");
        CnfPracticeFinding? finding = report.Findings.FirstOrDefault(f => f.Check == check);
        Check.That(finding is not null, $"The target ran no check named '{check}'; it ran: {string.Join(", ", report.Findings.Select(f => f.Check))}.");
        _evidence.Record(new($"practice:{check}", finding!.Passed ? 1 : 0, "passed"));
        Check.That(finding.Passed, $"{check} failed on '{report.DeploymentUnit}' (image {report.Image}): {finding.Observed}. Change: {finding.Remedy}");
    }
}
