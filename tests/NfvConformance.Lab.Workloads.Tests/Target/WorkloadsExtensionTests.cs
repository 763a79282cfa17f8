// Licensed under the Apache License, Version 2.0.
using System.Net.Sockets;
using Docker.DotNet.Models;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Lifecycle;
using NfvConformance.Abstractions.Targets;
using NfvConformance.Lab.Linux.Target;
using NfvConformance.Lab.Workloads.Docker;

namespace NfvConformance.Lab.Workloads.Tests.Target;

/// <summary>The workloads as the linux target's facets: settings checked up front, the lifecycle and the best practices on real containers.</summary>
public sealed class WorkloadsExtensionTests
{
    private const string Descriptor = """
        vnfd:
          id: {ID}
          version: "1.0"
          configuration: {log_level: info}
          deployment_units:
            - {name: fw, kind: container, image: "{IMAGE}", cores: 1, memory_mb: 128, instances: {N}, min_instances: 1, max_instances: 3, anti_affinity: {AA},
               connection_points: [{name: data0, attachment: [kernel-virtio]}]}
          scaling_aspects:
            - {name: fw-capacity, deployment_unit: fw, step: 1}
        """;

    [Test]
    public void A_docker_setting_that_is_not_a_unix_socket_is_refused_before_any_work()
    {
        IReadOnlyList<ValidationError> errors = new WorkloadsExtension().Validate(Options("tcp://10.0.0.1:2375"));
        Assert.That(errors.Single().Message, Does.Contain("unix:///PATH"));
        Assert.That(errors.Single().Subject, Is.EqualTo("settings.docker"));
    }

    [Test]
    public void A_docker_setting_naming_a_missing_socket_is_refused_before_any_work()
    {
        string socket = Path.Combine(Path.GetTempPath(), $"nfvc-none-{Guid.NewGuid():N}.sock");
        IReadOnlyList<ValidationError> errors = new WorkloadsExtension().Validate(Options("unix://" + socket));
        Assert.That(errors.Single().Message, Does.Contain(socket).And.Contain("start dockerd there"));
    }

    [Test]
    public void An_existing_socket_and_no_setting_at_all_are_accepted()
    {
        string socket = Path.Combine(Path.GetTempPath(), $"nfvc-sock-{Guid.NewGuid():N}.sock");
        using Socket s = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        s.Bind(new UnixDomainSocketEndPoint(socket));
        try
        {
            Assert.That(new WorkloadsExtension().Validate(Options("unix://" + socket)), Is.Empty);
            Assert.That(new WorkloadsExtension().Validate(new LabTargetOptions()), Is.Empty);
        }
        finally
        {
            File.Delete(socket);
        }
    }

    [Test]
    public async Task The_lifecycle_runs_real_containers_heals_a_killed_one_and_leaves_none_after_terminate()
    {
        Need.Docker();
        await using ILabTarget target = await StartAsync();
        IVnfLifecycle lifecycle = target.GetFeature<IVnfLifecycle>()!;
        Assert.That(lifecycle, Is.Not.Null, "the linux target offers the workloads' lifecycle");
        Assert.That(lifecycle.Onboard(Text("life", "nfvc/cnf:1.0", 2, false), "life.yaml").Succeeded);
        LifecycleResult made = await lifecycle.InstantiateAsync("life");
        Assert.That(made.Succeeded, Is.True, string.Join("; ", made.Problems));
        VnfInstanceInfo info = lifecycle.Get(made.VnfInstanceId!)!;
        Assert.That(info.Vnfcs, Has.Count.EqualTo(2));
        Assert.That(info.Vnfcs.SelectMany(v => v.Placement.Interfaces), Has.All.Matches<Abstractions.Placement.AttachedInterface>(i => i.Ip.StartsWith("10.91.0.", StringComparison.Ordinal) && i.Mac.StartsWith("02:6e:66", StringComparison.Ordinal)), "addresses read back from the kernel");
        Assert.That(info.Vnfcs.Select(v => v.Image), Has.All.EqualTo("nfvc/cnf:1.0"), "the image reads back from Docker");
        Assert.That(await ContainersAsync(target), Has.Count.EqualTo(2));

        LifecycleResult healed = await lifecycle.HealAsync(made.VnfInstanceId!, info.Vnfcs[0].Id);
        Assert.That(healed.Succeeded, Is.True, string.Join("; ", healed.Problems));
        Assert.That(healed.Events.Select(e => e.Kind), Is.SupersetOf(new[] { "vnfc-crashed", "failure-detected", "vnfc-started", "vnfc-stopped" }));
        Assert.That(lifecycle.Get(made.VnfInstanceId!)!.Vnfcs.Select(v => v.Id), Does.Not.Contain(info.Vnfcs[0].Id).And.Exactly(2).Items);

        LifecycleResult config = await lifecycle.ChangeConfigurationAsync(made.VnfInstanceId!, new Dictionary<string, string> { ["log_level"] = "debug" });
        Assert.That(config.Succeeded, Is.True, string.Join("; ", config.Problems));

        LifecycleResult gone = await lifecycle.TerminateAsync(made.VnfInstanceId!);
        Assert.That(gone.Succeeded, Is.True, string.Join("; ", gone.Problems));
        Assert.That(await ContainersAsync(target), Is.Empty, "terminate stops and removes every container");
    }

