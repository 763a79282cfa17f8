// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Lifecycle;
using NfvConformance.Descriptors.Vnfd;

namespace NfvConformance.Descriptors.Tests.Vnfd;

/// <summary>The instance, component, event-driven unit and upgrade checks both lifecycle managers share, with their words.</summary>
public sealed class LifecycleChecksTests
{
    private const string Yaml = """
        vnfd:
          id: acme-fw
          version: "1.0"
          deployment_units:
            - {name: fw, kind: container, image: fw-1, cores: 1, memory_mb: 64, instances: 1, min_instances: 1, max_instances: 3}
            - {name: logger, kind: container, image: log-1, cores: 1, memory_mb: 64, instances: 0, min_instances: 0, max_instances: 1, event_driven: true}
        """;

    [Test]
    public void Running_UnknownOrTerminated_IsRefusedNamingWhatIsKnown_ARunningOneIsFound()
    {
        VnfdCatalogue catalogue = new();
        VnfDescriptor d = Onboarded(catalogue);
        Dictionary<string, VnfInstanceRecord<string>> instances = new(StringComparer.Ordinal)
        {
            ["a-1"] = new("a-1", d, [], v => v),
            ["a-2"] = new("a-2", d, [], v => v) { Terminated = true },
        };
        List<ValidationError> problems = [];

        VnfInstanceRecord<string>? found = LifecycleChecks.Running(instances, r => r.Terminated, "a-1", problems);
        VnfInstanceRecord<string>? unknown = LifecycleChecks.Running(instances, r => r.Terminated, "zz", problems);
        VnfInstanceRecord<string>? terminated = LifecycleChecks.Running(instances, r => r.Terminated, "a-2", problems);

        Assert.That(found?.Id, Is.EqualTo("a-1"));
        Assert.That(unknown, Is.Null);
        Assert.That(terminated, Is.Null);
        Assert.That(problems.Select(p => p.Message), Is.EqualTo(new[]
        {
            "unknown VNF instance 'zz'; known: a-1, a-2.",
            "the instance is terminated; instantiate the descriptor again.",
        }));
    }

    [Test]
    public void EventDrivenUnit_UnknownOrNotEventDriven_IsRefused_NoDescriptorAddsNothing()
    {
        VnfDescriptor d = Onboarded(new VnfdCatalogue());
        List<ValidationError> problems = [];

        DeploymentUnit? logger = LifecycleChecks.EventDrivenUnit(d, "a-1", "logger", problems);
        Assert.That(problems, Is.Empty);
        _ = LifecycleChecks.EventDrivenUnit(d, "a-1", "nope", problems);
        _ = LifecycleChecks.EventDrivenUnit(d, "a-1", "fw", problems);
        _ = LifecycleChecks.EventDrivenUnit(null, "a-1", "nope", problems);

        Assert.That(logger?.Name, Is.EqualTo("logger"));
        Assert.That(problems.Select(p => p.Message), Is.EqualTo(new[]
        {
            "unknown deployment unit 'nope'; the descriptor has: fw, logger.",
            "deployment unit 'fw' is not event-driven; set event_driven: true in the descriptor.",
        }));
    }

    [Test]
    public void Component_Unknown_IsRefusedNamingTheInstancesComponents()
    {
        List<ValidationError> problems = [];

        string? found = LifecycleChecks.Component(["c-2", "c-1"], v => v, "a-1", "c-1", problems);
        string? missing = LifecycleChecks.Component(["c-2", "c-1"], v => v, "a-1", "c-9", problems);

        Assert.That(found, Is.EqualTo("c-1"));
        Assert.That(missing, Is.Null);
        Assert.That(problems.Single().Message, Is.EqualTo("unknown VNFC 'c-9'; the instance has: c-1, c-2."));
    }

    [Test]
    public void Upgrade_ToTheRunningOrAMissingVersion_IsRefused_CountsKeepWhatRunsWithinBounds()
    {
        VnfdCatalogue catalogue = new();
        VnfDescriptor v1 = Onboarded(catalogue);
        (VnfDescriptor? v2, _) = catalogue.Onboard(Yaml.Replace("\"1.0\"", "\"2.0\"", StringComparison.Ordinal).Replace("max_instances: 3", "max_instances: 2", StringComparison.Ordinal), "v2.yaml");
        List<ValidationError> problems = [];

        VnfDescriptor? same = LifecycleChecks.Upgrade(catalogue, v1, "a-1", "1.0", problems);
        Assert.That(problems.Single().Message, Is.EqualTo("the instance already runs version 1.0."));
        VnfDescriptor? missing = LifecycleChecks.Upgrade(catalogue, v1, "a-1", "9.0", problems);
        VnfDescriptor? next = LifecycleChecks.Upgrade(catalogue, v1, "a-1", "2.0", problems);

        Assert.That(same, Is.Not.Null);
        Assert.That(missing, Is.Null);
        Assert.That(problems, Has.Count.EqualTo(2), "a missing version adds its problem, 2.0 none");
        Assert.That(next, Is.SameAs(v2));
        Assert.That(LifecycleChecks.UpgradeCount(v1, _ => 3, v2!.DeploymentUnits[0]), Is.EqualTo(2), "three running, clamped to the new max of 2");
    }

    [Test]
    public void Onboard_GivesAnEventOrEveryProblem()
    {
        VnfdCatalogue catalogue = new();

        LifecycleResult ok = LifecycleChecks.Onboard(catalogue, Yaml, "a.yaml", TimeProvider.System);
        LifecycleResult bad = LifecycleChecks.Onboard(catalogue, "vnfd: [", "bad.yaml", TimeProvider.System);

        Assert.That(ok.Succeeded, Is.True);
        Assert.That(ok.Events.Single().Kind, Is.EqualTo("vnfd-onboarded"));
        Assert.That(bad.Succeeded, Is.False);
        Assert.That(bad.Problems, Is.Not.Empty);
        Assert.That(catalogue.All, Has.Count.EqualTo(1));
    }

    private static VnfDescriptor Onboarded(VnfdCatalogue catalogue)
    {
        (VnfDescriptor? d, IReadOnlyList<ValidationError> problems) = catalogue.Onboard(Yaml, "a.yaml");
        Assert.That(problems, Is.Empty);
        return d!;
    }
}
