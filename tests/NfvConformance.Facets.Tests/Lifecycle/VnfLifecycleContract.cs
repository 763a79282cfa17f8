// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Lifecycle;

namespace NfvConformance.Facets.Tests.Lifecycle;

/// <summary>
/// What every <see cref="IVnfLifecycle"/> must do: refuse a malformed descriptor with file:line before onboarding
/// anything; instantiate what the descriptor says and terminate it (a second terminate is refused as a value, not an
/// exception); refuse a scale beyond the descriptor's bounds and change nothing; answer operations on an unknown
/// instance with a refusal naming it.
/// </summary>
/// <typeparam name="TTarget">The target.</typeparam>
public abstract class VnfLifecycleContract<TTarget> : FacetContract<IVnfLifecycle, TTarget>
    where TTarget : TestTarget, new()
{
    /// <summary>
    /// One container unit of one instance (scalable to two), on a kernel virtio interface. Its image is the project's
    /// well-behaved CNF, which a real target builds (no registry is reachable from CI) and the emulator takes by name.
    /// </summary>
    internal const string Descriptor = """
        vnfd:
          id: contract-app
          version: "1.0"
          deployment_units:
            - {name: app, kind: container, image: "nfvc/cnf:1.0", cores: 1, memory_mb: 64, instances: 1, min_instances: 1, max_instances: 2,
               connection_points: [{name: eth0, attachment: [kernel-virtio]}]}
          scaling_aspects:
            - {name: app-capacity, deployment_unit: app, step: 1}
        """;

    /// <inheritdoc />
    public override IReadOnlyList<FacetBreak<IVnfLifecycle>> Breaks { get; } =
    [
        new(nameof(Onboard_MalformedDescriptor_IsRefusedWithFileAndLineAndOnboardsNothing), "refuses without saying where",
            f => Broken.Facet(f, (nameof(IVnfLifecycle.Onboard), (a, real) => ((LifecycleResult)real()!) is var r && !r.Succeeded ? r with { Problems = [new(true, "invalid descriptor", "vnfd")] } : r))),
        new(nameof(Onboard_MalformedDescriptor_IsRefusedWithFileAndLineAndOnboardsNothing), "throws on a malformed descriptor",
            f => Broken.Facet(f, (nameof(IVnfLifecycle.Onboard), (a, real) => ((LifecycleResult)real()!) is var r && !r.Succeeded ? throw new FormatException("yaml") : r))),
        new(nameof(Instantiate_ThenTerminate_RunsTheComponentsThenReleasesThemOnce), "terminates without releasing the components",
            f => Broken.Facet(f, (nameof(IVnfLifecycle.Get), (a, real) => ((VnfInstanceInfo?)real()) is { Terminated: true } i ? i with { Terminated = false } : real()))),
        new(nameof(Instantiate_ThenTerminate_RunsTheComponentsThenReleasesThemOnce), "throws on a second terminate",
            f =>
            {
                HashSet<string> terminated = [];
                return Broken.Facet(f, (nameof(IVnfLifecycle.TerminateAsync), (a, real) => terminated.Add((string)a[0]!) ? real() : ValueTask.FromException<LifecycleResult>(new InvalidOperationException("terminated"))));
            }),
        new(nameof(Scale_BeyondTheDescriptorsMaximum_IsRefusedAndChangesNothing), "scales past the maximum",
            f => Broken.Facet(f, (nameof(IVnfLifecycle.ScaleAsync), (a, real) => f.ScaleAsync((string)a[0]!, (string)a[1]!, Math.Min(1, (int)a[2]!), (CancellationToken)a[3]!)))),
        new(nameof(Operations_OnAnUnknownInstance_AreRefusedNamingIt), "reports success for an instance that does not exist",
            f => Broken.Facet(f, (nameof(IVnfLifecycle.HealAsync), (a, real) => ValueTask.FromResult(new LifecycleResult(true, "heal", (string)a[0]!, TimeSpan.Zero, [], []))))),
    ];

    [Test]
    public async Task Onboard_MalformedDescriptor_IsRefusedWithFileAndLineAndOnboardsNothing()
    {
        await using FacetSession<IVnfLifecycle> s = await OpenAsync();
        int before = s.Facet.Descriptors.Count;

        LifecycleResult result = s.Facet.Onboard(Descriptor.Replace("instances: 1,", "instances: many,", StringComparison.Ordinal), "contract.yaml");

        Assert.That(result.Succeeded, Is.False);
        Assert.That(result.Problems.Select(p => p.ToString()), Has.Some.Match(@"contract\.yaml:\d+"), "a problem says file:line");
        Assert.That(s.Facet.Descriptors, Has.Count.EqualTo(before));
    }

    [Test]
    public async Task Instantiate_ThenTerminate_RunsTheComponentsThenReleasesThemOnce()
    {
        await using FacetSession<IVnfLifecycle> s = await OpenAsync();
        Assert.That(s.Facet.Onboard(Descriptor, "contract.yaml").Problems, Is.Empty);

        LifecycleResult instantiated = await s.Facet.InstantiateAsync("contract-app");
        string id = instantiated.VnfInstanceId!;
        VnfInstanceInfo running = s.Facet.Get(id)!;
        LifecycleResult terminated = await s.Facet.TerminateAsync(id);
        VnfInstanceInfo? after = s.Facet.Get(id);
        LifecycleResult again = await s.Facet.TerminateAsync(id);

        Assert.That(instantiated.Succeeded, Is.True, string.Join("; ", instantiated.Problems));
        Assert.That(running.Vnfcs.Select(c => c.DeploymentUnit), Is.EqualTo(new[] { "app" }));
        Assert.That(terminated.Succeeded, Is.True, string.Join("; ", terminated.Problems));
        Assert.That(after is null || (after.Terminated && after.Vnfcs.Count == 0), Is.True, "a terminated instance holds no component");
        Assert.That(again.Succeeded, Is.False, "a second terminate is refused");
        Assert.That(again.Problems, Is.Not.Empty);
    }

    [Test]
    public async Task Scale_BeyondTheDescriptorsMaximum_IsRefusedAndChangesNothing()
    {
        await using FacetSession<IVnfLifecycle> s = await OpenAsync();
        Assert.That(s.Facet.Onboard(Descriptor, "contract.yaml").Problems, Is.Empty);
        string id = (await s.Facet.InstantiateAsync("contract-app")).VnfInstanceId!;

        LifecycleResult result = await s.Facet.ScaleAsync(id, "app-capacity", 5);

        Assert.That(result.Succeeded, Is.False);
        Assert.That(result.Problems, Is.Not.Empty);
        Assert.That(s.Facet.Get(id)!.Vnfcs, Has.Count.EqualTo(1), "a refused scale changes nothing");
        Assert.That((await s.Facet.TerminateAsync(id)).Succeeded, Is.True);
    }

    [Test]
    public async Task Operations_OnAnUnknownInstance_AreRefusedNamingIt()
    {
        await using FacetSession<IVnfLifecycle> s = await OpenAsync();

        LifecycleResult[] results =
        [
            await s.Facet.ScaleAsync("no-such-vnf", "app-capacity", 1),
            await s.Facet.HealAsync("no-such-vnf", "vnfc-1"),
            await s.Facet.TerminateAsync("no-such-vnf"),
        ];

        Assert.That(s.Facet.Get("no-such-vnf"), Is.Null);
        Assert.That(results.Select(r => r.Succeeded), Is.All.False);
        Assert.That(results.Select(r => string.Join("; ", r.Problems)), Is.All.Contains("no-such-vnf"));
    }
}

public sealed class EmulatorVnfLifecycleContract : VnfLifecycleContract<OnEmulator>
{
}

public sealed class LinuxVnfLifecycleContract : VnfLifecycleContract<OnLinuxWithWorkloads>
{
}