    [Test]
    public async Task What_one_host_cannot_do_is_refused_as_a_value_not_faked()
    {
        Need.Docker();
        await using ILabTarget target = await StartAsync();
        IVnfLifecycle lifecycle = target.GetFeature<IVnfLifecycle>()!;
        Assert.That(lifecycle.Onboard(Text("aa", "nfvc/cnf:1.0", 2, true), "aa.yaml").Succeeded);
        Assert.That((await lifecycle.InstantiateAsync("aa")).Refusal, Does.Contain("anti-affinity").And.Contain("one host"));
        Assert.That(lifecycle.Onboard(Text("vendor", "vendor/firewall:9", 1, false), "vendor.yaml").Succeeded);
        Assert.That((await lifecycle.InstantiateAsync("vendor")).Refusal, Does.Contain("vendor/firewall:9").And.Contain("no registry"));
        Assert.That(await ContainersAsync(target), Is.Empty, "a refused operation starts nothing");
    }

    [Test]
    public async Task A_CNF_that_ignores_SIGTERM_fails_exactly_the_practices_it_breaks()
    {
        Need.Docker();
        await using ILabTarget target = await StartAsync();
        IVnfLifecycle lifecycle = target.GetFeature<IVnfLifecycle>()!;
        ICnfBestPractices practices = target.GetFeature<ICnfBestPractices>()!;
        Assert.That(lifecycle.Onboard(Text("good", "nfvc/cnf:1.0", 1, false), "good.yaml").Succeeded);
        Assert.That(lifecycle.Onboard(Text("nosig", "nfvc/cnf-nosig:1.0", 1, false), "nosig.yaml").Succeeded);
        CnfPracticeReport good = await practices.CheckAsync(lifecycle.Descriptors.Single(d => d.Id == "good"), "fw");
        CnfPracticeReport nosig = await practices.CheckAsync(lifecycle.Descriptors.Single(d => d.Id == "nosig"), "fw");
        foreach (CnfPracticeFinding f in good.Findings.Concat(nosig.Findings))
        {
            TestContext.Out.WriteLine(f);
        }

        Assert.That(good.Findings.Where(f => !f.Passed), Is.Empty);
        Assert.That(good.Findings.Select(f => f.Check), Is.EqualTo(practices.Checks));
        Assert.That(nosig.Findings.Where(f => !f.Passed).Select(f => f.Check).Order(), Is.EqualTo(new[] { "reaps-zombies", "sigterm-within-grace" }));
    }

    private static LabTargetOptions Options(string docker) => new() { Settings = new Dictionary<string, string> { [WorkloadsExtension.DockerSetting] = docker } };

    private static string Text(string id, string image, int instances, bool antiAffinity) =>
        Descriptor.Replace("{ID}", id, StringComparison.Ordinal).Replace("{IMAGE}", image, StringComparison.Ordinal)
            .Replace("{N}", instances.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{AA}", antiAffinity ? "true" : "false", StringComparison.Ordinal);

    private static Task<ILabTarget> StartAsync() => PrivateDocker.StartLinuxTargetAsync(new LabTargetOptions(), new WorkloadsExtension());

    private static async Task<IList<ContainerListResponse>> ContainersAsync(ILabTarget target)
    {
        DockerEngine engine = await target.GetFeature<WorkloadLab>()!.DockerAsync();
        return await engine.Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{DockerEngine.RunLabel}={engine.Token}"] = true } },
        });
    }
}
